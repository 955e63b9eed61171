package app_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/schema"
	"github.com/conductor/reports/store/sqlite"
)

// recordingEngine is a QueryEngine that records the requests it gets.
type recordingEngine struct {
	mu   sync.Mutex
	reqs []app.QueryRequest
}

func (e *recordingEngine) Query(_ context.Context, req app.QueryRequest) (*app.QueryResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.reqs = append(e.reqs, req)
	return &app.QueryResult{Columns: []app.QueryColumn{{Name: "n", Type: "int"}}, Rows: [][]any{{int64(len(e.reqs))}}}, nil
}

func (e *recordingEngine) last() app.QueryRequest {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.reqs[len(e.reqs)-1]
}

// fixture is a Dashboards use case over a real SQLite metadata store, a
// recording engine and a clock the test moves.
type fixture struct {
	t      *testing.T
	ctx    context.Context
	dash   *app.Dashboards
	engine *recordingEngine
	meta   *sqlite.Metadata
	now    time.Time
	admin  domain.Principal
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: t.Context(), engine: &recordingEngine{}, now: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	var err error
	if f.meta, err = sqlite.Open(f.ctx, filepath.Join(t.TempDir(), "meta.db")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.meta.Close() })
	if err := f.meta.Migrate(f.ctx); err != nil {
		t.Fatal(err)
	}
	cat, err := domain.ParseCatalog(schema.CatalogJSON())
	if err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return f.now }
	f.dash = app.NewDashboards(f.meta, app.NewQueries(f.engine, cat, clock, nil), cat, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	tn, _ := domain.NewTenant(app.NewID(), "acme", "Acme", f.now)
	u, _ := domain.NewUser(app.NewID(), tn.ID, "a@acme.test", "A", domain.RoleAdmin, f.now)
	err = f.meta.InTx(f.ctx, func(tx app.MetaTx) error {
		if err := tx.CreateTenant(f.ctx, tn); err != nil {
			return err
		}
		return tx.CreateUser(f.ctx, u)
	})
	if err != nil {
		t.Fatal(err)
	}
	f.admin = domain.Principal{Kind: domain.PrincipalUser, TenantID: tn.ID, UserID: u.ID, Role: domain.RoleAdmin}
	return f
}

// widget creates a dashboard with one widget of config and returns both.
func (f *fixture) widget(typ, viz, config string) (*domain.Dashboard, *domain.Widget) {
	f.t.Helper()
	d, err := f.dash.Create(f.ctx, f.admin, app.DashboardCmd{Name: "NOC", Visibility: "public"})
	if err != nil {
		f.t.Fatal(err)
	}
	w, err := f.dash.CreateWidget(f.ctx, f.admin, app.WidgetCmd{DashboardID: d.ID, Type: typ, Viz: viz, Config: json.RawMessage(config)})
	if err != nil {
		f.t.Fatal(err)
	}
	return d, w
}

const ticketsByStatus = `{"query":{"source":"tickets","metrics":[{"agg":"count","as":"n"}],"groups":[{"field":"status"}],"time_zone":"America/Sao_Paulo"}}`

func TestWidgetTargetIsTheEffectiveQuery(t *testing.T) {
	f := newFixture(t)
	d, w := f.widget("chart", "bar", ticketsByStatus)
	viewer := domain.Principal{Kind: domain.PrincipalUser, TenantID: f.admin.TenantID, UserID: "someone", Role: domain.RoleViewer,
		Scope: domain.Scope{domain.DimCustomer: {"c1", "c2"}}}
	filters := app.GlobalFilters{From: "now-7d", Dims: map[domain.Dimension][]string{domain.DimCustomer: {"c2", "c3"}, domain.DimSite: {"s1"}}}
	tg, err := f.dash.WidgetTarget(f.ctx, viewer, d.ID, w.ID, filters)
	if err != nil {
		t.Fatal(err)
	}
	req := tg.Request
	if req.TenantID != f.admin.TenantID || req.Location.String() != "America/Sao_Paulo" || tg.Dashboard.ID != d.ID || tg.Widget.ID != w.ID {
		t.Fatalf("target %+v", tg)
	}
	if want := (domain.Scope{domain.DimCustomer: {"c2"}, domain.DimSite: {"s1"}}); !req.Scope.Equal(want) || len(req.Scope) != 2 {
		t.Fatalf("scope %v, want %v", req.Scope, want)
	}
	if fs := req.Query.Filters; len(fs) != 1 || fs[0].Field != "created_at" || fs[0].Op != ">=" || fs[0].Value != "now-7d" {
		t.Fatalf("filters %+v", fs)
	}

	// RunWidget runs at the clock's time, through the use case's engine.
	f.now = f.now.Add(90 * time.Second)
	res, err := f.dash.RunWidget(f.ctx, tg)
	if err != nil || len(res.Rows) != 1 {
		t.Fatalf("run: %+v %v", res, err)
	}
	if got := f.engine.last(); !got.Now.Equal(f.now) || !got.Scope.Equal(req.Scope) {
		t.Fatalf("engine got now %v scope %v", got.Now, got.Scope)
	}

	// Sessions whose effective scope and filters agree share a feed.
	other := viewer
	other.UserID, other.Scope = "another", domain.Scope{domain.DimCustomer: {"c2", "c9"}}
	same, err := f.dash.WidgetTarget(f.ctx, other, d.ID, w.ID, app.GlobalFilters{From: "now-7d",
		Dims: map[domain.Dimension][]string{domain.DimSite: {"s1"}, domain.DimCustomer: {"c3", "c2"}}})
	if err != nil || same.FeedKey != tg.FeedKey {
		t.Fatalf("equal effective queries, keys %s / %s (%v)", same.FeedKey, tg.FeedKey, err)
	}
	for name, f2 := range map[string]app.GlobalFilters{"other filters": {From: "now-1d"}, "no filters": {}} {
		k, err := f.dash.WidgetTarget(f.ctx, viewer, d.ID, w.ID, f2)
		if err != nil || k.FeedKey == tg.FeedKey {
			t.Fatalf("%s share the feed (%v)", name, err)
		}
	}
	if _, err := f.dash.UpdateWidget(f.ctx, f.admin, w.ID, 1, app.WidgetPatch{Title: new("Renamed")}); err != nil {
		t.Fatal(err)
	}
	if k, err := f.dash.WidgetTarget(f.ctx, viewer, d.ID, w.ID, filters); err != nil || k.FeedKey == tg.FeedKey {
		t.Fatalf("a new widget version keeps the old feed (%v)", err)
	}
}

func TestWidgetTargetRefusals(t *testing.T) {
	f := newFixture(t)
	d, w := f.widget("chart", "bar", ticketsByStatus)
	d2, text := f.widget("text", "text", `{"text":"hello"}`)
	for name, tc := range map[string]struct {
		p                 domain.Principal
		dashboard, widget string
		code              domain.Code
	}{
		"widget of another dashboard": {f.admin, d2.ID, w.ID, domain.CodeNotFound},
		"unknown widget":              {f.admin, d.ID, "nope", domain.CodeNotFound},
		"another tenant":              {domain.Principal{Kind: domain.PrincipalUser, TenantID: "other", UserID: "u", Role: domain.RoleAdmin}, d.ID, w.ID, domain.CodeNotFound},
		"a share principal":           {domain.Principal{Kind: domain.PrincipalShare, TenantID: f.admin.TenantID}, d.ID, w.ID, domain.CodeNotFound},
		"a text widget":               {f.admin, d2.ID, text.ID, domain.CodeInvalid},
	} {
		if _, err := f.dash.WidgetTarget(f.ctx, tc.p, tc.dashboard, tc.widget, app.GlobalFilters{}); !domain.IsCode(err, tc.code) {
			t.Errorf("%s: %v, want %s", name, err, tc.code)
		}
	}
	// RunRequest refuses what was not built as an effective query.
	q := app.NewQueries(f.engine, nil, time.Now, nil)
	if _, err := q.RunRequest(f.ctx, app.QueryRequest{}); !domain.IsCode(err, domain.CodeInternal) {
		t.Fatalf("empty request: %v", err)
	}
}
