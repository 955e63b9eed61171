package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/conductor/reports/domain"
)

// rollupSQL holds the statements that maintain one rollup table, built once
// from the catalogue: every batch runs them many times.
type rollupSQL struct {
	// add upserts a delta whose count is not negative: the row cannot
	// reach zero (a stored row counts at least one entity).
	add string
	// retract upserts a negative delta and returns the count left.
	retract string
	// prune deletes the row of a key whose count fell to zero.
	prune string
}

func newRollupSQL(r *domain.Rollup) *rollupSQL {
	table := "an_rollup_" + r.Name
	keyCols := append([]string{"tenant_id", "bucket"}, r.Dimensions...)
	cols := append(slices.Clone(keyCols), "row_count")
	sets := []string{"row_count = row_count + excluded.row_count"}
	for _, m := range r.Measures {
		cols = append(cols, m+"_sum", m+"_count")
		sets = append(sets, m+"_sum = "+m+"_sum + excluded."+m+"_sum", m+"_count = "+m+"_count + excluded."+m+"_count")
	}
	upsert := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (?" + strings.Repeat(", ?", len(cols)-1) +
		") ON CONFLICT (" + strings.Join(keyCols, ", ") + ") DO UPDATE SET " + strings.Join(sets, ", ")
	return &rollupSQL{add: upsert, retract: upsert + " RETURNING row_count",
		prune: "DELETE FROM " + table + " WHERE " + strings.Join(keyCols, " = ? AND ") + " = ?"}
}

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
	order []*rollupDelta
	key   []byte   // scratch for the map key
	dims  []string // scratch for a row's dimension values
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

// add counts (sign +1) or retracts (sign -1) a row with values in r. It
// runs for every rollup of every changed entity, twice when a version
// replaces another: the key is built in scratch space and copied only for
// a row the batch has not touched yet.
func (d *rollupDeltas) add(r *domain.Rollup, tenant string, values map[string]any, sign int64) {
	t, _ := values[r.TimeField].(time.Time)
	bucket := ms(domain.Bucket(t, r.Grain))
	d.dims = d.dims[:0]
	k := append(d.key[:0], r.Name...)
	k = append(append(k, 0), tenant...)
	k = strconv.AppendInt(append(k, 0), bucket, 10)
	for _, name := range r.Dimensions {
		v := dimValue(values[name])
		d.dims = append(d.dims, v)
		k = append(append(k, 0), v...)
	}
	d.key = k
	delta, ok := d.byKey[string(k)]
	if !ok {
		delta = &rollupDelta{rollup: r, tenant: tenant, bucket: bucket, dims: slices.Clone(d.dims),
			sums: make([]int64, len(r.Measures)), counts: make([]int64, len(r.Measures))}
		d.byKey[string(k)] = delta
		d.order = append(d.order, delta)
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
func (d *rollupDeltas) flush(ctx context.Context, stmts map[string]*rollupSQL, prep func(context.Context, string) (*sql.Stmt, error)) error {
	var args []any
	for _, delta := range d.order {
		if delta.count == 0 && allZero(delta.sums) && allZero(delta.counts) {
			continue
		}
		r := delta.rollup
		s := stmts[r.Name]
		args = append(args[:0], delta.tenant, delta.bucket)
		for _, v := range delta.dims {
			args = append(args, v)
		}
		args = append(args, delta.count)
		for i := range r.Measures {
			args = append(args, delta.sums[i], delta.counts[i])
		}
		if delta.count >= 0 {
			upsert, err := prep(ctx, s.add)
			if err != nil {
				return err
			}
			if _, err := upsert.ExecContext(ctx, args...); err != nil {
				return fmt.Errorf("upsert an_rollup_%s: %w", r.Name, err)
			}
			continue
		}
		if err := retract(ctx, s, r, args, 2+len(r.Dimensions), prep); err != nil {
			return err
		}
	}
	return nil
}

// retract applies a negative delta (args) and prunes the row when no
// entity is left in it; the first keyCols args are the row's key.
func retract(ctx context.Context, s *rollupSQL, r *domain.Rollup, args []any, keyCols int, prep func(context.Context, string) (*sql.Stmt, error)) error {
	upsert, err := prep(ctx, s.retract)
	if err != nil {
		return err
	}
	var left int64
	if err := upsert.QueryRowContext(ctx, args...).Scan(&left); err != nil {
		return fmt.Errorf("upsert an_rollup_%s: %w", r.Name, err)
	}
	if left != 0 {
		return nil
	}
	prune, err := prep(ctx, s.prune)
	if err != nil {
		return err
	}
	if _, err := prune.ExecContext(ctx, args[:keyCols]...); err != nil {
		return fmt.Errorf("prune an_rollup_%s: %w", r.Name, err)
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
