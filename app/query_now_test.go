package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/schema"
)

// mapCache is a ResultCache for tests.
type mapCache map[string]*app.QueryResult

func (m mapCache) Get(k string) (*app.QueryResult, bool) { r, ok := m[k]; return r, ok }
func (m mapCache) Set(k string, r *app.QueryResult)      { m[k] = r }

// TestCachedNowNeverStopsShortOfTheClock: with a result cache, relative
// dates resolve against "now" rounded up to 5 s, so a range ending at now
// holds an event stamped with the current instant (the one a live widget
// re-queries for), and queries within one step share an entry.
func TestCachedNowNeverStopsShortOfTheClock(t *testing.T) {
	cat, err := domain.ParseCatalog(schema.CatalogJSON())
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 12, 3, 10, 0, 2, 500, time.UTC)
	eng := &recordingEngine{}
	q := app.NewQueries(eng, cat, func() time.Time { return clock }, mapCache{})
	query := &domain.Query{Source: "tickets", Metrics: []domain.Metric{{Agg: "count", As: "n"}}}
	p := domain.Principal{Kind: domain.PrincipalUser, TenantID: "t1", UserID: "u1", Role: domain.RoleViewer}
	if _, err := q.Run(context.Background(), p, query, false); err != nil {
		t.Fatal(err)
	}
	if got := eng.last().Now; got.Before(clock) || got.Sub(clock) > app.CacheResolution {
		t.Fatalf("now resolved to %v for a clock at %v", got, clock)
	}
	clock = clock.Add(2 * time.Second)
	res, err := q.Run(context.Background(), p, query, false)
	if err != nil || res.Cache != "hit" {
		t.Fatalf("same step: cache %q (%v), want a hit", res.Cache, err)
	}
	for _, c := range []struct{ in, want time.Time }{
		{time.Date(2026, 1, 1, 0, 0, 5, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 5, 0, time.UTC)},
		{time.Date(2026, 1, 1, 0, 0, 5, 1, time.UTC), time.Date(2026, 1, 1, 0, 0, 10, 0, time.UTC)},
	} {
		if got := app.CeilNow(c.in); !got.Equal(c.want) {
			t.Errorf("CeilNow(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}
