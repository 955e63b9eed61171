package http

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// ticket is a seeded ticket: status, customer, site, created this long ago.
type ticket struct {
	status, customer, site string
	age                    time.Duration
}

// seedTicketsAt stores tickets through the ingest use case.
func (s *stack) seedTicketsAt(ts []ticket) {
	s.t.Helper()
	var msgs []app.ConsumedMessage
	now := time.Now().UTC()
	for i, tk := range ts {
		created := now.Add(-tk.age).Format(time.RFC3339)
		ev := fmt.Sprintf(`{"id":"dv-%d","tenant_id":"alpha","source":"tickets","type":"ticket.created","occurred_at":%q,"entity_id":"T-%d","version":1,
			"data":{"status":%q,"customer_id":%q,"site_id":%q,"priority":"high","created_at":%q}}`, i, created, i, tk.status, tk.customer, tk.site, created)
		msgs = append(msgs, app.ConsumedMessage{Topic: "t", Offset: int64(i), Value: []byte(ev)})
	}
	if res, err := s.ingest.ApplyMessages(context.Background(), msgs); err != nil || res.Inserted != len(ts) {
		s.t.Fatalf("seed: %+v %v", res, err)
	}
}

// viewWidgets returns GET /view's widgets by title.
func (s *stack) viewWidgets(token, d, query string) map[string]map[string]any {
	s.t.Helper()
	r := s.req("GET", "/api/dashboards/"+d+"/view"+query, token, nil)
	if r.status != 200 {
		s.t.Fatalf("view %s: %d %s", query, r.status, r.raw)
	}
	out := map[string]map[string]any{}
	for _, w := range r.body["widgets"].([]any) {
		out[w.(map[string]any)["title"].(string)] = w.(map[string]any)
	}
	return out
}

// rowsOf returns a widget's data rows.
func rowsOf(t *testing.T, w map[string]any) string {
	t.Helper()
	data, ok := w["data"].(map[string]any)
	if !ok {
		t.Fatalf("widget %v has no data", w)
	}
	return fmt.Sprint(data["rows"])
}

var demoTickets = []ticket{
	{"open", "c1", "s1", time.Hour}, {"open", "c1", "s2", 3 * time.Hour}, {"resolved", "c1", "s1", 30 * time.Hour},
	{"open", "c2", "s3", time.Hour}, {"open", "c2", "s3", 50 * time.Hour}, {"open", "c3", "s4", 2 * time.Hour},
}

// titled is a widget body with a title.
func titled(body map[string]any, title string) map[string]any {
	body["title"] = title
	return body
}

func TestDashboardViewAndGlobalFilters(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin@alpha.example", adminPW)
	s.seedTicketsAt(demoTickets)
	d := s.newDashboard(admin, "NOC")
	s.mustCreate(admin, "/api/widgets", titled(widgetBody(d, countByCustomer), "by customer"))
	s.mustCreate(admin, "/api/widgets", map[string]any{"dashboard_id": d, "type": "kpi", "viz": "kpi", "title": "open",
		"config_json": map[string]any{"query": map[string]any{"source": "tickets", "metrics": []any{map[string]any{"agg": "count", "as": "n"}},
			"filters": []any{map[string]any{"field": "status", "op": "NOT_IN", "value": []any{"resolved", "closed"}}}},
			"kpi": map[string]any{"target": 2, "direction": "lower_is_better", "thresholds": []any{map[string]any{"value": 3, "level": "warn"}}}}})
	s.mustCreate(admin, "/api/widgets", map[string]any{"dashboard_id": d, "type": "text", "viz": "text", "title": "note", "config_json": map[string]any{"text": "hi"}})
	// Maintenance carries no team: a team filter does not apply to it.
	s.mustCreate(admin, "/api/widgets", titled(widgetBody(d, map[string]any{"source": "maintenance", "metrics": []any{map[string]any{"agg": "count", "as": "n"}}}), "maintenance"))
	broken := s.newWidget(admin, d, countByCustomer)

	// A catalogue change can break a saved widget; it answers its own
	// error and the others still answer.
	err := s.meta.InTx(context.Background(), func(tx app.MetaTx) error {
		w, err := tx.GetWidget(context.Background(), s.tenant, broken)
		if err != nil {
			return err
		}
		w.Title, w.ConfigJSON = "broken", json.RawMessage(`{"query":{"source":"tickets","metrics":[{"agg":"avg","field":"gone","as":"x"}]}}`)
		return tx.UpdateWidget(context.Background(), w, w.Version)
	})
	if err != nil {
		t.Fatal(err)
	}
	ws := s.viewWidgets(admin, d, "")
	if got := rowsOf(t, ws["by customer"]); got != "[[c1 3] [c2 2] [c3 1]]" {
		t.Fatalf("unfiltered: %s", got)
	}
	if got := rowsOf(t, ws["open"]); got != "[[5]]" {
		t.Fatalf("kpi: %s", got)
	}
	if ws["note"]["data"] != nil || ws["note"]["error"] != nil || ws["maintenance"]["error"] != nil {
		t.Fatalf("text / maintenance widgets: %v %v", ws["note"], ws["maintenance"])
	}
	e := ws["broken"]["error"].(map[string]any)
	if e["code"] != "invalid" || e["field"] != "config.query.metrics[0].field" || ws["broken"]["data"] != nil {
		t.Fatalf("broken widget: %v", ws["broken"])
	}
	meta := ws["by customer"]["data"].(map[string]any)["meta"].(map[string]any)
	if meta["rows"].(float64) != 3 || meta["route"] == "" {
		t.Fatalf("meta %v", meta)
	}

	// Filters narrow: each filtered view equals the same query with the
	// filter written into it, run through POST /api/query.
	cut := time.Now().Add(-2 * time.Hour).UTC().Format(time.RFC3339)
	for _, tc := range []struct {
		query   string
		filters []any
	}{
		{"?customer=c1&customer=c2", []any{map[string]any{"field": "customer_id", "op": "IN", "value": []any{"c1", "c2"}}}},
		{"?from=now-24h", []any{map[string]any{"field": "created_at", "op": ">=", "value": "now-24h"}}},
		{"?range=last_24h&site=s1&site=s3", []any{map[string]any{"field": "created_at", "op": ">=", "value": "now-24h"},
			map[string]any{"field": "created_at", "op": "<", "value": "now"}, map[string]any{"field": "site_id", "op": "IN", "value": []any{"s1", "s3"}}}},
		{"?to=" + url.QueryEscape(cut), []any{map[string]any{"field": "created_at", "op": "<", "value": cut}}},
	} {
		q := map[string]any{}
		for k, v := range countByCustomer {
			q[k] = v
		}
		q["filters"] = tc.filters
		want := s.req("POST", "/api/query", admin, q)
		got := rowsOf(t, s.viewWidgets(admin, d, tc.query)["by customer"])
		if want.status != 200 || got != fmt.Sprint(want.body["rows"]) {
			t.Errorf("%s: view %s, query %d %s", tc.query, got, want.status, want.raw)
		}
	}
	ws = s.viewWidgets(admin, d, "?team=noc&customer=c3")
	if rowsOf(t, ws["by customer"]) != "[]" || ws["maintenance"]["error"] != nil {
		t.Fatalf("team filter: %v / %v", ws["by customer"], ws["maintenance"])
	}
	for _, bad := range []string{"?from=yesterday", "?range=fortnight", "?range=today&from=now-1d", "?from=now&from=now-1d",
		"?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z"} {
		wantStatus(t, "filters "+bad, s.req("GET", "/api/dashboards/"+d+"/view"+bad, admin, nil), 400, "invalid")
	}
}

func TestGlobalFiltersNeverWidenScope(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin@alpha.example", adminPW)
	s.seedTicketsAt(demoTickets)
	viewerID, viewer := s.userWithRole(admin, "vi@alpha.example", "viewer")
	s.mustCreate(admin, "/api/scope-policies", map[string]any{"subject_type": "user", "subject_id": viewerID, "scope": map[string][]string{"customer": {"c1"}}})
	d := s.newDashboard(admin, "NOC")
	w := s.mustCreate(admin, "/api/widgets", titled(widgetBody(d, countByCustomer), "by customer"))
	for query, want := range map[string]string{
		"":                         "[[c1 3]]",
		"?customer=c2":             "[]",
		"?customer=c1&customer=c2": "[[c1 3]]",
		"?site=s2":                 "[[c1 1]]",
	} {
		if got := rowsOf(t, s.viewWidgets(viewer, d, query)["by customer"]); got != want {
			t.Errorf("scoped viewer %q: %s, want %s", query, got, want)
		}
	}
	// Drill-down keeps the scope and the filters too.
	drill := func(token string, body map[string]any) reply {
		return s.req("POST", "/api/widgets/"+w+"/drill", token, body)
	}
	path := []any{map[string]any{"field": "customer_id", "value": "c2"}}
	if r := drill(viewer, map[string]any{"path": path}); r.status != 200 || fmt.Sprint(r.body["rows"]) != "[]" {
		t.Fatalf("scoped drill into c2: %d %s", r.status, r.raw)
	}
	path = []any{map[string]any{"field": "customer_id", "value": "c1"}}
	if r := drill(viewer, map[string]any{"path": path, "filters": map[string]any{"site": "s1"}}); fmt.Sprint(r.body["rows"]) != "[[s1 2]]" {
		t.Fatalf("filtered drill: %s", r.raw)
	}
	r := drill(admin, map[string]any{"path": path})
	if r.status != 200 || fmt.Sprint(r.body["rows"]) != "[[s1 2] [s2 1]]" || r.body["columns"].([]any)[0].(map[string]any)["name"] != "site_id" {
		t.Fatalf("drill: %d %s", r.status, r.raw)
	}
	if groups := r.body["query"].(map[string]any)["groups"].([]any); groups[0].(map[string]any)["field"] != "site_id" {
		t.Fatalf("drilled query %v", r.body["query"])
	}
	for name, body := range map[string]map[string]any{
		"wrong level":    {"path": []any{map[string]any{"field": "site_id", "value": "s1"}}},
		"empty path":     {"path": []any{}},
		"unknown filter": {"path": path, "filters": map[string]any{"planet": "mars"}},
		"bad filter":     {"path": path, "filters": map[string]any{"customer": 3}},
		"bad date":       {"path": path, "filters": map[string]any{"from": "soon"}},
	} {
		wantStatus(t, "drill "+name, drill(admin, body), 400, "invalid")
	}
	flat := s.mustCreate(admin, "/api/widgets", map[string]any{"dashboard_id": d, "type": "table", "viz": "table",
		"config_json": map[string]any{"query": countByCustomer}})
	r = s.req("POST", "/api/widgets/"+flat+"/drill", admin, map[string]any{"path": path})
	if _, field := r.errField(); r.status != 400 || field != "hierarchy" {
		t.Fatalf("drill without a hierarchy: %d %s", r.status, r.raw)
	}
	wantStatus(t, "drill an unknown widget", s.req("POST", "/api/widgets/nope/drill", admin, map[string]any{"path": path}), 404, "not_found")
}

func TestDuplicateAndReportWidgets(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin@alpha.example", adminPW)
	edID, editor := s.userWithRole(admin, "ed@alpha.example", "editor")
	s.seedTicketsAt(demoTickets)
	// A report owned by the admin, visible to nobody else.
	q, _ := json.Marshal(map[string]any{"source": "tickets", "metrics": []any{map[string]any{"agg": "count", "as": "n"}}, "groups": []any{map[string]any{"field": "status"}}})
	rep, err := domain.NewReport(app.NewID(), s.tenant, s.adminID, "By status", q, domain.VisibilityPrivate, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.meta.InTx(context.Background(), func(tx app.MetaTx) error { return tx.CreateReport(context.Background(), rep) }); err != nil {
		t.Fatal(err)
	}
	d := s.newDashboard(admin, "Ops")
	fromReport := map[string]any{"dashboard_id": d, "type": "table", "viz": "table", "title": "report",
		"config_json": map[string]any{"report_id": rep.ID, "hierarchy": "category"}}
	w := s.mustCreate(admin, "/api/widgets", fromReport)
	wantStatus(t, "a dashboard the editor may only view", s.req("POST", "/api/widgets", editor, fromReport), 403, "forbidden")
	s.grant(d, domain.SubjectUser, edID, domain.GrantEditor)
	r := s.req("POST", "/api/widgets", editor, fromReport)
	if _, field := r.errField(); r.status != 400 || field != "config.report_id" {
		t.Fatalf("editor binds an invisible report: %d %s", r.status, r.raw)
	}
	layout := map[string]any{"lg": []any{map[string]any{"i": w, "x": 0, "y": 0, "w": 6, "h": 4}, map[string]any{"i": "gone", "x": 6, "y": 0, "w": 6, "h": 4}}}
	wantStatus(t, "layout", s.req("PUT", "/api/dashboards/"+d, admin, map[string]any{"layout_json": layout, "version": 1}), 200, "")
	if got := rowsOf(t, s.viewWidgets(editor, d, "?customer=c1")["report"]); got != "[[open 2] [resolved 1]]" {
		t.Fatalf("report widget for the editor: %s", got)
	}

	// The editor copies the dashboard: new ids, the layout follows them.
	r = s.req("POST", "/api/dashboards/"+d+"/duplicate", editor, map[string]any{"name": "My ops"})
	if r.status != 201 || r.body["name"] != "My ops" || r.body["owner_id"] != edID || r.body["visibility"] != "private" {
		t.Fatalf("duplicate: %d %s", r.status, r.raw)
	}
	copied := r.body["widgets"].([]any)
	cw := copied[0].(map[string]any)
	items := r.body["layout_json"].(map[string]any)["lg"].([]any)
	if len(copied) != 1 || cw["id"] == w || cw["dashboard_id"] != r.body["id"] || len(items) != 1 || items[0].(map[string]any)["i"] != cw["id"] {
		t.Fatalf("copied widgets %v, layout %v", copied, items)
	}
	if r := s.req("POST", "/api/dashboards/"+d+"/duplicate", admin, ""); r.status != 201 || r.body["name"] != "Copy of Ops" {
		t.Fatalf("default copy name: %d %s", r.status, r.raw)
	}
	wantStatus(t, "bad duplicate body", s.req("POST", "/api/dashboards/"+d+"/duplicate", admin, `{"nom":1}`), 400, "invalid")
}

func TestKPISparkline(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin@alpha.example", adminPW)
	s.seedTicketsAt(demoTickets)
	viewerID, viewer := s.userWithRole(admin, "vi@alpha.example", "viewer")
	s.mustCreate(admin, "/api/scope-policies", map[string]any{"subject_type": "user", "subject_id": viewerID, "scope": map[string][]string{"customer": {"c1"}}})
	d := s.newDashboard(admin, "NOC")
	openQ := map[string]any{"source": "tickets", "metrics": []any{map[string]any{"agg": "count", "as": "n"}},
		"filters": []any{map[string]any{"field": "status", "op": "==", "value": "open"}}}
	kpi := func(spark map[string]any) map[string]any {
		return map[string]any{"dashboard_id": d, "type": "kpi", "viz": "kpi", "title": "open",
			"config_json": map[string]any{"query": openQ, "kpi": map[string]any{"sparkline": spark}}}
	}
	w := s.mustCreate(admin, "/api/widgets", kpi(map[string]any{"granularity": "hour", "points": 60}))
	spark := func(token, query string) reply { return s.req("GET", "/api/widgets/"+w+"/sparkline"+query, token, nil) }
	// The KPI's query by hour over the window, from POST /api/query: the
	// buckets with data, which the sparkline must hold with zeros between.
	reference := func(token, from string, extra ...any) map[string]float64 {
		q := map[string]any{}
		for k, v := range openQ {
			q[k] = v
		}
		q["filters"] = append(append(append([]any{}, openQ["filters"].([]any)...), extra...),
			map[string]any{"field": "created_at", "op": ">=", "value": from})
		q["groups"] = []any{map[string]any{"field": "created_at", "granularity": "hour", "as": "bucket"}}
		r := s.req("POST", "/api/query", token, q)
		if r.status != 200 {
			t.Fatalf("reference query: %d %s", r.status, r.raw)
		}
		out := map[string]float64{}
		for _, row := range r.body["rows"].([]any) {
			out[row.([]any)[0].(string)] = row.([]any)[1].(float64)
		}
		return out
	}
	// check: 60 consecutive hours ending with the current one, each the
	// reference's count or zero.
	check := func(name string, r reply, ref func(from string) map[string]float64) {
		t.Helper()
		if r.status != 200 {
			t.Fatalf("%s: %d %s", name, r.status, r.raw)
		}
		rows := r.body["rows"].([]any)
		if len(rows) != 60 {
			t.Fatalf("%s: %d buckets, want 60: %s", name, len(rows), r.raw)
		}
		first := rows[0].([]any)[0].(string)
		want := ref(first)
		var prev time.Time
		nonZero := 0
		for i, row := range rows {
			b, err := time.Parse(time.RFC3339, row.([]any)[0].(string))
			if err != nil {
				t.Fatal(err)
			}
			if i > 0 && b.Sub(prev) != time.Hour {
				t.Fatalf("%s: bucket %d at %s after %s", name, i, b, prev)
			}
			prev = b
			if v := row.([]any)[1].(float64); v != want[b.UTC().Format(time.RFC3339)] {
				t.Errorf("%s: %s = %v, want %v", name, b, v, want[b.UTC().Format(time.RFC3339)])
			} else if v != 0 {
				nonZero++
			}
		}
		if now := time.Now(); prev.After(now) || now.Sub(prev) > time.Hour {
			t.Errorf("%s: last bucket %s is not the current hour", name, prev)
		}
		if nonZero != len(want) {
			t.Errorf("%s: %d buckets with data, reference has %d", name, nonZero, len(want))
		}
	}
	check("admin", spark(admin, ""), func(from string) map[string]float64 { return reference(admin, from) })
	r := spark(admin, "")
	if cols := fmt.Sprint(r.body["columns"]); !strings.Contains(cols, "bucket") || !strings.Contains(cols, "n") {
		t.Errorf("columns %s", cols)
	}
	c2 := map[string]any{"field": "customer_id", "op": "IN", "value": []any{"c2"}}
	check("filtered", spark(admin, "?customer=c2"), func(from string) map[string]float64 { return reference(admin, from, c2) })
	// The viewer's scope (customer c1) holds, whatever the filters ask.
	c1 := map[string]any{"field": "customer_id", "op": "IN", "value": []any{"c1"}}
	for _, q := range []string{"", "?customer=c1&customer=c2"} {
		check("viewer "+q, spark(viewer, q), func(from string) map[string]float64 { return reference(admin, from, c1) })
	}
	check("viewer asking for c2", spark(viewer, "?customer=c2"), func(string) map[string]float64 { return map[string]float64{} })
	// Only the last points buckets.
	few := s.mustCreate(admin, "/api/widgets", kpi(map[string]any{"granularity": "hour", "points": 2}))
	if got := s.req("GET", "/api/widgets/"+few+"/sparkline", admin, nil); len(got.body["rows"].([]any)) != 2 {
		t.Errorf("2 points: %s", got.raw)
	}
	// An average is not zero when there is nothing to average: no filling.
	avg := s.mustCreate(admin, "/api/widgets", map[string]any{"dashboard_id": d, "type": "kpi", "viz": "kpi", "title": "avg",
		"config_json": map[string]any{"query": map[string]any{"source": "tickets", "metrics": []any{map[string]any{"agg": "avg", "field": "first_response_minutes", "as": "frt"}}},
			"kpi": map[string]any{"sparkline": map[string]any{"granularity": "hour", "points": 60}}}})
	if got := s.req("GET", "/api/widgets/"+avg+"/sparkline", admin, nil); got.status != 200 || len(got.body["rows"].([]any)) >= 60 {
		t.Errorf("average sparkline: %d, %d rows (want only buckets with data)", got.status, len(got.body["rows"].([]any)))
	}
	plain := s.mustCreate(admin, "/api/widgets", map[string]any{"dashboard_id": d, "type": "kpi", "viz": "kpi", "title": "plain",
		"config_json": map[string]any{"query": openQ}})
	wantStatus(t, "no sparkline", s.req("GET", "/api/widgets/"+plain+"/sparkline", admin, nil), 400, "invalid")
	wantStatus(t, "bad filter", spark(admin, "?range=fortnight"), 400, "invalid")
	for field, bad := range map[string]map[string]any{
		"config.kpi.sparkline.granularity": {"granularity": "minute"},
		"config.kpi.sparkline.points":      {"points": 500},
		"config.kpi.sparkline.field":       {"field": "status"},
	} {
		r := s.req("POST", "/api/widgets", admin, kpi(bad))
		if r.status != 400 || r.body["error"].(map[string]any)["field"] != field {
			t.Errorf("%v: %d %s, want 400 at %s", bad, r.status, r.raw, field)
		}
	}
}
