package queryref

import (
	"fmt"
	"math"
	"slices"

	"github.com/conductor/reports/domain"
)

// metrics computes q's metrics over one group's rows, in query order;
// ratios read the metrics computed before them.
func metrics(src *domain.Source, ms []domain.Metric, rows []Row) ([]any, error) {
	out := make([]any, len(ms))
	byAlias := map[string]any{}
	for i, m := range ms {
		var v any
		switch m.Agg {
		case "count":
			v = int64(len(rows))
		case "ratio":
			r, err := ratio(m, byAlias)
			if err != nil {
				return nil, err
			}
			v = r
		default:
			f, _ := src.Field(m.Field)
			v = aggregate(f, m, nonNull(rows, f.Name))
		}
		out[i] = v
		byAlias[m.As] = v
	}
	return out, nil
}

// nonNull lists the non-NULL values of a field.
func nonNull(rows []Row, field string) []any {
	var vs []any
	for _, r := range rows {
		if v, ok := r[field]; ok {
			vs = append(vs, v)
		}
	}
	return vs
}

// aggregate computes a field metric; every aggregate but count_distinct
// is NULL over no values.
func aggregate(f *domain.Field, m domain.Metric, vs []any) any {
	if m.Agg == "count_distinct" {
		seen := map[string]bool{}
		for _, v := range vs {
			seen[keyString(v)] = true
		}
		return int64(len(seen))
	}
	if len(vs) == 0 {
		return nil
	}
	switch m.Agg {
	case "min", "max":
		best := vs[0]
		for _, v := range vs[1:] {
			c := compare(v, best)
			if (m.Agg == "min" && c < 0) || (m.Agg == "max" && c > 0) {
				best = v
			}
		}
		return natural(f, best)
	case "sum":
		var s int64
		for _, v := range vs {
			s += v.(int64)
		}
		return natural(f, s)
	case "avg":
		var s float64
		for _, v := range vs {
			s += float64(v.(int64))
		}
		return s / float64(len(vs)) / scaleOf(f)
	case "percentile":
		xs := make([]float64, len(vs))
		for i, v := range vs {
			xs[i] = float64(v.(int64))
		}
		return percentile(xs, m.P) / scaleOf(f)
	}
	return nil
}

// natural converts a decimal's units to a float64 in natural units; other
// values pass through.
func natural(f *domain.Field, v any) any {
	if n, ok := v.(int64); ok && f.Type == domain.TypeDecimal {
		return float64(n) / scaleOf(f)
	}
	return v
}

// scaleOf is 10^scale of a decimal field, 1 otherwise.
func scaleOf(f *domain.Field) float64 {
	if f.Type != domain.TypeDecimal {
		return 1
	}
	return math.Pow10(f.Scale)
}

// percentile interpolates linearly between the closest ranks of xs
// (numpy's default): rank h = (n-1)p.
func percentile(xs []float64, p float64) float64 {
	slices.Sort(xs)
	h := float64(len(xs)-1) * p
	lo := int(math.Floor(h))
	if lo+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[lo] + (h-float64(lo))*(xs[lo+1]-xs[lo])
}

// ratio divides two earlier metrics; NULL when either is NULL or the
// denominator is 0. Non-numeric sides (min of a time) are an error.
func ratio(m domain.Metric, byAlias map[string]any) (any, error) {
	num, den := byAlias[m.Num], byAlias[m.Den]
	if num == nil || den == nil {
		return nil, nil
	}
	n, okN := number(num)
	d, okD := number(den)
	if !okN || !okD {
		return nil, fmt.Errorf("queryref: ratio %s: %s and %s must be numeric metrics", m.As, m.Num, m.Den)
	}
	if d == 0 {
		return nil, nil
	}
	return n / d, nil
}
