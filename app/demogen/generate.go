package demogen

import (
	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// Dataset is one generated data set.
type Dataset struct {
	// Config is the configuration used, defaults applied.
	Config Config
	// Events are the distinct valid events in occurred_at order (emission
	// order breaks ties, so each entity's versions are in order). Their
	// Data share memory with Raw: treat both as read-only.
	Events []domain.Event
	// Raw are the JSON envelopes to send: every valid event once, the
	// duplicates and the invalid envelopes, shuffled deterministically while
	// keeping each entity's versions in order (a replay comes after its
	// original).
	Raw [][]byte
	// Invalid describes each invalid envelope of Raw.
	Invalid []InvalidEnvelope
	// Totals is the generator's own account of what a store must hold after
	// ingesting Raw.
	Totals Totals
}

// Totals are what an analytics store must report after ingesting a
// Dataset's Raw, computed by the generator from its own entities (not from
// the events), so ingest tests compare two independent accounts.
type Totals struct {
	// Sources maps every catalogue source to its expected
	// app.SourceTotals: for entity sources, Rows counts distinct entities
	// and Sums/Counts hold, for every measure of the source, the sum (in
	// integer units: decimals of scale 2 in cents) and non-null count over
	// the entities' latest versions; for "events", Rows is the number of
	// distinct valid events and the maps are empty.
	Sources map[string]app.SourceTotals
	// Valid is the number of distinct valid events (len(Events)).
	Valid int64
	// Duplicates is the number of replayed envelopes in Raw.
	Duplicates int64
	// Invalid is the number of invalid envelopes in Raw.
	Invalid int64
	// InvalidByKind counts the invalid envelopes of each kind.
	InvalidByKind map[FaultKind]int64
}

// Sent is the number of envelopes in Raw.
func (t Totals) Sent() int64 { return t.Valid + t.Duplicates + t.Invalid }

// Generate simulates cfg.Days of operations before cfg.Now and returns
// the events, the envelopes to send and their totals. The same Config
// always gives the same Dataset, byte for byte.
func Generate(cfg Config) (*Dataset, error) {
	cfg, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	s := newSim(cfg, true, true)
	s.out = make([]domain.Event, 0, cfg.Events+cfg.Events/8)
	s.raw = make([][]byte, 0, cap(s.out))
	s.startHistory()
	s.runUntil(cfg.Now)
	ds := &Dataset{Config: cfg, Events: s.out, Totals: s.totals()}
	ds.Raw, ds.Invalid, ds.Totals.Duplicates = sendOrder(cfg, s.out, s.raw)
	ds.Totals.Invalid = int64(len(ds.Invalid))
	ds.Totals.InvalidByKind = map[FaultKind]int64{}
	for _, iv := range ds.Invalid {
		ds.Totals.InvalidByKind[iv.Kind]++
	}
	return ds, nil
}

// measureTotals accumulates one source's totals.
type measureTotals struct{ app.SourceTotals }

func newMeasureTotals(measures ...string) *measureTotals {
	t := &measureTotals{app.SourceTotals{Sums: map[string]int64{}, Counts: map[string]int64{}}}
	for _, m := range measures {
		t.Sums[m], t.Counts[m] = 0, 0
	}
	return t
}

func (t *measureTotals) add(measure string, v optInt) {
	if v.ok {
		t.Sums[measure] += v.v
		t.Counts[measure]++
	}
}

// totals computes Totals.Sources from the entities' current state, which
// is the state of their latest emitted version.
func (s *sim) totals() Totals {
	tk := newMeasureTotals("first_response_minutes", "resolution_minutes")
	for _, t := range s.tickets {
		tk.Rows++
		tk.add("first_response_minutes", t.firstResponse)
		tk.add("resolution_minutes", t.resolution)
	}
	sl := newMeasureTotals("target_minutes", "elapsed_minutes")
	for _, x := range s.slas {
		sl.Rows++
		sl.add("target_minutes", some(x.target))
		sl.add("elapsed_minutes", x.elapsed)
	}
	mt := newMeasureTotals("cost")
	for _, w := range s.workOrders {
		mt.Rows++
		mt.add("cost", w.cost)
	}
	ex := newMeasureTotals("amount")
	for _, x := range s.expenses {
		ex.Rows++
		ex.add("amount", some(x.amount))
	}
	ev := newMeasureTotals()
	ev.Rows = s.emitted
	return Totals{
		Valid: s.emitted,
		Sources: map[string]app.SourceTotals{
			"tickets": tk.SourceTotals, "slas": sl.SourceTotals, "maintenance": mt.SourceTotals,
			"expenses": ex.SourceTotals, "events": ev.SourceTotals,
		},
	}
}
