package app

import (
	"context"

	"github.com/conductor/reports/domain"
)

// OrgKind names one of the tenant's structural lists.
type OrgKind string

// Org kinds, also the path segments of their routes.
const (
	OrgCustomers   OrgKind = "customers"
	OrgSites       OrgKind = "sites"
	OrgContracts   OrgKind = "contracts"
	OrgCostCenters OrgKind = "cost-centers"
)

// OrgKinds lists every OrgKind.
var OrgKinds = []OrgKind{OrgCustomers, OrgSites, OrgContracts, OrgCostCenters}

// objectType is the audit object type of a kind.
func (k OrgKind) objectType() string {
	switch k {
	case OrgCustomers:
		return "customer"
	case OrgSites:
		return "site"
	case OrgContracts:
		return "contract"
	default:
		return "cost_center"
	}
}

// OrgUnitCmd creates a customer (Name), site or contract (Name,
// CustomerID) or cost centre (Code, Name).
type OrgUnitCmd struct {
	Name       string
	CustomerID string
	Code       string
}

// CreateOrgUnit adds a customer, site, contract or cost centre.
func (a *Admin) CreateOrgUnit(ctx context.Context, p domain.Principal, kind OrgKind, cmd OrgUnitCmd) (OrgUnitJSON, error) {
	if err := domain.RequireAdmin(p); err != nil {
		return OrgUnitJSON{}, err
	}
	id, now := NewID(), a.now()
	var write func(tx MetaTx) error
	var view OrgUnitJSON
	switch kind {
	case OrgCustomers:
		c, err := domain.NewCustomer(id, p.TenantID, cmd.Name, now)
		if err != nil {
			return view, err
		}
		view = OrgUnitJSON{ID: c.ID, Name: c.Name, CreatedAt: c.CreatedAt}
		write = func(tx MetaTx) error { return tx.CreateCustomer(ctx, c) }
	case OrgSites:
		s, err := domain.NewSite(id, p.TenantID, cmd.CustomerID, cmd.Name, now)
		if err != nil {
			return view, err
		}
		view = OrgUnitJSON{ID: s.ID, Name: s.Name, CustomerID: s.CustomerID, CreatedAt: s.CreatedAt}
		write = func(tx MetaTx) error { return tx.CreateSite(ctx, s) }
	case OrgContracts:
		c, err := domain.NewContract(id, p.TenantID, cmd.CustomerID, cmd.Name, now)
		if err != nil {
			return view, err
		}
		view = OrgUnitJSON{ID: c.ID, Name: c.Name, CustomerID: c.CustomerID, CreatedAt: c.CreatedAt}
		write = func(tx MetaTx) error { return tx.CreateContract(ctx, c) }
	case OrgCostCenters:
		c, err := domain.NewCostCenter(id, p.TenantID, cmd.Code, cmd.Name, now)
		if err != nil {
			return view, err
		}
		view = OrgUnitJSON{ID: c.ID, Name: c.Name, Code: c.Code, CreatedAt: c.CreatedAt}
		write = func(tx MetaTx) error { return tx.CreateCostCenter(ctx, c) }
	default:
		return view, domain.NotFound("list " + string(kind))
	}
	change := &Change{TenantID: p.TenantID, UserID: p.UserID, Action: kind.objectType() + ".create",
		ObjectType: kind.objectType(), ObjectID: id, After: view}
	return view, audited(ctx, a.meta, now, change, write)
}

// ListOrgUnits lists one structural list of p's tenant; every user of the
// tenant may read them (filter pickers need them). Data-scope policies
// narrow what a user sees of customers, sites, contracts and cost centres.
func (a *Admin) ListOrgUnits(ctx context.Context, p domain.Principal, kind OrgKind) ([]OrgUnitJSON, error) {
	if p.Kind != domain.PrincipalUser {
		return nil, domain.Forbidden("users only")
	}
	out := []OrgUnitJSON{}
	switch kind {
	case OrgCustomers:
		cs, err := a.meta.ListCustomers(ctx, p.TenantID)
		for _, c := range cs {
			if p.Scope.Allows(domain.DimCustomer, c.ID) {
				out = append(out, OrgUnitJSON{ID: c.ID, Name: c.Name, CreatedAt: c.CreatedAt})
			}
		}
		return out, err
	case OrgSites:
		ss, err := a.meta.ListSites(ctx, p.TenantID)
		for _, s := range ss {
			if p.Scope.Allows(domain.DimSite, s.ID) && p.Scope.Allows(domain.DimCustomer, s.CustomerID) {
				out = append(out, OrgUnitJSON{ID: s.ID, Name: s.Name, CustomerID: s.CustomerID, CreatedAt: s.CreatedAt})
			}
		}
		return out, err
	case OrgContracts:
		cs, err := a.meta.ListContracts(ctx, p.TenantID)
		for _, c := range cs {
			if p.Scope.Allows(domain.DimContract, c.ID) && p.Scope.Allows(domain.DimCustomer, c.CustomerID) {
				out = append(out, OrgUnitJSON{ID: c.ID, Name: c.Name, CustomerID: c.CustomerID, CreatedAt: c.CreatedAt})
			}
		}
		return out, err
	case OrgCostCenters:
		cs, err := a.meta.ListCostCenters(ctx, p.TenantID)
		for _, c := range cs {
			if p.Scope.Allows(domain.DimCostCenter, c.ID) {
				out = append(out, OrgUnitJSON{ID: c.ID, Name: c.Name, Code: c.Code, CreatedAt: c.CreatedAt})
			}
		}
		return out, err
	}
	return nil, domain.NotFound("list " + string(kind))
}

// CreatePolicyCmd creates a data-scope policy.
type CreatePolicyCmd struct {
	SubjectType string
	SubjectID   string
	Scope       domain.Scope
}

// CreatePolicy restricts a user's or team's data scope (R5.3).
func (a *Admin) CreatePolicy(ctx context.Context, p domain.Principal, cmd CreatePolicyCmd) (*domain.ScopePolicy, error) {
	if err := domain.RequireAdmin(p); err != nil {
		return nil, err
	}
	st, err := domain.ParseSubjectType(cmd.SubjectType)
	if err != nil {
		return nil, err
	}
	pol, err := domain.NewScopePolicy(NewID(), p.TenantID, st, cmd.SubjectID, cmd.Scope, a.now())
	if err != nil {
		return nil, err
	}
	change := &Change{TenantID: p.TenantID, UserID: p.UserID, Action: "scope_policy.create", ObjectType: "scope_policy", ObjectID: pol.ID, After: PolicyView(pol)}
	return pol, audited(ctx, a.meta, a.now(), change, func(tx MetaTx) error {
		if err := a.checkSubject(ctx, tx, p.TenantID, st, cmd.SubjectID); err != nil {
			return err
		}
		return tx.CreateScopePolicy(ctx, pol)
	})
}

func (a *Admin) checkSubject(ctx context.Context, tx MetaTx, tenantID string, st domain.SubjectType, id string) error {
	var err error
	if st == domain.SubjectUser {
		_, err = tx.GetUser(ctx, tenantID, id)
	} else {
		_, err = tx.GetTeam(ctx, tenantID, id)
	}
	if domain.IsCode(err, domain.CodeNotFound) {
		return domain.Invalid("subject_id", "unknown %s", domain.Noun(st))
	}
	return err
}

// DeletePolicy removes a data-scope policy.
func (a *Admin) DeletePolicy(ctx context.Context, p domain.Principal, id string) error {
	if err := domain.RequireAdmin(p); err != nil {
		return err
	}
	change := &Change{TenantID: p.TenantID, UserID: p.UserID, Action: "scope_policy.delete", ObjectType: "scope_policy", ObjectID: id}
	return audited(ctx, a.meta, a.now(), change, func(tx MetaTx) error {
		pol, err := tx.GetScopePolicy(ctx, p.TenantID, id)
		if err != nil {
			return err
		}
		change.Before = PolicyView(pol)
		return tx.DeleteScopePolicy(ctx, p.TenantID, id)
	})
}

// ListPolicies lists the tenant's data-scope policies.
func (a *Admin) ListPolicies(ctx context.Context, p domain.Principal) ([]domain.ScopePolicy, error) {
	if err := domain.RequireAdmin(p); err != nil {
		return nil, err
	}
	return a.meta.ListScopePolicies(ctx, p.TenantID)
}

// ListAudit pages through p's tenant's audit log (admins only); the
// tenant filter is forced to p's tenant whatever f says.
func (a *Admin) ListAudit(ctx context.Context, p domain.Principal, f domain.AuditFilter) ([]domain.AuditEntry, error) {
	if err := domain.RequireAdmin(p); err != nil {
		return nil, err
	}
	f.TenantID = p.TenantID
	return a.meta.ListAudit(ctx, f.Normalize())
}
