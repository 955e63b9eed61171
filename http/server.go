package http

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"sync"
	"time"

	hz "github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/app/server"
	"github.com/cloudwego/hertz/pkg/network/standard"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// Config tunes the HTTP server. Zero values take the documented defaults.
type Config struct {
	Addr            string        // listen address; default 127.0.0.1:8080
	ReadTimeout     time.Duration // default 30 s
	WriteTimeout    time.Duration // default 60 s
	IdleTimeout     time.Duration // default 120 s
	MaxBodyBytes    int           // JSON API bodies; default 1 MiB
	MaxIngestBytes  int           // POST /api/events bodies; default 8 MiB
	ShutdownTimeout time.Duration // drain time on shutdown; default 15 s
	// SecureCookies marks the session cookie Secure; set it when the
	// server is reached over TLS (directly or through a proxy).
	SecureCookies bool
	// AllowedOrigins may send cookie-authenticated mutating requests and
	// open WebSockets; the server's own origin is always allowed.
	AllowedOrigins []string
}

func (c Config) withDefaults() Config {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	if c.ReadTimeout <= 0 {
		c.ReadTimeout = 30 * time.Second
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 60 * time.Second
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 120 * time.Second
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 1 << 20
	}
	if c.MaxIngestBytes <= 0 {
		c.MaxIngestBytes = 8 << 20
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = 15 * time.Second
	}
	return c
}

// hardBodyCap bounds what hertz reads into memory for any route; routes
// refuse smaller sizes with the JSON envelope (withBodyLimit).
const hardBodyCap = 16 << 20

// Check is a named readiness check.
type Check struct {
	Name  string
	Check func(ctx context.Context) error
}

// Deps are the use cases and checks the server drives.
type Deps struct {
	Identity *app.Identity
	Admin    *app.Admin
	// Ingest serves event ingest, dead letters, the catalogue and API
	// keys; nil leaves those routes out.
	Ingest *app.Ingest
	// Queries runs query_json for users; nil leaves POST /api/query out.
	Queries *app.Queries
	// Realtime serves WebSocket /realtime and SSE /sse/dashboards/{id};
	// nil leaves them out.
	Realtime *RealtimeDeps
	// Dashboards serves dashboards and widgets; nil leaves their routes out.
	Dashboards *app.Dashboards
	// UI is the embedded browser UI served at "/"; nil serves none.
	UI    fs.FS
	Ready []Check
	Log   *slog.Logger
}

// Server is the HTTP edge.
type Server struct {
	cfg  Config
	deps Deps
	log  *slog.Logger
	h    *server.Hertz
	ln   net.Listener

	revalidated revalidations // realtime credentials re-checked recently

	mu      sync.Mutex
	running bool
	done    chan error
}

// New builds the server and binds its listener (so Addr is known before
// Run, even for port 0).
func New(cfg Config, deps Deps) (*Server, error) {
	cfg = cfg.withDefaults()
	if deps.Identity == nil || deps.Admin == nil || deps.Log == nil {
		return nil, errors.New("http: identity, admin and log are required")
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", cfg.Addr, err)
	}
	s := &Server{cfg: cfg, deps: deps, log: deps.Log, ln: ln}
	s.h = server.New(
		server.WithListener(ownedListener{ln}),
		server.WithOnAccept(withOwnedConn),
		server.WithTransport(standard.NewTransporter),
		server.WithReadTimeout(cfg.ReadTimeout),
		server.WithWriteTimeout(cfg.WriteTimeout),
		server.WithIdleTimeout(cfg.IdleTimeout),
		server.WithMaxRequestBodySize(hardBodyCap),
		server.WithExitWaitTime(cfg.ShutdownTimeout),
		server.WithHandleMethodNotAllowed(true),
		server.WithDisablePrintRoute(true),
		server.WithSenseClientDisconnection(false),
	)
	// A hijacked connection (a WebSocket) lives for hours: hertz's pool of
	// hijacked-connection wrappers would only keep them from being freed
	// (hertz-contrib/websocket issue 21).
	s.h.NoHijackConnPool = true
	// A WebSocket takes its socket over and closes it itself (wsconn.go).
	s.h.KeepHijackedConns = true
	s.routes()
	return s, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Run serves until Shutdown; it returns nil after a clean shutdown.
func (s *Server) Run() error {
	s.mu.Lock()
	s.running = true
	s.done = make(chan error, 1)
	s.mu.Unlock()
	err := s.h.Run()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	s.done <- err
	return err
}

// Shutdown stops accepting connections and drains in-flight requests
// within ctx (and the configured shutdown timeout).
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	running := s.running
	s.running = false
	s.mu.Unlock()
	if !running {
		return s.ln.Close()
	}
	return s.h.Shutdown(ctx)
}

// Routes lists every registered method and path (tests use it to prove
// that every mutating route is audited).
func (s *Server) Routes() [][2]string {
	var out [][2]string
	for _, r := range s.h.Routes() {
		out = append(out, [2]string{r.Method, r.Path})
	}
	return out
}

func (s *Server) routes() {
	h := s.h
	h.Use(withRecovery(s.log), withRequestID(), withAccessLog(s.log), withSecurityHeaders())
	h.NoRoute(func(ctx context.Context, c *hz.RequestContext) {
		writeError(ctx, c, s.log, domain.NotFound("route"))
	})
	h.NoMethod(func(ctx context.Context, c *hz.RequestContext) {
		c.AbortWithStatusJSON(405, ErrorBody{Error: ErrorDetail{Code: "method_not_allowed", Message: domain.Localize(requestLang(c), "method not allowed")}})
	})
	h.GET("/healthz", s.healthz)
	h.GET("/readyz", s.readyz)

	api := h.Group("/api", withBodyLimit(s.cfg.MaxBodyBytes, s.log), s.withOriginCheck())
	api.POST("/auth/login", s.login)
	authed := api.Group("", s.authenticate())
	authed.POST("/auth/logout", s.logout)
	authed.GET("/me", s.me)
	authed.GET("/audit", s.listAudit)
	s.adminRoutes(authed)
	s.ingestRoutes(authed)
	if s.deps.Queries != nil {
		authed.POST("/query", s.postQuery)
		authed.POST("/query/drill", s.postDrill)
	}
	if s.deps.Realtime != nil {
		h.GET("/realtime", s.realtimeWS)
		h.GET("/sse/dashboards/:id", s.authenticate(), s.sseDashboard)
	}
	s.dashboardRoutes(authed)
	s.uiRoutes()
}
