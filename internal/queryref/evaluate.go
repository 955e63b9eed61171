package queryref

import (
	"fmt"
	"slices"
	"time"

	"github.com/conductor/reports/domain"
)

// Result is a query's answer: Columns are the group aliases then the metric
// aliases, each row holding one value per column (nil for NULL). See the
// package documentation for the value types.
type Result struct {
	Columns []string
	Rows    [][]any
}

// Evaluate answers q over tenantID's rows of ds under scope, resolving
// relative dates at now. Buckets and relative dates use loc; a nil loc
// means q.TimeZone loaded from the zone database (UTC when empty). The
// query is validated against the dataset's catalogue first, without being
// modified.
func Evaluate(ds *Dataset, tenantID string, scope domain.Scope, q *domain.Query, now time.Time, loc *time.Location) (*Result, error) {
	q = cloneQuery(q)
	if err := q.Validate(ds.cat); err != nil {
		return nil, err
	}
	if q.Totals || len(q.Subtotal) > 0 || q.Compare != "" {
		return nil, fmt.Errorf("queryref: totals, subtotals and comparisons are not part of the reference")
	}
	if loc == nil {
		var err error
		if loc, err = time.LoadLocation(q.TimeZone); err != nil {
			return nil, fmt.Errorf("queryref: time zone %q: %w", q.TimeZone, err)
		}
	}
	src, _ := ds.cat.Source(q.Source)
	rows := inScope(src, scope, ds.Rows(tenantID, q.Source))
	for _, f := range q.Filters {
		c, err := resolveFilter(src, q.Params, f, now, loc)
		if err != nil {
			return nil, fmt.Errorf("queryref: %w", err)
		}
		var kept []Row
		for _, r := range rows {
			if c.holds(r) {
				kept = append(kept, r)
			}
		}
		rows = kept
	}
	groups, err := groupRows(src, q.Groups, rows, newBucketer(loc))
	if err != nil {
		return nil, err
	}
	res := &Result{}
	for _, g := range q.Groups {
		res.Columns = append(res.Columns, g.Alias())
	}
	for _, m := range q.Metrics {
		res.Columns = append(res.Columns, m.As)
	}
	for _, g := range groups {
		vals, err := metrics(src, q.Metrics, g.rows)
		if err != nil {
			return nil, err
		}
		res.Rows = append(res.Rows, append(g.key, vals...))
	}
	sortRows(res, q.Order, len(q.Groups))
	res.Rows = page(res.Rows, q.Offset, q.Limit)
	return res, nil
}

// group is one output group: its key values and its rows.
type group struct {
	key  []any
	rows []Row
}

// groupRows partitions rows by the group columns; with no groups every row
// (even none) is one group.
func groupRows(src *domain.Source, gs []domain.Group, rows []Row, b *bucketer) ([]*group, error) {
	if len(gs) == 0 {
		return []*group{{key: []any{}, rows: rows}}, nil
	}
	var out []*group
	index := map[string]*group{}
	for _, r := range rows {
		key := make([]any, len(gs))
		for i, g := range gs {
			v, ok := r[g.Field]
			if !ok {
				continue
			}
			if f, _ := src.Field(g.Field); f.Type == domain.TypeTime {
				t, err := b.bucket(v.(time.Time), g.Granularity)
				if err != nil {
					return nil, fmt.Errorf("queryref: group %s: %w", g.Alias(), err)
				}
				v = t
			}
			key[i] = v
		}
		k := keyString(key...)
		grp, ok := index[k]
		if !ok {
			grp = &group{key: key}
			index[k] = grp
			out = append(out, grp)
		}
		grp.rows = append(grp.rows, r)
	}
	return out, nil
}

// keyString encodes values so equal values (times by instant) give equal
// keys and values of different types never collide.
func keyString(vs ...any) string {
	s := ""
	for _, v := range vs {
		switch x := v.(type) {
		case nil:
			s += "n|"
		case time.Time:
			s += fmt.Sprintf("t%d|", x.UnixNano())
		default:
			s += fmt.Sprintf("%T%q|", x, fmt.Sprint(x))
		}
	}
	return s
}

// sortRows orders by q.Order then by every group column ascending.
func sortRows(res *Result, order []domain.Order, nGroups int) {
	col := map[string]int{}
	for i, c := range res.Columns {
		col[c] = i
	}
	slices.SortStableFunc(res.Rows, func(a, b []any) int {
		for _, o := range order {
			i := col[o.By]
			c := compare(a[i], b[i])
			if o.Dir == "desc" {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		for i := range nGroups {
			if c := compare(a[i], b[i]); c != 0 {
				return c
			}
		}
		return 0
	})
}

// page applies offset then limit (0 = none).
func page(rows [][]any, offset, limit int) [][]any {
	if offset >= len(rows) {
		return [][]any{}
	}
	rows = rows[offset:]
	if limit > 0 && limit < len(rows) {
		rows = rows[:limit]
	}
	return rows
}

// cloneQuery copies the parts Validate may rewrite ("=" becomes "=="), so
// callers can share a query across goroutines.
func cloneQuery(q *domain.Query) *domain.Query {
	c := *q
	c.Filters = cloneFilters(q.Filters)
	return &c
}

func cloneFilters(fs []domain.Filter) []domain.Filter {
	if fs == nil {
		return nil
	}
	out := make([]domain.Filter, len(fs))
	for i, f := range fs {
		out[i] = f
		out[i].And = cloneFilters(f.And)
		out[i].Or = cloneFilters(f.Or)
	}
	return out
}
