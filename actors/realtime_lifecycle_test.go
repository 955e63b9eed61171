package actors

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

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
	f.rt.DashboardChanged("acme", "d1", false)
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
	rec.waitFor(t, "unavailable error", func(fs []map[string]any) bool {
		errs := framesOf(fs, app.FrameError, "w1")
		return len(errs) == 1 && errs[0]["code"] == "unavailable"
	})
	if len(framesOf(rec.all(), app.FrameSnapshot, "")) != 0 {
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

// After the hub restarts, sessions subscribe again by resolving their
// widgets anew with the filters they subscribed with: access is checked
// again, so a widget the viewer lost gets an error frame and no more data.
func TestRealtimeResubscribeResolvesAgainWithTheSameFilters(t *testing.T) {
	t.Parallel()
	f := newRTFixture(t, RealtimeConfig{Coalesce: 5 * time.Millisecond})
	s, rec := f.open(t)
	s.Handle(app.ClientFrame{Type: app.FrameSubscribe, DashboardID: "d1", WidgetIDs: []string{"w1", "w2"},
		Filters: map[string][]string{"site": {"s1"}}})
	rec.waitFor(t, "snapshots", func(fs []map[string]any) bool { return len(fs) == 2 })

	f.mu.Lock()
	f.denied["w2"] = true
	f.resolved = nil
	f.mu.Unlock()
	f.rt.engine().Send(s.pid, sessResubscribe{})
	fs := rec.waitFor(t, "snapshot and error", func(fs []map[string]any) bool {
		return len(framesOf(fs, app.FrameSnapshot, "w1")) == 2 && len(framesOf(fs, app.FrameError, "w2")) == 1
	})
	if e := framesOf(fs, app.FrameError, "w2")[0]; e["code"] != "not_found" {
		t.Errorf("lost widget got %v, want not_found", e)
	}
	f.mu.Lock()
	got := fmt.Sprint(f.resolved)
	f.mu.Unlock()
	if !strings.Contains(got, "w1 map[site:[s1]]") || !strings.Contains(got, "w2 map[site:[s1]]") {
		t.Errorf("resolved again %s, want both widgets with the subscribed filters", got)
	}

	f.tables["w1"].add("open", 1)
	f.tables["w2"].add("open", 1)
	f.notice()
	rec.waitFor(t, "w1 delta", func(fs []map[string]any) bool { return len(framesOf(fs, app.FrameDelta, "w1")) == 1 })
	for _, typ := range []string{app.FrameDelta, app.FrameSnapshot} {
		if n := len(framesOf(rec.all(), typ, "w2")); n > 1 || (typ == app.FrameDelta && n > 0) {
			t.Errorf("%d %s frames of the lost widget after resubscribing", n, typ)
		}
	}
}

// Frames as they come off the wire are decoded by the session's actor.
func TestRealtimeRawFramesAreDecodedBySession(t *testing.T) {
	t.Parallel()
	f := newRTFixture(t, RealtimeConfig{})
	s, rec := f.open(t)
	s.HandleRaw([]byte(`{not json`))
	s.HandleRaw([]byte(`{"type":"SUBSCRIBE","dashboardId":"d1","widgetIds":["w1"],"filters":{"site":"s1"}}`))
	fs := rec.waitFor(t, "error and snapshot", func(fs []map[string]any) bool { return len(fs) == 2 })
	if fs[0]["type"] != app.FrameError || fs[0]["code"] != "invalid" {
		t.Errorf("bad JSON got %v, want an invalid error frame", fs[0])
	}
	if len(framesOf(fs, app.FrameSnapshot, "w1")) != 1 {
		t.Errorf("frames %v, want w1's snapshot", fs)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if fmt.Sprint(f.resolved) != "[w1 map[site:[s1]]]" {
		t.Errorf("resolved %v, want w1 with the decoded filters", f.resolved)
	}
}

// A viewer who loses a dashboard (grant revoked, visibility narrowed)
// while watching it stops getting its data as soon as the change is
// announced; widgets still allowed go on.
func TestRealtimeDashboardChangeDropsWidgetsTheViewerLost(t *testing.T) {
	t.Parallel()
	f := newRTFixture(t, RealtimeConfig{Coalesce: 5 * time.Millisecond})
	s, rec := f.open(t)
	subscribe(s, nil, "w1", "w2")
	rec.waitFor(t, "snapshots", func(fs []map[string]any) bool { return len(fs) == 2 })

	// A layout save cannot narrow access: the dashboard frame goes out,
	// nothing is resolved again.
	f.mu.Lock()
	f.resolved = nil
	f.mu.Unlock()
	f.rt.DashboardChanged("acme", "d1", true)
	rec.waitFor(t, "dashboard frame", func(fs []map[string]any) bool { return len(framesOf(fs, app.FrameDashboard, "")) == 1 })
	f.mu.Lock()
	if len(f.resolved) != 0 {
		t.Errorf("a presentation-only change re-resolved %v", f.resolved)
	}
	f.denied["w1"] = true
	f.mu.Unlock()
	f.rt.DashboardChanged("acme", "d1", false)
	fs := rec.waitFor(t, "dashboard frame and error", func(fs []map[string]any) bool {
		return len(framesOf(fs, app.FrameDashboard, "")) == 2 && len(framesOf(fs, app.FrameError, "w1")) == 1
	})
	if e := framesOf(fs, app.FrameError, "w1")[0]; e["code"] != "not_found" {
		t.Errorf("lost widget got %v, want not_found", e)
	}
	f.tables["w1"].add("open", 1)
	f.tables["w2"].add("open", 1)
	f.notice()
	rec.waitFor(t, "w2 delta", func(fs []map[string]any) bool { return len(framesOf(fs, app.FrameDelta, "w2")) == 1 })
	if d := framesOf(rec.all(), app.FrameDelta, "w1"); len(d) != 0 {
		t.Errorf("the lost widget still got %v", d)
	}
	// A banner is not a definition change: nothing is resolved again.
	f.mu.Lock()
	f.resolved = nil
	f.mu.Unlock()
	f.rt.Banner("acme", "d1", "warning", "maintenance tonight")
	rec.waitFor(t, "banner", func(fs []map[string]any) bool { return len(framesOf(fs, app.FrameBanner, "")) == 1 })
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.resolved) != 0 {
		t.Errorf("a banner re-resolved %v", f.resolved)
	}
}
