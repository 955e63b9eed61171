package demogen

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/conductor/reports/domain"
)

func mustLive(tb testing.TB, cfg Config, rate float64) *Live {
	tb.Helper()
	l, err := NewLive(cfg, rate)
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

// TestLiveRateAndValidity runs ten minutes of a live stream at 20 events/s
// on a fake clock ticking every second.
func TestLiveRateAndValidity(t *testing.T) {
	t.Parallel()
	cat := mustCatalog(t)
	l := mustLive(t, Config{Seed: 21, Now: testNow, Events: 3_000}, 20)
	total := 0
	for sec := 1; sec <= 600; sec++ {
		now := testNow.Add(time.Duration(sec) * time.Second)
		evs := l.Next(now)
		total += len(evs)
		for i := range evs {
			ev := &evs[i]
			if _, err := cat.Normalize(ev, now, domain.TimeBounds{}); err != nil {
				t.Fatalf("live event refused: %v\n%s", err, Envelope(*ev))
			}
			if ev.OccurredAt.After(now) || ev.Version == 1 && !ev.OccurredAt.After(now.Add(-time.Second)) {
				t.Fatalf("%s v%d at %s, outside the second before %s", ev.EntityID, ev.Version, ev.OccurredAt, now)
			}
		}
		if !slices.IsSortedFunc(evs, func(a, b domain.Event) int { return a.OccurredAt.Compare(b.OccurredAt) }) {
			t.Fatal("live batch out of occurred_at order")
		}
	}
	if total < 11_800 || total > 12_200 {
		t.Fatalf("%d events in 600 s at 20/s", total)
	}
}

// TestLiveContinuesTheHistory runs six hours of live stream after the
// seeded history, a call a minute: seeded lifecycles continue with the next
// versions, ids never repeat, and every kind of happening shows up
// (answers, resolutions, breaches, completions, payments).
func TestLiveContinuesTheHistory(t *testing.T) {
	t.Parallel()
	cat := mustCatalog(t)
	cfg := Config{Seed: 24, Now: testNow, Events: 20_000}
	ds := mustGenerate(t, cfg)
	stored := map[[2]string]int64{}
	ids := map[string]bool{}
	for _, ev := range ds.Events {
		stored[[2]string{ev.Source, ev.EntityID}] = ev.Version
		ids[ev.ID] = true
	}
	seeded := maps.Clone(stored)
	l := mustLive(t, cfg, 0.5)
	continued := 0
	types := map[string]int{}
	for m := 1; m <= 6*60; m++ {
		now := testNow.Add(time.Duration(m) * time.Minute)
		for _, ev := range l.Next(now) {
			if _, err := cat.Normalize(&ev, now, domain.TimeBounds{}); err != nil {
				t.Fatalf("live event refused: %v", err)
			}
			if ids[ev.ID] {
				t.Fatalf("event id %s reused", ev.ID)
			}
			ids[ev.ID] = true
			k := [2]string{ev.Source, ev.EntityID}
			if ev.Version != stored[k]+1 {
				t.Fatalf("%s v%d follows v%d", ev.EntityID, ev.Version, stored[k])
			}
			if _, ok := seeded[k]; ok {
				continued++
			}
			stored[k] = ev.Version
			types[ev.Type]++
		}
	}
	if continued == 0 || len(stored) == len(seeded) {
		t.Fatalf("%d seeded lifecycles continued, %d new entities", continued, len(stored)-len(seeded))
	}
	t.Logf("%d continued, %d new entities, %v", continued, len(stored)-len(seeded), types)
	for _, typ := range []string{"ticket.created", "ticket.updated", "ticket.resolved", "sla.breached", "sla.met",
		"maintenance.completed", "expense.submitted", "expense.approved"} {
		if types[typ] == 0 {
			t.Errorf("no %s in six hours: %v", typ, types)
		}
	}
}

func TestLiveIsDeterministic(t *testing.T) {
	t.Parallel()
	cfg := Config{Seed: 22, Now: testNow, Events: 1_000}
	a, b := mustLive(t, cfg, 50), mustLive(t, cfg, 50)
	for _, step := range []time.Duration{time.Second, 3 * time.Second, 500 * time.Millisecond, 10 * time.Second} {
		now := testNow.Add(step * 7)
		ea, eb := a.Next(now), b.Next(now)
		if len(ea) != len(eb) {
			t.Fatalf("%d and %d events", len(ea), len(eb))
		}
		for i := range ea {
			if string(Envelope(ea[i])) != string(Envelope(eb[i])) {
				t.Fatalf("event %d differs", i)
			}
		}
	}
}

// TestLiveCatchUpIsBounded: after a long pause the planned steps that fell
// due are produced, but new arrivals only for MaxCatchUp.
func TestLiveCatchUpIsBounded(t *testing.T) {
	t.Parallel()
	l := mustLive(t, Config{Seed: 23, Now: testNow, Events: 1_000}, 10)
	if evs := l.Next(testNow); evs != nil {
		t.Fatalf("no time passed, got %d events", len(evs))
	}
	if evs := l.Next(testNow.Add(-time.Hour)); evs != nil {
		t.Fatal("time went back, got events")
	}
	evs := l.Next(testNow.Add(time.Hour))
	created := 0
	for _, ev := range evs {
		if ev.Version == 1 && (ev.Source == "tickets" || ev.Source == "expenses") {
			created++
			if ev.OccurredAt.Before(testNow.Add(time.Hour - MaxCatchUp)) {
				t.Fatalf("arrival at %s, before the catch-up window", ev.OccurredAt)
			}
		}
	}
	if created == 0 || created > int(10*MaxCatchUp.Seconds()) {
		t.Fatalf("%d arrivals after an hour's pause", created)
	}
}

func TestNewLiveRefusesBadRate(t *testing.T) {
	t.Parallel()
	for _, r := range []float64{0, -1} {
		if _, err := NewLive(Config{Now: testNow}, r); err == nil {
			t.Errorf("rate %v accepted", r)
		}
	}
}
