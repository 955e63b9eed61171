package app

import (
	"reflect"
	"testing"

	"github.com/conductor/reports/domain"
)

func TestParseGlobalFilters(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		raw   map[string][]string
		want  GlobalFilters
		field string
	}{
		{"none", nil, GlobalFilters{}, ""},
		{"dates and dims", map[string][]string{"from": {"now-7d"}, "to": {"2026-12-01T00:00:00Z"}, "customer": {"c2", " c1 ", "c2", ""}},
			GlobalFilters{From: "now-7d", To: "2026-12-01T00:00:00Z", Dims: map[domain.Dimension][]string{domain.DimCustomer: {"c1", "c2"}}}, ""},
		{"route parameters are ignored", map[string][]string{"widgets": {"a,b"}, "site": {"s1"}},
			GlobalFilters{Dims: map[domain.Dimension][]string{domain.DimSite: {"s1"}}}, ""},
		{"empty values are no filter", map[string][]string{"from": {""}, "team": {""}, "range": {""}}, GlobalFilters{}, ""},
		{"preset", map[string][]string{"range": {"last_month"}}, GlobalFilters{From: "start_of_month-1M", To: "start_of_month"}, ""},
		{"unknown preset", map[string][]string{"range": {"fortnight"}}, GlobalFilters{}, "range"},
		{"preset and from", map[string][]string{"range": {"today"}, "to": {"now"}}, GlobalFilters{}, "range"},
		{"two froms", map[string][]string{"from": {"now-1d", "now-2d"}}, GlobalFilters{}, "from"},
		{"bad date", map[string][]string{"to": {"tomorrow"}}, GlobalFilters{}, "to"},
		{"empty range", map[string][]string{"from": {"2026-01-02T00:00:00Z"}, "to": {"2026-01-01T00:00:00Z"}}, GlobalFilters{}, "to"},
		{"long value", map[string][]string{"contract": {string(make([]byte, 257))}}, GlobalFilters{}, "contract"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseGlobalFilters(tc.raw)
			if tc.field != "" {
				var de *domain.Error
				if !domain.IsCode(err, domain.CodeInvalid) || !asDomain(err, &de) || de.Field != tc.field {
					t.Fatalf("error %v, want invalid on %s", err, tc.field)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v %v, want %+v", got, err, tc.want)
			}
		})
	}
	many := make([]string, 1001)
	for i := range many {
		many[i] = string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	if _, err := ParseGlobalFilters(map[string][]string{"site": many}); !domain.IsCode(err, domain.CodeInvalid) {
		t.Fatalf("1001 values: %v", err)
	}
}

func asDomain(err error, de **domain.Error) bool {
	e, ok := err.(*domain.Error)
	*de = e
	return ok
}

func TestParseGlobalFiltersJSON(t *testing.T) {
	t.Parallel()
	got, err := ParseGlobalFiltersJSON([]byte(`{"from":"now-24h","customer":["c2","c1"],"site":"s1","team":[]}`))
	want := GlobalFilters{From: "now-24h", Dims: map[domain.Dimension][]string{domain.DimCustomer: {"c1", "c2"}, domain.DimSite: {"s1"}}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v %v", got, err)
	}
	for _, empty := range []string{"", " null ", "{}"} {
		if got, err := ParseGlobalFiltersJSON([]byte(empty)); err != nil || !reflect.DeepEqual(got, GlobalFilters{}) {
			t.Fatalf("%q: %+v %v", empty, got, err)
		}
	}
	for in, field := range map[string]string{`[]`: "filters", `{"widgets":"a"}`: "widgets", `{"site":3}`: "filters.site",
		`{"from":"later"}`: "from", `{"customer":[1]}`: "filters.customer"} {
		_, err := ParseGlobalFiltersJSON([]byte(in))
		var de *domain.Error
		if !asDomain(err, &de) || de.Field != field {
			t.Errorf("%s: %v, want invalid on %s", in, err, field)
		}
	}
}

func TestGlobalFiltersKeyIsNormalised(t *testing.T) {
	t.Parallel()
	a := GlobalFilters{From: "now-7d", Dims: map[domain.Dimension][]string{domain.DimSite: {"s2", "s1", "s1"}, domain.DimTeam: {"t"}, domain.DimContract: {}}}
	b := GlobalFilters{From: "now-7d", Dims: map[domain.Dimension][]string{domain.DimTeam: {"t"}, domain.DimSite: {"s1", "s2"}}}
	if a.Key() != b.Key() || a.Key() != "from=now-7d&site=s1&site=s2&team=t" {
		t.Fatalf("keys %q %q", a.Key(), b.Key())
	}
	if (GlobalFilters{To: "now"}).Key() == (GlobalFilters{From: "now"}).Key() || (GlobalFilters{}).Key() != "" {
		t.Fatal("from and to must not collide")
	}
}

func TestNarrowNeverWidens(t *testing.T) {
	t.Parallel()
	cat, err := domain.ParseCatalog([]byte(`{"version":1,"sources":[{"name":"m","kind":"entity","time_field":"at","fields":[
		{"name":"at","type":"time","kind":"dimension","required":true},
		{"name":"customer_id","type":"string","kind":"dimension","scope":"customer"},
		{"name":"site_id","type":"string","kind":"dimension","scope":"site"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	src, _ := cat.Source("m")
	q := &domain.Query{Source: "m", Metrics: []domain.Metric{{Agg: "count", As: "n"}}, Filters: []domain.Filter{{Field: "site_id", Op: "==", Value: "s1"}}}
	f := GlobalFilters{From: "now-1d", To: "now", Dims: map[domain.Dimension][]string{
		domain.DimCustomer: {"c2", "c3"}, domain.DimTeam: {"t1"}, domain.DimSite: {"s1"}}}
	for _, tc := range []struct {
		name  string
		scope domain.Scope
		want  domain.Scope
	}{
		{"unrestricted principal", nil, domain.Scope{domain.DimCustomer: {"c2", "c3"}, domain.DimSite: {"s1"}}},
		{"intersected", domain.Scope{domain.DimCustomer: {"c1", "c2"}}, domain.Scope{domain.DimCustomer: {"c2"}, domain.DimSite: {"s1"}}},
		{"disjoint allows nothing", domain.Scope{domain.DimCustomer: {"c1"}}, domain.Scope{domain.DimCustomer: {}, domain.DimSite: {"s1"}}},
		{"principal's other dimensions stay", domain.Scope{domain.DimTeam: {"t9"}}, domain.Scope{domain.DimTeam: {"t9"}, domain.DimCustomer: {"c2", "c3"}, domain.DimSite: {"s1"}}},
	} {
		eq, scope := f.narrow(q, src, tc.scope)
		if !scope.Equal(tc.want) || len(scope) != len(tc.want) {
			t.Errorf("%s: scope %v, want %v", tc.name, scope, tc.want)
		}
		if !scope.Within(tc.scope) {
			t.Errorf("%s: %v is wider than the principal's %v", tc.name, scope, tc.scope)
		}
		if len(eq.Filters) != 3 || !reflect.DeepEqual(eq.Filters[1], domain.Filter{Field: "at", Op: ">=", Value: "now-1d"}) || eq.Filters[2].Op != "<" {
			t.Errorf("%s: filters %+v", tc.name, eq.Filters)
		}
	}
	if len(q.Filters) != 1 {
		t.Fatal("narrow changed the widget's own query")
	}
	if _, scope := (GlobalFilters{}).narrow(q, src, nil); !scope.Unrestricted() {
		t.Fatalf("no filters: %v", scope)
	}
}
