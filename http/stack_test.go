package http

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	stdhttp "net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudwego/hertz/pkg/common/hlog"

	"github.com/conductor/reports/actors"
	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/schema"
	"github.com/conductor/reports/store/sqlite"
	"github.com/conductor/reports/streams/inproc"
	"github.com/conductor/reports/web"
)

func TestMain(m *testing.M) {
	hlog.SetSilentMode(true)
	hlog.SetOutput(io.Discard)
	os.Exit(m.Run())
}

// cheapArgon keeps password hashing fast in tests; production uses
// app.DefaultArgon2.
var cheapArgon = app.Argon2Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1}

const adminPW = "correct horse battery"

// failingMeta wraps a real store; when fail is set, every transaction
// fails right after its audit row was written, i.e. after the change.
type failingMeta struct {
	app.MetaStore
	fail atomic.Bool
}

func (f *failingMeta) InTx(ctx context.Context, fn func(tx app.MetaTx) error) error {
	return f.MetaStore.InTx(ctx, func(tx app.MetaTx) error {
		if !f.fail.Load() {
			return fn(tx)
		}
		return fn(failingTx{tx})
	})
}

type failingTx struct{ app.MetaTx }

var errInjected = errors.New("injected store failure after the change")

func (t failingTx) AppendAudit(ctx context.Context, e *domain.AuditEntry) error {
	if err := t.MetaTx.AppendAudit(ctx, e); err != nil {
		return err
	}
	return errInjected
}

// stack is a full server on a real listener over a real SQLite file.
type stack struct {
	t       testing.TB
	srv     *Server
	meta    *failingMeta
	raw     *sql.DB // a second connection for assertions on the file
	base    string
	tenant  string
	adminID string
	ready   atomic.Bool
	// The operational-data path: SQLite analytics on the same file, the
	// in-process stream and a real ingest actor.
	analytics *sqlite.Analytics
	ingest    *app.Ingest
	stream    *inproc.Log
	batches   chan int
	notices   chan app.ChangeNotice // every change notice of ingest
	cfg       Config
	client    *stdhttp.Client
	dash      *app.Dashboards
}

type stackOpt func(*stackDeps)

type stackDeps struct {
	cache    app.ResultCache
	cfg      Config
	identity app.IdentityConfig
	sso      app.TokenVerifier
	realtime *RealtimeDeps
}

func newStack(t testing.TB, opts ...stackOpt) *stack {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "reports.db")
	store, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })

	s := &stack{t: t, meta: &failingMeta{MetaStore: store}, raw: raw, client: &stdhttp.Client{Transport: &stdhttp.Transport{}}}
	s.ready.Store(true)
	d := stackDeps{cfg: Config{Addr: "127.0.0.1:0"}, identity: app.IdentityConfig{Argon2: cheapArgon}}
	for _, o := range opts {
		o(&d)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	boot := app.NewBootstrap(s.meta, time.Now, cheapArgon)
	if _, err := boot.EnsureAdmin(ctx, "alpha", "Alpha", "admin@alpha.example", adminPW); err != nil {
		t.Fatal(err)
	}
	u, err := store.GetUserByEmail(ctx, "admin@alpha.example")
	if err != nil {
		t.Fatal(err)
	}
	s.tenant, s.adminID = u.TenantID, u.ID
	identity, err := app.NewIdentity(s.meta, d.sso, time.Now, log, d.identity)
	if err != nil {
		t.Fatal(err)
	}
	s.startIngest(t, path, log)
	queries := app.NewQueries(s.analytics, s.analytics.Catalog(), time.Now, d.cache)
	s.dash = app.NewDashboards(s.meta, queries, s.analytics.Catalog(), time.Now, log)
	s.srv, err = New(d.cfg, Deps{Realtime: d.realtime, Identity: identity, Admin: app.NewAdmin(s.meta, time.Now, log, cheapArgon), Log: log, Ingest: s.ingest, UI: web.Static(), Queries: queries,
		Dashboards: s.dash,
		Ready: []Check{{Name: "metadata", Check: store.Ping}, {Name: "flag", Check: func(context.Context) error {
			if !s.ready.Load() {
				return errors.New("not ready")
			}
			return nil
		}}}})
	if err != nil {
		t.Fatal(err)
	}
	s.cfg = d.cfg
	done := make(chan error, 1)
	go func() { done <- s.srv.Run() }()
	t.Cleanup(func() {
		// Idle keep-alive connections would hold the graceful drain open.
		s.client.CloseIdleConnections()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.srv.Shutdown(ctx)
		<-done
	})
	s.base = "http://" + s.srv.Addr()
	s.waitUp()
	return s
}

func (s *stack) startIngest(t testing.TB, path string, log *slog.Logger) {
	ctx := context.Background()
	cat, err := domain.ParseCatalog(schema.CatalogJSON())
	if err != nil {
		t.Fatal(err)
	}
	s.analytics, err = sqlite.OpenAnalytics(ctx, path, cat)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.analytics.Close() })
	if err := s.analytics.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s.stream = inproc.New(inproc.Config{})
	s.notices = make(chan app.ChangeNotice, 4096)
	notify := func(ns []app.ChangeNotice) {
		for _, n := range ns {
			select {
			case s.notices <- n:
			default:
			}
		}
	}
	s.ingest = app.NewIngest(cat, s.meta, s.analytics, s.stream.Publisher(), notify, time.Now, log, app.IngestConfig{})
	system, err := actors.NewSystem(actors.SystemConfig{}, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = system.Shutdown(context.Background()) })
	s.batches = make(chan int, 1024)
	_, err = system.Spawn(actors.NewIngest(actors.IngestDeps{
		NewConsumer: func() (app.EventConsumer, error) { return s.stream.Consumer(), nil },
		Ingest:      s.ingest, Log: log,
		Config:  actors.IngestConfig{BatchWait: 5 * time.Millisecond},
		OnBatch: func(_ app.ApplyResult, n int) { s.batches <- n },
	}), "ingest")
	if err != nil {
		t.Fatal(err)
	}
}

// waitIngested waits until n more events went through the ingest actor.
func (s *stack) waitIngested(n int) {
	s.t.Helper()
	deadline := time.After(10 * time.Second)
	for n > 0 {
		select {
		case k := <-s.batches:
			n -= k
		case <-deadline:
			s.t.Fatalf("ingest: %d events still pending", n)
		}
	}
}

func (s *stack) waitUp() {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := s.client.Get(s.base + "/healthz"); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.t.Fatal("server did not come up")
}

// reply is a decoded answer.
type reply struct {
	status int
	header stdhttp.Header
	body   map[string]any
	raw    []byte
}

func (r reply) errField() (code, field string) {
	e, _ := r.body["error"].(map[string]any)
	c, _ := e["code"].(string)
	f, _ := e["field"].(string)
	return c, f
}

// req sends one request; body may be a string (sent raw) or a value (JSON).
func (s *stack) req(method, path, token string, body any, headers ...string) reply {
	s.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			s.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	r, err := stdhttp.NewRequest(method, s.base+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if rd != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	resp, err := s.client.Do(r)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := reply{status: resp.StatusCode, header: resp.Header, raw: raw}
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &out.body)
	}
	return out
}

// login returns a bearer token for email.
func (s *stack) login(email, pw string) string {
	s.t.Helper()
	r := s.req("POST", "/api/auth/login", "", map[string]string{"email": email, "password": pw})
	if r.status != 200 {
		s.t.Fatalf("login %s: %d %s", email, r.status, r.raw)
	}
	return r.body["token"].(string)
}

// count returns the number of rows of table.
func (s *stack) count(table string) int {
	s.t.Helper()
	var n int
	if err := s.raw.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		s.t.Fatal(err)
	}
	return n
}

// tableCounts counts the rows of every table: a cheap fingerprint of
// "nothing was written".
func (s *stack) tableCounts() map[string]int {
	s.t.Helper()
	rows, err := s.raw.Query(`SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version'`)
	if err != nil {
		s.t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		names = append(names, n)
	}
	rows.Close()
	out := map[string]int{}
	for _, n := range names {
		out[n] = s.count(n)
	}
	return out
}

// fingerprint is tableCounts plus a checksum of the users table, so an
// update that changes no row count is still seen.
func (s *stack) fingerprint() string {
	s.t.Helper()
	counts, _ := json.Marshal(s.tableCounts())
	var users string
	if err := s.raw.QueryRow(`SELECT coalesce(group_concat(id||name||role||disabled||password_hash, ','), '') FROM (SELECT * FROM users ORDER BY id)`).Scan(&users); err != nil {
		s.t.Fatal(err)
	}
	return string(counts) + "|" + users
}
