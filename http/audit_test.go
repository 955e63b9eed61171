package http

import (
	"fmt"
	"strings"
	"testing"
)

// mutation is one mutating route with what it takes to call it.
type mutation struct {
	method, route string // route as registered
	action        string // the audit action it must write
	// call prepares what the route needs and returns the concrete path,
	// the body and the token to send.
	call func(s *stack, admin string) (path string, body any, token string)
	// notTransactional marks the one route whose change lives outside the
	// metadata store (events go to the stream): its audit row is written
	// after the stream accepted the events, and a failure is answered as
	// an error the caller retries (event ids make retries harmless).
	notTransactional bool
}

func (s *stack) mustCreate(token, path string, body any) string {
	s.t.Helper()
	r := s.req("POST", path, token, body)
	if r.status != 201 {
		s.t.Fatalf("create %s: %d %s", path, r.status, r.raw)
	}
	return r.body["id"].(string)
}

func (s *stack) newUser(admin, email string) string {
	return s.mustCreate(admin, "/api/users", map[string]string{"email": email, "name": "N", "role": "viewer", "password": "long-enough-pw"})
}

// mutations lists every mutating route. TestEveryMutatingRouteIsAudited
// fails when a route is added without a row here.
var mutations = []mutation{
	{"POST", "/api/auth/login", "auth.login", func(s *stack, _ string) (string, any, string) {
		return "/api/auth/login", map[string]string{"email": "admin@alpha.example", "password": adminPW}, ""
	}, false},
	{"POST", "/api/auth/logout", "auth.logout", func(s *stack, _ string) (string, any, string) {
		return "/api/auth/logout", nil, s.login("admin@alpha.example", adminPW)
	}, false},
	{"POST", "/api/users", "user.create", func(s *stack, admin string) (string, any, string) {
		return "/api/users", map[string]string{"email": "new@alpha.example", "name": "New", "role": "editor", "password": "long-enough-pw"}, admin
	}, false},
	{"PATCH", "/api/users/:id", "user.update", func(s *stack, admin string) (string, any, string) {
		id := s.newUser(admin, "patch@alpha.example")
		return "/api/users/" + id, map[string]any{"role": "editor", "name": "Renamed"}, admin
	}, false},
	{"POST", "/api/admin/realtime/disconnect", "realtime.disconnect", func(s *stack, admin string) (string, any, string) {
		return "/api/admin/realtime/disconnect", map[string]string{"scope": "tenant"}, admin
	}, false},
	{"POST", "/api/teams", "team.create", func(s *stack, admin string) (string, any, string) {
		return "/api/teams", map[string]string{"name": "NOC"}, admin
	}, false},
	{"POST", "/api/teams/:id/members", "team.add_member", func(s *stack, admin string) (string, any, string) {
		team := s.mustCreate(admin, "/api/teams", map[string]string{"name": "NOC"})
		return "/api/teams/" + team + "/members", map[string]string{"user_id": s.newUser(admin, "m@alpha.example")}, admin
	}, false},
	{"DELETE", "/api/teams/:id/members/:user", "team.remove_member", func(s *stack, admin string) (string, any, string) {
		team := s.mustCreate(admin, "/api/teams", map[string]string{"name": "NOC"})
		user := s.newUser(admin, "m@alpha.example")
		if r := s.req("POST", "/api/teams/"+team+"/members", admin, map[string]string{"user_id": user}); r.status != 204 {
			s.t.Fatalf("add member: %d %s", r.status, r.raw)
		}
		return "/api/teams/" + team + "/members/" + user, nil, admin
	}, false},
	{"POST", "/api/customers", "customer.create", func(s *stack, admin string) (string, any, string) {
		return "/api/customers", map[string]string{"name": "Globex"}, admin
	}, false},
	{"POST", "/api/sites", "site.create", func(s *stack, admin string) (string, any, string) {
		c := s.mustCreate(admin, "/api/customers", map[string]string{"name": "Globex"})
		return "/api/sites", map[string]string{"name": "SP", "customer_id": c}, admin
	}, false},
	{"POST", "/api/contracts", "contract.create", func(s *stack, admin string) (string, any, string) {
		c := s.mustCreate(admin, "/api/customers", map[string]string{"name": "Globex"})
		return "/api/contracts", map[string]string{"name": "24x7", "customer_id": c}, admin
	}, false},
	{"POST", "/api/cost-centers", "cost_center.create", func(s *stack, admin string) (string, any, string) {
		return "/api/cost-centers", map[string]string{"name": "Ops", "code": "CC-1"}, admin
	}, false},
	{"POST", "/api/scope-policies", "scope_policy.create", func(s *stack, admin string) (string, any, string) {
		return "/api/scope-policies", map[string]any{"subject_type": "user", "subject_id": s.newUser(admin, "p@alpha.example"),
			"scope": map[string][]string{"customer": {"c1"}}}, admin
	}, false},
	{"POST", "/api/api-keys", "api_key.create", func(s *stack, admin string) (string, any, string) {
		return "/api/api-keys", map[string]any{"name": "tickets module", "sources": []string{"tickets"}}, admin
	}, false},
	{"DELETE", "/api/api-keys/:id", "api_key.revoke", func(s *stack, admin string) (string, any, string) {
		id := s.mustCreate(admin, "/api/api-keys", map[string]any{"name": "old module"})
		return "/api/api-keys/" + id, nil, admin
	}, false},
	{"POST", "/api/events", "events.submit", func(s *stack, admin string) (string, any, string) {
		return "/api/events", ticketEvent("alpha", "audit-ev-1", "T-1", 1, "open"), admin
	}, true},
	{"DELETE", "/api/scope-policies/:id", "scope_policy.delete", func(s *stack, admin string) (string, any, string) {
		id := s.mustCreate(admin, "/api/scope-policies", map[string]any{"subject_type": "user",
			"subject_id": s.newUser(admin, "p@alpha.example"), "scope": map[string][]string{"site": {"s1"}}})
		return "/api/scope-policies/" + id, nil, admin
	}, false},
	{"POST", "/api/dashboards", "dashboard.create", func(s *stack, admin string) (string, any, string) {
		return "/api/dashboards", map[string]any{"name": "NOC", "visibility": "public"}, admin
	}, false},
	{"PUT", "/api/dashboards/:id", "dashboard.update", func(s *stack, admin string) (string, any, string) {
		return "/api/dashboards/" + s.newDashboard(admin, "NOC"), map[string]any{"name": "NOC v2", "version": 1}, admin
	}, false},
	{"DELETE", "/api/dashboards/:id", "dashboard.delete", func(s *stack, admin string) (string, any, string) {
		return "/api/dashboards/" + s.newDashboard(admin, "NOC"), nil, admin
	}, false},
	{"POST", "/api/dashboards/:id/duplicate", "dashboard.duplicate", func(s *stack, admin string) (string, any, string) {
		d := s.newDashboard(admin, "NOC")
		s.newWidget(admin, d, countByCustomer)
		return "/api/dashboards/" + d + "/duplicate", nil, admin
	}, false},
	{"POST", "/api/dashboards/:id/grants", "dashboard.grant_create", func(s *stack, admin string) (string, any, string) {
		return "/api/dashboards/" + s.newDashboard(admin, "NOC") + "/grants",
			map[string]any{"subject_type": "user", "subject_id": s.newUser(admin, "g@alpha.example"), "role": "viewer"}, admin
	}, false},
	{"DELETE", "/api/dashboards/:id/grants/:grant", "dashboard.grant_delete", func(s *stack, admin string) (string, any, string) {
		d := s.newDashboard(admin, "NOC")
		g := s.mustCreate(admin, "/api/dashboards/"+d+"/grants",
			map[string]any{"subject_type": "user", "subject_id": s.newUser(admin, "g@alpha.example"), "role": "editor"})
		return "/api/dashboards/" + d + "/grants/" + g, nil, admin
	}, false},
	{"POST", "/api/widgets", "widget.create", func(s *stack, admin string) (string, any, string) {
		return "/api/widgets", widgetBody(s.newDashboard(admin, "NOC"), countByCustomer), admin
	}, false},
	{"PUT", "/api/widgets/:id", "widget.update", func(s *stack, admin string) (string, any, string) {
		w := s.newWidget(admin, s.newDashboard(admin, "NOC"), countByCustomer)
		return "/api/widgets/" + w, map[string]any{"title": "Renamed", "version": 1}, admin
	}, false},
	{"DELETE", "/api/widgets/:id", "widget.delete", func(s *stack, admin string) (string, any, string) {
		return "/api/widgets/" + s.newWidget(admin, s.newDashboard(admin, "NOC"), countByCustomer), nil, admin
	}, false},
}

// readOnlyPosts are POST routes that change nothing (their bodies are
// too rich for a query string), so they write no audit row.
var readOnlyPosts = map[string]bool{"/api/query": true, "/api/query/drill": true, "/api/widgets/:id/drill": true}

func isMutating(method string) bool {
	switch method {
	case "POST", "PUT", "PATCH", "DELETE":
		return true
	}
	return false
}

// TestEveryMutatingRouteIsAudited: each mutating endpoint writes exactly
// one audit row, with its action, actor and request id (N7, acceptance 4).
func TestEveryMutatingRouteIsAudited(t *testing.T) {
	s := newStack(t)
	known := map[string]bool{}
	for _, m := range mutations {
		known[m.method+" "+m.route] = true
	}
	for _, r := range s.srv.Routes() {
		if isMutating(r[0]) && strings.HasPrefix(r[1], "/api/") && !known[r[0]+" "+r[1]] && !(r[0] == "POST" && readOnlyPosts[r[1]]) {
			t.Errorf("mutating route %s %s has no audit test row", r[0], r[1])
		}
	}
	for _, m := range mutations {
		t.Run(m.method+" "+m.route, func(t *testing.T) {
			s := newStack(t)
			admin := s.login("admin@alpha.example", adminPW)
			path, body, token := m.call(s, admin)
			before := s.count("audit_logs")
			rid := fmt.Sprintf("audit-test-%d", before)
			r := s.req(m.method, path, token, body, "X-Request-ID", rid)
			if r.status/100 != 2 {
				t.Fatalf("%s %s: %d %s", m.method, path, r.status, r.raw)
			}
			if after := s.count("audit_logs"); after != before+1 {
				t.Fatalf("audit rows %d -> %d, want exactly one more", before, after)
			}
			var action, tenant, user string
			if err := s.raw.QueryRow(`SELECT action, tenant_id, user_id FROM audit_logs WHERE request_id = ?`, rid).Scan(&action, &tenant, &user); err != nil {
				t.Fatal(err)
			}
			if action != m.action || tenant != s.tenant || user != s.adminID {
				t.Fatalf("audit row: action %q tenant %q user %q", action, tenant, user)
			}
		})
	}
}

// TestMutationsAreAtomicWithTheirAudit forces the store to fail after the
// change and its audit row were written in the transaction: neither may
// remain (acceptance 4).
func TestMutationsAreAtomicWithTheirAudit(t *testing.T) {
	for _, m := range mutations {
		if m.notTransactional {
			continue
		}
		t.Run(m.method+" "+m.route, func(t *testing.T) {
			s := newStack(t)
			admin := s.login("admin@alpha.example", adminPW)
			path, body, token := m.call(s, admin)
			before := s.fingerprint()
			s.meta.fail.Store(true)
			r := s.req(m.method, path, token, body)
			s.meta.fail.Store(false)
			if code, _ := r.errField(); r.status != 500 || code != "internal" {
				t.Fatalf("with an injected failure: %d %s", r.status, r.raw)
			}
			if strings.Contains(string(r.raw), "injected") {
				t.Fatalf("internal error text leaked: %s", r.raw)
			}
			if after := s.fingerprint(); after != before {
				t.Fatalf("state changed although the transaction failed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

func TestAuditListFiltersPagesAndIsolation(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin@alpha.example", adminPW)
	for i := 0; i < 7; i++ {
		s.mustCreate(admin, "/api/teams", map[string]string{"name": fmt.Sprintf("T%d", i)})
	}
	// Page through team.create rows three at a time, newest first.
	var seen []string
	cursor := ""
	for page := 0; page < 5; page++ {
		r := s.req("GET", "/api/audit?action=team.create&limit=3&cursor="+cursor, admin, nil)
		if r.status != 200 {
			t.Fatalf("audit: %d %s", r.status, r.raw)
		}
		for _, it := range r.body["items"].([]any) {
			row := it.(map[string]any)
			if row["action"] != "team.create" || row["user_id"] != s.adminID {
				t.Fatalf("row %v", row)
			}
			seen = append(seen, row["id"].(string))
		}
		next, _ := r.body["next_cursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	if len(seen) != 7 {
		t.Fatalf("paged %d rows, want 7: %v", len(seen), seen)
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] >= seen[i-1] {
			t.Fatalf("not newest first / overlapping: %v", seen)
		}
	}
	// Object filter and snapshots.
	r := s.req("GET", "/api/audit?object_type=team&limit=1", admin, nil)
	items := r.body["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["after"].(map[string]any)["name"] != "T6" {
		t.Fatalf("object filter / after snapshot: %s", r.raw)
	}
	for _, bad := range []string{"limit=0", "limit=abc", "since=yesterday", "until=2026-13-01"} {
		r := s.req("GET", "/api/audit?"+bad, admin, nil)
		if _, field := r.errField(); r.status != 400 || field != strings.SplitN(bad, "=", 2)[0] {
			t.Errorf("%s: %d %s", bad, r.status, r.raw)
		}
	}
	// Non-admins may not read the audit log.
	s.newUser(admin, "viewer@alpha.example")
	viewer := s.login("viewer@alpha.example", "long-enough-pw")
	if r := s.req("GET", "/api/audit", viewer, nil); r.status != 403 {
		t.Fatalf("viewer reads audit: %d", r.status)
	}
	// Time filters: nothing after the far future.
	r = s.req("GET", "/api/audit?since=2100-01-01T00:00:00Z", admin, nil)
	if len(r.body["items"].([]any)) != 0 {
		t.Fatalf("since filter: %s", r.raw)
	}
}
