package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/conductor/reports/domain"
)

// rollupDelta is the change one batch makes to one rollup row.
type rollupDelta struct {
	rollup *domain.Rollup
	tenant string
	bucket int64
	dims   []string
	count  int64
	sums   []int64
	counts []int64
}

// rollupDeltas accumulates a batch's rollup changes in memory, so each
// rollup row is written once per batch however many events touch it.
type rollupDeltas struct {
	byKey map[string]*rollupDelta
	order []string
}

func newRollupDeltas() *rollupDeltas { return &rollupDeltas{byKey: map[string]*rollupDelta{}} }

// dimValue renders a dimension for a rollup key: null is "".
func dimValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	return fmt.Sprint(v)
}

// add counts (sign +1) or retracts (sign -1) a row with values in r.
func (d *rollupDeltas) add(r *domain.Rollup, tenant string, values map[string]any, sign int64) {
	t, _ := values[r.TimeField].(time.Time)
	bucket := ms(domain.Bucket(t, r.Grain))
	dims := make([]string, len(r.Dimensions))
	for i, name := range r.Dimensions {
		dims[i] = dimValue(values[name])
	}
	key := r.Name + "\x00" + tenant + "\x00" + fmt.Sprint(bucket) + "\x00" + strings.Join(dims, "\x00")
	delta, ok := d.byKey[key]
	if !ok {
		delta = &rollupDelta{rollup: r, tenant: tenant, bucket: bucket, dims: dims,
			sums: make([]int64, len(r.Measures)), counts: make([]int64, len(r.Measures))}
		d.byKey[key] = delta
		d.order = append(d.order, key)
	}
	delta.count += sign
	for i, m := range r.Measures {
		if v, ok := values[m].(int64); ok {
			delta.sums[i] += sign * v
			delta.counts[i] += sign
		}
	}
}

// flush upserts every non-zero delta and deletes rows whose count falls
// to zero, so a rollup holds exactly the groups the raw data has.
func (d *rollupDeltas) flush(ctx context.Context, prep func(context.Context, string) (*sql.Stmt, error)) error {
	for _, key := range d.order {
		delta := d.byKey[key]
		if delta.count == 0 && allZero(delta.sums) && allZero(delta.counts) {
			continue
		}
		r := delta.rollup
		table := "an_rollup_" + r.Name
		keyCols := append([]string{"tenant_id", "bucket"}, r.Dimensions...)
		cols := append(append([]string{}, keyCols...), "row_count")
		args := []any{delta.tenant, delta.bucket}
		for _, v := range delta.dims {
			args = append(args, v)
		}
		args = append(args, delta.count)
		sets := []string{"row_count = row_count + excluded.row_count"}
		for i, m := range r.Measures {
			cols = append(cols, m+"_sum", m+"_count")
			args = append(args, delta.sums[i], delta.counts[i])
			sets = append(sets, m+"_sum = "+m+"_sum + excluded."+m+"_sum", m+"_count = "+m+"_count + excluded."+m+"_count")
		}
		q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (?" + strings.Repeat(", ?", len(cols)-1) +
			") ON CONFLICT (" + strings.Join(keyCols, ", ") + ") DO UPDATE SET " + strings.Join(sets, ", ") + " RETURNING row_count"
		upsert, err := prep(ctx, q)
		if err != nil {
			return err
		}
		var left int64
		if err := upsert.QueryRowContext(ctx, args...).Scan(&left); err != nil {
			return fmt.Errorf("upsert %s: %w", table, err)
		}
		if left == 0 {
			prune, err := prep(ctx, "DELETE FROM "+table+" WHERE "+strings.Join(keyCols, " = ? AND ")+" = ?")
			if err != nil {
				return err
			}
			if _, err := prune.ExecContext(ctx, args[:len(keyCols)]...); err != nil {
				return fmt.Errorf("prune %s: %w", table, err)
			}
		}
	}
	return nil
}

func allZero(xs []int64) bool {
	for _, x := range xs {
		if x != 0 {
			return false
		}
	}
	return true
}
