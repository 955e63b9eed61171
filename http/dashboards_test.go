package http

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// countByCustomer is a widget query: tickets counted per customer.
var countByCustomer = map[string]any{"source": "tickets", "metrics": []any{map[string]any{"agg": "count", "as": "n"}},
	"groups": []any{map[string]any{"field": "customer_id"}}, "order": []any{map[string]any{"by": "customer_id"}}}

// widgetBody is a POST /api/widgets body: a bar chart of q drilling by location.
func widgetBody(dashboardID string, q map[string]any) map[string]any {
	return map[string]any{"dashboard_id": dashboardID, "type": "chart", "viz": "bar", "title": "Tickets",
		"config_json": map[string]any{"query": q, "hierarchy": "location"}}
}

// newDashboard creates a public dashboard and returns its id.
func (s *stack) newDashboard(token, name string) string {
	s.t.Helper()
	return s.mustCreate(token, "/api/dashboards", map[string]any{"name": name, "visibility": "public"})
}

// newWidget creates a bar chart of q on dashboard d and returns its id.
func (s *stack) newWidget(token, d string, q map[string]any) string {
	s.t.Helper()
	return s.mustCreate(token, "/api/widgets", widgetBody(d, q))
}

// userWithRole creates a user of the stack's tenant and returns its id
// and a bearer token.
func (s *stack) userWithRole(admin, email, role string) (string, string) {
	s.t.Helper()
	id := s.mustCreate(admin, "/api/users", map[string]string{"email": email, "name": email, "role": role, "password": "long-enough-pw"})
	return id, s.login(email, "long-enough-pw")
}

// grant gives subject a role on dashboard d straight in the store, so
// tests of listing and RBAC do not depend on the grants API (grants_test.go
// tests that API).
func (s *stack) grant(d string, st domain.SubjectType, subject string, role domain.GrantRole) {
	s.t.Helper()
	g, err := domain.NewGrant(app.NewID(), s.tenant, domain.ObjectDashboard, d, st, subject, role, time.Now())
	if err != nil {
		s.t.Fatal(err)
	}
	if err := s.meta.InTx(context.Background(), func(tx app.MetaTx) error { return tx.CreateGrant(context.Background(), g) }); err != nil {
		s.t.Fatal(err)
	}
}

// wantStatus fails unless r has status (and, when code is set, that code).
func wantStatus(t *testing.T, what string, r reply, status int, code string) {
	t.Helper()
	if got, _ := r.errField(); r.status != status || (code != "" && got != code) {
		t.Fatalf("%s: %d %s, want %d %s", what, r.status, r.raw, status, code)
	}
}

func TestDashboardRBAC(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin@alpha.example", adminPW)
	_, editor := s.userWithRole(admin, "ed@alpha.example", "editor")
	ed2ID, editor2 := s.userWithRole(admin, "ed2@alpha.example", "editor")
	_, viewer := s.userWithRole(admin, "vi@alpha.example", "viewer")
	beta, _, _ := s.otherTenant()

	d := s.mustCreate(editor, "/api/dashboards", map[string]any{"name": "Mine"})
	w := s.newWidget(editor, d, countByCustomer)
	// Private: others do not even learn it exists.
	wantStatus(t, "viewer reads a private dashboard", s.req("GET", "/api/dashboards/"+d, viewer, nil), 404, "not_found")
	wantStatus(t, "viewer views a private dashboard", s.req("GET", "/api/dashboards/"+d+"/view", viewer, nil), 404, "not_found")
	wantStatus(t, "viewer drills a private widget", s.req("POST", "/api/widgets/"+w+"/drill", viewer, map[string]any{"path": []any{map[string]any{"field": "customer_id", "value": "c1"}}}), 404, "not_found")
	// Public: every user of the tenant may view, nobody but the owner and
	// admins may change it.
	r := s.req("PUT", "/api/dashboards/"+d, editor, map[string]any{"visibility": "public"}, "If-Match", `"1"`)
	wantStatus(t, "owner publishes", r, 200, "")
	if r.header.Get("ETag") != `"2"` {
		t.Fatalf("ETag %q", r.header.Get("ETag"))
	}
	wantStatus(t, "viewer reads", s.req("GET", "/api/dashboards/"+d, viewer, nil), 200, "")
	wantStatus(t, "viewer views", s.req("GET", "/api/dashboards/"+d+"/view", viewer, nil), 200, "")
	wantStatus(t, "viewer edits", s.req("PUT", "/api/dashboards/"+d, viewer, map[string]any{"name": "x", "version": 2}), 403, "forbidden")
	wantStatus(t, "viewer deletes", s.req("DELETE", "/api/dashboards/"+d, viewer, nil), 403, "forbidden")
	wantStatus(t, "viewer adds a widget", s.req("POST", "/api/widgets", viewer, widgetBody(d, countByCustomer)), 403, "forbidden")
	wantStatus(t, "viewer edits a widget", s.req("PUT", "/api/widgets/"+w, viewer, map[string]any{"title": "x", "version": 1}), 403, "forbidden")
	wantStatus(t, "viewer deletes a widget", s.req("DELETE", "/api/widgets/"+w, viewer, nil), 403, "forbidden")
	wantStatus(t, "viewer creates", s.req("POST", "/api/dashboards", viewer, map[string]any{"name": "v"}), 403, "forbidden")
	wantStatus(t, "viewer duplicates", s.req("POST", "/api/dashboards/"+d+"/duplicate", viewer, nil), 403, "forbidden")
	wantStatus(t, "another editor edits", s.req("PUT", "/api/dashboards/"+d, editor2, map[string]any{"name": "x", "version": 2}), 403, "forbidden")
	// An editor grant lets the second editor edit, not delete or re-share.
	s.grant(d, domain.SubjectUser, ed2ID, domain.GrantEditor)
	wantStatus(t, "granted editor edits", s.req("PUT", "/api/dashboards/"+d, editor2, map[string]any{"name": "Shared", "version": 2}), 200, "")
	wantStatus(t, "granted editor re-shares", s.req("PUT", "/api/dashboards/"+d, editor2, map[string]any{"visibility": "private", "version": 3}), 403, "forbidden")
	wantStatus(t, "granted editor deletes", s.req("DELETE", "/api/dashboards/"+d, editor2, nil), 403, "forbidden")
	wantStatus(t, "granted editor edits a widget", s.req("PUT", "/api/widgets/"+w, editor2, map[string]any{"title": "Mine too"}, "If-Match", `"1"`), 200, "")
	// A viewer's grants never give more than view.
	viewerID := ""
	for _, u := range s.req("GET", "/api/users", admin, nil).body["items"].([]any) {
		if u.(map[string]any)["email"] == "vi@alpha.example" {
			viewerID = u.(map[string]any)["id"].(string)
		}
	}
	s.grant(d, domain.SubjectUser, viewerID, domain.GrantOwner)
	wantStatus(t, "viewer with an owner grant edits", s.req("PUT", "/api/dashboards/"+d, viewer, map[string]any{"name": "x", "version": 3}), 403, "forbidden")
	// Another tenant: not found, whatever the route.
	for _, rq := range []struct{ method, path string }{{"GET", "/api/dashboards/" + d}, {"GET", "/api/dashboards/" + d + "/view"},
		{"DELETE", "/api/dashboards/" + d}, {"POST", "/api/dashboards/" + d + "/duplicate"}, {"DELETE", "/api/widgets/" + w}} {
		wantStatus(t, "other tenant "+rq.method+" "+rq.path, s.req(rq.method, rq.path, beta, nil), 404, "not_found")
	}
	wantStatus(t, "other tenant edits", s.req("PUT", "/api/dashboards/"+d, beta, map[string]any{"name": "x", "version": 3}), 404, "not_found")
	wantStatus(t, "other tenant edits a widget", s.req("PUT", "/api/widgets/"+w, beta, map[string]any{"title": "x", "version": 2}), 404, "not_found")
	wantStatus(t, "other tenant adds a widget", s.req("POST", "/api/widgets", beta, widgetBody(d, countByCustomer)), 404, "not_found")
	if r := s.req("GET", "/api/dashboards", beta, nil); r.body["total"].(float64) != 0 {
		t.Fatalf("other tenant lists: %s", r.raw)
	}
	// Admins may do everything in their tenant; the owner may delete.
	wantStatus(t, "admin edits", s.req("PUT", "/api/dashboards/"+d, admin, map[string]any{"name": "Admin's", "version": 3}), 200, "")
	wantStatus(t, "owner deletes", s.req("DELETE", "/api/dashboards/"+d, editor, nil, "If-Match", `"4"`), 204, "")
	wantStatus(t, "deleted", s.req("GET", "/api/dashboards/"+d, editor, nil), 404, "not_found")
	wantStatus(t, "its widget went with it", s.req("PUT", "/api/widgets/"+w, editor, map[string]any{"title": "x", "version": 2}), 404, "not_found")
}

func TestDashboardAudienceAndListing(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin@alpha.example", adminPW)
	edID, editor := s.userWithRole(admin, "ed@alpha.example", "editor")
	viID, viewer := s.userWithRole(admin, "vi@alpha.example", "viewer")
	noc := s.mustCreate(admin, "/api/teams", map[string]string{"name": "NOC"})
	other := s.mustCreate(admin, "/api/teams", map[string]string{"name": "Field"})
	for _, u := range []string{edID, viID} {
		wantStatus(t, "member", s.req("POST", "/api/teams/"+noc+"/members", admin, map[string]string{"user_id": u}), 204, "")
	}
	// An editor may aim a dashboard at its own team only.
	wantStatus(t, "foreign team", s.req("POST", "/api/dashboards", editor, map[string]any{"name": "x", "visibility": "group", "team_id": other}), 400, "invalid")
	team := s.mustCreate(editor, "/api/dashboards", map[string]any{"name": "NOC wall", "visibility": "group", "team_id": noc})
	ownerTeams := s.mustCreate(editor, "/api/dashboards", map[string]any{"name": "Ops group", "visibility": "group", "description": "owner's teams"})
	private := s.mustCreate(editor, "/api/dashboards", map[string]any{"name": "Scratch"})
	fieldBoard := s.mustCreate(admin, "/api/dashboards", map[string]any{"name": "Field board", "visibility": "group", "team_id": other})
	public := s.mustCreate(admin, "/api/dashboards", map[string]any{"name": "All hands", "visibility": "public"})
	wantStatus(t, "customer visibility needs a customer", s.req("POST", "/api/dashboards", admin, map[string]any{"name": "x", "visibility": "customer"}), 400, "invalid")

	list := func(token, query string) (ids []string, total int) {
		t.Helper()
		r := s.req("GET", "/api/dashboards"+query, token, nil)
		wantStatus(t, "list "+query, r, 200, "")
		for _, it := range r.body["items"].([]any) {
			ids = append(ids, it.(map[string]any)["id"].(string))
		}
		return ids, int(r.body["total"].(float64))
	}
	for _, tc := range []struct {
		who, token, query string
		want              []string
		total             int
	}{
		{"viewer, tenant", viewer, "", []string{public, team, ownerTeams}, 3},
		{"viewer, team tab", viewer, "?tab=team", []string{team}, 1},
		{"viewer, mine", viewer, "?tab=mine", nil, 0},
		{"editor, mine", editor, "?tab=mine", []string{team, ownerTeams, private}, 3},
		{"editor, search", editor, "?q=WALL", []string{team}, 1},
		{"editor, page 1", editor, "?limit=2", []string{public, team}, 4},
		{"editor, page 2", editor, "?limit=2&offset=2", []string{ownerTeams, private}, 4},
		{"admin, everything", admin, "", []string{public, fieldBoard, team, ownerTeams, private}, 5},
		{"admin, page", admin, "?limit=2&offset=1&tab=tenant", []string{fieldBoard, team}, 5},
		{"admin, team tab", admin, "?tab=team", nil, 0},
	} {
		ids, total := list(tc.token, tc.query)
		if fmt.Sprint(ids) != fmt.Sprint(tc.want) || total != tc.total {
			t.Errorf("%s: %v (total %d), want %v (total %d)", tc.who, ids, total, tc.want, tc.total)
		}
	}
	for _, bad := range []string{"tab=everyone", "limit=201", "limit=x", "offset=-1", "offset=y"} {
		wantStatus(t, "list "+bad, s.req("GET", "/api/dashboards?"+bad, admin, nil), 400, "invalid")
	}
	wantStatus(t, "viewer reads the team's", s.req("GET", "/api/dashboards/"+team, viewer, nil), 200, "")
	wantStatus(t, "viewer reads the owner's teams'", s.req("GET", "/api/dashboards/"+ownerTeams, viewer, nil), 200, "")
	wantStatus(t, "viewer reads another team's", s.req("GET", "/api/dashboards/"+fieldBoard, viewer, nil), 404, "not_found")
}

func TestDashboardOptimisticConcurrency(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin@alpha.example", adminPW)
	d := s.newDashboard(admin, "NOC")
	r := s.req("GET", "/api/dashboards/"+d, admin, nil)
	if r.header.Get("ETag") != `"1"` || r.body["version"].(float64) != 1 {
		t.Fatalf("get: %v %s", r.header, r.raw)
	}
	layout := map[string]any{"lg": []any{map[string]any{"i": "w1", "x": 0, "y": 0, "w": 6, "h": 4}}}
	// Two editors load version 1; the first save wins, the second is told.
	wantStatus(t, "first save", s.req("PUT", "/api/dashboards/"+d, admin, map[string]any{"layout_json": layout}, "If-Match", `W/"1"`), 200, "")
	r = s.req("PUT", "/api/dashboards/"+d, admin, map[string]any{"name": "Lost"}, "If-Match", `"1"`)
	wantStatus(t, "stale save", r, 409, "conflict")
	if _, field := r.errField(); field != "version" || r.body["current_version"].(float64) != 2 || r.header.Get("ETag") != `"2"` {
		t.Fatalf("conflict answer: %v %s", r.header, r.raw)
	}
	if r := s.req("GET", "/api/dashboards/"+d, admin, nil); r.body["name"] != "NOC" || r.body["layout_json"].(map[string]any)["lg"] == nil {
		t.Fatalf("the stale save changed something: %s", r.raw)
	}
	wantStatus(t, "no version", s.req("PUT", "/api/dashboards/"+d, admin, map[string]any{"name": "x"}), 400, "invalid")
	wantStatus(t, "versions disagree", s.req("PUT", "/api/dashboards/"+d, admin, map[string]any{"name": "x", "version": 2}, "If-Match", `"3"`), 400, "invalid")
	wantStatus(t, "bad If-Match", s.req("PUT", "/api/dashboards/"+d, admin, map[string]any{"name": "x"}, "If-Match", `"two"`), 400, "invalid")
	wantStatus(t, "stale delete", s.req("DELETE", "/api/dashboards/"+d, admin, nil, "If-Match", `"1"`), 409, "conflict")
	wantStatus(t, "bad layout", s.req("PUT", "/api/dashboards/"+d, admin, map[string]any{"layout_json": map[string]any{"lg": []any{map[string]any{"i": "w", "x": 10, "y": 0, "w": 6, "h": 1}}}, "version": 2}), 400, "invalid")

	w := s.newWidget(admin, d, countByCustomer)
	wantStatus(t, "widget save", s.req("PUT", "/api/widgets/"+w, admin, map[string]any{"position": 3, "version": 1}), 200, "")
	r = s.req("PUT", "/api/widgets/"+w, admin, map[string]any{"title": "Lost", "version": 1})
	if r.status != 409 || r.body["current_version"].(float64) != 2 {
		t.Fatalf("stale widget save: %d %s", r.status, r.raw)
	}
	wantStatus(t, "stale widget delete", s.req("DELETE", "/api/widgets/"+w, admin, nil, "If-Match", `"1"`), 409, "conflict")
	wantStatus(t, "widget delete", s.req("DELETE", "/api/widgets/"+w, admin, nil, "If-Match", `"2"`), 204, "")
}

func TestWidgetValidation(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin@alpha.example", adminPW)
	d := s.newDashboard(admin, "NOC")
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"bad metric", widgetBody(d, map[string]any{"source": "tickets", "metrics": []any{map[string]any{"agg": "sum", "field": "status", "as": "x"}}}), "config.query.metrics[0].agg"},
		{"viz of another type", map[string]any{"dashboard_id": d, "type": "kpi", "viz": "bar", "config_json": map[string]any{"query": countByCustomer}}, "viz"},
		{"no dashboard", map[string]any{"type": "text", "viz": "text"}, "dashboard_id"},
		{"unknown report", map[string]any{"dashboard_id": d, "type": "table", "viz": "table", "config_json": map[string]any{"report_id": "nope"}}, "config.report_id"},
		{"refresh too fast", map[string]any{"dashboard_id": d, "type": "text", "viz": "text", "refresh_interval_sec": 1}, "refresh_interval_sec"},
		{"no data", map[string]any{"dashboard_id": d, "type": "chart", "viz": "bar"}, "config.query"},
	} {
		r := s.req("POST", "/api/widgets", admin, tc.body)
		if _, field := r.errField(); r.status != 400 || field != tc.field {
			t.Errorf("%s: %d %s, want 400 on %s", tc.name, r.status, r.raw, tc.field)
		}
	}
	// Changing the type revalidates the stored config against it.
	w := s.newWidget(admin, d, countByCustomer)
	r := s.req("PUT", "/api/widgets/"+w, admin, map[string]any{"type": "text", "viz": "text", "version": 1})
	wantStatus(t, "chart config on a text widget", r, 400, "invalid")
	r = s.req("PUT", "/api/widgets/"+w, admin, map[string]any{"type": "table", "viz": "table", "version": 1})
	if r.status != 200 || r.body["type"] != "table" || r.body["realtime_channel"] != "tickets" {
		t.Fatalf("retype: %d %s", r.status, r.raw)
	}
}

// listener records dashboard changes.
type listener struct {
	mu  sync.Mutex
	got []string
}

func (l *listener) DashboardChanged(tenantID, dashboardID string, presentationOnly bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := tenantID + "/" + dashboardID
	if presentationOnly {
		k += " (presentation)"
	}
	l.got = append(l.got, k)
}

func (l *listener) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.got
	l.got = nil
	return out
}

func TestDashboardListenerHearsCommittedChanges(t *testing.T) {
	s := newStack(t)
	l := &listener{}
	s.dash.SetListener(l)
	admin := s.login("admin@alpha.example", adminPW)
	d := s.newDashboard(admin, "NOC")
	w := s.newWidget(admin, d, countByCustomer)
	s.req("PUT", "/api/widgets/"+w, admin, map[string]any{"title": "x", "version": 1})
	s.req("PUT", "/api/dashboards/"+d, admin, map[string]any{"name": "y", "version": 1})
	for i, patch := range []map[string]any{{"layout_json": map[string]any{}, "version": 2}, {"visibility": "private", "version": 3}} {
		if r := s.req("PUT", "/api/dashboards/"+d, admin, patch); r.status != 200 {
			t.Fatalf("patch %d: %d %s", i, r.status, r.body)
		}
	}
	s.req("DELETE", "/api/widgets/"+w, admin, nil)
	key := s.tenant + "/" + d
	// Renames and layout saves cannot narrow who sees what; the audience can.
	pres := key + " (presentation)"
	if got := l.take(); fmt.Sprint(got) != fmt.Sprint([]string{key, key, key, pres, pres, key, key}) {
		t.Fatalf("heard %v", got)
	}
	// A refused or rolled-back change is not heard.
	s.req("PUT", "/api/dashboards/"+d, admin, map[string]any{"name": "z", "version": 1})
	s.meta.fail.Store(true)
	s.req("DELETE", "/api/dashboards/"+d, admin, nil)
	s.meta.fail.Store(false)
	if got := l.take(); len(got) != 0 {
		t.Fatalf("heard uncommitted changes %v", got)
	}
	s.req("DELETE", "/api/dashboards/"+d, admin, nil)
	if got := l.take(); fmt.Sprint(got) != fmt.Sprint([]string{key}) {
		t.Fatalf("heard %v", got)
	}
	s.dash.SetListener(nil)
	s.newDashboard(admin, "quiet")
}
