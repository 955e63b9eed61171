package domain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// CanonicalJSON re-encodes raw with sorted object keys, no insignificant
// space and numbers kept as written. Stores differ in what they return
// (PostgreSQL's jsonb reorders keys and adds spaces); canonical bytes make
// a round trip through either store compare equal.
func CanonicalJSON(raw []byte) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("canonical json: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("canonical json: trailing data")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("canonical json: %w", err)
	}
	return b, nil
}

// canonical encodes a validated value canonically; values built by this
// package always encode.
func canonical(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	out, _ := CanonicalJSON(b)
	return out
}

// decodeStrict decodes raw into v refusing unknown fields and trailing
// data; problems name field.
func decodeStrict(field string, raw []byte, v any) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = []byte(`{}`)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return Invalid(field, "%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Invalid(field, "must hold exactly one JSON object")
	}
	return nil
}

// Breakpoints are the responsive grid's breakpoints and their column
// counts (react-grid-layout's defaults, which the web UI uses).
var Breakpoints = map[string]int{"lg": 12, "md": 10, "sm": 6, "xs": 4, "xxs": 2}

// Layout bounds: a dashboard is a few screens of tiles, not a spreadsheet.
const (
	maxLayoutItems = 200
	maxGridRow     = 10_000
	maxGridHeight  = 100
)

// GridItem places one widget (I is its id) on a breakpoint's grid, in grid
// units: columns X..X+W, rows Y..Y+H.
type GridItem struct {
	I string `json:"i"`
	X int    `json:"x"`
	Y int    `json:"y"`
	W int    `json:"w"`
	H int    `json:"h"`
}

// Layout is a dashboard's layout_json: the grid of each breakpoint (R2.6).
// A breakpoint without an entry is laid out by the UI from a wider one.
type Layout map[string][]GridItem

// ParseLayout decodes and validates a layout: known breakpoints, items
// inside the breakpoint's columns, bounded rows and heights, each widget
// at most once per breakpoint. Problems name their JSON path.
func ParseLayout(raw json.RawMessage) (Layout, error) {
	var l Layout
	if err := decodeStrict("layout_json", raw, &l); err != nil {
		return nil, err
	}
	if l == nil {
		l = Layout{}
	}
	for bp, items := range l {
		cols, ok := Breakpoints[bp]
		if !ok {
			return nil, Invalid("layout_json."+bp, "unknown breakpoint (one of lg, md, sm, xs, xxs)")
		}
		if len(items) > maxLayoutItems {
			return nil, Invalid("layout_json."+bp, "at most %d items", maxLayoutItems)
		}
		seen := map[string]bool{}
		for i, it := range items {
			path := fmt.Sprintf("layout_json.%s[%d]", bp, i)
			if err := it.validate(path, cols); err != nil {
				return nil, err
			}
			if seen[it.I] {
				return nil, Invalid(path+".i", "widget %q is placed twice", it.I)
			}
			seen[it.I] = true
		}
	}
	return l, nil
}

func (it GridItem) validate(path string, cols int) error {
	switch {
	case strings.TrimSpace(it.I) == "" || len(it.I) > 64:
		return Invalid(path+".i", "must be a widget id")
	case it.W < 1 || it.W > cols:
		return Invalid(path+".w", "must be between 1 and %d", cols)
	case it.X < 0 || it.X+it.W > cols:
		return Invalid(path+".x", "the item must fit in %d columns", cols)
	case it.H < 1 || it.H > maxGridHeight:
		return Invalid(path+".h", "must be between 1 and %d", maxGridHeight)
	case it.Y < 0 || it.Y > maxGridRow:
		return Invalid(path+".y", "must be between 0 and %d", maxGridRow)
	}
	return nil
}

// JSON returns the layout's canonical encoding.
func (l Layout) JSON() json.RawMessage { return canonical(l) }

// Remap returns a copy with widget ids replaced through ids; items of
// widgets not in ids are dropped (a duplicate dashboard keeps only the
// widgets it copied).
func (l Layout) Remap(ids map[string]string) Layout {
	out := Layout{}
	for bp, items := range l {
		kept := []GridItem{}
		for _, it := range items {
			if id, ok := ids[it.I]; ok {
				it.I = id
				kept = append(kept, it)
			}
		}
		out[bp] = kept
	}
	return out
}

// DateRange is a pair of date expressions (relative dates or RFC 3339).
type DateRange struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// DatePresets are the named date ranges a filter bar offers; "to" is
// exclusive.
var DatePresets = map[string]DateRange{
	"today":        {"start_of_day", "now"},
	"yesterday":    {"start_of_day-1d", "start_of_day"},
	"last_24h":     {"now-24h", "now"},
	"last_7d":      {"now-7d", "now"},
	"last_30d":     {"now-30d", "now"},
	"last_90d":     {"now-90d", "now"},
	"this_week":    {"start_of_week", "now"},
	"this_month":   {"start_of_month", "now"},
	"last_month":   {"start_of_month-1M", "start_of_month"},
	"this_quarter": {"start_of_quarter", "now"},
	"this_year":    {"start_of_year", "now"},
}

// DateRangeFilter is the date-range control of a filter bar.
type DateRangeFilter struct {
	Presets []string `json:"presets,omitempty"` // names of DatePresets; empty: all
	Default string   `json:"default,omitempty"` // preset selected on open; "": no range
}

// FilterBar is a dashboard's filters_json: which global filters it offers
// its viewers (R2.7). The filters themselves only ever narrow data.
type FilterBar struct {
	DateRange  *DateRangeFilter `json:"date_range,omitempty"`
	Dimensions []Dimension      `json:"dimensions,omitempty"` // customer, site, team, contract, cost_center
}

// ParseFilterBar decodes and validates a filter bar: known presets, a
// default among the offered ones, known dimensions, each once.
func ParseFilterBar(raw json.RawMessage) (*FilterBar, error) {
	var fb FilterBar
	if err := decodeStrict("filters_json", raw, &fb); err != nil {
		return nil, err
	}
	if dr := fb.DateRange; dr != nil {
		for i, p := range dr.Presets {
			if _, ok := DatePresets[p]; !ok || slices.Index(dr.Presets, p) != i {
				return nil, Invalid(fmt.Sprintf("filters_json.date_range.presets[%d]", i), "unknown or repeated preset %q", p)
			}
		}
		if dr.Default != "" {
			_, known := DatePresets[dr.Default]
			if !known || (len(dr.Presets) > 0 && !slices.Contains(dr.Presets, dr.Default)) {
				return nil, Invalid("filters_json.date_range.default", "must be one of the offered presets")
			}
		}
	}
	for i, d := range fb.Dimensions {
		if !slices.Contains(Dimensions, d) || slices.Index(fb.Dimensions, d) != i {
			return nil, Invalid(fmt.Sprintf("filters_json.dimensions[%d]", i), "unknown or repeated dimension %q", d)
		}
	}
	return &fb, nil
}

// JSON returns the filter bar's canonical encoding.
func (fb *FilterBar) JSON() json.RawMessage { return canonical(fb) }
