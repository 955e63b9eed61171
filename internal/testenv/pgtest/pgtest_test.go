package pgtest

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

// connect opens a pgx connection closed at the end of the test.
func connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect %s: %v", dsn, err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

func TestDatabasesAreIsolated(t *testing.T) {
	t.Parallel()
	srv := Shared(t)
	a := connect(t, srv.NewDatabase(t))
	b := connect(t, srv.NewDatabase(t))
	ctx := t.Context()

	if _, err := a.Exec(ctx, `CREATE TABLE widgets (id int PRIMARY KEY)`); err != nil {
		t.Fatalf("create table: %v", err)
	}
	exists := func(conn *pgx.Conn) bool {
		t.Helper()
		var ok bool
		if err := conn.QueryRow(ctx, `SELECT to_regclass('widgets') IS NOT NULL`).Scan(&ok); err != nil {
			t.Fatalf("to_regclass: %v", err)
		}
		return ok
	}
	if !exists(a) {
		t.Error("widgets missing in the database that created it")
	}
	if exists(b) {
		t.Error("widgets visible in another test's database")
	}
}

func TestServerIsPostgres(t *testing.T) {
	t.Parallel()
	conn := connect(t, Shared(t).NewDatabase(t))
	var version, addr, enc string
	err := conn.QueryRow(t.Context(),
		`SELECT version(), host(inet_server_addr()), pg_encoding_to_char(encoding)
		   FROM pg_database WHERE datname = current_database()`).Scan(&version, &addr, &enc)
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	t.Log(version)
	if !strings.HasPrefix(version, "PostgreSQL ") {
		t.Errorf("version() = %q, want a PostgreSQL server", version)
	}
	if addr != "127.0.0.1" {
		t.Errorf("server address = %q, want 127.0.0.1", addr)
	}
	if enc != "UTF8" {
		t.Errorf("encoding = %q, want UTF8", enc)
	}
}

func TestCleanupDropsDatabase(t *testing.T) {
	t.Parallel()
	srv := Shared(t)
	var dbname string
	var leaked *pgx.Conn
	t.Run("user", func(t *testing.T) {
		dsn := srv.NewDatabase(t)
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			t.Fatalf("parse %s: %v", dsn, err)
		}
		dbname = cfg.Database
		// Left open past the subtest on purpose: the drop must not depend
		// on callers closing their connections.
		leaked, err = pgx.Connect(t.Context(), dsn)
		if err != nil {
			t.Fatalf("connect: %v", err)
		}
	})
	if leaked != nil {
		defer leaked.Close(context.Background())
	}
	if dbname == "" {
		t.Fatal("subtest did not create a database")
	}
	admin := connect(t, srv.DSN("postgres"))
	var n int
	if err := admin.QueryRow(t.Context(), `SELECT count(*) FROM pg_database WHERE datname = $1`, dbname).Scan(&n); err != nil {
		t.Fatalf("query pg_database: %v", err)
	}
	if n != 0 {
		t.Errorf("database %s still exists after its test finished", dbname)
	}
}

func TestStopRemovesEverything(t *testing.T) {
	t.Parallel()
	srv := Start(t)
	dsn := srv.DSN("postgres")
	_ = connect(t, dsn)
	if err := srv.Stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	assertGone(t, srv, dsn)
	if err := srv.Stop(); err != nil {
		t.Errorf("second stop: %v", err)
	}
}

// A binary that dies without calling Stop closes the reaper's stdin without
// the "done" word; the reaper must then stop the server and remove its files.
func TestReaperCleansUpAfterCrash(t *testing.T) {
	t.Parallel()
	srv, err := start()
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { _ = srv.reaper.finish(false) })
	dsn := srv.DSN("postgres")
	_ = connect(t, dsn)
	if err := srv.reaper.finish(false); err != nil {
		t.Fatalf("reaper: %v", err)
	}
	assertGone(t, srv, dsn)
}

// assertGone checks that the server no longer accepts connections and that
// its directory is removed.
func assertGone(t *testing.T, srv *Server, dsn string) {
	t.Helper()
	if _, err := os.Stat(srv.dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stat %s = %v, want not exist", srv.dir, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if conn, err := pgx.Connect(ctx, dsn); err == nil {
		_ = conn.Close(ctx)
		t.Error("server still accepts connections after stop")
	}
}

func TestNewestMajorBin(t *testing.T) {
	tests := []struct {
		name string
		dirs []string // each gets bin/ with the required programs
		bare []string // directories without binaries
		want string
	}{
		{name: "numeric, not lexical", dirs: []string{"9.6", "10", "15"}, want: "15"},
		{name: "minor versions", dirs: []string{"9.5", "9.6"}, want: "9.6"},
		{name: "skips dirs without binaries", dirs: []string{"14"}, bare: []string{"16"}, want: "14"},
		{name: "ignores non-versions", dirs: []string{"13"}, bare: []string{"common"}, want: "13"},
		{name: "none", bare: []string{"15"}, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			for _, d := range tt.dirs {
				bin := filepath.Join(root, d, "bin")
				mustMkdir(t, bin)
				for _, name := range requiredBins {
					if err := os.WriteFile(filepath.Join(bin, name), nil, 0o755); err != nil {
						t.Fatal(err)
					}
				}
			}
			for _, d := range tt.bare {
				mustMkdir(t, filepath.Join(root, d, "bin"))
			}
			got, err := newestMajorBin(root)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("got %s, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("newestMajorBin: %v", err)
			}
			if want := filepath.Join(root, tt.want, "bin"); got != want {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}
}

func mustMkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

// The failure must tell a developer how to fix it, never skip.
func TestMissingBinariesSayHowToInstall(t *testing.T) {
	t.Setenv(binEnv, t.TempDir())
	_, err := start()
	if err == nil {
		t.Fatal("start succeeded with an empty bin dir")
	}
	if !strings.Contains(err.Error(), "apt-get install -y postgresql") {
		t.Errorf("error does not say how to install: %v", err)
	}
}

func TestDBPrefix(t *testing.T) {
	tests := map[string]string{
		"TestFoo":                     "testfoo",
		"TestFoo/sub case#01":         "testfoo_sub_case_01",
		"":                            "pgtest",
		strings.Repeat("TestLong", 9): strings.Repeat("testlong", 5),
	}
	for in, want := range tests {
		if got := dbPrefix(in); got != want {
			t.Errorf("dbPrefix(%q) = %q, want %q", in, got, want)
		}
	}
}

// Both ways of dropping root must run the program as the server user and
// pass its arguments through untouched, dashes and spaces included.
func TestRunAsServerUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Log("not root: programs run directly, nothing to switch")
		return
	}
	prefixes := map[string]func(string) []string{"runuser": runuserPrefix, "su": suPrefix}
	for tool, prefix := range prefixes {
		t.Run(tool, func(t *testing.T) {
			path, ok := lookSbin(tool)
			if !ok {
				t.Fatalf("%s not found; it ships with util-linux on Debian", tool)
			}
			r := runner{prefix: prefix(path)}
			who, err := r.run(t.Context(), "/usr/bin/id", "-un")
			if err != nil {
				t.Fatalf("id: %v\n%s", err, who)
			}
			if got := strings.TrimSpace(who); got != serverUser {
				t.Errorf("ran as %q, want %q", got, serverUser)
			}
			out, err := r.run(t.Context(), "/bin/echo", "-D", "a b")
			if err != nil {
				t.Fatalf("echo: %v\n%s", err, out)
			}
			if got := strings.TrimSpace(out); got != "-D a b" {
				t.Errorf("arguments arrived as %q, want %q", got, "-D a b")
			}
		})
	}
}
