package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Query is a query_json (DESIGN.md §4, R1.1): what reports and widgets ask
// of a source. The compiler adds tenant, scope and global filters; nothing
// in a Query can widen them.
type Query struct {
	Source   string   `json:"source"`
	Metrics  []Metric `json:"metrics"`
	Groups   []Group  `json:"groups,omitempty"`
	Filters  []Filter `json:"filters,omitempty"` // all must hold
	Params   Params   `json:"params,omitempty"`
	Order    []Order  `json:"order,omitempty"`
	Limit    int      `json:"limit,omitempty"`
	Offset   int      `json:"offset,omitempty"`
	Totals   bool     `json:"totals,omitempty"`    // a grand-total row
	Subtotal []string `json:"subtotals,omitempty"` // group aliases to subtotal by (pivots)
	Compare  string   `json:"compare,omitempty"`   // previous_period | same_period_last_year
	TimeZone string   `json:"time_zone,omitempty"` // IANA zone for buckets and relative dates; default UTC
}

// Metric aggregates a field (or rows, for count) under an alias.
type Metric struct {
	Agg   string  `json:"agg"`
	Field string  `json:"field,omitempty"`
	As    string  `json:"as"`
	P     float64 `json:"p,omitempty"`   // percentile in (0, 1)
	Num   string  `json:"num,omitempty"` // ratio: alias of the numerator metric
	Den   string  `json:"den,omitempty"` // ratio: alias of the denominator metric
}

// EmptyIsZero reports whether the metric over no rows is 0 (count, sum,
// count_distinct) rather than no value (avg, min, max, percentile, ratio).
func (m Metric) EmptyIsZero() bool {
	return m.Agg == "count" || m.Agg == "sum" || m.Agg == "count_distinct"
}

// Group groups rows by a dimension, time fields by a granularity.
type Group struct {
	Field       string `json:"field"`
	Granularity string `json:"granularity,omitempty"`
	As          string `json:"as,omitempty"`
}

// Alias is the output column name of a group.
func (g Group) Alias() string {
	if g.As != "" {
		return g.As
	}
	if g.Granularity != "" {
		return g.Field + "_" + g.Granularity
	}
	return g.Field
}

// Filter is one condition, or a nested and/or of conditions.
type Filter struct {
	Field string   `json:"field,omitempty"`
	Op    string   `json:"op,omitempty"`
	Value any      `json:"value,omitempty"`
	And   []Filter `json:"and,omitempty"`
	Or    []Filter `json:"or,omitempty"`
}

// Order sorts by a metric or group alias.
type Order struct {
	By  string `json:"by"`
	Dir string `json:"dir,omitempty"` // asc (default) | desc
}

// Params are typed parameter values referenced as "{{name}}" in filter
// values; strings may be relative dates (now, now-30d, start_of_month...).
type Params map[string]any

// Aggregations, granularities, operators, comparisons.
var (
	Aggs          = []string{"count", "count_distinct", "sum", "avg", "min", "max", "percentile", "ratio"}
	Granularities = []string{"hour", "day", "week", "month", "quarter", "year"}
	Operators     = []string{"==", "!=", ">", ">=", "<", "<=", "IN", "NOT_IN", "BETWEEN", "EXISTS", "NOT_EXISTS", "CONTAINS"}
	Comparisons   = []string{"previous_period", "same_period_last_year"}
)

// MaxQueryLimit bounds the rows one query returns.
const MaxQueryLimit = 10_000

// Problem is one validation finding, at a JSON path of the query.
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`

	// format and args are what Message was built from; see MessageIn.
	format string
	args   []any
}

// ValidationError lists every problem of a query, so a builder can mark
// all the wrong fields at once.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Path + ": " + p.Message
	}
	return "invalid query: " + strings.Join(parts, "; ")
}

// As makes a ValidationError read as an invalid domain.Error naming the
// first problem's path.
func (e *ValidationError) As(target any) bool {
	if t, ok := target.(**Error); ok && len(e.Problems) > 0 {
		p := e.Problems[0]
		*t = &Error{Code: CodeInvalid, Field: p.Path, Message: p.Message, format: p.format, args: p.args}
		return true
	}
	return false
}

// validator collects problems.
type validator struct{ problems []Problem }

func (v *validator) add(path, format string, args ...any) {
	v.problems = append(v.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...), format: format, args: args})
}

// Validate checks q against the catalogue and returns a *ValidationError
// with every problem, or nil. Field names must be catalogue fields; aliases
// must be identifiers; values are only ever bound, never spliced.
func (q *Query) Validate(c *Catalog) error {
	v := &validator{}
	src, ok := c.Source(q.Source)
	if !ok {
		v.add("source", "unknown source %q", q.Source)
		return &ValidationError{Problems: v.problems}
	}
	aliases := map[string]string{}
	v.metrics(src, q.Metrics, aliases)
	v.groups(src, q.Groups, aliases)
	for i := range q.Filters {
		v.filter(src, q.Params, &q.Filters[i], fmt.Sprintf("filters[%d]", i), 0)
	}
	for name, val := range q.Params {
		if !isIdent(name) {
			v.add("params."+name, "parameter names are identifiers")
		} else if _, err := paramValue(val); err != nil {
			v.add("params."+name, "%v", err)
		}
	}
	for i, o := range q.Order {
		if _, ok := aliases[o.By]; !ok {
			v.add(fmt.Sprintf("order[%d].by", i), "must be a metric or group alias, got %q", o.By)
		}
		if o.Dir != "" && o.Dir != "asc" && o.Dir != "desc" {
			v.add(fmt.Sprintf("order[%d].dir", i), "must be asc or desc")
		}
	}
	for i, s := range q.Subtotal {
		if kind, ok := aliases[s]; !ok || kind != "group" {
			v.add(fmt.Sprintf("subtotals[%d]", i), "must be a group alias, got %q", s)
		}
	}
	if q.Limit < 0 || q.Limit > MaxQueryLimit {
		v.add("limit", "must be between 0 and %d", MaxQueryLimit)
	}
	if q.Offset < 0 {
		v.add("offset", "must not be negative")
	}
	if q.Compare != "" && !slices.Contains(Comparisons, q.Compare) {
		v.add("compare", "must be one of %v", Comparisons)
	}
	if q.TimeZone != "" && !validZoneName(q.TimeZone) {
		v.add("time_zone", "must be an IANA time zone name")
	}
	if len(v.problems) > 0 {
		return &ValidationError{Problems: v.problems}
	}
	return nil
}

func (v *validator) metrics(src *Source, ms []Metric, aliases map[string]string) {
	if len(ms) == 0 {
		v.add("metrics", "at least one metric is required")
	}
	for i, m := range ms {
		path := fmt.Sprintf("metrics[%d]", i)
		if !isIdent(m.As) {
			v.add(path+".as", "must be an identifier ([a-z][a-z0-9_]*), got %q", m.As)
		} else if _, dup := aliases[m.As]; dup {
			v.add(path+".as", "alias %q is used twice", m.As)
		} else {
			aliases[m.As] = "metric"
		}
		switch m.Agg {
		case "count":
			if m.Field != "" {
				v.add(path+".field", "count counts rows; use count_distinct for a field")
			}
		case "ratio":
			for _, side := range []struct{ name, alias string }{{"num", m.Num}, {"den", m.Den}} {
				if k, ok := aliases[side.alias]; !ok || k != "metric" || side.alias == m.As {
					v.add(path+"."+side.name, "must be the alias of an earlier metric, got %q", side.alias)
				}
			}
		case "count_distinct", "sum", "avg", "min", "max", "percentile":
			f, ok := src.Field(m.Field)
			if !ok {
				v.add(path+".field", "unknown field %q of source %s", m.Field, src.Name)
				continue
			}
			if !slices.Contains(f.Aggs, m.Agg) {
				v.add(path+".agg", "%s is not allowed on %s (allowed: %v)", m.Agg, f.Name, f.Aggs)
			}
			if m.Agg == "percentile" && (m.P <= 0 || m.P >= 1) {
				v.add(path+".p", "must be between 0 and 1 (exclusive)")
			}
		default:
			v.add(path+".agg", "must be one of %v, got %q", Aggs, m.Agg)
		}
	}
}

func (v *validator) groups(src *Source, gs []Group, aliases map[string]string) {
	for i, g := range gs {
		path := fmt.Sprintf("groups[%d]", i)
		f, ok := src.Field(g.Field)
		if !ok {
			v.add(path+".field", "unknown field %q of source %s", g.Field, src.Name)
			continue
		}
		if f.Kind != KindDimension {
			v.add(path+".field", "%s is a measure; group by dimensions", f.Name)
		}
		switch {
		case f.Type == TypeTime && !slices.Contains(Granularities, g.Granularity):
			v.add(path+".granularity", "time fields group by one of %v", Granularities)
		case f.Type != TypeTime && g.Granularity != "":
			v.add(path+".granularity", "only time fields take a granularity")
		}
		alias := g.Alias()
		if !isIdent(alias) {
			v.add(path+".as", "must be an identifier, got %q", alias)
		} else if _, dup := aliases[alias]; dup {
			v.add(path+".as", "alias %q is used twice", alias)
		} else {
			aliases[alias] = "group"
		}
	}
}

const maxFilterDepth = 8

func (v *validator) filter(src *Source, params Params, f *Filter, path string, depth int) {
	if depth > maxFilterDepth {
		v.add(path, "filters nest at most %d deep", maxFilterDepth)
		return
	}
	if len(f.And) > 0 || len(f.Or) > 0 {
		if f.Field != "" || f.Op != "" || (len(f.And) > 0 && len(f.Or) > 0) {
			v.add(path, "a filter is a condition, or an and/or list, not both")
			return
		}
		list, key := f.And, "and"
		if len(f.Or) > 0 {
			list, key = f.Or, "or"
		}
		for i := range list {
			v.filter(src, params, &list[i], fmt.Sprintf("%s.%s[%d]", path, key, i), depth+1)
		}
		return
	}
	fld, ok := src.Field(f.Field)
	if !ok {
		v.add(path+".field", "unknown field %q of source %s", f.Field, src.Name)
		return
	}
	op := f.Op
	if op == "=" {
		op, f.Op = "==", "=="
	}
	if !slices.Contains(Operators, op) {
		v.add(path+".op", "must be one of %v, got %q", Operators, f.Op)
		return
	}
	vals, err := ResolveValue(f.Value, params)
	if err != nil {
		v.add(path+".value", "%v", err)
		return
	}
	switch op {
	case "EXISTS", "NOT_EXISTS":
		if f.Value != nil {
			v.add(path+".value", "%s takes no value", op)
		}
		return
	case "IN", "NOT_IN":
		if len(vals) == 0 || len(vals) > 1000 {
			v.add(path+".value", "%s takes a list of 1 to 1000 values", op)
			return
		}
	case "BETWEEN":
		if len(vals) != 2 {
			v.add(path+".value", "BETWEEN takes [low, high]")
			return
		}
	case "CONTAINS":
		if fld.Type != TypeString || len(vals) != 1 {
			v.add(path+".value", "CONTAINS takes one string, on text fields")
			return
		}
	default:
		if len(vals) != 1 {
			v.add(path+".value", "%s takes one value", op)
			return
		}
	}
	for i, val := range vals {
		if _, err := CoerceValue(fld, val, time.Time{}, nil); err != nil {
			p := path + ".value"
			if len(vals) > 1 {
				p = fmt.Sprintf("%s[%d]", p, i)
			}
			v.add(p, "%v", err)
		}
	}
}

// validZoneName accepts zone names shaped like IANA ones; the app checks
// the zone database (domain does no I/O).
func validZoneName(s string) bool {
	if s == "UTC" {
		return true
	}
	if len(s) > 64 || !strings.Contains(s, "/") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '/' || r == '_' || r == '-' || r == '+') {
			return false
		}
	}
	return true
}
