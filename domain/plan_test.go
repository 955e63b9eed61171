package domain_test

import (
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
		"status by day, UTC":   {`{"source":"tickets","metrics":[{"agg":"count","as":"n"},{"agg":"avg","field":"resolution_minutes","as":"a"}],"groups":[{"field":"status"},{"field":"created_at","granularity":"day"}]}`, tickets, nil, utc, "tickets_daily"},
		"month in UTC":         {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"created_at","granularity":"month"}]}`, tickets, nil, utc, "tickets_daily"},
		"day in Sao Paulo":     {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"created_at","granularity":"day"}]}`, tickets, nil, sp, ""},
		"hour grain too fine":  {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"created_at","granularity":"hour"}]}`, tickets, nil, utc, ""},
		"count distinct":       {`{"source":"tickets","metrics":[{"agg":"count_distinct","field":"id","as":"n"}]}`, tickets, nil, utc, ""},
		"max":                  {`{"source":"tickets","metrics":[{"agg":"max","field":"resolution_minutes","as":"n"}]}`, tickets, nil, utc, ""},
		"ratio and filters":    {`{"source":"tickets","metrics":[{"agg":"sum","field":"first_response_minutes","as":"s"},{"agg":"count","as":"n"},{"agg":"ratio","num":"s","den":"n","as":"r"}],"filters":[{"or":[{"field":"priority","op":"IN","value":["high"]},{"field":"customer_id","op":"NOT_EXISTS"}]}]}`, tickets, nil, utc, "tickets_daily"},
		"aligned time bounds":  {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"filters":[{"field":"created_at","op":">=","value":"start_of_month"},{"field":"created_at","op":"<","value":"{{to}}"}],"params":{"to":"today"}}`, tickets, nil, utc, "tickets_daily"},
		"cut bucket":           {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"filters":[{"field":"created_at","op":">=","value":"2026-11-01T10:00:00Z"}]}`, tickets, nil, utc, ""},
		"between is inclusive": {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"filters":[{"field":"created_at","op":"BETWEEN","value":["start_of_month","today"]}]}`, tickets, nil, utc, ""},
		"nested time bound":    {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"filters":[{"or":[{"field":"created_at","op":">=","value":"today"},{"field":"status","op":"==","value":"open"}]}]}`, tickets, nil, utc, ""},
		"filter on time":       {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"filters":[{"field":"created_at","op":">=","value":"now-30d"}]}`, tickets, nil, utc, ""},
		"range op":             {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"filters":[{"field":"status","op":">","value":"a"}]}`, tickets, nil, utc, ""},
		"group not kept":       {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"subcategory"}]}`, tickets, nil, utc, ""},
		"scope kept":           {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}]}`, tickets, domain.Scope{domain.DimCustomer: {"c1"}}, utc, "tickets_daily"},
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
