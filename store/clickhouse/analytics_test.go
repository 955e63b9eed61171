package clickhouse

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/internal/testenv/chtest"
	"github.com/conductor/reports/store/analyticstest"
)

func TestMain(m *testing.M) { chtest.Main(m) }

// configFor turns a chtest DSN into a Config with short timeouts, so the
// outage tests fail fast.
func configFor(tb testing.TB, dsn string) Config {
	tb.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatalf("parse %s: %v", dsn, err)
	}
	return Config{Addr: []string{u.Host}, Database: strings.TrimPrefix(u.Path, "/"), Username: u.User.Username(),
		DialTimeout: 2 * time.Second, ReadTimeout: 5 * time.Second}
}

// mustOpen returns a migrated adapter on a fresh database of srv (the
// shared server when nil), closed when tb ends.
func mustOpen(tb testing.TB, srv *chtest.Server) *Analytics {
	tb.Helper()
	if srv == nil {
		srv = chtest.Shared(tb)
	}
	a := openCfg(tb, configFor(tb, srv.NewDatabase(tb)))
	if err := a.Migrate(context.Background()); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return a
}

func openCfg(tb testing.TB, cfg Config) *Analytics {
	tb.Helper()
	a, err := Open(context.Background(), cfg, analyticstest.Catalog(tb))
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() { _ = a.Close() })
	return a
}

// The port's contract suite, the same one the SQLite adapter passes.
func TestContract(t *testing.T) {
	analyticstest.Analytics(t, func(t *testing.T) app.Analytics { return mustOpen(t, nil) })
}

func sharedServer(tb testing.TB) *chtest.Server { return chtest.Shared(tb) }
