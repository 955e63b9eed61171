package app

import (
	"context"
	"fmt"

	"github.com/conductor/reports/domain"
)

// DemoTenantSlug is the slug of the demo tenant; events for it carry this
// tenant_id.
const DemoTenantSlug = "acme"

// DemoUsers are the demo accounts, by role, all with one password.
var DemoUsers = []struct {
	Email string
	Name  string
	Role  domain.Role
}{
	{"admin@acme.example", "Ana Admin", domain.RoleAdmin},
	{"editor@acme.example", "Eduardo Editor", domain.RoleEditor},
	{"viewer@acme.example", "Vera Viewer", domain.RoleViewer},
}

// demoStructure is the demo tenant's organisation: customers with their
// sites and contracts, cost centres and teams. IDs are fixed so generated
// events (ingest demo data) can refer to them.
var demoStructure = struct {
	customers   [][2]string      // id, name
	sites       [][3]string      // id, customer id, name
	contracts   [][3]string      // id, customer id, name
	costCenters [][3]string      // id, code, name
	teams       [][2]string      // id, name
	members     map[int][]string // team index -> demo user emails
}{
	customers: [][2]string{{"cust-globex", "Globex Logística"}, {"cust-initech", "Initech Varejo"}, {"cust-umbrella", "Umbrella Saúde"}},
	sites: [][3]string{
		{"site-gx-sp", "cust-globex", "Globex São Paulo CD"}, {"site-gx-rj", "cust-globex", "Globex Rio de Janeiro"},
		{"site-in-bh", "cust-initech", "Initech Belo Horizonte"}, {"site-in-poa", "cust-initech", "Initech Porto Alegre"},
		{"site-um-cwb", "cust-umbrella", "Umbrella Curitiba"}, {"site-um-rec", "cust-umbrella", "Umbrella Recife"},
	},
	contracts: [][3]string{
		{"ctr-gx-24x7", "cust-globex", "Globex 24x7 Premium"}, {"ctr-in-std", "cust-initech", "Initech Standard"},
		{"ctr-um-crit", "cust-umbrella", "Umbrella Critical Care"},
	},
	costCenters: [][3]string{{"cc-ops", "CC-100", "Operações"}, {"cc-field", "CC-200", "Campo"}, {"cc-fin", "CC-300", "Financeiro"}},
	teams:       [][2]string{{"team-noc", "NOC"}, {"team-field", "Field Service"}, {"team-fin", "Finance"}},
	members: map[int][]string{
		0: {"admin@acme.example", "editor@acme.example"},
		1: {"editor@acme.example", "viewer@acme.example"},
		2: {"admin@acme.example"},
	},
}

// SeedDemo creates the demo tenant "acme" with its organisation, the demo
// users and the ready-made dashboards, or, when it exists, sets the demo
// users' password to password and adds the dashboards if it has none. It
// is idempotent and audited.
func (b *Bootstrap) SeedDemo(ctx context.Context, password string) error {
	if err := domain.ValidatePassword(password); err != nil {
		return err
	}
	now := b.now()
	return b.meta.InTx(ctx, func(tx MetaTx) error {
		t, err := tx.GetTenantBySlug(ctx, DemoTenantSlug)
		if err == nil {
			if err := b.resetDemoPasswords(ctx, tx, t.ID, password); err != nil {
				return err
			}
			return b.ensureDemoDashboards(ctx, tx, t.ID)
		}
		if !domain.IsCode(err, domain.CodeNotFound) {
			return err
		}
		if t, err = domain.NewTenant(NewID(), DemoTenantSlug, "ACME Operações", now); err != nil {
			return err
		}
		if err := tx.CreateTenant(ctx, t); err != nil {
			return err
		}
		if err := b.seedDemoOrg(ctx, tx, t.ID, password); err != nil {
			return err
		}
		if err := b.ensureDemoDashboards(ctx, tx, t.ID); err != nil {
			return err
		}
		return appendAudit(ctx, tx, now, &Change{TenantID: t.ID, Action: "demo.seed", ObjectType: "tenant", ObjectID: t.ID, After: TenantView(t)})
	})
}

func (b *Bootstrap) resetDemoPasswords(ctx context.Context, tx MetaTx, tenantID, password string) error {
	for _, du := range DemoUsers {
		u, err := tx.GetUserByEmail(ctx, du.Email)
		if domain.IsCode(err, domain.CodeNotFound) || (err == nil && u.TenantID != tenantID) {
			continue
		}
		if err != nil {
			return err
		}
		if u.PasswordHash, err = HashPassword(password, b.argon2); err != nil {
			return err
		}
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		if err := appendAudit(ctx, tx, b.now(), &Change{TenantID: tenantID, Action: "demo.password_reset", ObjectType: "user", ObjectID: u.ID}); err != nil {
			return err
		}
	}
	return nil
}

func (b *Bootstrap) seedDemoOrg(ctx context.Context, tx MetaTx, tenantID, password string) error {
	now, s := b.now(), demoStructure
	for _, c := range s.customers {
		if err := tx.CreateCustomer(ctx, &domain.Customer{ID: c[0], TenantID: tenantID, Name: c[1], CreatedAt: now}); err != nil {
			return fmt.Errorf("demo customer: %w", err)
		}
	}
	for _, x := range s.sites {
		if err := tx.CreateSite(ctx, &domain.Site{ID: x[0], TenantID: tenantID, CustomerID: x[1], Name: x[2], CreatedAt: now}); err != nil {
			return fmt.Errorf("demo site: %w", err)
		}
	}
	for _, x := range s.contracts {
		if err := tx.CreateContract(ctx, &domain.Contract{ID: x[0], TenantID: tenantID, CustomerID: x[1], Name: x[2], CreatedAt: now}); err != nil {
			return fmt.Errorf("demo contract: %w", err)
		}
	}
	for _, x := range s.costCenters {
		if err := tx.CreateCostCenter(ctx, &domain.CostCenter{ID: x[0], TenantID: tenantID, Code: x[1], Name: x[2], CreatedAt: now}); err != nil {
			return fmt.Errorf("demo cost centre: %w", err)
		}
	}
	return b.seedDemoPeople(ctx, tx, tenantID, password)
}

// seedDemoPeople creates the demo users, their teams and a data-scope
// policy that limits the viewer to one customer, so the demo shows scoping.
func (b *Bootstrap) seedDemoPeople(ctx context.Context, tx MetaTx, tenantID, password string) error {
	now, s := b.now(), demoStructure
	users := map[string]string{}
	for _, du := range DemoUsers {
		u, err := b.newUser(tenantID, du.Email, du.Name, du.Role, password)
		if err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			return fmt.Errorf("demo user: %w", err)
		}
		users[du.Email] = u.ID
	}
	for i, t := range s.teams {
		if err := tx.CreateTeam(ctx, &domain.Team{ID: t[0], TenantID: tenantID, Name: t[1], CreatedAt: now}); err != nil {
			return fmt.Errorf("demo team: %w", err)
		}
		for _, email := range s.members[i] {
			if err := tx.AddMembership(ctx, domain.Membership{TenantID: tenantID, TeamID: t[0], UserID: users[email]}); err != nil {
				return fmt.Errorf("demo membership: %w", err)
			}
		}
	}
	viewerScope := domain.Scope{domain.DimCustomer: {"cust-globex"}}
	pol, err := domain.NewScopePolicy(NewID(), tenantID, domain.SubjectUser, users["viewer@acme.example"], viewerScope, now)
	if err != nil {
		return err
	}
	return tx.CreateScopePolicy(ctx, pol)
}

// DemoOrgIDs are the ids of the demo tenant's organisation, for generated
// events that must refer to real customers, sites and teams.
type DemoOrgIDs struct {
	Customers   []string
	Sites       map[string][]string // customer id -> its site ids
	Contracts   map[string][]string // customer id -> its contract ids
	CostCenters []string
	Teams       []string
}

// DemoOrg returns the demo tenant's organisation ids.
func DemoOrg() DemoOrgIDs {
	s := demoStructure
	o := DemoOrgIDs{Sites: map[string][]string{}, Contracts: map[string][]string{}}
	for _, c := range s.customers {
		o.Customers = append(o.Customers, c[0])
	}
	for _, x := range s.sites {
		o.Sites[x[1]] = append(o.Sites[x[1]], x[0])
	}
	for _, x := range s.contracts {
		o.Contracts[x[1]] = append(o.Contracts[x[1]], x[0])
	}
	for _, x := range s.costCenters {
		o.CostCenters = append(o.CostCenters, x[0])
	}
	for _, t := range s.teams {
		o.Teams = append(o.Teams, t[0])
	}
	return o
}
