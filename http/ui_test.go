package http

import (
	"strings"
	"testing"
)

func TestServesTheEmbeddedUI(t *testing.T) {
	s := newStack(t)
	r := s.req("GET", "/", "", nil)
	if r.status != 200 || !strings.Contains(r.header.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(r.raw), `<html lang="pt-BR">`) || !strings.Contains(string(r.raw), "Entrar") {
		t.Fatalf("GET /: %d %s", r.status, r.raw)
	}
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Fatalf("CSP %q", csp)
	}
	if r := s.req("GET", "/ui/index.html", "", nil); r.status != 200 {
		t.Fatalf("/ui/index.html: %d", r.status)
	}
	for _, p := range []string{"/ui/missing.js", "/ui/../../etc/passwd", "/ui/%2e%2e/web.go"} {
		if r := s.req("GET", p, "", nil); r.status != 404 {
			t.Errorf("%s: %d", p, r.status)
		}
	}
	// API paths never fall through to the UI.
	if r := s.req("GET", "/api/unknown", "", nil); r.status != 404 || strings.Contains(string(r.raw), "<html") {
		t.Fatalf("api 404: %s", r.raw)
	}
}
