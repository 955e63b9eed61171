package http

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	stdhttp "net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/conductor/reports/actors"
	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// rtWidgets are the widgets of dashboard d1 in these tests.
var rtWidgets = map[string]string{
	"w1": `{"source":"tickets","metrics":[{"agg":"count","as":"total"}],"groups":[{"field":"status"}]}`,
	"w2": `{"source":"tickets","metrics":[{"agg":"count","as":"total"}]}`,
}

// rtStack is a full server with the realtime layer over the stack's real
// analytics: widget feeds run real queries and hear real change notices.
type rtStack struct {
	*stack
	rt      *actors.Realtime
	queries *app.Queries
}

func newRTStack(t *testing.T, cfg actors.RealtimeConfig, opts ...stackOpt) *rtStack {
	t.Helper()
	sys, err := actors.NewSystem(actors.SystemConfig{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rs := &rtStack{}
	var mu sync.Mutex // guards rs.queries, set once the stack exists
	resolve := func(_ context.Context, p domain.Principal, dash, widget string, filters map[string][]string) (actors.FeedSpec, error) {
		src, ok := rtWidgets[widget]
		if !ok || dash != "d1" {
			return actors.FeedSpec{}, domain.NotFound("widget")
		}
		var q domain.Query
		if err := json.Unmarshal([]byte(src), &q); err != nil {
			return actors.FeedSpec{}, err
		}
		mu.Lock()
		queries := rs.queries
		mu.Unlock()
		return actors.FeedSpec{Key: p.TenantID + "/" + widget, TenantID: p.TenantID, DashboardID: dash, WidgetID: widget,
			Source: q.Source, KeyColumns: len(q.Groups),
			Run: func(ctx context.Context) (*app.QueryResult, error) { return queries.Run(ctx, p, &q, false) }}, nil
	}
	rs.rt, err = actors.NewRealtime(sys, cfg, resolve, nil)
	if err != nil {
		t.Fatal(err)
	}
	opts = append(opts, func(d *stackDeps) {
		d.realtime = &RealtimeDeps{Realtime: rs.rt, Heartbeat: actors.DefaultHeartbeat}
	})
	rs.stack = newStack(t, opts...)
	mu.Lock()
	rs.queries = app.NewQueries(rs.analytics, rs.analytics.Catalog(), time.Now, nil)
	mu.Unlock()
	done := make(chan struct{})
	go func() {
		for {
			select {
			case n := <-rs.notices:
				rs.rt.Notify(n)
			case <-done:
				return
			}
		}
	}()
	t.Cleanup(func() {
		close(done)
		rs.rt.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := sys.Shutdown(ctx); err != nil {
			t.Errorf("realtime actors did not stop: %v", err)
		}
	})
	return rs
}

func (s *rtStack) dial(t *testing.T, header stdhttp.Header) (*websocket.Conn, *stdhttp.Response, error) {
	t.Helper()
	url := "ws://" + s.srv.Addr() + "/realtime"
	return websocket.DefaultDialer.Dial(url, header)
}

func bearer(tok string) stdhttp.Header {
	return stdhttp.Header{"Authorization": {"Bearer " + tok}}
}

// ingestTickets posts n ticket.created events with the given status and
// waits until ingest applied them.
func (s *rtStack) ingestTickets(t *testing.T, admin, prefix, status string, n int) {
	t.Helper()
	var evs []map[string]any
	for i := range n {
		evs = append(evs, ticketEvent("alpha", fmt.Sprintf("%s-%d-%d", prefix, i, time.Now().UnixNano()), fmt.Sprintf("%s-%d", prefix, i), 1, status))
	}
	if r := s.req("POST", "/api/events", admin, evs); r.status != 202 {
		t.Fatalf("ingest: %d %s", r.status, r.raw)
	}
	s.waitIngested(n)
}

// frameReader reads frames of one WebSocket with a deadline each.
func readFrame(t *testing.T, c *websocket.Conn) map[string]any {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var m map[string]any
	if err := c.ReadJSON(&m); err != nil {
		t.Fatalf("read frame: %v", err)
	}
	return m
}

// clientView applies frames as a client does: rows by key, seq per widget.
type clientView struct {
	rows map[string]map[string]float64 // widget -> key -> total
	seq  map[string]int64
}

func newClientView() *clientView {
	return &clientView{rows: map[string]map[string]float64{}, seq: map[string]int64{}}
}

func (v *clientView) apply(t *testing.T, f map[string]any) {
	t.Helper()
	w, _ := f["widgetId"].(string)
	seq := int64(f["seq"].(float64))
	if seq <= v.seq[w] {
		t.Fatalf("%s: seq %d after %d", w, seq, v.seq[w])
	}
	if f["type"] == app.FrameDelta && seq != v.seq[w]+1 {
		t.Fatalf("%s: delta seq %d after %d leaves a gap", w, seq, v.seq[w])
	}
	v.seq[w] = seq
	key := func(row []any) string {
		if len(row) == 1 {
			return ""
		}
		return row[0].(string)
	}
	if f["type"] == app.FrameSnapshot {
		v.rows[w] = map[string]float64{}
		for _, r := range f["rows"].([]any) {
			row := r.([]any)
			v.rows[w][key(row)] = row[len(row)-1].(float64)
		}
		return
	}
	for _, r := range f["upsert"].([]any) {
		row := r.([]any)
		v.rows[w][key(row)] = row[len(row)-1].(float64)
	}
	for _, k := range f["delete"].([]any) {
		delete(v.rows[w], key(append(k.([]any), nil)))
	}
}

// fresh runs a widget's query through POST /api/query, as GET /view would.
func (s *rtStack) fresh(t *testing.T, tok, widget string) map[string]float64 {
	t.Helper()
	r := s.req("POST", "/api/query", tok, rtWidgets[widget])
	if r.status != 200 {
		t.Fatalf("query %s: %d %s", widget, r.status, r.raw)
	}
	out := map[string]float64{}
	for _, rr := range r.body["rows"].([]any) {
		row := rr.([]any)
		k := ""
		if len(row) > 1 {
			k = row[0].(string)
		}
		out[k] = row[len(row)-1].(float64)
	}
	return out
}

func TestRealtimeWebSocketDeltasEqualFreshQueries(t *testing.T) {
	s := newRTStack(t, actors.RealtimeConfig{Coalesce: 20 * time.Millisecond})
	admin := s.login("admin@alpha.example", adminPW)
	s.ingestTickets(t, admin, "T", "open", 3)
	c, _, err := s.dial(t, bearer(admin))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.WriteJSON(map[string]any{"type": "SUBSCRIBE", "dashboardId": "d1", "widgetIds": []string{"w1", "w2"}}); err != nil {
		t.Fatal(err)
	}
	v := newClientView()
	for range 2 {
		f := readFrame(t, c)
		if f["type"] != app.FrameSnapshot {
			t.Fatalf("got %v, want snapshots first", f)
		}
		v.apply(t, f)
	}
	s.ingestTickets(t, admin, "U", "closed", 2)
	for range 2 {
		f := readFrame(t, c)
		if f["type"] != app.FrameDelta {
			t.Fatalf("got %v, want a delta", f)
		}
		v.apply(t, f)
	}
	for _, w := range []string{"w1", "w2"} {
		if got, want := fmt.Sprint(v.rows[w]), fmt.Sprint(s.fresh(t, admin, w)); got != want {
			t.Errorf("%s: pushed view %s, fresh query %s", w, got, want)
		}
	}

	if err := c.WriteJSON(map[string]any{"type": "UNSUBSCRIBE", "dashboardId": "d1", "widgetIds": []string{"w1"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteJSON(map[string]any{"type": "PING"}); err != nil {
		t.Fatal(err)
	}
	if f := readFrame(t, c); f["type"] != app.FramePong {
		t.Fatalf("got %v, want PONG", f)
	}
	s.ingestTickets(t, admin, "V", "open", 1)
	f := readFrame(t, c)
	if f["type"] != app.FrameDelta || f["widgetId"] != "w2" {
		t.Fatalf("after UNSUBSCRIBE w1 got %v, want only w2's delta", f)
	}
	v.apply(t, f)
	if err := c.WriteJSON(map[string]any{"type": "PING"}); err != nil {
		t.Fatal(err)
	}
	if f := readFrame(t, c); f["type"] != app.FramePong {
		t.Fatalf("got %v, want PONG and no w1 frame", f)
	}
}

func TestRealtimeUpgradeChecksOriginCredentialsAndFrameSize(t *testing.T) {
	s := newRTStack(t, actors.RealtimeConfig{})
	admin := s.login("admin@alpha.example", adminPW)

	h := bearer(admin)
	h.Set("Origin", "https://evil.example")
	if _, resp, err := s.dial(t, h); err == nil || resp == nil || resp.StatusCode != 403 {
		t.Fatalf("foreign origin: %v %v, want 403 before upgrade", resp, err)
	}
	if _, resp, err := s.dial(t, nil); err == nil || resp == nil || resp.StatusCode != 401 {
		t.Fatalf("no credentials: %v %v, want 401", resp, err)
	}
	if _, resp, err := s.dial(t, bearer("crs_garbage")); err == nil || resp == nil || resp.StatusCode != 401 {
		t.Fatalf("garbage token: %v %v, want 401", resp, err)
	}
	h = bearer(admin)
	h.Set("Origin", "http://"+s.srv.Addr())
	c, _, err := s.dial(t, h)
	if err != nil {
		t.Fatalf("same origin refused: %v", err)
	}
	defer c.Close()
	if err := c.WriteMessage(websocket.TextMessage, []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	if f := readFrame(t, c); f["type"] != app.FrameError || f["code"] != "invalid" {
		t.Fatalf("bad JSON got %v, want an invalid error frame", f)
	}
	if err := c.WriteJSON(map[string]any{"type": "SUBSCRIBE", "dashboardId": "d1", "widgetIds": []string{"secret"}}); err != nil {
		t.Fatal(err)
	}
	if f := readFrame(t, c); f["type"] != app.FrameError || f["widgetId"] != "secret" || f["rows"] != nil {
		t.Fatalf("unknown widget got %v, want an error frame only", f)
	}
	big := `{"type":"PING","pad":"` + strings.Repeat("x", MaxClientFrame) + `"}`
	if err := c.WriteMessage(websocket.TextMessage, []byte(big)); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, _, err = c.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
		t.Fatalf("oversize frame: %v, want close 1009", err)
	}
}

// sseEvent is one server-sent event.
type sseEvent struct {
	event, id string
	data      map[string]any
}

func readEvent(t *testing.T, r *bufio.Reader) sseEvent {
	t.Helper()
	var ev sseEvent
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("read event: %v", err)
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "":
			if ev.event != "" {
				return ev
			}
		case strings.HasPrefix(line, "event: "):
			ev.event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "id: "):
			ev.id = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "data: "):
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev.data); err != nil {
				t.Fatalf("event data: %v", err)
			}
		}
	}
}

func (s *rtStack) openSSE(t *testing.T, tok, lastEventID string) (*stdhttp.Response, *bufio.Reader) {
	t.Helper()
	req, err := stdhttp.NewRequest("GET", s.base+"/sse/dashboards/d1?widgets=w1,w2", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	resp, err := (&stdhttp.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp, bufio.NewReader(resp.Body)
}

func TestRealtimeSSEStreamsTheSameFramesAndResumes(t *testing.T) {
	s := newRTStack(t, actors.RealtimeConfig{Coalesce: 20 * time.Millisecond})
	admin := s.login("admin@alpha.example", adminPW)
	s.ingestTickets(t, admin, "T", "open", 2)
	resp, r := s.openSSE(t, admin, "")
	if resp.StatusCode != 200 {
		t.Fatalf("SSE: %d", resp.StatusCode)
	}
	for k, want := range map[string]string{"Content-Type": "text/event-stream; charset=utf-8",
		"Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no"} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	v := newClientView()
	var lastID string
	for range 2 {
		ev := readEvent(t, r)
		if ev.event != app.FrameSnapshot || !strings.HasPrefix(ev.id, ev.data["widgetId"].(string)+":") {
			t.Fatalf("event %+v, want a snapshot with id widget:seq", ev)
		}
		v.apply(t, ev.data)
		lastID = ev.id
	}
	if parts := strings.Split(lastID, ","); len(parts) != 2 {
		t.Fatalf("id %q should carry both widgets' seqs", lastID)
	}
	resp.Body.Close()

	s.ingestTickets(t, admin, "U", "closed", 1)
	q0 := s.rt.Stats().Queries
	s.ingestTickets(t, admin, "V", "open", 1)
	// Wait until both feeds re-ran after the last change (no subscriber
	// now: a feed lives on for its idle time and keeps its deltas).
	deadline := time.Now().Add(10 * time.Second)
	for s.rt.Stats().Queries < q0+2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	resp, r = s.openSSE(t, admin, lastID)
	defer resp.Body.Close()
	want := map[string]string{"w1": fmt.Sprint(s.fresh(t, admin, "w1")), "w2": fmt.Sprint(s.fresh(t, admin, "w2"))}
	for fmt.Sprint(v.rows["w1"]) != want["w1"] || fmt.Sprint(v.rows["w2"]) != want["w2"] {
		ev := readEvent(t, r)
		if ev.event != app.FrameDelta {
			t.Fatalf("resume sent %+v, want only the missed deltas", ev)
		}
		v.apply(t, ev.data)
	}
	for _, w := range []string{"w1", "w2"} {
		if got, want := fmt.Sprint(v.rows[w]), fmt.Sprint(s.fresh(t, admin, w)); got != want {
			t.Errorf("%s: resumed view %s, fresh query %s", w, got, want)
		}
	}
}
