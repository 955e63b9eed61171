// Package pgtest runs a real, throwaway PostgreSQL server for tests, from the
// binaries of Debian's postgresql package.
//
// A real server, not a mock or SQLite, because the PostgreSQL adapters must
// pass the same contract suite as every other backend against the SQL
// dialect, locking and error codes they will meet in production.
//
// Most tests want Shared, which starts one server per test binary, and
// NewDatabase, which gives each test its own database on it:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
//	func TestX(t *testing.T) {
//		dsn := pgtest.Shared(t).NewDatabase(t)
//		...
//	}
//
// The server listens only on 127.0.0.1 with trust authentication and runs
// with durability off (fsync, synchronous_commit, full_page_writes): the data
// is thrown away, and speed is what matters.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Timeouts for the external programs, generous because CI machines stall;
// without them a wedged initdb would hang the test binary until its -timeout.
const (
	initdbTimeout = 2 * time.Minute
	pgCtlTimeout  = 90 * time.Second
	// startAttempts covers the small race between picking a free port and
	// the server binding it.
	startAttempts = 3
)

// Server is one running PostgreSQL cluster in a temporary directory. It is
// safe for concurrent use by parallel tests.
type Server struct {
	port    int
	dir     string // temporary root: data/, sock/, server.log
	dataDir string
	logPath string
	pgCtl   string
	runner  runner
	reaper  *reaper
	running bool
	startup time.Duration

	dbSeq    atomic.Int64
	stopOnce sync.Once
	stopErr  error
}

// Start starts a private server for tb and stops it when tb finishes. Prefer
// Shared: each server costs about a second to initialise.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s, err := start()
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Stop(); err != nil {
			tb.Errorf("pgtest: %v", err)
		}
	})
	tb.Logf("pgtest: PostgreSQL on 127.0.0.1:%d started in %s", s.port, s.startup.Round(time.Millisecond))
	return s
}

// Port is the TCP port on 127.0.0.1, for tests that build their own DSN.
func (s *Server) Port() int { return s.port }

// LogPath is the server's log file, useful when a test wants to show what the
// server said. The file is removed by Stop.
func (s *Server) LogPath() string { return s.logPath }

// Stop shuts the server down without a checkpoint (the data is discarded) and
// removes its directory. It is idempotent; later calls return the first result.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() { s.stopErr = s.stop() })
	return s.stopErr
}

func (s *Server) stop() error {
	var errs []error
	if s.running {
		ctx, cancel := context.WithTimeout(context.Background(), pgCtlTimeout)
		defer cancel()
		out, err := s.runner.run(ctx, s.pgCtl, "stop", "-D", s.dataDir, "-m", "immediate", "-w")
		if err != nil {
			errs = append(errs, fmt.Errorf("stop postgres: %w\n%s", err, out))
		}
	}
	if len(errs) == 0 {
		if err := os.RemoveAll(s.dir); err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", s.dir, err))
		}
	}
	if s.reaper != nil {
		// On any failure above, let the reaper try again as after a crash.
		if err := s.reaper.finish(len(errs) == 0); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// start creates, initialises and starts a server. Any failure cleans up what
// was created so far.
func start() (*Server, error) {
	began := time.Now()
	binDir, err := findBinDir()
	if err != nil {
		return nil, err
	}
	r, err := newRunner()
	if err != nil {
		return nil, err
	}
	// A fresh directory per run: nothing left by a crashed run can get in
	// the way, and parallel test binaries never share a cluster.
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, fmt.Errorf("temp dir: %w", err)
	}
	s := &Server{
		dir:     dir,
		dataDir: filepath.Join(dir, "data"),
		logPath: filepath.Join(dir, "server.log"),
		pgCtl:   filepath.Join(binDir, "pg_ctl"),
		runner:  r,
	}
	if err := s.setUp(binDir); err != nil {
		return nil, errors.Join(err, s.Stop())
	}
	s.startup = time.Since(began)
	return s, nil
}

// setUp does the work of start once the directory exists.
func (s *Server) setUp(binDir string) error {
	stopArgv := s.runner.argv(s.pgCtl, "stop", "-D", s.dataDir, "-m", "immediate", "-w")
	rp, err := startReaper(s.dir, stopArgv)
	if err != nil {
		return err
	}
	s.reaper = rp
	sockDir := filepath.Join(s.dir, "sock")
	if err := os.Mkdir(sockDir, 0o700); err != nil {
		return fmt.Errorf("socket dir: %w", err)
	}
	for _, p := range []string{s.dir, sockDir} {
		if err := s.runner.chown(p); err != nil {
			return fmt.Errorf("chown %s to %s: %w", p, serverUser, err)
		}
	}
	if err := s.initdb(binDir); err != nil {
		return err
	}
	if err := s.writeConfig(sockDir); err != nil {
		return err
	}
	return s.startServer()
}

// initdb creates the cluster. --no-sync saves most of its runtime; the
// superuser is always "postgres" so DSNs do not depend on who runs the tests.
func (s *Server) initdb(binDir string) error {
	ctx, cancel := context.WithTimeout(context.Background(), initdbTimeout)
	defer cancel()
	out, err := s.runner.run(ctx, filepath.Join(binDir, "initdb"),
		"-D", s.dataDir, "-U", serverUser,
		"--auth-local=trust", "--auth-host=trust",
		"--encoding=UTF8", "--locale=C", "--no-sync")
	if err != nil {
		hint := ""
		if os.Geteuid() == 0 {
			hint = fmt.Sprintf("\n(hint: user %s must be able to enter every parent of %s; check TMPDIR)", serverUser, s.dir)
		}
		return fmt.Errorf("initdb: %w\n%s%s", err, out, hint)
	}
	return nil
}

// writeConfig appends the test settings to postgresql.conf; later lines win
// over initdb's defaults. The port is passed at start so a retry can change it.
func (s *Server) writeConfig(sockDir string) error {
	settings := []string{
		"listen_addresses = '127.0.0.1'",
		"unix_socket_directories = " + confQuote(sockDir),
		"fsync = off",
		"synchronous_commit = off",
		"full_page_writes = off",
		// Room for several pools from parallel tests in one binary.
		"max_connections = 200",
	}
	f, err := os.OpenFile(filepath.Join(s.dataDir, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("open postgresql.conf: %w", err)
	}
	_, err = f.WriteString("\n# pgtest\n" + strings.Join(settings, "\n") + "\n")
	return errors.Join(err, f.Close())
}

// startServer runs pg_ctl start on a free port, retrying with a new port if
// another process took it between picking and binding.
func (s *Server) startServer() error {
	var err error
	for range startAttempts {
		s.port, err = freePort()
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), pgCtlTimeout)
		var out string
		out, err = s.runner.run(ctx, s.pgCtl, "start", "-w", "-t", "60",
			"-D", s.dataDir, "-l", s.logPath, "-o", fmt.Sprintf("-p %d", s.port))
		cancel()
		if err == nil {
			s.running = true
			return nil
		}
		tail := logTail(s.logPath)
		err = fmt.Errorf("pg_ctl start on port %d: %w\n%s\n--- %s (tail) ---\n%s", s.port, err, out, s.logPath, tail)
		if !strings.Contains(tail, "could not bind") && !strings.Contains(tail, "already in use") {
			return err
		}
	}
	return err
}

// freePort asks the kernel for an unused port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pick a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// logTail returns the last lines of the server log: enough to show why the
// server refused to start, short enough to read in a test failure.
func logTail(path string) string {
	const maxBytes, maxLines = 8 << 10, 40
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	if len(b) > maxBytes {
		b = b[len(b)-maxBytes:]
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > maxLines {
		lines = lines[len(lines)-maxLines:]
	}
	return strings.Join(lines, "\n")
}

// confQuote quotes a postgresql.conf string value.
func confQuote(v string) string {
	return "'" + strings.ReplaceAll(v, "'", "''") + "'"
}
