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
	for i := 0; i < 300; i++ {
		q := RollupShaped(cat, gen.Query(""))
		if err := q.Validate(cat); err != nil {
			t.Fatalf("reshaped query invalid: %v", err)
		}
		src, _ := cat.Source(q.Source)
		if domain.PlanRollup(q, src, nil, domain.FitOf(time.UTC, time.Now()), time.Now(), time.UTC) != nil {
			routed++
		}
	}
	if routed < 250 {
		t.Fatalf("only %d of 300 reshaped queries route to a rollup", routed)
	}
}
