package chtest

import (
	"fmt"
	"os"
	"sync"
	"testing"
	"time"
)

// shared is the one server per test binary. A mutex rather than sync.Once so
// StopShared can reset it; a start error is kept so that every later test
// fails with the same message instead of trying again.
var shared struct {
	mu  sync.Mutex
	srv *Server
	err error
}

// Shared returns the test binary's server, starting it on first use. Tests
// isolate themselves with NewDatabase rather than with separate servers.
//
// Stop it with Main or StopShared from TestMain. If the binary exits without
// doing so (no TestMain, a panic, a -timeout), a watcher process still kills
// the server and removes its directory.
func Shared(tb testing.TB) *Server {
	tb.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.srv == nil && shared.err == nil {
		shared.srv, shared.err = start()
		if shared.err == nil {
			tb.Logf("chtest: ClickHouse on %s started in %s",
				shared.srv.Addr(), shared.srv.startup.Round(time.Millisecond))
		}
	}
	if shared.err != nil {
		tb.Fatalf("chtest: %v", shared.err)
	}
	return shared.srv
}

// StopShared stops the shared server, if one was started, so the next Shared
// call starts a new one. Call it from TestMain after m.Run.
func StopShared() error {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	srv := shared.srv
	shared.srv, shared.err = nil, nil
	if srv == nil {
		return nil
	}
	return srv.Stop()
}

// Main runs the tests and then stops the shared server; a package's whole
// TestMain can be `func TestMain(m *testing.M) { chtest.Main(m) }`. A failed
// stop fails the run, since it means a server or directory may be left behind.
func Main(m *testing.M) {
	code := m.Run()
	if err := StopShared(); err != nil {
		fmt.Fprintf(os.Stderr, "chtest: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}
