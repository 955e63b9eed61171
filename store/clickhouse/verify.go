package clickhouse

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// VerifyRollups recomputes every rollup of tenantID from the raw tables and
// compares it with the rollup table, exactly; then checks that the fan-out
// of an_ingest reached the events stream and the entity tables (the one
// failure the single-insert design cannot exclude, see doc.go). The error
// describes the first difference found.
func (a *Analytics) VerifyRollups(ctx context.Context, tenantID string) error {
	for _, r := range a.layout.rollups() {
		raw, err := a.groups(ctx, r, r.rawQuery(), tenantID)
		if err != nil {
			return fmt.Errorf("verify rollup %s: raw: %w", r.rollup.Name, err)
		}
		rolled, err := a.groups(ctx, r, r.rollupQuery(), tenantID)
		if err != nil {
			return fmt.Errorf("verify rollup %s: %w", r.rollup.Name, err)
		}
		if err := r.compare(raw, rolled); err != nil {
			return fmt.Errorf("rollup %s of tenant %s: %w", r.rollup.Name, tenantID, err)
		}
	}
	return a.verifyFanOut(ctx, tenantID)
}

// group is one rollup row: its key (bucket and dimensions) and its sums.
type group struct {
	bucket time.Time
	dims   []string
	vals   []int64 // row_count, then <m>_sum and <m>_count per measure
}

func (g group) key() string {
	return fmt.Sprint(g.bucket.Unix()) + "\x1f" + strings.Join(g.dims, "\x1f")
}

// rawQuery aggregates the raw table the way the materialized view does.
func (r *rollupLayout) rawQuery() string {
	sel := []string{r.bucketExpr() + " AS g_bucket"}
	group := []string{"g_bucket"}
	for i, d := range r.dims {
		alias := fmt.Sprintf("g_%d", i)
		sel = append(sel, dimExpr(r.src, d)+" AS "+alias)
		group = append(group, alias)
	}
	sel = append(sel, "toInt64(count())")
	for _, m := range r.rollup.Measures {
		sel = append(sel, "toInt64(sum(ifNull("+m+", 0)))", "toInt64(count("+m+"))")
	}
	from := r.rawTable()
	if r.rawTable() != "an_events" {
		from += " FINAL"
	}
	return "SELECT " + strings.Join(sel, ", ") + " FROM " + from + " WHERE tenant_id = ? GROUP BY " + strings.Join(group, ", ")
}

// rollupQuery sums the rollup table's rows not merged yet.
func (r *rollupLayout) rollupQuery() string {
	sel := []string{"bucket"}
	group := []string{"bucket"}
	for _, d := range r.rollup.Dimensions {
		sel = append(sel, d)
		group = append(group, d)
	}
	sel = append(sel, "toInt64(sum(row_count))")
	for _, m := range r.rollup.Measures {
		sel = append(sel, "toInt64(sum("+m+"_sum))", "toInt64(sum("+m+"_count))")
	}
	return "SELECT " + strings.Join(sel, ", ") + " FROM " + r.table() + " WHERE tenant_id = ? GROUP BY " + strings.Join(group, ", ")
}

// groups runs a rollup-shaped query, dropping groups that net to zero (a
// retracted group lingers as zeros until its parts merge).
func (a *Analytics) groups(ctx context.Context, r *rollupLayout, q, tenantID string) (map[string]group, error) {
	rows, err := a.conn.Query(ctx, q, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]group{}
	nvals := 1 + 2*len(r.rollup.Measures)
	for rows.Next() {
		g := group{dims: make([]string, len(r.dims)), vals: make([]int64, nvals)}
		dest := []any{&g.bucket}
		for i := range g.dims {
			dest = append(dest, &g.dims[i])
		}
		for i := range g.vals {
			dest = append(dest, &g.vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		if slices.ContainsFunc(g.vals, func(v int64) bool { return v != 0 }) {
			out[g.key()] = g
		}
	}
	return out, rows.Err()
}

// compare reports the first (in key order) group that differs.
func (r *rollupLayout) compare(raw, rolled map[string]group) error {
	keys := make([]string, 0, len(raw)+len(rolled))
	for k := range raw {
		keys = append(keys, k)
	}
	for k := range rolled {
		if _, ok := raw[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		want, inRaw := raw[k]
		got, inRollup := rolled[k]
		switch {
		case !inRollup:
			return fmt.Errorf("group %s missing from the rollup (raw tables: %s)", r.describe(want), r.values(want))
		case !inRaw:
			return fmt.Errorf("group %s not in the raw tables (rollup: %s)", r.describe(got), r.values(got))
		case !slices.Equal(want.vals, got.vals):
			return fmt.Errorf("group %s: rollup has %s, raw tables have %s", r.describe(got), r.values(got), r.values(want))
		}
	}
	return nil
}

func (r *rollupLayout) describe(g group) string {
	parts := []string{"bucket=" + g.bucket.UTC().Format(time.RFC3339)}
	for i, d := range r.rollup.Dimensions {
		parts = append(parts, fmt.Sprintf("%s=%q", d, g.dims[i]))
	}
	return "{" + strings.Join(parts, " ") + "}"
}

func (r *rollupLayout) values(g group) string {
	parts := []string{fmt.Sprintf("row_count=%d", g.vals[0])}
	for i, m := range r.rollup.Measures {
		parts = append(parts, fmt.Sprintf("%s_sum=%d %s_count=%d", m, g.vals[1+2*i], m, g.vals[2+2*i]))
	}
	return strings.Join(parts, " ")
}

// fanOutCheck counts one thing twice: in an_ingest and in its derived table.
type fanOutCheck struct{ what, logged, derived string }

func (l *layout) fanOutChecks() []fanOutCheck {
	checks := []fanOutCheck{{
		"events",
		`SELECT toInt64(count()) FROM an_ingest WHERE tenant_id = ? AND row_kind = 1`,
		`SELECT toInt64(count()) FROM an_events WHERE tenant_id = ?`,
	}}
	for _, sl := range l.order {
		checks = append(checks, fanOutCheck{
			sl.src.Name + " entities",
			`SELECT toInt64(uniqExact(entity_id)) FROM an_ingest WHERE tenant_id = ? AND row_kind = 2 AND sign = 1 AND source = '` + sl.src.Name + `'`,
			"SELECT toInt64(count()) FROM " + sl.table() + " FINAL WHERE tenant_id = ?",
		})
	}
	return checks
}

// verifyFanOut compares an_ingest, the log every table derives from, with
// the events stream and the entity tables.
func (a *Analytics) verifyFanOut(ctx context.Context, tenantID string) error {
	for _, c := range a.layout.fanOutChecks() {
		var logged, derived int64
		if err := a.conn.QueryRow(ctx, c.logged, tenantID).Scan(&logged); err != nil {
			return fmt.Errorf("verify %s: %w", c.what, err)
		}
		if err := a.conn.QueryRow(ctx, c.derived, tenantID).Scan(&derived); err != nil {
			return fmt.Errorf("verify %s: %w", c.what, err)
		}
		if logged != derived {
			return fmt.Errorf("tenant %s: an_ingest logs %d %s, the derived table holds %d (a materialized view failed mid-insert; see doc.go)",
				tenantID, logged, c.what, derived)
		}
	}
	return nil
}
