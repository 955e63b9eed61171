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
}

func newRTFixture(t *testing.T, cfg RealtimeConfig) *rtFixture {
	t.Helper()
	sys, err := NewSystem(SystemConfig{RestartDelay: time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &rtFixture{sys: sys, tables: map[string]*table{"w1": newTable(), "w2": newTable()}, denied: map[string]bool{}}
	resolve := func(_ context.Context, p domain.Principal, dash, widget string, filters map[string][]string) (FeedSpec, error) {
		tb, ok := f.tables[widget]
		if !ok || f.denied[widget] {
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

// deltaRound notices a change and returns, per fast wire, how long its
// delta took to arrive.
func deltaRound(t *testing.T, f *rtFixture, fast []*wire, round int) []time.Duration {
	t.Helper()
	f.tables["w1"].add("open", 1)
	t0 := time.Now()
	f.notice()
	var out []time.Duration
	for _, r := range fast {
		r.waitFor(t, "delta", func(fs []map[string]any) bool { return len(framesOf(fs, app.FrameDelta, "w1")) == round })
		r.mu.Lock()
		out = append(out, r.at[len(r.at)-1].Sub(t0))
		r.mu.Unlock()
	}
	return out
}

func p99(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[min(len(ds)-1, len(ds)*99/100)]
}

func TestRealtimeSlowReaderGetsASnapshotWhenItCatchesUp(t *testing.T) {
	t.Parallel()
	f := newRTFixture(t, RealtimeConfig{Coalesce: time.Millisecond, Outbox: 4})
	var fast []*wire
	for range 20 {
		s, r := f.open(t)
		subscribe(s, nil, "w1")
		fast = append(fast, r)
	}
	slow, slowRec := f.open(t)
	subscribe(slow, nil, "w1")
	// Sessions subscribe concurrently: every one must have its snapshot
	// before the rounds count deltas.
	for _, r := range append(fast, slowRec) {
		r.waitFor(t, "snapshot", func(fs []map[string]any) bool { return len(fs) == 1 })
	}
	var before, after []time.Duration
	round := 0
	for range 15 {
		round++
		before = append(before, deltaRound(t, f, fast, round)...)
	}
	gate := make(chan struct{})
	slowRec.mu.Lock()
	slowRec.gate = gate
	slowRec.mu.Unlock()
	for range 15 {
		round++
		after = append(after, deltaRound(t, f, fast, round)...)
	}
	// A generous bound, not a speed assertion: a stalled reader must not
	// hold the others back (were it on their path they would wait for the
	// gate, which only opens below).
	if pb, pa := p99(before), p99(after); pa > 3*pb+100*time.Millisecond {
		t.Errorf("p99 of the other sessions went from %v to %v with a stalled reader", pb, pa)
	}
	if slow.Dropped() == 0 {
		t.Fatal("a stalled client's outbox dropped nothing")
	}
	close(gate)
	fs := slowRec.waitFor(t, "catch-up snapshot", func(fs []map[string]any) bool {
		rows, _ := view(t, fs, "w1")
		return rows["open"] == float64(1+round) && fs[len(fs)-1]["type"] == app.FrameSnapshot
	})
	if n := len(fs); n > 1+15+1+4+1 {
		t.Errorf("slow client got %d frames, want at most what it read, its outbox and one snapshot", n)
	}
}

func TestRealtimeLaggingClientIsDisconnectedWithAReason(t *testing.T) {
	t.Parallel()
	f := newRTFixture(t, RealtimeConfig{Coalesce: time.Millisecond, Outbox: 1, MaxLag: 30 * time.Millisecond})
	s, rec := f.open(t)
	subscribe(s, nil, "w1")
	rec.waitFor(t, "snapshot", func(fs []map[string]any) bool { return len(fs) == 1 })
	gate := make(chan struct{})
	rec.mu.Lock()
	rec.gate = gate
	rec.mu.Unlock()
	defer close(gate)
	for {
		f.tables["w1"].add("open", 1)
		f.notice()
		select {
		case <-s.Done():
			if s.Reason() != "lagging" {
				t.Fatalf("closed for %q, want lagging", s.Reason())
			}
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func TestRealtimeCrashedFeedRestartsAndResendsASnapshot(t *testing.T) {
	t.Parallel()
	f := newRTFixture(t, RealtimeConfig{Coalesce: 5 * time.Millisecond})
	s, rec := f.open(t)
	subscribe(s, nil, "w1")
	fs := rec.waitFor(t, "snapshot", func(fs []map[string]any) bool { return len(fs) == 1 })
	_, seqs := view(t, fs, "w1")

	f.tables["w1"].panics.Store(1)
	f.tables["w1"].add("open", 2)
	f.notice()
	fs = rec.waitFor(t, "snapshot after restart", func(fs []map[string]any) bool {
		return len(framesOf(fs, app.FrameSnapshot, "w1")) == 2
	})
	rows, after := view(t, fs, "w1")
	if rows["open"] != 3 {
		t.Errorf("after restart open = %v, want 3", rows["open"])
	}
	if after[len(after)-1] <= seqs[0] {
		t.Errorf("seq went from %d to %d: must keep increasing across restarts", seqs[0], after[len(after)-1])
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		st, err := f.sys.Stats(context.Background())
		if err == nil && st.Restarts >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("monitor saw %+v (%v), want a restart", st, err)
		}
	}
	// The restarted feed still serves its sessions.
	f.tables["w1"].add("open", 1)
	f.notice()
	rec.waitFor(t, "delta after restart", func(fs []map[string]any) bool {
		rows, _ := view(t, fs, "w1")
		return rows["open"] == 4
	})
}

func TestRealtimeFailingQuerySendsAnErrorFrameAndRecovers(t *testing.T) {
	t.Parallel()
	f := newRTFixture(t, RealtimeConfig{Coalesce: 5 * time.Millisecond})
	s, rec := f.open(t)
	subscribe(s, nil, "w1")
	rec.waitFor(t, "snapshot", func(fs []map[string]any) bool { return len(fs) == 1 })
	f.tables["w1"].fail.Store(true)
	f.notice()
	fs := rec.waitFor(t, "error", func(fs []map[string]any) bool { return len(framesOf(fs, app.FrameError, "w1")) == 1 })
	if e := framesOf(fs, app.FrameError, "w1")[0]; e["code"] != "internal" || e["message"] == "database down" {
		t.Errorf("error frame %v leaks or misses the code", e)
	}
	f.tables["w1"].fail.Store(false)
	f.tables["w1"].add("open", 1)
	f.notice()
	rec.waitFor(t, "delta", func(fs []map[string]any) bool { return len(framesOf(fs, app.FrameDelta, "w1")) == 1 })
}

func TestRealtimeIdleFeedStops(t *testing.T) {
	t.Parallel()
	f := newRTFixture(t, RealtimeConfig{FeedIdle: 20 * time.Millisecond})
	s, rec := f.open(t)
	subscribe(s, nil, "w1")
	rec.waitFor(t, "snapshot", func(fs []map[string]any) bool { return len(fs) == 1 })
	s.Close("client_closed")
	deadline := time.Now().Add(5 * time.Second)
	for f.rt.Stats().Feeds != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("feed still running: %+v", f.rt.Stats())
		}
		time.Sleep(5 * time.Millisecond)
	}
	// A new subscriber starts a new feed with a fresh snapshot.
	s2, rec2 := f.open(t)
	subscribe(s2, nil, "w1")
	rec2.waitFor(t, "snapshot", func(fs []map[string]any) bool { return len(fs) == 1 })
}

func TestRealtimeBannersDashboardChangesAndReportRuns(t *testing.T) {
	t.Parallel()
	f := newRTFixture(t, RealtimeConfig{Coalesce: time.Hour})
	f.rt.Banner("acme", "d1", "warning", "nobody watches yet")
	s, rec := f.open(t)
	subscribe(s, nil, "w1")
	rec.waitFor(t, "snapshot", func(fs []map[string]any) bool { return len(fs) == 1 })
	f.rt.Banner("acme", "d1", "critical", "SLA breach wave")
	f.rt.Banner("globex", "d1", "critical", "another tenant")
	f.rt.DashboardChanged("acme", "d1")
	fs := rec.waitFor(t, "banner and change", func(fs []map[string]any) bool { return len(fs) == 3 })
	if b := framesOf(fs, app.FrameBanner, ""); len(b) != 1 || b[0]["text"] != "SLA breach wave" {
		t.Errorf("banners %v", b)
	}
	if d := framesOf(fs, app.FrameDashboard, ""); len(d) != 1 || d[0]["dashboardId"] != "d1" {
		t.Errorf("dashboard frames %v", d)
	}
	// A session opening the dashboard later gets the live banner.
	s2, rec2 := f.open(t)
	subscribe(s2, nil, "w2")
	rec2.waitFor(t, "banner", func(fs []map[string]any) bool { return len(framesOf(fs, app.FrameBanner, "")) == 1 })

	// The coalescing window is an hour: only the report run refreshes now.
	f.tables["w1"].add("open", 1)
	f.rt.ReportExecuted("acme", "r-w1")
	rec.waitFor(t, "delta from report run", func(fs []map[string]any) bool { return len(framesOf(fs, app.FrameDelta, "w1")) == 1 })
}

func TestRealtimeHeartbeatsAndRevocation(t *testing.T) {
	t.Parallel()
	f := newRTFixture(t, RealtimeConfig{Heartbeat: 10 * time.Millisecond})
	var revoked atomic.Bool
	rec := newWire()
	s, err := f.rt.Open(alice, rec, func(context.Context) error {
		if revoked.Load() {
			return &domain.Error{Code: domain.CodeUnauthenticated, Message: "session ended"}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		rec.mu.Lock()
		beats := rec.beats
		rec.mu.Unlock()
		if beats >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no heartbeats")
		}
		time.Sleep(5 * time.Millisecond)
	}
	revoked.Store(true)
	<-s.Done()
	if s.Reason() != "revoked" {
		t.Errorf("closed for %q, want revoked", s.Reason())
	}
	if fs := framesOf(rec.all(), app.FrameRevoked, ""); len(fs) != 1 {
		t.Errorf("frames %v, want one revoked frame", rec.all())
	}
}

func TestRealtimeFloodingClientIsLimitedThenClosed(t *testing.T) {
	t.Parallel()
	f := newRTFixture(t, RealtimeConfig{})
	s, rec := f.open(t)
	for range frameBurst + 1 {
		s.Handle(app.ClientFrame{Type: app.FramePing})
	}
	rec.waitFor(t, "rate_limited error", func(fs []map[string]any) bool {
		errs := framesOf(fs, app.FrameError, "")
		return len(errs) == 1 && errs[0]["code"] == "rate_limited"
	})
	for range maxRateStrikes + 5 {
		s.Handle(app.ClientFrame{Type: app.FramePing})
	}
	<-s.Done()
	if s.Reason() != "rate_limited" {
		t.Errorf("closed for %q, want rate_limited", s.Reason())
	}
}

func TestRealtimeRetiredFeedIsReplacedOnNextSubscribe(t *testing.T) {
	t.Parallel()
	f := newRTFixture(t, RealtimeConfig{})
	f.tables["w1"].panics.Store(1000)
	s, rec := f.open(t)
	subscribe(s, nil, "w1")
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		st, err := f.sys.Stats(context.Background())
		if err == nil && st.MaxRestartsExceeded >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("feed not retired: %+v %v", st, err)
		}
	}
	if len(rec.all()) != 0 {
		t.Fatalf("a feed that never answered sent %v", rec.all())
	}
	f.tables["w1"].panics.Store(0)
	s2, rec2 := f.open(t)
	subscribe(s2, nil, "w1")
	rec2.waitFor(t, "snapshot from a fresh feed", func(fs []map[string]any) bool { return len(framesOf(fs, app.FrameSnapshot, "w1")) == 1 })
}

func TestRealtimeResubscribingSessionDoesNotPinItsFeed(t *testing.T) {
	t.Parallel()
	f := newRTFixture(t, RealtimeConfig{FeedIdle: 20 * time.Millisecond})
	s, rec := f.open(t)
	subscribe(s, nil, "w1")
	fs := rec.waitFor(t, "snapshot", func(fs []map[string]any) bool { return len(fs) == 1 })
	_, seqs := view(t, fs, "w1")
	// The client saw a gap and asks again from where it is.
	subscribe(s, map[string]int64{"w1": seqs[0]}, "w1")
	s.Handle(app.ClientFrame{Type: app.FramePing})
	rec.waitFor(t, "PONG", func(fs []map[string]any) bool { return len(framesOf(fs, app.FramePong, "")) == 1 })
	s.Close("client_closed")
	for deadline := time.Now().Add(5 * time.Second); f.rt.Stats().Feeds != 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("feed pinned by a repeated subscribe: %+v", f.rt.Stats())
		}
	}
}
