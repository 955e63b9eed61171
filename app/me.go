package app

import (
	"context"
	"slices"

	"github.com/conductor/reports/domain"
)

// MeJSON is what GET /api/me answers: who is signed in and what they may see.
type MeJSON struct {
	User   UserJSON     `json:"user"`
	Tenant TenantJSON   `json:"tenant"`
	Teams  []TeamJSON   `json:"teams"`
	Roles  []string     `json:"roles"`
	Scope  domain.Scope `json:"scope"`
}

// Me describes principal p.
func (s *Identity) Me(ctx context.Context, p domain.Principal) (*MeJSON, error) {
	if p.Kind != domain.PrincipalUser {
		return nil, domain.Forbidden("users only")
	}
	u, err := s.meta.GetUser(ctx, p.TenantID, p.UserID)
	if err != nil {
		return nil, err
	}
	t, err := s.meta.GetTenant(ctx, p.TenantID)
	if err != nil {
		return nil, err
	}
	all, err := s.meta.ListTeams(ctx, p.TenantID)
	if err != nil {
		return nil, err
	}
	me := &MeJSON{User: UserView(u), Tenant: TenantView(t), Teams: []TeamJSON{}, Roles: []string{string(p.Role)}, Scope: p.Scope}
	if me.Scope == nil {
		me.Scope = domain.Scope{}
	}
	for i := range all {
		if slices.Contains(p.TeamIDs, all[i].ID) {
			me.Teams = append(me.Teams, TeamView(&all[i]))
		}
	}
	return me, nil
}
