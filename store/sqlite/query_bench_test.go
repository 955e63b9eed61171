package sqlite

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
	"github.com/conductor/reports/store/cache"
)

// dashboardQueries are five typical NOC-dashboard queries over tickets.
var dashboardQueries = []struct{ name, js string }{
	{"by_status", `{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"status"}]}`},
	{"per_day_this_month", `{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"created_at","granularity":"day"}],"filters":[{"field":"created_at","op":">=","value":"start_of_month-2M"}]}`},
	{"avg_first_response", `{"source":"tickets","metrics":[{"agg":"avg","field":"first_response_minutes","as":"a"}],"groups":[{"field":"priority"}]}`},
	{"by_location", `{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"customer_id"},{"field":"site_id"}]}`},
	{"urgent_by_team", `{"source":"tickets","metrics":[{"agg":"sum","field":"first_response_minutes","as":"s"},{"agg":"count","as":"n"}],"groups":[{"field":"team_id"}],"filters":[{"field":"priority","op":"IN","value":["high","urgent"]}]}`},
}

// benchPrincipals run every dashboard query: everyone's view, and a viewer
// scoped to one customer, who needs rollups carrying the customer.
var benchPrincipals = []struct {
	name  string
	scope domain.Scope
}{{"all", nil}, {"one_customer", domain.Scope{domain.DimCustomer: {"c1"}}}}

// BenchmarkDashboardQueries compares the planner's route with the raw
// route on REPORTS_BENCH_EVENTS ticket events (default 1,000,000: 250,000
// tickets of four versions over 90 days). Setup ingests them first. Each
// sub-benchmark is named query/principal/route.
func BenchmarkDashboardQueries(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("REPORTS_BENCH_EVENTS")); err == nil && v > 0 {
		n = v
	}
	a := openAnalytics(b)
	c := analyticstest.Catalog(b)
	recs := benchRecords(b, c, n)
	ctx := context.Background()
	for i := 0; i < len(recs); i += 2000 {
		if _, err := a.Apply(ctx, app.IngestBatch{Records: recs[i:min(i+2000, len(recs))], IngestedAt: analyticstest.Now}); err != nil {
			b.Fatal(err)
		}
	}
	recs = nil
	for _, dq := range dashboardQueries {
		for _, p := range benchPrincipals {
			var q domain.Query
			_ = json.Unmarshal([]byte(dq.js), &q)
			if err := q.Validate(c); err != nil {
				b.Fatal(err)
			}
			req := app.QueryRequest{Query: &q, TenantID: "t1", Scope: p.scope, Now: analyticstest.Now, Location: time.UTC}
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

// BenchmarkDashboardWorkloadHitRatio replays a NOC wall: 40 viewers in
// four scopes refresh the five dashboard queries every 5 s for 10 simulated
// minutes while new events arrive every 15 s (each arrival invalidates
// the tickets entries); it reports the measured cache hit ratio.
func BenchmarkDashboardWorkloadHitRatio(b *testing.B) {
	a := openAnalytics(b)
	c := analyticstest.Catalog(b)
	recs := benchRecords(b, c, 20_000)
	ctx := context.Background()
	if _, err := a.Apply(ctx, app.IngestBatch{Records: recs, IngestedAt: analyticstest.Now}); err != nil {
		b.Fatal(err)
	}
	results, err := cache.New(cache.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer results.Close()
	clock := analyticstest.Now
	qs := app.NewQueries(a, c, func() time.Time { return clock }, results)
	scopes := []domain.Scope{nil, {domain.DimCustomer: {"c0"}}, {domain.DimCustomer: {"c1"}}, {domain.DimSite: {"s2", "s3"}}}
	var hits, total int
	for b.Loop() {
		hits, total = 0, 0
		for step := 0; step < 120; step++ { // 10 minutes in 5 s steps
			clock = clock.Add(5 * time.Second)
			if step%3 == 0 {
				qs.Invalidate(app.ChangeNotice{TenantID: "t1", Source: "tickets"})
			}
			for viewer := 0; viewer < 40; viewer++ {
				p := domain.Principal{Kind: domain.PrincipalUser, TenantID: "t1", UserID: "u", Role: domain.RoleViewer, Scope: scopes[viewer%4]}
				for _, dq := range dashboardQueries {
					var q domain.Query
					_ = json.Unmarshal([]byte(dq.js), &q)
					res, err := qs.Run(ctx, p, &q, false)
					if err != nil {
						b.Fatal(err)
					}
					total++
					if res.Cache == "hit" {
						hits++
					}
				}
			}
			results.Wait()
		}
	}
	b.ReportMetric(float64(hits)/float64(total), "hit_ratio")
	b.ReportMetric(float64(total), "queries/replay")
}
