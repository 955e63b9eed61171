package cache

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/schema"
)

// countingEngine answers every query with one row and counts calls.
type countingEngine struct{ calls atomic.Int64 }

func (e *countingEngine) Query(_ context.Context, req app.QueryRequest) (*app.QueryResult, error) {
	e.calls.Add(1)
	return &app.QueryResult{Columns: []app.QueryColumn{{Name: "n", Type: "int"}}, Rows: [][]any{{int64(len(req.Scope))}}, Route: "raw", SQL: "SELECT 1"}, nil
}

func TestQueriesUseTheCacheWithoutSharingAcrossScopes(t *testing.T) {
	cat, err := domain.ParseCatalog(schema.CatalogJSON())
	if err != nil {
		t.Fatal(err)
	}
	results, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer results.Close()
	eng := &countingEngine{}
	clock := time.Date(2026, 12, 1, 12, 0, 1, 0, time.UTC)
	qs := app.NewQueries(eng, cat, func() time.Time { return clock }, results)
	q := func() *domain.Query {
		return &domain.Query{Source: "tickets", Metrics: []domain.Metric{{Agg: "count", As: "n"}},
			Filters: []domain.Filter{{Field: "created_at", Op: ">=", Value: "now-30d"}}}
	}
	alice := domain.Principal{Kind: domain.PrincipalUser, TenantID: "t1", UserID: "a", Role: domain.RoleViewer}
	scoped := alice
	scoped.Scope = domain.Scope{domain.DimCustomer: {"c1"}}
	other := alice
	other.TenantID = "t2"
	run := func(p domain.Principal) string {
		res, err := qs.Run(context.Background(), p, q(), false)
		if err != nil {
			t.Fatal(err)
		}
		results.Wait() // ristretto buffers Sets; tests wait rather than race it
		if res.SQL != "" {
			t.Fatal("SQL leaked without explain")
		}
		return res.Cache
	}
	if got := run(alice); got != "miss" {
		t.Fatalf("first run: %s", got)
	}
	if got := run(alice); got != "hit" {
		t.Fatalf("second run: %s", got)
	}
	// Another scope or tenant never reads alice's entry.
	if got := run(scoped); got != "miss" {
		t.Fatalf("other scope: %s", got)
	}
	if got := run(other); got != "miss" {
		t.Fatalf("other tenant: %s", got)
	}
	// "now" resolves in 5 s steps: within the step the entry serves.
	clock = clock.Add(3 * time.Second)
	if got := run(alice); got != "hit" {
		t.Fatalf("same step: %s", got)
	}
	clock = clock.Add(5 * time.Second)
	if got := run(alice); got != "miss" {
		t.Fatalf("next step: %s", got)
	}
	// A change notice for the tenant's source retires its entries.
	qs.Invalidate(app.ChangeNotice{TenantID: "t1", Source: "tickets"})
	if got := run(alice); got != "miss" {
		t.Fatalf("after invalidation: %s", got)
	}
	if got := run(alice); got != "hit" {
		t.Fatalf("after refill: %s", got)
	}
	// Notices for another tenant leave it alone.
	qs.Invalidate(app.ChangeNotice{TenantID: "t2", Source: "tickets"})
	if got := run(alice); got != "hit" {
		t.Fatalf("other tenant's notice: %s", got)
	}
	if eng.calls.Load() != 5 {
		t.Fatalf("engine calls %d, want 5", eng.calls.Load())
	}
	if r := results.HitRatio(); r <= 0.3 || r >= 0.7 {
		t.Fatalf("measured hit ratio %.2f", r)
	}
	// explain bypasses the cache and keeps the SQL (admins only).
	admin := alice
	admin.Role = domain.RoleAdmin
	res, err := qs.Run(context.Background(), admin, q(), true)
	if err != nil || res.SQL == "" || res.Cache != "" {
		t.Fatalf("explain: %+v %v", res, err)
	}
}
