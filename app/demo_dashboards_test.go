package app_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/schema"
	"github.com/conductor/reports/store/sqlite"
)

// TestDemoDashboardsAreValid seeds the demo tenant twice: one NOC
// dashboard, realtime, whose widgets pass the catalogue's validation and
// whose layout places each of them.
func TestDemoDashboardsAreValid(t *testing.T) {
	ctx := t.Context()
	meta, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = meta.Close() })
	if err := meta.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	boot := app.NewBootstrap(meta, time.Now, app.Argon2Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1})
	for range 2 {
		if err := boot.SeedDemo(ctx, "demo-password-123"); err != nil {
			t.Fatal(err)
		}
	}
	tn, err := meta.GetTenantBySlug(ctx, app.DemoTenantSlug)
	if err != nil {
		t.Fatal(err)
	}
	ds, total, err := meta.ListDashboards(ctx, domain.DashboardFilter{TenantID: tn.ID})
	if err != nil || total != 1 || ds[0].Name != "NOC" || !ds[0].RealtimeEnabled || ds[0].Visibility != domain.VisibilityPublic {
		t.Fatalf("demo dashboards %+v (%d) %v", ds, total, err)
	}
	cat, err := domain.ParseCatalog(schema.CatalogJSON())
	if err != nil {
		t.Fatal(err)
	}
	ws, err := meta.ListWidgets(ctx, tn.ID, ds[0].ID)
	if err != nil || len(ws) != 6 {
		t.Fatalf("widgets %d %v", len(ws), err)
	}
	layout, err := domain.ParseLayout(ds[0].LayoutJSON)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := domain.ParseFilterBar(ds[0].FiltersJSON); err != nil {
		t.Fatal(err)
	}
	kinds := map[domain.Viz]bool{}
	for i, w := range ws {
		if _, err := w.SetConfig(w.ConfigJSON, cat, nil); err != nil {
			t.Errorf("widget %q: %v", w.Title, err)
		}
		for _, bp := range []string{"lg", "sm"} {
			if len(layout[bp]) != 6 || layout[bp][i].I != w.ID {
				t.Errorf("widget %q is not placed on %s: %+v", w.Title, bp, layout[bp])
			}
		}
		kinds[w.Viz] = true
	}
	for _, v := range []domain.Viz{domain.VizKPI, domain.VizBar, domain.VizHeatmap, domain.VizTreemap, domain.VizTable} {
		if !kinds[v] {
			t.Errorf("no %s widget", v)
		}
	}
}
