package schema

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
)

// TestMigrationsMirror keeps the two engines' migrations in step: the same
// versions, each with an Up and a Down section.
func TestMigrationsMirror(t *testing.T) {
	names := func(fsys fs.FS) []string {
		t.Helper()
		files, err := fs.Glob(fsys, "*.sql")
		if err != nil {
			t.Fatal(err)
		}
		return files
	}
	lite, pg := names(SQLiteMigrations), names(PostgresMigrations)
	if len(lite) == 0 || !slices.Equal(lite, pg) {
		t.Fatalf("sqlite migrations %v, postgres migrations %v: want the same, non-empty", lite, pg)
	}
	for _, fsys := range []fs.FS{SQLiteMigrations, PostgresMigrations} {
		for _, name := range lite {
			b, err := fs.ReadFile(fsys, name)
			if err != nil {
				t.Fatal(err)
			}
			up := strings.Index(string(b), "-- +goose Up")
			down := strings.Index(string(b), "-- +goose Down")
			if up < 0 || down < up {
				t.Errorf("%s: want a -- +goose Up section followed by a -- +goose Down section", name)
			}
		}
	}
}

func TestMustSubPanicsOnBadDir(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("mustSub accepted an invalid directory")
		}
	}()
	mustSub("../outside")
}
