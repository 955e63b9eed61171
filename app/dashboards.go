package app

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/conductor/reports/domain"
)

// DashboardListener hears committed dashboard and widget changes, so the
// realtime layer can push new layouts and restart feeds. presentationOnly
// says the change touched only the layout, name or description: who may
// see what is unchanged, so sessions watching the dashboard need not check
// their widgets again (every other change may narrow access: audience,
// grants, filters offered, realtime, widgets, deletion).
type DashboardListener interface {
	DashboardChanged(tenantID, dashboardID string, presentationOnly bool)
}

// Dashboards is the dashboards use case (R2.1, R2.2, R2.6-R2.8):
// dashboards and their widgets, who may see and change them, and the
// effective query of each widget for a viewer.
type Dashboards struct {
	meta    MetaStore
	queries *Queries
	cat     *domain.Catalog
	now     Clock
	log     *slog.Logger

	mu       sync.RWMutex
	listener DashboardListener
}

// NewDashboards builds the dashboards use case.
func NewDashboards(meta MetaStore, queries *Queries, cat *domain.Catalog, now Clock, log *slog.Logger) *Dashboards {
	return &Dashboards{meta: meta, queries: queries, cat: cat, now: now, log: log}
}

// SetListener sets who hears committed changes (nil: nobody). It is
// called after the transaction committed, never for a rolled-back change.
func (s *Dashboards) SetListener(l DashboardListener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listener = l
}

// changed tells the listener, if any, that a dashboard changed.
func (s *Dashboards) changed(tenantID, dashboardID string, presentationOnly bool) {
	s.mu.RLock()
	l := s.listener
	s.mu.RUnlock()
	if l != nil {
		l.DashboardChanged(tenantID, dashboardID, presentationOnly)
	}
}

// audienceTeams are the teams a group-visible object is visible to: its
// own team, else its owner's teams.
func audienceTeams(ctx context.Context, r MetaReader, tenantID, ownerID, teamID string) ([]string, error) {
	if teamID != "" {
		return []string{teamID}, nil
	}
	return r.TeamIDsOfUser(ctx, tenantID, ownerID)
}

// authorize decides whether p may do a to d (domain.Can), reading d's
// teams and grants through r (a transaction when the decision guards a
// write).
func authorize(ctx context.Context, r MetaReader, p domain.Principal, d *domain.Dashboard, a domain.Action) error {
	teams, err := audienceTeams(ctx, r, d.TenantID, d.OwnerID, d.TeamID)
	if err != nil {
		return err
	}
	grants, err := r.ListGrants(ctx, d.TenantID, domain.ObjectDashboard, d.ID)
	if err != nil {
		return err
	}
	return domain.Can(p, a, d.Resource(teams, grants))
}

// load reads p's tenant's dashboard id through r and checks p may do a.
// Another tenant's dashboard is not found, like a missing one.
func load(ctx context.Context, r MetaReader, p domain.Principal, id string, a domain.Action) (*domain.Dashboard, error) {
	if p.Kind != domain.PrincipalUser || p.TenantID == "" {
		return nil, domain.NotFound("dashboard")
	}
	d, err := r.GetDashboard(ctx, p.TenantID, id)
	if err != nil {
		return nil, err
	}
	if err := authorize(ctx, r, p, d, a); err != nil {
		return nil, err
	}
	return d, nil
}

// checkAudience keeps non-admins from aiming a dashboard at a team they are
// not in, or a customer outside their data scope: either would publish it
// to people the author does not belong with.
func checkAudience(p domain.Principal, teamID, customerID string) error {
	if p.IsAdmin() {
		return nil
	}
	if teamID != "" && !p.InTeam(teamID) {
		return domain.Invalid("team_id", "you can only share with a team you are in")
	}
	if customerID != "" && !p.Scope.Allows(domain.DimCustomer, customerID) {
		return domain.Invalid("customer_id", "the customer is outside your data scope")
	}
	return nil
}

// DashboardCmd creates a dashboard.
type DashboardCmd struct {
	Name            string
	Description     string
	Visibility      string // default private
	TeamID          string
	CustomerID      string
	Layout          json.RawMessage // default {}
	Filters         json.RawMessage // default {}
	RealtimeEnabled bool
}

// Create adds a dashboard owned by p. Editors and admins may.
func (s *Dashboards) Create(ctx context.Context, p domain.Principal, cmd DashboardCmd) (*domain.Dashboard, error) {
	if err := domain.CanCreate(p, domain.ObjectDashboard); err != nil {
		return nil, err
	}
	now := s.now()
	d, err := domain.NewDashboard(NewID(), p.TenantID, p.UserID, cmd.Name, domain.VisibilityPrivate, now)
	if err != nil {
		return nil, err
	}
	vis := domain.Visibility(cmd.Visibility)
	if vis == "" {
		vis = domain.VisibilityPrivate
	}
	patch := DashboardPatch{Description: &cmd.Description, Visibility: (*string)(&vis), TeamID: &cmd.TeamID,
		CustomerID: &cmd.CustomerID, Layout: cmd.Layout, Filters: cmd.Filters, RealtimeEnabled: &cmd.RealtimeEnabled}
	if err := patch.apply(p, d); err != nil {
		return nil, err
	}
	change := &Change{TenantID: p.TenantID, UserID: p.UserID, Action: "dashboard.create", ObjectType: "dashboard", ObjectID: d.ID, After: DashboardView(d)}
	if err := audited(ctx, s.meta, now, change, func(tx MetaTx) error { return tx.CreateDashboard(ctx, d) }); err != nil {
		return nil, err
	}
	s.changed(d.TenantID, d.ID, false)
	return d, nil
}

// DashboardPatch changes a dashboard; nil fields stay as they are.
type DashboardPatch struct {
	Name            *string
	Description     *string
	Visibility      *string
	TeamID          *string
	CustomerID      *string
	Layout          json.RawMessage
	Filters         json.RawMessage
	RealtimeEnabled *bool
}

// audience reports whether the patch changes who may see d.
func (c DashboardPatch) audience(d *domain.Dashboard) bool {
	return (c.Visibility != nil && *c.Visibility != string(d.Visibility)) ||
		(c.TeamID != nil && *c.TeamID != d.TeamID) || (c.CustomerID != nil && *c.CustomerID != d.CustomerID)
}

// presentationOnly reports whether the patch changes at most d's layout,
// name and description (filters offered and realtime change what sessions
// may subscribe to, so they count as access).
func (c DashboardPatch) presentationOnly(d *domain.Dashboard) bool {
	return !c.audience(d) && c.Filters == nil && c.RealtimeEnabled == nil
}

// apply validates and applies the patch to d.
func (c DashboardPatch) apply(p domain.Principal, d *domain.Dashboard) error {
	name, desc := d.Name, d.Description
	if c.Name != nil {
		name = *c.Name
	}
	if c.Description != nil {
		desc = *c.Description
	}
	if err := d.Rename(name, desc); err != nil {
		return err
	}
	if c.audience(d) {
		vis, team, cust := string(d.Visibility), d.TeamID, d.CustomerID
		for _, f := range []struct{ src, dst *string }{{c.Visibility, &vis}, {c.TeamID, &team}, {c.CustomerID, &cust}} {
			if f.src != nil {
				*f.dst = *f.src
			}
		}
		if err := checkAudience(p, team, cust); err != nil {
			return err
		}
		if err := d.SetAudience(domain.Visibility(vis), team, cust); err != nil {
			return err
		}
	}
	if c.Layout != nil {
		if err := d.SetLayout(c.Layout); err != nil {
			return err
		}
	}
	if c.Filters != nil {
		if err := d.SetFilters(c.Filters); err != nil {
			return err
		}
	}
	if c.RealtimeEnabled != nil {
		d.RealtimeEnabled = *c.RealtimeEnabled
	}
	return nil
}

// DashboardDetail is a dashboard with its widgets.
type DashboardDetail struct {
	Dashboard *domain.Dashboard
	Widgets   []domain.Widget
}

// Get returns a dashboard p may view, with its widgets.
func (s *Dashboards) Get(ctx context.Context, p domain.Principal, id string) (*DashboardDetail, error) {
	d, err := load(ctx, s.meta, p, id, domain.ActionView)
	if err != nil {
		return nil, err
	}
	ws, err := s.meta.ListWidgets(ctx, p.TenantID, d.ID)
	if err != nil {
		return nil, err
	}
	return &DashboardDetail{Dashboard: d, Widgets: ws}, nil
}

// requireVersion refuses a change without the version it was made on:
// optimistic concurrency is not optional.
func requireVersion(v int64) error {
	if v < 1 {
		return domain.Invalid("version", "the version being edited is required (If-Match or version)")
	}
	return nil
}

// Update changes a dashboard p may edit, if it is still at version.
// Changing who may see it (visibility, team, customer) needs the manage
// right, i.e. ownership.
func (s *Dashboards) Update(ctx context.Context, p domain.Principal, id string, version int64, patch DashboardPatch) (*domain.Dashboard, error) {
	if err := requireVersion(version); err != nil {
		return nil, err
	}
	var d *domain.Dashboard
	var presentation bool
	now := s.now()
	change := &Change{TenantID: p.TenantID, UserID: p.UserID, Action: "dashboard.update", ObjectType: "dashboard", ObjectID: id}
	err := audited(ctx, s.meta, now, change, func(tx MetaTx) error {
		var err error
		if d, err = load(ctx, tx, p, id, domain.ActionEdit); err != nil {
			return err
		}
		if patch.audience(d) {
			if err := authorize(ctx, tx, p, d, domain.ActionManage); err != nil {
				return err
			}
		}
		presentation = patch.presentationOnly(d)
		change.Before = DashboardView(d)
		if err := patch.apply(p, d); err != nil {
			return err
		}
		d.UpdatedAt = now.UTC()
		if err := tx.UpdateDashboard(ctx, d, version); err != nil {
			return err
		}
		change.After = DashboardView(d)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.changed(d.TenantID, d.ID, presentation)
	return d, nil
}

// Delete removes a dashboard p may delete (its owner, or an admin) with
// its widgets; version > 0 must be the current one.
func (s *Dashboards) Delete(ctx context.Context, p domain.Principal, id string, version int64) error {
	change := &Change{TenantID: p.TenantID, UserID: p.UserID, Action: "dashboard.delete", ObjectType: "dashboard", ObjectID: id}
	err := audited(ctx, s.meta, s.now(), change, func(tx MetaTx) error {
		d, err := load(ctx, tx, p, id, domain.ActionDelete)
		if err != nil {
			return err
		}
		change.Before = DashboardView(d)
		return tx.DeleteDashboard(ctx, p.TenantID, id, version)
	})
	if err != nil {
		return err
	}
	s.changed(p.TenantID, id, false)
	return nil
}

// Duplicate copies a dashboard p may view, with its widgets, as a new
// private dashboard owned by p (name "" = "Copy of <name>"). Grants and
// audience are not copied: the copy starts private.
func (s *Dashboards) Duplicate(ctx context.Context, p domain.Principal, id, name string) (*DashboardDetail, error) {
	if err := domain.CanCreate(p, domain.ObjectDashboard); err != nil {
		return nil, err
	}
	now := s.now()
	out := &DashboardDetail{}
	change := &Change{TenantID: p.TenantID, UserID: p.UserID, Action: "dashboard.duplicate", ObjectType: "dashboard"}
	err := audited(ctx, s.meta, now, change, func(tx MetaTx) error {
		src, err := load(ctx, tx, p, id, domain.ActionView)
		if err != nil {
			return err
		}
		if out.Dashboard, err = copyDashboard(src, p, name, now); err != nil {
			return err
		}
		ws, err := tx.ListWidgets(ctx, p.TenantID, src.ID)
		if err != nil {
			return err
		}
		ids := map[string]string{}
		for _, w := range ws {
			c := w
			c.ID, c.DashboardID, c.Version, c.CreatedAt, c.UpdatedAt = NewID(), out.Dashboard.ID, 1, now.UTC(), now.UTC()
			ids[w.ID] = c.ID
			out.Widgets = append(out.Widgets, c)
		}
		if err := remapLayout(out.Dashboard, ids); err != nil {
			return err
		}
		change.ObjectID, change.After = out.Dashboard.ID, map[string]any{"source_id": src.ID, "dashboard": DashboardView(out.Dashboard)}
		if err := tx.CreateDashboard(ctx, out.Dashboard); err != nil {
			return err
		}
		for i := range out.Widgets {
			if err := tx.CreateWidget(ctx, &out.Widgets[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.changed(p.TenantID, out.Dashboard.ID, false)
	return out, nil
}

// copyDashboard is src as a new private dashboard of p.
func copyDashboard(src *domain.Dashboard, p domain.Principal, name string, now time.Time) (*domain.Dashboard, error) {
	if name == "" {
		name = "Copy of " + src.Name
		if utf8.RuneCountInString(name) > 200 {
			name = string([]rune(name)[:200])
		}
	}
	d, err := domain.NewDashboard(NewID(), p.TenantID, p.UserID, name, domain.VisibilityPrivate, now.UTC())
	if err != nil {
		return nil, err
	}
	d.Description, d.FiltersJSON, d.RealtimeEnabled = src.Description, slices.Clone(src.FiltersJSON), src.RealtimeEnabled
	d.LayoutJSON = slices.Clone(src.LayoutJSON)
	return d, nil
}

// remapLayout points d's layout at the copied widgets.
func remapLayout(d *domain.Dashboard, ids map[string]string) error {
	l, err := domain.ParseLayout(d.LayoutJSON)
	if err != nil {
		return err
	}
	d.LayoutJSON = l.Remap(ids).JSON()
	return nil
}
