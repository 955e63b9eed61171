package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudwego/hertz/pkg/common/hlog"

	"github.com/conductor/reports/internal/testenv/pgtest"
)

func TestMain(m *testing.M) {
	hlog.SetSilentMode(true)
	hlog.SetOutput(io.Discard)
	code := m.Run()
	if err := pgtest.StopShared(); err != nil && code == 0 {
		code = 1
	}
	os.Exit(code)
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func envOf(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }

var listenRE = regexp.MustCompile(`listening on (http://[0-9.:]+)`)

// startServe runs "reportsd serve" in the background and returns its base
// URL, its stdout and a stop function that returns the exit code.
func startServe(t *testing.T, args []string, env map[string]string) (string, *syncBuffer, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, append([]string{"serve"}, args...), envOf(env), stdout, stderr) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if m := listenRE.FindStringSubmatch(stdout.String()); m != nil {
			stopped := false
			var code int
			stop := func() int {
				if !stopped {
					http.DefaultClient.CloseIdleConnections()
					cancel()
					code, stopped = <-done, true
				}
				return code
			}
			t.Cleanup(func() { stop() })
			return m[1], stdout, stop
		}
		select {
		case code := <-done:
			cancel()
			t.Fatalf("serve exited %d early: %s %s", code, stdout.String(), stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start: %s %s", stdout.String(), stderr.String())
		}
	}
}

func TestServeDemoHealthLoginAndShutdown(t *testing.T) {
	dir := t.TempDir()
	base, stdout, stop := startServe(t, []string{"--listen", "127.0.0.1:0", "--data-dir", dir, "--demo", "--events", "400", "--live", "200"}, nil)
	out := stdout.String()
	m := regexp.MustCompile(`demo data: tickets=(\d+) .*events=(\d+)`).FindStringSubmatch(out)
	if m == nil || m[1] == "0" {
		t.Fatalf("no demo data in the banner:\n%s", out)
	}
	// Live mode keeps adding events through the stream and the ingest actor.
	seeded := countRows(t, filepath.Join(dir, "reports.db"), "an_events")
	deadline := time.Now().Add(15 * time.Second)
	for countRows(t, filepath.Join(dir, "reports.db"), "an_events") <= seeded {
		if time.Now().After(deadline) {
			t.Fatalf("live mode added no events beyond the %d seeded", seeded)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, want := range []string{"admin@acme.example", "editor@acme.example", "viewer@acme.example", "password (generated, shown once): "} {
		if !strings.Contains(out, want) {
			t.Fatalf("startup output lacks %q:\n%s", want, out)
		}
	}
	pw := regexp.MustCompile(`shown once\): (\S+)`).FindStringSubmatch(out)[1]
	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", err, resp)
	}
	resp.Body.Close()
	resp, err = http.Get(base + "/readyz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", err, resp)
	}
	resp.Body.Close()
	body, _ := json.Marshal(map[string]string{"email": "admin@acme.example", "password": pw})
	resp, err = http.Post(base+"/api/auth/login", "application/json", bytes.NewReader(body))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("demo admin login: %v %v", err, resp)
	}
	var login struct {
		Token string `json:"token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&login)
	resp.Body.Close()
	checkDemoDashboard(t, base, login.Token)
	if code := stop(); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("still serving after shutdown")
	}
	if _, err := os.Stat(filepath.Join(dir, "reports.db")); err != nil {
		t.Fatalf("no SQLite file in the data dir: %v", err)
	}
}

func TestServeBootstrapsAdminOnceAndDemoPasswordFromEnv(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"REPORTS_ADMIN_EMAIL": "root@first.example", "REPORTS_ADMIN_PASSWORD": "first-admin-password",
		"REPORTS_TENANT_SLUG": "first", "REPORTS_DATA_DIR": dir, "REPORTS_LISTEN": "127.0.0.1:0",
		"REPORTS_DEMO": "true", "REPORTS_DEMO_PASSWORD": "demo-password-123", "REPORTS_SEED_EVENTS": "200"}
	base, stdout, stop := startServe(t, nil, env)
	if !strings.Contains(stdout.String(), `created admin root@first.example of tenant "first"`) ||
		!strings.Contains(stdout.String(), "REPORTS_DEMO_PASSWORD") {
		t.Fatalf("output: %s", stdout.String())
	}
	for _, cred := range [][2]string{{"root@first.example", "first-admin-password"}, {"viewer@acme.example", "demo-password-123"}} {
		body, _ := json.Marshal(map[string]string{"email": cred[0], "password": cred[1]})
		resp, err := http.Post(base+"/api/auth/login", "application/json", bytes.NewReader(body))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("login %s: %v %v", cred[0], err, resp)
		}
		resp.Body.Close()
	}
	stop()
	// A restart with the same environment does not create the admin again.
	_, stdout, _ = startServe(t, nil, env)
	if strings.Contains(stdout.String(), "created admin") {
		t.Fatalf("admin created twice: %s", stdout.String())
	}
}

func TestMigrateAndSeedCommands(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"migrate", "--data-dir", dir}, envOf(nil), &out, &errb); code != 0 {
		t.Fatalf("migrate: %d %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "metadata store (sqlite) migrated") || !strings.Contains(out.String(), "analytics store (sqlite) migrated") {
		t.Fatalf("migrate output: %s", out.String())
	}
	out.Reset()
	env := envOf(map[string]string{"REPORTS_DEMO_PASSWORD": "seeded-password-1", "REPORTS_SEED_EVENTS": "300"})
	for i := 0; i < 2; i++ { // idempotent
		if code := run(context.Background(), []string{"seed", "--data-dir", dir}, env, &out, &errb); code != 0 {
			t.Fatalf("seed #%d: %d %s", i, code, errb.String())
		}
	}
	if !strings.Contains(out.String(), `demo tenant "acme" ready`) || !strings.Contains(out.String(), "demo data: tickets=") {
		t.Fatalf("seed output: %s", out.String())
	}
	// A weak demo password is refused.
	env = envOf(map[string]string{"REPORTS_DEMO_PASSWORD": "short"})
	if code := run(context.Background(), []string{"seed", "--data-dir", dir}, env, &out, &errb); code != 1 {
		t.Fatalf("weak password: exit %d", code)
	}
}

// countRows counts a table's rows in the SQLite file at path.
func countRows(t *testing.T, path, table string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestUsageAndBadConfig(t *testing.T) {
	var out, errb bytes.Buffer
	ctx := context.Background()
	for _, tc := range []struct {
		args []string
		env  map[string]string
		code int
		want string
	}{
		{nil, nil, 2, "usage: reportsd"},
		{[]string{"help"}, nil, 0, "usage: reportsd"},
		{[]string{"launch"}, nil, 2, `unknown command "launch"`},
		{[]string{"serve", "--listen", "nonsense"}, nil, 2, "listen"},
		{[]string{"serve", "extra"}, nil, 2, "unexpected arguments"},
		{[]string{"serve", "--bogus"}, nil, 2, "flag provided but not defined"},
		{[]string{"serve", "--mode", "cluster"}, nil, 2, "REPORTS_SECRET"},
		{[]string{"serve"}, map[string]string{"REPORTS_SESSION_TTL": "forever"}, 2, "REPORTS_SESSION_TTL"},
		{[]string{"serve"}, map[string]string{"REPORTS_DEMO": "maybe"}, 2, "REPORTS_DEMO"},
		{[]string{"serve"}, map[string]string{"REPORTS_MAX_BODY_BYTES": "12"}, 2, "REPORTS_MAX_BODY_BYTES"},
		{[]string{"serve", "--admin-email", "a@b.co"}, nil, 2, "set both or neither"},
		{[]string{"serve", "--meta-driver", "mysql"}, nil, 2, "meta-driver"},
		{[]string{"serve", "--meta-driver", "postgres"}, nil, 2, "meta-dsn"},
		{[]string{"serve", "--sso-jwks-url", "ftp://x"}, nil, 2, "sso-jwks-url"},
		{[]string{"serve", "--sso-jwks-url", "https://x/jwks"}, nil, 2, "sso-issuer"},
		{[]string{"serve", "--log-level", "loud"}, nil, 2, "log-level"},
		{[]string{"serve", "--log-format", "xml"}, nil, 2, "log-format"},
		{[]string{"serve", "--mode", "swarm"}, nil, 2, "mode"},
		{[]string{"serve", "--stream", "nats"}, nil, 2, "stream"},
		{[]string{"serve", "--stream", "kafka"}, nil, 2, "kafka-brokers"},
		{[]string{"serve", "--analytics-driver", "druid"}, nil, 2, "analytics-driver"},
		{[]string{"serve", "--analytics-driver", "clickhouse"}, nil, 2, "clickhouse-addr"},
		{[]string{"serve", "--mode", "cluster", "--secret", strings.Repeat("s", 32), "--meta-driver", "postgres", "--meta-dsn", "postgres://x"}, nil, 2, "cluster mode runs on"},
	} {
		out.Reset()
		errb.Reset()
		code := run(ctx, tc.args, envOf(tc.env), &out, &errb)
		if code != tc.code || !strings.Contains(out.String()+errb.String(), tc.want) {
			t.Errorf("%v %v: exit %d, output %q; want %d and %q", tc.args, tc.env, code, out.String()+errb.String(), tc.code, tc.want)
		}
	}
}

func TestConfigPrecedenceAndDefaults(t *testing.T) {
	c, err := LoadConfig("serve", nil, envOf(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:8080" || c.DataDir != "./data" || c.MetaDriver != "sqlite" || c.MetaDSN != filepath.Join("data", "reports.db") ||
		c.SessionTTL != 12*time.Hour || c.Mode != "embedded" || c.MaxBodyBytes != 1<<20 {
		t.Fatalf("defaults: %+v", c)
	}
	env := envOf(map[string]string{"REPORTS_LISTEN": "127.0.0.1:9000", "REPORTS_ALLOWED_ORIGINS": "https://a.example, https://b.example ,"})
	c, err = LoadConfig("serve", []string{"--listen", "127.0.0.1:9001"}, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:9001" || len(c.AllowedOrigins) != 2 || c.AllowedOrigins[1] != "https://b.example" {
		t.Fatalf("precedence: %+v", c)
	}
	c, err = LoadConfig("serve", []string{"--mode", "cluster", "--meta-driver", "postgres", "--meta-dsn", "postgres://x", "--secret", strings.Repeat("s", 32),
		"--stream", "kafka", "--kafka-brokers", "127.0.0.1:9092", "--analytics-driver", "clickhouse", "--clickhouse-addr", "127.0.0.1:9000"}, envOf(nil), io.Discard)
	if err != nil || c.Mode != "cluster" {
		t.Fatalf("cluster config: %v", err)
	}
	if l := newLogger(Config{LogLevel: "debug", LogFormat: "json"}, io.Discard); !l.Enabled(context.Background(), -4) {
		t.Fatal("debug level not applied")
	}
}

// checkDemoDashboard opens the demo's NOC dashboard: the server serves the
// dashboard routes and every ready-made widget answers data, not an error.
func checkDemoDashboard(t *testing.T, base, token string) {
	t.Helper()
	get := func(path string) map[string]any {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %v %v", path, resp.StatusCode, out, err)
		}
		return out
	}
	list := get("/api/dashboards?q=noc")
	items, _ := list["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["realtime_enabled"] != true {
		t.Fatalf("demo dashboards: %v", list)
	}
	view := get("/api/dashboards/" + items[0].(map[string]any)["id"].(string) + "/view?range=last_30d")
	widgets, _ := view["widgets"].([]any)
	if len(widgets) != 6 {
		t.Fatalf("NOC widgets: %v", view)
	}
	for _, w := range widgets {
		w := w.(map[string]any)
		if w["error"] != nil || w["data"] == nil {
			t.Errorf("widget %s: %v", w["title"], w)
		}
	}
}
