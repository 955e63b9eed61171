package http

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	stdhttp "net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/conductor/reports/http/sso"
)

func TestAdminFlowsAndScopedLists(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin@alpha.example", adminPW)
	c1 := s.mustCreate(admin, "/api/customers", map[string]string{"name": "Globex"})
	c2 := s.mustCreate(admin, "/api/customers", map[string]string{"name": "Initech"})
	s.mustCreate(admin, "/api/sites", map[string]string{"name": "SP", "customer_id": c1})
	s.mustCreate(admin, "/api/sites", map[string]string{"name": "BH", "customer_id": c2})
	s.mustCreate(admin, "/api/contracts", map[string]string{"name": "24x7", "customer_id": c1})
	s.mustCreate(admin, "/api/cost-centers", map[string]string{"name": "Ops", "code": "CC-1"})
	team := s.mustCreate(admin, "/api/teams", map[string]string{"name": "NOC"})
	viewerID := s.newUser(admin, "viewer@alpha.example")
	if r := s.req("POST", "/api/teams/"+team+"/members", admin, map[string]string{"user_id": viewerID}); r.status != 204 {
		t.Fatalf("add member: %d %s", r.status, r.raw)
	}
	if r := s.req("GET", "/api/teams/"+team+"/members", admin, nil); len(r.body["items"].([]any)) != 1 {
		t.Fatalf("members: %s", r.raw)
	}
	// The team may only see Globex; the viewer's scope follows.
	pol := s.mustCreate(admin, "/api/scope-policies", map[string]any{"subject_type": "team", "subject_id": team,
		"scope": map[string][]string{"customer": {c1}}})
	viewer := s.login("viewer@alpha.example", "long-enough-pw")
	me := s.req("GET", "/api/me", viewer, nil)
	scope := me.body["scope"].(map[string]any)
	if cs := scope["customer"].([]any); len(cs) != 1 || cs[0] != c1 {
		t.Fatalf("me scope: %s", me.raw)
	}
	if teams := me.body["teams"].([]any); len(teams) != 1 || teams[0].(map[string]any)["name"] != "NOC" {
		t.Fatalf("me teams: %s", me.raw)
	}
	for path, want := range map[string]int{"/api/customers": 1, "/api/sites": 1, "/api/contracts": 1, "/api/cost-centers": 1, "/api/teams": 1} {
		r := s.req("GET", path, viewer, nil)
		if r.status != 200 || len(r.body["items"].([]any)) != want {
			t.Errorf("viewer %s: %d %s (want %d items)", path, r.status, r.raw, want)
		}
	}
	if r := s.req("GET", "/api/customers", admin, nil); len(r.body["items"].([]any)) != 2 {
		t.Fatalf("admin customers: %s", r.raw)
	}
	if r := s.req("GET", "/api/scope-policies", admin, nil); len(r.body["items"].([]any)) != 1 {
		t.Fatalf("policies: %s", r.raw)
	}
	if r := s.req("GET", "/api/users", admin, nil); len(r.body["items"].([]any)) != 2 {
		t.Fatalf("users: %s", r.raw)
	}
	for _, path := range []string{"/api/users", "/api/scope-policies", "/api/teams/" + team + "/members"} {
		if r := s.req("GET", path, viewer, nil); r.status != 403 {
			t.Errorf("viewer %s: %d", path, r.status)
		}
	}
	// Removing the policy widens the viewer's scope again at the next request.
	if r := s.req("DELETE", "/api/scope-policies/"+pol, admin, nil); r.status != 204 {
		t.Fatalf("delete policy: %d", r.status)
	}
	if r := s.req("GET", "/api/customers", viewer, nil); len(r.body["items"].([]any)) != 2 {
		t.Fatalf("after policy removal: %s", r.raw)
	}
	// Disabling a user ends its sessions' power at once.
	if r := s.req("PATCH", "/api/users/"+viewerID, admin, map[string]any{"disabled": true}); r.status != 200 {
		t.Fatalf("disable: %d %s", r.status, r.raw)
	}
	if r := s.req("GET", "/api/me", viewer, nil); r.status != 401 {
		t.Fatalf("disabled user still in: %d", r.status)
	}
	// A password change takes effect.
	np := "a-brand-new-password"
	if r := s.req("PATCH", "/api/users/"+viewerID, admin, map[string]any{"disabled": false, "password": np}); r.status != 200 {
		t.Fatalf("password: %d %s", r.status, r.raw)
	}
	s.login("viewer@alpha.example", np)
	if r := s.req("DELETE", "/api/teams/"+team+"/members/"+viewerID, admin, nil); r.status != 204 {
		t.Fatalf("remove member: %d", r.status)
	}
}

// jwksFixture serves a one-key JWKS on loopback and mints tokens with it.
type jwksFixture struct {
	key *rsa.PrivateKey
	srv *httptest.Server
}

func newJWKS(t *testing.T) *jwksFixture {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.RawURLEncoding
	doc, _ := json.Marshal(map[string]any{"keys": []map[string]string{{"kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256",
		"n": b64.EncodeToString(k.N.Bytes()), "e": b64.EncodeToString(big.NewInt(int64(k.E)).Bytes())}}})
	srv := httptest.NewServer(stdhttp.HandlerFunc(func(w stdhttp.ResponseWriter, _ *stdhttp.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(doc)
	}))
	t.Cleanup(srv.Close)
	return &jwksFixture{key: k, srv: srv}
}

func (f *jwksFixture) mint(t *testing.T, claims jwt.MapClaims) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = "k1"
	s, err := tok.SignedString(f.key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPlatformSSO: a Conductor JWT verified against the JWKS served by the
// test maps to tenant, user (provisioned once, audited) and teams.
func TestPlatformSSO(t *testing.T) {
	jwks := newJWKS(t)
	v, err := sso.New(context.Background(), sso.Config{JWKSURL: jwks.srv.URL, Issuer: "https://conductor.test", Audience: "reports"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	s := newStack(t, func(d *stackDeps) { d.sso = v })
	admin := s.login("admin@alpha.example", adminPW)
	team := s.mustCreate(admin, "/api/teams", map[string]string{"name": "NOC"})
	now := time.Now()
	claims := jwt.MapClaims{"iss": "https://conductor.test", "aud": "reports", "sub": "sso-77", "iat": now.Unix(),
		"exp": now.Add(5 * time.Minute).Unix(), "tenant": "alpha", "email": "sso.user@alpha.example", "name": "SSO User",
		"role": "editor", "teams": []string{"NOC", "unknown-team"}}
	tok := jwks.mint(t, claims)
	for i := 0; i < 2; i++ {
		me := s.req("GET", "/api/me", tok, nil)
		if me.status != 200 {
			t.Fatalf("me with SSO token: %d %s", me.status, me.raw)
		}
		u := me.body["user"].(map[string]any)
		teams := me.body["teams"].([]any)
		if u["email"] != "sso.user@alpha.example" || u["role"] != "editor" || u["external_id"] != "sso-77" ||
			len(teams) != 1 || teams[0].(map[string]any)["id"] != team {
			t.Fatalf("me: %s", me.raw)
		}
	}
	var n int
	_ = s.raw.QueryRow(`SELECT count(*) FROM audit_logs WHERE action='user.sso_provision'`).Scan(&n)
	if n != 1 || s.count("users") != 2 {
		t.Fatalf("provisioned %d times, users %d", n, s.count("users"))
	}
	// A role change at the platform is applied and audited.
	claims["role"] = "viewer"
	if me := s.req("GET", "/api/me", jwks.mint(t, claims), nil); me.body["user"].(map[string]any)["role"] != "viewer" {
		t.Fatalf("role sync: %s", me.raw)
	}
	for name, mutate := range map[string]func(jwt.MapClaims){
		"expired":        func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Hour).Unix() },
		"wrong audience": func(c jwt.MapClaims) { c["aud"] = "billing" },
		"wrong issuer":   func(c jwt.MapClaims) { c["iss"] = "https://evil.test" },
		"unknown tenant": func(c jwt.MapClaims) { c["tenant"] = "nobody" },
		"bad role":       func(c jwt.MapClaims) { c["role"] = "root" },
	} {
		c := jwt.MapClaims{}
		for k, v := range claims {
			c[k] = v
		}
		mutate(c)
		if r := s.req("GET", "/api/me", jwks.mint(t, c), nil); r.status != 401 {
			t.Errorf("%s: %d %s", name, r.status, r.raw)
		}
	}
}
