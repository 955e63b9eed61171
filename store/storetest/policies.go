package storetest

import (
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

func testScopePolicies(t *testing.T, f *fixture) {
	a, b := f.tenant("acme"), f.tenant("beta")
	ann := f.user(a.ID, "ann@acme.test")
	eve := f.user(b.ID, "eve@beta.test")

	// site allows two values, contract allows nothing (present, empty),
	// customer is absent and so unrestricted: all three must survive.
	p, err := domain.NewScopePolicy(newID(), a.ID, domain.SubjectUser, ann.ID,
		domain.Scope{domain.DimSite: {"s2", "s1"}, domain.DimContract: {}}, base)
	check(t, err)
	f.must(func(tx app.MetaTx) error { return tx.CreateScopePolicy(f.ctx, p) })
	got, err := f.s.GetScopePolicy(f.ctx, a.ID, p.ID)
	check(t, err)
	wantEqual(t, "GetScopePolicy", got, p)
	if vs, restricted := got.Scope.Restricted(domain.DimContract); !restricted || vs == nil || len(vs) != 0 {
		t.Fatalf("contract = %#v, %v; want restricted to nothing", vs, restricted)
	}
	if _, restricted := got.Scope.Restricted(domain.DimCustomer); restricted {
		t.Fatal("customer became restricted: an absent dimension must stay absent")
	}
	if got.Scope.Allows(domain.DimContract, "c1") || !got.Scope.Allows(domain.DimCustomer, "any") {
		t.Fatalf("round-tripped scope %v changed meaning", got.Scope)
	}

	// A policy built without the constructor, with a nil slice, is stored
	// as an empty list, not as null or an absent key.
	raw := &domain.ScopePolicy{ID: newID(), TenantID: a.ID, SubjectType: domain.SubjectUser, SubjectID: ann.ID,
		Scope: domain.Scope{domain.DimCostCenter: nil}, CreatedAt: base.Add(time.Second).UTC()}
	f.must(func(tx app.MetaTx) error { return tx.CreateScopePolicy(f.ctx, raw) })
	got, err = f.s.GetScopePolicy(f.ctx, a.ID, raw.ID)
	check(t, err)
	if vs, restricted := got.Scope.Restricted(domain.DimCostCenter); !restricted || vs == nil || len(vs) != 0 {
		t.Fatalf("cost_center = %#v, %v; want restricted to nothing", vs, restricted)
	}

	_, err = f.s.GetScopePolicy(f.ctx, b.ID, p.ID)
	wantCode(t, err, domain.CodeNotFound, "")
	list, err := f.s.ListScopePolicies(f.ctx, a.ID)
	check(t, err)
	if len(list) != 2 || list[0].ID != p.ID || list[1].ID != raw.ID {
		t.Fatalf("ListScopePolicies = %#v, want [p raw] oldest first", list)
	}
	list, err = f.s.ListScopePolicies(f.ctx, b.ID)
	check(t, err)
	wantEqual(t, "ListScopePolicies (other tenant)", list, []domain.ScopePolicy{})

	bad, err := domain.NewScopePolicy(newID(), a.ID, domain.SubjectUser, eve.ID, domain.Scope{domain.DimSite: {"s1"}}, base)
	check(t, err)
	f.wantTx(domain.CodeInvalid, "subject_id", func(tx app.MetaTx) error { return tx.CreateScopePolicy(f.ctx, bad) })
	dup := *p
	f.wantTx(domain.CodeConflict, "", func(tx app.MetaTx) error { return tx.CreateScopePolicy(f.ctx, &dup) })

	f.wantTx(domain.CodeNotFound, "", func(tx app.MetaTx) error { return tx.DeleteScopePolicy(f.ctx, b.ID, p.ID) })
	f.must(func(tx app.MetaTx) error { return tx.DeleteScopePolicy(f.ctx, a.ID, p.ID) })
	f.wantTx(domain.CodeNotFound, "", func(tx app.MetaTx) error { return tx.DeleteScopePolicy(f.ctx, a.ID, p.ID) })
}

func testPoliciesFor(t *testing.T, f *fixture) {
	a, b := f.tenant("acme"), f.tenant("beta")
	ann, bob := f.user(a.ID, "ann@acme.test"), f.user(a.ID, "bob@acme.test")
	ops, dev, sales := f.team(a.ID, "Ops"), f.team(a.ID, "Dev"), f.team(a.ID, "Sales")
	eve := f.user(b.ID, "eve@beta.test")

	at := base
	policy := func(tenantID string, st domain.SubjectType, subjectID, site string) *domain.ScopePolicy {
		t.Helper()
		at = at.Add(time.Second)
		p, err := domain.NewScopePolicy(newID(), tenantID, st, subjectID, domain.Scope{domain.DimSite: {site}}, at)
		check(t, err)
		f.must(func(tx app.MetaTx) error { return tx.CreateScopePolicy(f.ctx, p) })
		return p
	}
	onAnn := policy(a.ID, domain.SubjectUser, ann.ID, "s1")
	policy(a.ID, domain.SubjectUser, bob.ID, "s2")
	onOps := policy(a.ID, domain.SubjectTeam, ops.ID, "s3")
	onDev := policy(a.ID, domain.SubjectTeam, dev.ID, "s4")
	policy(a.ID, domain.SubjectTeam, sales.ID, "s5")
	policy(b.ID, domain.SubjectUser, eve.ID, "s6")

	ids := func(ps []domain.ScopePolicy) []string {
		out := []string{}
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	got, err := f.s.PoliciesFor(f.ctx, a.ID, ann.ID, []string{ops.ID, dev.ID})
	check(t, err)
	wantEqual(t, "PoliciesFor(ann, ops+dev)", ids(got), []string{onAnn.ID, onOps.ID, onDev.ID})
	wantEqual(t, "first policy", got[0], *onAnn)
	got, err = f.s.PoliciesFor(f.ctx, a.ID, ann.ID, nil)
	check(t, err)
	wantEqual(t, "PoliciesFor(ann, no teams)", ids(got), []string{onAnn.ID})
	// A user id passed as a team id must not match the user's policy.
	got, err = f.s.PoliciesFor(f.ctx, a.ID, newID(), []string{ann.ID, ops.ID})
	check(t, err)
	wantEqual(t, "PoliciesFor(stranger, ann-as-team+ops)", ids(got), []string{onOps.ID})
	// Another tenant's id sees none of these.
	got, err = f.s.PoliciesFor(f.ctx, b.ID, ann.ID, []string{ops.ID})
	check(t, err)
	wantEqual(t, "PoliciesFor(other tenant)", ids(got), []string{})
}
