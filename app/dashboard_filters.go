package app

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/conductor/reports/domain"
)

// GlobalFilters is what a viewer picked in a dashboard's filter bar. They only narrow.
type GlobalFilters struct {
	From, To string                        // relative date expressions (domain/reldate.go) or RFC 3339; empty = none
	Dims     map[domain.Dimension][]string // customer, site, team, contract, cost_center ... values
}

// Bounds of one filter: as many values as a query's IN list.
const (
	maxFilterValues   = 1000
	maxFilterValueLen = 256
)

// ParseGlobalFilters reads filters from a query string
// (?from=now-7d&to=now&customer=c1&customer=c2, or ?range=last_7d for a
// named preset). Keys that are not filters are ignored, so a route can
// carry its own parameters next to them; empty values mean "no filter".
func ParseGlobalFilters(raw map[string][]string) (GlobalFilters, error) {
	return parseFilters(raw, false)
}

// ParseGlobalFiltersJSON reads the "filters" object of a realtime
// SUBSCRIBE frame: {"from":"now-24h","customer":["c1"],"site":"s1"}. A
// dimension takes a string or a list of strings; unlike the query string,
// the object holds filters only, so an unknown key is refused.
func ParseGlobalFiltersJSON(b []byte) (GlobalFilters, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return GlobalFilters{}, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return GlobalFilters{}, domain.Invalid("filters", "must be a JSON object")
	}
	raw := make(map[string][]string, len(obj))
	for k, v := range obj {
		var one string
		var many []string
		switch {
		case json.Unmarshal(v, &one) == nil:
			raw[k] = []string{one}
		case json.Unmarshal(v, &many) == nil:
			raw[k] = many
		default:
			return GlobalFilters{}, domain.Invalid("filters."+k, "must be a string or a list of strings")
		}
	}
	return parseFilters(raw, true)
}

// parseFilters validates raw; strict refuses keys that are not filters.
func parseFilters(raw map[string][]string, strict bool) (GlobalFilters, error) {
	var f GlobalFilters
	for k, vs := range raw {
		dim := domain.Dimension(k)
		switch {
		case k == "from" || k == "to" || k == "range":
			if err := f.setDate(k, vs); err != nil {
				return GlobalFilters{}, err
			}
		case slices.Contains(domain.Dimensions, dim):
			vals, err := filterValues(k, vs)
			if err != nil {
				return GlobalFilters{}, err
			}
			if len(vals) > 0 {
				if f.Dims == nil {
					f.Dims = map[domain.Dimension][]string{}
				}
				f.Dims[dim] = vals
			}
		case strict:
			return GlobalFilters{}, domain.Invalid(k, "unknown filter (from, to, range or a scope dimension)")
		}
	}
	if err := f.resolvePreset(raw["range"]); err != nil {
		return GlobalFilters{}, err
	}
	return f, f.checkRange()
}

// setDate reads one date key; each takes a single value.
func (f *GlobalFilters) setDate(k string, vs []string) error {
	if len(vs) > 1 {
		return domain.Invalid(k, "takes one value")
	}
	v := ""
	if len(vs) == 1 {
		v = strings.TrimSpace(vs[0])
	}
	if v == "" || k == "range" {
		return nil
	}
	if !domain.IsRelativeDate(v) {
		if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
			return domain.Invalid(k, "must be a relative date (now-7d, start_of_month...) or an RFC 3339 time")
		}
	}
	if k == "from" {
		f.From = v
	} else {
		f.To = v
	}
	return nil
}

// resolvePreset turns range=<preset> into from/to.
func (f *GlobalFilters) resolvePreset(vs []string) error {
	if len(vs) == 0 || strings.TrimSpace(vs[0]) == "" {
		return nil
	}
	r, ok := domain.DatePresets[strings.TrimSpace(vs[0])]
	if !ok {
		return domain.Invalid("range", "unknown date preset %q", vs[0])
	}
	if f.From != "" || f.To != "" {
		return domain.Invalid("range", "give a preset or from/to, not both")
	}
	f.From, f.To = r.From, r.To
	return nil
}

// checkRange refuses an empty absolute range; relative ones depend on the
// moment they resolve, so they are left to the query.
func (f GlobalFilters) checkRange() error {
	from, errF := time.Parse(time.RFC3339Nano, f.From)
	to, errT := time.Parse(time.RFC3339Nano, f.To)
	if errF == nil && errT == nil && !to.After(from) {
		return domain.Invalid("to", "must be after from")
	}
	return nil
}

// filterValues trims, bounds, sorts and de-duplicates a dimension's values.
func filterValues(k string, vs []string) ([]string, error) {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if len(v) > maxFilterValueLen {
			return nil, domain.Invalid(k, "values must be at most %d bytes", maxFilterValueLen)
		}
		out = append(out, v)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > maxFilterValues {
		return nil, domain.Invalid(k, "at most %d values", maxFilterValues)
	}
	return out, nil
}

// Key is a normalised, stable text of f: equal filters give equal keys
// whatever the order they were given in (feed keys depend on it).
func (f GlobalFilters) Key() string {
	v := url.Values{}
	if f.From != "" {
		v.Set("from", f.From)
	}
	if f.To != "" {
		v.Set("to", f.To)
	}
	for d, vals := range f.Dims {
		if len(vals) == 0 {
			continue
		}
		c := slices.Clone(vals)
		slices.Sort(c)
		v[string(d)] = slices.Compact(c)
	}
	return v.Encode()
}

// narrow folds f into q and scope for src: the date range bounds src's
// time field (>= from, < to) as filters of the query, and each dimension
// src carries is intersected with scope, so it goes through the scope's
// fail-closed conditions and can never widen it. A dimension src does not
// carry does not apply to it.
func (f GlobalFilters) narrow(q *domain.Query, src *domain.Source, scope domain.Scope) (*domain.Query, domain.Scope) {
	out := *q
	out.Filters = slices.Clone(q.Filters)
	if f.From != "" {
		out.Filters = append(out.Filters, domain.Filter{Field: src.TimeField, Op: ">=", Value: f.From})
	}
	if f.To != "" {
		out.Filters = append(out.Filters, domain.Filter{Field: src.TimeField, Op: "<", Value: f.To})
	}
	by := domain.Scope{}
	for d, vals := range f.Dims {
		if _, ok := src.ScopeField(d); ok && len(vals) > 0 {
			by[d] = vals
		}
	}
	if len(by) == 0 {
		return &out, scope.Normalize()
	}
	return &out, scope.Intersect(by)
}
