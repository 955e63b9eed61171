package pgtest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// debianRoot is where Debian's postgresql packages put one directory per
// major version; several majors can be installed side by side.
const debianRoot = "/usr/lib/postgresql"

// binEnv overrides the binary directory, for machines whose PostgreSQL does
// not live in the Debian layout (Homebrew, a source build, a pinned major).
const binEnv = "REPORTS_PG_BIN"

// installHint is repeated in every "binaries missing" message: a developer
// who sees a failing test should not have to go looking for the fix.
const installHint = "install the server with `apt-get install -y postgresql` " +
	"(`make test` does this), or set " + binEnv + " to a directory holding initdb, pg_ctl and postgres"

// requiredBins are the programs the harness runs. postgres itself is started
// by pg_ctl, but pg_ctl gives a poor error when it is missing, so check it here.
var requiredBins = []string{"initdb", "pg_ctl", "postgres"}

// findBinDir returns the directory to run PostgreSQL from: REPORTS_PG_BIN if
// set, else the newest major version under /usr/lib/postgresql.
func findBinDir() (string, error) {
	if dir := os.Getenv(binEnv); dir != "" {
		if err := checkBins(dir); err != nil {
			return "", fmt.Errorf("%s=%s: %w; %s", binEnv, dir, err, installHint)
		}
		return dir, nil
	}
	dir, err := newestMajorBin(debianRoot)
	if err != nil {
		return "", fmt.Errorf("no PostgreSQL server under %s: %w; %s", debianRoot, err, installHint)
	}
	return dir, nil
}

// newestMajorBin picks the highest version directory under root that holds
// all required binaries. Names are compared as versions, not strings, so that
// "10" beats "9.6"; directories that are not versions are ignored.
func newestMajorBin(root string) (string, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return "", err
	}
	var best string
	var bestVer []int
	for _, e := range entries {
		ver, ok := parseVersion(e.Name())
		if !ok || !e.IsDir() {
			continue
		}
		dir := filepath.Join(root, e.Name(), "bin")
		if checkBins(dir) != nil {
			continue
		}
		if bestVer == nil || versionLess(bestVer, ver) {
			best, bestVer = dir, ver
		}
	}
	if best == "" {
		return "", errors.New("no <major>/bin directory with initdb, pg_ctl and postgres")
	}
	return best, nil
}

// checkBins reports the first required binary missing from dir.
func checkBins(dir string) error {
	for _, name := range requiredBins {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("missing %s: %w", name, err)
		}
		if fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
			return fmt.Errorf("%s is not an executable file", filepath.Join(dir, name))
		}
	}
	return nil
}

// parseVersion splits "15" or "9.6" into numeric parts.
func parseVersion(s string) ([]int, bool) {
	var ver []int
	for _, part := range strings.Split(s, ".") {
		n, err := strconv.Atoi(part)
		if err != nil || n < 0 {
			return nil, false
		}
		ver = append(ver, n)
	}
	return ver, true
}

// versionLess orders versions part by part; a missing part counts as 0.
func versionLess(a, b []int) bool {
	for i := 0; i < max(len(a), len(b)); i++ {
		var x, y int
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return x < y
		}
	}
	return false
}
