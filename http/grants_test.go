package http

import (
	"strings"
	"testing"
)

// grantsOf returns the grants listed for dashboard d as subject_id -> role.
func (s *stack) grantsOf(token, d string) map[string]string {
	s.t.Helper()
	r := s.req("GET", "/api/dashboards/"+d+"/grants", token, nil)
	if r.status != 200 {
		s.t.Fatalf("list grants: %d %s", r.status, r.raw)
	}
	out := map[string]string{}
	for _, it := range r.body["items"].([]any) {
		g := it.(map[string]any)
		out[g["subject_id"].(string)] = g["role"].(string)
	}
	return out
}

// listed reports whether dashboard d is in token's tenant listing.
func (s *stack) listed(token, d string) bool {
	s.t.Helper()
	r := s.req("GET", "/api/dashboards?tab=tenant", token, nil)
	if r.status != 200 {
		s.t.Fatalf("list dashboards: %d %s", r.status, r.raw)
	}
	for _, it := range r.body["items"].([]any) {
		if it.(map[string]any)["id"] == d {
			return true
		}
	}
	return false
}

func grantBody(st, id, role string) map[string]any {
	return map[string]any{"subject_type": st, "subject_id": id, "role": role}
}

// TestDashboardGrantsRBAC: who may read and change a dashboard's grants.
func TestDashboardGrantsRBAC(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin@alpha.example", adminPW)
	_, owner := s.userWithRole(admin, "owner@alpha.example", "editor")
	edID, editor := s.userWithRole(admin, "ed@alpha.example", "editor")
	viID, viewer := s.userWithRole(admin, "vi@alpha.example", "viewer")
	_, stranger := s.userWithRole(admin, "st@alpha.example", "editor")
	targetID, _ := s.userWithRole(admin, "target@alpha.example", "viewer")
	beta, _, _ := s.otherTenant()

	d := s.mustCreate(owner, "/api/dashboards", map[string]any{"name": "Private"})
	s.mustCreate(owner, "/api/dashboards/"+d+"/grants", grantBody("user", edID, "editor"))
	s.mustCreate(owner, "/api/dashboards/"+d+"/grants", grantBody("user", viID, "viewer"))
	base := "/api/dashboards/" + d

	cases := []struct {
		who                    string
		token                  string
		list, subjects, create int
	}{
		{"owner", owner, 200, 200, 201},
		{"admin", admin, 200, 200, 200}, // the owner granted target just before: a role change
		{"editor by grant", editor, 200, 403, 403},
		{"viewer by grant", viewer, 403, 403, 403},
		{"user without access", stranger, 404, 404, 404},
		{"other tenant admin", beta, 404, 404, 404},
	}
	for _, c := range cases {
		t.Run(c.who, func(t *testing.T) {
			wantStatus(t, "list", s.req("GET", base+"/grants", c.token, nil), c.list, "")
			wantStatus(t, "subjects", s.req("GET", base+"/grant-subjects", c.token, nil), c.subjects, "")
			wantStatus(t, "grant", s.req("POST", base+"/grants", c.token, grantBody("user", targetID, "viewer")), c.create, "")
		})
	}
	// Revoking follows the same rule as granting.
	g := s.req("POST", base+"/grants", owner, grantBody("user", targetID, "editor"))
	wantStatus(t, "owner changes the role", g, 200, "")
	gid := g.body["id"].(string)
	for _, c := range []struct {
		who, token string
		status     int
	}{{"editor by grant", editor, 403}, {"viewer by grant", viewer, 403}, {"stranger", stranger, 404}, {"other tenant", beta, 404}} {
		wantStatus(t, c.who+" revokes", s.req("DELETE", base+"/grants/"+gid, c.token, nil), c.status, "")
	}
	if got := s.grantsOf(owner, d)[targetID]; got != "editor" {
		t.Fatalf("the grant changed although every revoke was refused: %q", got)
	}
	wantStatus(t, "admin revokes", s.req("DELETE", base+"/grants/"+gid, admin, nil), 204, "")
	wantStatus(t, "revoke twice", s.req("DELETE", base+"/grants/"+gid, admin, nil), 404, "not_found")
	if _, ok := s.grantsOf(owner, d)[targetID]; ok {
		t.Fatal("the revoked grant is still listed")
	}
}

// TestDashboardGrantsGiveAndTakeAccess: a grant opens a private dashboard
// to its subject per its role; revoking closes it again.
func TestDashboardGrantsGiveAndTakeAccess(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin@alpha.example", adminPW)
	_, owner := s.userWithRole(admin, "owner@alpha.example", "editor")
	alID, alice := s.userWithRole(admin, "alice@alpha.example", "editor")
	team := s.mustCreate(admin, "/api/teams", map[string]string{"name": "NOC"})
	bobID := s.mustCreate(admin, "/api/users", map[string]string{"email": "bob@alpha.example", "name": "Bob", "role": "editor", "password": "long-enough-pw"})
	wantStatus(t, "bob joins NOC", s.req("POST", "/api/teams/"+team+"/members", admin, map[string]string{"user_id": bobID}), 204, "")
	bob := s.login("bob@alpha.example", "long-enough-pw")

	d := s.mustCreate(owner, "/api/dashboards", map[string]any{"name": "Private"})
	base := "/api/dashboards/" + d
	if s.listed(alice, d) || s.listed(bob, d) {
		t.Fatal("a private dashboard is listed for users without a grant")
	}
	wantStatus(t, "alice opens before the grant", s.req("GET", base, alice, nil), 404, "not_found")

	// Viewer grant to alice: listed, opens, views, but may not edit.
	g := s.req("POST", base+"/grants", owner, grantBody("user", alID, "viewer"))
	wantStatus(t, "grant alice viewer", g, 201, "")
	if g.body["subject_name"] != "alice@alpha.example" || g.body["role"] != "viewer" || g.body["dashboard_id"] != d {
		t.Fatalf("grant answer: %s", g.raw)
	}
	gid := g.body["id"].(string)
	if !s.listed(alice, d) {
		t.Fatal("the viewer grant does not list the dashboard")
	}
	wantStatus(t, "alice opens", s.req("GET", base, alice, nil), 200, "")
	wantStatus(t, "alice views", s.req("GET", base+"/view", alice, nil), 200, "")
	wantStatus(t, "alice edits as viewer", s.req("PUT", base, alice, map[string]any{"name": "Hers", "version": 1}), 403, "forbidden")

	// The same subject again changes the role of the same grant.
	up := s.req("POST", base+"/grants", owner, grantBody("user", alID, "editor"), "X-Request-ID", "grant-up")
	wantStatus(t, "alice becomes editor", up, 200, "")
	if up.body["id"] != gid || up.body["role"] != "editor" {
		t.Fatalf("role change: %s", up.raw)
	}
	var action, before, after string
	if err := s.raw.QueryRow(`SELECT action, before_json, after_json FROM audit_logs WHERE request_id = 'grant-up'`).Scan(&action, &before, &after); err != nil {
		t.Fatal(err)
	}
	if action != "dashboard.grant_update" || !strings.Contains(before, `"viewer"`) || !strings.Contains(after, `"editor"`) {
		t.Fatalf("audit of the role change: %s %s %s", action, before, after)
	}
	if n := len(s.grantsOf(owner, d)); n != 1 {
		t.Fatalf("%d grants after a role change, want 1", n)
	}
	wantStatus(t, "alice edits as editor", s.req("PUT", base, alice, map[string]any{"name": "Shared", "version": 1}), 200, "")
	wantStatus(t, "alice may not delete", s.req("DELETE", base, alice, nil), 403, "forbidden")

	// A team grant reaches the team's members.
	wantStatus(t, "bob before the team grant", s.req("GET", base, bob, nil), 404, "not_found")
	tg := s.mustCreate(owner, base+"/grants", grantBody("team", team, "viewer"))
	if !s.listed(bob, d) {
		t.Fatal("the team grant does not list the dashboard for a member")
	}
	wantStatus(t, "bob opens through his team", s.req("GET", base, bob, nil), 200, "")

	// Revoking closes the dashboard again.
	wantStatus(t, "revoke alice", s.req("DELETE", base+"/grants/"+gid, owner, nil), 204, "")
	wantStatus(t, "revoke NOC", s.req("DELETE", base+"/grants/"+tg, owner, nil), 204, "")
	if s.listed(alice, d) || s.listed(bob, d) {
		t.Fatal("a revoked grant still lists the dashboard")
	}
	wantStatus(t, "alice after revoke", s.req("GET", base, alice, nil), 404, "not_found")
	wantStatus(t, "bob after revoke", s.req("GET", base, bob, nil), 404, "not_found")
}

// TestDashboardGrantsRefuseBadSubjects: other tenants' users and teams,
// unknown ids, the owner, owner role and bad types are refused at their
// field, and nothing is written.
func TestDashboardGrantsRefuseBadSubjects(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin@alpha.example", adminPW)
	ownerID, owner := s.userWithRole(admin, "owner@alpha.example", "editor")
	alID, _ := s.userWithRole(admin, "alice@alpha.example", "viewer")
	_, betaTeam, betaUser := s.otherTenant()
	d := s.mustCreate(owner, "/api/dashboards", map[string]any{"name": "Private"})
	other := s.mustCreate(owner, "/api/dashboards", map[string]any{"name": "Other"})
	base := "/api/dashboards/" + d

	before := s.count("grants")
	for _, c := range []struct {
		what  string
		body  map[string]any
		field string
	}{
		{"other tenant's user", grantBody("user", betaUser, "viewer"), "subject_id"},
		{"other tenant's team", grantBody("team", betaTeam, "viewer"), "subject_id"},
		{"unknown user", grantBody("user", "no-such-user", "viewer"), "subject_id"},
		{"user id as a team", grantBody("team", alID, "viewer"), "subject_id"},
		{"the owner", grantBody("user", ownerID, "viewer"), "subject_id"},
		{"owner role", grantBody("user", alID, "owner"), "role"},
		{"unknown role", grantBody("user", alID, "admin"), "role"},
		{"bad subject type", grantBody("group", alID, "viewer"), "subject_type"},
		{"no subject", grantBody("user", "", "viewer"), "subject_id"},
	} {
		r := s.req("POST", base+"/grants", owner, c.body)
		code, field := r.errField()
		if r.status != 400 || code != "invalid" || field != c.field {
			t.Errorf("%s: %d %s, want 400 invalid at %s", c.what, r.status, r.raw, c.field)
		}
		if strings.Contains(string(r.raw), "Beta") || strings.Contains(string(r.raw), "admin@beta") {
			t.Errorf("%s: the answer leaks the other tenant: %s", c.what, r.raw)
		}
	}
	if after := s.count("grants"); after != before {
		t.Fatalf("refused grants wrote rows: %d -> %d", before, after)
	}
	// A grant of one dashboard cannot be revoked through another.
	g := s.mustCreate(owner, base+"/grants", grantBody("user", alID, "viewer"))
	wantStatus(t, "revoke through another dashboard", s.req("DELETE", "/api/dashboards/"+other+"/grants/"+g, owner, nil), 404, "not_found")
	wantStatus(t, "unknown dashboard", s.req("GET", "/api/dashboards/nope/grants", owner, nil), 404, "not_found")
}

// TestGrantSubjectsAreScoped: the picker lists ids and names of the
// caller's tenant only, without the owner, filtered by q.
func TestGrantSubjectsAreScoped(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin@alpha.example", adminPW)
	_, owner := s.userWithRole(admin, "owner@alpha.example", "editor")
	alID, _ := s.userWithRole(admin, "alice@alpha.example", "viewer")
	team := s.mustCreate(admin, "/api/teams", map[string]string{"name": "NOC Alpha"})
	s.otherTenant()
	d := s.mustCreate(owner, "/api/dashboards", map[string]any{"name": "Private"})

	r := s.req("GET", "/api/dashboards/"+d+"/grant-subjects", owner, nil)
	wantStatus(t, "subjects", r, 200, "")
	if strings.Contains(string(r.raw), "beta") || strings.Contains(string(r.raw), "Beta") {
		t.Fatalf("another tenant's users or teams are listed: %s", r.raw)
	}
	if strings.Contains(string(r.raw), "owner@alpha.example") {
		t.Fatalf("the owner is offered as a subject: %s", r.raw)
	}
	users := r.body["users"].([]any)
	for _, u := range users {
		if _, ok := u.(map[string]any)["email"]; ok {
			t.Fatalf("subjects carry more than id and name: %s", r.raw)
		}
	}
	if len(users) < 2 || len(r.body["teams"].([]any)) != 1 {
		t.Fatalf("subjects: %s", r.raw)
	}
	r = s.req("GET", "/api/dashboards/"+d+"/grant-subjects?q=ALICE", owner, nil)
	users = r.body["users"].([]any)
	if len(users) != 1 || users[0].(map[string]any)["id"] != alID || len(r.body["teams"].([]any)) != 0 {
		t.Fatalf("q=ALICE: %s", r.raw)
	}
	r = s.req("GET", "/api/dashboards/"+d+"/grant-subjects?q=noc", owner, nil)
	if ts := r.body["teams"].([]any); len(ts) != 1 || ts[0].(map[string]any)["id"] != team {
		t.Fatalf("q=noc: %s", r.raw)
	}
	wantStatus(t, "long q", s.req("GET", "/api/dashboards/"+d+"/grant-subjects?q="+strings.Repeat("x", 201), owner, nil), 400, "invalid")
}
