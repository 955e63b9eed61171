package app

import (
	"time"

	"github.com/conductor/reports/domain"
)

// The views below are the JSON shapes of entities in API answers and audit
// snapshots. They leave secrets (password hashes, token hashes) out by
// construction.

// UserJSON is a user without its password hash.
type UserJSON struct {
	ID         string    `json:"id"`
	TenantID   string    `json:"tenant_id"`
	Email      string    `json:"email"`
	Name       string    `json:"name"`
	Role       string    `json:"role"`
	ExternalID string    `json:"external_id,omitempty"`
	Disabled   bool      `json:"disabled"`
	CreatedAt  time.Time `json:"created_at"`
}

// UserView renders u.
func UserView(u *domain.User) UserJSON {
	return UserJSON{ID: u.ID, TenantID: u.TenantID, Email: u.Email, Name: u.Name, Role: string(u.Role),
		ExternalID: u.ExternalID, Disabled: u.Disabled, CreatedAt: u.CreatedAt}
}

// TenantJSON is a tenant.
type TenantJSON struct {
	ID   string `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// TenantView renders t.
func TenantView(t *domain.Tenant) TenantJSON {
	return TenantJSON{ID: t.ID, Slug: t.Slug, Name: t.Name}
}

// TeamJSON is a team.
type TeamJSON struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// TeamView renders t.
func TeamView(t *domain.Team) TeamJSON {
	return TeamJSON{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt}
}

// OrgUnitJSON is a customer, site, contract or cost centre.
type OrgUnitJSON struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	CustomerID string    `json:"customer_id,omitempty"`
	Code       string    `json:"code,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// PolicyJSON is a data-scope policy.
type PolicyJSON struct {
	ID          string       `json:"id"`
	SubjectType string       `json:"subject_type"`
	SubjectID   string       `json:"subject_id"`
	Scope       domain.Scope `json:"scope"`
	CreatedAt   time.Time    `json:"created_at"`
}

// PolicyView renders p.
func PolicyView(p *domain.ScopePolicy) PolicyJSON {
	return PolicyJSON{ID: p.ID, SubjectType: string(p.SubjectType), SubjectID: p.SubjectID, Scope: p.Scope, CreatedAt: p.CreatedAt}
}

// MembershipJSON is a team membership.
type MembershipJSON struct {
	TeamID string `json:"team_id"`
	UserID string `json:"user_id"`
}
