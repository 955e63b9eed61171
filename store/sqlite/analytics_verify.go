package sqlite

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/conductor/reports/domain"
)

// VerifyRollups recomputes every rollup of tenantID from the raw tables
// and reports the first group that differs.
func (a *Analytics) VerifyRollups(ctx context.Context, tenantID string) error {
	for _, s := range a.cat.Sources {
		for i := range s.Rollups {
			if err := a.verifyRollup(ctx, &s, &s.Rollups[i], tenantID); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *Analytics) verifyRollup(ctx context.Context, s *domain.Source, r *domain.Rollup, tenantID string) error {
	table := "an_" + s.Name
	if s.Kind == domain.SourceStream {
		table = "an_events"
	}
	group := []string{bucketSQL(r.TimeField, r.Grain)}
	for _, d := range r.Dimensions {
		f, _ := s.Field(d)
		if f.Type == domain.TypeBool {
			group = append(group, "CASE "+d+" WHEN 1 THEN 'true' WHEN 0 THEN 'false' ELSE '' END")
		} else {
			group = append(group, "coalesce("+d+", '')")
		}
	}
	aggs := []string{"count(*)"}
	stored := append([]string{"bucket"}, r.Dimensions...)
	stored = append(stored, "row_count")
	for _, m := range r.Measures {
		aggs = append(aggs, "coalesce(sum("+m+"), 0)", "count("+m+")")
		stored = append(stored, m+"_sum", m+"_count")
	}
	raw := "SELECT " + strings.Join(group, ", ") + ", " + strings.Join(aggs, ", ") + " FROM " + table +
		" WHERE tenant_id = ? GROUP BY " + strings.Join(group, ", ")
	roll := "SELECT " + strings.Join(stored, ", ") + " FROM an_rollup_" + r.Name + " WHERE tenant_id = ?"
	want, err := a.groups(ctx, raw, tenantID, 1+len(r.Dimensions))
	if err != nil {
		return fmt.Errorf("raw aggregation of %s: %w", r.Name, err)
	}
	got, err := a.groups(ctx, roll, tenantID, 1+len(r.Dimensions))
	if err != nil {
		return fmt.Errorf("read rollup %s: %w", r.Name, err)
	}
	keys := slices.Sorted(maps.Keys(want))
	for _, k := range keys {
		if got[k] != want[k] {
			return fmt.Errorf("rollup %s group %q: stored %q, raw %q", r.Name, k, got[k], want[k])
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			return fmt.Errorf("rollup %s group %q: stored %q, absent from raw", r.Name, k, v)
		}
	}
	return nil
}

// bucketSQL truncates the millisecond time column col to the start of its
// UTC grain, flooring as domain.Bucket does (also before 1970).
func bucketSQL(col, grain string) string {
	switch grain {
	case "hour":
		return fmt.Sprintf("(%[1]s - ((%[1]s %% 3600000) + 3600000) %% 3600000)", col)
	case "month":
		sec := fmt.Sprintf("((%[1]s - ((%[1]s %% 1000) + 1000) %% 1000) / 1000)", col)
		return "(CAST(strftime('%s', " + sec + ", 'unixepoch', 'start of month') AS INTEGER) * 1000)"
	}
	return fmt.Sprintf("(%[1]s - ((%[1]s %% 86400000) + 86400000) %% 86400000)", col)
}

// groups runs q and maps each row's first keyCols columns to the rest,
// both rendered as text.
func (a *Analytics) groups(ctx context.Context, q, tenantID string, keyCols int) (map[string]string, error) {
	rows, err := a.reader.QueryContext(ctx, q, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	out := map[string]string{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			parts[i] = fmt.Sprint(v)
		}
		out[strings.Join(parts[:keyCols], "|")] = strings.Join(parts[keyCols:], "|")
	}
	return out, rows.Err()
}
