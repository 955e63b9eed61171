package domain_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/conductor/reports/domain"
)

// wantField checks err is invalid on field ("" = no error expected).
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		return
	}
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeInvalid || de.Field != field {
		t.Fatalf("error %v, want invalid on %s", err, field)
	}
}

func TestParseLayout(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, raw, field string
	}{
		{"empty", ``, ""},
		{"null", `null`, ""},
		{"one breakpoint", `{"lg":[{"i":"w1","x":0,"y":0,"w":12,"h":4},{"i":"w2","x":6,"y":4,"w":6,"h":2}]}`, ""},
		{"every breakpoint", `{"lg":[],"md":[],"sm":[],"xs":[],"xxs":[{"i":"w1","x":0,"y":0,"w":2,"h":1}]}`, ""},
		{"unknown breakpoint", `{"xl":[]}`, "layout_json.xl"},
		{"unknown item field", `{"lg":[{"i":"w1","x":0,"y":0,"w":1,"h":1,"z":3}]}`, "layout_json"},
		{"not an object", `[]`, "layout_json"},
		{"trailing data", `{} {}`, "layout_json"},
		{"fraction", `{"lg":[{"i":"w1","x":0.5,"y":0,"w":1,"h":1}]}`, "layout_json"},
		{"no id", `{"lg":[{"i":" ","x":0,"y":0,"w":1,"h":1}]}`, "layout_json.lg[0].i"},
		{"too wide", `{"sm":[{"i":"w1","x":0,"y":0,"w":7,"h":1}]}`, "layout_json.sm[0].w"},
		{"zero width", `{"lg":[{"i":"w1","x":0,"y":0,"w":0,"h":1}]}`, "layout_json.lg[0].w"},
		{"past the edge", `{"lg":[{"i":"w1","x":9,"y":0,"w":4,"h":1}]}`, "layout_json.lg[0].x"},
		{"negative x", `{"lg":[{"i":"w1","x":-1,"y":0,"w":4,"h":1}]}`, "layout_json.lg[0].x"},
		{"too tall", `{"lg":[{"i":"w1","x":0,"y":0,"w":4,"h":101}]}`, "layout_json.lg[0].h"},
		{"negative y", `{"lg":[{"i":"w1","x":0,"y":-2,"w":4,"h":1}]}`, "layout_json.lg[0].y"},
		{"too far down", `{"lg":[{"i":"w1","x":0,"y":10001,"w":4,"h":1}]}`, "layout_json.lg[0].y"},
		{"placed twice", `{"lg":[{"i":"w1","x":0,"y":0,"w":4,"h":1},{"i":"w1","x":4,"y":0,"w":4,"h":1}]}`, "layout_json.lg[1].i"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := domain.ParseLayout(json.RawMessage(tc.raw))
			wantField(t, err, tc.field)
		})
	}
	var many []domain.GridItem
	for i := 0; i < 201; i++ {
		many = append(many, domain.GridItem{I: strings.Repeat("w", 1) + string(rune('a'+i%26)) + strings.Repeat("x", i/26), W: 1, H: 1})
	}
	b, _ := json.Marshal(domain.Layout{"lg": many})
	_, err := domain.ParseLayout(b)
	wantField(t, err, "layout_json.lg")
}

func TestLayoutJSONAndRemap(t *testing.T) {
	t.Parallel()
	l, err := domain.ParseLayout(json.RawMessage(`{ "md":[{"w":5,"i":"a","x":0,"y":0,"h":2}], "lg":[{"i":"a","x":0,"y":0,"w":6,"h":2},{"i":"b","x":6,"y":0,"w":6,"h":2}] }`))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(l.JSON()); got != `{"lg":[{"h":2,"i":"a","w":6,"x":0,"y":0},{"h":2,"i":"b","w":6,"x":6,"y":0}],"md":[{"h":2,"i":"a","w":5,"x":0,"y":0}]}` {
		t.Fatalf("canonical layout %s", got)
	}
	r := l.Remap(map[string]string{"a": "a2"})
	if len(r["lg"]) != 1 || r["lg"][0].I != "a2" || r["md"][0].I != "a2" || l["lg"][0].I != "a" {
		t.Fatalf("remap %+v (original %+v)", r, l)
	}
}

func TestParseFilterBar(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, raw, field string
	}{
		{"empty", `{}`, ""},
		{"full", `{"date_range":{"presets":["today","last_7d"],"default":"last_7d"},"dimensions":["customer","site","team","contract","cost_center"]}`, ""},
		{"default among all presets", `{"date_range":{"default":"this_month"}}`, ""},
		{"unknown preset", `{"date_range":{"presets":["fortnight"]}}`, "filters_json.date_range.presets[0]"},
		{"repeated preset", `{"date_range":{"presets":["today","today"]}}`, "filters_json.date_range.presets[1]"},
		{"default not offered", `{"date_range":{"presets":["today"],"default":"last_7d"}}`, "filters_json.date_range.default"},
		{"unknown default", `{"date_range":{"default":"someday"}}`, "filters_json.date_range.default"},
		{"unknown dimension", `{"dimensions":["customer","planet"]}`, "filters_json.dimensions[1]"},
		{"repeated dimension", `{"dimensions":["site","site"]}`, "filters_json.dimensions[1]"},
		{"unknown field", `{"colour":"red"}`, "filters_json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := domain.ParseFilterBar(json.RawMessage(tc.raw))
			wantField(t, err, tc.field)
		})
	}
	for name, r := range domain.DatePresets {
		if !domain.IsRelativeDate(r.From) || !domain.IsRelativeDate(r.To) {
			t.Errorf("preset %s: %+v is not relative", name, r)
		}
	}
}

const kpiQuery = `{"source":"tickets","metrics":[{"agg":"count","as":"open"}],"filters":[{"field":"status","op":"NOT_IN","value":["resolved","closed"]}]}`

func TestWidgetConfigValidate(t *testing.T) {
	t.Parallel()
	cat := catalog(t)
	report := parseQuery(t, `{"source":"expenses","metrics":[{"agg":"sum","field":"amount","as":"total"}]}`)
	for _, tc := range []struct {
		name   string
		typ    domain.WidgetType
		raw    string
		report *domain.Query
		field  string
	}{
		{"kpi with target", domain.WidgetKPI, `{"query":` + kpiQuery + `,"kpi":{"metric":"open","target":50,"direction":"lower_is_better","thresholds":[{"value":80,"level":"warn"},{"value":120,"level":"crit"}]}}`, nil, ""},
		{"chart with hierarchy", domain.WidgetChart, `{"query":{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"customer_id"}]},"hierarchy":"location","options":{"stacked":true}}`, nil, ""},
		{"report widget", domain.WidgetTable, `{"report_id":"r1","hierarchy":"cost"}`, report, ""},
		{"report not loaded", domain.WidgetKPI, `{"report_id":"r1","hierarchy":"anything","kpi":{"target":3}}`, nil, ""},
		{"text", domain.WidgetText, `{"text":"# Hello"}`, nil, ""},
		{"no data", domain.WidgetChart, `{}`, nil, "config.query"},
		{"both origins", domain.WidgetChart, `{"query":` + kpiQuery + `,"report_id":"r1"}`, nil, "config.query"},
		{"bad query", domain.WidgetChart, `{"query":{"source":"tickets","metrics":[{"agg":"sum","field":"status","as":"x"}]}}`, nil, "config.query.metrics[0].agg"},
		{"unknown query field", domain.WidgetChart, `{"query":{"source":"tickets","metrics":[],"sql":"DROP"}}`, nil, "config"},
		{"unknown source", domain.WidgetChart, `{"query":{"source":"planets","metrics":[{"agg":"count","as":"n"}]}}`, nil, "config.query.source"},
		{"unknown hierarchy", domain.WidgetChart, `{"query":` + kpiQuery + `,"hierarchy":"cost"}`, nil, "config.hierarchy"},
		{"report hierarchy", domain.WidgetChart, `{"report_id":"r1","hierarchy":"category"}`, report, "config.hierarchy"},
		{"text with query", domain.WidgetText, `{"text":"x","query":` + kpiQuery + `}`, nil, "config"},
		{"long text", domain.WidgetText, `{"text":"` + strings.Repeat("a", 20001) + `"}`, nil, "config.text"},
		{"text on a chart", domain.WidgetChart, `{"query":` + kpiQuery + `,"text":"x"}`, nil, "config.text"},
		{"kpi on a chart", domain.WidgetChart, `{"query":` + kpiQuery + `,"kpi":{"target":1}}`, nil, "config.kpi"},
		{"kpi unknown metric", domain.WidgetKPI, `{"query":` + kpiQuery + `,"kpi":{"metric":"closed"}}`, nil, "config.kpi.metric"},
		{"kpi direction", domain.WidgetKPI, `{"query":` + kpiQuery + `,"kpi":{"direction":"up"}}`, nil, "config.kpi.direction"},
		{"kpi level", domain.WidgetKPI, `{"query":` + kpiQuery + `,"kpi":{"thresholds":[{"value":1,"level":"red"}]}}`, nil, "config.kpi.thresholds[0].level"},
		{"kpi descending", domain.WidgetKPI, `{"query":` + kpiQuery + `,"kpi":{"thresholds":[{"value":5,"level":"warn"},{"value":5,"level":"crit"}]}}`, nil, "config.kpi.thresholds[1].value"},
		{"kpi too many", domain.WidgetKPI, `{"query":` + kpiQuery + `,"kpi":{"thresholds":[` + strings.Repeat(`{"value":1,"level":"ok"},`, 10) + `{"value":1,"level":"ok"}]}}`, nil, "config.kpi.thresholds"},
		{"big options", domain.WidgetChart, `{"query":` + kpiQuery + `,"options":{"x":"` + strings.Repeat("a", 17000) + `"}}`, nil, "config.options"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := domain.NewWidget("w1", "t1", "d1", tc.typ, map[domain.WidgetType]domain.Viz{domain.WidgetKPI: domain.VizKPI,
				domain.WidgetChart: domain.VizBar, domain.WidgetTable: domain.VizTable, domain.WidgetText: domain.VizText}[tc.typ], time.Now())
			if err != nil {
				t.Fatal(err)
			}
			_, err = w.SetConfig(json.RawMessage(tc.raw), cat, tc.report)
			wantField(t, err, tc.field)
			if err == nil && !json.Valid(w.ConfigJSON) {
				t.Fatalf("stored config %s", w.ConfigJSON)
			}
		})
	}
}

func TestWidgetConfigIsCanonicalAndNormalised(t *testing.T) {
	t.Parallel()
	w, _ := domain.NewWidget("w1", "t1", "d1", domain.WidgetKPI, domain.VizKPI, time.Now())
	c, err := w.SetConfig(json.RawMessage(`{"kpi":{"target":1.50},"query":{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"filters":[{"field":"status","op":"=","value":"open"}]}}`), catalog(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Query.Filters[0].Op != "==" {
		t.Fatalf("op not normalised: %+v", c.Query.Filters[0])
	}
	want := `{"kpi":{"target":1.5},"query":{"filters":[{"field":"status","op":"==","value":"open"}],"metrics":[{"agg":"count","as":"n"}],"source":"tickets"}}`
	if string(w.ConfigJSON) != want {
		t.Fatalf("config\n got  %s\n want %s", w.ConfigJSON, want)
	}
	again, err := domain.CanonicalJSON(w.ConfigJSON)
	if err != nil || string(again) != want {
		t.Fatalf("not a fixed point: %s %v", again, err)
	}
}

func TestCanonicalJSON(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`{ "b": 1, "a": [1, 2.50, "x"] }`: `{"a":[1,2.50,"x"],"b":1}`,
		`{"big": 12345678901234567890}`:   `{"big":12345678901234567890}`,
		`"<a>"`:                           `"\u003ca\u003e"`,
	} {
		got, err := domain.CanonicalJSON([]byte(in))
		if err != nil || string(got) != want {
			t.Errorf("CanonicalJSON(%s) = %s %v, want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{`{`, `{} []`, ``} {
		if _, err := domain.CanonicalJSON([]byte(bad)); err == nil {
			t.Errorf("CanonicalJSON(%q) succeeded", bad)
		}
	}
}

func TestDashboardSetters(t *testing.T) {
	t.Parallel()
	now := time.Now()
	d, err := domain.NewDashboard("d1", "t1", "u1", "NOC", domain.VisibilityPrivate, now)
	if err != nil {
		t.Fatal(err)
	}
	wantField(t, d.Rename(" Ops ", " live "), "")
	if d.Name != "Ops" || d.Description != "live" {
		t.Fatalf("rename %q %q", d.Name, d.Description)
	}
	wantField(t, d.Rename("", ""), "name")
	wantField(t, d.Rename("x", strings.Repeat("d", 2001)), "description")
	wantField(t, d.SetAudience(domain.VisibilityGroup, "team-1", ""), "")
	wantField(t, d.SetAudience("everyone", "", ""), "visibility")
	wantField(t, d.SetAudience(domain.VisibilityCustomer, "", " "), "customer_id")
	wantField(t, d.SetAudience(domain.VisibilityCustomer, "", "c1"), "")
	if d.Visibility != domain.VisibilityCustomer || d.CustomerID != "c1" || d.TeamID != "" {
		t.Fatalf("audience %+v", d)
	}
	wantField(t, d.SetLayout(json.RawMessage(`{"lg":[{"i":"w","x":0,"y":0,"w":1,"h":1}]}`)), "")
	wantField(t, d.SetLayout(json.RawMessage(`{"lg":1}`)), "layout_json")
	wantField(t, d.SetFilters(json.RawMessage(`{"dimensions":["site"]}`)), "")
	wantField(t, d.SetFilters(json.RawMessage(`{"dimensions":["x"]}`)), "filters_json.dimensions[0]")
	if string(d.FiltersJSON) != `{"dimensions":["site"]}` || !strings.Contains(string(d.LayoutJSON), `"i":"w"`) {
		t.Fatalf("stored %s %s", d.FiltersJSON, d.LayoutJSON)
	}

	w, err := domain.NewWidget("w1", "t1", "d1", domain.WidgetChart, domain.VizBar, now)
	if err != nil {
		t.Fatal(err)
	}
	wantField(t, w.SetKind(domain.WidgetChart, domain.VizTreemap), "")
	wantField(t, w.SetKind(domain.WidgetKPI, domain.VizBar), "viz")
	wantField(t, w.SetKind("gauge", domain.VizBar), "type")
	wantField(t, w.SetTitle(strings.Repeat("t", 201)), "title")
	wantField(t, w.SetTitle(" Open "), "")
	wantField(t, w.SetPosition(-1), "position")
	wantField(t, w.SetPosition(3), "")
	if w.Title != "Open" || w.Position != 3 || w.Viz != domain.VizTreemap {
		t.Fatalf("widget %+v", w)
	}
}

func TestVersionConflictError(t *testing.T) {
	t.Parallel()
	err := error(&domain.VersionConflictError{What: "dashboard", Expected: 2, Current: 3})
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeConflict || de.Field != "version" || !strings.Contains(de.Message, "version 3") {
		t.Fatalf("as domain error: %+v", de)
	}
	if !domain.IsCode(err, domain.CodeConflict) || !strings.Contains(err.Error(), "version 3, not 2") {
		t.Fatalf("error %v", err)
	}
	var vc *domain.VersionConflictError
	if !errors.As(fmt.Errorf("update: %w", err), &vc) || vc.Current != 3 {
		t.Fatal("wrapped conflict lost its version")
	}
}
