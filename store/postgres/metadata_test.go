package postgres

import (
	"context"
	"errors"
	"testing"
	"testing/fstest"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/internal/testenv/pgtest"
	"github.com/conductor/reports/schema"
	"github.com/conductor/reports/store/internal/sqlmeta"
	"github.com/conductor/reports/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// mustOpen returns a migrated store on a fresh database of the shared test
// server, closed when tb ends.
func mustOpen(tb testing.TB) *Metadata {
	tb.Helper()
	dsn := pgtest.Shared(tb).NewDatabase(tb)
	m, err := Open(tb.Context(), dsn)
	if err != nil {
		tb.Fatal(err)
	}
	// Registered after NewDatabase's cleanup, so it runs first: the pool
	// closes before the database is dropped.
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

func TestMigrationsDownAndUp(t *testing.T) {
	t.Parallel()
	m := mustOpen(t)
	ctx := t.Context()
	p, err := newMigrator(m.db, schema.PostgresMigrations)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 0); err != nil {
		t.Fatalf("down to 0: %v", err)
	}
	var n int
	if err := m.db.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'goose%') +
		(SELECT COUNT(*) FROM pg_proc p JOIN pg_namespace s ON s.oid = p.pronamespace WHERE s.nspname = 'public')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d tables or functions left after migrating down", n)
	}
	if err := m.Migrate(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if v, err := p.GetDBVersion(ctx); err != nil || v != 2 {
		t.Fatalf("version = %d, %v; want 2", v, err)
	}
	if err := m.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	m := mustOpen(t)
	storetest.AuditAppendOnly(t, m, func(ctx context.Context, stmt string) error {
		_, err := m.db.ExecContext(ctx, stmt)
		return err
	}, "TRUNCATE audit_logs")
}

// TestCompositeForeignKeys proves the schema itself, not only the store's
// checks, keeps a row from pointing at another tenant's row.
func TestCompositeForeignKeys(t *testing.T) {
	t.Parallel()
	m := mustOpen(t)
	ctx := t.Context()
	for _, stmt := range []string{
		"INSERT INTO tenants VALUES ('ta', 'a', 'A', now()), ('tb', 'b', 'B', now())",
		"INSERT INTO customers VALUES ('cb', 'tb', 'B customer', now())",
	} {
		if _, err := m.db.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	_, err := m.db.ExecContext(ctx, "INSERT INTO sites VALUES ('s1', 'ta', 'cb', 'Site', now())")
	if classify(err) != sqlmeta.ForeignKeyViolation {
		t.Fatalf("cross-tenant site: err = %v, want a foreign key violation", err)
	}
	_, err = m.db.ExecContext(ctx, "INSERT INTO users (id, tenant_id, email, name, role, created_at) VALUES ('u1', 'ta', 'a@x.test', 'A', 'root', now())")
	if classify(err) != sqlmeta.CheckViolation {
		t.Fatalf("unknown role: err = %v, want a check violation", err)
	}
	if err := m.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestOpenFails(t *testing.T) {
	t.Parallel()
	if _, err := Open(context.Background(), "postgres://%zz"); err == nil {
		t.Fatal("Open with a malformed DSN succeeded")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Port 1 on loopback: nothing listens there.
	if _, err := Open(ctx, "postgres://u@127.0.0.1:1/db?sslmode=disable&connect_timeout=2"); err == nil {
		t.Fatal("Open with no server succeeded")
	}
}

func TestClosedStoreFails(t *testing.T) {
	t.Parallel()
	m := mustOpen(t)
	ctx := t.Context()
	if err := m.db.Close(); err != nil {
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
	if _, err := newMigrator(m.db, fstest.MapFS{}); err == nil {
		t.Fatal("a migrator without migrations was accepted")
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	m := mustOpen(t)
	_, syntaxErr := m.db.ExecContext(t.Context(), "SELEKT 1")
	for name, err := range map[string]error{"foreign": errors.New("boom"), "syntax": syntaxErr, "nil": nil} {
		if got := classify(err); got != sqlmeta.NoViolation {
			t.Errorf("classify(%s: %v) = %v, want no violation", name, err, got)
		}
	}
}
