package domain_test

import (
	"slices"
	"testing"
	"time"

	"github.com/conductor/reports/domain"
)

func TestPlanRollup(t *testing.T) {
	c := catalog(t)
	tickets, _ := c.Source("tickets")
	events, _ := c.Source("events")
	utc := domain.ZoneFit{UTC: true, WholeHour: true}
	sp := domain.ZoneFit{WholeHour: true}
	for name, tc := range map[string]struct {
		q     string
		src   *domain.Source
		scope domain.Scope
		zone  domain.ZoneFit
		want  string
	}{
		"status by day, UTC":   {`{"source":"tickets","metrics":[{"agg":"count","as":"n"},{"agg":"avg","field":"resolution_minutes","as":"a"}],"groups":[{"field":"status"},{"field":"created_at","granularity":"day"}]}`, tickets, nil, utc, "tickets_daily_status"},
		"month in UTC":         {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"created_at","granularity":"month"}]}`, tickets, nil, utc, "tickets_monthly_site"},
		"day in Sao Paulo":     {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"created_at","granularity":"day"}]}`, tickets, nil, sp, ""},
		"hour grain too fine":  {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"created_at","granularity":"hour"}]}`, tickets, nil, utc, ""},
		"count distinct":       {`{"source":"tickets","metrics":[{"agg":"count_distinct","field":"id","as":"n"}]}`, tickets, nil, utc, ""},
		"max":                  {`{"source":"tickets","metrics":[{"agg":"max","field":"resolution_minutes","as":"n"}]}`, tickets, nil, utc, ""},
		"ratio and filters":    {`{"source":"tickets","metrics":[{"agg":"sum","field":"first_response_minutes","as":"s"},{"agg":"count","as":"n"},{"agg":"ratio","num":"s","den":"n","as":"r"}],"filters":[{"or":[{"field":"priority","op":"IN","value":["high"]},{"field":"customer_id","op":"NOT_EXISTS"}]}]}`, tickets, nil, utc, "tickets_daily_customer"},
		"aligned time bounds":  {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"filters":[{"field":"created_at","op":">=","value":"start_of_month"},{"field":"created_at","op":"<","value":"{{to}}"}],"params":{"to":"today"}}`, tickets, nil, utc, "tickets_daily_status"},
		"cut bucket":           {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"filters":[{"field":"created_at","op":">=","value":"2026-11-01T10:00:00Z"}]}`, tickets, nil, utc, ""},
		"between is inclusive": {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"filters":[{"field":"created_at","op":"BETWEEN","value":["start_of_month","today"]}]}`, tickets, nil, utc, ""},
		"nested time bound":    {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"filters":[{"or":[{"field":"created_at","op":">=","value":"today"},{"field":"status","op":"==","value":"open"}]}]}`, tickets, nil, utc, ""},
		"filter on time":       {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"filters":[{"field":"created_at","op":">=","value":"now-30d"}]}`, tickets, nil, utc, ""},
		"range op":             {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"filters":[{"field":"status","op":">","value":"a"}]}`, tickets, nil, utc, ""},
		"group not kept":       {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"subcategory"}]}`, tickets, nil, utc, ""},
		"scope kept":           {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}]}`, tickets, domain.Scope{domain.DimContract: {"k1"}}, utc, "tickets_daily"},
		"events hourly in SP":  {`{"source":"events","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"occurred_at","granularity":"day"},{"field":"type"}]}`, events, nil, sp, "events_hourly"},
		"events half hour":     {`{"source":"events","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"occurred_at","granularity":"day"}]}`, events, nil, domain.ZoneFit{}, ""},
		"other source":         {`{"source":"slas","metrics":[{"agg":"count","as":"n"}]}`, tickets, nil, utc, ""},
	} {
		q := parseQuery(t, tc.q)
		got := domain.PlanRollup(q, tc.src, tc.scope, tc.zone, time.Date(2026, 12, 3, 15, 4, 5, 0, time.UTC), time.UTC)
		name2 := ""
		if got != nil {
			name2 = got.Name
		}
		if name2 != tc.want {
			t.Errorf("%s: routed to %q, want %q", name, name2, tc.want)
		}
	}
}

// The planner takes the narrowest rollup that covers the query: fewest
// dimensions, then the coarser grain, then the first declared; a scoped
// principal needs the scope's dimension, which may force a wider one.
func TestPlanRollupPicksTheNarrowest(t *testing.T) {
	c := catalog(t)
	tickets, _ := c.Source("tickets")
	utc := domain.ZoneFit{UTC: true, WholeHour: true}
	const (
		byStatus   = `{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"status"}]}`
		perDay     = `{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"created_at","granularity":"day"}],"filters":[{"field":"created_at","op":">=","value":"start_of_month-2M"}]}`
		byTeam     = `{"source":"tickets","metrics":[{"agg":"sum","field":"first_response_minutes","as":"s"},{"agg":"count","as":"n"}],"groups":[{"field":"team_id"}],"filters":[{"field":"priority","op":"IN","value":["high","urgent"]}]}`
		byLocation = `{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"customer_id"},{"field":"site_id"}]}`
	)
	customer := domain.Scope{domain.DimCustomer: {"c1"}}
	for _, tc := range []struct {
		name, q string
		scope   domain.Scope
		zone    domain.ZoneFit
		want    string
	}{
		{"by status", byStatus, nil, utc, "tickets_daily_status"},
		{"by status, customer scope", byStatus, customer, utc, "tickets_daily_customer"},
		{"by status, team scope", byStatus, domain.Scope{domain.DimTeam: {"noc"}}, utc, "tickets_daily_status"},
		{"by status, site scope", byStatus, domain.Scope{domain.DimSite: {"s1"}}, utc, "tickets_daily"},
		{"by status, customer and team scope", byStatus, domain.Scope{domain.DimCustomer: {"c1"}, domain.DimTeam: {"noc"}}, utc, "tickets_daily"},
		{"per day", perDay, nil, utc, "tickets_daily_status"},
		{"per day, customer scope", perDay, customer, utc, "tickets_daily_customer"},
		{"by team", byTeam, nil, utc, "tickets_daily_status"},
		{"by team, customer scope", byTeam, customer, utc, "tickets_daily"},
		{"by location", byLocation, nil, utc, "tickets_monthly_site"},
		{"by location, customer scope", byLocation, customer, utc, "tickets_monthly_site"},
		{"by location, site scope", byLocation, domain.Scope{domain.DimSite: {"s1"}}, utc, "tickets_monthly_site"},
		{"by location, Sao Paulo", byLocation, nil, domain.ZoneFit{WholeHour: true}, "tickets_monthly_site"},
		{"by site per month, Sao Paulo", `{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"site_id"},{"field":"created_at","granularity":"month"}]}`, nil, domain.ZoneFit{WholeHour: true}, ""},
		{"by location per day", `{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"site_id"},{"field":"created_at","granularity":"day"}]}`, nil, utc, "tickets_daily"},
		{"by site per week", `{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"site_id"},{"field":"created_at","granularity":"week"}]}`, nil, utc, "tickets_daily"},
		{"by site per quarter", `{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"site_id"},{"field":"created_at","granularity":"quarter"}]}`, nil, utc, "tickets_monthly_site"},
		{"month-aligned bound", `{"source":"tickets","metrics":[{"agg":"avg","field":"resolution_minutes","as":"a"}],"filters":[{"field":"created_at","op":">=","value":"start_of_month"}]}`, nil, utc, "tickets_monthly_site"},
		{"day-aligned bound", `{"source":"tickets","metrics":[{"agg":"avg","field":"resolution_minutes","as":"a"}],"filters":[{"field":"created_at","op":">=","value":"today"}]}`, nil, utc, "tickets_daily_status"},
		{"by site, open only", `{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"site_id"}],"filters":[{"field":"status","op":"==","value":"open"}]}`, nil, utc, "tickets_daily"},
	} {
		got := domain.PlanRollup(parseQuery(t, tc.q), tickets, tc.scope, tc.zone, time.Date(2026, 12, 3, 15, 4, 5, 0, time.UTC), time.UTC)
		name := ""
		if got != nil {
			name = got.Name
		}
		if name != tc.want {
			t.Errorf("%s: routed to %q, want %q", tc.name, name, tc.want)
		}
	}
}

// The choice does not depend on where a rollup is declared, except
// between rollups equally narrow.
func TestPlanRollupIgnoresDeclarationOrder(t *testing.T) {
	c := catalog(t)
	tickets, _ := c.Source("tickets")
	utc := domain.ZoneFit{UTC: true, WholeHour: true}
	at := time.Date(2026, 12, 3, 15, 4, 5, 0, time.UTC)
	reversed := *tickets
	reversed.Rollups = slices.Clone(tickets.Rollups)
	slices.Reverse(reversed.Rollups)
	for _, q := range []string{
		`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"customer_id"},{"field":"site_id"}]}`,
		`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"team_id"}]}`,
		`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"contract_id"}]}`,
	} {
		a := domain.PlanRollup(parseQuery(t, q), tickets, nil, utc, at, time.UTC)
		b := domain.PlanRollup(parseQuery(t, q), &reversed, nil, utc, at, time.UTC)
		if a == nil || b == nil || a.Name != b.Name {
			t.Errorf("%s: %v declared first to last, %v last to first", q, a, b)
		}
	}
	// Equally narrow (status and customer rollups, four dimensions, days):
	// the first declared wins.
	q := parseQuery(t, `{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"category"},{"field":"created_at","granularity":"day"}]}`)
	if got := domain.PlanRollup(q, &reversed, nil, utc, at, time.UTC); got.Name != "tickets_daily_customer" {
		t.Errorf("tie in reversed order went to %s", got.Name)
	}
}

func TestFitOf(t *testing.T) {
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for name, want := range map[string]domain.ZoneFit{
		"UTC": {UTC: true, WholeHour: true}, "America/Sao_Paulo": {WholeHour: true}, "Europe/Berlin": {WholeHour: true},
		"Asia/Kolkata": {}, "Australia/Adelaide": {},
	} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := domain.FitOf(loc, at); got != want {
			t.Errorf("%s: %+v want %+v", name, got, want)
		}
	}
}
