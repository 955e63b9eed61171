package http

import (
	"context"
	"io/fs"
	"mime"
	"path"
	"strings"

	hz "github.com/cloudwego/hertz/pkg/app"

	"github.com/conductor/reports/domain"
)

// uiCSP keeps the UI to its own origin: scripts only from files of the
// build (no inline script, no eval), connections (API, WebSocket, SSE) to
// the server itself. Inline styles stay allowed: the chart library and the
// grid position elements with style attributes.
const uiCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// Cache policies: hashed build assets never change under their name;
// everything else (index.html above all) is revalidated, so a new release
// is picked up on the next load.
const (
	cacheImmutable  = "public, max-age=31536000, immutable"
	cacheRevalidate = "no-cache"
)

// uiAnswer is what the UI route answers for a path.
type uiAnswer struct {
	status int
	name   string // file served
	body   []byte
	cache  string
}

// resolveUI decides what the UI serves for the path under /ui/ (or "" for
// "/"): the file when it exists; index.html for the single-page app's
// client routes (paths without a file extension), so a reload of
// /ui/dashboards/{id} works; 404 for a missing file (an asset of another
// build, a typo), which must not turn into HTML.
func resolveUI(ui fs.FS, file string) uiAnswer {
	name := strings.TrimPrefix(path.Clean("/"+file), "/")
	if name == "" {
		name = "index.html"
	}
	if b, err := fs.ReadFile(ui, name); err == nil {
		cache := cacheRevalidate
		if strings.HasPrefix(name, "assets/") {
			cache = cacheImmutable
		}
		return uiAnswer{status: 200, name: name, body: b, cache: cache}
	}
	if path.Ext(name) != "" {
		return uiAnswer{status: 404}
	}
	b, err := fs.ReadFile(ui, "index.html")
	if err != nil {
		return uiAnswer{status: 404}
	}
	return uiAnswer{status: 200, name: "index.html", body: b, cache: cacheRevalidate}
}

// uiRoutes serves the embedded UI at "/" and under /ui/ (see resolveUI).
// API, realtime and SSE paths never fall through to it.
func (s *Server) uiRoutes() {
	if s.deps.UI == nil {
		return
	}
	serve := func(ctx context.Context, c *hz.RequestContext) {
		a := resolveUI(s.deps.UI, c.Param("file"))
		if a.status != 200 {
			writeError(ctx, c, s.log, domain.NotFound("page"))
			return
		}
		ctype := mime.TypeByExtension(path.Ext(a.name))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		c.Response.Header.Set("Content-Security-Policy", uiCSP)
		c.Response.Header.Set("Cache-Control", a.cache)
		c.Data(200, ctype, a.body)
	}
	s.h.GET("/", serve)
	s.h.GET("/ui/*file", serve)
}
