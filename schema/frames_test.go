package schema_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/schema"
)

// TestFramesSchemaDescribesWhatTheServerSends: every frame type the server
// encodes validates against the published schema, and malformed client
// frames do not.
func TestFramesSchemaDescribesWhatTheServerSends(t *testing.T) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema.FramesSchema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("frames.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("frames.json")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().UnixMilli()
	cols := []app.QueryColumn{{Name: "status", Type: "string"}, {Name: "total", Type: "int"}}
	valid := [][]byte{
		app.EncodeFrame(app.SnapshotFrame{Type: app.FrameSnapshot, WidgetID: "w1", Seq: 1796323128550967, Columns: cols, KeyColumns: 1, Rows: [][]any{{"open", int64(3)}}, At: at}),
		app.EncodeFrame(app.SnapshotFrame{Type: app.FrameSnapshot, WidgetID: "w1", Seq: 1, Columns: cols, Rows: [][]any{}, Totals: []any{nil, 2.5}, At: at}),
		app.EncodeFrame(app.DeltaFrame{Type: app.FrameDelta, WidgetID: "w1", Seq: 2, Upsert: [][]any{{"open", int64(4)}}, Delete: [][]any{{"closed"}}, Order: [][]any{{"open"}}, At: at}),
		app.EncodeFrame(app.BannerFrame{Type: app.FrameBanner, DashboardID: "d1", Level: "critical", Text: "SLA"}),
		app.EncodeFrame(app.DashboardFrame{Type: app.FrameDashboard, DashboardID: "d1"}),
		app.EncodeFrame(app.ErrorFrame{Type: app.FrameError, Code: "not_found", Message: "widget not found", WidgetID: "w9"}),
		app.EncodeFrame(app.ControlFrame{Type: app.FramePong}),
		app.EncodeFrame(app.ControlFrame{Type: app.FrameRevoked}),
		[]byte(`{"type":"SUBSCRIBE","dashboardId":"d1","widgetIds":["w1"],"filters":{"from":"now-7d","customer":["c1","c2"]},"lastSeq":{"w1":41}}`),
		[]byte(`{"type":"UNSUBSCRIBE","dashboardId":"d1"}`),
		[]byte(`{"type":"PING"}`),
	}
	for _, b := range valid {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("%s: %v", b, err)
		}
	}
	invalid := []string{
		`{"type":"SUBSCRIBE"}`,
		`{"type":"SUBSCRIBE","dashboardId":"d1","filters":{"customer":[1]}}`,
		`{"type":"delta","widgetId":"w1","seq":0,"upsert":[],"delete":[],"at":1}`,
		`{"type":"snapshot","widgetId":"w1","seq":1,"columns":[],"keyColumns":0,"rows":[[{"x":1}]],"at":1}`,
		`{"type":"banner","dashboardId":"d1","level":"party","text":"x"}`,
		`{"type":"HELLO"}`,
	}
	for _, s := range invalid {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(v); err == nil {
			t.Errorf("%s validated", s)
		}
	}
}
