package clickhouse

import (
	"context"
	"fmt"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// SourceTotals reads exact totals from the raw tables: entity state with
// FINAL (only the latest version of each entity counts, merged or not), or
// the events stream.
func (a *Analytics) SourceTotals(ctx context.Context, tenantID, source string) (app.SourceTotals, error) {
	tot := app.SourceTotals{Sums: map[string]int64{}, Counts: map[string]int64{}}
	if source == a.layout.streamName() {
		err := a.conn.QueryRow(ctx, eventTotalsSQL, tenantID).Scan(&tot.Rows)
		if err != nil {
			return tot, fmt.Errorf("event totals: %w", err)
		}
		return tot, nil
	}
	sl, ok := a.layout.sources[source]
	if !ok {
		return tot, domain.Invalid("source", "unknown source %q", source)
	}
	vals := make([]int64, 1+2*len(sl.measures))
	dest := make([]any, len(vals))
	for i := range vals {
		dest[i] = &vals[i]
	}
	if err := a.conn.QueryRow(ctx, sl.totalsSQL(), tenantID).Scan(dest...); err != nil {
		return tot, fmt.Errorf("%s totals: %w", source, err)
	}
	tot.Rows = vals[0]
	for i, m := range sl.measures {
		tot.Sums[m.Name], tot.Counts[m.Name] = vals[1+2*i], vals[2+2*i]
	}
	return tot, nil
}

// eventTotalsSQL counts a tenant's events.
const eventTotalsSQL = `SELECT toInt64(count()) FROM an_events WHERE tenant_id = ?`

// totalsSQL reads an entity source's row count and, per measure, its sum
// and non-null count.
func (sl *sourceLayout) totalsSQL() string {
	cols := "toInt64(count())"
	for _, m := range sl.measures {
		cols += ", toInt64(sum(ifNull(" + m.Name + ", 0))), toInt64(count(" + m.Name + "))"
	}
	return "SELECT " + cols + " FROM " + sl.table() + " FINAL WHERE tenant_id = ?"
}

// deadLettersSQL pages dead letters; args: tenant keys (a GroupSet), the
// cursor when withCursor, the limit.
func deadLettersSQL(withCursor bool) string {
	q := `SELECT id, tenant_key, event_id, source, reason, field, payload, received_at
	      FROM an_dead_letters FINAL WHERE tenant_key IN ?`
	if withCursor {
		q += ` AND id < ?`
	}
	return q + ` ORDER BY id DESC LIMIT ?`
}

// Page size bounds of ListDeadLetters.
const (
	defaultDeadLetterPage = 100
	maxDeadLetterPage     = 500
)

// ListDeadLetters pages a tenant's dead letters, newest first (ids are
// UUIDv7, so they sort by time), after cursor.
func (a *Analytics) ListDeadLetters(ctx context.Context, tenantKeys []string, cursor string, limit int) ([]domain.DeadLetter, error) {
	out := []domain.DeadLetter{}
	if len(tenantKeys) == 0 {
		return out, nil
	}
	if limit <= 0 || limit > maxDeadLetterPage {
		limit = defaultDeadLetterPage
	}
	keys := make([]any, len(tenantKeys))
	for i, k := range tenantKeys {
		keys[i] = k
	}
	args := []any{ch.GroupSet{Value: keys}}
	if cursor != "" {
		args = append(args, cursor)
	}
	args = append(args, limit)
	rows, err := a.conn.Query(ctx, deadLettersSQL(cursor != ""), args...)
	if err != nil {
		return nil, fmt.Errorf("list dead letters: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d domain.DeadLetter
		var payload string
		if err := rows.Scan(&d.ID, &d.TenantID, &d.EventID, &d.Source, &d.Reason, &d.Field, &payload, &d.ReceivedAt); err != nil {
			return nil, fmt.Errorf("list dead letters: %w", err)
		}
		d.Payload = []byte(payload)
		d.ReceivedAt = d.ReceivedAt.UTC()
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list dead letters: %w", err)
	}
	return out, nil
}
