package storetest

import (
	"slices"
	"testing"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

func testTenants(t *testing.T, f *fixture) {
	b := f.tenant("beta")
	a := f.tenant("acme")

	got, err := f.s.GetTenant(f.ctx, a.ID)
	check(t, err)
	wantEqual(t, "GetTenant", got, a)
	got, err = f.s.GetTenantBySlug(f.ctx, "beta")
	check(t, err)
	wantEqual(t, "GetTenantBySlug", got, b)
	list, err := f.s.ListTenants(f.ctx)
	check(t, err)
	wantEqual(t, "ListTenants (by slug)", list, []domain.Tenant{*a, *b})

	_, err = f.s.GetTenant(f.ctx, newID())
	wantCode(t, err, domain.CodeNotFound, "")
	_, err = f.s.GetTenantBySlug(f.ctx, "nope")
	wantCode(t, err, domain.CodeNotFound, "")

	dupSlug, err := domain.NewTenant(newID(), "acme", "Other", base)
	check(t, err)
	f.wantTx(domain.CodeConflict, "", func(tx app.MetaTx) error { return tx.CreateTenant(f.ctx, dupSlug) })
	dupID, err := domain.NewTenant(a.ID, "gamma", "Gamma", base)
	check(t, err)
	f.wantTx(domain.CodeConflict, "", func(tx app.MetaTx) error { return tx.CreateTenant(f.ctx, dupID) })
}

func testUsers(t *testing.T, f *fixture) {
	a, b := f.tenant("acme"), f.tenant("beta")
	if n, err := f.s.CountUsers(f.ctx); err != nil || n != 0 {
		t.Fatalf("CountUsers on empty store = %d, %v", n, err)
	}
	u2 := f.user(a.ID, "zoe@acme.test")
	u1, err := domain.NewUser(newID(), a.ID, "Ann@Acme.test", "Ann", domain.RoleAdmin, base)
	check(t, err)
	u1.PasswordHash, u1.ExternalID = "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA", "sso|ann"
	f.must(func(tx app.MetaTx) error { return tx.CreateUser(f.ctx, u1) })
	f.user(b.ID, "bob@beta.test")

	got, err := f.s.GetUser(f.ctx, a.ID, u1.ID)
	check(t, err)
	wantEqual(t, "GetUser", got, u1)
	got, err = f.s.GetUserByEmail(f.ctx, "ann@acme.test")
	check(t, err)
	wantEqual(t, "GetUserByEmail", got, u1)
	got, err = f.s.GetUserByExternalID(f.ctx, a.ID, "sso|ann")
	check(t, err)
	wantEqual(t, "GetUserByExternalID", got, u1)
	list, err := f.s.ListUsers(f.ctx, a.ID)
	check(t, err)
	wantEqual(t, "ListUsers (own tenant, by email)", list, []domain.User{*u1, *u2})
	if n, err := f.s.CountUsers(f.ctx); err != nil || n != 3 {
		t.Fatalf("CountUsers = %d, %v; want 3 across tenants", n, err)
	}

	// Another tenant's id, an unknown id, an unknown email, an external id
	// of another tenant and the empty external id of local users all miss.
	for name, fn := range map[string]func() error{
		"other tenant":         func() error { _, err := f.s.GetUser(f.ctx, b.ID, u1.ID); return err },
		"unknown id":           func() error { _, err := f.s.GetUser(f.ctx, a.ID, newID()); return err },
		"unknown email":        func() error { _, err := f.s.GetUserByEmail(f.ctx, "x@acme.test"); return err },
		"external other":       func() error { _, err := f.s.GetUserByExternalID(f.ctx, b.ID, "sso|ann"); return err },
		"external empty local": func() error { _, err := f.s.GetUserByExternalID(f.ctx, a.ID, ""); return err },
	} {
		t.Run(name, func(t *testing.T) { wantCode(t, fn(), domain.CodeNotFound, "") })
	}
}

func testUserUniqueness(t *testing.T, f *fixture) {
	a, b := f.tenant("acme"), f.tenant("beta")
	ub := f.user(b.ID, "bob@beta.test")
	ann, err := domain.NewUser(newID(), a.ID, "ann@acme.test", "Ann", domain.RoleAdmin, base)
	check(t, err)
	ann.ExternalID = "sso|ann"
	f.must(func(tx app.MetaTx) error { return tx.CreateUser(f.ctx, ann) })

	// Emails are unique across tenants: they are the login key.
	dup, err := domain.NewUser(newID(), b.ID, "ANN@acme.test", "Ann again", domain.RoleViewer, base)
	check(t, err)
	f.wantTx(domain.CodeConflict, "", func(tx app.MetaTx) error { return tx.CreateUser(f.ctx, dup) })
	// External ids are unique per tenant only.
	ext, err := domain.NewUser(newID(), a.ID, "ann2@acme.test", "Ann two", domain.RoleViewer, base)
	check(t, err)
	ext.ExternalID = "sso|ann"
	f.wantTx(domain.CodeConflict, "", func(tx app.MetaTx) error { return tx.CreateUser(f.ctx, ext) })
	ext.TenantID = b.ID
	f.must(func(tx app.MetaTx) error { return tx.CreateUser(f.ctx, ext) })
	// A user of an unknown tenant is refused.
	orphan, err := domain.NewUser(newID(), newID(), "orphan@x.test", "Orphan", domain.RoleViewer, base)
	check(t, err)
	f.wantTx(domain.CodeInvalid, "tenant_id", func(tx app.MetaTx) error { return tx.CreateUser(f.ctx, orphan) })

	list, err := f.s.ListUsers(f.ctx, b.ID)
	check(t, err)
	wantEqual(t, "ListUsers (tenant b)", list, []domain.User{*ext, *ub})
	list, err = f.s.ListUsers(f.ctx, newID())
	check(t, err)
	if list == nil || len(list) != 0 {
		t.Fatalf("ListUsers of unknown tenant = %#v, want empty non-nil", list)
	}
}

func testUserUpdate(t *testing.T, f *fixture) {
	a, b := f.tenant("acme"), f.tenant("beta")
	u := f.user(a.ID, "ann@acme.test")
	other := f.user(a.ID, "bob@acme.test")
	other.ExternalID = "sso|bob"
	f.must(func(tx app.MetaTx) error { return tx.UpdateUser(f.ctx, other) })

	want := *u
	want.Name, want.Role, want.PasswordHash, want.ExternalID, want.Disabled = "Ann B", domain.RoleAdmin, "$argon2id$new", "sso|ann", true
	changed := want
	changed.Email, changed.CreatedAt = "ignored@acme.test", base.AddDate(1, 0, 0) // not updatable
	f.must(func(tx app.MetaTx) error { return tx.UpdateUser(f.ctx, &changed) })
	got, err := f.s.GetUser(f.ctx, a.ID, u.ID)
	check(t, err)
	wantEqual(t, "updated user", got, &want)

	clash := want
	clash.ExternalID = "sso|bob"
	f.wantTx(domain.CodeConflict, "", func(tx app.MetaTx) error { return tx.UpdateUser(f.ctx, &clash) })
	missing := want
	missing.ID = newID()
	f.wantTx(domain.CodeNotFound, "", func(tx app.MetaTx) error { return tx.UpdateUser(f.ctx, &missing) })
	crossTenant := want
	crossTenant.TenantID, crossTenant.Name = b.ID, "Hijacked"
	f.wantTx(domain.CodeNotFound, "", func(tx app.MetaTx) error { return tx.UpdateUser(f.ctx, &crossTenant) })
	got, err = f.s.GetUser(f.ctx, a.ID, u.ID)
	check(t, err)
	wantEqual(t, "user after refused updates", got, &want)
}

func testTeams(t *testing.T, f *fixture) {
	a, b := f.tenant("acme"), f.tenant("beta")
	ops := f.team(a.ID, "Ops")
	dev := f.team(a.ID, "Dev")
	f.team(b.ID, "Beta team")

	got, err := f.s.GetTeam(f.ctx, a.ID, ops.ID)
	check(t, err)
	wantEqual(t, "GetTeam", got, ops)
	list, err := f.s.ListTeams(f.ctx, a.ID)
	check(t, err)
	wantEqual(t, "ListTeams (own tenant, by name)", list, []domain.Team{*dev, *ops})
	_, err = f.s.GetTeam(f.ctx, b.ID, ops.ID)
	wantCode(t, err, domain.CodeNotFound, "")
	_, err = f.s.GetTeam(f.ctx, a.ID, newID())
	wantCode(t, err, domain.CodeNotFound, "")

	dup := *ops
	dup.Name = "Ops again"
	f.wantTx(domain.CodeConflict, "", func(tx app.MetaTx) error { return tx.CreateTeam(f.ctx, &dup) })
	orphan, err := domain.NewTeam(newID(), newID(), "Orphan", base)
	check(t, err)
	f.wantTx(domain.CodeInvalid, "tenant_id", func(tx app.MetaTx) error { return tx.CreateTeam(f.ctx, orphan) })
}

func testMemberships(t *testing.T, f *fixture) {
	a, b := f.tenant("acme"), f.tenant("beta")
	ops, dev := f.team(a.ID, "Ops"), f.team(a.ID, "Dev")
	ann, bob := f.user(a.ID, "ann@acme.test"), f.user(a.ID, "bob@acme.test")
	bTeam, bUser := f.team(b.ID, "Beta"), f.user(b.ID, "eve@beta.test")

	f.must(func(tx app.MetaTx) error {
		for _, m := range []domain.Membership{
			{TenantID: a.ID, TeamID: ops.ID, UserID: ann.ID},
			{TenantID: a.ID, TeamID: ops.ID, UserID: bob.ID},
			{TenantID: a.ID, TeamID: dev.ID, UserID: ann.ID},
		} {
			if err := tx.AddMembership(f.ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	members, err := f.s.ListTeamMembers(f.ctx, a.ID, ops.ID)
	check(t, err)
	wantEqual(t, "ListTeamMembers", members, sorted(ann.ID, bob.ID))
	teams, err := f.s.TeamIDsOfUser(f.ctx, a.ID, ann.ID)
	check(t, err)
	wantEqual(t, "TeamIDsOfUser", teams, sorted(ops.ID, dev.ID))
	teams, err = f.s.TeamIDsOfUser(f.ctx, b.ID, ann.ID)
	check(t, err)
	wantEqual(t, "TeamIDsOfUser (other tenant)", teams, []string{})

	f.wantTx(domain.CodeConflict, "", func(tx app.MetaTx) error {
		return tx.AddMembership(f.ctx, domain.Membership{TenantID: a.ID, TeamID: ops.ID, UserID: ann.ID})
	})
	// Composite references: neither side may belong to another tenant.
	f.wantTx(domain.CodeInvalid, "user_id", func(tx app.MetaTx) error {
		return tx.AddMembership(f.ctx, domain.Membership{TenantID: a.ID, TeamID: ops.ID, UserID: bUser.ID})
	})
	f.wantTx(domain.CodeInvalid, "team_id", func(tx app.MetaTx) error {
		return tx.AddMembership(f.ctx, domain.Membership{TenantID: a.ID, TeamID: bTeam.ID, UserID: ann.ID})
	})
	f.wantTx(domain.CodeInvalid, "team_id", func(tx app.MetaTx) error {
		return tx.AddMembership(f.ctx, domain.Membership{TenantID: b.ID, TeamID: ops.ID, UserID: bUser.ID})
	})

	f.must(func(tx app.MetaTx) error {
		return tx.RemoveMembership(f.ctx, domain.Membership{TenantID: a.ID, TeamID: ops.ID, UserID: bob.ID})
	})
	members, err = f.s.ListTeamMembers(f.ctx, a.ID, ops.ID)
	check(t, err)
	wantEqual(t, "members after remove", members, []string{ann.ID})
	f.wantTx(domain.CodeNotFound, "", func(tx app.MetaTx) error {
		return tx.RemoveMembership(f.ctx, domain.Membership{TenantID: a.ID, TeamID: ops.ID, UserID: bob.ID})
	})
	f.wantTx(domain.CodeNotFound, "", func(tx app.MetaTx) error {
		return tx.RemoveMembership(f.ctx, domain.Membership{TenantID: b.ID, TeamID: ops.ID, UserID: ann.ID})
	})
}

// sorted returns ids in the order the store lists them.
func sorted(ids ...string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}
