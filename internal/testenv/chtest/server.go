// Package chtest runs a real, throwaway ClickHouse server for tests, from the
// binary of Debian's clickhouse-server package (release 18.16 on Debian 12).
//
// A real server, not a mock, because the ClickHouse adapter must pass the
// same contract suite as the SQLite one against the engines, materialized
// views and driver behaviour it meets in production.
//
// Most tests want Shared, which starts one server per test binary, and
// NewDatabase, which gives each test its own database on it:
//
//	func TestMain(m *testing.M) { chtest.Main(m) }
//
//	func TestX(t *testing.T) {
//		dsn := chtest.Shared(t).NewDatabase(t)
//		...
//	}
//
// The server listens only on 127.0.0.1, keeps every file (data, tmp, user
// files, format schemas, logs, its config) in one temporary directory, and
// has no interserver port: nothing of it is reachable from outside the
// machine and nothing is left behind. It runs as the current user: unlike
// PostgreSQL, clickhouse-server 18.16 does not refuse to run as root.
package chtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Timeouts, generous because CI machines stall; without them a wedged server
// would hang the test binary until its -timeout.
const (
	readyTimeout = 60 * time.Second
	killTimeout  = 15 * time.Second
	// startAttempts covers the small race between picking free ports and
	// the server binding them.
	startAttempts = 3
)

// Server is one running ClickHouse in a temporary directory. It is safe for
// concurrent use by parallel tests.
type Server struct {
	bin      string
	dir      string // temporary root: config, data, logs
	config   string
	logPath  string
	errPath  string
	tcpPort  int
	httpPort int
	reaper   *reaper
	startup  time.Duration

	mu     sync.Mutex
	proc   *os.Process
	exited chan struct{} // closed when proc ends
	paused bool

	dbSeq    atomic.Int64
	stopOnce sync.Once
	stopErr  error
}

// Start starts a private server for tb and stops it when tb finishes. Prefer
// Shared; a private server is for tests that stop, pause or restart it.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s, err := start()
	if err != nil {
		tb.Fatalf("chtest: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Stop(); err != nil {
			tb.Errorf("chtest: %v", err)
		}
	})
	tb.Logf("chtest: ClickHouse on %s started in %s", s.Addr(), s.startup.Round(time.Millisecond))
	return s
}

// Addr is the native protocol address, host:port on 127.0.0.1. The native
// protocol is the one to use: 18.16 refuses the HTTP interface's
// client_protocol_version parameter that current drivers send.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", fmt.Sprint(s.tcpPort)) }

// HTTPPort is the HTTP interface's port on 127.0.0.1, for poking at the
// server with curl while debugging a test.
func (s *Server) HTTPPort() int { return s.httpPort }

// LogPath is the server's log file, removed by Stop.
func (s *Server) LogPath() string { return s.logPath }

// StartupTime is how long the server took from exec to answering a ping.
func (s *Server) StartupTime() time.Duration { return s.startup }

// start creates the directory and configuration and starts a server. Any
// failure cleans up what was created so far.
func start() (*Server, error) { return startWith(freePorts) }

// startWith is start with the port picker as a seam, so the retry on a port
// taken between picking and binding can be tested.
func startWith(pick func() (tcp, http int, err error)) (*Server, error) {
	began := time.Now()
	bin, err := findBinary()
	if err != nil {
		return nil, err
	}
	// A fresh directory per server: nothing left by a crashed run can get
	// in the way, and parallel test binaries never share data.
	dir, err := makeDir()
	if err != nil {
		return nil, err
	}
	s := &Server{
		bin:     bin,
		dir:     dir,
		config:  filepath.Join(dir, "config.xml"),
		logPath: filepath.Join(dir, "log", "server.log"),
		errPath: filepath.Join(dir, "log", "server.err.log"),
	}
	s.reaper, err = startReaper(dir)
	if err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	if err := s.startOnFreePorts(pick); err != nil {
		return nil, errors.Join(err, s.Stop())
	}
	s.startup = time.Since(began)
	return s, nil
}

// startOnFreePorts picks ports, writes the configuration and starts the
// server, retrying with new ports if another process took one between
// picking and binding.
func (s *Server) startOnFreePorts(pick func() (int, int, error)) error {
	var err error
	for range startAttempts {
		if s.tcpPort, s.httpPort, err = pick(); err != nil {
			return err
		}
		if err = writeConfig(s.dir, s.tcpPort, s.httpPort); err != nil {
			return err
		}
		if err = s.run(); err == nil {
			return nil
		}
		if !strings.Contains(err.Error(), "already in use") {
			return err
		}
	}
	return err
}

// run starts the server process and waits until it answers a ping.
func (s *Server) run() error {
	cmd := exec.Command(s.bin, "--config-file="+s.config)
	cmd.Dir = s.dir
	out, err := os.OpenFile(filepath.Join(s.dir, "log", "stdout.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("server stdout: %w", err)
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	// Its own process group: a Ctrl-C aimed at `go test` must not kill the
	// server before the test's cleanup (or the reaper) removes its files.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	s.mu.Lock()
	s.proc, s.exited, s.paused = cmd.Process, exited, false
	s.mu.Unlock()
	if err := s.reaper.watch(cmd.Process.Pid); err != nil {
		return errors.Join(err, s.kill())
	}
	if err := s.waitReady(exited); err != nil {
		return errors.Join(err, s.kill())
	}
	return nil
}

// waitReady polls the native port until the server answers a ping, the
// process exits, or readyTimeout passes.
func (s *Server) waitReady(exited <-chan struct{}) error {
	deadline := time.Now().Add(readyTimeout)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("clickhouse-server exited during start-up\n--- %s (tail) ---\n%s", s.errPath, s.logTails())
		default:
		}
		if last = s.ping(); last == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("clickhouse-server did not answer on %s within %s: %w\n%s", s.Addr(), readyTimeout, last, s.logTails())
}

// ping opens a native connection and pings, the check a client makes.
func (s *Server) ping() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	conn, err := s.connect("default")
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Ping(ctx)
}

// CPU returns the CPU time (user + system) the server process has used,
// read from /proc: benchmarks report the server's cost per event next to
// the client's.
func (s *Server) CPU() (time.Duration, error) {
	s.mu.Lock()
	pid := s.proc.Pid
	s.mu.Unlock()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("chtest: server cpu: %w", err)
	}
	// Fields after the command name (which may hold spaces) start at
	// state; utime and stime are the 14th and 15th fields overall.
	rest := raw[bytes.LastIndexByte(raw, ')')+2:]
	f := strings.Fields(string(rest))
	if len(f) < 13 {
		return 0, fmt.Errorf("chtest: server cpu: short /proc/%d/stat", pid)
	}
	var ticks int64
	for _, v := range f[11:13] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("chtest: server cpu: %w", err)
		}
		ticks += n
	}
	// USER_HZ is 100 on every Linux this runs on.
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}

// Pause freezes the server (SIGSTOP): connections stay open but nothing
// answers, the way a wedged or overloaded server looks to a client. It
// returns once every thread has stopped: signals are delivered
// asynchronously, and a thread still running could answer one more request.
func (s *Server) Pause() error {
	if err := s.signal(syscall.SIGSTOP, true); err != nil {
		return err
	}
	s.mu.Lock()
	pid := s.proc.Pid
	s.mu.Unlock()
	deadline := time.Now().Add(killTimeout)
	for !allStopped(pid) {
		if time.Now().After(deadline) {
			return fmt.Errorf("chtest: server pid %d did not stop", pid)
		}
		time.Sleep(time.Millisecond)
	}
	return nil
}

// allStopped reports whether every thread of pid is in the stopped state,
// read from /proc (Linux, where the tests run).
func allStopped(pid int) bool {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/stat", pid))
	if err != nil || len(tasks) == 0 {
		return false
	}
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			return false
		}
		// The state follows the parenthesised command name, which may hold spaces.
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 || i+2 >= len(b) || (b[i+2] != 'T' && b[i+2] != 't') {
			return false
		}
	}
	return true
}

// Resume thaws a paused server.
func (s *Server) Resume() error { return s.signal(syscall.SIGCONT, false) }

func (s *Server) signal(sig syscall.Signal, paused bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return errors.New("chtest: server is not running")
	}
	if err := s.proc.Signal(sig); err != nil {
		return fmt.Errorf("chtest: signal %s: %w", sig, err)
	}
	s.paused = paused
	return nil
}

// Kill stops the server abruptly (SIGKILL), as a crash or a lost machine
// would, keeping its data so Restart can bring it back.
func (s *Server) Kill() error { return s.kill() }

func (s *Server) kill() error {
	s.mu.Lock()
	proc, exited := s.proc, s.exited
	s.proc = nil
	s.mu.Unlock()
	if proc == nil {
		return nil
	}
	_ = proc.Kill() // fails only if it already exited
	select {
	case <-exited:
		return nil
	case <-time.After(killTimeout):
		return fmt.Errorf("chtest: server pid %d did not exit after SIGKILL", proc.Pid)
	}
}

// Restart starts a killed server again on the same ports with the same data,
// as a supervisor would after a crash.
func (s *Server) Restart() error {
	if err := s.kill(); err != nil {
		return err
	}
	if err := s.run(); err != nil {
		return fmt.Errorf("chtest: restart: %w", err)
	}
	return nil
}

// Stop kills the server (the data is discarded, so there is nothing to
// shut down gracefully) and removes its directory. It is idempotent; later
// calls return the first result.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		var errs []error
		if err := s.kill(); err != nil {
			errs = append(errs, err)
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
		s.stopErr = errors.Join(errs...)
	})
	return s.stopErr
}

// makeDir creates the server's directory: under REPORTS_CHTEST_DIR if set,
// else in /dev/shm when it is usable, else in the usual temporary directory
// (TMPDIR). ClickHouse syncs every part it writes, and on a disk-backed file
// system that makes a small insert into a table with views cost a quarter of
// a second instead of 30 ms; the data is thrown away, so memory is the right
// place for it.
func makeDir() (string, error) {
	if d := os.Getenv(dirEnv); d != "" {
		dir, err := os.MkdirTemp(d, "chtest-")
		if err != nil {
			return "", fmt.Errorf("%s=%s: %w", dirEnv, d, err)
		}
		return dir, nil
	}
	if dir, err := os.MkdirTemp("/dev/shm", "chtest-"); err == nil {
		return dir, nil
	}
	dir, err := os.MkdirTemp("", "chtest-")
	if err != nil {
		return "", fmt.Errorf("temp dir: %w", err)
	}
	return dir, nil
}

// dirEnv overrides where servers keep their files.
const dirEnv = "REPORTS_CHTEST_DIR"

// freePorts asks the kernel for two unused ports on 127.0.0.1, holding both
// listeners until both are known so they differ.
func freePorts() (tcp, http int, err error) {
	var ports [2]int
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, 0, fmt.Errorf("pick a free port: %w", err)
		}
		defer l.Close()
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports[0], ports[1], nil
}

// logTails returns the end of the error log and of the server's stdout:
// enough to show why the server refused to start.
func (s *Server) logTails() string {
	return tail(s.errPath) + "\n--- stdout (tail) ---\n" + tail(filepath.Join(s.dir, "log", "stdout.log"))
}

func tail(path string) string {
	const maxBytes, maxLines = 8 << 10, 30
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
