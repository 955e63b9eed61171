package actors

import (
	"slices"
	"testing"
	"time"

	"github.com/conductor/reports/app"
)

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
