package app

import (
	"encoding/json"
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

// DashboardJSON is a dashboard's definition.
type DashboardJSON struct {
	ID              string          `json:"id"`
	Name            string          `json:"name"`
	Description     string          `json:"description"`
	LayoutJSON      json.RawMessage `json:"layout_json"`
	FiltersJSON     json.RawMessage `json:"filters_json"`
	OwnerID         string          `json:"owner_id"`
	TeamID          string          `json:"team_id,omitempty"`
	CustomerID      string          `json:"customer_id,omitempty"`
	Visibility      string          `json:"visibility"`
	RealtimeEnabled bool            `json:"realtime_enabled"`
	Version         int64           `json:"version"`
	CreatedAt       time.Time       `json:"created_at"`
	UpdatedAt       time.Time       `json:"updated_at"`
}

// rawOrEmpty keeps a JSON column an object in answers even when unset.
func rawOrEmpty(m json.RawMessage) json.RawMessage {
	if len(m) == 0 {
		return json.RawMessage(`{}`)
	}
	return m
}

// DashboardView renders d.
func DashboardView(d *domain.Dashboard) DashboardJSON {
	return DashboardJSON{ID: d.ID, Name: d.Name, Description: d.Description, LayoutJSON: rawOrEmpty(d.LayoutJSON),
		FiltersJSON: rawOrEmpty(d.FiltersJSON), OwnerID: d.OwnerID, TeamID: d.TeamID, CustomerID: d.CustomerID,
		Visibility: string(d.Visibility), RealtimeEnabled: d.RealtimeEnabled, Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
}

// WidgetJSON is a widget's definition.
type WidgetJSON struct {
	ID                 string          `json:"id"`
	DashboardID        string          `json:"dashboard_id"`
	Type               string          `json:"type"`
	Viz                string          `json:"viz"`
	Title              string          `json:"title"`
	ConfigJSON         json.RawMessage `json:"config_json"`
	Position           int             `json:"position"`
	RefreshIntervalSec int             `json:"refresh_interval_sec"`
	RealtimeChannel    string          `json:"realtime_channel,omitempty"`
	Version            int64           `json:"version"`
	CreatedAt          time.Time       `json:"created_at"`
	UpdatedAt          time.Time       `json:"updated_at"`
}

// WidgetView renders w.
func WidgetView(w *domain.Widget) WidgetJSON {
	return WidgetJSON{ID: w.ID, DashboardID: w.DashboardID, Type: string(w.Type), Viz: string(w.Viz), Title: w.Title,
		ConfigJSON: rawOrEmpty(w.ConfigJSON), Position: w.Position, RefreshIntervalSec: w.RefreshIntervalSec,
		RealtimeChannel: w.RealtimeChannel, Version: w.Version, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
}
