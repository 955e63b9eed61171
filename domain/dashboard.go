package domain

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
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

// Rename sets the name and description (trimmed, bounded).
func (d *Dashboard) Rename(name, description string) error {
	name, err := requireText("name", name, 200)
	if err != nil {
		return err
	}
	if utf8.RuneCountInString(description) > 2000 {
		return Invalid("description", "must be at most 2000 characters")
	}
	d.Name, d.Description = name, strings.TrimSpace(description)
	return nil
}

// SetAudience sets who may see the dashboard beyond its grants. A
// customer-visible dashboard needs its customer: without one it would be
// visible to nobody while reading as shared. A group-visible dashboard
// without a team is visible to its owner's teams (see Resource).
func (d *Dashboard) SetAudience(vis Visibility, teamID, customerID string) error {
	if err := validEnum("visibility", vis, Visibilities); err != nil {
		return err
	}
	if vis == VisibilityCustomer && strings.TrimSpace(customerID) == "" {
		return Invalid("customer_id", "a customer-visible dashboard needs its customer")
	}
	d.Visibility, d.TeamID, d.CustomerID = vis, strings.TrimSpace(teamID), strings.TrimSpace(customerID)
	return nil
}

// SetLayout validates raw (ParseLayout) and stores its canonical form.
func (d *Dashboard) SetLayout(raw json.RawMessage) error {
	l, err := ParseLayout(raw)
	if err != nil {
		return err
	}
	d.LayoutJSON = l.JSON()
	return nil
}

// SetFilters validates raw (ParseFilterBar) and stores its canonical form.
func (d *Dashboard) SetFilters(raw json.RawMessage) error {
	fb, err := ParseFilterBar(raw)
	if err != nil {
		return err
	}
	d.FiltersJSON = fb.JSON()
	return nil
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

// SetTitle sets the widget's title: optional, bounded.
func (w *Widget) SetTitle(title string) error {
	title = strings.TrimSpace(title)
	if utf8.RuneCountInString(title) > 200 {
		return Invalid("title", "must be at most 200 characters")
	}
	w.Title = title
	return nil
}

// SetPosition sets the widget's order on small screens and in lists.
func (w *Widget) SetPosition(pos int) error {
	if pos < 0 || pos > 10_000 {
		return Invalid("position", "must be between 0 and 10000")
	}
	w.Position = pos
	return nil
}

// SetKind changes the type and viz together, since the viz must fit the type.
func (w *Widget) SetKind(typ WidgetType, viz Viz) error {
	if err := validEnum("type", typ, WidgetTypes); err != nil {
		return err
	}
	if err := validEnum("viz", viz, vizByType[typ]); err != nil {
		return err
	}
	w.Type, w.Viz = typ, viz
	return nil
}

// SetRefreshInterval bounds polling intervals: 0 (push only) or 5 s to a day.
func (w *Widget) SetRefreshInterval(sec int) error {
	if sec != 0 && (sec < 5 || sec > 86400) {
		return Invalid("refresh_interval_sec", "must be 0 or between 5 and 86400")
	}
	w.RefreshIntervalSec = sec
	return nil
}

// DashboardFilter selects a tenant's dashboards for a listing. TenantID is
// required; other zero fields do not filter. Which of the rows a principal
// may see is decided by Can in the application, not here.
type DashboardFilter struct {
	TenantID string
	OwnerID  string   // only dashboards owned by this user
	TeamIDs  []string // non-nil: only dashboards of these teams (empty: none)
	Search   string   // case-insensitive substring of the name or description
	Limit    int      // 0: every row
	Offset   int
}

// MaxDashboardPage bounds one page of a dashboard listing.
const MaxDashboardPage = 200
