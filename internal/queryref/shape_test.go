package queryref

import (
	"testing"
	"time"

	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/schema"
)

func TestRollupShapedQueriesAreRoutable(t *testing.T) {
	cat, err := domain.ParseCatalog(schema.CatalogJSON())
	if err != nil {
		t.Fatal(err)
	}
	gen := NewGenerator(cat, 3)
	routed := 0
	byRollup := map[string]int{}
	for i := 0; i < 600; i++ {
		q := RollupShaped(cat, gen.Query(""), i/3)
		if err := q.Validate(cat); err != nil {
			t.Fatalf("reshaped query invalid: %v", err)
		}
		src, _ := cat.Source(q.Source)
		var scope domain.Scope // every other principal sees one customer
		if i%2 == 1 {
			scope = domain.Scope{domain.DimCustomer: {"c1"}}
		}
		if r := domain.PlanRollup(q, src, scope, domain.FitOf(time.UTC, time.Now()), time.Now(), time.UTC); r != nil {
			routed++
			byRollup[r.Name]++
		}
	}
	if routed < 500 {
		t.Fatalf("only %d of 600 reshaped queries route to a rollup", routed)
	}
	for _, s := range cat.Sources {
		for _, r := range s.Rollups {
			if byRollup[r.Name] < 5 {
				t.Errorf("rollup %s answered %d of the reshaped queries (%v)", r.Name, byRollup[r.Name], byRollup)
			}
		}
	}
	t.Logf("routes: %v", byRollup)
}
