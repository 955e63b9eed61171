package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/app/demogen"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/store/analyticstest"
)

// demoRecords is a reproducible demo dataset of tenant "t1".
func demoRecords(t testing.TB, a *Analytics, now time.Time) []*domain.Record {
	t.Helper()
	ds, err := demogen.Generate(demogen.Config{Seed: 5, Now: now, Events: 4000})
	if err != nil {
		t.Fatal(err)
	}
	var recs []*domain.Record
	for i := range ds.Events {
		ev := ds.Events[i]
		ev.TenantID = "t1"
		rec, err := a.cat.Normalize(&ev, now, domain.TimeBounds{})
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	return recs
}

// demoStore loads the demo dataset into a fresh store.
func demoStore(t *testing.T) (*Analytics, time.Time) {
	t.Helper()
	a := openAnalytics(t)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	recs := demoRecords(t, a, now)
	for i := 0; i < len(recs); i += 500 {
		if _, err := a.Apply(context.Background(), app.IngestBatch{Records: recs[i:min(i+500, len(recs))], IngestedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	return a, now
}

func runQuery(t *testing.T, a *Analytics, now time.Time, js, zone string, scope domain.Scope, raw bool) *app.QueryResult {
	t.Helper()
	var q domain.Query
	if err := json.Unmarshal([]byte(js), &q); err != nil {
		t.Fatal(err)
	}
	if err := q.Validate(a.cat); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation(zone)
	res, err := a.Query(context.Background(), app.QueryRequest{Query: &q, TenantID: "t1", Scope: scope, Now: now, Location: loc, RawOnly: raw})
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return res
}

// sameRows compares results exactly, floats to 1e-9 relative.
func sameRows(a, b [][]any) error {
	if len(a) != len(b) {
		return fmt.Errorf("%d rows vs %d", len(a), len(b))
	}
	for i := range a {
		for j := range a[i] {
			x, y := a[i][j], b[i][j]
			if fx, ok := x.(float64); ok {
				fy, ok := y.(float64)
				if !ok || math.Abs(fx-fy) > 1e-9*math.Max(1, math.Abs(fx)) {
					return fmt.Errorf("row %d col %d: %v vs %v", i, j, x, y)
				}
				continue
			}
			if tx, ok := x.(time.Time); ok {
				if ty, ok := y.(time.Time); !ok || !tx.Equal(ty) {
					return fmt.Errorf("row %d col %d: %v vs %v", i, j, x, y)
				}
				continue
			}
			if x != y {
				return fmt.Errorf("row %d col %d: %v (%T) vs %v (%T)", i, j, x, x, y, y)
			}
		}
	}
	return nil
}

// TestRollupRouteEqualsRaw: every query the planner routes to a rollup
// returns exactly what the raw tables return.
func TestRollupRouteEqualsRaw(t *testing.T) {
	a, now := demoStore(t)
	for _, tc := range []struct {
		q, zone string
		scope   domain.Scope
	}{
		{`{"source":"tickets","metrics":[{"agg":"count","as":"n"},{"agg":"avg","field":"resolution_minutes","as":"a"},{"agg":"sum","field":"first_response_minutes","as":"s"}],"groups":[{"field":"status"},{"field":"created_at","granularity":"week"}],"order":[{"by":"n","dir":"desc"}]}`, "UTC", nil},
		{`{"source":"tickets","metrics":[{"agg":"count","as":"n"},{"agg":"ratio","num":"n","den":"n","as":"one"}],"groups":[{"field":"customer_id"},{"field":"priority"}],"filters":[{"field":"status","op":"!=","value":"closed"},{"or":[{"field":"team_id","op":"EXISTS"},{"field":"category","op":"CONTAINS","value":"e"}]}],"totals":true}`, "UTC", domain.Scope{domain.DimCustomer: {"cust-globex", "cust-initech"}}},
		{`{"source":"slas","metrics":[{"agg":"count","as":"n"},{"agg":"avg","field":"elapsed_minutes","as":"e"}],"groups":[{"field":"breached"},{"field":"started_at","granularity":"month"}],"filters":[{"field":"policy","op":"NOT_IN","value":["none"]}]}`, "UTC", nil},
		{`{"source":"expenses","metrics":[{"agg":"sum","field":"amount","as":"total"},{"agg":"count","as":"n"}],"groups":[{"field":"cost_center_id"}],"filters":[{"field":"site_id","op":"NOT_EXISTS"}]}`, "UTC", nil},
		{`{"source":"expenses","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"status"}],"filters":[{"field":"customer_id","op":"NOT_IN","value":["cust-globex"]}]}`, "UTC", nil},
		{`{"source":"expenses","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"category"}],"filters":[{"field":"site_id","op":"!=","value":"site-gx-sp"}]}`, "UTC", nil},
		{`{"source":"maintenance","metrics":[{"agg":"sum","field":"cost","as":"c"}],"groups":[{"field":"kind"},{"field":"scheduled_for","granularity":"year"}]}`, "UTC", domain.Scope{domain.DimTeam: {"team-noc"}}},
		{`{"source":"events","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"occurred_at","granularity":"day"},{"field":"source"}],"limit":20,"offset":3}`, "America/Sao_Paulo", nil},
		{`{"source":"events","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"type"}],"filters":[{"field":"customer_id","op":"IN","value":["cust-umbrella"]}]}`, "Europe/Berlin", domain.Scope{domain.DimSite: {"site-um-cwb", "site-gx-sp"}}},
		{`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"status"}],"filters":[{"field":"created_at","op":">=","value":"start_of_month-1M"},{"field":"created_at","op":"<","value":"today"}]}`, "UTC", nil},
		{`{"source":"events","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"occurred_at","granularity":"day"}],"filters":[{"field":"occurred_at","op":">=","value":"today-7d"}]}`, "America/Sao_Paulo", nil},
	} {
		rolled := runQuery(t, a, now, tc.q, tc.zone, tc.scope, false)
		raw := runQuery(t, a, now, tc.q, tc.zone, tc.scope, true)
		if rolled.Route == "raw" {
			t.Errorf("%s: not routed to a rollup", tc.q)
			continue
		}
		if err := sameRows(rolled.Rows, raw.Rows); err != nil {
			t.Errorf("%s (%s): rollup differs from raw: %v", tc.q, rolled.Route, err)
		}
		if len(raw.Rows) == 0 && tc.scope == nil {
			t.Errorf("%s: empty result proves nothing", tc.q)
		}
		if rolled.Totals != nil || raw.Totals != nil {
			if err := sameRows([][]any{rolled.Totals}, [][]any{raw.Totals}); err != nil {
				t.Errorf("totals: %v", err)
			}
		}
	}
	_ = analyticstest.Now
}

// BenchmarkCompile measures compiling the DESIGN.md example query_json to
// parameterised SQL (planner included).
func BenchmarkCompile(b *testing.B) {
	a := openAnalytics(b)
	var q domain.Query
	_ = json.Unmarshal([]byte(`{"source":"tickets","metrics":[{"agg":"count","as":"total"},{"agg":"avg","field":"resolution_minutes","as":"avg_res"}],
	 "groups":[{"field":"status"},{"field":"created_at","granularity":"day"}],
	 "filters":[{"field":"priority","op":"IN","value":["high","urgent"]},{"field":"created_at","op":"BETWEEN","value":["{{from}}","{{to}}"]}],
	 "params":{"from":"now-30d","to":"now"},"order":[{"by":"total","dir":"desc"}],"limit":100}`), &q)
	if err := q.Validate(a.cat); err != nil {
		b.Fatal(err)
	}
	req := app.QueryRequest{Query: &q, TenantID: "t1", Scope: domain.Scope{domain.DimCustomer: {"c1", "c2"}}, Now: time.Now(), Location: time.UTC}
	for b.Loop() {
		if _, err := a.compile(req, q.Groups, true); err != nil {
			b.Fatal(err)
		}
	}
}
