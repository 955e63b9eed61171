package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
)

// serverUser is the account initdb and postgres run as when the tests run as
// root: both refuse to run as root, and Debian's package creates this user.
const serverUser = "postgres"

// runner builds command lines for the PostgreSQL programs, switching to the
// postgres user when needed. Its zero value runs programs directly.
type runner struct {
	// prefix goes before the program and its arguments; empty when the
	// current user can run the server itself.
	prefix []string
	// uid and gid own the temporary directory; -1 leaves ownership alone.
	uid, gid int
}

// newRunner decides how to run the server. As root it drops to the postgres
// user with runuser, or su where runuser is missing (older or minimal images).
func newRunner() (runner, error) {
	if os.Geteuid() != 0 {
		return runner{uid: -1, gid: -1}, nil
	}
	u, err := user.Lookup(serverUser)
	if err != nil {
		return runner{}, fmt.Errorf("running as root, so the server must run as user %q, "+
			"which does not exist (%w); `apt-get install -y postgresql` creates it", serverUser, err)
	}
	uid, errU := strconv.Atoi(u.Uid)
	gid, errG := strconv.Atoi(u.Gid)
	if err := errors.Join(errU, errG); err != nil {
		return runner{}, fmt.Errorf("user %q: %w", serverUser, err)
	}
	r := runner{uid: uid, gid: gid}
	if path, ok := lookSbin("runuser"); ok {
		r.prefix = runuserPrefix(path)
		return r, nil
	}
	if path, ok := lookSbin("su"); ok {
		r.prefix = suPrefix(path)
		return r, nil
	}
	return runner{}, errors.New("running as root, and neither runuser nor su is available " +
		"to start PostgreSQL as user " + serverUser)
}

// runuserPrefix runs a program as the server user with runuser, which,
// unlike su, needs no shell and no PAM password stack.
func runuserPrefix(runuser string) []string {
	return []string{runuser, "-u", serverUser, "--"}
}

// suPrefix runs a program as the server user with su. su takes one shell
// string; passing the program and its arguments as "$0" "$@" avoids quoting
// paths. The "--" matters: util-linux su parses options anywhere on its
// command line and would take pg_ctl's -D as its own.
func suPrefix(su string) []string {
	return []string{su, "-s", "/bin/sh", "-c", `exec "$0" "$@"`, "--", serverUser}
}

// lookSbin finds a program on PATH or in the sbin directories, which are not
// on PATH in some CI shells.
func lookSbin(name string) (string, bool) {
	if path, err := exec.LookPath(name); err == nil {
		return path, true
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/bin", "/bin"} {
		path := dir + "/" + name
		if fi, err := os.Stat(path); err == nil && !fi.IsDir() {
			return path, true
		}
	}
	return "", false
}

// argv returns the full command line for running program with args.
func (r runner) argv(program string, args ...string) []string {
	out := append([]string{}, r.prefix...)
	out = append(out, program)
	return append(out, args...)
}

// run executes program and returns its combined output, so failures can be
// reported with whatever initdb or pg_ctl printed.
func (r runner) run(ctx context.Context, program string, args ...string) (string, error) {
	argv := r.argv(program, args...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = cleanEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s: %w", strings.Join(argv, " "), err)
	}
	return string(out), nil
}

// chown hands path to the server user; a no-op when not switching users.
func (r runner) chown(path string) error {
	if r.uid < 0 {
		return nil
	}
	return os.Chown(path, r.uid, r.gid)
}

// cleanEnv drops PG* variables (PGDATA, PGPORT, PGHOST, ...) that a
// developer's shell may set: they would point the tools at another cluster.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			env = append(env, kv)
		}
	}
	return env
}
