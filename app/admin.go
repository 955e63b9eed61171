package app

import (
	"context"
	"log/slog"

	"github.com/conductor/reports/domain"
)

// Admin manages a tenant's people and structure: users, teams,
// memberships, customers, sites, contracts, cost centres and data-scope
// policies. Every method is for tenant admins and is audited.
type Admin struct {
	meta   MetaStore
	now    Clock
	log    *slog.Logger
	argon2 Argon2Params
}

// NewAdmin builds the admin service.
func NewAdmin(meta MetaStore, now Clock, log *slog.Logger, argon2 Argon2Params) *Admin {
	return &Admin{meta: meta, now: now, log: log, argon2: argon2}
}

// CreateUserCmd creates a local user with a password.
type CreateUserCmd struct {
	Email    string
	Name     string
	Role     string
	Password string
}

// CreateUser adds a user to p's tenant.
func (a *Admin) CreateUser(ctx context.Context, p domain.Principal, cmd CreateUserCmd) (*domain.User, error) {
	if err := domain.RequireAdmin(p); err != nil {
		return nil, err
	}
	role, err := domain.ParseRole(cmd.Role)
	if err != nil {
		return nil, err
	}
	u, err := domain.NewUser(NewID(), p.TenantID, cmd.Email, cmd.Name, role, a.now())
	if err != nil {
		return nil, err
	}
	if err := domain.ValidatePassword(cmd.Password); err != nil {
		return nil, err
	}
	if u.PasswordHash, err = HashPassword(cmd.Password, a.argon2); err != nil {
		return nil, err
	}
	change := &Change{TenantID: p.TenantID, UserID: p.UserID, Action: "user.create", ObjectType: "user", ObjectID: u.ID, After: UserView(u)}
	return u, audited(ctx, a.meta, a.now(), change, func(tx MetaTx) error { return tx.CreateUser(ctx, u) })
}

// UpdateUserCmd changes a user; nil fields stay as they are.
type UpdateUserCmd struct {
	Name     *string
	Role     *string
	Disabled *bool
	Password *string
}

// UpdateUser changes a user of p's tenant. An admin cannot demote or
// disable itself, so a tenant cannot lose its last way in by accident.
func (a *Admin) UpdateUser(ctx context.Context, p domain.Principal, id string, cmd UpdateUserCmd) (*domain.User, error) {
	if err := domain.RequireAdmin(p); err != nil {
		return nil, err
	}
	var u *domain.User
	change := &Change{TenantID: p.TenantID, UserID: p.UserID, Action: "user.update", ObjectType: "user", ObjectID: id}
	err := audited(ctx, a.meta, a.now(), change, func(tx MetaTx) error {
		var err error
		if u, err = tx.GetUser(ctx, p.TenantID, id); err != nil {
			return err
		}
		change.Before = UserView(u)
		if err := a.applyUserUpdate(p, u, cmd); err != nil {
			return err
		}
		change.After = UserView(u)
		return tx.UpdateUser(ctx, u)
	})
	return u, err
}

func (a *Admin) applyUserUpdate(p domain.Principal, u *domain.User, cmd UpdateUserCmd) error {
	if cmd.Name != nil {
		probe, err := domain.NewUser(u.ID, u.TenantID, u.Email, *cmd.Name, u.Role, u.CreatedAt)
		if err != nil {
			return err
		}
		u.Name = probe.Name
	}
	if cmd.Role != nil {
		role, err := domain.ParseRole(*cmd.Role)
		if err != nil {
			return err
		}
		if u.ID == p.UserID && role != domain.RoleAdmin {
			return domain.Invalid("role", "administrators cannot demote themselves")
		}
		u.Role = role
	}
	if cmd.Disabled != nil {
		if u.ID == p.UserID && *cmd.Disabled {
			return domain.Invalid("disabled", "administrators cannot disable themselves")
		}
		u.Disabled = *cmd.Disabled
	}
	if cmd.Password != nil {
		if err := domain.ValidatePassword(*cmd.Password); err != nil {
			return err
		}
		hash, err := HashPassword(*cmd.Password, a.argon2)
		if err != nil {
			return err
		}
		u.PasswordHash = hash
	}
	return nil
}

// ListUsers lists p's tenant's users.
func (a *Admin) ListUsers(ctx context.Context, p domain.Principal) ([]domain.User, error) {
	if err := domain.RequireAdmin(p); err != nil {
		return nil, err
	}
	return a.meta.ListUsers(ctx, p.TenantID)
}

// CreateTeam adds a team.
func (a *Admin) CreateTeam(ctx context.Context, p domain.Principal, name string) (*domain.Team, error) {
	if err := domain.RequireAdmin(p); err != nil {
		return nil, err
	}
	t, err := domain.NewTeam(NewID(), p.TenantID, name, a.now())
	if err != nil {
		return nil, err
	}
	change := &Change{TenantID: p.TenantID, UserID: p.UserID, Action: "team.create", ObjectType: "team", ObjectID: t.ID, After: TeamView(t)}
	return t, audited(ctx, a.meta, a.now(), change, func(tx MetaTx) error { return tx.CreateTeam(ctx, t) })
}

// ListTeams lists the tenant's teams; every user of the tenant may.
func (a *Admin) ListTeams(ctx context.Context, p domain.Principal) ([]domain.Team, error) {
	if p.Kind != domain.PrincipalUser {
		return nil, domain.Forbidden("users only")
	}
	return a.meta.ListTeams(ctx, p.TenantID)
}

// SetMembership adds (member=true) or removes a user from a team.
func (a *Admin) SetMembership(ctx context.Context, p domain.Principal, teamID, userID string, member bool) error {
	if err := domain.RequireAdmin(p); err != nil {
		return err
	}
	m := domain.Membership{TenantID: p.TenantID, TeamID: teamID, UserID: userID}
	view := MembershipJSON{TeamID: teamID, UserID: userID}
	change := &Change{TenantID: p.TenantID, UserID: p.UserID, Action: "team.add_member", ObjectType: "team", ObjectID: teamID, After: view}
	if !member {
		change.Action, change.Before, change.After = "team.remove_member", view, nil
	}
	return audited(ctx, a.meta, a.now(), change, func(tx MetaTx) error {
		if _, err := tx.GetTeam(ctx, p.TenantID, teamID); err != nil {
			return err
		}
		if member {
			if _, err := tx.GetUser(ctx, p.TenantID, userID); err != nil {
				return domain.Invalid("user_id", "unknown user")
			}
			return tx.AddMembership(ctx, m)
		}
		return tx.RemoveMembership(ctx, m)
	})
}

// TeamMembers lists the user ids of a team.
func (a *Admin) TeamMembers(ctx context.Context, p domain.Principal, teamID string) ([]string, error) {
	if err := domain.RequireAdmin(p); err != nil {
		return nil, err
	}
	if _, err := a.meta.GetTeam(ctx, p.TenantID, teamID); err != nil {
		return nil, err
	}
	return a.meta.ListTeamMembers(ctx, p.TenantID, teamID)
}
