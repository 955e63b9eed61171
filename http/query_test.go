package http

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// seedTickets stores tickets for the stack's tenant directly through the
// ingest use case: (status, customer, priority, first response minutes).
func (s *stack) seedTickets(rows [][4]any) {
	s.t.Helper()
	var msgs []app.ConsumedMessage
	created := time.Now().Add(-2 * time.Hour).UTC().Format(time.RFC3339)
	for i, r := range rows {
		ev := fmt.Sprintf(`{"id":"q-%d","tenant_id":"alpha","source":"tickets","type":"ticket.created","occurred_at":%q,"entity_id":"T-%d","version":1,
			"data":{"status":%q,"customer_id":%q,"priority":%q,"first_response_minutes":%d,"created_at":%q}}`,
			i, created, i, r[0], r[1], r[2], r[3], created)
		msgs = append(msgs, app.ConsumedMessage{Topic: "t", Offset: int64(i), Value: []byte(ev)})
	}
	res, err := s.ingest.ApplyMessages(context.Background(), msgs)
	if err != nil || res.Inserted != len(rows) {
		s.t.Fatalf("seed: %+v %v", res, err)
	}
}

func TestQueryAPI(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin@alpha.example", adminPW)
	s.seedTickets([][4]any{{"open", "c1", "high", 10}, {"open", "c1", "low", 20}, {"open", "c2", "high", 30},
		{"resolved", "c2", "urgent", 40}, {"resolved", "c3", "high", 50}})
	q := map[string]any{"source": "tickets",
		"metrics": []any{map[string]any{"agg": "count", "as": "total"}, map[string]any{"agg": "avg", "field": "first_response_minutes", "as": "avg_fr"},
			map[string]any{"agg": "sum", "field": "first_response_minutes", "as": "sum_fr"}},
		"groups":  []any{map[string]any{"field": "status"}},
		"filters": []any{map[string]any{"field": "priority", "op": "IN", "value": []any{"high", "urgent"}}},
		"order":   []any{map[string]any{"by": "total", "dir": "desc"}}, "totals": true}
	r := s.req("POST", "/api/query", admin, q)
	if r.status != 200 {
		t.Fatalf("query: %d %s", r.status, r.raw)
	}
	rows := r.body["rows"].([]any)
	if len(rows) != 2 || fmt.Sprint(rows[0]) != "[open 2 20 40]" || fmt.Sprint(rows[1]) != "[resolved 2 45 90]" {
		t.Fatalf("rows %v", rows)
	}
	if fmt.Sprint(r.body["totals"]) != "[4 32.5 130]" {
		t.Fatalf("totals %v", r.body["totals"])
	}
	meta := r.body["meta"].(map[string]any)
	if meta["route"] != "rollup:tickets_daily_status" || meta["rows"].(float64) != 2 || meta["sql"] != nil {
		t.Fatalf("meta %v", meta)
	}
	cols := r.body["columns"].([]any)
	if cols[0].(map[string]any)["name"] != "status" || cols[1].(map[string]any)["type"] != "int" || cols[2].(map[string]any)["type"] != "float" {
		t.Fatalf("columns %v", cols)
	}

	// explain is for admins, and shows only bound parameters.
	r = s.req("POST", "/api/query?explain=1", admin, q)
	sqlText, _ := r.body["meta"].(map[string]any)["sql"].(string)
	if !strings.Contains(sqlText, "tenant_id = ?") || strings.Contains(sqlText, "high") {
		t.Fatalf("explain: %s", sqlText)
	}
	s.newUser(admin, "viewer@alpha.example")
	viewer := s.login("viewer@alpha.example", "long-enough-pw")
	if r := s.req("POST", "/api/query?explain=1", viewer, q); r.status != 403 {
		t.Fatalf("viewer explain: %d", r.status)
	}

	// Scope: a viewer limited to customer c1 sees only c1's tickets, and a
	// filter asking for c2 cannot widen it.
	viewerID := ""
	for _, u := range s.req("GET", "/api/users", admin, nil).body["items"].([]any) {
		if u.(map[string]any)["email"] == "viewer@alpha.example" {
			viewerID = u.(map[string]any)["id"].(string)
		}
	}
	s.mustCreate(admin, "/api/scope-policies", map[string]any{"subject_type": "user", "subject_id": viewerID, "scope": map[string][]string{"customer": {"c1"}}})
	count := map[string]any{"source": "tickets", "metrics": []any{map[string]any{"agg": "count", "as": "n"}}}
	if r := s.req("POST", "/api/query", viewer, count); fmt.Sprint(r.body["rows"]) != "[[2]]" {
		t.Fatalf("scoped count: %s", r.raw)
	}
	// The same status query needs a rollup carrying the customer for them.
	if r := s.req("POST", "/api/query", viewer, q); fmt.Sprint(r.body["rows"]) != "[[open 1 10 10]]" ||
		r.body["meta"].(map[string]any)["route"] != "rollup:tickets_daily_customer" {
		t.Fatalf("scoped status query: %s", r.raw)
	}
	count["filters"] = []any{map[string]any{"or": []any{map[string]any{"field": "customer_id", "op": "==", "value": "c2"},
		map[string]any{"field": "customer_id", "op": "NOT_EXISTS"}}}}
	if r := s.req("POST", "/api/query", viewer, count); fmt.Sprint(r.body["rows"]) != "[[0]]" {
		t.Fatalf("scope widened by a filter: %s", r.raw)
	}
	// A scope on a dimension the source lacks shows nothing (fail closed).
	ev := map[string]any{"source": "maintenance", "metrics": []any{map[string]any{"agg": "count", "as": "n"}}}
	s.mustCreate(admin, "/api/scope-policies", map[string]any{"subject_type": "user", "subject_id": viewerID, "scope": map[string][]string{"team": {"noc"}}})
	if r := s.req("POST", "/api/query", viewer, ev); fmt.Sprint(r.body["rows"]) != "[[0]]" {
		t.Fatalf("fail closed: %s", r.raw)
	}
}

func TestQueryRefusalsAndInjection(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin@alpha.example", adminPW)
	s.seedTickets([][4]any{{"open", "c1", "high", 10}})
	r := s.req("POST", "/api/query", admin, map[string]any{"source": "tickets",
		"metrics": []any{map[string]any{"agg": "count", "as": "n; DROP TABLE an_tickets"}, map[string]any{"agg": "sum", "field": "status) FROM users --", "as": "x"}},
		"groups":  []any{map[string]any{"field": "created_at", "granularity": "day'); DROP TABLE users; --"}},
		"order":   []any{map[string]any{"by": "n desc; --"}}})
	if r.status != 400 || len(r.body["problems"].([]any)) != 5 {
		t.Fatalf("injection attempts: %d %s", r.status, r.raw)
	}
	if _, field := r.errField(); field != "metrics[0].as" {
		t.Fatalf("first field %q", field)
	}
	// Values carrying SQL are bound, never spliced: they match nothing.
	r = s.req("POST", "/api/query", admin, map[string]any{"source": "tickets", "metrics": []any{map[string]any{"agg": "count", "as": "n"}},
		"filters": []any{map[string]any{"field": "status", "op": "==", "value": "open' OR '1'='1"},
			map[string]any{"field": "category", "op": "CONTAINS", "value": "%' OR 1=1 --"}}})
	if r.status != 200 || fmt.Sprint(r.body["rows"]) != "[[0]]" {
		t.Fatalf("bound values: %d %s", r.status, r.raw)
	}
	if s.count("an_tickets") != 1 || s.count("users") == 0 {
		t.Fatal("tables damaged")
	}
	for name, q := range map[string]any{
		"unknown zone": map[string]any{"source": "tickets", "metrics": []any{map[string]any{"agg": "count", "as": "n"}}, "time_zone": "Mars/Olympus"},
		"bad json":     `{"source":`,
	} {
		if r := s.req("POST", "/api/query", admin, q); r.status != 400 {
			t.Errorf("%s: %d %s", name, r.status, r.raw)
		}
	}
	if r := s.req("POST", "/api/query", "", map[string]any{"source": "tickets"}); r.status != 401 {
		t.Fatalf("unauthenticated: %d", r.status)
	}
	_ = domain.Aggs
}

func TestQuerySubtotalsCompareAndDrill(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin@alpha.example", adminPW)
	s.seedTickets([][4]any{{"open", "c1", "high", 10}, {"open", "c1", "low", 20}, {"open", "c2", "high", 30}, {"resolved", "c2", "urgent", 40}})
	r := s.req("POST", "/api/query", admin, map[string]any{"source": "tickets",
		"metrics":   []any{map[string]any{"agg": "count", "as": "n"}},
		"groups":    []any{map[string]any{"field": "status"}, map[string]any{"field": "customer_id"}},
		"subtotals": []any{"status"}, "totals": true,
		"filters": []any{map[string]any{"field": "created_at", "op": "BETWEEN", "value": []any{"now-1d", "now"}}},
		"compare": "previous_period"})
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	if fmt.Sprint(r.body["rows"]) != "[[open c1 2] [open c2 1] [resolved c2 1]]" ||
		fmt.Sprint(r.body["subtotals"]) != "map[status:[[open 3] [resolved 1]]]" || fmt.Sprint(r.body["totals"]) != "[4]" {
		t.Fatalf("pivot: %s", r.raw)
	}
	cmp := r.body["compare"].(map[string]any)
	if cmp["kind"] != "previous_period" || fmt.Sprint(cmp["rows"]) != "[]" {
		t.Fatalf("compare: %v", cmp)
	}
	// A comparison needs a time range.
	r = s.req("POST", "/api/query", admin, map[string]any{"source": "tickets", "metrics": []any{map[string]any{"agg": "count", "as": "n"}}, "compare": "same_period_last_year"})
	if _, f := r.errField(); r.status != 400 || f != "compare" {
		t.Fatalf("compare without range: %d %s", r.status, r.raw)
	}
	// Drill from customers into c2's sites.
	r = s.req("POST", "/api/query/drill", admin, map[string]any{"hierarchy": "location",
		"path":  []any{map[string]any{"level": "customer_id", "value": "c2"}},
		"query": map[string]any{"source": "tickets", "metrics": []any{map[string]any{"agg": "count", "as": "n"}}, "groups": []any{map[string]any{"field": "customer_id"}}}})
	if r.status != 200 || fmt.Sprint(r.body["rows"]) != "[[<nil> 2]]" || r.body["query"].(map[string]any)["groups"].([]any)[0].(map[string]any)["field"] != "site_id" {
		t.Fatalf("drill: %d %s", r.status, r.raw)
	}
	if r := s.req("POST", "/api/query/drill", admin, map[string]any{"hierarchy": "nope", "path": []any{}, "query": map[string]any{"source": "tickets", "metrics": []any{map[string]any{"agg": "count", "as": "n"}}}}); r.status != 400 {
		t.Fatalf("bad drill: %d", r.status)
	}
}
