package clickhouse

import (
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
