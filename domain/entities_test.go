package domain

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 1, 10, 0, 0, 0, time.FixedZone("BRT", -3*3600))

// invalidField asserts err is an invalid error naming field.
func invalidField(t *testing.T, name string, err error, field string) {
	t.Helper()
	var de *Error
	if !errors.As(err, &de) || de.Code != CodeInvalid || de.Field != field {
		t.Errorf("%s: got %v, want invalid on %q", name, err, field)
	}
}

func TestConstructorsGuardInvariants(t *testing.T) {
	long := strings.Repeat("x", 201)
	cases := []struct {
		name  string
		err   error
		field string
	}{
		{"tenant slug", second(NewTenant("id", "Bad Slug", "n", t0)), "slug"},
		{"tenant name", second(NewTenant("id", "ok", " ", t0)), "name"},
		{"tenant id", second(NewTenant("", "ok", "n", t0)), "id"},
		{"user email", second(NewUser("id", "t", "not-an-email", "n", RoleAdmin, t0)), "email"},
		{"user email empty", second(NewUser("id", "t", "", "n", RoleAdmin, t0)), "email"},
		{"user email display", second(NewUser("id", "t", "Ann <a@b.c>", "n", RoleAdmin, t0)), "email"},
		{"user role", second(NewUser("id", "t", "a@b.co", "n", "root", t0)), "role"},
		{"user name long", second(NewUser("id", "t", "a@b.co", long, RoleAdmin, t0)), "name"},
		{"user tenant", second(NewUser("id", "", "a@b.co", "n", RoleAdmin, t0)), "tenant_id"},
		{"team name", second(NewTeam("id", "t", "", t0)), "name"},
		{"customer name", second(NewCustomer("id", "t", "", t0)), "name"},
		{"site customer", second(NewSite("id", "t", "", "n", t0)), "customer_id"},
		{"contract customer", second(NewContract("id", "t", "", "n", t0)), "customer_id"},
		{"cost centre code", second(NewCostCenter("id", "t", "", "n", t0)), "code"},
		{"grant object type", second(NewGrant("id", "t", ObjectWidget, "o", SubjectUser, "u", GrantViewer, t0)), "object_type"},
		{"grant subject", second(NewGrant("id", "t", ObjectReport, "o", "robot", "u", GrantViewer, t0)), "subject_type"},
		{"grant role", second(NewGrant("id", "t", ObjectReport, "o", SubjectUser, "u", "god", t0)), "role"},
		{"dashboard visibility", second(NewDashboard("id", "t", "u", "n", "secret", t0)), "visibility"},
		{"dashboard owner", second(NewDashboard("id", "t", "", "n", VisibilityPrivate, t0)), "owner_id"},
		{"widget type", second(NewWidget("id", "t", "d", "gauge", VizBar, t0)), "type"},
		{"widget viz mismatch", second(NewWidget("id", "t", "d", WidgetKPI, VizPie, t0)), "viz"},
		{"report query", second(NewReport("id", "t", "u", "n", json.RawMessage(`{`), VisibilityPrivate, t0)), "query_json"},
		{"schedule expr", second(NewReportSchedule("id", "t", "r", "", "UTC")), "schedule_expr"},
		{"share mode", second(NewShareToken("id", "t", ObjectDashboard, "d", "open", make([]byte, 32), "u", t0)), "mode"},
		{"share hash", second(NewShareToken("id", "t", ObjectDashboard, "d", TokenNoLogin, []byte("x"), "u", t0)), "token_hash"},
		{"alert severity", second(NewAlert("id", "t", "n", AlertManual, "", "loud", t0)), "severity"},
		{"alert source", second(NewAlert("id", "t", "n", "cosmic", "", SeverityInfo, t0)), "source_type"},
		{"comment body", second(NewAlertComment("id", "t", "a", "u", " ", t0)), "body"},
		{"notification channel", second(NewNotification("id", "t", "u", "pigeon", "x", "", t0)), "channel"},
		{"password short", ValidatePassword("short"), "password"},
		{"password long", ValidatePassword(strings.Repeat("p", 257)), "password"},
	}
	for _, c := range cases {
		invalidField(t, c.name, c.err, c.field)
	}
}

func second[T any](_ T, err error) error { return err }

func TestConstructorsNormalise(t *testing.T) {
	u, err := NewUser("u1", "t1", "  Ana@Example.COM ", " Ana ", RoleEditor, t0)
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "ana@example.com" || u.Name != "Ana" || u.CreatedAt.Location() != time.UTC {
		t.Fatalf("got %+v", u)
	}
	w, err := NewWidget("w", "t", "d", WidgetChart, VizHeatmap, t0)
	if err != nil || w.Version != 1 {
		t.Fatalf("widget: %v %+v", err, w)
	}
	if err := w.SetRefreshInterval(3); err == nil {
		t.Fatal("3 s refresh accepted")
	}
	if err := w.SetRefreshInterval(30); err != nil || w.RefreshIntervalSec != 30 {
		t.Fatal(err)
	}
	d, err := NewDashboard("d", "t", "u", "NOC", VisibilityGroup, t0)
	if err != nil {
		t.Fatal(err)
	}
	res := d.Resource([]string{"team"}, nil)
	if res.Type != ObjectDashboard || res.OwnerID != "u" || res.Visibility != VisibilityGroup {
		t.Fatalf("resource %+v", res)
	}
	r, err := NewReport("r", "t", "u", "Tickets", json.RawMessage(`{"source":"tickets"}`), VisibilityPublic, t0)
	if err != nil || r.Resource(nil, nil).Type != ObjectReport {
		t.Fatal(err)
	}
	for _, ok := range []func() error{
		func() error { return second(NewTenant("id", "acme", "ACME", t0)) },
		func() error { return second(NewTeam("id", "t", "NOC", t0)) },
		func() error { return second(NewCustomer("id", "t", "C", t0)) },
		func() error { return second(NewSite("id", "t", "c", "S", t0)) },
		func() error { return second(NewContract("id", "t", "c", "K", t0)) },
		func() error { return second(NewCostCenter("id", "t", "CC-1", "Ops", t0)) },
		func() error {
			return second(NewGrant("id", "t", ObjectDashboard, "d", SubjectTeam, "x", GrantEditor, t0))
		},
		func() error { return second(NewReportSchedule("id", "t", "r", "0 8 * * 1", "America/Sao_Paulo")) },
		func() error { return second(NewAlertComment("id", "t", "a", "u", "looking", t0)) },
		func() error { return second(NewNotification("id", "t", "u", ChannelInApp, "Hi", "", t0)) },
	} {
		if err := ok(); err != nil {
			t.Errorf("valid input refused: %v", err)
		}
	}
}

func TestExecutionFinish(t *testing.T) {
	e := &ReportExecution{ID: "e", Status: ExecRunning}
	if err := e.Finish(ExecRunning, 0, 0, ""); err == nil {
		t.Fatal("finish as running accepted")
	}
	if err := e.Finish("paused", 0, 0, ""); err == nil {
		t.Fatal("unknown status accepted")
	}
	if err := e.Finish(ExecSucceeded, 1500*time.Millisecond, 42, ""); err != nil {
		t.Fatal(err)
	}
	if e.RuntimeMS != 1500 || e.RowCount != 42 {
		t.Fatalf("%+v", e)
	}
	if err := e.Finish(ExecFailed, 0, 0, "x"); ErrorCode(err) != CodeConflict {
		t.Fatalf("second finish: %v", err)
	}
}

func TestShareTokenUsable(t *testing.T) {
	tok, err := NewShareToken("s", "t", ObjectDashboard, "d", TokenNoLogin, make([]byte, 32), "u", t0)
	if err != nil {
		t.Fatal(err)
	}
	if !tok.UsableAt(t0) {
		t.Fatal("fresh token unusable")
	}
	tok.ExpiresAt = t0.Add(time.Hour)
	if !tok.UsableAt(t0) || tok.UsableAt(t0.Add(time.Hour)) {
		t.Fatal("expiry wrong")
	}
	tok.MaxUses, tok.UsedCount = 2, 2
	if tok.UsableAt(t0) {
		t.Fatal("exhausted token usable")
	}
	tok.MaxUses, tok.RevokedAt = 0, t0
	if tok.UsableAt(t0) {
		t.Fatal("revoked token usable")
	}
	k := &APIKey{Sources: []string{"tickets"}}
	if !k.AllowsSource("tickets") || k.AllowsSource("expenses") {
		t.Fatal("api key sources wrong")
	}
	k.RevokedAt = t0
	if k.AllowsSource("tickets") {
		t.Fatal("revoked key allowed")
	}
}

func TestAlertTransitions(t *testing.T) {
	a, err := NewAlert("a", "t", "SLA breach", AlertFromTrigger, "r1", SeverityCrit, t0)
	if err != nil || a.Status != AlertOpen {
		t.Fatal(err)
	}
	ev, err := a.Transition("e1", "u", AlertAcked, t0)
	if err != nil || ev.From != AlertOpen || ev.To != AlertAcked {
		t.Fatalf("%v %+v", err, ev)
	}
	if _, err := a.Transition("e2", "u", AlertClosed, t0); err != nil || a.ClosedAt.IsZero() {
		t.Fatal("close failed")
	}
	if _, err := a.Transition("e3", "u", AlertAcked, t0); ErrorCode(err) != CodeConflict {
		t.Fatalf("closed -> acked: %v", err)
	}
	if _, err := a.Transition("e4", "u", AlertOpen, t0); err != nil || !a.ClosedAt.IsZero() {
		t.Fatal("reopen failed")
	}
	if _, err := a.Transition("e5", "u", "snoozed", t0); ErrorCode(err) != CodeInvalid {
		t.Fatal("unknown status accepted")
	}
}

func TestErrors(t *testing.T) {
	wrapped := errors.Join(errors.New("ctx"), NotFound("dashboard"))
	if ErrorCode(wrapped) != CodeNotFound || !IsCode(wrapped, CodeNotFound) {
		t.Fatal("errors.As through wrapping failed")
	}
	if ErrorCode(nil) != "" || ErrorCode(errors.New("x")) != CodeInternal {
		t.Fatal("ErrorCode of nil/foreign")
	}
	if s := Invalid("f", "bad %d", 1).Error(); s != "invalid: bad 1 (f)" {
		t.Fatal(s)
	}
	if s := Forbidden("no").Error(); s != "forbidden: no" {
		t.Fatal(s)
	}
	if Conflict("x").Code != CodeConflict || Errorf(CodeGone, "g").Code != CodeGone {
		t.Fatal("constructors")
	}
	for _, parse := range []func(string) error{
		func(s string) error { _, err := ParseVisibility(s); return err },
		func(s string) error { _, err := ParseRole(s); return err },
		func(s string) error { _, err := ParseGrantRole(s); return err },
		func(s string) error { _, err := ParseSubjectType(s); return err },
		func(s string) error { _, err := ParseGrantObjectType(s); return err },
	} {
		if parse("nope") == nil {
			t.Error("bad enum accepted")
		}
	}
	if _, err := ParseVisibility("public"); err != nil {
		t.Fatal(err)
	}
	if VisibilityGroup.String() != "group" || RoleViewer.String() != "viewer" {
		t.Fatal("String")
	}
	f := AuditFilter{Limit: 10_000}.Normalize()
	if f.Limit != MaxAuditPage || (AuditFilter{}).Normalize().Limit != 100 {
		t.Fatal("audit page bounds")
	}
	s := &Session{ExpiresAt: t0}
	if s.ActiveAt(t0) || !s.ActiveAt(t0.Add(-time.Second)) {
		t.Fatal("session expiry")
	}
}
