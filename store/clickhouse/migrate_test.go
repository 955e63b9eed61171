package clickhouse

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/schema"
)

func TestSplitStatements(t *testing.T) {
	src := "-- header; with a semicolon\nCREATE TABLE a (\n  x UInt8 -- trailing\n);\n\n  -- indented comment\nCREATE VIEW b AS SELECT 1;\nSELECT 2"
	got := splitStatements(src)
	want := []string{"CREATE TABLE a (\n  x UInt8 -- trailing\n)", "CREATE VIEW b AS SELECT 1", "SELECT 2"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func TestReadMigrationsRefusesBadFiles(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"bad name":   {"first.sql": {Data: []byte("SELECT 1;")}},
		"version 0":  {"00000_zero.sql": {Data: []byte("SELECT 1;")}},
		"duplicate":  {"00001_a.sql": {Data: []byte("SELECT 1;")}, "1_b.sql": {Data: []byte("SELECT 1;")}},
		"empty file": {"00001_a.sql": {Data: []byte("-- nothing\n")}},
	} {
		if _, err := readMigrations(fsys); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	migs, err := readMigrations(fstest.MapFS{"00002_b.sql": {Data: []byte("SELECT 2;")}, "00001_a.sql": {Data: []byte("SELECT 1;")}})
	if err != nil || len(migs) != 2 || migs[0].version != 1 || migs[1].version != 2 {
		t.Fatalf("order: %+v %v", migs, err)
	}
}

// The shipped DDL splits into statements the runner can send one by one.
func TestShippedDDLParses(t *testing.T) {
	migs, err := readMigrations(schema.ClickHouseMigrations)
	if err != nil {
		t.Fatal(err)
	}
	if len(migs) == 0 || len(migs[0].statements) < 10 {
		t.Fatalf("migrations %+v", migs)
	}
	for _, s := range migs[0].statements {
		if strings.Contains(s, ";") {
			t.Errorf("statement holds a ';': %.80s", s)
		}
	}
}

func countRows(tb testing.TB, a *Analytics, q string, args ...any) int64 {
	tb.Helper()
	var n int64
	if err := a.conn.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	a := mustOpen(t, nil)
	ctx := t.Context()
	for range 2 {
		if err := a.Migrate(ctx); err != nil {
			t.Fatalf("migrate again: %v", err)
		}
	}
	migs, err := readMigrations(schema.ClickHouseMigrations)
	if err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, a, `SELECT toInt64(count()) FROM schema_migrations`); n != int64(len(migs)) {
		t.Errorf("schema_migrations holds %d rows, want %d (one per migration)", n, len(migs))
	}
}

// A migration interrupted half-way (ClickHouse has no transactional DDL) is
// run again from the start and completes.
func TestMigrateResumesAfterInterruption(t *testing.T) {
	t.Parallel()
	a := openCfg(t, configFor(t, sharedDB(t)))
	ctx := t.Context()
	migs, err := readMigrations(schema.ClickHouseMigrations)
	if err != nil {
		t.Fatal(err)
	}
	half := migs[0].statements[:len(migs[0].statements)/2]
	if err := a.migrate(ctx, fstest.MapFS{"00001_analytics.sql": {Data: []byte(strings.Join(half, ";\n") + ";\n")}}); err != nil {
		t.Fatal(err)
	}
	if err := a.conn.Exec(ctx, `TRUNCATE TABLE schema_migrations`); err != nil {
		t.Fatal(err) // "crash" before the version was recorded
	}
	if err := a.Migrate(ctx); err != nil {
		t.Fatalf("resume: %v", err)
	}
	if err := a.VerifyRollups(ctx, "t1"); err != nil {
		t.Fatal(err)
	}
}

// A catalogue field without a column fails Migrate with what is missing.
func TestMigrateDetectsCatalogDrift(t *testing.T) {
	t.Parallel()
	var raw map[string]any
	if err := json.Unmarshal(schema.CatalogJSON(), &raw); err != nil {
		t.Fatal(err)
	}
	src := raw["sources"].([]any)[0].(map[string]any)
	src["fields"] = append(src["fields"].([]any), map[string]any{"name": "sla_level", "type": "string",
		"kind": "dimension", "label": map[string]any{"en": "SLA level"}, "aggs": []any{"count_distinct"}})
	b, _ := json.Marshal(raw)
	cat, err := domain.ParseCatalog(b)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Open(t.Context(), configFor(t, sharedDB(t)), cat)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	err = a.Migrate(t.Context())
	if err == nil || !strings.Contains(err.Error(), "an_tickets has no column sla_level") ||
		!strings.Contains(err.Error(), "an_ingest has no column sla_level") {
		t.Fatalf("Migrate = %v", err)
	}
	// A view dropped by hand is reported too.
	if err := a.conn.Exec(t.Context(), `DROP TABLE mv_dead_letters`); err != nil {
		t.Fatal(err)
	}
	if err := a.checkSchema(t.Context()); err == nil || !strings.Contains(err.Error(), "mv_dead_letters is missing") {
		t.Fatalf("checkSchema = %v", err)
	}
	// And a column of the wrong type.
	if err := a.conn.Exec(t.Context(), `ALTER TABLE an_events MODIFY COLUMN site_id String`); err != nil {
		t.Fatal(err)
	}
	if err := a.checkSchema(t.Context()); err == nil || !strings.Contains(err.Error(), "an_events.site_id is String") {
		t.Fatalf("checkSchema = %v", err)
	}
}

func TestMigrateReportsFailingStatement(t *testing.T) {
	t.Parallel()
	a := openCfg(t, configFor(t, sharedDB(t)))
	err := a.migrate(t.Context(), fstest.MapFS{"00001_bad.sql": {Data: []byte("CREATE TABLE x (a Nope) ENGINE = Memory;\n")}})
	if err == nil || !strings.Contains(err.Error(), "00001_bad.sql statement 1") {
		t.Fatalf("migrate = %v", err)
	}
	if _, err := readMigrations(fstest.MapFS{"x_y.sql": {Data: nil}}); err == nil {
		t.Fatal("bad name accepted")
	}
}

// sharedDB is a fresh database on the shared server.
func sharedDB(tb testing.TB) string {
	tb.Helper()
	return sharedServer(tb).NewDatabase(tb)
}

// Migration 00002 adds rollups to a database that already holds tickets:
// it fills them from the entity state. Simulated here on a database with
// data: one new rollup as if 00002 had never run (table and view gone), the
// others as if it was interrupted after their fill (the version not
// recorded), so the rerun must refill them, not add to them. Every rollup
// must then equal the raw aggregation, and stay equal as batches follow.
func TestNarrowRollupsBackfilled(t *testing.T) {
	t.Parallel()
	a := mustOpen(t, nil)
	ctx := t.Context()
	gen := newLifecycles(t, 3)
	batch := func() {
		t.Helper()
		recs := make([]*domain.Record, 400)
		for i := range recs {
			recs[i] = gen.next(t)
		}
		if _, err := a.Apply(ctx, app.IngestBatch{Records: recs, IngestedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	for range 5 {
		batch()
	}
	for _, stmt := range []string{`DROP TABLE mv_rollup_tickets_daily_status`, `DROP TABLE an_rollup_tickets_daily_status`, `TRUNCATE TABLE schema_migrations`} {
		if err := a.conn.Exec(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, a, `SELECT toInt64(sum(row_count)) FROM an_rollup_tickets_daily_status`); n < 500 {
		t.Fatalf("tickets_daily_status counts %d tickets after the migration", n)
	}
	if err := a.VerifyRollups(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	batch()
	if err := a.VerifyRollups(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
}
