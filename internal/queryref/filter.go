package queryref

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/conductor/reports/domain"
)

// inScope keeps the rows the scope allows. A restricted dimension the
// source carries no field for keeps no row: scope fails closed.
func inScope(src *domain.Source, scope domain.Scope, rows []Row) []Row {
	out := rows
	for _, d := range domain.Dimensions {
		allowed, restricted := scope.Restricted(d)
		if !restricted {
			continue
		}
		f, ok := src.ScopeField(d)
		if !ok {
			return nil
		}
		var kept []Row
		for _, r := range out {
			if s, ok := r[f.Name].(string); ok && slices.Contains(allowed, s) {
				kept = append(kept, r)
			}
		}
		out = kept
	}
	return out
}

// condition is a filter resolved once per query: its values coerced to
// the field's type.
type condition struct {
	field  string
	op     string
	values []any
	and    []condition
	or     []condition
}

// resolveFilter coerces a filter's values at now in loc.
func resolveFilter(src *domain.Source, params domain.Params, f domain.Filter, now time.Time, loc *time.Location) (condition, error) {
	if len(f.And) > 0 || len(f.Or) > 0 {
		c := condition{}
		for _, sub := range f.And {
			sc, err := resolveFilter(src, params, sub, now, loc)
			if err != nil {
				return c, err
			}
			c.and = append(c.and, sc)
		}
		for _, sub := range f.Or {
			sc, err := resolveFilter(src, params, sub, now, loc)
			if err != nil {
				return c, err
			}
			c.or = append(c.or, sc)
		}
		return c, nil
	}
	fld, ok := src.Field(f.Field)
	if !ok {
		return condition{}, fmt.Errorf("unknown field %q", f.Field)
	}
	op := f.Op
	if op == "=" {
		op = "=="
	}
	raw, err := domain.ResolveValue(f.Value, params)
	if err != nil {
		return condition{}, fmt.Errorf("filter on %s: %w", f.Field, err)
	}
	c := condition{field: fld.Name, op: op}
	for _, v := range raw {
		cv, err := domain.CoerceValue(fld, v, now, loc)
		if err != nil {
			return condition{}, fmt.Errorf("filter on %s: %w", f.Field, err)
		}
		c.values = append(c.values, cv)
	}
	return c, nil
}

// holds evaluates c on r. NULL compares false with everything, so NOT_IN
// and != exclude NULL rows too; only NOT_EXISTS selects them.
func (c condition) holds(r Row) bool {
	if c.and != nil {
		for _, sub := range c.and {
			if !sub.holds(r) {
				return false
			}
		}
		return true
	}
	if c.or != nil {
		for _, sub := range c.or {
			if sub.holds(r) {
				return true
			}
		}
		return false
	}
	v, present := r[c.field]
	switch c.op {
	case "EXISTS":
		return present
	case "NOT_EXISTS":
		return !present
	}
	if !present {
		return false
	}
	switch c.op {
	case "==":
		return compare(v, c.values[0]) == 0
	case "!=":
		return compare(v, c.values[0]) != 0
	case ">":
		return compare(v, c.values[0]) > 0
	case ">=":
		return compare(v, c.values[0]) >= 0
	case "<":
		return compare(v, c.values[0]) < 0
	case "<=":
		return compare(v, c.values[0]) <= 0
	case "IN":
		return slices.ContainsFunc(c.values, func(x any) bool { return compare(v, x) == 0 })
	case "NOT_IN":
		return !slices.ContainsFunc(c.values, func(x any) bool { return compare(v, x) == 0 })
	case "BETWEEN":
		return compare(v, c.values[0]) >= 0 && compare(v, c.values[1]) <= 0
	case "CONTAINS":
		s, ok := v.(string)
		needle, _ := c.values[0].(string)
		return ok && strings.Contains(s, needle)
	}
	return false
}

// compare orders two values: nil first, then by value within a type
// (false before true, byte order for strings, instants for times). Values
// of different non-nil types order by a fixed type rank; int64 and float64
// compare numerically.
func compare(a, b any) int {
	if a == nil || b == nil {
		switch {
		case a == nil && b == nil:
			return 0
		case a == nil:
			return -1
		default:
			return 1
		}
	}
	if fa, ok := number(a); ok {
		if fb, ok := number(b); ok {
			if ia, ok := a.(int64); ok {
				if ib, ok := b.(int64); ok {
					return cmpOrdered(ia, ib)
				}
			}
			return cmpOrdered(fa, fb)
		}
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y)
		}
	case bool:
		if y, ok := b.(bool); ok {
			return cmpOrdered(boolRank(x), boolRank(y))
		}
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return x.Compare(y)
		}
	}
	return cmpOrdered(typeRank(a), typeRank(b))
}

func cmpOrdered[T int | int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func typeRank(v any) int {
	switch v.(type) {
	case bool:
		return 1
	case int64, float64:
		return 2
	case string:
		return 3
	case time.Time:
		return 4
	}
	return 5
}

// number reads an int64 or float64 as a float64.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}
