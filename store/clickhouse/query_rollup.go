package clickhouse

import (
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// The rollup route, as store/sqlite answers it. Rollup tables are
// SummingMergeTree fed with +1/-1 rows (see schema/clickhouse): until parts
// merge, one key may have several rows, and a key whose entities all left
// keeps rows summing to zero. So every read sums the stored rows (never
// reads row_count or a measure directly), and a group is kept only when its
// rows sum to a non-zero count (compileQuery's HAVING).

// column is the expression reading field f as a value of its type: on a
// rollup, "" (null) reads back as NULL and booleans as 0/1, as on the raw
// tables, and the rollup's time field is its bucket.
func (c *queryCompiler) column(f *domain.Field) string {
	if c.rollup == nil {
		return rawColumn(c.src, f)
	}
	col := f.Name
	switch {
	case f.Name == c.rollup.TimeField:
		return "bucket"
	case f.Type == domain.TypeBool:
		return "if(" + col + " = '', NULL, toUInt8(" + col + " = 'true'))"
	case f.Type == domain.TypeInt || f.Type == domain.TypeDecimal:
		// if evaluates both branches: toInt64OrZero does not throw on ''.
		return "if(" + col + " = '', NULL, toInt64OrZero(" + col + "))"
	case f.Type == domain.TypeTime:
		return "if(" + col + " = '', NULL, toDateTime(" + col + ", 'UTC'))"
	}
	return "nullIf(" + col + ", '')"
}

// filterColumn is the stored column a scope or filter compares: the
// rollup's dimension column keeps the field's name.
func (c *queryCompiler) filterColumn(f *domain.Field) string {
	if c.rollup == nil {
		return rawColumn(c.src, f)
	}
	return f.Name
}

// rollupMetric is a sum or avg of a rollup measure, from its _sum and
// _count columns (the planner routes nothing else here). A sum over no
// values is NULL, as on the raw tables.
func (c *queryCompiler) rollupMetric(m domain.Metric, f *domain.Field, name string, operands map[string]string) (string, app.QueryColumn, func(any) any, error) {
	col := app.QueryColumn{Name: m.As}
	scale := math.Pow10(f.Scale)
	if f.Type == domain.TypeDecimal {
		operands[m.As] = "(toFloat64(" + name + ") / " + strconv.FormatFloat(scale, 'f', -1, 64) + ")"
	}
	sum, count := "sum("+f.Name+"_sum)", "sum("+f.Name+"_count)"
	switch m.Agg {
	case "avg":
		col.Type = "float"
		return sum + " / nullIf(" + count + ", 0)", col, asFloat(scale), nil
	case "sum":
		expr := "if(" + count + " > 0, " + sum + ", NULL)"
		if f.Type == domain.TypeDecimal {
			col.Type = "float"
			return expr, col, asFloat(scale), nil
		}
		col.Type = "int"
		return expr, col, asInt, nil
	}
	return "", col, nil, domain.Invalid("metrics", "aggregation %q is not answered by rollups", m.Agg)
}

// rollupFilter translates a covered filter to the rollup's encoding: null
// dimensions are "", booleans 'true'/'false', so "not equal", "exists" and
// "contains" exclude "" explicitly to keep SQL's NULL semantics. A filter on
// the time field is a bucket-aligned bound (the planner checked): a bucket
// is inside the range exactly when its start is.
func (c *queryCompiler) rollupFilter(f *domain.Filter, fld *domain.Field) (string, error) {
	col := fld.Name
	switch f.Op {
	case "EXISTS":
		return col + " != ''", nil
	case "NOT_EXISTS":
		return col + " = ''", nil
	}
	raw, err := domain.ResolveValue(f.Value, c.req.Query.Params)
	if err != nil {
		return "", domain.Invalid("filters", "%v", err)
	}
	if len(raw) == 0 {
		return "", domain.Invalid("filters", "%s: %s needs a value", f.Field, f.Op)
	}
	vals := make([]any, len(raw))
	for i, v := range raw {
		cv, err := domain.CoerceValue(fld, v, c.req.Now, c.loc)
		if err != nil {
			return "", domain.Invalid("filters", "%s: %v", f.Field, err)
		}
		vals[i] = cv
	}
	if fld.Name == c.rollup.TimeField {
		if (f.Op != ">=" && f.Op != "<") || len(vals) != 1 {
			return "", domain.Invalid("filters", "%s: only a >= or < bound is answered by rollups", f.Field)
		}
		return c.timeFilter("bucket", f.Op, vals)
	}
	for _, v := range vals {
		c.bind(dimValue(v))
	}
	switch f.Op {
	case "==", "=":
		return col + " = ?", nil
	case "!=":
		return "(" + col + " != ? AND " + col + " != '')", nil
	case "IN":
		return col + " IN (" + placeholders(len(vals)) + ")", nil
	case "NOT_IN":
		return "(" + col + " NOT IN (" + placeholders(len(vals)) + ") AND " + col + " != '')", nil
	case "CONTAINS":
		// Every value contains "", a NULL none.
		return "(position(" + col + ", ?) > 0 AND " + col + " != '')", nil
	}
	return "", domain.Invalid("filters", "operator %q is not answered by rollups", f.Op)
}

// dimValue is a coerced value in the rollups' text form (dimExpr): ""
// for null, 'true'/'false' for booleans.
func dimValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

// zoneKey names a memoised zone fit: the zone and the year it was judged
// around.
type zoneKey struct {
	zone string
	year int
}

// zoneFits memoises domain.FitOf, which scans five years of offsets; the
// result depends only on its arguments, so sharing it is safe.
var zoneFits = struct {
	sync.RWMutex
	m map[zoneKey]domain.ZoneFit
}{m: map[zoneKey]domain.ZoneFit{}}

// zoneFit is domain.FitOf(loc, now), memoised; UTC, the common case, needs
// no lookup.
func zoneFit(loc *time.Location, now time.Time) domain.ZoneFit {
	if loc == time.UTC {
		return domain.ZoneFit{UTC: true, WholeHour: true}
	}
	k := zoneKey{loc.String(), now.Year()}
	zoneFits.RLock()
	f, ok := zoneFits.m[k]
	zoneFits.RUnlock()
	if ok {
		return f
	}
	f = domain.FitOf(loc, now)
	zoneFits.Lock()
	zoneFits.m[k] = f
	zoneFits.Unlock()
	return f
}
