package http

import (
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/conductor/reports/actors"
	"github.com/conductor/reports/app"
)

// pong sends PING on c and says whether PONG came back (the connection
// is alive).
func pong(t *testing.T, c *websocket.Conn) bool {
	t.Helper()
	if err := c.WriteJSON(map[string]any{"type": app.FramePing}); err != nil {
		return false
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var m map[string]any
	if err := c.ReadJSON(&m); err != nil {
		return false
	}
	return m["type"] == app.FramePong
}

// closedWith reads c until it closes and returns the close code (-1 when
// it stayed open for 5 s).
func closedWith(t *testing.T, c *websocket.Conn) int {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, _, err := c.ReadMessage()
		if err == nil {
			continue
		}
		if ce, ok := err.(*websocket.CloseError); ok {
			return ce.Code
		}
		return -1
	}
}

// TestRealtimeDisconnectIsForAdminsAndClosesTheConnections: the admin
// route ends WebSocket connections server-side (the caller's, or all of
// the tenant's), answers how many, leaves SSE streams alone unless asked,
// and refuses anonymous callers (401), non-admins (403) and bad bodies.
func TestRealtimeDisconnectIsForAdminsAndClosesTheConnections(t *testing.T) {
	s := newRTStack(t, actors.RealtimeConfig{})
	admin := s.login("admin@alpha.example", adminPW)
	s.newUser(admin, "viewer@alpha.example")
	viewer := s.login("viewer@alpha.example", "long-enough-pw")
	const route = "/api/admin/realtime/disconnect"

	if r := s.req("POST", route, "", nil); r.status != 401 {
		t.Fatalf("anonymous: %d %s, want 401", r.status, r.raw)
	}
	if r := s.req("POST", route, viewer, nil); r.status != 403 {
		t.Fatalf("viewer: %d %s, want 403", r.status, r.raw)
	}
	if r := s.req("POST", route, admin, map[string]string{"scope": "galaxy"}); r.status != 400 {
		t.Fatalf("bad scope: %d %s, want 400", r.status, r.raw)
	} else if _, field := r.errField(); field != "scope" {
		t.Fatalf("bad scope: field %q", field)
	}
	if r := s.req("POST", route, admin, map[string]string{"transport": "pigeon"}); r.status != 400 {
		t.Fatalf("bad transport: %d %s, want 400", r.status, r.raw)
	}

	mine, _, err := s.dial(t, bearer(admin))
	if err != nil {
		t.Fatal(err)
	}
	defer mine.Close()
	theirs, _, err := s.dial(t, bearer(viewer))
	if err != nil {
		t.Fatal(err)
	}
	defer theirs.Close()
	if !pong(t, mine) || !pong(t, theirs) {
		t.Fatal("connections not alive before the disconnect")
	}

	// SSE only: no WebSocket is touched.
	if r := s.req("POST", route, admin, map[string]string{"transport": "sse"}); r.status != 200 || r.body["closed"] != float64(0) {
		t.Fatalf("sse only: %d %s, want 200 closed 0", r.status, r.raw)
	}
	if !pong(t, mine) {
		t.Fatal("an SSE-only disconnect closed a WebSocket")
	}

	// The caller's own: only that one closes, going away.
	r := s.req("POST", route, admin, nil)
	if r.status != 200 || r.body["closed"] != float64(1) {
		t.Fatalf("self: %d %s, want 200 closed 1", r.status, r.raw)
	}
	if code := closedWith(t, mine); code != websocket.CloseGoingAway {
		t.Fatalf("own connection: close code %d, want %d", code, websocket.CloseGoingAway)
	}
	if !pong(t, theirs) {
		t.Fatal("scope self closed another user's connection")
	}

	// The whole tenant.
	r = s.req("POST", route, admin, map[string]string{"scope": "tenant", "transport": "ws"})
	if r.status != 200 || r.body["closed"] != float64(1) {
		t.Fatalf("tenant: %d %s, want 200 closed 1", r.status, r.raw)
	}
	if code := closedWith(t, theirs); code != websocket.CloseGoingAway {
		t.Fatalf("tenant: close code %d", code)
	}
	// A new connection works afterwards: clients can come back.
	again, _, err := s.dial(t, bearer(admin))
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if !pong(t, again) {
		t.Fatal("a reconnect after the disconnect does not work")
	}
	// Each call was audited.
	var n int
	if err := s.raw.QueryRow(`SELECT COUNT(*) FROM audit_logs WHERE action = 'realtime.disconnect'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("audit rows %d, want 3 (the successful calls)", n)
	}
}
