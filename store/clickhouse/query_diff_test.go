package clickhouse

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/app/demogen"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/internal/queryref"
)

// TestRandomQueriesMatchSQLiteAndTheReference is issue 4's differential
// test on ClickHouse: 1,000 random valid queries (the seeded generator over
// the catalogue) under several scopes return the same rows on ClickHouse,
// on SQLite and from the reference evaluator over the same demo events.
func TestRandomQueriesMatchSQLiteAndTheReference(t *testing.T) {
	p := mustOpenPair(t)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	ds, err := demogen.Generate(demogen.Config{Seed: 11, Now: now, Events: 3000})
	if err != nil {
		t.Fatal(err)
	}
	var recs []*domain.Record
	for i := range ds.Events {
		ev := ds.Events[i]
		ev.TenantID = "t1"
		rec, err := p.cat.Normalize(&ev, now, domain.TimeBounds{})
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	for i := 0; i < len(recs); i += 1000 {
		p.apply(t, recs[i:min(i+1000, len(recs))])
	}
	ref := queryref.NewDataset(p.cat, recs)
	gen := queryref.NewGenerator(p.cat, 2026)
	scopes := []domain.Scope{nil, {domain.DimCustomer: {"cust-initech"}}, {domain.DimSite: {"site-gx-sp", "site-um-cwb"}}, {domain.DimCostCenter: {"cc-ops"}}}
	nonEmpty := 0
	for i := 0; i < 1000; i++ {
		q := gen.Query("")
		loc := time.UTC
		if q.TimeZone != "" {
			loc, _ = time.LoadLocation(q.TimeZone)
		}
		scope := scopes[i%len(scopes)]
		want, err := queryref.Evaluate(ref, "t1", scope, q, now, loc)
		if err != nil {
			t.Fatalf("reference: %v", err)
		}
		got, lite := p.run(t, app.QueryRequest{Query: q, TenantID: "t1", Scope: scope, Now: now, Location: loc})
		js, _ := json.Marshal(q)
		if err := sameResult(got, lite); err != nil {
			t.Fatalf("query %d differs from SQLite: %v\n%s", i, err, js)
		}
		for r := range want.Rows {
			if r >= len(got.Rows) {
				t.Fatalf("query %d: %d rows, reference %d\n%s", i, len(got.Rows), len(want.Rows), js)
			}
			if err := sameRow(got.Rows[r], want.Rows[r]); err != nil {
				t.Fatalf("query %d row %d differs from the reference: %v\n%s", i, r, err, js)
			}
		}
		if len(got.Rows) != len(want.Rows) {
			t.Fatalf("query %d: %d rows, reference %d\n%s", i, len(got.Rows), len(want.Rows), js)
		}
		if len(want.Rows) > 1 {
			nonEmpty++
		}
	}
	if nonEmpty < 200 {
		t.Fatalf("only %d queries returned several rows", nonEmpty)
	}
}
