package chtest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

func TestMain(m *testing.M) { Main(m) }

// open connects to the database named by dsn, closed at the end of the test.
func open(t *testing.T, srv *Server, dsn string) driver.Conn {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse %s: %v", dsn, err)
	}
	conn, err := srv.connect(strings.TrimPrefix(u.Path, "/"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func TestDatabasesAreIsolated(t *testing.T) {
	t.Parallel()
	srv := Shared(t)
	a := open(t, srv, srv.NewDatabase(t))
	b := open(t, srv, srv.NewDatabase(t))
	ctx := t.Context()
	if err := a.Exec(ctx, `CREATE TABLE widgets (id UInt32) ENGINE = MergeTree ORDER BY id`); err != nil {
		t.Fatalf("create table: %v", err)
	}
	exists := func(conn driver.Conn) bool {
		t.Helper()
		var n uint64
		if err := conn.QueryRow(ctx, `SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = 'widgets'`).Scan(&n); err != nil {
			t.Fatalf("system.tables: %v", err)
		}
		return n == 1
	}
	if !exists(a) {
		t.Error("widgets missing in the database that created it")
	}
	if exists(b) {
		t.Error("widgets visible in another test's database")
	}
}

func TestServerIsLoopbackClickHouse(t *testing.T) {
	t.Parallel()
	srv := Shared(t)
	conn := open(t, srv, srv.NewDatabase(t))
	var version, tz string
	if err := conn.QueryRow(t.Context(), `SELECT version(), timezone()`).Scan(&version, &tz); err != nil {
		t.Fatalf("query: %v", err)
	}
	t.Logf("ClickHouse %s, time zone %s, started in %s", version, tz, srv.StartupTime().Round(time.Millisecond))
	if tz != "UTC" && tz != "Etc/UTC" {
		t.Errorf("server time zone %q, want UTC", tz)
	}
	if !strings.HasPrefix(srv.Addr(), "127.0.0.1:") {
		t.Errorf("Addr() = %s, want 127.0.0.1", srv.Addr())
	}
	// Every non-loopback address of the machine must refuse the port.
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.IsLoopback() || ipn.IP.IsLinkLocalUnicast() {
			continue
		}
		_, port, _ := net.SplitHostPort(srv.Addr())
		c, err := net.DialTimeout("tcp", net.JoinHostPort(ipn.IP.String(), port), time.Second)
		if err == nil {
			_ = c.Close()
			t.Errorf("server reachable on %s", ipn.IP)
		}
	}
	cfg, err := os.ReadFile(filepath.Join(srv.dir, "config.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(cfg), "interserver_http_port") {
		t.Error("config opens an interserver port")
	}
}

func TestCleanupDropsDatabase(t *testing.T) {
	t.Parallel()
	srv := Shared(t)
	var dsn string
	t.Run("user", func(t *testing.T) { dsn = srv.NewDatabase(t) })
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	conn := open(t, srv, srv.DSN("default"))
	var n uint64
	if err := conn.QueryRow(t.Context(), `SELECT count() FROM system.databases WHERE name = ?`, strings.TrimPrefix(u.Path, "/")).Scan(&n); err != nil {
		t.Fatalf("system.databases: %v", err)
	}
	if n != 0 {
		t.Errorf("database %s still exists after its test finished", u.Path)
	}
}

func TestStopRemovesEverything(t *testing.T) {
	t.Parallel()
	srv := Start(t)
	if err := srv.Stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	assertGone(t, srv)
	if err := srv.Stop(); err != nil {
		t.Errorf("second stop: %v", err)
	}
}

// A binary that dies without calling Stop closes the reaper's stdin without
// the "done" word; the reaper must then kill the server and remove its files.
func TestReaperCleansUpAfterCrash(t *testing.T) {
	t.Parallel()
	srv, err := start()
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	if err := srv.reaper.finish(false); err != nil {
		t.Fatalf("reaper: %v", err)
	}
	assertGone(t, srv)
}

// Kill and Restart keep the data: the outage tests of the adapter rely on it.
func TestKillRestartKeepsData(t *testing.T) {
	t.Parallel()
	srv := Start(t)
	ctx := t.Context()
	dsn := srv.NewDatabase(t)
	conn := open(t, srv, dsn)
	if err := conn.Exec(ctx, `CREATE TABLE kept (id UInt32) ENGINE = MergeTree ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if err := conn.Exec(ctx, `INSERT INTO kept (id) SELECT number FROM system.numbers LIMIT 3`); err != nil {
		t.Fatal(err)
	}
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := srv.ping(); err == nil {
		t.Fatal("killed server still answers")
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	var n uint64
	if err := open(t, srv, dsn).QueryRow(ctx, `SELECT count() FROM kept`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("after restart: %d rows, %v", n, err)
	}
}

// A paused server accepts nothing until resumed: the bounded-timeout tests
// of the adapter rely on it.
func TestPauseResume(t *testing.T) {
	t.Parallel()
	srv := Start(t)
	if err := srv.Pause(); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	if err := srv.ping(); err == nil {
		t.Fatal("paused server answered")
	}
	if d := time.Since(began); d > 5*time.Second {
		t.Errorf("ping of a paused server took %s", d)
	}
	if err := srv.Resume(); err != nil {
		t.Fatal(err)
	}
	if err := srv.ping(); err != nil {
		t.Fatalf("after resume: %v", err)
	}
	// Stop must not hang on a paused server.
	if err := srv.Pause(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Resume(); err == nil {
		t.Error("resume of a stopped server succeeded")
	}
}

// assertGone checks that the server no longer answers and that its directory
// is removed.
func assertGone(t *testing.T, srv *Server) {
	t.Helper()
	if _, err := os.Stat(srv.dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stat %s = %v, want not exist", srv.dir, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for srv.ping() == nil {
		if time.Now().After(deadline) {
			t.Fatal("server still answers after stop")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The failure must tell a developer how to fix it, never skip.
func TestMissingBinarySaysHowToInstall(t *testing.T) {
	t.Setenv(binEnv, filepath.Join(t.TempDir(), "clickhouse-server"))
	_, err := start()
	if err == nil {
		t.Fatal("start succeeded without a binary")
	}
	if !strings.Contains(err.Error(), "apt-get install -y clickhouse-server") {
		t.Errorf("error does not say how to install: %v", err)
	}
	dir := t.TempDir()
	t.Setenv(binEnv, dir)
	if _, err := findBinary(); err == nil || !strings.Contains(err.Error(), "not an executable") {
		t.Errorf("a directory accepted as the binary: %v", err)
	}
}

func TestFindBinaryHonoursEnv(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "clickhouse-server")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(binEnv, bin)
	if got, err := findBinary(); err != nil || got != bin {
		t.Fatalf("findBinary() = %s, %v; want %s", got, err, bin)
	}
}

// A binary that exits at once must fail start-up quickly with its output.
func TestServerThatExitsFailsFast(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "clickhouse-server")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho boom >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(binEnv, bin)
	began := time.Now()
	_, err := start()
	if err == nil || !strings.Contains(err.Error(), "exited during start-up") || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("start = %v", err)
	}
	if d := time.Since(began); d > 10*time.Second {
		t.Errorf("took %s", d)
	}
}

func TestDBPrefix(t *testing.T) {
	tests := map[string]string{
		"TestFoo":                     "testfoo",
		"TestFoo/sub case#01":         "testfoo_sub_case_01",
		"":                            "chtest_",
		"1abc":                        "chtest_1abc",
		strings.Repeat("TestLong", 9): strings.Repeat("testlong", 5),
	}
	for in, want := range tests {
		if got := dbPrefix(in); got != want {
			t.Errorf("dbPrefix(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStartPrivateServerLogs(t *testing.T) {
	t.Parallel()
	srv := Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn := open(t, srv, srv.DSN("default"))
	if err := conn.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if srv.HTTPPort() == 0 || srv.HTTPPort() == srv.tcpPort {
		t.Errorf("http port %d, tcp port %d", srv.HTTPPort(), srv.tcpPort)
	}
	if _, err := os.Stat(srv.LogPath()); err != nil {
		t.Errorf("server log: %v", err)
	}
}

func TestDirOverride(t *testing.T) {
	base := t.TempDir()
	t.Setenv(dirEnv, base)
	dir, err := makeDir()
	if err != nil || filepath.Dir(dir) != base {
		t.Fatalf("makeDir() = %s, %v; want a directory under %s", dir, err, base)
	}
	t.Setenv(dirEnv, filepath.Join(base, "missing"))
	if _, err := makeDir(); err == nil || !strings.Contains(err.Error(), dirEnv) {
		t.Fatalf("makeDir() = %v", err)
	}
}

// StopShared ends the shared server and the next Shared starts a new one.
// Not parallel: parallel tests only start once the sequential ones are done,
// so none of them is using the server it stops.
func TestStopSharedStartsAfresh(t *testing.T) {
	first := Shared(t)
	if err := StopShared(); err != nil {
		t.Fatal(err)
	}
	if err := first.ping(); err == nil {
		t.Error("stopped shared server still answers")
	}
	if second := Shared(t); second == first {
		t.Error("Shared returned the stopped server")
	}
	if err := StopShared(); err != nil {
		t.Fatal(err)
	}
	if err := StopShared(); err != nil {
		t.Errorf("StopShared without a server: %v", err)
	}
}

// Restarting a server whose directory is gone fails with the server's words.
func TestRestartAfterStopFails(t *testing.T) {
	t.Parallel()
	srv := Start(t)
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Restart(); err == nil {
		t.Fatal("restart of a removed server succeeded")
	}
	if err := srv.Kill(); err != nil {
		t.Errorf("kill of a stopped server: %v", err)
	}
}

func TestWriteConfigAndTail(t *testing.T) {
	if err := writeConfig("/proc/chtest-nowhere", 1, 2); err == nil {
		t.Error("writeConfig into /proc succeeded")
	}
	if got := tail(filepath.Join(t.TempDir(), "none")); !strings.Contains(got, "no log") {
		t.Errorf("tail of a missing file: %q", got)
	}
	path := filepath.Join(t.TempDir(), "log")
	var b strings.Builder
	for i := range 100 {
		b.WriteString(strings.Repeat("x", i) + "\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := strings.Split(tail(path), "\n"); len(got) != 30 || len(got[29]) != 99 {
		t.Errorf("tail kept %d lines ending with %d bytes", len(got), len(got[len(got)-1]))
	}
}

func TestFindBinaryOnPath(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "clickhouse-server")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(binEnv, "")
	t.Setenv("PATH", dir)
	if got, err := findBinary(); err != nil || got != bin {
		t.Fatalf("findBinary() = %s, %v; want %s", got, err, bin)
	}
}

func TestReaperAfterFinish(t *testing.T) {
	dir := t.TempDir()
	r, err := startReaper(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.watch(os.Getpid() + 1_000_000); err != nil {
		t.Fatal(err)
	}
	if err := r.finish(true); err != nil {
		t.Fatal(err)
	}
	if err := r.watch(1); err != nil {
		t.Errorf("watch after finish: %v", err)
	}
	if err := r.finish(false); err != nil {
		t.Errorf("second finish: %v", err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Errorf("a dismissed reaper removed %s: %v", dir, err)
	}
}

// A port taken between picking and binding costs a retry, not a failure.
func TestStartRetriesTakenPort(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	calls := 0
	pick := func() (int, int, error) {
		calls++
		if calls == 1 {
			tcp, http, err := freePorts()
			return taken.Addr().(*net.TCPAddr).Port, http + 0*tcp, err
		}
		return freePorts()
	}
	srv, err := startWith(pick)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	defer srv.Stop()
	if calls != 2 {
		t.Errorf("picked ports %d times, want 2", calls)
	}
	failing := func() (int, int, error) { return 0, 0, errors.New("no ports") }
	if _, err := startWith(failing); err == nil || !strings.Contains(err.Error(), "no ports") {
		t.Errorf("start = %v", err)
	}
}

// fakeTB records a Fatalf instead of failing the real test.
type fakeTB struct {
	testing.TB
	fatal string
}

func (f *fakeTB) Helper()             {}
func (f *fakeTB) Cleanup(func())      {}
func (f *fakeTB) Name() string        { return "fake" }
func (f *fakeTB) Logf(string, ...any) {}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// run calls fn with a fake TB on its own goroutine, as Fatalf ends it.
func (f *fakeTB) run(fn func(testing.TB)) string {
	done := make(chan struct{})
	go func() { defer close(done); fn(f) }()
	<-done
	return f.fatal
}

func TestHelpersFailLoudly(t *testing.T) {
	t.Setenv(binEnv, filepath.Join(t.TempDir(), "missing"))
	if msg := (&fakeTB{TB: t}).run(func(tb testing.TB) { Start(tb) }); !strings.Contains(msg, "apt-get install") {
		t.Errorf("Start failed with %q", msg)
	}
	srv, err := start()
	if err == nil {
		srv.Stop()
		t.Fatal("start without a binary succeeded")
	}
}

func TestNewDatabaseOnDeadServerFails(t *testing.T) {
	t.Parallel()
	srv := Start(t)
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	if msg := (&fakeTB{TB: t}).run(func(tb testing.TB) { srv.NewDatabase(tb) }); !strings.Contains(msg, "create database") {
		t.Errorf("NewDatabase failed with %q", msg)
	}
}

func TestAllStopped(t *testing.T) {
	if allStopped(os.Getpid()) {
		t.Error("the running test binary counts as stopped")
	}
	if allStopped(1 << 30) {
		t.Error("a missing process counts as stopped")
	}
	srv := &Server{}
	if err := srv.Pause(); err == nil {
		t.Error("pause without a process succeeded")
	}
}
