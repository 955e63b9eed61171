package sqlite

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

var _ app.QueryEngine = (*Analytics)(nil)

// compiled is a query in SQLite's dialect: identifiers come only from the
// catalogue and validated aliases; every value is a bound argument.
type compiled struct {
	sql  string
	args []any
	cols []app.QueryColumn
	// conv turns each scanned value into the result contract.
	conv  []func(any) any
	route string // "raw" or "rollup:<name>"
}

// compiler builds one statement.
type compiler struct {
	req    app.QueryRequest
	src    *domain.Source
	rollup *domain.Rollup // nil: the raw tables
	args   []any
}

func (c *compiler) bind(v any) string {
	c.args = append(c.args, v)
	return "?"
}

// stored converts a coerced filter value to its stored form.
func stored(v any) any {
	switch x := v.(type) {
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

// Query runs one effective query, on a rollup that answers it exactly
// (domain.PlanRollup) unless req.RawOnly, else on the raw tables. Totals,
// subtotals and comparisons are further queries the use case runs.
func (a *Analytics) Query(ctx context.Context, req app.QueryRequest) (*app.QueryResult, error) {
	cq, err := a.compile(req, req.Query.Groups, true)
	if err != nil {
		return nil, err
	}
	rows, err := a.run(ctx, cq)
	if err != nil {
		return nil, err
	}
	res := &app.QueryResult{Columns: cq.cols, Rows: rows, Route: cq.route, SQL: cq.sql, Args: cq.args}
	return res, nil
}

func (a *Analytics) run(ctx context.Context, cq *compiled) ([][]any, error) {
	rs, err := a.reader.QueryContext(ctx, cq.sql, cq.args...)
	if err != nil {
		return nil, fmt.Errorf("run query: %w", err)
	}
	defer rs.Close()
	out := [][]any{}
	for rs.Next() {
		vals := make([]any, len(cq.conv))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("scan query row: %w", err)
		}
		for i, f := range cq.conv {
			vals[i] = f(vals[i])
		}
		out = append(out, vals)
	}
	return out, rs.Err()
}

// compile builds the statement for groups (nil: one totals row); ordered
// adds ORDER BY, LIMIT and OFFSET.
func (a *Analytics) compile(req app.QueryRequest, groups []domain.Group, ordered bool) (*compiled, error) {
	q := req.Query
	src, ok := a.cat.Source(q.Source)
	if !ok {
		return nil, domain.Invalid("source", "unknown source %q", q.Source)
	}
	c := &compiler{req: req, src: src}
	cq := &compiled{route: "raw"}
	if !req.RawOnly {
		c.rollup = domain.PlanRollup(q, src, req.Scope, zoneFit(req.Location, req.Now), req.Now, req.Location)
	}
	if c.rollup != nil {
		cq.route = "rollup:" + c.rollup.Name
	}
	var sel, groupBy []string
	for i, g := range groups {
		f, _ := src.Field(g.Field)
		expr := c.column(f)
		typ := string(f.Type)
		if f.Type == domain.TypeTime {
			expr = fmt.Sprintf("tz_bucket(%s, %s, %s)", expr, c.bind(g.Granularity), c.bind(req.Location.String()))
		}
		sel = append(sel, fmt.Sprintf(`%s AS "%s"`, expr, g.Alias()))
		groupBy = append(groupBy, fmt.Sprint(i+1))
		cq.cols = append(cq.cols, app.QueryColumn{Name: g.Alias(), Type: resultType(typ)})
		cq.conv = append(cq.conv, fieldConv(f))
	}
	metricSQL := map[string]string{}
	for _, m := range q.Metrics {
		expr, col, conv := c.metric(m, metricSQL)
		// Ratios divide natural units: decimal metrics are stored in units
		// of 10^-scale, so their expressions are scaled back here.
		metricSQL[m.As] = expr
		if sc := c.metricScale(m, metricSQL); sc != 1 {
			metricSQL[m.As] = fmt.Sprintf("(CAST((%s) AS REAL) / %s)", expr, strconv.FormatFloat(sc, 'f', -1, 64))
		}
		sel = append(sel, fmt.Sprintf(`%s AS "%s"`, expr, m.As))
		cq.cols = append(cq.cols, col)
		cq.conv = append(cq.conv, conv)
	}
	table := "an_" + src.Name
	if src.Kind == domain.SourceStream {
		table = "an_events"
	}
	if c.rollup != nil {
		table = "an_rollup_" + c.rollup.Name
	}
	where := []string{"tenant_id = " + c.bind(req.TenantID)}
	where = append(where, c.scope()...)
	for i := range q.Filters {
		w, err := c.filter(&q.Filters[i])
		if err != nil {
			return nil, err
		}
		where = append(where, w)
	}
	sqlText := "SELECT " + strings.Join(sel, ", ") + " FROM " + table + " WHERE " + strings.Join(where, " AND ")
	if len(groupBy) > 0 {
		sqlText += " GROUP BY " + strings.Join(groupBy, ", ")
	}
	if ordered {
		sqlText += c.orderLimit(q, groups)
	}
	cq.sql, cq.args = sqlText, c.args
	return cq, nil
}

// scope adds the principal's data scope: a restricted dimension the source
// carries keeps only allowed values; one it does not carry keeps nothing
// (fail closed).
func (c *compiler) scope() []string {
	var out []string
	for _, cond := range c.req.Scope.Conditions(c.src) {
		if cond.Field == nil {
			out = append(out, "0 = 1")
			continue
		}
		ph := make([]string, len(cond.Values))
		for i, v := range cond.Values {
			ph[i] = c.bind(v)
		}
		out = append(out, cond.Field.Name+" IN ("+strings.Join(ph, ", ")+")")
	}
	return out
}

func (c *compiler) metric(m domain.Metric, prior map[string]string) (string, app.QueryColumn, func(any) any) {
	col := app.QueryColumn{Name: m.As}
	if m.Agg == "count" {
		col.Type = "int"
		if c.rollup != nil {
			return "COALESCE(SUM(row_count), 0)", col, asInt
		}
		return "COUNT(*)", col, asInt
	}
	if m.Agg == "ratio" {
		col.Type = "float"
		return fmt.Sprintf("CAST((%s) AS REAL) / NULLIF((%s), 0)", prior[m.Num], prior[m.Den]), col, asFloat(1)
	}
	f, _ := c.src.Field(m.Field)
	scale := math.Pow10(f.Scale)
	if c.rollup != nil {
		// The planner routes only count, sum, avg and ratios here.
		if m.Agg == "avg" {
			col.Type = "float"
			return fmt.Sprintf("CAST(SUM(%[1]s_sum) AS REAL) / NULLIF(SUM(%[1]s_count), 0)", f.Name), col, asFloat(scale)
		}
		col.Type = "int"
		conv := asInt
		if f.Type == domain.TypeDecimal {
			col.Type, conv = "float", asFloat(scale)
		}
		return fmt.Sprintf("CASE WHEN SUM(%[1]s_count) > 0 THEN SUM(%[1]s_sum) END", f.Name), col, conv
	}
	switch m.Agg {
	case "count_distinct":
		col.Type = "int"
		return "COUNT(DISTINCT " + f.Name + ")", col, asInt
	case "avg":
		col.Type = "float"
		return "AVG(" + f.Name + ")", col, asFloat(scale)
	case "percentile":
		col.Type = "float"
		// p is a validated number in (0, 1), written as a literal: metric
		// expressions are repeated inside ratios, where a placeholder would
		// lose its argument.
		return fmt.Sprintf("percentile_cont(%s, %s)", f.Name, strconv.FormatFloat(m.P, 'g', -1, 64)), col, asFloat(scale)
	}
	// sum, min, max keep the field's type.
	fn := strings.ToUpper(m.Agg)
	switch f.Type {
	case domain.TypeDecimal:
		col.Type = "float"
		return fn + "(" + f.Name + ")", col, asFloat(scale)
	case domain.TypeInt:
		col.Type = "int"
		return fn + "(" + f.Name + ")", col, asInt
	}
	col.Type = resultType(string(f.Type))
	return fn + "(" + f.Name + ")", col, fieldConv(f)
}

// metricScale is the factor between a metric's SQL value and its natural
// units: 10^scale for sums, averages, extremes and percentiles of decimal
// fields, 1 otherwise.
func (c *compiler) metricScale(m domain.Metric, _ map[string]string) float64 {
	switch m.Agg {
	case "count", "count_distinct", "ratio":
		return 1
	}
	f, _ := c.src.Field(m.Field)
	if f.Type == domain.TypeDecimal {
		return math.Pow10(f.Scale)
	}
	return 1
}

func (c *compiler) filter(f *domain.Filter) (string, error) {
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
	fld, _ := c.src.Field(f.Field)
	col := fld.Name
	if c.rollup != nil {
		return c.rollupFilter(f, fld)
	}
	switch f.Op {
	case "EXISTS":
		return col + " IS NOT NULL", nil
	case "NOT_EXISTS":
		return col + " IS NULL", nil
	}
	raw, err := domain.ResolveValue(f.Value, c.req.Query.Params)
	if err != nil {
		return "", domain.Invalid("filters", "%v", err)
	}
	vals := make([]string, len(raw))
	for i, v := range raw {
		cv, err := domain.CoerceValue(fld, v, c.req.Now, c.req.Location)
		if err != nil {
			return "", domain.Invalid("filters", "%s: %v", f.Field, err)
		}
		vals[i] = c.bind(stored(cv))
	}
	switch f.Op {
	case "==", "=":
		return col + " = " + vals[0], nil
	case "!=":
		return col + " <> " + vals[0], nil
	case ">", ">=", "<", "<=":
		return col + " " + f.Op + " " + vals[0], nil
	case "IN":
		return col + " IN (" + strings.Join(vals, ", ") + ")", nil
	case "NOT_IN":
		return col + " NOT IN (" + strings.Join(vals, ", ") + ")", nil
	case "BETWEEN":
		return col + " BETWEEN " + vals[0] + " AND " + vals[1], nil
	case "CONTAINS":
		return "instr(" + col + ", " + vals[0] + ") > 0", nil
	}
	return "", domain.Invalid("filters", "unsupported operator %q", f.Op)
}

// orderLimit sorts by the requested aliases, then by every group so the
// order is total, and pages.
func (c *compiler) orderLimit(q *domain.Query, groups []domain.Group) string {
	var keys []string
	seen := map[string]bool{}
	for _, o := range q.Order {
		dir := "ASC"
		if o.Dir == "desc" {
			dir = "DESC"
		}
		keys = append(keys, fmt.Sprintf(`"%s" %s`, o.By, dir))
		seen[o.By] = true
	}
	for _, g := range groups {
		if !seen[g.Alias()] {
			keys = append(keys, fmt.Sprintf(`"%s" ASC`, g.Alias()))
		}
	}
	out := ""
	if len(keys) > 0 {
		out = " ORDER BY " + strings.Join(keys, ", ")
	}
	if q.Limit > 0 || q.Offset > 0 {
		limit := q.Limit
		if limit == 0 {
			limit = -1
		}
		out += " LIMIT " + c.bind(int64(limit)) + " OFFSET " + c.bind(int64(q.Offset))
	}
	return out
}

var zoneFits sync.Map // zone name + year -> domain.ZoneFit

// zoneFit memoises domain.FitOf, which scans five years of offsets.
func zoneFit(loc *time.Location, now time.Time) domain.ZoneFit {
	key := fmt.Sprintf("%s/%d", loc, now.Year())
	if f, ok := zoneFits.Load(key); ok {
		return f.(domain.ZoneFit)
	}
	f := domain.FitOf(loc, now)
	zoneFits.Store(key, f)
	return f
}

func resultType(t string) string {
	switch t {
	case "decimal":
		return "float"
	}
	return t
}

func asInt(v any) any {
	if n, ok := v.(int64); ok {
		return n
	}
	if f, ok := v.(float64); ok {
		return int64(f)
	}
	return nil
}

func asFloat(scale float64) func(any) any {
	return func(v any) any {
		switch x := v.(type) {
		case int64:
			return float64(x) / scale
		case float64:
			return x / scale
		}
		return nil
	}
}

// fieldConv converts a stored field value to the result contract.
func fieldConv(f *domain.Field) func(any) any {
	switch f.Type {
	case domain.TypeTime:
		return func(v any) any {
			if n, ok := v.(int64); ok {
				return fromMS(n)
			}
			return nil
		}
	case domain.TypeBool:
		return func(v any) any {
			if n, ok := v.(int64); ok {
				return n != 0
			}
			return nil
		}
	case domain.TypeDecimal:
		return asFloat(math.Pow10(f.Scale))
	case domain.TypeInt:
		return asInt
	}
	return func(v any) any {
		if b, ok := v.([]byte); ok {
			return string(b)
		}
		return v
	}
}
