package domain

import (
	"fmt"
	"strings"
	"time"
)

// bucketEnd is the start of the bucket after the one starting at t (t in
// the query's zone).
func bucketEnd(t time.Time, grain string) time.Time {
	switch grain {
	case "hour":
		return t.Add(time.Hour)
	case "week":
		return t.AddDate(0, 0, 7)
	case "month":
		return t.AddDate(0, 1, 0)
	case "quarter":
		return t.AddDate(0, 3, 0)
	case "year":
		return t.AddDate(1, 0, 0)
	}
	return t.AddDate(0, 0, 1)
}

// PathStep is one clicked value on a drill-down path: the level's field
// (or field:grain for time levels) and the value clicked.
type PathStep struct {
	Level string `json:"level"`
	Value any    `json:"value"`
}

// DrillDown returns the query one level down hierarchy h of q's source:
// q's own filters and metrics, plus the clicked path as equality filters
// (time levels as the bucket's range), grouped by the next level. The
// result is validated like any query, so a path cannot widen anything.
func (q *Query) DrillDown(c *Catalog, hierarchy string, path []PathStep, loc *time.Location) (*Query, error) {
	src, ok := c.Source(q.Source)
	if !ok {
		return nil, Invalid("source", "unknown source %q", q.Source)
	}
	var h *Hierarchy
	for i := range src.Hierarchies {
		if src.Hierarchies[i].Name == hierarchy {
			h = &src.Hierarchies[i]
		}
	}
	if h == nil {
		return nil, Invalid("hierarchy", "source %s has no hierarchy %q", src.Name, hierarchy)
	}
	if len(path) == 0 || len(path) >= len(h.Levels) {
		return nil, Invalid("path", "a drill-down path has 1 to %d steps", len(h.Levels)-1)
	}
	out := *q
	out.Filters = append([]Filter(nil), q.Filters...)
	out.Groups, out.Order, out.Subtotal, out.Offset = nil, nil, nil, 0
	for i, step := range path {
		if step.Level != h.Levels[i] {
			return nil, Invalid(fmt.Sprintf("path[%d].level", i), "expected level %q", h.Levels[i])
		}
		field, grain, _ := strings.Cut(step.Level, ":")
		if grain == "" {
			out.Filters = append(out.Filters, Filter{Field: field, Op: "==", Value: step.Value})
			continue
		}
		s, _ := step.Value.(string)
		from, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, Invalid(fmt.Sprintf("path[%d].value", i), "a time level's value is the bucket start (RFC 3339)")
		}
		end := bucketEnd(from.In(loc), grain)
		out.Filters = append(out.Filters, Filter{Field: field, Op: ">=", Value: from.UTC().Format(time.RFC3339Nano)},
			Filter{Field: field, Op: "<", Value: end.UTC().Format(time.RFC3339Nano)})
	}
	next := h.Levels[len(path)]
	field, grain, _ := strings.Cut(next, ":")
	out.Groups = []Group{{Field: field, Granularity: grain}}
	return &out, nil
}
