package storetest

import (
	"testing"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

func testCustomers(t *testing.T, f *fixture) {
	a, b := f.tenant("acme"), f.tenant("beta")
	zeta, alpha := f.customer(a.ID, "Zeta Corp"), f.customer(a.ID, "Alpha Ltd")
	f.customer(b.ID, "Beta customer")

	got, err := f.s.GetCustomer(f.ctx, a.ID, zeta.ID)
	check(t, err)
	wantEqual(t, "GetCustomer", got, zeta)
	_, err = f.s.GetCustomer(f.ctx, b.ID, zeta.ID)
	wantCode(t, err, domain.CodeNotFound, "")
	custs, err := f.s.ListCustomers(f.ctx, a.ID)
	check(t, err)
	wantEqual(t, "ListCustomers (own tenant, by name)", custs, []domain.Customer{*alpha, *zeta})
	dupCust := *zeta
	f.wantTx(domain.CodeConflict, "", func(tx app.MetaTx) error { return tx.CreateCustomer(f.ctx, &dupCust) })
}

func testSitesContracts(t *testing.T, f *fixture) {
	a, b := f.tenant("acme"), f.tenant("beta")
	zeta, alpha := f.customer(a.ID, "Zeta Corp"), f.customer(a.ID, "Alpha Ltd")
	bCust := f.customer(b.ID, "Beta customer")

	site, err := domain.NewSite(newID(), a.ID, zeta.ID, "HQ", base)
	check(t, err)
	contract, err := domain.NewContract(newID(), a.ID, alpha.ID, "Gold", base)
	check(t, err)
	bSite, err := domain.NewSite(newID(), b.ID, bCust.ID, "Beta site", base)
	check(t, err)
	f.must(func(tx app.MetaTx) error {
		if err := tx.CreateSite(f.ctx, site); err != nil {
			return err
		}
		if err := tx.CreateSite(f.ctx, bSite); err != nil {
			return err
		}
		return tx.CreateContract(f.ctx, contract)
	})
	sites, err := f.s.ListSites(f.ctx, a.ID)
	check(t, err)
	wantEqual(t, "ListSites", sites, []domain.Site{*site})
	contracts, err := f.s.ListContracts(f.ctx, a.ID)
	check(t, err)
	wantEqual(t, "ListContracts", contracts, []domain.Contract{*contract})
	contracts, err = f.s.ListContracts(f.ctx, b.ID)
	check(t, err)
	wantEqual(t, "ListContracts (other tenant)", contracts, []domain.Contract{})

	// A site or contract may not point at another tenant's customer, nor
	// at one that does not exist.
	for name, customerID := range map[string]string{"other tenant": bCust.ID, "unknown": newID()} {
		t.Run(name, func(t *testing.T) {
			s, err := domain.NewSite(newID(), a.ID, customerID, "Bad site", base)
			check(t, err)
			f.wantTx(domain.CodeInvalid, "customer_id", func(tx app.MetaTx) error { return tx.CreateSite(f.ctx, s) })
			c, err := domain.NewContract(newID(), a.ID, customerID, "Bad contract", base)
			check(t, err)
			f.wantTx(domain.CodeInvalid, "customer_id", func(tx app.MetaTx) error { return tx.CreateContract(f.ctx, c) })
		})
	}
	dupSite := *site
	f.wantTx(domain.CodeConflict, "", func(tx app.MetaTx) error { return tx.CreateSite(f.ctx, &dupSite) })
	dupContract := *contract
	f.wantTx(domain.CodeConflict, "", func(tx app.MetaTx) error { return tx.CreateContract(f.ctx, &dupContract) })
}

func testCostCenters(t *testing.T, f *fixture) {
	a, b := f.tenant("acme"), f.tenant("beta")
	cc2, err := domain.NewCostCenter(newID(), a.ID, "CC-200", "Field", base)
	check(t, err)
	cc1, err := domain.NewCostCenter(newID(), a.ID, "CC-100", "Office", base)
	check(t, err)
	sameCodeB, err := domain.NewCostCenter(newID(), b.ID, "CC-100", "Beta office", base)
	check(t, err)
	f.must(func(tx app.MetaTx) error {
		for _, c := range []*domain.CostCenter{cc2, cc1, sameCodeB} {
			if err := tx.CreateCostCenter(f.ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	ccs, err := f.s.ListCostCenters(f.ctx, a.ID)
	check(t, err)
	wantEqual(t, "ListCostCenters (by code)", ccs, []domain.CostCenter{*cc1, *cc2})
	dupCode, err := domain.NewCostCenter(newID(), a.ID, "CC-100", "Again", base)
	check(t, err)
	f.wantTx(domain.CodeConflict, "", func(tx app.MetaTx) error { return tx.CreateCostCenter(f.ctx, dupCode) })
}

func testGrants(t *testing.T, f *fixture) {
	a, b := f.tenant("acme"), f.tenant("beta")
	ann, ops := f.user(a.ID, "ann@acme.test"), f.team(a.ID, "Ops")
	eve := f.user(b.ID, "eve@beta.test")
	dash := newID()

	g1, err := domain.NewGrant(newID(), a.ID, domain.ObjectDashboard, dash, domain.SubjectUser, ann.ID, domain.GrantEditor, base)
	check(t, err)
	g2, err := domain.NewGrant(newID(), a.ID, domain.ObjectDashboard, dash, domain.SubjectTeam, ops.ID, domain.GrantViewer, base.Add(1e6))
	check(t, err)
	g3, err := domain.NewGrant(newID(), a.ID, domain.ObjectReport, dash, domain.SubjectUser, ann.ID, domain.GrantOwner, base)
	check(t, err)
	f.must(func(tx app.MetaTx) error {
		for _, g := range []*domain.Grant{g1, g2, g3} {
			if err := tx.CreateGrant(f.ctx, g); err != nil {
				return err
			}
		}
		return nil
	})
	got, err := f.s.GetGrant(f.ctx, a.ID, g2.ID)
	check(t, err)
	wantEqual(t, "GetGrant", got, g2)
	_, err = f.s.GetGrant(f.ctx, b.ID, g2.ID)
	wantCode(t, err, domain.CodeNotFound, "")
	list, err := f.s.ListGrants(f.ctx, a.ID, domain.ObjectDashboard, dash)
	check(t, err)
	wantEqual(t, "ListGrants (one object, oldest first)", list, []domain.Grant{*g1, *g2})
	list, err = f.s.ListGrants(f.ctx, b.ID, domain.ObjectDashboard, dash)
	check(t, err)
	wantEqual(t, "ListGrants (other tenant)", list, []domain.Grant{})

	dup, err := domain.NewGrant(newID(), a.ID, domain.ObjectDashboard, dash, domain.SubjectUser, ann.ID, domain.GrantViewer, base)
	check(t, err)
	f.wantTx(domain.CodeConflict, "", func(tx app.MetaTx) error { return tx.CreateGrant(f.ctx, dup) })
	// The subject must be a user or team of the same tenant.
	for name, sub := range map[string]struct {
		st domain.SubjectType
		id string
	}{
		"other tenant user": {domain.SubjectUser, eve.ID},
		"team id as user":   {domain.SubjectUser, ops.ID},
		"unknown team":      {domain.SubjectTeam, newID()},
	} {
		t.Run(name, func(t *testing.T) {
			g, err := domain.NewGrant(newID(), a.ID, domain.ObjectDashboard, newID(), sub.st, sub.id, domain.GrantViewer, base)
			check(t, err)
			f.wantTx(domain.CodeInvalid, "subject_id", func(tx app.MetaTx) error { return tx.CreateGrant(f.ctx, g) })
		})
	}

	// A role change keeps the grant; another tenant cannot change it.
	f.wantTx(domain.CodeNotFound, "", func(tx app.MetaTx) error { return tx.UpdateGrantRole(f.ctx, b.ID, g2.ID, domain.GrantEditor) })
	f.must(func(tx app.MetaTx) error { return tx.UpdateGrantRole(f.ctx, a.ID, g2.ID, domain.GrantEditor) })
	got, err = f.s.GetGrant(f.ctx, a.ID, g2.ID)
	check(t, err)
	changed := *g2
	changed.Role = domain.GrantEditor
	wantEqual(t, "UpdateGrantRole", got, &changed)
	f.wantTx(domain.CodeNotFound, "", func(tx app.MetaTx) error { return tx.UpdateGrantRole(f.ctx, a.ID, newID(), domain.GrantViewer) })

	f.wantTx(domain.CodeNotFound, "", func(tx app.MetaTx) error { return tx.DeleteGrant(f.ctx, b.ID, g1.ID) })
	f.must(func(tx app.MetaTx) error { return tx.DeleteGrant(f.ctx, a.ID, g1.ID) })
	f.wantTx(domain.CodeNotFound, "", func(tx app.MetaTx) error { return tx.DeleteGrant(f.ctx, a.ID, g1.ID) })
	_, err = f.s.GetGrant(f.ctx, a.ID, g1.ID)
	wantCode(t, err, domain.CodeNotFound, "")
}
