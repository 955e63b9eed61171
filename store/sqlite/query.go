package sqlite

import (
	"context"
	"fmt"
	"math"
	"slices"
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
// adds ORDER BY, LIMIT and OFFSET. It runs for every query that misses the
// cache, so it writes into one builder rather than joining pieces.
func (a *Analytics) compile(req app.QueryRequest, groups []domain.Group, ordered bool) (*compiled, error) {
	q := req.Query
	src, ok := a.cat.Source(q.Source)
	if !ok {
		return nil, domain.Invalid("source", "unknown source %q", q.Source)
	}
	c := &compiler{req: req, src: src, args: make([]any, 0, 16)}
	n := len(groups) + len(q.Metrics)
	cq := &compiled{route: "raw", cols: make([]app.QueryColumn, 0, n), conv: make([]func(any) any, 0, n)}
	if !req.RawOnly {
		c.rollup = domain.PlanRollup(q, src, req.Scope, zoneFit(req.Location, req.Now), req.Now, req.Location)
	}
	if c.rollup != nil {
		cq.route = "rollup:" + c.rollup.Name
	}
	var b strings.Builder
	b.Grow(512)
	c.selectList(&b, cq, groups)
	write(&b, " FROM ", c.table(), " WHERE tenant_id = ", c.bind(req.TenantID))
	c.scope(&b)
	for i := range q.Filters {
		b.WriteString(" AND ")
		if err := c.filter(&b, &q.Filters[i]); err != nil {
			return nil, err
		}
	}
	for i := range groups {
		if i == 0 {
			b.WriteString(" GROUP BY 1")
			continue
		}
		write(&b, ", ", strconv.Itoa(i+1))
	}
	if ordered {
		c.orderLimit(&b, q, groups, cq.cols)
	}
	cq.sql, cq.args = b.String(), c.args
	return cq, nil
}

// selectList writes SELECT and the outputs: each group (time buckets in
// the query's zone), then each metric, recording their columns in cq.
func (c *compiler) selectList(b *strings.Builder, cq *compiled, groups []domain.Group) {
	b.WriteString("SELECT ")
	for i, g := range groups {
		f, _ := c.src.Field(g.Field)
		alias := g.Alias()
		if i > 0 {
			b.WriteString(", ")
		}
		if f.Type == domain.TypeTime {
			write(b, "tz_bucket(", c.column(f), ", ", c.bind(g.Granularity), ", ", c.bind(c.req.Location.String()), ")")
		} else {
			b.WriteString(c.column(f))
		}
		write(b, ` AS "`, alias, `"`)
		cq.cols = append(cq.cols, app.QueryColumn{Name: alias, Type: resultType(string(f.Type))})
		cq.conv = append(cq.conv, fieldConv(f))
	}
	metricSQL := make(map[string]string, len(c.req.Query.Metrics))
	for i, m := range c.req.Query.Metrics {
		expr, col, conv := c.metric(m, metricSQL)
		// Ratios divide natural units: decimal metrics are stored in units
		// of 10^-scale, so their expressions are scaled back here.
		metricSQL[m.As] = expr
		if sc := c.metricScale(m, metricSQL); sc != 1 {
			metricSQL[m.As] = "(CAST((" + expr + ") AS REAL) / " + strconv.FormatFloat(sc, 'f', -1, 64) + ")"
		}
		if i > 0 || len(groups) > 0 {
			b.WriteString(", ")
		}
		write(b, expr, ` AS "`, m.As, `"`)
		cq.cols = append(cq.cols, col)
		cq.conv = append(cq.conv, conv)
	}
}

// table is the table the statement reads: the chosen rollup, the events
// stream, or the source's entity state.
func (c *compiler) table() string {
	switch {
	case c.rollup != nil:
		return "an_rollup_" + c.rollup.Name
	case c.src.Kind == domain.SourceStream:
		return "an_events"
	}
	return "an_" + c.src.Name
}

// scope adds the principal's data scope: a restricted dimension the source
// carries keeps only allowed values; one it does not carry keeps nothing
// (fail closed).
func (c *compiler) scope(b *strings.Builder) {
	for _, cond := range c.req.Scope.Conditions(c.src) {
		if cond.Field == nil {
			b.WriteString(" AND 0 = 1")
			continue
		}
		write(b, " AND ", cond.Field.Name, " IN (")
		for _, v := range cond.Values {
			c.bind(v)
		}
		placeholders(b, len(cond.Values))
	}
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

// orderLimit sorts by the requested aliases, then by every group so the
// order is total, and pages; cols holds the groups' aliases first.
func (c *compiler) orderLimit(b *strings.Builder, q *domain.Query, groups []domain.Group, cols []app.QueryColumn) {
	keys := 0
	key := func(alias, dir string) {
		if keys == 0 {
			b.WriteString(" ORDER BY ")
		} else {
			b.WriteString(", ")
		}
		keys++
		write(b, `"`, alias, `" `, dir)
	}
	for _, o := range q.Order {
		dir := "ASC"
		if o.Dir == "desc" {
			dir = "DESC"
		}
		key(o.By, dir)
	}
	for i := range groups {
		alias := cols[i].Name
		if !slices.ContainsFunc(q.Order, func(o domain.Order) bool { return o.By == alias }) {
			key(alias, "ASC")
		}
	}
	if q.Limit > 0 || q.Offset > 0 {
		limit := q.Limit
		if limit == 0 {
			limit = -1
		}
		write(b, " LIMIT ", c.bind(int64(limit)), " OFFSET ", c.bind(int64(q.Offset)))
	}
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
