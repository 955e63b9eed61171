package storetest

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// dashboard creates a dashboard owned by ownerID with a layout and filters.
func (f *fixture) dashboard(tenantID, ownerID, name string, mutate ...func(*domain.Dashboard)) *domain.Dashboard {
	f.t.Helper()
	d, err := domain.NewDashboard(newID(), tenantID, ownerID, name, domain.VisibilityPrivate, base)
	check(f.t, err)
	check(f.t, d.SetLayout(json.RawMessage(`{"lg":[{"i":"w1","x":0,"y":0,"w":6,"h":3}],"sm":[{"i":"w1","x":0,"y":0,"w":6,"h":3}]}`)))
	check(f.t, d.SetFilters(json.RawMessage(`{"date_range":{"default":"last_7d"},"dimensions":["customer","site"]}`)))
	for _, m := range mutate {
		m(d)
	}
	f.must(func(tx app.MetaTx) error { return tx.CreateDashboard(f.ctx, d) })
	return d
}

// widget creates a KPI widget on d at position pos.
func (f *fixture) widget(d *domain.Dashboard, pos int) *domain.Widget {
	f.t.Helper()
	w, err := domain.NewWidget(newID(), d.TenantID, d.ID, domain.WidgetKPI, domain.VizKPI, base)
	check(f.t, err)
	w.Position, w.Title = pos, "Open tickets"
	w.ConfigJSON, err = domain.CanonicalJSON([]byte(`{"query":{"source":"tickets","metrics":[{"agg":"count","as":"n"}]},"kpi":{"target":50.5}}`))
	check(f.t, err)
	check(f.t, w.SetRefreshInterval(30))
	f.must(func(tx app.MetaTx) error { return tx.CreateWidget(f.ctx, w) })
	return w
}

// wantConflict checks err is a version conflict reporting current.
func wantConflict(t *testing.T, err error, current int64) {
	t.Helper()
	var vc *domain.VersionConflictError
	if !errors.As(err, &vc) || vc.Current != current || !domain.IsCode(err, domain.CodeConflict) {
		t.Fatalf("error = %v, want a version conflict at %d", err, current)
	}
}

func testDashboards(t *testing.T, f *fixture) {
	a, b := f.tenant("acme"), f.tenant("beta")
	ann, eve := f.user(a.ID, "ann@acme.test"), f.user(b.ID, "eve@beta.test")
	noc, cust := f.team(a.ID, "NOC"), f.customer(a.ID, "Globex")
	d := f.dashboard(a.ID, ann.ID, "NOC wall", func(d *domain.Dashboard) {
		d.Description, d.RealtimeEnabled = "live", true
		check(t, d.SetAudience(domain.VisibilityCustomer, noc.ID, cust.ID))
	})
	got, err := f.s.GetDashboard(f.ctx, a.ID, d.ID)
	check(t, err)
	wantEqual(t, "GetDashboard", got, d)
	_, err = f.s.GetDashboard(f.ctx, b.ID, d.ID)
	wantCode(t, err, domain.CodeNotFound, "")

	// References must exist in the dashboard's own tenant, each named.
	bTeam := f.team(b.ID, "Beta team")
	for field, mutate := range map[string]func(*domain.Dashboard){
		"owner_id":    func(x *domain.Dashboard) { x.OwnerID = eve.ID },
		"team_id":     func(x *domain.Dashboard) { x.TeamID = bTeam.ID },
		"customer_id": func(x *domain.Dashboard) { x.CustomerID = newID() },
	} {
		x, err := domain.NewDashboard(newID(), a.ID, ann.ID, "Bad", domain.VisibilityPrivate, base)
		check(t, err)
		mutate(x)
		f.wantTx(domain.CodeInvalid, field, func(tx app.MetaTx) error { return tx.CreateDashboard(f.ctx, x) })
	}
	dup := *d
	f.wantTx(domain.CodeConflict, "", func(tx app.MetaTx) error { return tx.CreateDashboard(f.ctx, &dup) })
}

func testDashboardVersions(t *testing.T, f *fixture) {
	a, b := f.tenant("acme"), f.tenant("beta")
	ann := f.user(a.ID, "ann@acme.test")
	d := f.dashboard(a.ID, ann.ID, "Ops")
	w := f.widget(d, 0)

	edit := *d
	check(t, edit.Rename("Ops v2", "edited"))
	check(t, edit.SetLayout(json.RawMessage(`{"md":[{"i":"w9","x":1,"y":2,"w":3,"h":4}]}`)))
	edit.RealtimeEnabled, edit.UpdatedAt = true, base.Add(time.Hour).UTC()
	f.must(func(tx app.MetaTx) error { return tx.UpdateDashboard(f.ctx, &edit, 1) })
	if edit.Version != 2 {
		t.Fatalf("version after update = %d, want 2", edit.Version)
	}
	got, err := f.s.GetDashboard(f.ctx, a.ID, d.ID)
	check(t, err)
	wantEqual(t, "updated dashboard", got, &edit)

	// A second editor still holding version 1 cannot overwrite version 2.
	stale := *d
	check(t, stale.Rename("Lost update", ""))
	wantConflict(t, f.tx(func(tx app.MetaTx) error { return tx.UpdateDashboard(f.ctx, &stale, 1) }), 2)
	got, err = f.s.GetDashboard(f.ctx, a.ID, d.ID)
	check(t, err)
	wantEqual(t, "dashboard after a refused update", got, &edit)
	foreign := edit
	foreign.TenantID = b.ID
	f.wantTx(domain.CodeNotFound, "", func(tx app.MetaTx) error { return tx.UpdateDashboard(f.ctx, &foreign, 2) })
	f.wantTx(domain.CodeNotFound, "", func(tx app.MetaTx) error { return tx.DeleteDashboard(f.ctx, b.ID, d.ID, 0) })

	// A grant on the dashboard goes with it; so do its widgets.
	g, err := domain.NewGrant(newID(), a.ID, domain.ObjectDashboard, d.ID, domain.SubjectUser, ann.ID, domain.GrantEditor, base)
	check(t, err)
	f.must(func(tx app.MetaTx) error { return tx.CreateGrant(f.ctx, g) })
	wantConflict(t, f.tx(func(tx app.MetaTx) error { return tx.DeleteDashboard(f.ctx, a.ID, d.ID, 1) }), 2)
	f.must(func(tx app.MetaTx) error { return tx.DeleteDashboard(f.ctx, a.ID, d.ID, 2) })
	_, err = f.s.GetDashboard(f.ctx, a.ID, d.ID)
	wantCode(t, err, domain.CodeNotFound, "")
	_, err = f.s.GetWidget(f.ctx, a.ID, w.ID)
	wantCode(t, err, domain.CodeNotFound, "")
	grants, err := f.s.ListGrants(f.ctx, a.ID, domain.ObjectDashboard, d.ID)
	check(t, err)
	wantEqual(t, "grants of a deleted dashboard", grants, []domain.Grant{})
	f.wantTx(domain.CodeNotFound, "", func(tx app.MetaTx) error { return tx.DeleteDashboard(f.ctx, a.ID, d.ID, 0) })
	f.wantTx(domain.CodeNotFound, "", func(tx app.MetaTx) error { return tx.UpdateDashboard(f.ctx, &edit, 2) })

	// Version 0 deletes whatever version is stored.
	d2 := f.dashboard(a.ID, ann.ID, "Scratch")
	f.must(func(tx app.MetaTx) error { return tx.DeleteDashboard(f.ctx, a.ID, d2.ID, 0) })
}

func testDashboardList(t *testing.T, f *fixture) {
	a, b := f.tenant("acme"), f.tenant("beta")
	ann, bob, eve := f.user(a.ID, "ann@acme.test"), f.user(a.ID, "bob@acme.test"), f.user(b.ID, "eve@beta.test")
	noc, field := f.team(a.ID, "NOC"), f.team(a.ID, "Field")
	withTeam := func(id string) func(*domain.Dashboard) { return func(d *domain.Dashboard) { d.TeamID = id } }
	zeta := f.dashboard(a.ID, ann.ID, "zeta board", withTeam(noc.ID))
	alpha := f.dashboard(a.ID, bob.ID, "Alpha 100% uptime", withTeam(field.ID))
	mid := f.dashboard(a.ID, ann.ID, "Mid_term", func(d *domain.Dashboard) { d.Description = "Quarterly SLA review" })
	f.dashboard(b.ID, eve.ID, "Beta's board")

	ids := func(ds []domain.Dashboard) []string {
		out := []string{}
		for _, d := range ds {
			out = append(out, d.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		f     domain.DashboardFilter
		want  []string
		total int
	}{
		{"tenant, by name", domain.DashboardFilter{TenantID: a.ID}, []string{alpha.ID, mid.ID, zeta.ID}, 3},
		{"owner", domain.DashboardFilter{TenantID: a.ID, OwnerID: ann.ID}, []string{mid.ID, zeta.ID}, 2},
		{"teams", domain.DashboardFilter{TenantID: a.ID, TeamIDs: []string{noc.ID, newID()}}, []string{zeta.ID}, 1},
		{"no teams", domain.DashboardFilter{TenantID: a.ID, TeamIDs: []string{}}, []string{}, 0},
		{"search name, any case", domain.DashboardFilter{TenantID: a.ID, Search: "  ZETA "}, []string{zeta.ID}, 1},
		{"search description", domain.DashboardFilter{TenantID: a.ID, Search: "sla"}, []string{mid.ID}, 1},
		{"percent is literal", domain.DashboardFilter{TenantID: a.ID, Search: "0%"}, []string{alpha.ID}, 1},
		{"underscore is literal", domain.DashboardFilter{TenantID: a.ID, Search: "d_t"}, []string{mid.ID}, 1},
		{"underscore matches no other character", domain.DashboardFilter{TenantID: a.ID, Search: "a_b"}, []string{}, 0},
		{"first page", domain.DashboardFilter{TenantID: a.ID, Limit: 2}, []string{alpha.ID, mid.ID}, 3},
		{"second page", domain.DashboardFilter{TenantID: a.ID, Limit: 2, Offset: 2}, []string{zeta.ID}, 3},
		{"past the end", domain.DashboardFilter{TenantID: a.ID, Limit: 2, Offset: 9}, []string{}, 3},
		{"other tenant", domain.DashboardFilter{TenantID: b.ID, Search: "zeta"}, []string{}, 0},
	} {
		got, total, err := f.s.ListDashboards(f.ctx, tc.f)
		check(t, err)
		wantEqual(t, tc.name, ids(got), tc.want)
		wantEqual(t, tc.name+" (total)", total, tc.total)
	}
	_, _, err := f.s.ListDashboards(f.ctx, domain.DashboardFilter{})
	wantCode(t, err, domain.CodeInvalid, "tenant_id")

	// A principal's grants come in one read: its own and its teams'.
	var grants []*domain.Grant
	for _, g := range []struct {
		obj, subject string
		st           domain.SubjectType
		ot           domain.ObjectType
	}{{zeta.ID, ann.ID, domain.SubjectUser, domain.ObjectDashboard}, {alpha.ID, noc.ID, domain.SubjectTeam, domain.ObjectDashboard},
		{mid.ID, bob.ID, domain.SubjectUser, domain.ObjectDashboard}, {mid.ID, ann.ID, domain.SubjectUser, domain.ObjectReport}} {
		gr, err := domain.NewGrant(newID(), a.ID, g.ot, g.obj, g.st, g.subject, domain.GrantViewer, base)
		check(t, err)
		f.must(func(tx app.MetaTx) error { return tx.CreateGrant(f.ctx, gr) })
		grants = append(grants, gr)
	}
	got, err := f.s.GrantsToSubjects(f.ctx, a.ID, domain.ObjectDashboard, ann.ID, []string{noc.ID})
	check(t, err)
	wantEqual(t, "GrantsToSubjects", got, []domain.Grant{*grants[0], *grants[1]})
	got, err = f.s.GrantsToSubjects(f.ctx, a.ID, domain.ObjectDashboard, ann.ID, nil)
	check(t, err)
	wantEqual(t, "GrantsToSubjects without teams", got, []domain.Grant{*grants[0]})
	got, err = f.s.GrantsToSubjects(f.ctx, b.ID, domain.ObjectDashboard, ann.ID, []string{noc.ID})
	check(t, err)
	wantEqual(t, "GrantsToSubjects (other tenant)", got, []domain.Grant{})
}

func testWidgets(t *testing.T, f *fixture) {
	a, b := f.tenant("acme"), f.tenant("beta")
	ann, eve := f.user(a.ID, "ann@acme.test"), f.user(b.ID, "eve@beta.test")
	d, other := f.dashboard(a.ID, ann.ID, "Ops"), f.dashboard(a.ID, ann.ID, "Other")
	bDash := f.dashboard(b.ID, eve.ID, "Beta")
	w2, w1 := f.widget(d, 2), f.widget(d, 1)
	f.widget(other, 0)

	got, err := f.s.GetWidget(f.ctx, a.ID, w1.ID)
	check(t, err)
	wantEqual(t, "GetWidget", got, w1)
	_, err = f.s.GetWidget(f.ctx, b.ID, w1.ID)
	wantCode(t, err, domain.CodeNotFound, "")
	list, err := f.s.ListWidgets(f.ctx, a.ID, d.ID)
	check(t, err)
	wantEqual(t, "ListWidgets (by position)", list, []domain.Widget{*w1, *w2})
	list, err = f.s.ListWidgets(f.ctx, b.ID, d.ID)
	check(t, err)
	wantEqual(t, "ListWidgets (other tenant)", list, []domain.Widget{})

	// A widget cannot be put on another tenant's dashboard.
	x, err := domain.NewWidget(newID(), a.ID, bDash.ID, domain.WidgetText, domain.VizText, base)
	check(t, err)
	f.wantTx(domain.CodeInvalid, "dashboard_id", func(tx app.MetaTx) error { return tx.CreateWidget(f.ctx, x) })
	dup := *w1
	f.wantTx(domain.CodeConflict, "", func(tx app.MetaTx) error { return tx.CreateWidget(f.ctx, &dup) })

	edit := *w1
	check(t, edit.SetKind(domain.WidgetChart, domain.VizBar))
	edit.Title, edit.Position, edit.RealtimeChannel, edit.UpdatedAt = "By status", 5, "tickets", base.Add(time.Minute).UTC()
	edit.ConfigJSON = json.RawMessage(`{"query":{"metrics":[{"agg":"count","as":"n"}],"source":"tickets"}}`)
	f.must(func(tx app.MetaTx) error { return tx.UpdateWidget(f.ctx, &edit, 1) })
	got, err = f.s.GetWidget(f.ctx, a.ID, w1.ID)
	check(t, err)
	wantEqual(t, "updated widget", got, &edit)
	stale := *w1
	wantConflict(t, f.tx(func(tx app.MetaTx) error { return tx.UpdateWidget(f.ctx, &stale, 1) }), 2)
	foreign := edit
	foreign.TenantID = b.ID
	f.wantTx(domain.CodeNotFound, "", func(tx app.MetaTx) error { return tx.UpdateWidget(f.ctx, &foreign, 2) })
	f.wantTx(domain.CodeNotFound, "", func(tx app.MetaTx) error { return tx.DeleteWidget(f.ctx, b.ID, w1.ID, 0) })
	wantConflict(t, f.tx(func(tx app.MetaTx) error { return tx.DeleteWidget(f.ctx, a.ID, w1.ID, 1) }), 2)
	f.must(func(tx app.MetaTx) error { return tx.DeleteWidget(f.ctx, a.ID, w1.ID, 2) })
	f.must(func(tx app.MetaTx) error { return tx.DeleteWidget(f.ctx, a.ID, w2.ID, 0) })
	f.wantTx(domain.CodeNotFound, "", func(tx app.MetaTx) error { return tx.DeleteWidget(f.ctx, a.ID, w2.ID, 0) })
	list, err = f.s.ListWidgets(f.ctx, a.ID, d.ID)
	check(t, err)
	wantEqual(t, "widgets after deletes", list, []domain.Widget{})
}

func testReports(t *testing.T, f *fixture) {
	a, b := f.tenant("acme"), f.tenant("beta")
	ann, eve := f.user(a.ID, "ann@acme.test"), f.user(b.ID, "eve@beta.test")
	noc := f.team(a.ID, "NOC")
	q, err := domain.CanonicalJSON([]byte(`{"source":"expenses","metrics":[{"agg":"sum","field":"amount","as":"total"}]}`))
	check(t, err)
	r, err := domain.NewReport(newID(), a.ID, ann.ID, "Spend", q, domain.VisibilityGroup, base)
	check(t, err)
	r.TeamID = noc.ID
	f.must(func(tx app.MetaTx) error { return tx.CreateReport(f.ctx, r) })
	got, err := f.s.GetReport(f.ctx, a.ID, r.ID)
	check(t, err)
	wantEqual(t, "GetReport", got, r)
	_, err = f.s.GetReport(f.ctx, b.ID, r.ID)
	wantCode(t, err, domain.CodeNotFound, "")
	bad, err := domain.NewReport(newID(), a.ID, eve.ID, "Bad", q, domain.VisibilityPrivate, base)
	check(t, err)
	f.wantTx(domain.CodeInvalid, "owner_id", func(tx app.MetaTx) error { return tx.CreateReport(f.ctx, bad) })
	dup := *r
	f.wantTx(domain.CodeConflict, "", func(tx app.MetaTx) error { return tx.CreateReport(f.ctx, &dup) })
}
