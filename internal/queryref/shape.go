package queryref

import (
	"slices"

	"github.com/conductor/reports/domain"
)

// RollupShaped reshapes a generated query so the planner routes it to a
// rollup, for tests that compare the rollup route with the raw one: it
// keeps the rollup's dimensions as groups and equality-family filters, the
// time field at the rollup's grain or coarser, count/sum/avg of its
// measures, in UTC.
func RollupShaped(cat *domain.Catalog, q *domain.Query) *domain.Query {
	src, _ := cat.Source(q.Source)
	if len(src.Rollups) == 0 {
		return q
	}
	r := src.Rollups[0]
	out := *q
	out.TimeZone = "UTC"
	out.Groups = nil
	for _, g := range q.Groups {
		if slices.Contains(r.Dimensions, g.Field) || (g.Field == r.TimeField && g.Granularity != "hour") {
			out.Groups = append(out.Groups, g)
		}
	}
	out.Metrics = nil
	for _, m := range q.Metrics {
		switch {
		case m.Agg == "count", (m.Agg == "sum" || m.Agg == "avg") && slices.Contains(r.Measures, m.Field):
			out.Metrics = append(out.Metrics, m)
		case m.Agg == "ratio" && len(out.Metrics) >= 1:
			m.Num, m.Den = out.Metrics[0].As, out.Metrics[len(out.Metrics)-1].As
			out.Metrics = append(out.Metrics, m)
		default:
			out.Metrics = append(out.Metrics, domain.Metric{Agg: "count", As: m.As})
		}
	}
	out.Filters = nil
	for _, f := range q.Filters {
		if len(f.And) == 0 && len(f.Or) == 0 && slices.Contains(r.Dimensions, f.Field) &&
			slices.Contains([]string{"==", "=", "!=", "IN", "NOT_IN", "EXISTS", "NOT_EXISTS", "CONTAINS"}, f.Op) {
			out.Filters = append(out.Filters, f)
		}
	}
	aliases := map[string]bool{}
	for _, g := range out.Groups {
		aliases[g.Alias()] = true
	}
	for _, m := range out.Metrics {
		aliases[m.As] = true
	}
	out.Order = nil
	for _, o := range q.Order {
		if aliases[o.By] {
			out.Order = append(out.Order, o)
		}
	}
	out.Subtotal = nil
	return &out
}
