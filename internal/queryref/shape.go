package queryref

import (
	"slices"

	"github.com/conductor/reports/domain"
)

// RollupShaped reshapes a generated query so the planner routes it to a
// rollup, for tests that compare the rollup route with the raw one: it
// keeps the dimensions of the source's rollup number pick (modulo their
// count) as groups and equality-family filters, the time field at that
// rollup's grain or coarser, count/sum/avg of its measures, in UTC. The
// planner may still pick a narrower rollup that covers the result, or a
// wider one a principal's scope needs; tests that vary pick reach every
// rollup of the catalogue.
func RollupShaped(cat *domain.Catalog, q *domain.Query, pick int) *domain.Query {
	src, _ := cat.Source(q.Source)
	if len(src.Rollups) == 0 {
		return q
	}
	r := src.Rollups[pick%len(src.Rollups)]
	out := *q
	out.TimeZone = "UTC"
	out.Groups = nil
	for _, g := range q.Groups {
		if slices.Contains(r.Dimensions, g.Field) || (g.Field == r.TimeField && nests(g.Granularity, r.Grain)) {
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

// nests reports whether buckets of grain are unions of rollup buckets of
// grain rollup: hour and day into anything coarser, months into quarters
// and years (weeks cut months).
func nests(granularity, rollup string) bool {
	switch rollup {
	case "hour":
		return true
	case "day":
		return granularity != "hour"
	}
	return slices.Contains([]string{"month", "quarter", "year"}, granularity)
}
