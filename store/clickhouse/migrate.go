package clickhouse

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/conductor/reports/schema"
)

// migration is one versioned DDL file.
type migration struct {
	version    uint32
	name       string
	statements []string
}

// Migrate applies the DDL of schema/clickhouse that the database has not
// seen, then checks that the tables match the catalogue. Its own runner, not
// goose: goose's ClickHouse dialect hangs on 18.16 while creating its version
// table. There are no transactions: every statement is idempotent (IF NOT
// EXISTS) and a version is recorded only after all of its statements ran, so
// an interrupted migration is simply run again; concurrent runs are harmless
// for the same reason.
func (a *Analytics) Migrate(ctx context.Context) error {
	if err := a.migrate(ctx, schema.ClickHouseMigrations); err != nil {
		return fmt.Errorf("migrate clickhouse analytics: %w", err)
	}
	if err := a.checkSchema(ctx); err != nil {
		return fmt.Errorf("migrate clickhouse analytics: %w", err)
	}
	return nil
}

func (a *Analytics) migrate(ctx context.Context, fsys fs.FS) error {
	migs, err := readMigrations(fsys)
	if err != nil {
		return err
	}
	err = a.conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version UInt32, name String, applied_at DateTime('UTC')
	) ENGINE = MergeTree ORDER BY version`)
	if err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	applied, err := a.appliedVersions(ctx)
	if err != nil {
		return err
	}
	for _, m := range migs {
		if applied[m.version] {
			continue
		}
		for i, stmt := range m.statements {
			if err := a.conn.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("%s statement %d: %w", m.name, i+1, err)
			}
		}
		if err := a.recordVersion(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func (a *Analytics) appliedVersions(ctx context.Context) (map[uint32]bool, error) {
	rows, err := a.conn.Query(ctx, `SELECT DISTINCT version FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	out := map[uint32]bool{}
	for rows.Next() {
		var v uint32
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("read schema_migrations: %w", err)
		}
		out[v] = true
	}
	return out, rows.Err()
}

// recordVersion inserts through the batch API: 18.16 hangs on an INSERT
// ... VALUES sent with Exec.
func (a *Analytics) recordVersion(ctx context.Context, m migration) error {
	b, err := a.conn.PrepareBatch(ctx, `INSERT INTO schema_migrations (version, name, applied_at)`)
	if err != nil {
		return fmt.Errorf("record %s: %w", m.name, err)
	}
	defer func() { _ = b.Abort() }()
	if err := b.Append(m.version, m.name, clampTime(a.now())); err != nil {
		return fmt.Errorf("record %s: %w", m.name, err)
	}
	if err := b.Send(); err != nil {
		return fmt.Errorf("record %s: %w", m.name, err)
	}
	return nil
}

// readMigrations parses NNNNN_name.sql files in version order.
func readMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	var out []migration
	seen := map[uint32]string{}
	for _, name := range names {
		digits, _, ok := strings.Cut(path.Base(name), "_")
		v, err := strconv.ParseUint(digits, 10, 32)
		if !ok || err != nil || v == 0 {
			return nil, fmt.Errorf("migration %s: name must be NNNNN_name.sql", name)
		}
		if other, dup := seen[uint32(v)]; dup {
			return nil, fmt.Errorf("migrations %s and %s share version %d", other, name, v)
		}
		seen[uint32(v)] = name
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		stmts := splitStatements(string(b))
		if len(stmts) == 0 {
			return nil, fmt.Errorf("migration %s has no statements", name)
		}
		out = append(out, migration{version: uint32(v), name: name, statements: stmts})
	}
	slices.SortFunc(out, func(x, y migration) int { return int(x.version) - int(y.version) })
	return out, nil
}

// splitStatements cuts a file into statements: a statement ends with a line
// ending in ";"; whole-line "--" comments are dropped. No attempt to parse
// strings: DDL files keep ";" at line ends for statement ends only.
func splitStatements(src string) []string {
	var out []string
	var cur []string
	flush := func() {
		if s := strings.TrimSpace(strings.Join(cur, "\n")); s != "" {
			out = append(out, strings.TrimSuffix(s, ";"))
		}
		cur = cur[:0]
	}
	sc := bufio.NewScanner(strings.NewReader(src))
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur = append(cur, line)
		if strings.HasSuffix(trimmed, ";") {
			flush()
		}
	}
	flush()
	return out
}

// checkSchema compares the database with the catalogue, so a field added to
// catalog.json without a migration fails at start, not at the first batch
// that carries it.
func (a *Analytics) checkSchema(ctx context.Context) error {
	rows, err := a.conn.Query(ctx, `SELECT table, name, type FROM system.columns WHERE database = currentDatabase()`)
	if err != nil {
		return fmt.Errorf("read system.columns: %w", err)
	}
	defer rows.Close()
	have := map[[2]string]string{}
	for rows.Next() {
		var table, name, typ string
		if err := rows.Scan(&table, &name, &typ); err != nil {
			return fmt.Errorf("read system.columns: %w", err)
		}
		have[[2]string{table, name}] = typ
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read system.columns: %w", err)
	}
	views, err := a.tableNames(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range a.layout.expectedColumns() {
		if got, ok := have[[2]string{c.table, c.name}]; !ok {
			errs = append(errs, fmt.Errorf("%s has no column %s %s", c.table, c.name, c.typ))
		} else if got != c.typ {
			errs = append(errs, fmt.Errorf("%s.%s is %s, the catalogue wants %s", c.table, c.name, got, c.typ))
		}
	}
	for _, v := range a.layout.expectedViews() {
		if !views[v] {
			errs = append(errs, fmt.Errorf("materialized view %s is missing", v))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("schema does not match the catalogue (write a migration): %w", errors.Join(errs...))
	}
	return nil
}

func (a *Analytics) tableNames(ctx context.Context) (map[string]bool, error) {
	rows, err := a.conn.Query(ctx, `SELECT name FROM system.tables WHERE database = currentDatabase()`)
	if err != nil {
		return nil, fmt.Errorf("read system.tables: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("read system.tables: %w", err)
		}
		out[name] = true
	}
	return out, rows.Err()
}

// expectedColumn is one column the catalogue needs.
type expectedColumn struct{ table, name, typ string }

// expectedColumns lists, from the catalogue, every column the adapter reads
// or writes, with its type.
func (l *layout) expectedColumns() []expectedColumn {
	var out []expectedColumn
	for _, c := range l.data {
		out = append(out, expectedColumn{"an_ingest", c.name, nullable(chType(c.typ), false)})
	}
	for _, sl := range l.order {
		out = append(out, expectedColumn{sl.table(), "id", "String"}, expectedColumn{sl.table(), "version", "Int64"})
		for _, f := range sl.fields {
			out = append(out, expectedColumn{sl.table(), f.Name, nullable(chType(f.Type), f.Required)})
		}
	}
	if l.stream != nil {
		for i := range l.stream.Fields {
			if f := &l.stream.Fields[i]; fromData(f) {
				out = append(out, expectedColumn{"an_events", f.Name, nullable(chType(f.Type), false)})
			}
		}
	}
	for _, r := range l.rollups() {
		t := r.table()
		out = append(out, expectedColumn{t, "bucket", chType("time")}, expectedColumn{t, "row_count", "Int64"})
		for _, d := range r.rollup.Dimensions {
			out = append(out, expectedColumn{t, d, "String"})
		}
		for _, m := range r.rollup.Measures {
			out = append(out, expectedColumn{t, m + "_sum", "Int64"}, expectedColumn{t, m + "_count", "Int64"})
		}
	}
	return out
}

// expectedViews lists the materialized views that feed the tables.
func (l *layout) expectedViews() []string {
	out := []string{"mv_events", "mv_dead_letters"}
	for _, sl := range l.order {
		out = append(out, "mv_"+sl.src.Name)
	}
	for _, r := range l.rollups() {
		out = append(out, "mv_rollup_"+r.rollup.Name)
	}
	return out
}
