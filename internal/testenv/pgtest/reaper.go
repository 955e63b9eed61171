package pgtest

import (
	"fmt"
	"io"
	"os/exec"
	"sync"
	"syscall"
)

// reaperScript waits on its stdin. Stop writes "done" after cleaning up in
// order; any other end of input means the test binary died (panic, timeout,
// os.Exit, SIGKILL, no TestMain at all), so the script stops the server and
// removes the directory itself. Go has no exit hooks; a pipe closed by the
// kernel is the one signal that always arrives.
const reaperScript = `read -r line
[ "$line" = done ] && exit 0
dir=$1
shift
"$@" >/dev/null 2>&1
rm -rf "$dir"`

// reaper is a tiny shell process that cleans up after a test binary that did
// not get to call Stop.
type reaper struct {
	cmd  *exec.Cmd
	in   io.WriteCloser
	once sync.Once
	err  error
}

// startReaper starts the watcher for dir. stop is the full command line that
// stops the server; it fails harmlessly if the server never started.
func startReaper(dir string, stop []string) (*reaper, error) {
	args := append([]string{"-c", reaperScript, "pgtest-reaper", dir}, stop...)
	cmd := exec.Command("/bin/sh", args...)
	cmd.Env = cleanEnv()
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

// finish ends the reaper and waits for it. With dismiss the caller has
// already cleaned up; without it the reaper does the cleanup, exactly as
// after a crash. Only the first call has an effect.
func (r *reaper) finish(dismiss bool) error {
	r.once.Do(func() {
		if dismiss {
			_, _ = io.WriteString(r.in, "done\n")
		}
		_ = r.in.Close()
		if err := r.cmd.Wait(); err != nil {
			r.err = fmt.Errorf("reaper: %w", err)
		}
	})
	return r.err
}
