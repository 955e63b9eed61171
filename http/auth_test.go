package http

import (
	"fmt"
	stdhttp "net/http"
	"strings"
	"testing"
	"time"

	"github.com/conductor/reports/app"
)

func TestHealthAndReadiness(t *testing.T) {
	s := newStack(t)
	if r := s.req("GET", "/healthz", "", nil); r.status != 200 || r.body["status"] != "ok" {
		t.Fatalf("healthz: %d %s", r.status, r.raw)
	}
	if r := s.req("GET", "/readyz", "", nil); r.status != 200 {
		t.Fatalf("readyz: %d %s", r.status, r.raw)
	}
	s.ready.Store(false)
	r := s.req("GET", "/readyz", "", nil)
	if r.status != 503 || r.body["checks"].(map[string]any)["flag"] != "failing" {
		t.Fatalf("readyz with a failing check: %d %s", r.status, r.raw)
	}
}

func TestLoginCookieBearerMeLogout(t *testing.T) {
	s := newStack(t)
	r := s.req("POST", "/api/auth/login", "", map[string]string{"email": "ADMIN@alpha.example ", "password": adminPW})
	if r.status != 200 {
		t.Fatalf("login: %d %s", r.status, r.raw)
	}
	token := r.body["token"].(string)
	if !strings.HasPrefix(token, app.SessionTokenPrefix) || len(token) < 40 {
		t.Fatalf("token %q", token)
	}
	cookie := r.header.Get("Set-Cookie")
	for _, want := range []string{"crs_session=" + token, "HttpOnly", "SameSite=Lax", "path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("cookie %q lacks %q", cookie, want)
		}
	}
	if strings.Contains(strings.ToLower(cookie), "secure") {
		t.Errorf("cookie %q is Secure without TLS", cookie)
	}

	me := s.req("GET", "/api/me", token, nil)
	if me.status != 200 {
		t.Fatalf("me: %d %s", me.status, me.raw)
	}
	user := me.body["user"].(map[string]any)
	if user["email"] != "admin@alpha.example" || user["role"] != "admin" || me.body["tenant"].(map[string]any)["slug"] != "alpha" {
		t.Fatalf("me: %s", me.raw)
	}
	if _, leaked := user["password_hash"]; leaked || strings.Contains(string(me.raw), "argon2") {
		t.Fatal("me leaks the password hash")
	}
	// The cookie alone authenticates too.
	if r := s.req("GET", "/api/me", "", nil, "Cookie", "crs_session="+token); r.status != 200 {
		t.Fatalf("me by cookie: %d %s", r.status, r.raw)
	}
	if r := s.req("POST", "/api/auth/logout", token, nil); r.status != 204 {
		t.Fatalf("logout: %d %s", r.status, r.raw)
	}
	if r := s.req("GET", "/api/me", token, nil); r.status != 401 {
		t.Fatalf("me after logout: %d", r.status)
	}
}

func TestSecureCookieUnderTLSConfig(t *testing.T) {
	s := newStack(t, func(d *stackDeps) { d.cfg.SecureCookies = true })
	r := s.req("POST", "/api/auth/login", "", map[string]string{"email": "admin@alpha.example", "password": adminPW})
	if !strings.Contains(strings.ToLower(r.header.Get("Set-Cookie")), "; secure") {
		t.Fatalf("cookie not Secure: %q", r.header.Get("Set-Cookie"))
	}
}

func TestLoginFailuresAreUniformAndAudited(t *testing.T) {
	s := newStack(t)
	wrong := s.req("POST", "/api/auth/login", "", map[string]string{"email": "admin@alpha.example", "password": "nope-nope-nope"})
	unknown := s.req("POST", "/api/auth/login", "", map[string]string{"email": "ghost@alpha.example", "password": "nope-nope-nope"})
	if wrong.status != 401 || unknown.status != 401 || string(wrong.raw) != string(unknown.raw) {
		t.Fatalf("failures differ: %d %s / %d %s", wrong.status, wrong.raw, unknown.status, unknown.raw)
	}
	var n int
	if err := s.raw.QueryRow(`SELECT count(*) FROM audit_logs WHERE action='auth.login_failed'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("login_failed audit rows = %d (%v), want 1 (unknown accounts belong to no tenant)", n, err)
	}
}

func TestLoginRateLimitPerAccount(t *testing.T) {
	s := newStack(t)
	bad := map[string]string{"email": "admin@alpha.example", "password": "wrong-password"}
	for i := 0; i < 5; i++ {
		if r := s.req("POST", "/api/auth/login", "", bad); r.status != 401 {
			t.Fatalf("attempt %d: %d", i, r.status)
		}
	}
	r := s.req("POST", "/api/auth/login", "", map[string]string{"email": "admin@alpha.example", "password": adminPW})
	if r.status != 429 {
		t.Fatalf("6th attempt (even with the right password) = %d, want 429", r.status)
	}
	if code, _ := r.errField(); code != "rate_limited" {
		t.Fatalf("code %q", code)
	}
	if ra := r.header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Fatalf("Retry-After %q", ra)
	}
}

func TestLoginRateLimitPerIP(t *testing.T) {
	s := newStack(t, func(d *stackDeps) {
		d.identity.IPLimiter = &app.FailureLimiter{Limit: 3, Window: time.Minute}
	})
	for i := 0; i < 3; i++ {
		s.req("POST", "/api/auth/login", "", map[string]string{"email": fmt.Sprintf("u%d@alpha.example", i), "password": "wrong-password"})
	}
	r := s.req("POST", "/api/auth/login", "", map[string]string{"email": "other@alpha.example", "password": "wrong-password"})
	if r.status != 429 || r.header.Get("Retry-After") == "" {
		t.Fatalf("per-IP limit: %d %v", r.status, r.header)
	}
}

func TestUnauthenticatedAndGarbageTokens(t *testing.T) {
	s := newStack(t)
	for _, tok := range []string{"", "garbage", app.SessionTokenPrefix + "doesnotexist", "a.b.c"} {
		r := s.req("GET", "/api/me", tok, nil)
		if code, _ := r.errField(); r.status != 401 || code != "unauthenticated" {
			t.Errorf("token %q: %d %s", tok, r.status, r.raw)
		}
	}
	r := s.req("GET", "/api/me", "", nil, "Authorization", "Basic YWRtaW46eA==")
	if r.status != 401 {
		t.Errorf("basic auth: %d", r.status)
	}
}

func TestRequestIDEchoedAndAudited(t *testing.T) {
	s := newStack(t)
	r := s.req("POST", "/api/auth/login", "", map[string]string{"email": "admin@alpha.example", "password": adminPW},
		"X-Request-ID", "trace-abc-123", "User-Agent", "wallboard/1.0")
	if r.header.Get("X-Request-ID") != "trace-abc-123" {
		t.Fatalf("request id not echoed: %v", r.header)
	}
	var rid, ua, ip string
	if err := s.raw.QueryRow(`SELECT request_id, user_agent, ip FROM audit_logs WHERE action='auth.login'`).Scan(&rid, &ua, &ip); err != nil {
		t.Fatal(err)
	}
	if rid != "trace-abc-123" || ua != "wallboard/1.0" || ip != "127.0.0.1" {
		t.Fatalf("audit row: %q %q %q", rid, ua, ip)
	}
	// An unsafe id is replaced by a generated one.
	r = s.req("GET", "/healthz", "", nil, "X-Request-ID", "bad id\twith spaces")
	if got := r.header.Get("X-Request-ID"); got == "" || strings.Contains(got, " ") {
		t.Fatalf("generated id %q", got)
	}
}

func TestSecurityHeadersAndUnknownRoutes(t *testing.T) {
	s := newStack(t)
	r := s.req("GET", "/api/nothing-here", "", nil)
	if code, _ := r.errField(); r.status != 404 || code != "not_found" {
		t.Fatalf("unknown route: %d %s", r.status, r.raw)
	}
	if r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatal("nosniff missing")
	}
	r = s.req("PUT", "/healthz", "", nil)
	if r.status != stdhttp.StatusMethodNotAllowed {
		t.Fatalf("wrong method: %d", r.status)
	}
}
