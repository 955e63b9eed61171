package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/schema"
)

// Analytics implements app.Analytics on a SQLite file (the embedded
// default; the same file as the metadata). The events stream, each entity
// source's current state and every rollup are plain tables (see
// schema/analytics/sqlite); one ingest batch is one IMMEDIATE transaction,
// so events, entity state, rollups and dead letters commit together and a
// replayed batch finds its event ids already stored.
type Analytics struct {
	writer *sql.DB
	reader *sql.DB
	ckpt   *checkpointer
	cat    *domain.Catalog
	tables map[string]*sourceTable // entity source name -> table layout
	rollup map[string]*rollupSQL   // rollup name -> its maintenance statements
}

var _ app.Analytics = (*Analytics)(nil)

// sourceTable is the column layout of one entity source's state table.
type sourceTable struct {
	src    *domain.Source
	fields []*domain.Field // data columns, catalogue order, without "id"
	// insertSQL inserts a new entity: tenant_id, id, version, event_id,
	// updated_at, then fields.
	insertSQL string
	// updates caches updateSQL's statements by the set of changed fields.
	updates sync.Map // string (changed field indexes) -> string
}

func (t *sourceTable) init() {
	cols := []string{"tenant_id", "id", "version", "event_id", "updated_at"}
	for _, f := range t.fields {
		cols = append(cols, f.Name)
	}
	t.insertSQL = "INSERT INTO an_" + t.src.Name + " (" + strings.Join(cols, ", ") + ") VALUES (?" +
		strings.Repeat(", ?", len(cols)-1) + ")"
}

// updateSQL returns the statement that moves a stored entity to a new
// version and sets the fields at indexes changed (in order); its arguments
// are version, event_id, updated_at, the changed values, tenant_id, id.
func (t *sourceTable) updateSQL(changed []int) string {
	key := make([]byte, 0, len(changed))
	for _, i := range changed {
		key = append(key, byte(i))
	}
	if q, ok := t.updates.Load(string(key)); ok {
		return q.(string)
	}
	var b strings.Builder
	b.WriteString("UPDATE an_" + t.src.Name + " SET version = ?, event_id = ?, updated_at = ?")
	for _, i := range changed {
		b.WriteString(", " + t.fields[i].Name + " = ?")
	}
	b.WriteString(" WHERE tenant_id = ? AND id = ?")
	q, _ := t.updates.LoadOrStore(string(key), b.String())
	return q.(string)
}

// OpenAnalytics opens the analytics tables in the SQLite file at path. It
// does not migrate: call Migrate.
func OpenAnalytics(ctx context.Context, path string, cat *domain.Catalog) (*Analytics, error) {
	// The ingest writer leaves checkpoints to the checkpointer (below)
	// and checkpoints itself only if the WAL grows far past that.
	writer, err := openPool(ctx, dsn(path, false, fmt.Sprintf("wal_autocheckpoint(%d)", writerAutoCheckpoint)), 1)
	if err != nil {
		return nil, fmt.Errorf("open sqlite analytics %s: %w", path, err)
	}
	reader, err := openPool(ctx, dsn(path, true), max(4, runtime.GOMAXPROCS(0)))
	if err != nil {
		_ = writer.Close()
		return nil, fmt.Errorf("open sqlite analytics %s: %w", path, err)
	}
	ckpt, err := newCheckpointer(ctx, path)
	if err != nil {
		_ = writer.Close()
		_ = reader.Close()
		return nil, fmt.Errorf("open sqlite analytics %s: %w", path, err)
	}
	a := &Analytics{writer: writer, reader: reader, ckpt: ckpt, cat: cat, tables: map[string]*sourceTable{}, rollup: map[string]*rollupSQL{}}
	for _, s := range cat.Sources {
		for i := range s.Rollups {
			a.rollup[s.Rollups[i].Name] = newRollupSQL(&s.Rollups[i])
		}
	}
	for _, s := range cat.EntitySources() {
		t := &sourceTable{src: s}
		for i := range s.Fields {
			if s.Fields[i].Name != "id" {
				t.fields = append(t.fields, &s.Fields[i])
			}
		}
		if len(t.fields) > 255 {
			_ = a.Close()
			return nil, fmt.Errorf("source %s: %d fields, at most 255 supported", s.Name, len(t.fields))
		}
		t.init()
		a.tables[s.Name] = t
	}
	return a, nil
}

// Catalog returns the catalogue the store was opened with.
func (a *Analytics) Catalog() *domain.Catalog { return a.cat }

// Migrate applies the analytics migrations, versioned in their own goose
// table so they evolve apart from the metadata migrations in the same file.
func (a *Analytics) Migrate(ctx context.Context) error {
	p, err := goose.NewProvider(goose.DialectSQLite3, a.writer, schema.AnalyticsSQLiteMigrations,
		goose.WithTableName("goose_analytics_version"))
	if err != nil {
		return fmt.Errorf("sqlite analytics migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate sqlite analytics: %w", err)
	}
	return nil
}

// Ping checks both pools.
func (a *Analytics) Ping(ctx context.Context) error {
	if err := a.writer.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite analytics: %w", err)
	}
	return a.reader.PingContext(ctx)
}

// Close closes both pools.
func (a *Analytics) Close() error {
	return errors.Join(a.ckpt.close(), a.reader.Close(), a.writer.Close())
}

// ms is the stored form of a time: Unix milliseconds, UTC.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS reads a stored time.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// SourceTotals reads exact totals from the raw tables.
func (a *Analytics) SourceTotals(ctx context.Context, tenantID, source string) (app.SourceTotals, error) {
	tot := app.SourceTotals{Sums: map[string]int64{}, Counts: map[string]int64{}}
	if source == "events" {
		err := a.reader.QueryRowContext(ctx, `SELECT count(*) FROM an_events WHERE tenant_id = ?`, tenantID).Scan(&tot.Rows)
		if err != nil {
			return tot, fmt.Errorf("event totals: %w", err)
		}
		return tot, nil
	}
	t, ok := a.tables[source]
	if !ok {
		return tot, domain.Invalid("source", "unknown source %q", source)
	}
	cols := []string{"count(*)"}
	var measures []string
	for _, f := range t.fields {
		if f.Kind == domain.KindMeasure {
			measures = append(measures, f.Name)
			cols = append(cols, "coalesce(sum("+f.Name+"), 0)", "count("+f.Name+")")
		}
	}
	dest := make([]any, 1+2*len(measures))
	dest[0] = &tot.Rows
	vals := make([]int64, 2*len(measures))
	for i := range vals {
		dest[i+1] = &vals[i]
	}
	q := "SELECT " + strings.Join(cols, ", ") + " FROM an_" + source + " WHERE tenant_id = ?"
	if err := a.reader.QueryRowContext(ctx, q, tenantID).Scan(dest...); err != nil {
		return tot, fmt.Errorf("%s totals: %w", source, err)
	}
	for i, m := range measures {
		tot.Sums[m], tot.Counts[m] = vals[2*i], vals[2*i+1]
	}
	return tot, nil
}

// ListDeadLetters pages a tenant's dead letters, newest first.
func (a *Analytics) ListDeadLetters(ctx context.Context, tenantKeys []string, cursor string, limit int) ([]domain.DeadLetter, error) {
	out := []domain.DeadLetter{}
	if len(tenantKeys) == 0 {
		return out, nil
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	args := make([]any, 0, len(tenantKeys)+2)
	for _, k := range tenantKeys {
		args = append(args, k)
	}
	q := `SELECT id, tenant_key, event_id, source, reason, field, payload, received_at FROM an_dead_letters
		WHERE tenant_key IN (?` + strings.Repeat(",?", len(tenantKeys)-1) + `)`
	if cursor != "" {
		q += ` AND id < ?`
		args = append(args, cursor)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := a.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list dead letters: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d domain.DeadLetter
		var at int64
		if err := rows.Scan(&d.ID, &d.TenantID, &d.EventID, &d.Source, &d.Reason, &d.Field, &d.Payload, &at); err != nil {
			return nil, fmt.Errorf("scan dead letter: %w", err)
		}
		d.ReceivedAt = fromMS(at)
		out = append(out, d)
	}
	return out, rows.Err()
}
