package clickhouse

import (
	"math"
	"strconv"
	"strings"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// group is the expression and result conversion of one group. Time buckets
// start in the query's zone as internal/queryref defines them: an hour is
// the instant minus its local minutes and seconds (toStartOfHour with a
// zone, exact for every zone whose offset only changes by whole hours, so
// not Australia/Lord_Howe); coarser grains select the local date of the
// bucket's first day (toDate, toMonday, toStartOfMonth... return a Date on
// 18.16), which Go turns into the first instant of that local day. This is
// store/sqlite's BucketStart except on days whose midnight DST skipped.
func (c *queryCompiler) group(f *domain.Field, grain string) (string, func(any) any) {
	col := c.column(f)
	if f.Type != domain.TypeTime {
		return col, fieldValue(f)
	}
	tz := c.bind(c.loc.String())
	switch grain {
	case "hour":
		return "toStartOfHour(" + col + ", " + tz + ")", asUTC
	case "week":
		return "toMonday(" + col + ", " + tz + ")", localMidnight(c.loc)
	case "month":
		return "toStartOfMonth(" + col + ", " + tz + ")", localMidnight(c.loc)
	case "quarter":
		return "toStartOfQuarter(" + col + ", " + tz + ")", localMidnight(c.loc)
	case "year":
		return "toStartOfYear(" + col + ", " + tz + ")", localMidnight(c.loc)
	}
	return "toDate(" + col + ", " + tz + ")", localMidnight(c.loc)
}

// metric is one metric's expression. Every aggregate over a field is NULL
// when the field has no value in the group, as in SQLite (ClickHouse gives
// 0 or nan over no rows of a non-Nullable column). operands holds, per
// earlier metric alias, its value as a ratio operand.
func (c *queryCompiler) metric(m domain.Metric, name string, operands map[string]string) (string, app.QueryColumn, func(any) any, error) {
	col := app.QueryColumn{Name: m.As}
	operands[m.As] = "toFloat64(" + name + ")"
	switch m.Agg {
	case "count":
		col.Type = "int"
		if c.rollup != nil {
			return "toInt64(sum(row_count))", col, asInt, nil
		}
		return "toInt64(count())", col, asInt, nil
	case "ratio":
		col.Type = "float"
		num, okN := operands[m.Num]
		den, okD := operands[m.Den]
		if !okN || !okD {
			return "", col, nil, domain.Invalid("metrics", "ratio %s: unknown metric", m.As)
		}
		return num + " / nullIf(" + den + ", 0)", col, asFloat(1), nil
	}
	f, ok := c.src.Field(m.Field)
	if !ok {
		return "", col, nil, domain.Invalid("metrics", "unknown field %q", m.Field)
	}
	if c.rollup != nil {
		return c.rollupMetric(m, f, name, operands)
	}
	x := rawColumn(c.src, f)
	guard := func(agg string) string { return "if(count(" + x + ") = 0, NULL, " + agg + ")" }
	scale := math.Pow10(f.Scale)
	if f.Type == domain.TypeDecimal && m.Agg != "count_distinct" {
		// Ratios divide natural units, as in store/sqlite.
		operands[m.As] = "(toFloat64(" + name + ") / " + strconv.FormatFloat(scale, 'f', -1, 64) + ")"
	}
	switch m.Agg {
	case "count_distinct":
		col.Type = "int"
		return "toInt64(ifNull(uniqExact(" + x + "), 0))", col, asInt, nil
	case "avg":
		col.Type = "float"
		return guard("sum(" + x + ") / count(" + x + ")"), col, asFloat(scale), nil
	case "percentile":
		col.Type = "float"
		return guard(percentileExpr(x, c.bind(m.P))), col, asFloat(scale), nil
	case "sum", "min", "max":
	default:
		return "", col, nil, domain.Invalid("metrics", "unsupported aggregation %q", m.Agg)
	}
	if f.Type == domain.TypeTime {
		// SQLite stores times as Unix milliseconds, which a ratio divides.
		operands[m.As] = "(toFloat64(toUInt32(" + name + ")) * 1000)"
	}
	expr := guard(m.Agg + "(" + x + ")")
	switch f.Type {
	case domain.TypeDecimal:
		col.Type = "float"
		return expr, col, asFloat(scale), nil
	case domain.TypeInt:
		col.Type = "int"
		return expr, col, asInt, nil
	}
	col.Type = resultType(f.Type)
	return expr, col, fieldValue(f), nil
}

// percentileExpr is SQLite's percentile_cont (store/sqlite.Percentile):
// linear interpolation between the closest ranks of the sorted non-NULL
// values, with the same floating-point steps. 18.16's quantileExact picks a
// rank without interpolating, and quantileExactInclusive does not exist yet.
func percentileExpr(x, p string) string {
	const pos = "(_p * (length(_a) - 1))"
	const lo = "(toUInt64(floor" + pos + ") + 1)"
	const hi = "least(" + lo + " + 1, length(_a))"
	return "arrayMap((_a, _p) -> _a[" + lo + "] + (" + pos + " - floor" + pos + ") * (_a[" + hi + "] - _a[" + lo + "]), " +
		"[arraySort(groupArray(toFloat64(" + x + ")))], [" + p + "])[1]"
}

// filter compiles one condition or nested and/or list.
func (c *queryCompiler) filter(f *domain.Filter) (string, error) {
	if len(f.And) > 0 || len(f.Or) > 0 {
		list, joiner := f.And, " AND "
		if len(f.Or) > 0 {
			list, joiner = f.Or, " OR "
		}
		parts := make([]string, len(list))
		for i := range list {
			p, err := c.filter(&list[i])
			if err != nil {
				return "", err
			}
			parts[i] = p
		}
		return "(" + strings.Join(parts, joiner) + ")", nil
	}
	fld, ok := c.src.Field(f.Field)
	if !ok {
		return "", domain.Invalid("filters", "unknown field %q", f.Field)
	}
	if c.rollup != nil {
		return c.rollupFilter(f, fld)
	}
	col := rawColumn(c.src, fld)
	switch f.Op {
	case "EXISTS":
		return "isNotNull(" + col + ")", nil
	case "NOT_EXISTS":
		return "isNull(" + col + ")", nil
	}
	raw, err := domain.ResolveValue(f.Value, c.req.Query.Params)
	if err != nil {
		return "", domain.Invalid("filters", "%v", err)
	}
	vals := make([]any, len(raw))
	for i, v := range raw {
		cv, err := domain.CoerceValue(fld, v, c.req.Now, c.loc)
		if err != nil {
			return "", domain.Invalid("filters", "%s: %v", f.Field, err)
		}
		vals[i] = storedValue(cv)
	}
	if len(vals) == 0 {
		return "", domain.Invalid("filters", "%s: %s needs a value", f.Field, f.Op)
	}
	if fld.Type == domain.TypeTime {
		return c.timeFilter(col, f.Op, vals)
	}
	if f.Op == "BETWEEN" && len(vals) != 2 {
		return "", domain.Invalid("filters", "%s: BETWEEN takes [low, high]", f.Field)
	}
	for _, v := range vals {
		c.bind(v)
	}
	switch f.Op {
	case "==", "=":
		return col + " = ?", nil
	case "!=":
		return col + " != ?", nil
	case ">", ">=", "<", "<=":
		return col + " " + f.Op + " ?", nil
	case "IN":
		return col + " IN (" + placeholders(len(vals)) + ")", nil
	case "NOT_IN":
		// NULL NOT IN (...) is true on 18.16, NULL in SQLite.
		return "(isNotNull(" + col + ") AND " + col + " NOT IN (" + placeholders(len(vals)) + "))", nil
	case "BETWEEN":
		return "(" + col + " BETWEEN ? AND ?)", nil
	case "CONTAINS":
		// position is a case-sensitive byte search, like SQLite's instr
		// on text; both find the empty string in every non-NULL value.
		return "position(" + col + ", ?) > 0", nil
	}
	return "", domain.Invalid("filters", "unsupported operator %q", f.Op)
}

// storedValue converts a coerced filter value to its stored form: bools
// are UInt8; times stay time.Time for timeFilter.
func storedValue(v any) any {
	if b, ok := v.(bool); ok {
		if b {
			return uint8(1)
		}
		return uint8(0)
	}
	return v
}
