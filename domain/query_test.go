package domain_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/conductor/reports/domain"
)

// designExample is the query_json of DESIGN.md §4.
const designExample = `{"source":"tickets",
 "metrics":[{"agg":"count","as":"total"},{"agg":"avg","field":"resolution_minutes","as":"avg_res"}],
 "groups":[{"field":"status"},{"field":"created_at","granularity":"day"}],
 "filters":[{"field":"priority","op":"IN","value":["high","urgent"]},
            {"field":"created_at","op":"BETWEEN","value":["{{from}}","{{to}}"]}],
 "params":{"from":"now-30d","to":"now"},
 "order":[{"by":"total","dir":"desc"}],"limit":100}`

func parseQuery(t *testing.T, s string) *domain.Query {
	t.Helper()
	var q domain.Query
	if err := json.Unmarshal([]byte(s), &q); err != nil {
		t.Fatal(err)
	}
	return &q
}

func TestDesignExampleIsValid(t *testing.T) {
	q := parseQuery(t, designExample)
	if err := q.Validate(catalog(t)); err != nil {
		t.Fatal(err)
	}
	if q.Groups[1].Alias() != "created_at_day" {
		t.Fatal(q.Groups[1].Alias())
	}
}

func TestQueryValidationReportsEveryProblemWithItsPath(t *testing.T) {
	q := parseQuery(t, `{"source":"tickets",
	 "metrics":[{"agg":"median","as":"m"},{"agg":"sum","field":"status","as":"s"},{"agg":"avg","field":"nope","as":"x"},
	            {"agg":"count","as":"1; DROP TABLE x"},{"agg":"percentile","field":"resolution_minutes","as":"p","p":1.5},
	            {"agg":"ratio","as":"r","num":"s","den":"ghost"},{"agg":"count","field":"status","as":"c"},{"agg":"count","as":"c2"},{"agg":"count","as":"c2"}],
	 "groups":[{"field":"created_at"},{"field":"status","granularity":"day"},{"field":"first_response_minutes"},{"field":"unknown"},{"field":"priority","as":"Bad Alias"}],
	 "filters":[{"field":"priority","op":"LIKE","value":"x"},{"field":"priority","op":"IN","value":[]},
	            {"field":"created_at","op":"BETWEEN","value":["now-30d"]},{"field":"first_response_minutes","op":">","value":"ten"},
	            {"field":"created_at","op":">=","value":"{{missing}}"},{"or":[{"field":"status","op":"==","value":"open"},{"field":"x","op":"==","value":1}]},
	            {"field":"status","op":"EXISTS","value":1},{"field":"first_response_minutes","op":"CONTAINS","value":"1"},
	            {"field":"status","op":"==","value":"a","and":[{"field":"status","op":"==","value":"b"}]}],
	 "params":{"bad name":1,"ok":null},
	 "order":[{"by":"nothing"},{"by":"c2","dir":"up"}],"limit":100000,"offset":-1,"compare":"yesterday","time_zone":"Mars/Olympus Mons;",
	 "subtotals":["c2"]}`)
	err := q.Validate(catalog(t))
	var ve *domain.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v", err)
	}
	want := []string{"metrics[0].agg", "metrics[1].agg", "metrics[2].field", "metrics[3].as", "metrics[4].p", "metrics[5].den",
		"metrics[6].field", "metrics[8].as", "groups[0].granularity", "groups[1].granularity", "groups[2].field", "groups[3].field",
		"groups[4].as", "filters[0].op", "filters[1].value", "filters[2].value", "filters[3].value", "filters[4].value",
		"filters[5].or[1].field", "filters[6].value", "filters[7].value", "filters[8]", "params.bad name", "params.ok",
		"order[0].by", "order[1].dir", "limit", "offset", "compare", "time_zone", "subtotals[0]"}
	got := map[string]bool{}
	for _, p := range ve.Problems {
		got[p.Path] = true
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("no problem reported at %s", w)
		}
	}
	if len(ve.Problems) != len(want) {
		t.Errorf("%d problems, want %d: %v", len(ve.Problems), len(want), ve.Error())
	}
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeInvalid || de.Field != ve.Problems[0].Path {
		t.Fatalf("as domain error: %v", de)
	}
}

func TestQueryValidationMisc(t *testing.T) {
	c := catalog(t)
	for name, tc := range map[string]struct {
		q    string
		path string
	}{
		"unknown source": {`{"source":"weather","metrics":[{"agg":"count","as":"n"}]}`, "source"},
		"no metrics":     {`{"source":"tickets"}`, "metrics"},
		"deep filters":   {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"filters":[` + strings.Repeat(`{"and":[`, 10) + `{"field":"status","op":"==","value":"x"}` + strings.Repeat(`]}`, 10) + `]}`, "filters[0].and[0].and[0].and[0].and[0].and[0].and[0].and[0].and[0].and[0]"},
		"bad dates":      {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"filters":[{"field":"created_at","op":">","value":"last tuesday"}]}`, "filters[0].value"},
		"bool field":     {`{"source":"slas","metrics":[{"agg":"count","as":"n"}],"filters":[{"field":"breached","op":"==","value":"yes"}]}`, "filters[0].value"},
		"decimal scale":  {`{"source":"expenses","metrics":[{"agg":"count","as":"n"}],"filters":[{"field":"amount","op":">","value":1.234}]}`, "filters[0].value"},
		"in list item":   {`{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"filters":[{"field":"first_response_minutes","op":"IN","value":[1,"x"]}]}`, "filters[0].value[1]"},
	} {
		err := parseQuery(t, tc.q).Validate(c)
		var ve *domain.ValidationError
		if !errors.As(err, &ve) || ve.Problems[0].Path != tc.path {
			t.Errorf("%s: got %v, want a problem at %s", name, err, tc.path)
		}
	}
	ok := parseQuery(t, `{"source":"expenses","metrics":[{"agg":"sum","field":"amount","as":"total"},{"agg":"count","as":"n"},
		{"agg":"ratio","as":"avg_amount","num":"total","den":"n"},{"agg":"percentile","field":"amount","p":0.9,"as":"p90"}],
		"groups":[{"field":"spent_at","granularity":"month","as":"month"},{"field":"category"}],
		"filters":[{"field":"category","op":"=","value":"Viagem"},{"field":"status","op":"NOT_IN","value":["rejected"]},{"field":"site_id","op":"NOT_EXISTS"},
		           {"or":[{"field":"amount","op":">","value":10.5},{"field":"currency","op":"CONTAINS","value":"BR"}]},
		           {"field":"spent_at","op":">=","value":"start_of_quarter-1y"}],
		"order":[{"by":"month","dir":"asc"}],"totals":true,"subtotals":["month"],"compare":"same_period_last_year","time_zone":"America/Sao_Paulo"}`)
	if err := ok.Validate(c); err != nil {
		t.Fatal(err)
	}
	if ok.Filters[0].Op != "==" {
		t.Fatal("= is not normalised to ==")
	}
}

func TestRelativeDates(t *testing.T) {
	sp, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 1, 30, 0, 0, time.UTC) // 2026-12-02 22:30 in São Paulo (UTC-3), a Wednesday
	for expr, want := range map[string]string{
		"now":               "2026-12-03T01:30:00Z",
		"now-30d":           "2026-11-03T01:30:00Z",
		"now+2h-15mi":       "2026-12-03T03:15:00Z",
		"today":             "2026-12-02T03:00:00Z",
		"start_of_week":     "2026-11-30T03:00:00Z",
		"start_of_month":    "2026-12-01T03:00:00Z",
		"start_of_month-1M": "2026-11-01T03:00:00Z",
		"start_of_quarter":  "2026-10-01T03:00:00Z",
		"start_of_year-1y":  "2025-01-01T03:00:00Z",
		"start_of_day+1w":   "2026-12-09T03:00:00Z",
	} {
		got, err := domain.ResolveRelativeDate(expr, now, sp)
		if err != nil || got.Format(time.RFC3339) != want {
			t.Errorf("%s = %v (%v), want %s", expr, got, err, want)
		}
	}
	if _, err := domain.ResolveRelativeDate("yesterday", now, nil); err == nil {
		t.Fatal("yesterday accepted")
	}
	if got, _ := domain.ResolveRelativeDate("today", now, nil); got.Format(time.RFC3339) != "2026-12-03T00:00:00Z" {
		t.Fatalf("nil zone is UTC: %v", got)
	}
	f := &domain.Field{Name: "t", Type: domain.TypeTime}
	if v, err := domain.CoerceValue(f, "start_of_month", now, sp); err != nil || v.(time.Time).Format(time.RFC3339) != "2026-12-01T03:00:00Z" {
		t.Fatalf("coerce relative: %v %v", v, err)
	}
	if v, _ := domain.CoerceValue(&domain.Field{Type: domain.TypeDecimal, Scale: 2}, 12.5, now, nil); v != int64(1250) {
		t.Fatalf("decimal: %v", v)
	}
	if v, _ := domain.CoerceValue(&domain.Field{Type: domain.TypeString}, 42.0, now, nil); v != "42" {
		t.Fatalf("number as id: %v", v)
	}
	if !strings.Contains(domain.Aggs[0], "count") {
		t.Fatal("aggs")
	}
}

func TestMetricEmptyIsZero(t *testing.T) {
	for agg, want := range map[string]bool{"count": true, "sum": true, "count_distinct": true,
		"avg": false, "min": false, "max": false, "percentile": false, "ratio": false} {
		if got := (domain.Metric{Agg: agg}).EmptyIsZero(); got != want {
			t.Errorf("%s: %v, want %v", agg, got, want)
		}
	}
}
