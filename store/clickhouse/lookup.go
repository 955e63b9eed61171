package clickhouse

import (
	"context"
	"fmt"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/ext"

	"github.com/conductor/reports/domain"
)

// The lookups send the batch's keys as an external table (native protocol
// temporary data), not as an inline IN list: no query-size limit, nothing to
// escape, and `(a, b) IN (SELECT ...)` uses the sorting key on 18.16 and on
// current releases alike.

// storedEventsSQL finds the stored events among the batch_keys table's
// (tenant_id, event_id) pairs. The primary key skips every granule whose
// key range holds none of the batch's ids: with time-ordered ids (UUID
// version 7, as the envelope schema recommends) that is nearly all of them,
// while random ids fall in every granule and make the lookup read the whole
// key column, every batch (TestDuplicateLookupCostFollowsIDOrder: 5,000 new
// ids among 800,000 stored read 21,760 rows time-ordered, 800,000 random).
const storedEventsSQL = `SELECT tenant_id, event_id FROM an_ingest
	WHERE (tenant_id, event_id) IN (SELECT tenant_id, event_id FROM batch_keys) AND row_kind = 1`

// storedEvents returns which of the records' events an_ingest holds already.
func (a *Analytics) storedEvents(ctx context.Context, recs []*domain.Record) (map[eventKey]bool, error) {
	out := map[eventKey]bool{}
	if len(recs) == 0 {
		return out, nil
	}
	keys, err := ext.NewTable("batch_keys", ext.Column("tenant_id", "String"), ext.Column("event_id", "String"))
	if err != nil {
		return nil, fmt.Errorf("look up stored events: %w", err)
	}
	for _, r := range recs {
		if err := keys.Append(r.Event.TenantID, r.Event.ID); err != nil {
			return nil, fmt.Errorf("look up stored events: %w", err)
		}
	}
	rows, err := a.conn.Query(ch.Context(ctx, ch.WithExternalTable(keys)), storedEventsSQL)
	if err != nil {
		return nil, fmt.Errorf("look up stored events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k eventKey
		if err := rows.Scan(&k.tenant, &k.id); err != nil {
			return nil, fmt.Errorf("look up stored events: %w", err)
		}
		out[k] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("look up stored events: %w", err)
	}
	return out, nil
}

// storedStates returns the stored state of every entity the records touch,
// one query per source.
func (a *Analytics) storedStates(ctx context.Context, recs []*domain.Record) (map[entityKey]*state, error) {
	bySource := map[string]map[[2]string]bool{}
	for _, r := range recs {
		m := bySource[r.Source.Name]
		if m == nil {
			m = map[[2]string]bool{}
			bySource[r.Source.Name] = m
		}
		m[[2]string{r.Event.TenantID, r.Event.EntityID}] = true
	}
	out := map[entityKey]*state{}
	for _, sl := range a.layout.order {
		if keys := bySource[sl.src.Name]; len(keys) > 0 {
			if err := a.loadStates(ctx, sl, keys, out); err != nil {
				return nil, fmt.Errorf("look up %s state: %w", sl.src.Name, err)
			}
		}
	}
	return out, nil
}

// loadStates reads the current version of the keyed entities of one source:
// the highest of the versions stored, merged or not. Only a strictly newer
// version is ever written, so that is the row FINAL would keep; picking it
// here lets the server read the parts in parallel instead of merging them on
// one thread (the tickets' lookup took a ninth of the server's time per
// event with FINAL on 18.16, see docs/benchmarks.md).
func (a *Analytics) loadStates(ctx context.Context, sl *sourceLayout, keys map[[2]string]bool, out map[entityKey]*state) error {
	tbl, err := ext.NewTable("batch_keys", ext.Column("tenant_id", "String"), ext.Column("id", "String"))
	if err != nil {
		return err
	}
	for k := range keys {
		if err := tbl.Append(k[0], k[1]); err != nil {
			return err
		}
	}
	rows, err := a.conn.Query(ch.Context(ctx, ch.WithExternalTable(tbl)), sl.stateSQL())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var key entityKey
		s := &state{}
		vals := newScanners(sl.fields)
		dest := append([]any{&key.tenant, &key.id, &s.version, &s.eventID, &s.updatedAt}, vals.dest...)
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		key.source = sl.src.Name
		if have, ok := out[key]; ok && have.version >= s.version {
			continue
		}
		s.values = vals.values()
		out[key] = s
	}
	return rows.Err()
}

// stateSQL reads every stored version, merged or not, of the batch_keys
// table's (tenant_id, id) pairs; loadStates keeps the highest.
func (sl *sourceLayout) stateSQL() string {
	cols := []string{"tenant_id", "id", "version", "event_id", "updated_at"}
	for _, f := range sl.fields {
		cols = append(cols, f.Name)
	}
	return "SELECT " + joinIdents(cols) + " FROM " + sl.table() + " WHERE (tenant_id, id) IN (SELECT tenant_id, id FROM batch_keys)"
}

// scanners are typed scan targets for catalogue fields: a pointer to a
// pointer for nullable columns, so NULL is told apart from a zero value.
type scanners struct {
	fields []*domain.Field
	dest   []any
}

func newScanners(fields []*domain.Field) scanners {
	s := scanners{fields: fields, dest: make([]any, len(fields))}
	for i, f := range fields {
		switch f.Type {
		case domain.TypeInt, domain.TypeDecimal:
			s.dest[i] = scanTarget[int64](f.Required)
		case domain.TypeBool:
			s.dest[i] = scanTarget[uint8](f.Required)
		case domain.TypeTime:
			s.dest[i] = scanTarget[time.Time](f.Required)
		default:
			s.dest[i] = scanTarget[string](f.Required)
		}
	}
	return s
}

func scanTarget[T any](required bool) any {
	if required {
		return new(T)
	}
	return new(*T)
}

// values returns the scanned row in domain types, nulls absent.
func (s scanners) values() map[string]any {
	out := make(map[string]any, len(s.fields))
	for i, f := range s.fields {
		var v any
		switch d := s.dest[i].(type) {
		case *int64:
			v = *d
		case **int64:
			v = deref(*d)
		case *uint8:
			v = *d == 1
		case **uint8:
			if *d != nil {
				v = **d == 1
			}
		case *time.Time:
			v = d.UTC()
		case **time.Time:
			if *d != nil {
				v = (*d).UTC()
			}
		case *string:
			v = *d
		case **string:
			v = deref(*d)
		}
		if v != nil {
			out[f.Name] = v
		}
	}
	return out
}

// deref returns *p, or an untyped nil for a nil pointer.
func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
