package http

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// otherTenant creates tenant "beta" with an admin and a team, and returns
// the admin's token and the team id.
func (s *stack) otherTenant() (token, teamID, userID string) {
	s.t.Helper()
	ctx := context.Background()
	now := time.Now()
	err := s.meta.InTx(ctx, func(tx app.MetaTx) error {
		t, _ := domain.NewTenant(app.NewID(), "beta", "Beta", now)
		u, _ := domain.NewUser(app.NewID(), t.ID, "admin@beta.example", "B", domain.RoleAdmin, now)
		hash, err := app.HashPassword(adminPW, cheapArgon)
		if err != nil {
			return err
		}
		u.PasswordHash = hash
		team, _ := domain.NewTeam(app.NewID(), t.ID, "Beta NOC", now)
		teamID, userID = team.ID, u.ID
		for _, err := range []error{tx.CreateTenant(ctx, t), tx.CreateUser(ctx, u), tx.CreateTeam(ctx, team)} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.t.Fatal(err)
	}
	return s.login("admin@beta.example", adminPW), teamID, userID
}

// TestBadInputIsRefusedAndWritesNothing: each kind of bad input gets the
// documented 4xx with the field named, and no row is written.
func TestBadInputIsRefusedAndWritesNothing(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin@alpha.example", adminPW)
	betaAdmin, betaTeam, betaUser := s.otherTenant()
	viewerID := s.newUser(admin, "viewer@alpha.example")
	viewer := s.login("viewer@alpha.example", "long-enough-pw")
	big := `{"name":"` + strings.Repeat("x", 2<<20) + `"}`

	cases := []struct {
		name, method, path, token string
		body                      any
		headers                   []string
		status                    int
		code, field               string
	}{
		{"malformed JSON", "POST", "/api/teams", admin, `{"name":`, nil, 400, "invalid", "body"},
		{"syntax error", "POST", "/api/teams", admin, `{"name" "x"}`, nil, 400, "invalid", "body"},
		{"empty body", "POST", "/api/teams", admin, ``, nil, 400, "invalid", "body"},
		{"two values", "POST", "/api/teams", admin, `{"name":"a"}{"name":"b"}`, nil, 400, "invalid", "body"},
		{"not an object", "POST", "/api/teams", admin, `["NOC"]`, nil, 400, "invalid", "body"},
		{"unknown field", "POST", "/api/teams", admin, `{"name":"NOC","colour":"red"}`, nil, 400, "invalid", "colour"},
		{"wrong type", "POST", "/api/teams", admin, `{"name":42}`, nil, 400, "invalid", "name"},
		{"wrong type bool", "PATCH", "/api/users/" + viewerID, admin, `{"disabled":"yes"}`, nil, 400, "invalid", "disabled"},
		{"wrong content type", "POST", "/api/teams", admin, `{"name":"NOC"}`, []string{"Content-Type", "text/plain"}, 400, "invalid", "content-type"},
		{"missing name", "POST", "/api/teams", admin, `{"name":"  "}`, nil, 400, "invalid", "name"},
		{"wrong enum role", "POST", "/api/users", admin, map[string]string{"email": "x@alpha.example", "name": "X", "role": "root", "password": "long-enough-pw"}, nil, 400, "invalid", "role"},
		{"bad email", "POST", "/api/users", admin, map[string]string{"email": "not-mail", "name": "X", "role": "viewer", "password": "long-enough-pw"}, nil, 400, "invalid", "email"},
		{"short password", "POST", "/api/users", admin, map[string]string{"email": "x@alpha.example", "name": "X", "role": "viewer", "password": "short"}, nil, 400, "invalid", "password"},
		{"duplicate email", "POST", "/api/users", admin, map[string]string{"email": "admin@beta.example", "name": "X", "role": "viewer", "password": "long-enough-pw"}, nil, 409, "conflict", ""},
		{"wrong enum subject", "POST", "/api/scope-policies", admin, map[string]any{"subject_type": "robot", "subject_id": viewerID, "scope": map[string][]string{"site": {"s"}}}, nil, 400, "invalid", "subject_type"},
		{"unknown scope dimension", "POST", "/api/scope-policies", admin, map[string]any{"subject_type": "user", "subject_id": viewerID, "scope": map[string][]string{"planet": {"s"}}}, nil, 400, "invalid", "scope.planet"},
		{"empty scope", "POST", "/api/scope-policies", admin, map[string]any{"subject_type": "user", "subject_id": viewerID, "scope": map[string][]string{}}, nil, 400, "invalid", "scope"},
		{"site without customer", "POST", "/api/sites", admin, map[string]string{"name": "SP"}, nil, 400, "invalid", "customer_id"},
		{"site of unknown customer", "POST", "/api/sites", admin, map[string]string{"name": "SP", "customer_id": "nope"}, nil, 400, "invalid", "customer_id"},
		{"oversize body", "POST", "/api/teams", admin, big, nil, 413, "too_large", "body"},
		{"missing auth", "POST", "/api/teams", "", map[string]string{"name": "NOC"}, nil, 401, "unauthenticated", ""},
		{"not an admin", "POST", "/api/teams", viewer, map[string]string{"name": "NOC"}, nil, 403, "forbidden", ""},
		{"foreign origin", "POST", "/api/teams", admin, map[string]string{"name": "NOC"}, []string{"Origin", "https://evil.example"}, 403, "forbidden", "origin"},
		// Cross-tenant: beta's admin reaching alpha's rows, and alpha's admin
		// naming beta's rows, gets 404 (never 403: existence is not leaked).
		{"other tenant user", "PATCH", "/api/users/" + viewerID, betaAdmin, map[string]any{"role": "admin"}, nil, 404, "not_found", ""},
		{"other tenant team", "POST", "/api/teams/" + betaTeam + "/members", admin, map[string]string{"user_id": viewerID}, nil, 404, "not_found", ""},
		{"other tenant member", "DELETE", "/api/teams/" + betaTeam + "/members/" + betaUser, admin, nil, nil, 404, "not_found", ""},
		{"other tenant policy subject", "POST", "/api/scope-policies", admin, map[string]any{"subject_type": "user", "subject_id": betaUser, "scope": map[string][]string{"site": {"s"}}}, nil, 400, "invalid", "subject_id"},
		{"unknown policy", "DELETE", "/api/scope-policies/nope", admin, nil, nil, 404, "not_found", ""},
		{"self demotion", "PATCH", "/api/users/" + s.adminID, admin, map[string]any{"role": "viewer"}, nil, 400, "invalid", "role"},
		{"self disable", "PATCH", "/api/users/" + s.adminID, admin, map[string]any{"disabled": true}, nil, 400, "invalid", "disabled"},
		{"login missing password", "POST", "/api/auth/login", "", map[string]string{"email": "a@b.co"}, nil, 400, "invalid", "password"},
		{"login missing email", "POST", "/api/auth/login", "", map[string]string{"password": "x"}, nil, 400, "invalid", "email"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := s.fingerprint()
			r := s.req(c.method, c.path, c.token, c.body, c.headers...)
			code, field := r.errField()
			if r.status != c.status || code != c.code || field != c.field {
				t.Fatalf("got %d %s, want %d %s field %q", r.status, r.raw, c.status, c.code, c.field)
			}
			if msg := r.body["error"].(map[string]any)["message"].(string); msg == "" {
				t.Fatal("empty error message")
			}
			if after := s.fingerprint(); after != before {
				t.Fatalf("refused request wrote something:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

func TestTenantIsolationOfLists(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin@alpha.example", adminPW)
	betaAdmin, _, _ := s.otherTenant()
	s.mustCreate(admin, "/api/teams", map[string]string{"name": "Alpha NOC"})
	s.mustCreate(admin, "/api/customers", map[string]string{"name": "Alpha Customer"})
	for _, path := range []string{"/api/teams", "/api/users", "/api/customers", "/api/audit", "/api/scope-policies"} {
		r := s.req("GET", path, betaAdmin, nil)
		if r.status != 200 {
			t.Fatalf("%s: %d", path, r.status)
		}
		if strings.Contains(string(r.raw), "Alpha") || strings.Contains(string(r.raw), "alpha.example") || strings.Contains(string(r.raw), s.adminID) {
			t.Errorf("%s leaks alpha's rows to beta: %s", path, r.raw)
		}
	}
}
