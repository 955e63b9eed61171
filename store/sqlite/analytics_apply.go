package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// eventScopeColumns are the scope dimensions copied from an event's data
// into its events-stream row.
var eventScopeColumns = []string{"customer_id", "site_id", "team_id", "contract_id", "cost_center_id"}

const insertEventSQL = `INSERT INTO an_events (tenant_id, event_id, source, type, occurred_at, entity_id, version,
	customer_id, site_id, team_id, contract_id, cost_center_id, ingested_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`

// entityState is one entity's stored state during a batch.
type entityState struct {
	table   *sourceTable
	tenant  string
	id      string
	exists  bool // a row is stored (UPDATE rather than INSERT)
	dirty   bool
	version int64
	eventID string
	values  map[string]any
	// stored holds the bound values of the table's data columns as the
	// batch found them (nil for an entity not stored before it): the write
	// sets only the columns that changed, so an update leaves alone the
	// secondary indexes over columns it does not change.
	stored []any
}

// applyRun is the bookkeeping of one Apply.
type applyRun struct {
	a        *Analytics
	tx       *sql.Tx
	now      time.Time
	res      app.ApplyResult
	entities map[string]*entityState
	deltas   *rollupDeltas
	notices  map[[2]string]*app.ChangeNotice
	stmts    map[string]*sql.Stmt
	args     []any          // an event insert's arguments, reused
	scratch  map[string]any // an event's rollup values, reused
}

// prep returns a statement prepared once per batch: the same few shapes
// run hundreds of times in one transaction.
func (r *applyRun) prep(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := r.stmts[q]; ok {
		return st, nil
	}
	st, err := r.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	r.stmts[q] = st
	return st, nil
}

func (r *applyRun) closeStmts() {
	for _, st := range r.stmts {
		_ = st.Close()
	}
}

// Apply writes one batch in one IMMEDIATE transaction.
func (a *Analytics) Apply(ctx context.Context, batch app.IngestBatch) (app.ApplyResult, error) {
	now := batch.IngestedAt
	if now.IsZero() {
		now = time.Now()
	}
	tx, err := a.writer.BeginTx(ctx, nil)
	if err != nil {
		return app.ApplyResult{}, fmt.Errorf("begin ingest: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	run := &applyRun{a: a, tx: tx, now: now, entities: map[string]*entityState{}, deltas: newRollupDeltas(),
		notices: map[[2]string]*app.ChangeNotice{}, stmts: map[string]*sql.Stmt{}, scratch: map[string]any{}}
	defer run.closeStmts()
	// The statements run without ctx's cancellation: for a cancellable
	// context the driver starts a goroutine per statement to interrupt it,
	// a twenty-fifth of the batch's time. ctx is checked between the
	// phases instead, and a cancelled batch is rolled back, not committed.
	sctx := context.WithoutCancel(ctx)
	for _, phase := range []func() error{
		func() error { return run.preload(sctx, batch.Records) },
		func() error { return run.records(sctx, batch.Records) },
		func() error { return run.flushEntities(sctx) },
		func() error { return run.deltas.flush(sctx, a.rollup, run.prep) },
		func() error { return insertDeadLetters(sctx, tx, batch.DeadLetters) },
	} {
		if err := ctx.Err(); err != nil {
			return app.ApplyResult{}, fmt.Errorf("ingest batch: %w", err)
		}
		if err := phase(); err != nil {
			return app.ApplyResult{}, err
		}
	}
	if err := ctx.Err(); err != nil {
		return app.ApplyResult{}, fmt.Errorf("ingest batch: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return app.ApplyResult{}, fmt.Errorf("commit ingest: %w", err)
	}
	a.ckpt.poke()
	for _, n := range run.notices {
		run.res.Notices = append(run.res.Notices, *n)
	}
	return run.res, nil
}

func (r *applyRun) records(ctx context.Context, recs []*domain.Record) error {
	ins, err := r.prep(ctx, insertEventSQL)
	if err != nil {
		return err
	}
	for _, rec := range recs {
		ev := rec.Event
		args := append(r.args[:0], ev.TenantID, ev.ID, rec.Source.Name, ev.Type, ms(ev.OccurredAt), ev.EntityID, ev.Version)
		for _, c := range eventScopeColumns {
			args = append(args, bindValue(rec.Values[c]))
		}
		args = append(args, ms(r.now))
		r.args = args
		res, err := ins.ExecContext(ctx, args...)
		if err != nil {
			return fmt.Errorf("insert event %s: %w", ev.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			r.res.Duplicates++
			continue
		}
		r.res.Inserted++
		r.eventRollup(rec)
		r.notice(ev.TenantID, "events", ev.OccurredAt)
		if err := r.entity(ctx, rec); err != nil {
			return err
		}
	}
	return nil
}

// eventRollup counts a new event in the events stream's rollups.
func (r *applyRun) eventRollup(rec *domain.Record) {
	src, _ := r.a.cat.Source("events")
	vals := r.scratch // add copies what it keeps
	clear(vals)
	vals["source"], vals["type"], vals["occurred_at"] = rec.Source.Name, rec.Event.Type, rec.Event.OccurredAt
	for _, c := range eventScopeColumns {
		if v, ok := rec.Values[c]; ok {
			vals[c] = v
		}
	}
	for i := range src.Rollups {
		r.deltas.add(&src.Rollups[i], rec.Event.TenantID, vals, 1)
	}
}

// entity moves the entity of rec to rec's version when it is newer,
// retracting the previous version from the rollups.
func (r *applyRun) entity(ctx context.Context, rec *domain.Record) error {
	st, err := r.load(ctx, rec)
	if err != nil {
		return err
	}
	if st.exists && !domain.Supersedes(rec.Event.Version, st.version) {
		r.res.Stale++
		return nil
	}
	src := rec.Source
	if st.exists {
		for i := range src.Rollups {
			r.deltas.add(&src.Rollups[i], st.tenant, st.values, -1)
		}
		r.notice(st.tenant, src.Name, st.values[src.TimeField].(time.Time))
	}
	st.exists, st.dirty, st.version, st.eventID, st.values = true, true, rec.Event.Version, rec.Event.ID, rec.Values
	for i := range src.Rollups {
		r.deltas.add(&src.Rollups[i], st.tenant, st.values, 1)
	}
	r.notice(st.tenant, src.Name, st.values[src.TimeField].(time.Time))
	return nil
}

// load returns the batch's view of rec's entity (filled by preload).
func (r *applyRun) load(_ context.Context, rec *domain.Record) (*entityState, error) {
	key := entityKey(rec.Event.TenantID, rec.Source.Name, rec.Event.EntityID)
	if st, ok := r.entities[key]; ok {
		return st, nil
	}
	st := &entityState{table: r.a.tables[rec.Source.Name], tenant: rec.Event.TenantID, id: rec.Event.EntityID}
	r.entities[key] = st
	return st, nil
}

func entityKey(tenant, source, id string) string { return tenant + "\x00" + source + "\x00" + id }

// preload reads, with one query per source and tenant (chunked), the
// stored state of every entity the batch touches.
func (r *applyRun) preload(ctx context.Context, recs []*domain.Record) error {
	type group struct {
		t   *sourceTable
		ids []string
	}
	groups := map[[2]string]*group{}
	seen := map[string]bool{}
	for _, rec := range recs {
		key := entityKey(rec.Event.TenantID, rec.Source.Name, rec.Event.EntityID)
		if seen[key] {
			continue
		}
		seen[key] = true
		g := groups[[2]string{rec.Event.TenantID, rec.Source.Name}]
		if g == nil {
			g = &group{t: r.a.tables[rec.Source.Name]}
			groups[[2]string{rec.Event.TenantID, rec.Source.Name}] = g
		}
		g.ids = append(g.ids, rec.Event.EntityID)
	}
	for k, g := range groups {
		for start := 0; start < len(g.ids); start += 400 {
			if err := r.loadChunk(ctx, g.t, k[0], g.ids[start:min(start+400, len(g.ids))]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *applyRun) loadChunk(ctx context.Context, t *sourceTable, tenant string, ids []string) error {
	cols := make([]string, len(t.fields))
	for i, f := range t.fields {
		cols[i] = f.Name
	}
	q := "SELECT id, version, event_id, " + strings.Join(cols, ", ") + " FROM an_" + t.src.Name +
		" WHERE tenant_id = ? AND id IN (?" + strings.Repeat(", ?", len(ids)-1) + ")"
	args := make([]any, 0, len(ids)+1)
	args = append(args, tenant)
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := r.tx.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("load %s: %w", t.src.Name, err)
	}
	defer rows.Close()
	for rows.Next() {
		st := &entityState{table: t, tenant: tenant, exists: true}
		raw := make([]any, len(t.fields))
		dest := make([]any, 3+len(t.fields))
		dest[0], dest[1], dest[2] = &st.id, &st.version, &st.eventID
		for i := range raw {
			dest[i+3] = &raw[i]
		}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("scan %s: %w", t.src.Name, err)
		}
		st.values = map[string]any{"id": st.id}
		st.stored = make([]any, len(t.fields))
		for i, f := range t.fields {
			if v := scanValue(f, raw[i]); v != nil {
				st.values[f.Name] = v
				st.stored[i] = bindValue(v)
			}
		}
		r.entities[entityKey(tenant, t.src.Name, st.id)] = st
	}
	return rows.Err()
}

// flushEntities writes each changed entity once, in its final version: an
// INSERT for an entity the batch found absent, otherwise an UPDATE of the
// version and of the data columns whose value changed.
func (r *applyRun) flushEntities(ctx context.Context) error {
	var args []any
	for _, st := range r.entities {
		if !st.dirty {
			continue
		}
		t := st.table
		var q string
		if st.stored == nil {
			q = t.insertSQL
			args = append(args[:0], st.tenant, st.id, st.version, st.eventID, ms(r.now))
			for _, f := range t.fields {
				args = append(args, bindValue(st.values[f.Name]))
			}
		} else {
			args = append(args[:0], st.version, st.eventID, ms(r.now))
			var changed []int
			for i, f := range t.fields {
				if v := bindValue(st.values[f.Name]); v != st.stored[i] {
					changed = append(changed, i)
					args = append(args, v)
				}
			}
			q = t.updateSQL(changed)
			args = append(args, st.tenant, st.id)
		}
		stmt, err := r.prep(ctx, q)
		if err != nil {
			return err
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("write %s %s: %w", t.src.Name, st.id, err)
		}
	}
	return nil
}

// notice widens the change notice of (tenant, source) to include at.
func (r *applyRun) notice(tenant, source string, at time.Time) {
	k := [2]string{tenant, source}
	n, ok := r.notices[k]
	if !ok {
		r.notices[k] = &app.ChangeNotice{TenantID: tenant, Source: source, From: at, To: at}
		return
	}
	if at.Before(n.From) {
		n.From = at
	}
	if at.After(n.To) {
		n.To = at
	}
}

func insertDeadLetters(ctx context.Context, tx *sql.Tx, dls []domain.DeadLetter) error {
	for _, d := range dls {
		_, err := tx.ExecContext(ctx, `INSERT INTO an_dead_letters (id, tenant_key, event_id, source, reason, field, payload, received_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			d.ID, d.TenantID, d.EventID, d.Source, d.Reason, d.Field, d.Payload, ms(d.ReceivedAt))
		if err != nil {
			return fmt.Errorf("insert dead letter: %w", err)
		}
	}
	return nil
}

// bindValue converts a typed record value to its stored form.
func bindValue(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case time.Time:
		return ms(x)
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	}
	return v
}

// scanValue converts a stored value back to the record's typed form.
func scanValue(f *domain.Field, raw any) any {
	if raw == nil {
		return nil
	}
	switch f.Type {
	case domain.TypeString:
		switch x := raw.(type) {
		case string:
			return x
		case []byte:
			return string(x)
		}
	case domain.TypeTime:
		if n, ok := raw.(int64); ok {
			return fromMS(n)
		}
	case domain.TypeBool:
		if n, ok := raw.(int64); ok {
			return n != 0
		}
	default:
		if n, ok := raw.(int64); ok {
			return n
		}
	}
	return raw
}
