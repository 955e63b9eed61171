package chtest

import (
	"fmt"
	"io"
	"os/exec"
	"sync"
	"syscall"
)

// reaperScript reads lines on its stdin: "pid N" names the server process
// (again after every restart), "done" means the test binary cleaned up in
// order. Any other end of input means the test binary died (panic, timeout,
// os.Exit, SIGKILL, no TestMain at all), so the script kills the server and
// removes the directory itself. Go has no exit hooks; a pipe closed by the
// kernel is the one signal that always arrives.
const reaperScript = `dir=$1
pid=
while read -r word arg; do
	case $word in
	pid) pid=$arg ;;
	done) exit 0 ;;
	esac
done
[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
rm -rf "$dir"`

// reaper is a tiny shell process that cleans up after a test binary that did
// not get to call Stop.
type reaper struct {
	mu   sync.Mutex
	cmd  *exec.Cmd
	in   io.WriteCloser
	done bool
	err  error
}

// startReaper starts the watcher for dir.
func startReaper(dir string) (*reaper, error) {
	cmd := exec.Command("/bin/sh", "-c", reaperScript, "chtest-reaper", dir)
	// Its own process group keeps a Ctrl-C aimed at `go test` from killing
	// the reaper along with the binary it is meant to outlive.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("reaper stdin: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start reaper: %w", err)
	}
	return &reaper{cmd: cmd, in: in}, nil
}

// watch tells the reaper which process to kill if the test binary dies.
func (r *reaper) watch(pid int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return nil
	}
	if _, err := fmt.Fprintf(r.in, "pid %d\n", pid); err != nil {
		return fmt.Errorf("reaper: %w", err)
	}
	return nil
}

// finish ends the reaper and waits for it. With dismiss the caller has
// already cleaned up; without it the reaper does the cleanup, exactly as
// after a crash. Only the first call has an effect.
func (r *reaper) finish(dismiss bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return r.err
	}
	r.done = true
	if dismiss {
		_, _ = io.WriteString(r.in, "done\n")
	}
	_ = r.in.Close()
	if err := r.cmd.Wait(); err != nil {
		r.err = fmt.Errorf("reaper: %w", err)
	}
	return r.err
}
