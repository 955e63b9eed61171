package actors

// Transport kinds a session can report (see Disconnect).
const (
	TransportWS  = "ws"
	TransportSSE = "sse"
)

// kinded is implemented by transports that say what they are.
type kinded interface{ Kind() string }

func transportKind(t Transport) string {
	if k, ok := t.(kinded); ok {
		return k.Kind()
	}
	return ""
}

// ReasonDisconnected is the close reason of sessions ended by Disconnect.
const ReasonDisconnected = "disconnected"

// Disconnect closes the open sessions of a tenant, only userID's when it
// is not empty, only those over the given transport kind when it is not
// empty, and returns how many it closed. Clients reconnect by their own
// logic (an operator uses it to move screens off a transport, or to prove
// the fallback works).
func (r *Realtime) Disconnect(tenantID, userID, transport string) int {
	if tenantID == "" {
		return 0
	}
	n := 0
	r.sessions.Range(func(k, _ any) bool {
		s := k.(*Session)
		if s.tenantID != tenantID || (userID != "" && s.userID != userID) || (transport != "" && s.transport != transport) {
			return true
		}
		select {
		case <-s.done: // already ending
		default:
			s.Close(ReasonDisconnected)
			n++
		}
		return true
	})
	return n
}
