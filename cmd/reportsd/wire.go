package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/schema"
	"github.com/conductor/reports/store/postgres"
	"github.com/conductor/reports/store/sqlite"
)

// metaStore is a metadata adapter that can also migrate its schema.
type metaStore interface {
	app.MetaStore
	Migrate(ctx context.Context) error
}

// openMeta opens the configured metadata store and applies migrations.
func openMeta(ctx context.Context, cfg Config) (metaStore, error) {
	var m metaStore
	var err error
	switch cfg.MetaDriver {
	case "postgres":
		m, err = postgres.Open(ctx, cfg.MetaDSN)
	default:
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("data dir: %w", err)
		}
		m, err = sqlite.Open(ctx, cfg.MetaDSN)
	}
	if err != nil {
		return nil, fmt.Errorf("open metadata store: %w", err)
	}
	if err := m.Migrate(ctx); err != nil {
		_ = m.Close()
		return nil, fmt.Errorf("migrate metadata store: %w", err)
	}
	return m, nil
}

func migrate(ctx context.Context, cfg Config, stdout, stderr io.Writer) error {
	m, err := openMeta(ctx, cfg)
	if err != nil {
		return err
	}
	defer m.Close()
	fmt.Fprintf(stdout, "metadata store (%s) migrated\n", cfg.MetaDriver)
	// The analytics store too, so a migration that fills new rollups can
	// run while no node ingests (see docs/clickhouse.md); serve migrates
	// it again at start, a no-op then.
	cat, err := domain.ParseCatalog(schema.CatalogJSON())
	if err != nil {
		return err
	}
	a, err := openAnalytics(ctx, cfg, cat)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate analytics store: %w", err)
	}
	fmt.Fprintf(stdout, "analytics store (%s) migrated\n", cfg.AnalyticsDriver)
	return nil
}

// demoPassword returns the configured demo password or a generated one,
// and whether it was generated (then it is printed once).
func demoPassword(cfg Config) (string, bool, error) {
	if cfg.DemoPassword != "" {
		return cfg.DemoPassword, false, nil
	}
	pw, err := app.GeneratePassword(16)
	return pw, true, err
}

func seed(ctx context.Context, cfg Config, stdout, stderr io.Writer) error {
	m, err := openMeta(ctx, cfg)
	if err != nil {
		return err
	}
	defer m.Close()
	pw, generated, err := demoPassword(cfg)
	if err != nil {
		return err
	}
	if err := app.NewBootstrap(m, time.Now, app.Argon2Params{}).SeedDemo(ctx, pw); err != nil {
		return fmt.Errorf("seed demo tenant: %w", err)
	}
	pipe, err := openPipeline(ctx, cfg, m, logTo(cfg, stderr))
	if err != nil {
		return err
	}
	defer pipe.close()
	if _, err := seedDemoEvents(ctx, cfg, pipe, logTo(cfg, stderr)); err != nil {
		return err
	}
	printDemoUsers(stdout, pw, generated)
	fmt.Fprintf(stdout, "demo data:%s\n", demoTotals(ctx, m, pipe.analytics))
	return nil
}

func printDemoUsers(w io.Writer, pw string, generated bool) {
	fmt.Fprintln(w, "demo tenant \"acme\" ready; users:")
	for _, u := range app.DemoUsers {
		fmt.Fprintf(w, "  %-8s %s\n", u.Role, u.Email)
	}
	if generated {
		fmt.Fprintf(w, "  password (generated, shown once): %s\n", pw)
	} else {
		fmt.Fprintln(w, "  password: the value of REPORTS_DEMO_PASSWORD")
	}
}

// logTo builds the logger of a command.
func logTo(cfg Config, stderr io.Writer) *slog.Logger { return newLogger(cfg, stderr) }
