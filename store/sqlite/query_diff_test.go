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

// diffRun compares generated queries on both routes with the reference
// evaluator and counts what they exercised.
type diffRun struct {
	a        *Analytics
	ds       *queryref.Dataset
	now      time.Time
	routed   int
	nonEmpty int
	routes   map[string]int // "rollup:<name>" -> queries it answered
}

func newDiffRun(t *testing.T) *diffRun {
	a, now := demoStore(t)
	return &diffRun{a: a, ds: queryref.NewDataset(a.cat, demoRecords(t, a, now)), now: now, routes: map[string]int{}}
}

// check runs q under scope by the planner's route and by the raw route,
// each of which must equal the reference exactly (floats to 1e-9).
func (d *diffRun) check(t *testing.T, i int, q *domain.Query, scope domain.Scope) {
	t.Helper()
	loc := time.UTC
	if q.TimeZone != "" {
		loc, _ = time.LoadLocation(q.TimeZone)
	}
	want, err := queryref.Evaluate(d.ds, "t1", scope, q, d.now, loc)
	if err != nil {
		t.Fatalf("reference: %v", err)
	}
	for _, raw := range []bool{false, true} {
		qc := cloneQuery(t, q)
		if err := qc.Validate(d.a.cat); err != nil {
			t.Fatal(err)
		}
		got, err := d.a.Query(context.Background(), app.QueryRequest{Query: qc, TenantID: "t1", Scope: scope, Now: d.now, Location: loc, RawOnly: raw})
		if err != nil {
			t.Fatalf("query %d: %v", i, err)
		}
		if err := sameRows(got.Rows, want.Rows); err != nil {
			js, _ := json.Marshal(q)
			t.Fatalf("query %d (%s, scope %v, route %s) differs from the reference: %v\n%s", i, loc, scope, got.Route, err, js)
		}
		if !raw && got.Route != "raw" {
			d.routed++
			d.routes[got.Route]++
		}
	}
	if len(want.Rows) > 0 && !(len(want.Rows) == 1 && want.Rows[0][len(want.Rows[0])-1] == nil) {
		d.nonEmpty++
	}
}

// TestQueriesMatchTheReference is the differential test: 1,200 random
// valid queries (seeded generator over the catalogue) under several scopes
// return on SQLite, by whatever route the planner picks and by the raw
// route, exactly what the reference evaluator computes over the same
// events (floats to 1e-9).
func TestQueriesMatchTheReference(t *testing.T) {
	d := newDiffRun(t)
	gen := queryref.NewGenerator(d.a.cat, 77)
	scopes := []domain.Scope{nil, {domain.DimCustomer: {"cust-globex"}}, {domain.DimSite: {"site-in-bh", "site-um-rec"}},
		{domain.DimTeam: {"team-noc"}, domain.DimCustomer: {"cust-initech", "cust-umbrella"}}, {domain.DimContract: {}}}
	for i := 0; i < 1200; i++ {
		q := gen.Query("")
		if i%2 == 1 {
			q = queryref.RollupShaped(d.a.cat, q, i/2)
		}
		d.check(t, i, q, scopes[i%len(scopes)])
	}
	t.Logf("1200 queries: %d routed to rollups, %d with data; routes %v", d.routed, d.nonEmpty, d.routes)
	if d.routed < 300 || d.nonEmpty < 400 {
		t.Fatalf("the generator exercised too little: %d routed, %d non-empty", d.routed, d.nonEmpty)
	}
}

// TestTicketRollupsMatchTheReference: the tickets source has a wide rollup
// and narrow ones; 1,000 rollup-shaped tickets queries, unscoped and under
// customer, team and site scopes, reach every one of them, and each route
// equals the raw route and the reference.
func TestTicketRollupsMatchTheReference(t *testing.T) {
	d := newDiffRun(t)
	gen := queryref.NewGenerator(d.a.cat, 78)
	scopes := []domain.Scope{nil, {domain.DimCustomer: {"cust-globex", "cust-initech"}}, {domain.DimTeam: {"team-noc"}}, {domain.DimSite: {"site-in-bh"}}}
	for i := 0; i < 1000; i++ {
		d.check(t, i, queryref.RollupShaped(d.a.cat, gen.Query("tickets"), i/len(scopes)), scopes[i%len(scopes)])
	}
	t.Logf("1000 tickets queries: %d routed to rollups, %d with data; routes %v", d.routed, d.nonEmpty, d.routes)
	tickets, _ := d.a.cat.Source("tickets")
	for _, r := range tickets.Rollups {
		if n := d.routes["rollup:"+r.Name]; n < 40 {
			t.Errorf("rollup %s answered %d queries, want >= 40", r.Name, n)
		}
	}
	if d.nonEmpty < 500 {
		t.Fatalf("only %d queries returned data", d.nonEmpty)
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
