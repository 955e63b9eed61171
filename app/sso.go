package app

import (
	"context"
	"slices"

	"github.com/conductor/reports/domain"
)

// authenticateSSO verifies a platform JWT and maps its claims to a
// principal: the tenant by slug, the user by subject (provisioned on first
// sight, role kept in step with the claim), and teams by id or name.
func (s *Identity) authenticateSSO(ctx context.Context, raw string) (domain.Principal, error) {
	unauth := &domain.Error{Code: domain.CodeUnauthenticated, Message: "authentication required"}
	if s.sso == nil {
		return domain.Principal{}, unauth
	}
	claims, err := s.sso.Verify(ctx, raw)
	if err != nil {
		s.log.InfoContext(ctx, "sso token refused", "err", err)
		return domain.Principal{}, unauth
	}
	if claims.Subject == "" || claims.Tenant == "" {
		return domain.Principal{}, unauth
	}
	tenant, err := s.meta.GetTenantBySlug(ctx, claims.Tenant)
	if err != nil {
		if domain.IsCode(err, domain.CodeNotFound) {
			return domain.Principal{}, unauth
		}
		return domain.Principal{}, err
	}
	role := domain.RoleViewer
	if claims.Role != "" {
		if role, err = domain.ParseRole(claims.Role); err != nil {
			return domain.Principal{}, unauth
		}
	}
	u, err := s.syncSSOUser(ctx, tenant.ID, claims, role)
	if err != nil {
		return domain.Principal{}, err
	}
	if u.Disabled {
		return domain.Principal{}, unauth
	}
	teams, err := s.resolveTeams(ctx, tenant.ID, claims.Teams)
	if err != nil {
		return domain.Principal{}, err
	}
	return s.principalFor(ctx, u, teams)
}

// syncSSOUser finds the user of claims, provisioning it on first sight and
// updating its role when the platform changed it; both are audited.
func (s *Identity) syncSSOUser(ctx context.Context, tenantID string, c SSOClaims, role domain.Role) (*domain.User, error) {
	u, err := s.meta.GetUserByExternalID(ctx, tenantID, c.Subject)
	if err == nil {
		if u.Role == role {
			return u, nil
		}
		before := UserView(u)
		u.Role = role
		change := &Change{TenantID: tenantID, UserID: u.ID, Action: "user.sso_sync", ObjectType: "user", ObjectID: u.ID,
			Before: before, After: UserView(u)}
		return u, audited(ctx, s.meta, s.now(), change, func(tx MetaTx) error { return tx.UpdateUser(ctx, u) })
	}
	if !domain.IsCode(err, domain.CodeNotFound) {
		return nil, err
	}
	name := c.Name
	if name == "" {
		name = c.Email
	}
	u, err = domain.NewUser(NewID(), tenantID, c.Email, name, role, s.now())
	if err != nil {
		return nil, err
	}
	u.ExternalID = c.Subject
	change := &Change{TenantID: tenantID, UserID: u.ID, Action: "user.sso_provision", ObjectType: "user", ObjectID: u.ID, After: UserView(u)}
	return u, audited(ctx, s.meta, s.now(), change, func(tx MetaTx) error { return tx.CreateUser(ctx, u) })
}

// resolveTeams maps team claims (ids or names) to the tenant's team ids;
// unknown names are ignored: SSO never creates teams.
func (s *Identity) resolveTeams(ctx context.Context, tenantID string, claimed []string) ([]string, error) {
	if len(claimed) == 0 {
		return nil, nil
	}
	teams, err := s.meta.ListTeams(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, t := range teams {
		if slices.Contains(claimed, t.ID) || slices.Contains(claimed, t.Name) {
			ids = append(ids, t.ID)
		}
	}
	return ids, nil
}
