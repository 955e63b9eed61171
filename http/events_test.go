package http

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// ticketEvent is a valid tickets envelope for tenant (slug).
func ticketEvent(tenant, id, entity string, version int, status string) map[string]any {
	return map[string]any{"id": id, "tenant_id": tenant, "source": "tickets", "type": "ticket.created",
		"occurred_at": time.Now().Add(-time.Minute).UTC().Format(time.RFC3339), "entity_id": entity, "version": version,
		"data": map[string]any{"status": status, "priority": "high", "customer_id": "c1",
			"created_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), "first_response_minutes": 12}}
}

func TestIngestWithModuleKeyEndToEnd(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin@alpha.example", adminPW)
	r := s.req("POST", "/api/api-keys", admin, map[string]any{"name": "tickets module", "sources": []string{"tickets"}})
	if r.status != 201 {
		t.Fatalf("create key: %d %s", r.status, r.raw)
	}
	key, keyID := r.body["key"].(string), r.body["id"].(string)
	if !strings.HasPrefix(key, "crk_") || len(key) < 40 {
		t.Fatalf("key %q", key)
	}
	var stored []byte
	_ = s.raw.QueryRow(`SELECT key_hash FROM api_keys WHERE id = ?`, keyID).Scan(&stored)
	if len(stored) != 32 || strings.Contains(string(stored), key) {
		t.Fatal("the key is not stored as its SHA-256")
	}
	if r := s.req("GET", "/api/api-keys", admin, nil); strings.Contains(string(r.raw), key) || len(r.body["items"].([]any)) != 1 {
		t.Fatalf("list keys: %s", r.raw)
	}

	// A JSON array: two valid tickets, one of another source the key may
	// not ingest, one of another tenant, one invalid field.
	exp := map[string]any{"id": "x1", "tenant_id": "alpha", "source": "expenses", "type": "expense.submitted",
		"occurred_at": time.Now().UTC().Format(time.RFC3339), "entity_id": "X-1", "version": 1,
		"data": map[string]any{"amount": 10, "spent_at": time.Now().UTC().Format(time.RFC3339)}}
	bad := ticketEvent("alpha", "e3", "T-3", 1, "open")
	bad["data"].(map[string]any)["priority"] = "critical"
	body := []any{ticketEvent("alpha", "e1", "T-1", 1, "open"), ticketEvent("alpha", "e2", "T-2", 1, "pending"), exp,
		ticketEvent("beta", "e4", "T-4", 1, "open"), bad}
	r = s.req("POST", "/api/events", key, body)
	if r.status != 202 || r.body["accepted"].(float64) != 2 {
		t.Fatalf("submit: %d %s", r.status, r.raw)
	}
	rej := r.body["rejected"].([]any)
	reasons := map[float64]string{}
	for _, x := range rej {
		m := x.(map[string]any)
		reasons[m["index"].(float64)] = m["reason"].(string)
	}
	if len(rej) != 3 || !strings.Contains(reasons[2], `cannot ingest source "expenses"`) ||
		!strings.Contains(reasons[3], `unknown tenant "beta"`) || !strings.Contains(reasons[4], "data.priority: must be one of") {
		t.Fatalf("rejections: %s", r.raw)
	}
	s.waitIngested(2)
	tot, err := s.analytics.SourceTotals(context.Background(), s.tenant, "tickets")
	if err != nil || tot.Rows != 2 || tot.Sums["first_response_minutes"] != 24 {
		t.Fatalf("tickets after ingest: %+v %v", tot, err)
	}
	// NDJSON with a replay of e1 and a new version of T-1.
	nd := fmt.Sprintf("%s\n%s\n", mustJSON(ticketEvent("alpha", "e1", "T-1", 1, "open")), mustJSON(ticketEvent("alpha", "e5", "T-1", 2, "resolved")))
	if r := s.req("POST", "/api/events", key, nd, "Content-Type", "application/x-ndjson"); r.status != 202 || r.body["accepted"].(float64) != 2 {
		t.Fatalf("ndjson: %d %s", r.status, r.raw)
	}
	s.waitIngested(2)
	tot, _ = s.analytics.SourceTotals(context.Background(), s.tenant, "tickets")
	ev, _ := s.analytics.SourceTotals(context.Background(), s.tenant, "events")
	if tot.Rows != 2 || ev.Rows != 3 {
		t.Fatalf("after replay: tickets %+v events %+v", tot, ev)
	}
	if err := s.analytics.VerifyRollups(context.Background(), s.tenant); err != nil {
		t.Fatal(err)
	}

	// Dead letters: the admin sees the three refusals with reasons.
	r = s.req("GET", "/api/events/dead-letters?limit=2", admin, nil)
	if r.status != 200 || len(r.body["items"].([]any)) != 2 || r.body["next_cursor"] == nil {
		t.Fatalf("dead letters page 1: %d %s", r.status, r.raw)
	}
	r2 := s.req("GET", "/api/events/dead-letters?cursor="+r.body["next_cursor"].(string), admin, nil)
	if len(r2.body["items"].([]any)) != 1 {
		t.Fatalf("dead letters page 2: %s", r2.raw)
	}
	// The key cannot read dead letters, the catalogue or anything else.
	for _, path := range []string{"/api/events/dead-letters", "/api/catalog", "/api/me", "/api/teams"} {
		if r := s.req("GET", path, key, nil); r.status != 403 {
			t.Errorf("module key on %s: %d", path, r.status)
		}
	}
	// Revocation takes effect on the next request.
	if r := s.req("DELETE", "/api/api-keys/"+keyID, admin, nil); r.status != 204 {
		t.Fatalf("revoke: %d", r.status)
	}
	if r := s.req("POST", "/api/events", key, ticketEvent("alpha", "e9", "T-9", 1, "open")); r.status != 401 {
		t.Fatalf("revoked key: %d %s", r.status, r.raw)
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestIngestBadRequests(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin@alpha.example", adminPW)
	s.newUser(admin, "viewer@alpha.example")
	viewer := s.login("viewer@alpha.example", "long-enough-pw")
	huge := strings.Repeat(mustJSON(ticketEvent("alpha", "x", "T", 1, "open"))+"\n", 40000)
	for _, c := range []struct {
		name, token string
		body        any
		status      int
		field       string
	}{
		{"no auth", "", ticketEvent("alpha", "a", "T", 1, "open"), 401, ""},
		{"viewer", viewer, ticketEvent("alpha", "a", "T", 1, "open"), 403, ""},
		{"empty", admin, " ", 400, "body"},
		{"bad array", admin, "[{", 400, "body"},
		{"too large", admin, huge, 413, "body"},
	} {
		r := s.req("POST", "/api/events", c.token, c.body)
		if _, field := r.errField(); r.status != c.status || field != c.field {
			t.Errorf("%s: %d %s", c.name, r.status, r.raw)
		}
	}
	// Malformed single envelope: accepted 0, rejected with the reason.
	r := s.req("POST", "/api/events", admin, `{"id":"m1","tenant_id":"alpha","source":"tickets","type":"ticket.created","occurred_at":"yesterday","entity_id":"T","version":1}`)
	if r.status != 202 || r.body["accepted"].(float64) != 0 || !strings.Contains(string(r.raw), "occurred_at") {
		t.Fatalf("bad timestamp: %d %s", r.status, r.raw)
	}
	if r := s.req("GET", "/api/catalog", admin, nil); r.status != 200 || len(r.body["sources"].([]any)) != 5 {
		t.Fatalf("catalog: %d", r.status)
	}
	if r := s.req("POST", "/api/api-keys", admin, map[string]any{"name": "k", "sources": []string{"weather"}}); r.status != 400 {
		t.Fatalf("unknown source key: %d %s", r.status, r.raw)
	} else if _, f := r.errField(); f != "sources[0]" {
		t.Fatalf("field %q", f)
	}
	if r := s.req("GET", "/api/events/dead-letters?limit=0", admin, nil); r.status != 400 {
		t.Fatalf("bad limit: %d", r.status)
	}
}
