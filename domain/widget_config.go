package domain

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"unicode/utf8"
)

// WidgetConfig is a widget's config_json: where its data comes from (a
// query_json, or a saved report), how it is drawn, where it drills and,
// for KPIs, what good looks like.
type WidgetConfig struct {
	Query    *Query `json:"query,omitempty"`
	ReportID string `json:"report_id,omitempty"`
	// Options are renderer settings (colours, stacking, legend, pivot
	// axes...): opaque to the server, bounded in size.
	Options map[string]any `json:"options,omitempty"`
	// Hierarchy names the source's drill-down hierarchy (catalogue).
	Hierarchy string     `json:"hierarchy,omitempty"`
	KPI       *KPIConfig `json:"kpi,omitempty"`
	// Text is the body of a text widget (Markdown, rendered escaped).
	Text string `json:"text,omitempty"`
}

// KPIConfig is what a KPI widget compares its number with.
type KPIConfig struct {
	Metric     string      `json:"metric,omitempty"` // metric alias shown; default the first
	Target     *float64    `json:"target,omitempty"`
	Direction  string      `json:"direction,omitempty"` // higher_is_better (default) | lower_is_better
	Thresholds []Threshold `json:"thresholds,omitempty"`
	Sparkline  *Sparkline  `json:"sparkline,omitempty"`
}

// Sparkline is a KPI's recent trend: its query bucketed by a time field,
// the last Points buckets.
type Sparkline struct {
	Field       string `json:"field,omitempty"`       // a time field of the source; default its time field
	Granularity string `json:"granularity,omitempty"` // hour | day (default) | week | month
	Points      int    `json:"points,omitempty"`      // 2-60, default 14
}

// Sparkline bounds and granularities.
var SparklineGranularities = []string{"hour", "day", "week", "month"}

const (
	defaultSparkPoints = 14
	maxSparkPoints     = 60
)

// Resolved returns the sparkline with its defaults filled for src.
func (sp Sparkline) Resolved(src *Source) Sparkline {
	if sp.Field == "" && src != nil {
		sp.Field = src.TimeField
	}
	if sp.Granularity == "" {
		sp.Granularity = "day"
	}
	if sp.Points == 0 {
		sp.Points = defaultSparkPoints
	}
	return sp
}

// Threshold colours a KPI from Value upwards (thresholds ascend).
type Threshold struct {
	Value float64 `json:"value"`
	Level string  `json:"level"` // ok | warn | crit
}

// Bounds of a widget config.
const (
	maxOptionsBytes = 16 << 10
	maxTextRunes    = 20_000
	maxThresholds   = 10
)

// KPI threshold levels and directions.
var (
	ThresholdLevels = []string{"ok", "warn", "crit"}
	KPIDirections   = []string{"higher_is_better", "lower_is_better"}
)

// ParseWidgetConfig decodes a config_json strictly (unknown fields are
// refused, also inside the query); Validate checks what it means.
func ParseWidgetConfig(raw json.RawMessage) (*WidgetConfig, error) {
	var c WidgetConfig
	if err := decodeStrict("config", raw, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// JSON returns the config's canonical encoding.
func (c *WidgetConfig) JSON() json.RawMessage { return canonical(c) }

// Validate checks c for a widget of type typ against the catalogue. A text
// widget carries text only; any other type exactly one data origin, a query
// (validated, problems under config.query.) or a report id. reportQuery is
// the report's query when c names a report and the caller loaded it, so
// the hierarchy and KPI metric can be checked against it; nil skips those
// checks for a report.
func (c *WidgetConfig) Validate(typ WidgetType, cat *Catalog, reportQuery *Query) error {
	if b, _ := json.Marshal(c.Options); len(b) > maxOptionsBytes {
		return Invalid("config.options", "must be at most %d bytes", maxOptionsBytes)
	}
	if typ == WidgetText {
		if c.Query != nil || c.ReportID != "" || c.Hierarchy != "" || c.KPI != nil {
			return Invalid("config", "a text widget has text only, no query, report, hierarchy or kpi")
		}
		if utf8.RuneCountInString(c.Text) > maxTextRunes {
			return Invalid("config.text", "must be at most %d characters", maxTextRunes)
		}
		return nil
	}
	if c.Text != "" {
		return Invalid("config.text", "only text widgets have text")
	}
	if (c.Query == nil) == (c.ReportID == "") {
		return Invalid("config.query", "a %s widget needs exactly one of query or report_id", typ)
	}
	q := reportQuery
	if c.Query != nil {
		if err := c.Query.Validate(cat); err != nil {
			return PrefixProblems(err, "config.query.")
		}
		q = c.Query
	}
	if c.KPI != nil && typ != WidgetKPI {
		return Invalid("config.kpi", "only kpi widgets have a target and thresholds")
	}
	if q == nil {
		return c.KPI.validate(nil, nil)
	}
	src, _ := cat.Source(q.Source)
	if c.Hierarchy != "" && (src == nil || !slices.ContainsFunc(src.Hierarchies, func(h Hierarchy) bool { return h.Name == c.Hierarchy })) {
		return Invalid("config.hierarchy", "source %s has no hierarchy %q", q.Source, c.Hierarchy)
	}
	return c.KPI.validate(q, src)
}

// PrefixProblems moves a query's validation problems under prefix (e.g.
// "config.query."), so an editor marks the right field of the form the
// query sits in; other errors are returned as they are.
func PrefixProblems(err error, prefix string) error {
	ve, ok := err.(*ValidationError)
	if !ok {
		return err
	}
	out := &ValidationError{Problems: make([]Problem, len(ve.Problems))}
	for i, p := range ve.Problems {
		p.Path = prefix + p.Path
		out.Problems[i] = p
	}
	return out
}

// validate checks a KPI against its query and source (nil: unknown yet).
func (k *KPIConfig) validate(q *Query, src *Source) error {
	if k == nil {
		return nil
	}
	if k.Metric != "" && q != nil && !slices.ContainsFunc(q.Metrics, func(m Metric) bool { return m.As == k.Metric }) {
		return Invalid("config.kpi.metric", "must be a metric alias of the query, got %q", k.Metric)
	}
	if k.Target != nil && (math.IsNaN(*k.Target) || math.IsInf(*k.Target, 0)) {
		return Invalid("config.kpi.target", "must be a finite number")
	}
	if k.Direction != "" && !slices.Contains(KPIDirections, k.Direction) {
		return Invalid("config.kpi.direction", "must be one of %v", KPIDirections)
	}
	if len(k.Thresholds) > maxThresholds {
		return Invalid("config.kpi.thresholds", "at most %d thresholds", maxThresholds)
	}
	if sp := k.Sparkline; sp != nil {
		if sp.Granularity != "" && !slices.Contains(SparklineGranularities, sp.Granularity) {
			return Invalid("config.kpi.sparkline.granularity", "must be one of %v", SparklineGranularities)
		}
		if sp.Points != 0 && (sp.Points < 2 || sp.Points > maxSparkPoints) {
			return Invalid("config.kpi.sparkline.points", "must be between 2 and %d", maxSparkPoints)
		}
		if q != nil && src != nil {
			if f, ok := src.Field(sp.Resolved(src).Field); !ok || f.Type != TypeTime {
				return Invalid("config.kpi.sparkline.field", "must be a time field of source %s", src.Name)
			}
		}
	}
	for i, t := range k.Thresholds {
		path := fmt.Sprintf("config.kpi.thresholds[%d]", i)
		if !slices.Contains(ThresholdLevels, t.Level) {
			return Invalid(path+".level", "must be one of %v", ThresholdLevels)
		}
		if math.IsNaN(t.Value) || math.IsInf(t.Value, 0) || (i > 0 && t.Value <= k.Thresholds[i-1].Value) {
			return Invalid(path+".value", "thresholds must be finite and strictly ascending")
		}
	}
	return nil
}

// SetConfig validates raw for w's type (see WidgetConfig.Validate) and
// stores its canonical form.
func (w *Widget) SetConfig(raw json.RawMessage, cat *Catalog, reportQuery *Query) (*WidgetConfig, error) {
	c, err := ParseWidgetConfig(raw)
	if err != nil {
		return nil, err
	}
	if err := c.Validate(w.Type, cat, reportQuery); err != nil {
		return nil, err
	}
	w.ConfigJSON = c.JSON()
	return c, nil
}
