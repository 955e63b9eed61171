// Package archtest checks the dependency rule of DESIGN.md §2 on the real
// import graph: domain imports nothing of ours; app only domain; adapters
// never import each other; nothing imports cmd. `make lint` and `make
// test` both run it.
package archtest

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/conductor/reports"

// layer names the layer of one of our packages by its path.
func layer(pkg string) string {
	rel := strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/")
	switch {
	case rel == "domain" || strings.HasPrefix(rel, "domain/"):
		return "domain"
	case rel == "app" || strings.HasPrefix(rel, "app/"):
		return "app"
	case rel == "schema" || strings.HasPrefix(rel, "schema/"):
		return "schema"
	case rel == "web":
		return "schema" // embedded files only, imports nothing of ours
	case rel == "actors" || strings.HasPrefix(rel, "actors/"):
		return "actors"
	case strings.HasPrefix(rel, "store/internal/"):
		return "store-shared"
	case strings.HasPrefix(rel, "store/"):
		return "adapter:" + rel // each adapter is its own island
	case rel == "streams" || strings.HasPrefix(rel, "streams/"):
		return "adapter:" + rel
	case rel == "http" || strings.HasPrefix(rel, "http/"):
		return "http"
	case strings.HasPrefix(rel, "cmd/"):
		return "cmd"
	case strings.HasPrefix(rel, "loadtest/"):
		return "loadtest"
	case strings.HasPrefix(rel, "internal/queryref"):
		return "app" // the reference evaluator: domain rules only
	case strings.HasPrefix(rel, "internal/e2e"):
		return "cmd" // end-to-end tests assemble the system as cmd does
	case strings.HasPrefix(rel, "internal/testenv/"):
		return "testenv"
	}
	return "other:" + rel
}

// allowed says whether a package of layer from may import one of layer to.
func allowed(from, to string) bool {
	if from == to {
		return true
	}
	switch from {
	case "domain", "schema", "testenv":
		return false
	case "app":
		return to == "domain"
	case "actors":
		return to == "domain" || to == "app"
	case "store-shared":
		return to == "domain" || to == "app"
	case "http":
		return to == "domain" || to == "app" || to == "actors"
	case "loadtest":
		// Load drivers talk to a server over the network; they may only
		// borrow the domain and the demo generator.
		return to == "domain" || to == "app"
	case "cmd":
		return to != "cmd" && to != "testenv"
	}
	if strings.HasPrefix(from, "adapter:") {
		// An adapter implements ports; it may use the shared store code and
		// the schema, never another adapter.
		return to == "domain" || to == "app" || to == "schema" || (strings.HasPrefix(from, "adapter:store/") && to == "store-shared")
	}
	return false
}

type pkgInfo struct {
	ImportPath string
	Imports    []string
}

func listPackages(t *testing.T) []pkgInfo {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", module+"/...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []pkgInfo
	for {
		var p pkgInfo
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func TestDependencyRule(t *testing.T) {
	pkgs := listPackages(t)
	if len(pkgs) < 8 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	for _, p := range pkgs {
		from := layer(p.ImportPath)
		if strings.HasPrefix(from, "other:") && p.ImportPath != module+"/internal/archtest" {
			t.Errorf("package %s is in no layer: place it or extend the rule", p.ImportPath)
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			if to := layer(imp); !allowed(from, to) {
				t.Errorf("%s (%s) imports %s (%s): breaks the dependency rule", p.ImportPath, from, imp, to)
			}
		}
	}
}

// TestRuleCatchesViolations proves the checker can fail.
func TestRuleCatchesViolations(t *testing.T) {
	for _, bad := range [][2]string{
		{module + "/domain", module + "/app"},
		{module + "/app", module + "/store/sqlite"},
		{module + "/store/sqlite", module + "/store/postgres"},
		{module + "/store/postgres", module + "/http"},
		{module + "/http", module + "/store/sqlite"},
		{module + "/actors", module + "/http"},
		{module + "/http", module + "/cmd/reportsd"},
		{module + "/store/internal/sqlmeta", module + "/store/sqlite"},
	} {
		if allowed(layer(bad[0]), layer(bad[1])) {
			t.Errorf("%s -> %s should be refused", bad[0], bad[1])
		}
	}
	for _, ok := range [][2]string{
		{module + "/cmd/reportsd", module + "/store/sqlite"},
		{module + "/store/sqlite", module + "/store/internal/sqlmeta"},
		{module + "/store/sqlite", module + "/schema"},
		{module + "/http/sso", module + "/app"},
		{module + "/http", module + "/http/sso"},
	} {
		if !allowed(layer(ok[0]), layer(ok[1])) {
			t.Errorf("%s -> %s should be allowed", ok[0], ok[1])
		}
	}
}
