package sqlite

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/internal/queryref"
)

// TestQueriesMatchTheReference is the differential test: 1,200 random
// valid queries (seeded generator over the catalogue) under several scopes
// return on SQLite, by whatever route the planner picks and by the raw
// route, exactly what the reference evaluator computes over the same
// events (floats to 1e-9).
func TestQueriesMatchTheReference(t *testing.T) {
	a, now := demoStore(t)
	ds := queryref.NewDataset(a.cat, demoRecords(t, a, now))
	gen := queryref.NewGenerator(a.cat, 77)
	scopes := []domain.Scope{nil, {domain.DimCustomer: {"cust-globex"}}, {domain.DimSite: {"site-in-bh", "site-um-rec"}},
		{domain.DimTeam: {"team-noc"}, domain.DimCustomer: {"cust-initech", "cust-umbrella"}}, {domain.DimContract: {}}}
	routed, nonEmpty := 0, 0
	for i := 0; i < 1200; i++ {
		q := gen.Query("")
		if i%2 == 1 {
			q = queryref.RollupShaped(a.cat, q)
		}
		scope := scopes[i%len(scopes)]
		loc := time.UTC
		if q.TimeZone != "" {
			loc, _ = time.LoadLocation(q.TimeZone)
		}
		want, err := queryref.Evaluate(ds, "t1", scope, q, now, loc)
		if err != nil {
			t.Fatalf("reference: %v", err)
		}
		for _, raw := range []bool{false, true} {
			qc := cloneQuery(t, q)
			if err := qc.Validate(a.cat); err != nil {
				t.Fatal(err)
			}
			got, err := a.Query(context.Background(), app.QueryRequest{Query: qc, TenantID: "t1", Scope: scope, Now: now, Location: loc, RawOnly: raw})
			if err != nil {
				t.Fatalf("query %d: %v", i, err)
			}
			if err := sameRows(got.Rows, want.Rows); err != nil {
				js, _ := json.Marshal(q)
				t.Fatalf("query %d (%s, scope %v, route %s) differs from the reference: %v\n%s", i, loc, scope, got.Route, err, js)
			}
			if !raw && got.Route != "raw" {
				routed++
			}
		}
		if len(want.Rows) > 0 && !(len(want.Rows) == 1 && want.Rows[0][len(want.Rows[0])-1] == nil) {
			nonEmpty++
		}
	}
	t.Logf("1200 queries: %d routed to rollups, %d with data", routed, nonEmpty)
	if routed < 300 || nonEmpty < 400 {
		t.Fatalf("the generator exercised too little: %d routed, %d non-empty", routed, nonEmpty)
	}
}

func cloneQuery(t *testing.T, q *domain.Query) *domain.Query {
	b, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	var out domain.Query
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}
