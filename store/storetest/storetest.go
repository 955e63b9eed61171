// Package storetest is the contract suite of the metadata store port: one
// set of tests every app.MetaStore adapter (SQLite, PostgreSQL) must pass,
// so the adapters cannot drift apart in behaviour.
package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// Opener returns a fresh, migrated, empty store for t and closes it when t
// ends. Every subtest opens its own, so subtests run in parallel.
type Opener func(t *testing.T) app.MetaStore

// MetaStore runs the contract suite against the stores open returns.
func MetaStore(t *testing.T, open Opener) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, f *fixture)
	}{
		{"Ping", testPing},
		{"Tenants", testTenants},
		{"Users", testUsers},
		{"UserUniqueness", testUserUniqueness},
		{"UserUpdate", testUserUpdate},
		{"Teams", testTeams},
		{"Memberships", testMemberships},
		{"Customers", testCustomers},
		{"SitesContracts", testSitesContracts},
		{"CostCenters", testCostCenters},
		{"Grants", testGrants},
		{"ScopePolicies", testScopePolicies},
		{"PoliciesFor", testPoliciesFor},
		{"Sessions", testSessions},
		{"Transactions", testTransactions},
		{"TransactionPanic", testTransactionPanic},
		{"ConcurrentTransactions", testConcurrentTransactions},
		{"AuditAppend", testAuditAppend},
		{"AuditPagination", testAuditPagination},
		{"AuditFilters", testAuditFilters},
		{"TimesUTC", testTimesUTC},
		{"Dashboards", testDashboards},
		{"DashboardVersions", testDashboardVersions},
		{"DashboardList", testDashboardList},
		{"Widgets", testWidgets},
		{"Reports", testReports},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, &fixture{t: t, s: open(t), ctx: t.Context()})
		})
	}
}

// base is the suite's clock: microsecond precision (what both engines
// keep), in a non-UTC zone so the store's conversion to UTC is exercised.
var base = time.Date(2026, 3, 14, 15, 9, 26, 535897000, time.FixedZone("CET", 3600))

// fixture is one subtest's store with helpers that fail the test on error.
type fixture struct {
	t   *testing.T
	s   app.MetaStore
	ctx context.Context
}

// newID returns a time-ordered id, as the application generates them.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// tx runs fn in a transaction and returns its error.
func (f *fixture) tx(fn func(tx app.MetaTx) error) error {
	return f.s.InTx(f.ctx, fn)
}

// must runs fn in a transaction and fails the test on error.
func (f *fixture) must(fn func(tx app.MetaTx) error) {
	f.t.Helper()
	if err := f.tx(fn); err != nil {
		f.t.Fatalf("transaction: %v", err)
	}
}

// wantCode checks err carries code and, when field is not empty, names field.
func wantCode(t *testing.T, err error, code domain.Code, field string) {
	t.Helper()
	if !domain.IsCode(err, code) {
		t.Fatalf("error = %v, want code %s", err, code)
	}
	var de *domain.Error
	if errors.As(err, &de) && field != "" && de.Field != field {
		t.Fatalf("error field = %q, want %q (%v)", de.Field, field, err)
	}
}

// wantTx runs fn in a transaction and checks it fails with code on field.
func (f *fixture) wantTx(code domain.Code, field string, fn func(tx app.MetaTx) error) {
	f.t.Helper()
	wantCode(f.t, f.tx(fn), code, field)
}

// wantEqual fails when got and want differ.
func wantEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got  %#v\n want %#v", what, got, want)
	}
}

// check fails the test on a non-nil error.
func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) tenant(slug string) *domain.Tenant {
	f.t.Helper()
	tn, err := domain.NewTenant(newID(), slug, "Tenant "+slug, base)
	check(f.t, err)
	f.must(func(tx app.MetaTx) error { return tx.CreateTenant(f.ctx, tn) })
	return tn
}

func (f *fixture) user(tenantID, email string) *domain.User {
	f.t.Helper()
	u, err := domain.NewUser(newID(), tenantID, email, "User "+email, domain.RoleEditor, base)
	check(f.t, err)
	f.must(func(tx app.MetaTx) error { return tx.CreateUser(f.ctx, u) })
	return u
}

func (f *fixture) team(tenantID, name string) *domain.Team {
	f.t.Helper()
	tm, err := domain.NewTeam(newID(), tenantID, name, base)
	check(f.t, err)
	f.must(func(tx app.MetaTx) error { return tx.CreateTeam(f.ctx, tm) })
	return tm
}

func (f *fixture) customer(tenantID, name string) *domain.Customer {
	f.t.Helper()
	c, err := domain.NewCustomer(newID(), tenantID, name, base)
	check(f.t, err)
	f.must(func(tx app.MetaTx) error { return tx.CreateCustomer(f.ctx, c) })
	return c
}

func testPing(t *testing.T, f *fixture) {
	check(t, f.s.Ping(f.ctx))
}

func testTimesUTC(t *testing.T, f *fixture) {
	in := time.Date(2026, 7, 1, 23, 30, 0, 123456789, time.FixedZone("BRT", -3*3600))
	tn := &domain.Tenant{ID: newID(), Slug: "zoned", Name: "Zoned", CreatedAt: in}
	f.must(func(tx app.MetaTx) error { return tx.CreateTenant(f.ctx, tn) })
	got, err := f.s.GetTenant(f.ctx, tn.ID)
	check(t, err)
	if got.CreatedAt.Location() != time.UTC {
		t.Fatalf("created_at location = %v, want UTC", got.CreatedAt.Location())
	}
	if want := in.Truncate(time.Microsecond); !got.CreatedAt.Equal(want) {
		t.Fatalf("created_at = %v, want %v", got.CreatedAt, want)
	}
	if got.CreatedAt.Day() != 2 {
		t.Fatalf("created_at = %v: not converted to UTC", got.CreatedAt)
	}
}
