package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/cloudwego/hertz/pkg/common/hlog"

	"github.com/conductor/reports/actors"
	"github.com/conductor/reports/app"
	rhttp "github.com/conductor/reports/http"
	"github.com/conductor/reports/http/sso"
	"github.com/conductor/reports/web"
)

// hlogOnce sets hertz's global logger once per process.
var hlogOnce sync.Once

// serve runs the server until ctx ends (SIGINT/SIGTERM), then drains HTTP,
// stops the actor system and closes the stores, in that order.
func serve(ctx context.Context, cfg Config, stdout, stderr io.Writer) error {
	log := logTo(cfg, stderr)
	// hertz logs through its own global logger; keep it to warnings on
	// stderr. Once per process: it is global, and tests run several nodes.
	hlogOnce.Do(func() {
		hlog.SetOutput(stderr)
		hlog.SetLevel(hlog.LevelWarn)
	})
	meta, err := openMeta(ctx, cfg)
	if err != nil {
		return err
	}
	defer meta.Close()

	boot := app.NewBootstrap(meta, time.Now, app.Argon2Params{})
	if cfg.AdminEmail != "" {
		created, err := boot.EnsureAdmin(ctx, cfg.TenantSlug, cfg.TenantName, cfg.AdminEmail, cfg.AdminPassword)
		if err != nil {
			return fmt.Errorf("bootstrap admin: %w", err)
		}
		if created {
			fmt.Fprintf(stdout, "created admin %s of tenant %q\n", cfg.AdminEmail, cfg.TenantSlug)
		}
	}
	var demoPW string
	var demoGenerated bool
	if cfg.Demo {
		if demoPW, demoGenerated, err = demoPassword(cfg); err != nil {
			return err
		}
		if err := boot.SeedDemo(ctx, demoPW); err != nil {
			return fmt.Errorf("seed demo tenant: %w", err)
		}
	}

	pipe, err := openPipeline(ctx, cfg, meta, log)
	if err != nil {
		return err
	}
	defer pipe.close()

	system, err := actors.NewSystem(actors.SystemConfig{}, log)
	if err != nil {
		return fmt.Errorf("actor system: %w", err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
		defer cancel()
		if err := system.Shutdown(sctx); err != nil {
			log.Error("actor system shutdown", "err", err)
		}
	}()
	if cfg.Demo {
		seedCfg, err := seedDemoEvents(ctx, cfg, pipe, log)
		if err != nil {
			return err
		}
		if cfg.Live > 0 {
			if err := runLive(ctx, seedCfg, cfg.Live, pipe.publisher, log); err != nil {
				return err
			}
		}
	}
	if err := pipe.startIngest(system, cfg, log); err != nil {
		return fmt.Errorf("start ingest: %w", err)
	}

	var verifier app.TokenVerifier
	if cfg.SSOJWKSURL != "" {
		v, err := sso.New(ctx, sso.Config{JWKSURL: cfg.SSOJWKSURL, Issuer: cfg.SSOIssuer, Audience: cfg.SSOAudience})
		if err != nil {
			return fmt.Errorf("sso: %w", err)
		}
		defer v.Close()
		verifier = v
	}
	identity, err := app.NewIdentity(meta, verifier, time.Now, log, app.IdentityConfig{SessionTTL: cfg.SessionTTL})
	if err != nil {
		return err
	}
	queries, err := pipe.queries(ctx)
	if err != nil {
		return err
	}
	var dashboards *app.Dashboards
	var realtime *rhttp.RealtimeDeps
	if queries != nil {
		dashboards = app.NewDashboards(meta, queries, pipe.catalog, time.Now, log)
		rt, err := startRealtime(system, cfg, dashboards, pipe, log)
		if err != nil {
			return fmt.Errorf("realtime: %w", err)
		}
		// Before the HTTP drain: open WebSockets and event streams would
		// hold it until its timeout.
		defer rt.Close()
		realtime = &rhttp.RealtimeDeps{Realtime: rt, Heartbeat: cfg.RealtimeHeartbeat}
	}
	srv, err := rhttp.New(rhttp.Config{Addr: cfg.Listen, MaxBodyBytes: cfg.MaxBodyBytes, ShutdownTimeout: cfg.ShutdownTimeout,
		SecureCookies: cfg.SecureCookies, AllowedOrigins: cfg.AllowedOrigins}, rhttp.Deps{
		Identity:   identity,
		Admin:      app.NewAdmin(meta, time.Now, log, app.Argon2Params{}),
		Ingest:     pipe.ingest,
		UI:         web.Static(),
		Queries:    queries,
		Dashboards: dashboards,
		Realtime:   realtime,
		Log:        log,
		Ready: []rhttp.Check{
			{Name: "metadata", Check: meta.Ping},
			{Name: "analytics", Check: pipe.analytics.Ping},
			{Name: "actors", Check: func(ctx context.Context) error { _, err := system.Stats(ctx); return err }},
		},
	})
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Run() }()
	if cfg.Demo {
		printDemoUsers(stdout, demoPW, demoGenerated)
		fmt.Fprintf(stdout, "demo data:%s", demoTotals(ctx, meta, pipe.analytics))
		if cfg.Live > 0 {
			fmt.Fprintf(stdout, " (live: %.0f events/s)", cfg.Live)
		}
		fmt.Fprintln(stdout)
	}
	// Printed last: scripts and tests wait for this line.
	fmt.Fprintf(stdout, "Conductor Reports listening on http://%s (mode %s, metadata %s, analytics %s, stream %s)\n",
		srv.Addr(), cfg.Mode, cfg.MetaDriver, cfg.AnalyticsDriver, cfg.Stream)

	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "drain", cfg.ShutdownTimeout.String())
	if realtime != nil {
		realtime.Realtime.Close()
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.Canceled) {
		log.Error("http shutdown", "err", err)
	}
	return <-errc
}
