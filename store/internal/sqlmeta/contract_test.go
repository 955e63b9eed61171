package sqlmeta_test

import (
	"path/filepath"
	"testing"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/store/sqlite"
	"github.com/conductor/reports/store/storetest"
)

// TestContract runs the port's contract suite through the SQLite adapter, so
// this package's own coverage reflects the shared SQL it holds. The
// PostgreSQL adapter runs the same suite in its package.
func TestContract(t *testing.T) {
	t.Parallel()
	storetest.MetaStore(t, func(t *testing.T) app.MetaStore {
		m, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "meta.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = m.Close() })
		if err := m.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		return m
	})
}
