package queryref

import (
	"reflect"
	"testing"
	"time"

	"github.com/conductor/reports/app/demogen"
	"github.com/conductor/reports/domain"
)

var demoNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// mustDemoDataset builds a Dataset from the demo generator's events.
func mustDemoDataset(tb testing.TB, cat *domain.Catalog) *Dataset {
	tb.Helper()
	gen, err := demogen.Generate(demogen.Config{Seed: 1, Now: demoNow, Events: 3000})
	if err != nil {
		tb.Fatal(err)
	}
	recs := make([]*domain.Record, 0, len(gen.Events))
	for i := range gen.Events {
		rec, err := cat.Normalize(&gen.Events[i], demoNow, domain.TimeBounds{})
		if err != nil {
			tb.Fatalf("normalize %s: %v", gen.Events[i].ID, err)
		}
		recs = append(recs, rec)
	}
	return NewDataset(cat, recs)
}

var scopes = []domain.Scope{
	nil,
	{domain.DimCustomer: {"cust-globex"}},
	{domain.DimSite: {"site-in-bh", "site-um-rec"}, domain.DimCustomer: {"cust-initech", "cust-umbrella"}},
	{domain.DimContract: {"ctr-um-crit"}},
	{domain.DimCostCenter: {}},
}

func TestGeneratedQueriesEvaluate(t *testing.T) {
	t.Parallel()
	cat := mustCatalog(t)
	ds := mustDemoDataset(t, cat)
	g := NewGenerator(cat, 42)
	seen := map[string]bool{}
	filtered, matched := 0, 0
	for i := range 2000 {
		q := g.Query("")
		if err := q.Validate(cat); err != nil {
			t.Fatalf("query %d invalid: %v\n%+v", i, err, q)
		}
		res, err := Evaluate(ds, "acme", scopes[i%len(scopes)], q, demoNow, nil)
		if err != nil {
			t.Fatalf("query %d: %v\n%+v", i, err, q)
		}
		if want := len(q.Groups) + len(q.Metrics); len(res.Columns) != want {
			t.Fatalf("query %d: %d columns, want %d", i, len(res.Columns), want)
		}
		if q.Limit > 0 && len(res.Rows) > q.Limit {
			t.Fatalf("query %d: %d rows over limit %d", i, len(res.Rows), q.Limit)
		}
		if len(q.Filters) > 0 {
			filtered++
			if matchesAny(t, ds, q) {
				matched++
			}
		}
		for _, m := range q.Metrics {
			seen["agg:"+m.Agg] = true
		}
		for _, gr := range q.Groups {
			seen["grain:"+gr.Granularity] = true
		}
		markOps(q.Filters, seen)
		if len(q.Params) > 0 {
			seen["params"] = true
		}
	}
	for _, want := range append(append(prefixed("agg:", domain.Aggs), prefixed("grain:", domain.Granularities)...),
		append(prefixed("op:", domain.Operators), "op:and", "op:or", "params")...) {
		if !seen[want] {
			t.Errorf("2,000 queries never used %s", want)
		}
	}
	if matched*4 < filtered {
		t.Errorf("only %d of %d filtered queries match a row; the value pools miss the data", matched, filtered)
	}
}

// matchesAny reports whether q's filters keep any unscoped row.
func matchesAny(t *testing.T, ds *Dataset, q *domain.Query) bool {
	t.Helper()
	c := *q
	c.Groups, c.Order, c.Limit, c.Offset = nil, nil, 0, 0
	c.Metrics = []domain.Metric{{Agg: "count", As: "n"}}
	res, err := Evaluate(ds, "acme", nil, &c, demoNow, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.Rows[0][0].(int64) > 0
}

func prefixed(p string, xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = p + x
	}
	return out
}

func markOps(fs []domain.Filter, seen map[string]bool) {
	for _, f := range fs {
		switch {
		case len(f.And) > 0:
			seen["op:and"] = true
			markOps(f.And, seen)
		case len(f.Or) > 0:
			seen["op:or"] = true
			markOps(f.Or, seen)
		default:
			seen["op:"+f.Op] = true
		}
	}
}

func TestGeneratorDeterministic(t *testing.T) {
	t.Parallel()
	cat := mustCatalog(t)
	a, b, c := NewGenerator(cat, 7), NewGenerator(cat, 7), NewGenerator(cat, 8)
	differs := false
	for range 50 {
		qa, qb, qc := a.Query(""), b.Query(""), c.Query("")
		if !reflect.DeepEqual(qa, qb) {
			t.Fatalf("same seed, different queries:\n%+v\n%+v", qa, qb)
		}
		differs = differs || !reflect.DeepEqual(qa, qc)
	}
	if !differs {
		t.Error("different seeds gave the same queries")
	}
	if q := a.Query("expenses"); q.Source != "expenses" {
		t.Errorf("Query(expenses).Source = %s", q.Source)
	}
}

// TestGroupCountsAddUp checks a property of the demo data: per-group counts
// of an unlimited grouped query sum to the ungrouped count, under every scope.
func TestGroupCountsAddUp(t *testing.T) {
	t.Parallel()
	cat := mustCatalog(t)
	ds := mustDemoDataset(t, cat)
	for _, src := range cat.Sources {
		for _, sc := range scopes {
			total := &domain.Query{Source: src.Name, Metrics: []domain.Metric{{Agg: "count", As: "n"}}}
			tr, err := Evaluate(ds, "acme", sc, total, demoNow, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			grouped := &domain.Query{Source: src.Name, Metrics: total.Metrics,
				Groups: []domain.Group{{Field: src.TimeField, Granularity: "week"}, {Field: src.Fields[1].Name}}}
			gr, err := Evaluate(ds, "acme", sc, grouped, demoNow, mustZone(t, "America/Sao_Paulo"))
			if err != nil {
				t.Fatal(err)
			}
			var sum int64
			for _, r := range gr.Rows {
				sum += r[2].(int64)
			}
			if sum != tr.Rows[0][0].(int64) {
				t.Errorf("%s %v: groups sum to %d, total %d", src.Name, sc, sum, tr.Rows[0][0])
			}
			if sc == nil && sum == 0 {
				t.Errorf("%s: no demo rows", src.Name)
			}
		}
	}
}
