package chtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
)

// binEnv overrides the server binary, for machines whose ClickHouse does not
// come from Debian's package (an upstream build, a pinned release).
const binEnv = "REPORTS_CLICKHOUSE_BIN"

// installHint is repeated in every "binary missing" message: a developer who
// sees a failing test should not have to go looking for the fix.
const installHint = "install the server with `apt-get install -y clickhouse-server` " +
	"(`make test` does this), or set " + binEnv + " to a clickhouse-server binary"

// debianPaths are where Debian's clickhouse-server package (and upstream
// packages, which symlink clickhouse-server to the multi-call binary) put the
// server. /usr/sbin is not on PATH in some CI shells, hence the explicit list.
var debianPaths = []string{"/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server"}

// findBinary returns the server to run: REPORTS_CLICKHOUSE_BIN if set, else
// clickhouse-server on PATH or in the Debian locations.
func findBinary() (string, error) {
	if p := os.Getenv(binEnv); p != "" {
		if err := checkExecutable(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w; %s", binEnv, p, err, installHint)
		}
		return p, nil
	}
	candidates := debianPaths
	if p, err := exec.LookPath("clickhouse-server"); err == nil {
		candidates = append([]string{p}, candidates...)
	}
	for _, p := range candidates {
		if checkExecutable(p) == nil {
			return p, nil
		}
	}
	return "", errors.New("no clickhouse-server binary on PATH or in /usr/sbin, /usr/bin; " + installHint)
}

// checkExecutable reports why path cannot be run as the server.
func checkExecutable(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", path)
	}
	return nil
}
