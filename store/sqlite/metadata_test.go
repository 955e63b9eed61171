package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/schema"
	"github.com/conductor/reports/store/internal/sqlmeta"
	"github.com/conductor/reports/store/storetest"
)

// mustOpen returns a migrated store on a fresh file, closed when tb ends.
func mustOpen(tb testing.TB) *Metadata {
	tb.Helper()
	m, err := Open(tb.Context(), filepath.Join(tb.TempDir(), "meta.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := m.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	if err := m.Migrate(tb.Context()); err != nil {
		tb.Fatal(err)
	}
	return m
}

func TestMetaStoreContract(t *testing.T) {
	t.Parallel()
	storetest.MetaStore(t, func(t *testing.T) app.MetaStore { return mustOpen(t) })
}

func TestPragmas(t *testing.T) {
	t.Parallel()
	m := mustOpen(t)
	ctx := t.Context()
	for name, db := range map[string]*sql.DB{"reader": m.reader, "writer": m.writer} {
		t.Run(name, func(t *testing.T) {
			for pragma, want := range map[string]string{
				"journal_mode": "wal",
				"foreign_keys": "1",
				"busy_timeout": "5000",
			} {
				var got string
				if err := db.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("PRAGMA %s = %q, want %q", pragma, got, want)
				}
			}
		})
	}
	var qo string
	if err := m.reader.QueryRowContext(ctx, "PRAGMA query_only").Scan(&qo); err != nil || qo != "1" {
		t.Fatalf("reader query_only = %q, %v; want 1", qo, err)
	}
	if _, err := m.reader.ExecContext(ctx, "INSERT INTO tenants VALUES ('x', 'x', 'x', '2026-01-01T00:00:00.000000Z')"); err == nil {
		t.Fatal("the read pool accepted a write")
	}
	if err := m.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestMigrationsDownAndUp(t *testing.T) {
	t.Parallel()
	m := mustOpen(t)
	ctx := t.Context()
	p, err := newMigrator(m.writer, schema.SQLiteMigrations)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 0); err != nil {
		t.Fatalf("down to 0: %v", err)
	}
	var n int
	if err := m.writer.QueryRowContext(ctx,
		"SELECT COUNT(*) FROM sqlite_master WHERE type IN ('table', 'trigger') AND name NOT LIKE 'goose%' AND name NOT LIKE 'sqlite%'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d tables or triggers left after migrating down", n)
	}
	if err := m.Migrate(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if v, err := p.GetDBVersion(ctx); err != nil || v != 2 {
		t.Fatalf("version = %d, %v; want 2", v, err)
	}
	// Migrating an up-to-date database is a no-op.
	if err := m.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	m := mustOpen(t)
	storetest.AuditAppendOnly(t, m, func(ctx context.Context, stmt string) error {
		_, err := m.writer.ExecContext(ctx, stmt)
		return err
	})
}

// TestCompositeForeignKeys proves the schema itself, not only the store's
// checks, keeps a row from pointing at another tenant's row.
func TestCompositeForeignKeys(t *testing.T) {
	t.Parallel()
	m := mustOpen(t)
	ctx := t.Context()
	for _, stmt := range []string{
		"INSERT INTO tenants VALUES ('ta', 'a', 'A', '2026-01-01T00:00:00.000000Z'), ('tb', 'b', 'B', '2026-01-01T00:00:00.000000Z')",
		"INSERT INTO customers VALUES ('cb', 'tb', 'B customer', '2026-01-01T00:00:00.000000Z')",
	} {
		if _, err := m.writer.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	_, err := m.writer.ExecContext(ctx, "INSERT INTO sites VALUES ('s1', 'ta', 'cb', 'Site', '2026-01-01T00:00:00.000000Z')")
	if classify(err) != sqlmeta.ForeignKeyViolation {
		t.Fatalf("cross-tenant site: err = %v, want a foreign key violation", err)
	}
	_, err = m.writer.ExecContext(ctx, "INSERT INTO users (id, tenant_id, email, name, role, created_at) VALUES ('u1', 'ta', 'a@x.test', 'A', 'root', '2026-01-01T00:00:00.000000Z')")
	if classify(err) != sqlmeta.CheckViolation {
		t.Fatalf("unknown role: err = %v, want a check violation", err)
	}
}

func TestOpenFails(t *testing.T) {
	t.Parallel()
	if _, err := Open(context.Background(), filepath.Join(t.TempDir(), "missing", "dir", "meta.db")); err == nil {
		t.Fatal("Open in a missing directory succeeded")
	}
}

func TestClosedStoreFails(t *testing.T) {
	t.Parallel()
	m := mustOpen(t)
	ctx := t.Context()
	// Only the reader closed: Ping names it.
	if err := m.reader.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Ping(ctx); err == nil || !strings.Contains(err.Error(), "reader") {
		t.Fatalf("Ping with the reader closed = %v", err)
	}
	if err := m.writer.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Ping(ctx); err == nil {
		t.Fatal("Ping on a closed store succeeded")
	}
	if err := m.Migrate(ctx); err == nil {
		t.Fatal("Migrate on a closed store succeeded")
	}
	if err := m.InTx(ctx, func(app.MetaTx) error { return nil }); err == nil {
		t.Fatal("InTx on a closed store succeeded")
	}
}

func TestMigratorNeedsMigrations(t *testing.T) {
	t.Parallel()
	m := mustOpen(t)
	if _, err := newMigrator(m.writer, fstest.MapFS{}); err == nil {
		t.Fatal("a migrator without migrations was accepted")
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	m := mustOpen(t)
	_, syntaxErr := m.writer.ExecContext(t.Context(), "SELEKT 1")
	for name, err := range map[string]error{"foreign": errors.New("boom"), "syntax": syntaxErr, "nil": nil} {
		if got := classify(err); got != sqlmeta.NoViolation {
			t.Errorf("classify(%s: %v) = %v, want no violation", name, err, got)
		}
	}
}
