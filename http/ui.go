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

// uiRoutes serves the embedded UI: files by path, and index.html for "/".
// API paths never fall through to it.
func (s *Server) uiRoutes() {
	if s.deps.UI == nil {
		return
	}
	serve := func(ctx context.Context, c *hz.RequestContext) {
		name := strings.TrimPrefix(path.Clean("/"+c.Param("file")), "/")
		if name == "" {
			name = "index.html"
		}
		b, err := fs.ReadFile(s.deps.UI, name)
		if err != nil {
			writeError(ctx, c, s.log, domain.NotFound("page"))
			return
		}
		ctype := mime.TypeByExtension(path.Ext(name))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		c.Response.Header.Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
		c.Response.Header.Set("Cache-Control", "no-cache")
		c.Data(200, ctype, b)
	}
	s.h.GET("/", serve)
	s.h.GET("/ui/*file", serve)
}
