package http

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"

	hz "github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/network"
	"github.com/cloudwego/hertz/pkg/protocol/http1/resp"

	"github.com/conductor/reports/actors"
	"github.com/conductor/reports/app"
)

// sseRetryMillis is the reconnection delay EventSource is told to use.
const sseRetryMillis = 2000

// sseReserved are query parameters of the SSE route that are not global
// filters.
var sseReserved = []string{"widgets", "lastEventId"}

// sseDashboard streams a dashboard's widget frames as server-sent events
// (GET /sse/dashboards/{id}?widgets=a,b plus global filters). Each event's
// type is the frame type; its id lists "widgetId:seq" for every widget
// heard so far, the event's own widget first, so the Last-Event-ID an
// EventSource sends on reconnect resumes every widget, not only the last.
func (s *Server) sseDashboard(ctx context.Context, c *hz.RequestContext) {
	p := principalFrom(ctx)
	dashboardID := c.Param("id")
	widgets := splitList(c.Query("widgets"))
	filters := map[string][]string{}
	c.QueryArgs().VisitAll(func(k, v []byte) {
		key := string(k)
		if !slices.Contains(sseReserved, key) {
			filters[key] = append(filters[key], string(v))
		}
	})
	lastID := string(c.Request.Header.Peek("Last-Event-ID"))
	if lastID == "" {
		lastID = c.Query("lastEventId")
	}
	lastSeq := parseEventID(lastID)

	h := &c.Response.Header
	h.SetContentType("text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache, no-transform")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	c.SetStatusCode(200)
	w := resp.NewChunkedBodyWriter(&c.Response, c.GetWriter())
	c.Response.HijackWriter(w)
	t := &sseTransport{w: w, conn: c.GetConn(), ids: map[string]int64{}, done: make(chan struct{})}
	for k, v := range lastSeq {
		t.ids[k] = v
	}
	if err := t.raw([]byte("retry: " + strconv.Itoa(sseRetryMillis) + "\n: connected\n\n")); err != nil {
		return
	}
	sess, err := s.deps.Realtime.Realtime.Open(p, t, s.revalidator(c.GetString(keyToken)))
	if err != nil {
		return
	}
	sess.Handle(app.ClientFrame{Type: app.FrameSubscribe, DashboardID: dashboardID, WidgetIDs: widgets,
		Filters: filters, LastSeq: lastSeq})
	select {
	case <-sess.Done():
	case <-t.done:
		sess.Close("client_closed")
	}
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// parseEventID reads "w1:41,w2:17" (a bare "w1:41" too) into seqs per
// widget; malformed parts are ignored (the widget then gets a snapshot).
func parseEventID(id string) map[string]int64 {
	out := map[string]int64{}
	for _, part := range splitList(id) {
		i := strings.LastIndexByte(part, ':')
		if i <= 0 {
			continue
		}
		if n, err := strconv.ParseInt(part[i+1:], 10, 64); err == nil && n > 0 {
			out[part[:i]] = n
		}
	}
	return out
}

// sseTransport writes frames as server-sent events.
type sseTransport struct {
	w    network.ExtWriter
	conn network.Conn
	mu   sync.Mutex
	ids  map[string]int64
	once sync.Once
	done chan struct{}
	// wmu serialises writes with Close: once Close returns no write is in
	// flight, so the handler can return and hertz finish the response.
	wmu    sync.Mutex
	closed bool
}

var errStreamClosed = errors.New("event stream closed")

func (t *sseTransport) Write(f actors.Frame) error {
	var b bytes.Buffer
	b.WriteString("event: ")
	b.WriteString(f.Type)
	b.WriteByte('\n')
	if f.WidgetID != "" && f.Seq > 0 {
		t.mu.Lock()
		t.ids[f.WidgetID] = f.Seq
		b.WriteString("id: ")
		b.WriteString(t.eventIDLocked(f.WidgetID))
		b.WriteByte('\n')
		t.mu.Unlock()
	}
	b.WriteString("data: ")
	b.Write(f.Data) // JSON from encoding/json holds no raw newline
	b.WriteString("\n\n")
	return t.raw(b.Bytes())
}

// eventIDLocked renders the seqs of every widget, first the given one.
func (t *sseTransport) eventIDLocked(first string) string {
	others := make([]string, 0, len(t.ids))
	for w := range t.ids {
		if w != first {
			others = append(others, w)
		}
	}
	slices.Sort(others)
	var b strings.Builder
	b.WriteString(first + ":" + strconv.FormatInt(t.ids[first], 10))
	for _, w := range others {
		b.WriteString("," + w + ":" + strconv.FormatInt(t.ids[w], 10))
	}
	return b.String()
}

// Kind says this is an SSE stream (actors.Realtime.Disconnect).
func (t *sseTransport) Kind() string { return actors.TransportSSE }

func (t *sseTransport) Heartbeat() error { return t.raw([]byte(": heartbeat\n\n")) }

func (t *sseTransport) raw(b []byte) error {
	t.wmu.Lock()
	defer t.wmu.Unlock()
	if t.closed {
		return errStreamClosed
	}
	_ = t.conn.SetWriteTimeout(realtimeWriteTimeout)
	if _, err := t.w.Write(b); err != nil {
		return err
	}
	return t.w.Flush()
}

// Close ends the handler, which ends the response.
func (t *sseTransport) Close(string) {
	t.wmu.Lock()
	t.closed = true
	t.wmu.Unlock()
	t.once.Do(func() { close(t.done) })
}
