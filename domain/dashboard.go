package domain

import (
	"encoding/json"
	"time"
)

// Dashboard is a grid of widgets with global filters (R2.1, R2.6, R2.7).
type Dashboard struct {
	ID              string
	TenantID        string
	Name            string
	Description     string
	LayoutJSON      json.RawMessage
	FiltersJSON     json.RawMessage
	OwnerID         string
	TeamID          string // the team a group-visible dashboard belongs to
	CustomerID      string // the customer a customer-visible dashboard is about
	Visibility      Visibility
	RealtimeEnabled bool
	Version         int64 // optimistic concurrency: bumped on every update
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// NewDashboard validates a dashboard.
func NewDashboard(id, tenantID, ownerID, name string, vis Visibility, now time.Time) (*Dashboard, error) {
	if err := requireOwned(id, tenantID, ownerID); err != nil {
		return nil, err
	}
	name, err := requireText("name", name, 200)
	if err != nil {
		return nil, err
	}
	if err := validEnum("visibility", vis, Visibilities); err != nil {
		return nil, err
	}
	return &Dashboard{ID: id, TenantID: tenantID, OwnerID: ownerID, Name: name, Visibility: vis,
		LayoutJSON: json.RawMessage(`{}`), FiltersJSON: json.RawMessage(`{}`), Version: 1,
		CreatedAt: now.UTC(), UpdatedAt: now.UTC()}, nil
}

// Resource returns what authorisation needs; teamIDs are the teams a
// group-visible dashboard is visible to.
func (d *Dashboard) Resource(teamIDs []string, grants []Grant) Resource {
	return Resource{Type: ObjectDashboard, ID: d.ID, TenantID: d.TenantID, OwnerID: d.OwnerID,
		Visibility: d.Visibility, TeamIDs: teamIDs, CustomerID: d.CustomerID, Grants: grants}
}

func requireOwned(id, tenantID, ownerID string) error {
	if err := requireID("id", id); err != nil {
		return err
	}
	if err := requireID("tenant_id", tenantID); err != nil {
		return err
	}
	return requireID("owner_id", ownerID)
}

// Widget is one tile of a dashboard (R2.2).
type Widget struct {
	ID                 string
	TenantID           string
	DashboardID        string
	Type               WidgetType
	Viz                Viz
	Title              string
	ConfigJSON         json.RawMessage
	Position           int
	RefreshIntervalSec int
	RealtimeChannel    string
	Version            int64
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// NewWidget validates a widget: the viz must fit the type.
func NewWidget(id, tenantID, dashboardID string, typ WidgetType, viz Viz, now time.Time) (*Widget, error) {
	if err := requireID("id", id); err != nil {
		return nil, err
	}
	if err := requireID("tenant_id", tenantID); err != nil {
		return nil, err
	}
	if err := requireID("dashboard_id", dashboardID); err != nil {
		return nil, err
	}
	if err := validEnum("type", typ, WidgetTypes); err != nil {
		return nil, err
	}
	if err := validEnum("viz", viz, vizByType[typ]); err != nil {
		return nil, err
	}
	return &Widget{ID: id, TenantID: tenantID, DashboardID: dashboardID, Type: typ, Viz: viz,
		ConfigJSON: json.RawMessage(`{}`), Version: 1, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}, nil
}

// SetRefreshInterval bounds polling intervals: 0 (push only) or 5 s to a day.
func (w *Widget) SetRefreshInterval(sec int) error {
	if sec != 0 && (sec < 5 || sec > 86400) {
		return Invalid("refresh_interval_sec", "must be 0 or between 5 and 86400")
	}
	w.RefreshIntervalSec = sec
	return nil
}
