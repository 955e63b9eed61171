package sqlmeta

import (
	"context"

	"github.com/conductor/reports/domain"
)

const teamCols = "id, tenant_id, name, created_at"

func scanTeam(s scanner) (*domain.Team, error) {
	var t domain.Team
	if err := s.Scan(&t.ID, &t.TenantID, &t.Name, &t.CreatedAt); err != nil {
		return nil, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	return &t, nil
}

// GetTeam returns the team id of tenantID.
func (r Reader) GetTeam(ctx context.Context, tenantID, id string) (*domain.Team, error) {
	return getOne(ctx, r, "team", scanTeam,
		"SELECT "+teamCols+" FROM teams WHERE tenant_id = ? AND id = ?", tenantID, id)
}

// ListTeams returns the teams of tenantID, by name.
func (r Reader) ListTeams(ctx context.Context, tenantID string) ([]domain.Team, error) {
	return listAll(ctx, r, "teams", scanTeam,
		"SELECT "+teamCols+" FROM teams WHERE tenant_id = ? ORDER BY name, id", tenantID)
}

// ListTeamMembers returns the user ids in the team, sorted; an unknown team
// has no members.
func (r Reader) ListTeamMembers(ctx context.Context, tenantID, teamID string) ([]string, error) {
	return listStrings(ctx, r, "team members",
		"SELECT user_id FROM team_members WHERE tenant_id = ? AND team_id = ? ORDER BY user_id", tenantID, teamID)
}

// TeamIDsOfUser returns the ids of the user's teams, sorted.
func (r Reader) TeamIDsOfUser(ctx context.Context, tenantID, userID string) ([]string, error) {
	return listStrings(ctx, r, "teams of user",
		"SELECT team_id FROM team_members WHERE tenant_id = ? AND user_id = ? ORDER BY team_id", tenantID, userID)
}

// CreateTeam inserts t.
func (x *Tx) CreateTeam(ctx context.Context, t *domain.Team) error {
	_, err := x.exec(ctx, "INSERT INTO teams ("+teamCols+") VALUES (?, ?, ?, ?)",
		t.ID, t.TenantID, t.Name, x.d.timeArg(t.CreatedAt))
	if err != nil {
		return x.d.writeErr(err, "create team "+t.ID, "team id is taken", "tenant_id")
	}
	return nil
}

// AddMembership puts a user in a team of the same tenant; both must exist
// there (invalid otherwise), and a repeated membership is a conflict.
func (x *Tx) AddMembership(ctx context.Context, m domain.Membership) error {
	if err := x.requireRefs(ctx, m.TenantID,
		ref{field: "team_id", table: "teams", id: m.TeamID},
		ref{field: "user_id", table: "users", id: m.UserID}); err != nil {
		return err
	}
	_, err := x.exec(ctx, "INSERT INTO team_members (tenant_id, team_id, user_id) VALUES (?, ?, ?)",
		m.TenantID, m.TeamID, m.UserID)
	if err != nil {
		return x.d.writeErr(err, "add membership", "user is already a member of the team", "user_id")
	}
	return nil
}

// RemoveMembership takes a user out of a team; not being a member is not
// found.
func (x *Tx) RemoveMembership(ctx context.Context, m domain.Membership) error {
	return x.affectOne(ctx, "membership", "remove membership",
		"DELETE FROM team_members WHERE tenant_id = ? AND team_id = ? AND user_id = ?",
		m.TenantID, m.TeamID, m.UserID)
}
