package app

import (
	"reflect"
	"testing"
)

func TestParseClientFrame(t *testing.T) {
	f, err := ParseClientFrame([]byte(`{"type":"SUBSCRIBE","dashboardId":"d1","widgetIds":["a","b"],
		"filters":{"site":"s1","team":["t1","t2"]},"lastSeq":{"a":7}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := ClientFrame{Type: FrameSubscribe, DashboardID: "d1", WidgetIDs: []string{"a", "b"},
		Filters: map[string][]string{"site": {"s1"}, "team": {"t1", "t2"}}, LastSeq: map[string]int64{"a": 7}}
	f.RawFilters = nil
	if !reflect.DeepEqual(f, want) {
		t.Fatalf("got %+v, want %+v", f, want)
	}
	if f, err := ParseClientFrame([]byte(`{"type":"PING","filters":null}`)); err != nil || f.Filters != nil {
		t.Fatalf("null filters: %+v %v", f, err)
	}
	for in, msg := range map[string]string{
		`{not json`:                              "frame is not a JSON object of the realtime protocol",
		`[1,2]`:                                  "frame is not a JSON object of the realtime protocol",
		`{"type":"PING","filters":[1]}`:          "filters must be an object",
		`{"type":"PING","filters":{"site":[1]}}`: "filters.site must be a string or a list of strings",
		`{"type":"PING","filters":{"site":{}}}`:  "filters.site must be a string or a list of strings",
	} {
		if _, err := ParseClientFrame([]byte(in)); err == nil || err.Error() != msg {
			t.Errorf("%s: got %v, want %q", in, err, msg)
		}
	}
}
