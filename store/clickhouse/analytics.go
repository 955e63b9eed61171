package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// Analytics implements app.Analytics on ClickHouse (the cluster mode): one
// batch is one insert into an_ingest, fanned out by materialized views to
// the events stream, entity state and rollups (see doc.go and
// schema/clickhouse).
type Analytics struct {
	conn   driver.Conn
	cfg    Config
	layout *layout
	locks  tenantLocks
	fence  *fence
	ahead  ahead
	now    func() time.Time
	// hook, when set by tests, runs at each step of Apply ("insert" before
	// the insert, "inserted" after it): returning an error there simulates
	// a crash or a lost acknowledgement at that point.
	hook func(step string) error
}

var _ app.Analytics = (*Analytics)(nil)

// Open connects to the database (lazily: the first query dials) and derives
// the table layout from the catalogue. It does not migrate: call Migrate.
func Open(ctx context.Context, cfg Config, catalog *domain.Catalog) (*Analytics, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("open clickhouse analytics: %w", err)
	}
	cfg = cfg.withDefaults()
	l, err := newLayout(catalog)
	if err != nil {
		return nil, fmt.Errorf("open clickhouse analytics: %w", err)
	}
	conn, err := ch.Open(&ch.Options{
		Addr:         cfg.Addr,
		Auth:         ch.Auth{Database: cfg.Database, Username: cfg.Username, Password: cfg.Password},
		Protocol:     ch.Native,
		DialTimeout:  cfg.DialTimeout,
		ReadTimeout:  cfg.ReadTimeout,
		MaxOpenConns: cfg.MaxOpenConns,
		MaxIdleConns: cfg.MaxOpenConns,
		Compression:  &ch.Compression{Method: ch.CompressionLZ4},
		ClientInfo:   ch.ClientInfo{Products: []struct{ Name, Version string }{{Name: "conductor-reports", Version: "1"}}},
	})
	if err != nil {
		return nil, fmt.Errorf("open clickhouse analytics %v: %w", cfg.Addr, err)
	}
	return &Analytics{conn: conn, cfg: cfg, layout: l, fence: newFence(cfg.Database, 2*cfg.ReadTimeout), now: time.Now}, nil
}

// Ping checks that the server answers, within ReadTimeout at most.
func (a *Analytics) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.ReadTimeout)
	defer cancel()
	if err := a.conn.Ping(ctx); err != nil {
		return fmt.Errorf("ping clickhouse: %w", err)
	}
	return nil
}

// Close closes the connection pool.
func (a *Analytics) Close() error {
	if err := a.conn.Close(); err != nil {
		return fmt.Errorf("close clickhouse: %w", err)
	}
	return nil
}

// Apply writes a batch as one insert into an_ingest, after looking up which
// of its events are stored already and the stored state of every entity it
// touches. It returns only once the insert is acknowledged; on error nothing
// may be assumed written, and retrying the same batch is safe (see doc.go).
func (a *Analytics) Apply(ctx context.Context, batch app.IngestBatch) (res app.ApplyResult, err error) {
	if len(batch.Records) == 0 && len(batch.DeadLetters) == 0 {
		return app.ApplyResult{Notices: []app.ChangeNotice{}}, nil
	}
	tenants := make([]string, 0, len(batch.Records))
	for _, r := range batch.Records {
		tenants = append(tenants, r.Event.TenantID)
	}
	defer a.locks.lock(tenants)()
	defer func() {
		if err != nil {
			a.applyFailed()
		}
	}()
	if err := a.fence.wait(ctx, a.runningQueries); err != nil {
		return app.ApplyResult{}, fmt.Errorf("apply batch: %w", err)
	}
	stored, prev, ok := a.fromPrefetch(batch)
	if !ok {
		if stored, prev, err = a.lookups(ctx, batch.Records); err != nil {
			return app.ApplyResult{}, fmt.Errorf("apply batch: %w", err)
		}
	}
	p, err := planBatch(a.layout, batch.Records, stored, prev)
	if err != nil {
		return app.ApplyResult{}, fmt.Errorf("apply batch: %w", err)
	}
	p.rows = append(p.rows, deadLetterRows(batch.DeadLetters)...)
	ingestedAt := batch.IngestedAt
	if ingestedAt.IsZero() {
		ingestedAt = a.now()
	}
	if err := a.step("insert"); err != nil {
		return app.ApplyResult{}, fmt.Errorf("apply batch: %w", err)
	}
	if err := a.insert(ctx, p.rows, ingestedAt); err != nil {
		return app.ApplyResult{}, fmt.Errorf("apply batch: %w", err)
	}
	if err := a.step("inserted"); err != nil {
		return app.ApplyResult{}, fmt.Errorf("apply batch: %w", err)
	}
	a.landedBatch(p.rows)
	return p.result, nil
}

// lookups runs the two reads a batch needs side by side: which events are
// stored already, and the stored state of every entity the batch touches
// (duplicates' entities too, so neither read waits for the other; an extra
// state read is harmless).
func (a *Analytics) lookups(ctx context.Context, recs []*domain.Record) (map[eventKey]bool, map[entityKey]*state, error) {
	var prev map[entityKey]*state
	var prevErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		prev, prevErr = a.storedStates(ctx, recs)
	}()
	stored, err := a.storedEvents(ctx, recs)
	<-done
	if err := errors.Join(err, prevErr); err != nil {
		return nil, nil, err
	}
	return stored, prev, nil
}

// step runs the test hook, if any.
func (a *Analytics) step(name string) error {
	if a.hook == nil {
		return nil
	}
	return a.hook(name)
}

// ingestSettings are the insert's query settings. parallel_view_processing
// pushes the block to the materialized views (an_ingest fans out to 14) on
// several server threads instead of one after the other: the insert is the
// longest step of a batch and the ingest actor waits for it. The setting
// exists on 18.16 and on current releases.
var ingestSettings = ch.Settings{"parallel_view_processing": 1}

// insert sends rows as one block, the unit ClickHouse writes atomically.
func (a *Analytics) insert(ctx context.Context, rows []row, ingestedAt time.Time) (err error) {
	if len(rows) == 0 {
		return nil
	}
	queryID := a.fence.newQueryID()
	defer func() {
		if err != nil {
			a.fence.failed(queryID)
		}
	}()
	cols := a.layout.ingestColumns()
	b, err := a.conn.PrepareBatch(ch.Context(ctx, ch.WithQueryID(queryID), ch.WithSettings(ingestSettings)),
		"INSERT INTO an_ingest ("+joinIdents(cols)+")")
	if err != nil {
		return fmt.Errorf("insert into an_ingest: %w", err)
	}
	defer func() { _ = b.Abort() }()
	for i, col := range newColumns(a.layout, rows, ingestedAt).slices() {
		if err := b.Column(i).Append(col); err != nil {
			return fmt.Errorf("insert into an_ingest: column %s: %w", cols[i], err)
		}
	}
	if err := b.Send(); err != nil {
		return fmt.Errorf("insert into an_ingest: %w", err)
	}
	return nil
}

// runningSQL lists running queries by query id pattern.
const runningSQL = "SELECT query_id FROM system.processes WHERE query_id LIKE ?"

// runningQueries lists the running queries whose id starts with prefix.
func (a *Analytics) runningQueries(ctx context.Context, prefix string) ([]string, error) {
	rows, err := a.conn.Query(ctx, runningSQL, prefix+"%")
	if err != nil {
		return nil, fmt.Errorf("system.processes: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("system.processes: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// joinIdents joins column names that come from the catalogue (validated
// identifiers) or from this package, never from input.
func joinIdents(cols []string) string { return strings.Join(cols, ", ") }
