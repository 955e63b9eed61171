package demogen

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/conductor/reports/domain"
)

// MaxCatchUp bounds the time one Live.Next call makes up for: after a
// pause (a slow consumer, a suspended laptop) dashboards need motion, not
// a burst of every event the pause would have produced.
const MaxCatchUp = time.Minute

// Live keeps the demo world running in real time for `serve --demo
// --live R`: it continues the lifecycles Generate(cfg) left open (tickets
// get answered and resolved, SLAs breach or are met, work orders start
// and complete, expenses are approved and paid, each at its planned
// time) and opens new tickets and expenses so that about rate events are
// produced per second. For a Config and a sequence of now values its
// output is deterministic. A Live is not safe for concurrent use: one
// goroutine (an actor) calls Next.
type Live struct {
	s    *sim
	rng  *rand.Rand // arrival times and kinds
	rate float64
	last time.Time
	owed float64 // events due but not yet produced (negative: ahead)
}

// NewLive returns a Live continuing the world of Generate(cfg) after
// cfg.Now. It replays that history in memory (without building events),
// so use the Config the demo data was seeded with: entity ids and
// versions then continue the stored ones.
func NewLive(cfg Config, rate float64) (*Live, error) {
	cfg, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	if !(rate > 0) || math.IsInf(rate, 0) {
		return nil, errors.New("demogen: live rate must be a positive number of events per second")
	}
	s := newSim(cfg, false, false)
	s.startHistory()
	s.runUntil(cfg.Now)
	s.record = true
	return &Live{s: s, rng: newRand(cfg.Seed, streamLive), rate: rate, last: cfg.Now}, nil
}

// Next returns the events that happened after the previous call (or
// cfg.Now) and up to now, in occurred_at order: the planned steps of open
// lifecycles that fell due, and new tickets and expenses arriving at
// random instants so that the count keeps up with the rate. Times are
// whole seconds; a now not after the previous one returns nothing.
func (l *Live) Next(now time.Time) []domain.Event {
	now = now.UTC().Truncate(time.Second)
	if !now.After(l.last) {
		return nil
	}
	window := min(now.Sub(l.last), MaxCatchUp)
	l.owed += l.rate * window.Seconds()
	l.last = now
	s := l.s
	before := s.emitted
	s.runUntil(now) // lifecycle steps due first: they take their share of the rate
	l.owed -= float64(s.emitted - before)
	l.arrive(now.Add(-window), window)
	before = s.emitted
	s.runUntil(now)
	// A burst of due steps (after a pause) may put the stream ahead of the
	// rate, by at most MaxCatchUp, so new arrivals resume soon after.
	l.owed = max(l.owed-float64(s.emitted-before), -l.rate*MaxCatchUp.Seconds())
	out := s.out
	s.out = nil
	slices.SortStableFunc(out, func(a, b domain.Event) int { return a.OccurredAt.Compare(b.OccurredAt) })
	return out
}

// arrive schedules new tickets (two events: the ticket and its SLA) and
// expenses (one) at random seconds of (from, from+window] until the
// events owed are covered.
func (l *Live) arrive(from time.Time, window time.Duration) {
	secs := int64(window / time.Second)
	for planned := 0.0; l.owed-planned >= 1; {
		at := from.Add(time.Duration(1+l.rng.Int64N(secs)) * time.Second)
		if l.rng.Float64() < 0.8 {
			l.s.schedule(at, l.s.openTicket)
			planned += 2
		} else {
			l.s.schedule(at, l.s.openExpense)
			planned++
		}
	}
}
