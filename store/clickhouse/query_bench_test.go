package clickhouse

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/store/analyticstest"
)

// dashboardQueries are five typical NOC-dashboard queries over tickets.
var dashboardQueries = []struct{ name, js string }{
	{"by_status", `{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"status"}]}`},
	{"per_day", `{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"created_at","granularity":"day"}],"filters":[{"field":"created_at","op":">=","value":"start_of_month-2M"}]}`},
	{"avg_first_response", `{"source":"tickets","metrics":[{"agg":"avg","field":"first_response_minutes","as":"a"}],"groups":[{"field":"priority"}]}`},
	{"by_location", `{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"customer_id"},{"field":"site_id"}]}`},
	{"urgent_by_team", `{"source":"tickets","metrics":[{"agg":"sum","field":"first_response_minutes","as":"s"},{"agg":"count","as":"n"}],"groups":[{"field":"team_id"}],"filters":[{"field":"priority","op":"IN","value":["high","urgent"]}]}`},
}

// benchPrincipals run every dashboard query: everyone's view, and a viewer
// scoped to one customer, who needs rollups carrying the customer.
var benchPrincipals = []struct {
	name  string
	scope domain.Scope
}{{"all", nil}, {"one_customer", domain.Scope{domain.DimCustomer: {"c7"}}}}

// BenchmarkDashboardQueries compares the planner's route with the raw
// route on REPORTS_BENCH_EVENTS ticket lifecycle events (default
// 10,000,000; 50 customers, 200 sites, 10 teams, 30 contracts and 20 cost
// centres drawn independently, 90 days), ingested in batches of 10,000
// during setup, which then waits for background merges to finish. Each
// sub-benchmark is named query/principal/route.
//
//	REPORTS_BENCH_EVENTS=10000000 go test -run '^$' -bench BenchmarkDashboardQueries -benchtime 5x -timeout 60m ./store/clickhouse/
func BenchmarkDashboardQueries(b *testing.B) {
	n := 10_000_000
	if v, err := strconv.Atoi(os.Getenv("REPORTS_BENCH_EVENTS")); err == nil && v > 0 {
		n = v
	}
	a := mustOpen(b, nil)
	gen := newLifecycles(b, 42)
	ctx := context.Background()
	start := time.Now()
	for done := 0; done < n; {
		batch := make([]*domain.Record, 0, 10_000)
		for len(batch) < cap(batch) && done < n {
			batch = append(batch, gen.next(b))
			done++
		}
		if _, err := a.Apply(ctx, app.IngestBatch{Records: batch, IngestedAt: now}); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("ingested %d events in %s", n, time.Since(start).Round(time.Second))
	settle(b, a)
	for _, dq := range dashboardQueries {
		for _, p := range benchPrincipals {
			var q domain.Query
			_ = json.Unmarshal([]byte(dq.js), &q)
			if err := q.Validate(gen.cat); err != nil {
				b.Fatal(err)
			}
			req := app.QueryRequest{Query: &q, TenantID: "acme", Scope: p.scope, Now: now, Location: time.UTC}
			planned, err := a.Query(ctx, req)
			if err != nil {
				b.Fatal(err)
			}
			for _, route := range []string{planned.Route, "raw"} {
				req.RawOnly = route == "raw"
				b.Run(dq.name+"/"+p.name+"/"+route, func(b *testing.B) {
					for b.Loop() {
						if _, err := a.Query(ctx, req); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}

// settle waits (up to ten minutes) until no merge runs in the benchmark's
// database, so the routes are timed on the parts a steady server keeps,
// and logs the tickets tables' rows and parts.
func settle(b *testing.B, a *Analytics) {
	ctx := context.Background()
	start := time.Now()
	for quiet := 0; quiet < 3 && time.Since(start) < 10*time.Minute; {
		var running uint64
		if err := a.conn.QueryRow(ctx, `SELECT count() FROM system.merges WHERE database = currentDatabase()`).Scan(&running); err != nil {
			b.Fatal(err)
		}
		if quiet++; running > 0 {
			quiet = 0
		}
		time.Sleep(2 * time.Second)
	}
	rows, err := a.conn.Query(ctx, `SELECT table, sum(rows), count() FROM system.parts
		WHERE active AND database = currentDatabase() AND table LIKE 'an%tickets%' GROUP BY table ORDER BY table`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var table string
		var n, parts uint64
		if err := rows.Scan(&table, &n, &parts); err != nil {
			b.Fatal(err)
		}
		b.Logf("after %s of merges: %s holds %d rows in %d parts", time.Since(start).Round(time.Second), table, n, parts)
	}
}

// BenchmarkCompile measures compiling the DESIGN.md example query_json to
// ClickHouse SQL (planner included), as store/sqlite's BenchmarkCompile
// does; no server is involved.
//
//	go test -run '^$' -bench BenchmarkCompile -benchmem ./store/clickhouse/
func BenchmarkCompile(b *testing.B) {
	a := &Analytics{layout: testLayout(b)}
	var q domain.Query
	_ = json.Unmarshal([]byte(`{"source":"tickets","metrics":[{"agg":"count","as":"total"},{"agg":"avg","field":"resolution_minutes","as":"avg_res"}],
	 "groups":[{"field":"status"},{"field":"created_at","granularity":"day"}],
	 "filters":[{"field":"priority","op":"IN","value":["high","urgent"]},{"field":"created_at","op":"BETWEEN","value":["{{from}}","{{to}}"]}],
	 "params":{"from":"now-30d","to":"now"},"order":[{"by":"total","dir":"desc"}],"limit":100}`), &q)
	if err := q.Validate(analyticstest.Catalog(b)); err != nil {
		b.Fatal(err)
	}
	req := app.QueryRequest{Query: &q, TenantID: "t1", Scope: domain.Scope{domain.DimCustomer: {"c1", "c2"}}, Now: time.Now(), Location: time.UTC}
	for b.Loop() {
		if _, err := a.compileQuery(req, q.Groups, true); err != nil {
			b.Fatal(err)
		}
	}
}
