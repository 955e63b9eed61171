package actors

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// table is a widget's data source in these tests: counts per status that
// the test changes, and the number of queries run against it.
type table struct {
	mu      sync.Mutex
	counts  map[string]int64
	starts  []time.Time // when each query started
	queries atomic.Int64
	panics  atomic.Int32 // queries that panic before answering
	fail    atomic.Bool
}

func newTable() *table { return &table{counts: map[string]int64{"open": 1, "closed": 2}} }

func (t *table) add(status string, n int64) {
	t.mu.Lock()
	t.counts[status] += n
	t.mu.Unlock()
}

func (t *table) result() *app.QueryResult {
	t.mu.Lock()
	defer t.mu.Unlock()
	keys := make([]string, 0, len(t.counts))
	for k := range t.counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	res := &app.QueryResult{Columns: []app.QueryColumn{{Name: "status", Type: "string"}, {Name: "total", Type: "int"}}}
	for _, k := range keys {
		res.Rows = append(res.Rows, []any{k, t.counts[k]})
	}
	return res
}

func (t *table) run(context.Context) (*app.QueryResult, error) {
	t.queries.Add(1)
	t.mu.Lock()
	t.starts = append(t.starts, time.Now())
	t.mu.Unlock()
	if t.panics.Load() > 0 {
		t.panics.Add(-1)
		panic("feed query crashed")
	}
	if t.fail.Load() {
		return nil, errors.New("database down")
	}
	return t.result(), nil
}

// wire is a Transport that keeps every frame; gate, when set, blocks
// writes until it is closed (a client that stops reading).
type wire struct {
	mu     sync.Mutex
	frames []map[string]any
	at     []time.Time // arrival of each frame
	beats  int
	closed string
	gate   chan struct{}
	notify chan struct{}
}

func newWire() *wire { return &wire{notify: make(chan struct{}, 1)} }

func (r *wire) Write(f Frame) error {
	r.mu.Lock()
	gate := r.gate
	r.mu.Unlock()
	if gate != nil {
		<-gate
	}
	var m map[string]any
	if err := json.Unmarshal(f.Data, &m); err != nil {
		return err
	}
	if m["type"] != f.Type {
		return fmt.Errorf("frame type %v labelled %q", m["type"], f.Type)
	}
	r.mu.Lock()
	r.frames = append(r.frames, m)
	r.at = append(r.at, time.Now())
	r.mu.Unlock()
	select {
	case r.notify <- struct{}{}:
	default:
	}
	return nil
}

func (r *wire) Heartbeat() error {
	r.mu.Lock()
	r.beats++
	r.mu.Unlock()
	return nil
}

func (r *wire) Close(reason string) {
	r.mu.Lock()
	r.closed = reason
	r.mu.Unlock()
}

func (r *wire) all() []map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.frames)
}

// waitFor polls the wire until cond holds over its frames.
func (r *wire) waitFor(t *testing.T, what string, cond func([]map[string]any) bool) []map[string]any {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		fs := r.all()
		if cond(fs) {
			return fs
		}
		select {
		case <-r.notify:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			t.Fatalf("timed out waiting for %s; frames: %v", what, fs)
		}
	}
}

func framesOf(fs []map[string]any, typ, widget string) []map[string]any {
	var out []map[string]any
	for _, f := range fs {
		if f["type"] == typ && (widget == "" || f["widgetId"] == widget) {
			out = append(out, f)
		}
	}
	return out
}

// view applies snapshots and deltas of one widget, as a client does, and
// returns its rows by key with the seqs seen.
func view(t *testing.T, fs []map[string]any, widget string) (map[string]float64, []int64) {
	t.Helper()
	rows := map[string]float64{}
	var seqs []int64
	for _, f := range fs {
		if f["widgetId"] != widget {
			continue
		}
		switch f["type"] {
		case app.FrameSnapshot:
			rows = map[string]float64{}
			for _, r := range f["rows"].([]any) {
				row := r.([]any)
				rows[row[0].(string)] = row[1].(float64)
			}
		case app.FrameDelta:
			for _, r := range f["upsert"].([]any) {
				row := r.([]any)
				rows[row[0].(string)] = row[1].(float64)
			}
			for _, k := range f["delete"].([]any) {
				delete(rows, k.([]any)[0].(string))
			}
		default:
			continue
		}
		seqs = append(seqs, int64(f["seq"].(float64)))
	}
	return rows, seqs
}

type rtFixture struct {
	sys    *System
	rt     *Realtime
	tables map[string]*table // widget id -> data
	denied map[string]bool

	mu       sync.Mutex
	resolved []string // "widget filters" of every resolve, in order
}

func newRTFixture(t *testing.T, cfg RealtimeConfig) *rtFixture {
	t.Helper()
	sys, err := NewSystem(SystemConfig{RestartDelay: time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &rtFixture{sys: sys, tables: map[string]*table{"w1": newTable(), "w2": newTable()}, denied: map[string]bool{}}
	resolve := func(_ context.Context, p domain.Principal, dash, widget string, filters map[string][]string) (FeedSpec, error) {
		f.mu.Lock()
		f.resolved = append(f.resolved, widget+" "+fmt.Sprint(filters))
		tb, ok := f.tables[widget]
		denied := f.denied[widget]
		f.mu.Unlock()
		if !ok || denied {
			return FeedSpec{}, domain.NotFound("widget")
		}
		return FeedSpec{Key: p.TenantID + "/" + widget + "/" + fmt.Sprint(filters), TenantID: p.TenantID,
			DashboardID: dash, WidgetID: widget, Source: "tickets", ReportID: "r-" + widget, KeyColumns: 1, Run: tb.run}, nil
	}
	if f.rt, err = NewRealtime(sys, cfg, resolve, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		f.rt.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := sys.Shutdown(ctx); err != nil {
			t.Errorf("actor system did not stop: %v", err)
		}
	})
	return f
}

var alice = domain.Principal{Kind: domain.PrincipalUser, TenantID: "acme", UserID: "alice", Role: domain.RoleViewer}

func (f *rtFixture) open(t *testing.T) (*Session, *wire) {
	t.Helper()
	rec := newWire()
	s, err := f.rt.Open(alice, rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s, rec
}

func subscribe(s *Session, lastSeq map[string]int64, widgets ...string) {
	s.Handle(app.ClientFrame{Type: app.FrameSubscribe, DashboardID: "d1", WidgetIDs: widgets, LastSeq: lastSeq})
}

func (f *rtFixture) notice() {
	f.rt.Notify(app.ChangeNotice{TenantID: "acme", Source: "tickets"})
}

func TestRealtimeDeltasMatchTheDataAndStopOnUnsubscribe(t *testing.T) {
	t.Parallel()
	f := newRTFixture(t, RealtimeConfig{Coalesce: 20 * time.Millisecond})
	s, rec := f.open(t)
	subscribe(s, nil, "w1", "w2")
	rec.waitFor(t, "two snapshots", func(fs []map[string]any) bool { return len(framesOf(fs, app.FrameSnapshot, "")) == 2 })

	f.tables["w1"].add("open", 5)
	f.tables["w1"].add("pending", 1)
	f.tables["w2"].add("closed", 3)
	f.notice()
	fs := rec.waitFor(t, "deltas of both widgets", func(fs []map[string]any) bool {
		return len(framesOf(fs, app.FrameDelta, "w1")) == 1 && len(framesOf(fs, app.FrameDelta, "w2")) == 1
	})
	for _, w := range []string{"w1", "w2"} {
		rows, seqs := view(t, fs, w)
		want := map[string]float64{}
		for _, r := range f.tables[w].result().Rows {
			want[r[0].(string)] = float64(r[1].(int64))
		}
		if fmt.Sprint(rows) != fmt.Sprint(want) {
			t.Errorf("%s: client view %v, data %v", w, rows, want)
		}
		if len(seqs) != 2 || seqs[1] != seqs[0]+1 {
			t.Errorf("%s: seqs %v, want two consecutive", w, seqs)
		}
	}
	delta := framesOf(fs, app.FrameDelta, "w1")[0]
	if up := delta["upsert"].([]any); len(up) != 2 {
		t.Errorf("delta upserts %v, want only the changed and the new row", up)
	}

	s.Handle(app.ClientFrame{Type: app.FrameUnsubscribe, DashboardID: "d1", WidgetIDs: []string{"w1"}})
	s.Handle(app.ClientFrame{Type: app.FramePing})
	rec.waitFor(t, "PONG", func(fs []map[string]any) bool { return len(framesOf(fs, app.FramePong, "")) == 1 })
	before := len(framesOf(rec.all(), "", "w1"))
	f.tables["w1"].add("open", 1)
	f.tables["w2"].add("open", 1)
	f.notice()
	rec.waitFor(t, "second w2 delta", func(fs []map[string]any) bool { return len(framesOf(fs, app.FrameDelta, "w2")) == 2 })
	if after := len(framesOf(rec.all(), "", "w1")); after != before {
		t.Errorf("w1 frames after UNSUBSCRIBE: %d, want %d", after, before)
	}
}

func TestRealtimeThousandSessionsShareOneQueryPerWindow(t *testing.T) {
	t.Parallel()
	window := 100 * time.Millisecond
	f := newRTFixture(t, RealtimeConfig{Coalesce: window})
	const n = 1000
	recs := make([]*wire, n)
	for i := range n {
		var s *Session
		s, recs[i] = f.open(t)
		subscribe(s, nil, "w1")
	}
	for _, r := range recs {
		r.waitFor(t, "snapshot", func(fs []map[string]any) bool { return len(fs) == 1 })
	}
	if q := f.tables["w1"].queries.Load(); q != 1 {
		t.Fatalf("%d sessions caused %d initial queries, want 1", n, q)
	}
	start := time.Now()
	for i := range 200 {
		f.tables["w1"].add("open", 1)
		f.notice()
		if i%50 == 49 {
			time.Sleep(window / 4)
		}
	}
	for _, r := range recs {
		r.waitFor(t, "final count", func(fs []map[string]any) bool {
			rows, _ := view(t, fs, "w1")
			return rows["open"] == 201
		})
	}
	elapsed := time.Since(start)
	windows := int64(elapsed/window) + 1
	if q := f.tables["w1"].queries.Load() - 1; q > windows || q < 1 {
		t.Errorf("200 notices over %v caused %d queries, want between 1 and %d (one per %v window)", elapsed, q, windows, window)
	}
	tb := f.tables["w1"]
	tb.mu.Lock()
	for i := 1; i < len(tb.starts); i++ {
		// The timer may fire a hair early; a millisecond of slack.
		if gap := tb.starts[i].Sub(tb.starts[i-1]); gap < window-time.Millisecond {
			t.Errorf("queries %d and %d only %v apart, window %v", i-1, i, gap, window)
		}
	}
	tb.mu.Unlock()
	if st := f.rt.Stats(); st.Feeds != 1 || st.Sessions != n {
		t.Errorf("stats %+v, want 1 feed and %d sessions", st, n)
	}
}

func TestRealtimeRefusedWidgetGetsAnErrorFrameAndNothingElse(t *testing.T) {
	t.Parallel()
	f := newRTFixture(t, RealtimeConfig{})
	f.denied["w2"] = true
	s, rec := f.open(t)
	subscribe(s, nil, "w2", "w1")
	fs := rec.waitFor(t, "error and snapshot", func(fs []map[string]any) bool { return len(fs) == 2 })
	errs := framesOf(fs, app.FrameError, "w2")
	if len(errs) != 1 || errs[0]["code"] != "not_found" {
		t.Fatalf("frames %v, want a not_found error for w2", fs)
	}
	if len(framesOf(fs, app.FrameSnapshot, "w2")) != 0 {
		t.Fatal("a refused widget's data was sent")
	}
	s.Handle(app.ClientFrame{Type: "NOPE"})
	s.Handle(app.ClientFrame{Type: app.FrameSubscribe})
	fs = rec.waitFor(t, "two invalid errors", func(fs []map[string]any) bool { return len(fs) == 4 })
	for _, e := range fs[2:] {
		if e["type"] != app.FrameError || e["code"] != "invalid" {
			t.Errorf("frame %v, want an invalid error", e)
		}
	}
}

func TestRealtimeResumeSendsOnlyWhatWasMissed(t *testing.T) {
	t.Parallel()
	f := newRTFixture(t, RealtimeConfig{Coalesce: 10 * time.Millisecond, History: 4})
	keep, keepRec := f.open(t) // keeps the feed alive and counts its frames
	subscribe(keep, nil, "w1")
	s, rec := f.open(t)
	subscribe(s, nil, "w1")
	fs := rec.waitFor(t, "snapshot", func(fs []map[string]any) bool { return len(fs) == 1 })
	_, seqs := view(t, fs, "w1")
	last := seqs[0]
	s.Close("client_closed")
	<-s.Done()

	for i := range 2 {
		f.tables["w1"].add("open", 1)
		f.notice()
		keepRec.waitFor(t, "delta", func(fs []map[string]any) bool { return len(framesOf(fs, app.FrameDelta, "w1")) == i+1 })
	}
	s2, rec2 := f.open(t)
	subscribe(s2, map[string]int64{"w1": last}, "w1")
	fs = rec2.waitFor(t, "two missed deltas", func(fs []map[string]any) bool { return len(fs) == 2 })
	if len(framesOf(fs, app.FrameDelta, "w1")) != 2 {
		t.Fatalf("resume frames %v, want the two missed deltas", fs)
	}
	_, seqs = view(t, fs, "w1")
	if seqs[0] != last+1 || seqs[1] != last+2 {
		t.Errorf("resumed seqs %v after %d", seqs, last)
	}

	// A gap older than the history gets a snapshot instead.
	for i := range 5 {
		f.tables["w1"].add("open", 1)
		f.notice()
		keepRec.waitFor(t, "delta", func(fs []map[string]any) bool { return len(framesOf(fs, app.FrameDelta, "w1")) == i+3 })
	}
	s3, rec3 := f.open(t)
	subscribe(s3, map[string]int64{"w1": last}, "w1")
	fs = rec3.waitFor(t, "snapshot", func(fs []map[string]any) bool { return len(fs) == 1 })
	if fs[0]["type"] != app.FrameSnapshot {
		t.Errorf("old gap got %v, want a snapshot", fs[0])
	}
}
