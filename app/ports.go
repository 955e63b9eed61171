// Package app holds the use cases of Conductor Reports: services with
// injected ports. Authorisation and business decisions live here; the
// ports are declared here, by their consumer, and implemented in store/ and
// streams/.
package app

import (
	"context"
	"time"

	"github.com/conductor/reports/domain"
)

// MetaReader reads metadata. Every lookup of a tenant-owned row takes the
// tenant id, so tenant isolation is part of each query, not a filter
// applied afterwards. A missing row is a domain not_found error, never
// (nil, nil).
type MetaReader interface {
	GetTenant(ctx context.Context, id string) (*domain.Tenant, error)
	GetTenantBySlug(ctx context.Context, slug string) (*domain.Tenant, error)
	ListTenants(ctx context.Context) ([]domain.Tenant, error)

	// CountUsers counts users across all tenants (bootstrap decisions).
	CountUsers(ctx context.Context) (int, error)
	GetUser(ctx context.Context, tenantID, id string) (*domain.User, error)
	// GetUserByEmail finds a user by normalised email; emails are unique
	// across tenants because they are the login key.
	GetUserByEmail(ctx context.Context, email string) (*domain.User, error)
	GetUserByExternalID(ctx context.Context, tenantID, externalID string) (*domain.User, error)
	ListUsers(ctx context.Context, tenantID string) ([]domain.User, error)

	GetTeam(ctx context.Context, tenantID, id string) (*domain.Team, error)
	ListTeams(ctx context.Context, tenantID string) ([]domain.Team, error)
	ListTeamMembers(ctx context.Context, tenantID, teamID string) ([]string, error)
	TeamIDsOfUser(ctx context.Context, tenantID, userID string) ([]string, error)

	GetCustomer(ctx context.Context, tenantID, id string) (*domain.Customer, error)
	ListCustomers(ctx context.Context, tenantID string) ([]domain.Customer, error)
	ListSites(ctx context.Context, tenantID string) ([]domain.Site, error)
	ListContracts(ctx context.Context, tenantID string) ([]domain.Contract, error)
	ListCostCenters(ctx context.Context, tenantID string) ([]domain.CostCenter, error)

	GetGrant(ctx context.Context, tenantID, id string) (*domain.Grant, error)
	ListGrants(ctx context.Context, tenantID string, ot domain.ObjectType, objectID string) ([]domain.Grant, error)

	// GrantsToSubjects returns the grants on objects of type ot held by the
	// user or by any of the teams: all a principal's grants in one read, so
	// a listing decides visibility without a query per object.
	GrantsToSubjects(ctx context.Context, tenantID string, ot domain.ObjectType, userID string, teamIDs []string) ([]domain.Grant, error)

	GetScopePolicy(ctx context.Context, tenantID, id string) (*domain.ScopePolicy, error)
	ListScopePolicies(ctx context.Context, tenantID string) ([]domain.ScopePolicy, error)
	// PoliciesFor returns the policies on the user and on any of the teams.
	PoliciesFor(ctx context.Context, tenantID, userID string, teamIDs []string) ([]domain.ScopePolicy, error)

	GetSession(ctx context.Context, tokenHash string) (*domain.Session, error)

	// GetAPIKeyByHash finds a module API key by the SHA-256 of its secret.
	GetAPIKeyByHash(ctx context.Context, hash []byte) (*domain.APIKey, error)
	ListAPIKeys(ctx context.Context, tenantID string) ([]domain.APIKey, error)

	// ListAudit returns rows matching f, newest first, at most f.Limit.
	ListAudit(ctx context.Context, f domain.AuditFilter) ([]domain.AuditEntry, error)

	GetReport(ctx context.Context, tenantID, id string) (*domain.Report, error)

	GetDashboard(ctx context.Context, tenantID, id string) (*domain.Dashboard, error)
	// ListDashboards returns the dashboards matching f by name, and how
	// many match ignoring Limit and Offset (a Limit of 0 returns every
	// match and ignores Offset).
	ListDashboards(ctx context.Context, f domain.DashboardFilter) ([]domain.Dashboard, int, error)
	GetWidget(ctx context.Context, tenantID, id string) (*domain.Widget, error)
	// ListWidgets returns a dashboard's widgets by position.
	ListWidgets(ctx context.Context, tenantID, dashboardID string) ([]domain.Widget, error)
}

// MetaWriter changes metadata. It is only reachable inside a transaction
// (MetaTx), so a change and its audit row commit or vanish together.
// Uniqueness clashes are domain conflict errors; references to unknown or
// other-tenant rows are domain invalid errors naming the field.
type MetaWriter interface {
	CreateTenant(ctx context.Context, t *domain.Tenant) error
	CreateUser(ctx context.Context, u *domain.User) error
	// UpdateUser stores name, role, password hash, external id and disabled.
	UpdateUser(ctx context.Context, u *domain.User) error

	CreateTeam(ctx context.Context, t *domain.Team) error
	AddMembership(ctx context.Context, m domain.Membership) error
	RemoveMembership(ctx context.Context, m domain.Membership) error

	CreateCustomer(ctx context.Context, c *domain.Customer) error
	CreateSite(ctx context.Context, s *domain.Site) error
	CreateContract(ctx context.Context, c *domain.Contract) error
	CreateCostCenter(ctx context.Context, c *domain.CostCenter) error

	CreateGrant(ctx context.Context, g *domain.Grant) error
	// UpdateGrantRole changes the role of a grant; subject and object stay.
	UpdateGrantRole(ctx context.Context, tenantID, id string, role domain.GrantRole) error
	DeleteGrant(ctx context.Context, tenantID, id string) error

	CreateScopePolicy(ctx context.Context, p *domain.ScopePolicy) error
	DeleteScopePolicy(ctx context.Context, tenantID, id string) error

	CreateSession(ctx context.Context, s *domain.Session) error
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteExpiredSessions removes sessions expired before now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error)

	CreateAPIKey(ctx context.Context, k *domain.APIKey) error
	// RevokeAPIKey stops a key at now (idempotent in effect).
	RevokeAPIKey(ctx context.Context, tenantID, id string, now time.Time) error

	// CreateReport inserts a report; owner, team and customer must exist in
	// its tenant.
	CreateReport(ctx context.Context, r *domain.Report) error

	// CreateDashboard inserts a dashboard at version 1; owner, team and
	// customer must exist in its tenant.
	CreateDashboard(ctx context.Context, d *domain.Dashboard) error
	// UpdateDashboard stores d's editable fields when the stored version is
	// expected, and moves d.Version on by one (optimistic concurrency);
	// otherwise it returns a *domain.VersionConflictError carrying the
	// stored version, or not_found.
	UpdateDashboard(ctx context.Context, d *domain.Dashboard, expected int64) error
	// DeleteDashboard removes a dashboard with its widgets and grants;
	// expected > 0 must match the stored version (0 deletes any version).
	DeleteDashboard(ctx context.Context, tenantID, id string, expected int64) error
	// CreateWidget inserts a widget on a dashboard of its tenant.
	CreateWidget(ctx context.Context, w *domain.Widget) error
	// UpdateWidget is UpdateDashboard for widgets; the dashboard of a
	// widget never changes.
	UpdateWidget(ctx context.Context, w *domain.Widget, expected int64) error
	// DeleteWidget is DeleteDashboard for widgets.
	DeleteWidget(ctx context.Context, tenantID, id string, expected int64) error

	// AppendAudit adds one audit row. There is no update or delete: the
	// table is append-only for the application (the schema enforces it).
	AppendAudit(ctx context.Context, e *domain.AuditEntry) error
}

// MetaTx is one metadata transaction. On PostgreSQL a failed statement
// aborts the whole transaction, so a use case returns the error instead of
// trying a fallback statement inside the same InTx. Deletes of a missing row
// are not_found errors.
type MetaTx interface {
	MetaReader
	MetaWriter
}

// MetaStore is the metadata store port (SQLite embedded, PostgreSQL in a
// cluster).
type MetaStore interface {
	MetaReader
	// InTx runs fn in one transaction, committed when fn returns nil and
	// rolled back otherwise.
	InTx(ctx context.Context, fn func(tx MetaTx) error) error
	Ping(ctx context.Context) error
	Close() error
}
