package clickhouse

import (
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/conductor/reports/domain"
)

// The per-batch lookups must read a few granules through the sorting key,
// not scan the tables: the tables grow forever, a batch stays small.
func TestLookupsUseSortingKey(t *testing.T) {
	t.Parallel()
	a := mustOpen(t, nil)
	ctx := t.Context()
	const n = 300_000
	for _, q := range []string{
		`INSERT INTO an_ingest (row_kind, tenant_id, event_id, ingested_at)
		 SELECT 1, concat('t', toString(number % 7)), toString(number), toDateTime('2026-12-01 00:00:00') FROM system.numbers LIMIT 300000`,
		`INSERT INTO an_tickets (tenant_id, id, version, created_at)
		 SELECT concat('t', toString(number % 7)), toString(number), 1, toDateTime('2026-12-01 00:00:00') FROM system.numbers LIMIT 300000`,
	} {
		if err := a.conn.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	var read atomic.Uint64
	pctx := ch.Context(ctx, ch.WithProgress(func(p *ch.Progress) { read.Add(p.Rows) }))
	recs := []*domain.Record{tk(t, "10", "12", 2, "open", now, ""), tk(t, "new", "T-new", 1, "open", now, "")}
	recs[0].Event.TenantID = "t3" // 10 % 7 = 3: stored; entity 12 is stored under t5 only
	stored, err := a.storedEvents(pctx, recs)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 1 || !stored[eventKey{"t3", "10"}] {
		t.Fatalf("stored %v", stored)
	}
	if r := read.Swap(0); r == 0 || r > n/10 {
		t.Errorf("event lookup read %d of %d rows", r, n)
	}
	recs[0].Event.TenantID = "t5"
	prev, err := a.storedStates(pctx, recs)
	if err != nil {
		t.Fatal(err)
	}
	if len(prev) != 1 || prev[entityKey{"t5", "tickets", "12"}] == nil {
		t.Fatalf("states %v", prev)
	}
	if r := read.Load(); r == 0 || r > n/10 {
		t.Errorf("state lookup read %d of %d rows", r, n)
	}
}

// A batch of new ids that sort after the stored ones (time-ordered ids,
// UUID version 7) reads only the newest granules; the same number of new
// ids spread over the key range (random ids) reads nearly the whole key.
func TestDuplicateLookupCostFollowsIDOrder(t *testing.T) {
	t.Parallel()
	a := mustOpen(t, nil)
	ctx := t.Context()
	const n, batch = 800_000, 5_000
	// Twenty parts of 40,000 ids each, as twenty ingest batches leave them.
	for part := range 20 {
		q := fmt.Sprintf(`INSERT INTO an_ingest (row_kind, tenant_id, event_id, ingested_at)
			SELECT 1, 'acme', toString(1000000000 + number), toDateTime('2026-12-01 00:00:00')
			FROM system.numbers WHERE number >= %d LIMIT 40000`, part*40_000)
		if err := a.conn.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	lookup := func(ids func(i int) string) uint64 {
		t.Helper()
		var read atomic.Uint64
		pctx := ch.Context(ctx, ch.WithProgress(func(p *ch.Progress) { read.Add(p.Rows) }))
		recs := make([]*domain.Record, batch)
		for i := range recs {
			recs[i] = tk(t, ids(i), "T-1", 1, "open", now, "")
			recs[i].Event.TenantID = "acme"
		}
		stored, err := a.storedEvents(pctx, recs)
		if err != nil {
			t.Fatal(err)
		}
		if len(stored) != 0 {
			t.Fatalf("%d of the new ids found stored", len(stored))
		}
		return read.Load()
	}
	r := rand.New(rand.NewPCG(1, 2))
	ordered := lookup(func(i int) string { return fmt.Sprint(1_000_000_000 + n + i) })
	random := lookup(func(int) string { return fmt.Sprint(1_000_000_000+r.IntN(n)) + "x" })
	t.Logf("rows read for %d new ids among %d stored: time-ordered %d, random %d", batch, n, ordered, random)
	if ordered > n/20 {
		t.Errorf("time-ordered ids read %d of %d rows", ordered, n)
	}
	if random < n/2 {
		t.Errorf("random ids read %d of %d rows: the comparison shows nothing", random, n)
	}
}
