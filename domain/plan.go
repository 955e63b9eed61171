package domain

import (
	"slices"
	"time"
)

// ZoneFit says how a query's time zone lines up with rollup buckets,
// which are UTC hours, days and months: every UTC day or month is a local
// one only in UTC, every UTC hour is within one local hour in whole-hour
// zones.
type ZoneFit struct {
	UTC       bool // the zone is UTC
	WholeHour bool // every offset of the zone is a whole number of hours
}

// rollupOps are the filter operators a rollup answers exactly: equality
// family on its dimensions (a null dimension is "" there).
var rollupOps = []string{"==", "!=", "IN", "NOT_IN", "EXISTS", "NOT_EXISTS", "CONTAINS"}

// grainOrder ranks granularities from fine to coarse.
var grainOrder = map[string]int{"hour": 0, "day": 1, "week": 2, "month": 3, "quarter": 4, "year": 5}

// PlanRollup returns the narrowest rollup of src that answers q exactly
// for a principal with scope, or nil when only the raw tables can: every
// group, filter and scope dimension must be among the rollup's dimensions
// (the time field only as a group at its grain or coarser, in a zone whose
// buckets nest), and every metric must be derivable from counts and sums
// (count, sum, avg, ratios of those).
//
// Narrowest means fewest dimensions, then the coarser grain, then the one
// declared first: the domain knows no row counts, and a rollup's rows grow
// with the product of its dimensions' values, so the catalogue keeps
// narrow rollups for the common dashboard shapes beside a wide one that
// carries every scope dimension. A principal restricted on a dimension is
// answered only by rollups carrying it, so the same query may go to a
// narrow rollup for one principal and to the wide one for another.
//
// A filter on the rollup's time field is covered when it is a top-level
// lower bound (>=) or upper bound (<) whose resolved value (at now, in
// loc) falls on a bucket boundary: "created_at >= start_of_month" or
// "< today" in UTC, say; ranges that cut a bucket go to the raw tables.
func PlanRollup(q *Query, src *Source, scope Scope, zone ZoneFit, now time.Time, loc *time.Location) *Rollup {
	if q.Source != src.Name {
		return nil
	}
	var best *Rollup
	for i := range src.Rollups {
		r := &src.Rollups[i]
		// The cheap rank first: coverage resolves filter values.
		if (best == nil || narrower(r, best)) && rollupCovers(r, q, src, scope, zone, now, loc) {
			best = r
		}
	}
	return best
}

// narrower reports whether a holds fewer rows than b by the planner's
// measure: fewer dimensions, or as many at a coarser grain.
func narrower(a, b *Rollup) bool {
	if len(a.Dimensions) != len(b.Dimensions) {
		return len(a.Dimensions) < len(b.Dimensions)
	}
	return grainOrder[a.Grain] > grainOrder[b.Grain]
}

// timeBoundCovered reports whether f is a bucket-aligned >= or < bound on
// r's time field.
func timeBoundCovered(r *Rollup, src *Source, f *Filter, q *Query, now time.Time, loc *time.Location) bool {
	if f.Field != r.TimeField || (f.Op != ">=" && f.Op != "<") {
		return false
	}
	tf, _ := src.Field(r.TimeField)
	vals, err := ResolveValue(f.Value, q.Params)
	if err != nil || len(vals) != 1 {
		return false
	}
	v, err := CoerceValue(tf, vals[0], now, loc)
	t, ok := v.(time.Time)
	return err == nil && ok && t.Equal(Bucket(t, r.Grain))
}

func rollupCovers(r *Rollup, q *Query, src *Source, scope Scope, zone ZoneFit, now time.Time, loc *time.Location) bool {
	for _, g := range q.Groups {
		if g.Field == r.TimeField {
			if grainOrder[g.Granularity] < grainOrder[r.Grain] {
				return false
			}
			if (r.Grain != "hour" && !zone.UTC) || (r.Grain == "hour" && !zone.WholeHour) {
				return false
			}
			continue
		}
		if !slices.Contains(r.Dimensions, g.Field) {
			return false
		}
	}
	for i := range q.Filters {
		if !filterCovered(r, &q.Filters[i]) && !timeBoundCovered(r, src, &q.Filters[i], q, now, loc) {
			return false
		}
	}
	for d := range scope {
		f, ok := src.ScopeField(d)
		if ok && !slices.Contains(r.Dimensions, f.Name) {
			return false
		}
	}
	for _, m := range q.Metrics {
		switch m.Agg {
		case "count", "ratio":
		case "sum", "avg":
			if !slices.Contains(r.Measures, m.Field) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func filterCovered(r *Rollup, f *Filter) bool {
	for i := range f.And {
		if !filterCovered(r, &f.And[i]) {
			return false
		}
	}
	for i := range f.Or {
		if !filterCovered(r, &f.Or[i]) {
			return false
		}
	}
	if len(f.And) > 0 || len(f.Or) > 0 {
		return true
	}
	op := f.Op
	if op == "=" {
		op = "=="
	}
	return slices.Contains(r.Dimensions, f.Field) && slices.Contains(rollupOps, op)
}

// FitOf tells how loc lines up with UTC hour and day buckets, judged on
// the offsets loc uses over the years around at.
func FitOf(loc *time.Location, at time.Time) ZoneFit {
	fit := ZoneFit{UTC: true, WholeHour: true}
	for y := -2; y <= 2; y++ {
		for m := time.January; m <= time.December; m++ {
			_, off := time.Date(at.Year()+y, m, 15, 12, 0, 0, 0, time.UTC).In(loc).Zone()
			if off != 0 {
				fit.UTC = false
			}
			if off%3600 != 0 {
				fit.WholeHour = false
			}
		}
	}
	return fit
}
