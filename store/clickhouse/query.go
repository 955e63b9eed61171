package clickhouse

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

var _ app.QueryEngine = (*Analytics)(nil)

// The query compiler mirrors store/sqlite's (the reference of the
// semantics) in ClickHouse's dialect. Differences of the engine it absorbs:
//
//   - Aliases are global in ClickHouse: a SELECT alias named like a column
//     would replace that column everywhere, WHERE included. Every output is
//     therefore selected under an internal alias (_g0, _m0: catalogue names
//     start with a letter, so they never collide) and renamed by the result's
//     Columns.
//   - Entity tables are ReplacingMergeTree: they are read with FINAL, whose
//     WHERE applies after the versions merge, and with PREWHERE off, which
//     would filter before it (an old version matching a filter would survive
//     while its replacement was filtered out).
//   - Aggregates over no rows give NULL in SQLite but 0 (or nan) for
//     non-Nullable columns here, and NULL NOT IN (...) is true on 18.16:
//     both are spelled out.
//   - Times are DateTime, whole seconds: time filter values, which SQLite
//     compares in milliseconds, are rounded per operator so the comparison
//     keeps its meaning (see timeFilter).
//   - Day-based time buckets start at the first instant of the local day,
//     as internal/queryref and store/sqlite's BucketStart define them, also
//     on days whose midnight DST skipped (see group).

// chCompiled is a query in ClickHouse's dialect: identifiers come only from
// the catalogue and validated aliases; every value is a bound argument.
type chCompiled struct {
	sql  string
	args []any
	cols []app.QueryColumn
	// conv turns each scanned value into the result contract.
	conv  []func(any) any
	route string // "raw" or "rollup:<name>"
}

// queryCompiler builds one statement.
type queryCompiler struct {
	req    app.QueryRequest
	loc    *time.Location
	src    *domain.Source
	rollup *domain.Rollup // nil: the raw tables
	args   []any
}

func (c *queryCompiler) bind(v any) string {
	c.args = append(c.args, v)
	return "?"
}

// Query runs an effective query on a rollup that answers it exactly (see
// domain.PlanRollup) unless req.RawOnly, else on the raw tables; the result
// names the route.
func (a *Analytics) Query(ctx context.Context, req app.QueryRequest) (*app.QueryResult, error) {
	cq, err := a.compileQuery(req, req.Query.Groups, true)
	if err != nil {
		return nil, err
	}
	rows, err := a.runQuery(ctx, cq)
	if err != nil {
		return nil, err
	}
	res := &app.QueryResult{Columns: cq.cols, Rows: rows, Route: cq.route, SQL: cq.sql, Args: cq.args}
	return res, nil
}

// runQuery scans each row into the column's own scan type (a pointer for
// Nullable columns), then converts it to the result contract.
func (a *Analytics) runQuery(ctx context.Context, cq *chCompiled) ([][]any, error) {
	rs, err := a.conn.Query(ctx, cq.sql, cq.args...)
	if err != nil {
		return nil, fmt.Errorf("run query: %w", err)
	}
	defer rs.Close()
	types := rs.ColumnTypes()
	if len(types) != len(cq.conv) {
		return nil, fmt.Errorf("run query: %d columns, want %d", len(types), len(cq.conv))
	}
	// One set of destinations for all rows: each value is copied out
	// (derefScan) before the next Scan overwrites it.
	dest := make([]any, len(types))
	for i, t := range types {
		dest[i] = reflect.New(t.ScanType()).Interface()
	}
	out := [][]any{}
	for rs.Next() {
		if err := rs.Scan(dest...); err != nil {
			return nil, fmt.Errorf("scan query row: %w", err)
		}
		vals := make([]any, len(dest))
		for i, d := range dest {
			vals[i] = cq.conv[i](derefScan(d))
		}
		out = append(out, vals)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("run query: %w", err)
	}
	return out, nil
}

// derefScan follows the scan destination's pointers: nil for NULL.
func derefScan(p any) any {
	v := reflect.ValueOf(p)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	return v.Interface()
}

// querySource returns the source named in the query and its table.
func (l *layout) querySource(name string) (*domain.Source, string, bool) {
	if l.stream != nil && l.stream.Name == name {
		return l.stream, "an_events", true
	}
	if sl, ok := l.sources[name]; ok {
		return sl.src, sl.table(), true
	}
	return nil, "", false
}

// compileQuery builds the statement for groups (nil: one totals row);
// ordered adds ORDER BY, LIMIT and OFFSET.
func (a *Analytics) compileQuery(req app.QueryRequest, groups []domain.Group, ordered bool) (*chCompiled, error) {
	q := req.Query
	src, table, ok := a.layout.querySource(q.Source)
	if !ok {
		return nil, domain.Invalid("source", "unknown source %q", q.Source)
	}
	loc := req.Location
	if loc == nil {
		loc = time.UTC
	}
	c := &queryCompiler{req: req, loc: loc, src: src, args: make([]any, 0, 16)}
	n := len(groups) + len(q.Metrics)
	cq := &chCompiled{route: "raw", cols: make([]app.QueryColumn, 0, n), conv: make([]func(any) any, 0, n)}
	if !req.RawOnly {
		c.rollup = domain.PlanRollup(q, src, req.Scope, zoneFit(loc, req.Now), req.Now, loc)
	}
	if c.rollup != nil {
		cq.route = "rollup:" + c.rollup.Name
	}
	var b strings.Builder
	b.Grow(768)
	internal, err := c.selectList(&b, cq, groups)
	if err != nil {
		return nil, err
	}
	from, final := table, ""
	switch {
	case c.rollup != nil:
		from = "an_rollup_" + c.rollup.Name
	case src.Kind == domain.SourceEntity:
		final = " FINAL"
	}
	write(&b, " FROM ", from, final, " WHERE tenant_id = ", c.bind(req.TenantID))
	c.scope(&b)
	for i := range q.Filters {
		w, err := c.filter(&q.Filters[i])
		if err != nil {
			return nil, err
		}
		write(&b, " AND ", w)
	}
	for i := range groups {
		if i == 0 {
			b.WriteString(" GROUP BY ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(internalName('g', i))
	}
	if len(groups) > 0 && c.rollup != nil {
		// A group whose entities all moved away or were retracted nets to
		// zero rows; unmerged parts may still hold its +1 and -1 rows.
		// Without groups the single row always stays.
		b.WriteString(" HAVING sum(row_count) != 0")
	}
	if ordered {
		c.orderLimit(&b, q, len(groups), internal)
	}
	if c.rollup == nil && src.Kind == domain.SourceEntity {
		b.WriteString(" SETTINGS optimize_move_to_prewhere = 0")
	}
	cq.sql, cq.args = b.String(), c.args
	return cq, nil
}

// selectList writes SELECT and the outputs under internal aliases (see
// above): each group, then each metric, recording their columns in cq. It
// returns the outputs' user aliases in select order.
func (c *queryCompiler) selectList(b *strings.Builder, cq *chCompiled, groups []domain.Group) ([]string, error) {
	b.WriteString("SELECT ")
	// internal lists the selected outputs: groups' aliases, then metrics'.
	internal := make([]string, 0, len(groups)+len(c.req.Query.Metrics))
	for i, g := range groups {
		f, ok := c.src.Field(g.Field)
		if !ok {
			return nil, domain.Invalid("groups", "unknown field %q", g.Field)
		}
		expr, conv := c.group(f, g.Granularity)
		if i > 0 {
			b.WriteString(", ")
		}
		write(b, expr, " AS ", internalName('g', i))
		internal = append(internal, g.Alias())
		cq.cols = append(cq.cols, app.QueryColumn{Name: internal[i], Type: resultType(f.Type)})
		cq.conv = append(cq.conv, conv)
	}
	operands := make(map[string]string, len(c.req.Query.Metrics)) // metric alias -> its value in a ratio
	for i, m := range c.req.Query.Metrics {
		name := internalName('m', i)
		expr, col, conv, err := c.metric(m, name, operands)
		if err != nil {
			return nil, err
		}
		if i > 0 || len(groups) > 0 {
			b.WriteString(", ")
		}
		write(b, expr, " AS ", name)
		internal = append(internal, m.As)
		cq.cols = append(cq.cols, col)
		cq.conv = append(cq.conv, conv)
	}
	return internal, nil
}

// internalNames are the first outputs' internal aliases, so compiling a
// query does not format them.
var internalNames = func() (out [2][8]string) {
	for i := range 8 {
		out[0][i], out[1][i] = "_g"+strconv.Itoa(i), "_m"+strconv.Itoa(i)
	}
	return out
}()

// internalName is the internal alias of group (kind 'g') or metric ('m') i.
func internalName(kind byte, i int) string {
	k := 0
	if kind == 'm' {
		k = 1
	}
	if i < len(internalNames[k]) {
		return internalNames[k][i]
	}
	return "_" + string(kind) + strconv.Itoa(i)
}

// write appends parts to b without building their concatenation first.
func write(b *strings.Builder, parts ...string) {
	for _, p := range parts {
		b.WriteString(p)
	}
}

// scope adds the principal's data scope: a restricted dimension the source
// carries keeps only allowed values; one it does not carry keeps nothing
// (fail closed).
func (c *queryCompiler) scope(b *strings.Builder) {
	for _, cond := range c.req.Scope.Conditions(c.src) {
		if cond.Field == nil {
			b.WriteString(" AND 0 = 1")
			continue
		}
		for _, v := range cond.Values {
			c.bind(v)
		}
		write(b, " AND ", c.filterColumn(cond.Field), " IN (", placeholders(len(cond.Values)), ")")
	}
}

// placeholderLists are "?", "?, ?", ... for the common list lengths.
var placeholderLists = func() (out [17]string) {
	for n := 1; n < len(out); n++ {
		out[n] = out[n-1] + ", ?"
	}
	for n := range out {
		out[n] = strings.TrimPrefix(out[n], ", ")
	}
	return out
}()

// placeholders is a list of n bound placeholders.
func placeholders(n int) string {
	if n < len(placeholderLists) {
		return placeholderLists[n]
	}
	return "?" + strings.Repeat(", ?", n-1)
}

// orderLimit sorts by the requested aliases, then by every group so the
// order is total, and pages. NULLs sort first ascending and last
// descending, as in SQLite; ClickHouse puts them last by default.
// internal holds the outputs' user aliases, the first groups of them
// groups, in select order.
func (c *queryCompiler) orderLimit(b *strings.Builder, q *domain.Query, groups int, internal []string) {
	keys := 0
	key := func(name, dir string) {
		if keys == 0 {
			b.WriteString(" ORDER BY ")
		} else {
			b.WriteString(", ")
		}
		keys++
		write(b, name, " ", dir)
	}
	for _, o := range q.Order {
		i := slices.Index(internal, o.By)
		if i < 0 {
			continue // validation rejects unknown aliases
		}
		dir := "ASC NULLS FIRST"
		if o.Dir == "desc" {
			dir = "DESC NULLS LAST"
		}
		if i < groups {
			key(internalName('g', i), dir)
		} else {
			key(internalName('m', i-groups), dir)
		}
	}
	for i := range groups {
		if !slices.ContainsFunc(q.Order, func(o domain.Order) bool { return o.By == internal[i] }) {
			key(internalName('g', i), "ASC NULLS FIRST")
		}
	}
	if q.Limit > 0 || q.Offset > 0 {
		limit := int64(q.Limit)
		if limit == 0 {
			// No limit, but an offset: 18.16 needs a LIMIT, and overflows
			// on one near 2^63, so "all" is 2^40 rows.
			limit = 1 << 40
		}
		write(b, " LIMIT ", c.bind(limit), " OFFSET ", c.bind(int64(q.Offset)))
	}
}

func resultType(t domain.FieldType) string {
	if t == domain.TypeDecimal {
		return "float"
	}
	return string(t)
}
