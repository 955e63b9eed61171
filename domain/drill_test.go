package domain_test

import (
	"testing"
	"time"

	"github.com/conductor/reports/domain"
)

func TestDrillDown(t *testing.T) {
	c := catalog(t)
	q := parseQuery(t, `{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"customer_id"}],
		"filters":[{"field":"priority","op":"==","value":"high"}],"order":[{"by":"n"}],"offset":10}`)
	d, err := q.DrillDown(c, "location", []domain.PathStep{{Level: "customer_id", Value: "cust-globex"}}, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Groups) != 1 || d.Groups[0].Field != "site_id" || len(d.Filters) != 2 || d.Filters[1].Value != "cust-globex" || d.Offset != 0 {
		t.Fatalf("drill: %+v", d)
	}
	if len(q.Filters) != 1 {
		t.Fatal("the widget query was changed")
	}
	if err := d.Validate(c); err != nil {
		t.Fatal(err)
	}
	// Time levels: a clicked month becomes its range, in the query's zone.
	sp, _ := time.LoadLocation("America/Sao_Paulo")
	d, err = q.DrillDown(c, "time", []domain.PathStep{{Level: "created_at:year", Value: "2026-01-01T03:00:00Z"}, {Level: "created_at:month", Value: "2026-02-01T03:00:00Z"}}, sp)
	if err != nil {
		t.Fatal(err)
	}
	if d.Groups[0].Granularity != "day" || d.Filters[3].Op != ">=" || d.Filters[4].Value != "2026-03-01T03:00:00Z" {
		t.Fatalf("time drill: %+v", d.Filters)
	}
	if err := d.Validate(c); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		h    string
		path []domain.PathStep
	}{
		"unknown hierarchy": {"weather", []domain.PathStep{{Level: "x", Value: 1}}},
		"empty path":        {"location", nil},
		"too deep":          {"location", []domain.PathStep{{Level: "customer_id", Value: "a"}, {Level: "site_id", Value: "b"}}},
		"wrong level":       {"location", []domain.PathStep{{Level: "site_id", Value: "a"}}},
		"bad time":          {"time", []domain.PathStep{{Level: "created_at:year", Value: "last year"}}},
	} {
		if _, err := q.DrillDown(c, tc.h, tc.path, time.UTC); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := (&domain.Query{Source: "weather"}).DrillDown(c, "x", nil, time.UTC); err == nil {
		t.Fatal("unknown source accepted")
	}
}
