package http

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestResolveUI(t *testing.T) {
	t.Parallel()
	ui := fstest.MapFS{
		"index.html":             {Data: []byte("<html>app</html>")},
		"assets/index-abc123.js": {Data: []byte("js")},
		"favicon.svg":            {Data: []byte("<svg/>")},
	}
	for _, tc := range []struct {
		file, name, cache string
		status            int
	}{
		{"", "index.html", cacheRevalidate, 200},
		{"/", "index.html", cacheRevalidate, 200},
		{"/index.html", "index.html", cacheRevalidate, 200},
		{"/assets/index-abc123.js", "assets/index-abc123.js", cacheImmutable, 200},
		{"/favicon.svg", "favicon.svg", cacheRevalidate, 200},
		// Client routes of the single-page app answer index.html.
		{"/dashboards", "index.html", cacheRevalidate, 200},
		{"/dashboards/01a23d62-222c", "index.html", cacheRevalidate, 200},
		{"/login", "index.html", cacheRevalidate, 200},
		// Missing files stay 404, also hashed assets of an older build.
		{"/assets/index-old999.js", "", "", 404},
		{"/missing.css", "", "", 404},
		// Paths are cleaned inside the UI's files: nothing outside them is read.
		{"/../../etc/passwd.conf", "", "", 404},
		{"/../../etc/passwd", "index.html", cacheRevalidate, 200},
		{"/assets/../../web.go", "", "", 404},
	} {
		a := resolveUI(ui, tc.file)
		if a.status != tc.status || a.name != tc.name || a.cache != tc.cache {
			t.Errorf("%q: got %d %q %q, want %d %q %q", tc.file, a.status, a.name, a.cache, tc.status, tc.name, tc.cache)
		}
	}
	if a := resolveUI(fstest.MapFS{}, "/dashboards"); a.status != 404 {
		t.Errorf("no index.html: %d", a.status)
	}
}

// The embedded UI (the built app, or the fallback page of a fresh clone)
// on the running server.
func TestServesTheEmbeddedUI(t *testing.T) {
	s := newStack(t)
	for _, p := range []string{"/", "/ui/", "/ui/dashboards/some-id"} {
		r := s.req("GET", p, "", nil)
		if r.status != 200 || !strings.Contains(r.header.Get("Content-Type"), "text/html") ||
			!strings.Contains(string(r.raw), `<html lang="pt-BR">`) {
			t.Fatalf("GET %s: %d %s", p, r.status, r.raw)
		}
		csp := r.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe-eval") ||
			!strings.Contains(csp, "frame-ancestors 'none'") {
			t.Fatalf("CSP %q", csp)
		}
		if cc := r.header.Get("Cache-Control"); cc != cacheRevalidate {
			t.Fatalf("GET %s: Cache-Control %q", p, cc)
		}
		// No inline script in what the UI serves: the CSP would block it.
		if strings.Contains(string(r.raw), "<script>") {
			t.Fatalf("GET %s: inline script", p)
		}
	}
	for _, p := range []string{"/ui/missing.js", "/ui/../../etc/passwd", "/ui/%2e%2e/web.go", "/ui/assets/index-none.js"} {
		if r := s.req("GET", p, "", nil); r.status != 404 {
			t.Errorf("%s: %d", p, r.status)
		}
	}
	// API paths never fall through to the UI.
	if r := s.req("GET", "/api/unknown", "", nil); r.status != 404 || strings.Contains(string(r.raw), "<html") {
		t.Fatalf("api 404: %s", r.raw)
	}
}
