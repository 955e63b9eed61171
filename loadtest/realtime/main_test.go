package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

func TestRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-sessions", "0"},
		{"-sessions", "50000"},
		{"-rounds", "0"},
		{"-bogus"},
	} {
		if _, err := parse(args); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

// TestDrivesARealServer builds reportsd, runs the driver with a few
// sessions against it (the demo dashboards, real ingest, real feeds) and
// checks that every session received every round's frame.
func TestDrivesARealServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs reportsd")
	}
	bin := filepath.Join(t.TempDir(), "reportsd")
	build := exec.Command("go", "build", "-o", bin, "github.com/conductor/reports/cmd/reportsd")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build reportsd: %v\n%s", err, out)
	}
	var out bytes.Buffer
	err := run(context.Background(), []string{"-server", bin, "-sessions", "20", "-rounds", "3", "-gap", "50ms", "-widget", ""}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	m := regexp.MustCompile(`\((\d+) frames, (\d+) missed\)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no latency line in:\n%s", out.String())
	}
	if frames, _ := strconv.Atoi(m[1]); frames != 60 || m[2] != "0" {
		t.Errorf("got %s frames and %s missed, want 60 and 0:\n%s", m[1], m[2], out.String())
	}
	if !regexp.MustCompile(`memory per idle session`).MatchString(out.String()) {
		t.Errorf("no memory line:\n%s", out.String())
	}
}
