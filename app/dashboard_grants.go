package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/conductor/reports/domain"
)

// Dashboard grants (R5.2): who, besides the owner and the audience given
// by visibility, may view or edit a dashboard. Rules:
//   - reading a dashboard's grants needs the edit right (domain.Can with
//     ActionEdit: the owner, tenant admins and users or teams granted
//     editor). Viewers do not learn who else was given access.
//   - adding, changing and removing grants needs the manage right
//     (ActionManage: the owner and tenant admins only).
//   - the role given is viewer or editor; ownership is not transferable
//     through a grant.
//   - the subject must be a user or team of the dashboard's tenant; any
//     other id is an invalid subject_id, whether it is unknown or belongs to
//     another tenant, so other tenants' ids are never confirmed.
//   - a second grant to the same subject changes the role of the existing
//     grant (same id) instead of adding a duplicate.
//
// Every change is audited in the transaction that makes it, as
// dashboard.grant_create, dashboard.grant_update or dashboard.grant_delete
// on the dashboard. After the commit the listener hears the dashboard
// changed, so open views re-read it (and a revoked viewer's re-read is
// refused). Live feeds already subscribed are not re-authorised here.

// GrantJSON is a grant on a dashboard, with its subject's display name.
type GrantJSON struct {
	ID          string    `json:"id"`
	DashboardID string    `json:"dashboard_id"`
	SubjectType string    `json:"subject_type"`
	SubjectID   string    `json:"subject_id"`
	SubjectName string    `json:"subject_name"`
	Role        string    `json:"role"`
	CreatedAt   time.Time `json:"created_at"`
}

// grantView renders g with its subject's name.
func grantView(g *domain.Grant, name string) GrantJSON {
	return GrantJSON{ID: g.ID, DashboardID: g.ObjectID, SubjectType: string(g.SubjectType), SubjectID: g.SubjectID,
		SubjectName: name, Role: string(g.Role), CreatedAt: g.CreatedAt}
}

// subjectName reads the display name of a grant's subject ("" when it is
// gone).
func subjectName(ctx context.Context, r MetaReader, tenantID string, st domain.SubjectType, id string) (string, error) {
	var (
		name string
		err  error
	)
	if st == domain.SubjectUser {
		var u *domain.User
		if u, err = r.GetUser(ctx, tenantID, id); err == nil {
			name = u.Name
		}
	} else {
		var t *domain.Team
		if t, err = r.GetTeam(ctx, tenantID, id); err == nil {
			name = t.Name
		}
	}
	if domain.IsCode(err, domain.CodeNotFound) {
		return "", domain.Invalid("subject_id", "unknown %s", domain.Noun(st))
	}
	return name, err
}

// ListGrants returns the grants on a dashboard p may edit, oldest first.
func (s *Dashboards) ListGrants(ctx context.Context, p domain.Principal, dashboardID string) ([]GrantJSON, error) {
	d, err := load(ctx, s.meta, p, dashboardID, domain.ActionEdit)
	if err != nil {
		return nil, err
	}
	gs, err := s.meta.ListGrants(ctx, d.TenantID, domain.ObjectDashboard, d.ID)
	if err != nil {
		return nil, err
	}
	out := make([]GrantJSON, 0, len(gs))
	for i := range gs {
		name, err := subjectName(ctx, s.meta, d.TenantID, gs[i].SubjectType, gs[i].SubjectID)
		if err != nil && !domain.IsCode(err, domain.CodeInvalid) {
			return nil, err
		}
		out = append(out, grantView(&gs[i], name))
	}
	return out, nil
}

// GrantCmd gives a user or team a role on a dashboard.
type GrantCmd struct {
	SubjectType string
	SubjectID   string
	Role        string
}

// validate parses the command; only viewer and editor may be granted.
func (c GrantCmd) validate() (domain.SubjectType, domain.GrantRole, error) {
	st, err := domain.ParseSubjectType(c.SubjectType)
	if err != nil {
		return "", "", err
	}
	if strings.TrimSpace(c.SubjectID) == "" {
		return "", "", domain.Invalid("subject_id", "is required")
	}
	role := domain.GrantRole(c.Role)
	if role != domain.GrantViewer && role != domain.GrantEditor {
		return "", "", domain.Invalid("role", "must be viewer or editor")
	}
	return st, role, nil
}

// Grant gives cmd's subject cmd's role on a dashboard p manages. created
// is false when the subject already had a grant and only its role changed.
func (s *Dashboards) Grant(ctx context.Context, p domain.Principal, dashboardID string, cmd GrantCmd) (out GrantJSON, created bool, err error) {
	st, role, err := cmd.validate()
	if err != nil {
		return out, false, err
	}
	now := s.now()
	change := &Change{TenantID: p.TenantID, UserID: p.UserID, Action: "dashboard.grant_create", ObjectType: "dashboard", ObjectID: dashboardID}
	err = audited(ctx, s.meta, now, change, func(tx MetaTx) error {
		d, err := load(ctx, tx, p, dashboardID, domain.ActionManage)
		if err != nil {
			return err
		}
		name, err := subjectName(ctx, tx, d.TenantID, st, cmd.SubjectID)
		if err != nil {
			return err
		}
		if st == domain.SubjectUser && cmd.SubjectID == d.OwnerID {
			return domain.Invalid("subject_id", "the owner already has every right on the dashboard")
		}
		gs, err := tx.ListGrants(ctx, d.TenantID, domain.ObjectDashboard, d.ID)
		if err != nil {
			return err
		}
		if i := slices.IndexFunc(gs, func(g domain.Grant) bool { return g.SubjectType == st && g.SubjectID == cmd.SubjectID }); i >= 0 {
			g := gs[i]
			change.Action, change.Before = "dashboard.grant_update", grantView(&g, name)
			g.Role = role
			out = grantView(&g, name)
			change.After = out
			return tx.UpdateGrantRole(ctx, d.TenantID, g.ID, role)
		}
		g, err := domain.NewGrant(NewID(), d.TenantID, domain.ObjectDashboard, d.ID, st, cmd.SubjectID, role, now)
		if err != nil {
			return err
		}
		created, out = true, grantView(g, name)
		change.After = out
		return tx.CreateGrant(ctx, g)
	})
	if err != nil {
		return GrantJSON{}, false, err
	}
	s.changed(p.TenantID, dashboardID, false)
	return out, created, nil
}

// Revoke removes the grant grantID from a dashboard p manages. A grant of
// another dashboard is not found here.
func (s *Dashboards) Revoke(ctx context.Context, p domain.Principal, dashboardID, grantID string) error {
	change := &Change{TenantID: p.TenantID, UserID: p.UserID, Action: "dashboard.grant_delete", ObjectType: "dashboard", ObjectID: dashboardID}
	err := audited(ctx, s.meta, s.now(), change, func(tx MetaTx) error {
		d, err := load(ctx, tx, p, dashboardID, domain.ActionManage)
		if err != nil {
			return err
		}
		g, err := tx.GetGrant(ctx, d.TenantID, grantID)
		if err != nil {
			return err
		}
		if g.ObjectType != domain.ObjectDashboard || g.ObjectID != d.ID {
			return domain.NotFound("grant")
		}
		name, err := subjectName(ctx, tx, d.TenantID, g.SubjectType, g.SubjectID)
		if err != nil && !domain.IsCode(err, domain.CodeInvalid) {
			return err
		}
		change.Before = grantView(g, name)
		return tx.DeleteGrant(ctx, d.TenantID, g.ID)
	})
	if err != nil {
		return err
	}
	s.changed(p.TenantID, dashboardID, false)
	return nil
}

// SubjectJSON is a user or team that may be given a grant: id and name
// only (no email, role or membership).
type SubjectJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// GrantSubjects are the candidates of a grant.
type GrantSubjects struct {
	Users []SubjectJSON `json:"users"`
	Teams []SubjectJSON `json:"teams"`
}

// MaxGrantSubjects caps each list of GrantSubjectsFor.
const MaxGrantSubjects = 50

// GrantSubjectsFor lists the active users (other than the owner) and the
// teams of the dashboard's tenant whose name contains q (case-insensitive),
// by name, at most MaxGrantSubjects of each. Only those who may manage the
// dashboard's grants may ask: the list exists to pick a grant's subject.
func (s *Dashboards) GrantSubjectsFor(ctx context.Context, p domain.Principal, dashboardID, q string) (*GrantSubjects, error) {
	if len(q) > 200 {
		return nil, domain.Invalid("q", "must be at most 200 characters")
	}
	d, err := load(ctx, s.meta, p, dashboardID, domain.ActionManage)
	if err != nil {
		return nil, err
	}
	needle := strings.ToLower(strings.TrimSpace(q))
	match := func(name string) bool { return strings.Contains(strings.ToLower(name), needle) }
	us, err := s.meta.ListUsers(ctx, d.TenantID)
	if err != nil {
		return nil, err
	}
	ts, err := s.meta.ListTeams(ctx, d.TenantID)
	if err != nil {
		return nil, err
	}
	out := &GrantSubjects{Users: []SubjectJSON{}, Teams: []SubjectJSON{}}
	for _, u := range us {
		if !u.Disabled && u.ID != d.OwnerID && match(u.Name) {
			out.Users = append(out.Users, SubjectJSON{ID: u.ID, Name: u.Name})
		}
	}
	for _, t := range ts {
		if match(t.Name) {
			out.Teams = append(out.Teams, SubjectJSON{ID: t.ID, Name: t.Name})
		}
	}
	byName := func(a, b SubjectJSON) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) }
	slices.SortStableFunc(out.Users, byName)
	slices.SortStableFunc(out.Teams, byName)
	out.Users = out.Users[:min(len(out.Users), MaxGrantSubjects)]
	out.Teams = out.Teams[:min(len(out.Teams), MaxGrantSubjects)]
	return out, nil
}
