package storetest

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// sameJSON compares JSON by value: PostgreSQL's jsonb does not keep key
// order or spacing.
func sameJSON(t *testing.T, what string, got, want json.RawMessage) {
	t.Helper()
	if want == nil {
		if got != nil {
			t.Fatalf("%s = %s, want nil", what, got)
		}
		return
	}
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s = %q: %v", what, got, err)
	}
	check(t, json.Unmarshal(want, &w))
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("%s = %s, want %s", what, got, want)
	}
}

func testAuditAppend(t *testing.T, f *fixture) {
	a, b := f.tenant("acme"), f.tenant("beta")
	created := auditEntry(a.ID, "", "team.create", base)
	created.After = json.RawMessage(`{"name": "Ops", "id": "t1", "members": [1, 2]}`)
	updated := auditEntry(a.ID, "u1", "team.update", base.Add(time.Second))
	updated.Before, updated.After = json.RawMessage(`{"name":"Ops"}`), json.RawMessage(`{"name":"Ops 2"}`)
	f.must(func(tx app.MetaTx) error {
		if err := tx.AppendAudit(f.ctx, created); err != nil {
			return err
		}
		return tx.AppendAudit(f.ctx, updated)
	})
	rows, err := f.s.ListAudit(f.ctx, domain.AuditFilter{TenantID: a.ID})
	check(t, err)
	if len(rows) != 2 {
		t.Fatalf("ListAudit = %d rows, want 2", len(rows))
	}
	for i, want := range []*domain.AuditEntry{updated, created} { // newest first
		got := rows[i]
		sameJSON(t, "before", got.Before, want.Before)
		sameJSON(t, "after", got.After, want.After)
		got.Before, got.After = want.Before, want.After
		wantEqual(t, "audit row", &got, want)
	}
	rows, err = f.s.ListAudit(f.ctx, domain.AuditFilter{TenantID: b.ID})
	check(t, err)
	wantEqual(t, "ListAudit (other tenant)", rows, []domain.AuditEntry{})

	// The tenant is required, the snapshots must be JSON, ids are unique.
	_, err = f.s.ListAudit(f.ctx, domain.AuditFilter{})
	wantCode(t, err, domain.CodeInvalid, "tenant_id")
	bad := auditEntry(a.ID, "", "x", base)
	bad.Before = json.RawMessage(`{not json`)
	f.wantTx(domain.CodeInvalid, "before", func(tx app.MetaTx) error { return tx.AppendAudit(f.ctx, bad) })
	bad = auditEntry(a.ID, "", "x", base)
	bad.After = json.RawMessage(`[`)
	f.wantTx(domain.CodeInvalid, "after", func(tx app.MetaTx) error { return tx.AppendAudit(f.ctx, bad) })
	f.wantTx(domain.CodeInvalid, "action", func(tx app.MetaTx) error {
		return tx.AppendAudit(f.ctx, auditEntry(a.ID, "", " ", base))
	})
	noID := auditEntry(a.ID, "", "x", base)
	noID.ID = ""
	f.wantTx(domain.CodeInvalid, "id", func(tx app.MetaTx) error { return tx.AppendAudit(f.ctx, noID) })
	f.wantTx(domain.CodeInvalid, "tenant_id", func(tx app.MetaTx) error {
		return tx.AppendAudit(f.ctx, auditEntry(newID(), "", "x", base))
	})
	dup := *created
	f.wantTx(domain.CodeConflict, "", func(tx app.MetaTx) error { return tx.AppendAudit(f.ctx, &dup) })
}

func testAuditPagination(t *testing.T, f *fixture) {
	a, b := f.tenant("acme"), f.tenant("beta")
	var ids []string // oldest first
	f.must(func(tx app.MetaTx) error {
		for i := range 25 {
			e := auditEntry(a.ID, "u1", "team.update", base.Add(time.Duration(i)*time.Second))
			if err := tx.AppendAudit(f.ctx, e); err != nil {
				return err
			}
			ids = append(ids, e.ID)
			if err := tx.AppendAudit(f.ctx, auditEntry(b.ID, "u1", "team.update", base)); err != nil {
				return err
			}
		}
		return nil
	})
	var seen []string
	cursor := ""
	for page := 0; ; page++ {
		rows, err := f.s.ListAudit(f.ctx, domain.AuditFilter{TenantID: a.ID, Cursor: cursor, Limit: 10})
		check(t, err)
		if len(rows) == 0 {
			if page != 3 {
				t.Fatalf("pages = %d, want 3", page)
			}
			break
		}
		if want := min(10, 25-10*page); len(rows) != want {
			t.Fatalf("page %d has %d rows, want %d", page, len(rows), want)
		}
		for _, r := range rows {
			if r.TenantID != a.ID {
				t.Fatalf("row of tenant %s in tenant %s's audit", r.TenantID, a.ID)
			}
			seen = append(seen, r.ID)
		}
		cursor = rows[len(rows)-1].ID
	}
	want := make([]string, 0, len(ids))
	for i := len(ids) - 1; i >= 0; i-- {
		want = append(want, ids[i])
	}
	wantEqual(t, "pages (newest first, no overlap)", seen, want)

	// The default limit applies when none is given.
	rows, err := f.s.ListAudit(f.ctx, domain.AuditFilter{TenantID: a.ID})
	check(t, err)
	if len(rows) != 25 {
		t.Fatalf("default page = %d rows, want all 25", len(rows))
	}
}

func testAuditFilters(t *testing.T, f *fixture) {
	a := f.tenant("acme")
	type row struct {
		user, action, objType, objID string
		min                          int // minutes after base
	}
	data := []row{
		{"u1", "team.create", "team", "t1", 0},
		{"u1", "team.update", "team", "t1", 10},
		{"u2", "team.update", "team", "t2", 20},
		{"u2", "user.create", "user", "t1", 30},
		{"", "auth.login", "", "", 40},
	}
	ids := make([]string, len(data))
	f.must(func(tx app.MetaTx) error {
		for i, d := range data {
			e := auditEntry(a.ID, d.user, d.action, base.Add(time.Duration(d.min)*time.Minute))
			e.ObjectType, e.ObjectID = d.objType, d.objID
			if err := tx.AppendAudit(f.ctx, e); err != nil {
				return err
			}
			ids[i] = e.ID
		}
		return nil
	})
	for _, tc := range []struct {
		name string
		f    domain.AuditFilter
		want []int // indexes into data, newest first
	}{
		{"user", domain.AuditFilter{UserID: "u1"}, []int{1, 0}},
		{"action", domain.AuditFilter{Action: "team.update"}, []int{2, 1}},
		{"object type", domain.AuditFilter{ObjectType: "team"}, []int{2, 1, 0}},
		{"object", domain.AuditFilter{ObjectType: "team", ObjectID: "t1"}, []int{1, 0}},
		{"object id", domain.AuditFilter{ObjectID: "t1"}, []int{3, 1, 0}},
		{"since inclusive", domain.AuditFilter{Since: base.Add(20 * time.Minute)}, []int{4, 3, 2}},
		{"until exclusive", domain.AuditFilter{Until: base.Add(20 * time.Minute)}, []int{1, 0}},
		{"window", domain.AuditFilter{Since: base.Add(5 * time.Minute), Until: base.Add(35 * time.Minute)}, []int{3, 2, 1}},
		{"combined", domain.AuditFilter{UserID: "u2", Action: "team.update", Since: base}, []int{2}},
		{"cursor and filter", domain.AuditFilter{ObjectType: "team", Cursor: ids[2]}, []int{1, 0}},
		{"no match", domain.AuditFilter{UserID: "nobody"}, []int{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			flt := tc.f
			flt.TenantID = a.ID
			rows, err := f.s.ListAudit(f.ctx, flt)
			check(t, err)
			got := []string{}
			for _, r := range rows {
				got = append(got, r.ID)
			}
			want := []string{}
			for _, i := range tc.want {
				want = append(want, ids[i])
			}
			wantEqual(t, "ids", got, want)
		})
	}
}
