package clickhouse

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/store/analyticstest"
)

// lifecycles generates realistic ticket events: tickets are created, move
// through statuses over several versions and get resolved, interleaved, so a
// batch both creates entities and retracts stored states.
type lifecycles struct {
	r      *rand.Rand
	cat    *domain.Catalog
	seq    int
	open   []*ticketSim
	nextID int
}

type ticketSim struct {
	id      string
	version int64
	created time.Time
	data    string
}

func newLifecycles(tb testing.TB, seed uint64) *lifecycles {
	return &lifecycles{r: rand.New(rand.NewPCG(seed, 1)), cat: analyticstest.Catalog(tb)}
}

func (g *lifecycles) next(tb testing.TB) *domain.Record {
	g.seq++
	r := g.r
	var t *ticketSim
	if len(g.open) < 200 || r.IntN(4) == 0 {
		g.nextID++
		t = &ticketSim{id: fmt.Sprintf("T-%d", g.nextID), created: now.Add(-time.Duration(r.IntN(90*24*60)) * time.Minute)}
		t.data = fmt.Sprintf(`"priority":%q,"category":%q,"customer_id":"c%d","site_id":"s%d","team_id":"team%d","contract_id":"k%d","cost_center_id":"cc%d","created_at":%q`,
			[]string{"low", "medium", "high", "urgent"}[r.IntN(4)], []string{"network", "hardware", "access"}[r.IntN(3)],
			r.IntN(50), r.IntN(200), r.IntN(10), r.IntN(30), r.IntN(20), t.created.Format(time.RFC3339))
		g.open = append(g.open, t)
	} else {
		t = g.open[r.IntN(len(g.open))]
	}
	t.version++
	typ, status, extra := "ticket.updated", []string{"open", "in_progress", "pending"}[min(int(t.version)-1, 2)], ""
	switch {
	case t.version == 1:
		typ = "ticket.created"
	case t.version >= 4:
		typ, status = "ticket.resolved", "resolved"
		extra = fmt.Sprintf(`,"first_response_minutes":%d,"resolution_minutes":%d`, r.IntN(120), r.IntN(5000))
		for i, o := range g.open {
			if o == t {
				g.open = append(g.open[:i], g.open[i+1:]...)
				break
			}
		}
	}
	data := fmt.Sprintf(`{"status":%q,%s%s}`, status, t.data, extra)
	ev := analyticstest.Ev("acme", fmt.Sprintf("ev-%d", g.seq), "tickets", typ, t.id, t.version, now.Add(-time.Duration(r.IntN(3600))*time.Second), data)
	rec, err := g.cat.Normalize(ev, now, domain.TimeBounds{})
	if err != nil {
		tb.Fatal(err)
	}
	return rec
}

// BenchmarkApply measures sustained ingest of ticket lifecycles (about one
// event in four creates a ticket, the others move one through its statuses,
// so most batches retract stored states) into the 18.16 test server on
// loopback, in batches of 1,000 and 10,000 events:
//
//	go test -run '^$' -bench BenchmarkApply -benchtime 40x ./store/clickhouse/
func BenchmarkApply(b *testing.B) {
	for _, size := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("batch=%d", size), func(b *testing.B) { benchApply(b, size) })
	}
}

func benchApply(b *testing.B, size int) {
	a := mustOpen(b, nil)
	g := newLifecycles(b, 1)
	ctx := context.Background()
	batch := make([]*domain.Record, size)
	var events int
	for b.Loop() {
		b.StopTimer()
		for i := range batch {
			batch[i] = g.next(b)
		}
		b.StartTimer()
		res, err := a.Apply(ctx, app.IngestBatch{Records: batch, IngestedAt: now})
		if err != nil {
			b.Fatal(err)
		}
		events += res.Inserted
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.StopTimer()
	if err := a.VerifyRollups(ctx, "acme"); err != nil {
		b.Fatal(err)
	}
}
