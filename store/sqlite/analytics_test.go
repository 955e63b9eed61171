package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/store/analyticstest"
)

// openAnalytics opens a migrated analytics store in a temp file.
func openAnalytics(t testing.TB) *Analytics {
	t.Helper()
	ctx := context.Background()
	a, err := OpenAnalytics(ctx, filepath.Join(t.TempDir(), "reports.db"), analyticstest.Catalog(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAnalyticsContract(t *testing.T) {
	analyticstest.Analytics(t, func(t *testing.T) app.Analytics { return openAnalytics(t) })
}
