package app

import (
	"context"
	"slices"

	"github.com/conductor/reports/domain"
)

// Dashboard listing tabs (R2.1): what p owns, what belongs to p's teams,
// and everything p may see in the tenant.
const (
	TabMine   = "mine"
	TabTeam   = "team"
	TabTenant = "tenant"
)

// DashboardQuery selects a page of the dashboards a principal may see.
type DashboardQuery struct {
	Tab    string // mine | team | tenant (default)
	Search string
	Limit  int // default 50, at most domain.MaxDashboardPage
	Offset int
}

// DashboardPage is one page of a listing and the number of dashboards the
// principal may see across all pages.
type DashboardPage struct {
	Items []domain.Dashboard
	Total int
}

// List returns the dashboards of p's tenant that p may view, by name.
// Admins see everything, so the store pages for them; for anyone else
// every candidate is decided by domain.Can (the one authorisation rule),
// with p's grants read once, and the page is cut afterwards.
func (s *Dashboards) List(ctx context.Context, p domain.Principal, q DashboardQuery) (*DashboardPage, error) {
	if p.Kind != domain.PrincipalUser || p.TenantID == "" {
		return nil, domain.Forbidden("dashboards are listed for signed-in users")
	}
	f, err := q.filter(p)
	if err != nil {
		return nil, err
	}
	if p.IsAdmin() {
		items, total, err := s.meta.ListDashboards(ctx, f)
		if err != nil {
			return nil, err
		}
		return &DashboardPage{Items: items, Total: total}, nil
	}
	limit, offset := f.Limit, f.Offset
	f.Limit, f.Offset = 0, 0
	all, _, err := s.meta.ListDashboards(ctx, f)
	if err != nil {
		return nil, err
	}
	visible, err := s.visible(ctx, p, all)
	if err != nil {
		return nil, err
	}
	page := visible[min(offset, len(visible)):min(offset+limit, len(visible))]
	return &DashboardPage{Items: slices.Clip(page), Total: len(visible)}, nil
}

// filter turns q into the store's filter for p.
func (q DashboardQuery) filter(p domain.Principal) (domain.DashboardFilter, error) {
	f := domain.DashboardFilter{TenantID: p.TenantID, Search: q.Search, Limit: q.Limit, Offset: q.Offset}
	switch q.Tab {
	case TabMine:
		f.OwnerID = p.UserID
	case TabTeam:
		f.TeamIDs = append([]string{}, p.TeamIDs...)
	case "", TabTenant:
	default:
		return f, domain.Invalid("tab", "must be mine, team or tenant")
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	if f.Limit < 1 || f.Limit > domain.MaxDashboardPage {
		return f, domain.Invalid("limit", "must be between 1 and %d", domain.MaxDashboardPage)
	}
	if f.Offset < 0 {
		return f, domain.Invalid("offset", "must not be negative")
	}
	if len(f.Search) > 200 {
		return f, domain.Invalid("q", "must be at most 200 characters")
	}
	return f, nil
}

// visible keeps the dashboards p may view.
func (s *Dashboards) visible(ctx context.Context, p domain.Principal, ds []domain.Dashboard) ([]domain.Dashboard, error) {
	grants, err := s.meta.GrantsToSubjects(ctx, p.TenantID, domain.ObjectDashboard, p.UserID, p.TeamIDs)
	if err != nil {
		return nil, err
	}
	byObject := map[string][]domain.Grant{}
	for _, g := range grants {
		byObject[g.ObjectID] = append(byObject[g.ObjectID], g)
	}
	ownerTeams := map[string][]string{} // read once per owner
	out := []domain.Dashboard{}
	for i := range ds {
		d := &ds[i]
		var teams []string
		switch {
		case d.TeamID != "":
			teams = []string{d.TeamID}
		case d.Visibility == domain.VisibilityGroup:
			ts, ok := ownerTeams[d.OwnerID]
			if !ok {
				if ts, err = s.meta.TeamIDsOfUser(ctx, d.TenantID, d.OwnerID); err != nil {
					return nil, err
				}
				ownerTeams[d.OwnerID] = ts
			}
			teams = ts
		}
		if domain.Can(p, domain.ActionView, d.Resource(teams, byObject[d.ID])) == nil {
			out = append(out, *d)
		}
	}
	return out, nil
}
