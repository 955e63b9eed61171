package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// e2e is a running reportsd with the demo tenant, signed in as its admin.
type e2e struct {
	t     *testing.T
	base  string
	token string
}

func (e *e2e) call(method, path string, body any, out any) int {
	e.t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, e.base+path, rd)
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

// nocWidgets returns the demo NOC dashboard's id and its widget ids by title.
func (e *e2e) nocWidgets() (string, map[string]string) {
	var list struct {
		Items []struct{ ID string } `json:"items"`
	}
	e.call("GET", "/api/dashboards?q=noc", nil, &list)
	if len(list.Items) != 1 {
		e.t.Fatalf("demo dashboards: %+v", list)
	}
	var d struct {
		Widgets []struct{ ID, Title string } `json:"widgets"`
	}
	e.call("GET", "/api/dashboards/"+list.Items[0].ID, nil, &d)
	ids := map[string]string{}
	for _, w := range d.Widgets {
		ids[w.Title] = w.ID
	}
	return list.Items[0].ID, ids
}

// view returns every widget's rows from GET /view, keyed like rowsOf.
func (e *e2e) view(dashboard string) map[string]map[string]float64 {
	var v struct {
		Widgets []struct {
			ID   string `json:"id"`
			Data *struct {
				Columns []struct{ Name string } `json:"columns"`
				Rows    [][]any                 `json:"rows"`
			} `json:"data"`
		} `json:"widgets"`
	}
	if code := e.call("GET", "/api/dashboards/"+dashboard+"/view", nil, &v); code != 200 {
		e.t.Fatalf("view: %d", code)
	}
	out := map[string]map[string]float64{}
	for _, w := range v.Widgets {
		if w.Data != nil {
			out[w.ID] = rowsOf(w.Data.Rows)
		}
	}
	return out
}

// rowsOf keys rows by every value but the last, which is the metric.
func rowsOf(rows [][]any) map[string]float64 {
	out := map[string]float64{}
	for _, r := range rows {
		out[fmt.Sprint(r[:len(r)-1])] = r[len(r)-1].(float64)
	}
	return out
}

// pushed applies snapshots and deltas as the browser client does.
type pushed map[string]map[string]float64

func (p pushed) apply(t *testing.T, f map[string]any) {
	t.Helper()
	w := f["widgetId"].(string)
	rows := func(v any) [][]any {
		var out [][]any
		for _, r := range v.([]any) {
			out = append(out, r.([]any))
		}
		return out
	}
	switch f["type"] {
	case "snapshot":
		p[w] = rowsOf(rows(f["rows"]))
	case "delta":
		for k, v := range rowsOf(rows(f["upsert"])) {
			p[w][k] = v
		}
		for _, k := range rows(f["delete"]) {
			delete(p[w], fmt.Sprint(k))
		}
	}
}

func (e *e2e) ingestOpenTickets(prefix string, n int) {
	e.t.Helper()
	var evs []map[string]any
	now := time.Now().UTC().Format(time.RFC3339Nano)
	for i := range n {
		id := fmt.Sprintf("%s-%d-%d", prefix, i, time.Now().UnixNano())
		evs = append(evs, map[string]any{"id": id, "tenant_id": "acme", "source": "tickets", "type": "ticket.created",
			"occurred_at": now, "entity_id": id, "version": 1,
			"data": map[string]any{"status": "open", "priority": "urgent", "category": "network", "created_at": now}})
	}
	if code := e.call("POST", "/api/events", evs, nil); code != 202 {
		e.t.Fatalf("ingest: %d", code)
	}
}

func startDemo(t *testing.T) *e2e {
	t.Helper()
	base, stdout, _ := startServe(t, []string{"--listen", "127.0.0.1:0", "--data-dir", t.TempDir(), "--demo", "--events", "300",
		"--realtime-coalesce", "50ms"}, map[string]string{"REPORTS_DEMO_PASSWORD": "demo-password-123"})
	_ = stdout
	e := &e2e{t: t, base: base}
	var login struct{ Token string }
	body, _ := json.Marshal(map[string]string{"email": "admin@acme.example", "password": "demo-password-123"})
	resp, err := http.Post(base+"/api/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	_ = json.NewDecoder(resp.Body).Decode(&login)
	resp.Body.Close()
	e.token = login.Token
	return e
}

// TestRealtimeOnTheDemoDashboard subscribes to two NOC widgets over a
// WebSocket of the running server, ingests events, and checks the pushed
// values against a fresh GET /view; the same over SSE with a resume.
func TestRealtimeOnTheDemoDashboard(t *testing.T) {
	e := startDemo(t)
	dash, ids := e.nocWidgets()
	kpi, bar := ids["Open tickets"], ids["Tickets by status"]
	if kpi == "" || bar == "" {
		t.Fatalf("widgets: %v", ids)
	}
	ws := strings.Replace(e.base, "http://", "ws://", 1) + "/realtime"
	if _, resp, err := websocket.DefaultDialer.Dial(ws, http.Header{"Authorization": {"Bearer " + e.token}, "Origin": {"https://evil.example"}}); err == nil || resp.StatusCode != 403 {
		t.Fatalf("foreign origin: %v", err)
	}
	c, _, err := websocket.DefaultDialer.Dial(ws, http.Header{"Authorization": {"Bearer " + e.token}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.WriteJSON(map[string]any{"type": "SUBSCRIBE", "dashboardId": dash, "widgetIds": []string{kpi, bar}}); err != nil {
		t.Fatal(err)
	}
	p := pushed{}
	seq := map[string]float64{}
	read := func() map[string]any {
		_ = c.SetReadDeadline(time.Now().Add(15 * time.Second))
		var f map[string]any
		if err := c.ReadJSON(&f); err != nil {
			t.Fatalf("read: %v", err)
		}
		if w, ok := f["widgetId"].(string); ok && f["seq"] != nil {
			if s := f["seq"].(float64); s <= seq[w] {
				t.Fatalf("%s: seq %v after %v", w, s, seq[w])
			}
			seq[w] = f["seq"].(float64)
		}
		p.apply(t, f)
		return f
	}
	for range 2 {
		if f := read(); f["type"] != "snapshot" {
			t.Fatalf("first frames: %v", f)
		}
	}
	// A second connection watches the KPI under a date preset, whose range
	// ends at "now": the new events must count at once.
	c2, _, err := websocket.DefaultDialer.Dial(ws, http.Header{"Authorization": {"Bearer " + e.token}})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if err := c2.WriteJSON(map[string]any{"type": "SUBSCRIBE", "dashboardId": dash, "widgetIds": []string{kpi},
		"filters": map[string]any{"range": "last_7d"}}); err != nil {
		t.Fatal(err)
	}
	read2 := func() map[string]any {
		_ = c2.SetReadDeadline(time.Now().Add(15 * time.Second))
		var f map[string]any
		if err := c2.ReadJSON(&f); err != nil {
			t.Fatalf("read (last_7d): %v", err)
		}
		return f
	}
	snap := read2()
	if snap["type"] != "snapshot" {
		t.Fatalf("last_7d first frame: %v", snap)
	}
	before := snap["rows"].([]any)[0].([]any)[0].(float64)
	e.ingestOpenTickets("WS", 3)
	if f := read2(); f["type"] != "delta" || f["upsert"].([]any)[0].([]any)[0].(float64) != before+3 {
		t.Fatalf("last_7d after 3 new open tickets: %v, want %v", f, before+3)
	}
	deltas := map[string]bool{}
	for len(deltas) < 2 {
		if f := read(); f["type"] == "delta" {
			deltas[f["widgetId"].(string)] = true
		}
	}
	fresh := e.view(dash)
	for _, w := range []string{kpi, bar} {
		if fmt.Sprint(p[w]) != fmt.Sprint(fresh[w]) {
			t.Errorf("widget %s: pushed %v, GET /view %v", w, p[w], fresh[w])
		}
	}

	// SSE: the same frames, then a resume after a disconnect.
	sse := func(lastID string) (*http.Response, *bufio.Reader) {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/sse/dashboards/%s?widgets=%s,%s", e.base, dash, kpi, bar), nil)
		req.Header.Set("Authorization", "Bearer "+e.token)
		if lastID != "" {
			req.Header.Set("Last-Event-ID", lastID)
		}
		resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("SSE: %v %v", resp, err)
		}
		return resp, bufio.NewReader(resp.Body)
	}
	event := func(r *bufio.Reader) (string, string, map[string]any) {
		var typ, id string
		var data map[string]any
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("SSE read: %v", err)
			}
			line = strings.TrimSpace(line)
			switch {
			case line == "" && typ != "":
				return typ, id, data
			case strings.HasPrefix(line, "event: "):
				typ = line[len("event: "):]
			case strings.HasPrefix(line, "id: "):
				id = line[len("id: "):]
			case strings.HasPrefix(line, "data: "):
				_ = json.Unmarshal([]byte(line[len("data: "):]), &data)
			}
		}
	}
	resp, r := sse("")
	sp := pushed{}
	var lastID string
	for range 2 {
		typ, id, data := event(r)
		if typ != "snapshot" || !regexp.MustCompile(`^[\w-]+:\d+(,[\w-]+:\d+)*$`).MatchString(id) {
			t.Fatalf("SSE event %s id %q", typ, id)
		}
		sp.apply(t, data)
		lastID = id
	}
	resp.Body.Close()
	e.ingestOpenTickets("SSE", 2)
	time.Sleep(300 * time.Millisecond) // the feeds re-query (50 ms window) with nobody listening
	resp, r = sse(lastID)
	defer resp.Body.Close()
	want := e.view(dash)
	for fmt.Sprint(sp[kpi]) != fmt.Sprint(want[kpi]) || fmt.Sprint(sp[bar]) != fmt.Sprint(want[bar]) {
		typ, _, data := event(r)
		if typ != "delta" {
			t.Fatalf("resume sent %s %v, want only missed deltas", typ, data)
		}
		sp.apply(t, data)
	}
}

// TestRealtimeRevokedGrantStopsTheFeed: a viewer watching a private
// dashboard through a grant stops receiving its data the moment the grant
// is revoked, on the running server.
func TestRealtimeRevokedGrantStopsTheFeed(t *testing.T) {
	e := startDemo(t)
	var d, w struct{ ID string }
	if code := e.call("POST", "/api/dashboards", map[string]any{"name": "Private ops", "visibility": "private", "realtime_enabled": true}, &d); code != 201 {
		t.Fatalf("create dashboard: %d", code)
	}
	if code := e.call("POST", "/api/widgets", map[string]any{"dashboard_id": d.ID, "type": "kpi", "viz": "kpi", "title": "Open",
		"config_json": map[string]any{"query": map[string]any{"source": "tickets", "metrics": []any{map[string]any{"agg": "count", "as": "n"}},
			"filters": []any{map[string]any{"field": "status", "op": "==", "value": "open"}}}}}, &w); code != 201 {
		t.Fatalf("create widget: %d", code)
	}
	var users struct {
		Items []struct{ ID, Email string } `json:"items"`
	}
	e.call("GET", "/api/users", nil, &users)
	viewerID := ""
	for _, u := range users.Items {
		if u.Email == "viewer@acme.example" {
			viewerID = u.ID
		}
	}
	var g struct{ ID string }
	if code := e.call("POST", "/api/dashboards/"+d.ID+"/grants", map[string]any{"subject_type": "user", "subject_id": viewerID, "role": "viewer"}, &g); code != 201 {
		t.Fatalf("grant: %d", code)
	}
	viewer := &e2e{t: t, base: e.base}
	var login struct{ Token string }
	body, _ := json.Marshal(map[string]string{"email": "viewer@acme.example", "password": "demo-password-123"})
	resp, err := http.Post(e.base+"/api/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	_ = json.NewDecoder(resp.Body).Decode(&login)
	resp.Body.Close()
	viewer.token = login.Token

	ws := strings.Replace(e.base, "http://", "ws://", 1) + "/realtime"
	c, _, err := websocket.DefaultDialer.Dial(ws, http.Header{"Authorization": {"Bearer " + viewer.token}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	read := func() map[string]any {
		_ = c.SetReadDeadline(time.Now().Add(15 * time.Second))
		var f map[string]any
		if err := c.ReadJSON(&f); err != nil {
			t.Fatalf("read: %v", err)
		}
		return f
	}
	if err := c.WriteJSON(map[string]any{"type": "SUBSCRIBE", "dashboardId": d.ID, "widgetIds": []string{w.ID}}); err != nil {
		t.Fatal(err)
	}
	if f := read(); f["type"] != "snapshot" {
		t.Fatalf("granted viewer got %v, want a snapshot", f)
	}
	if code := e.call("DELETE", "/api/dashboards/"+d.ID+"/grants/"+g.ID, nil, nil); code != 204 {
		t.Fatalf("revoke: %d", code)
	}
	var got []string
	for len(got) < 2 {
		f := read()
		got = append(got, fmt.Sprint(f["type"]))
		if f["type"] == "error" && f["widgetId"] != w.ID {
			t.Fatalf("error frame for another widget: %v", f)
		}
	}
	if !slices.Contains(got, "dashboard") || !slices.Contains(got, "error") {
		t.Fatalf("after the revoke got %v, want the dashboard frame and the widget's error", got)
	}
	// New open tickets change the widget's data; the revoked viewer hears
	// nothing of it (a PING answered first proves the stream is idle).
	e.ingestOpenTickets("REVOKED", 2)
	time.Sleep(500 * time.Millisecond)
	if err := c.WriteJSON(map[string]any{"type": "PING"}); err != nil {
		t.Fatal(err)
	}
	if f := read(); f["type"] != "PONG" {
		t.Fatalf("after the revoke the viewer got %v", f)
	}
}
