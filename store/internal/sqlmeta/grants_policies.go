package sqlmeta

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/conductor/reports/domain"
)

const grantCols = "id, tenant_id, object_type, object_id, subject_type, subject_id, role, created_at"

func scanGrant(s scanner) (*domain.Grant, error) {
	var g domain.Grant
	if err := s.Scan(&g.ID, &g.TenantID, &g.ObjectType, &g.ObjectID, &g.SubjectType, &g.SubjectID,
		&g.Role, &g.CreatedAt); err != nil {
		return nil, err
	}
	g.CreatedAt = g.CreatedAt.UTC()
	return &g, nil
}

// GetGrant returns the grant id of tenantID.
func (r Reader) GetGrant(ctx context.Context, tenantID, id string) (*domain.Grant, error) {
	return getOne(ctx, r, "grant", scanGrant,
		"SELECT "+grantCols+" FROM grants WHERE tenant_id = ? AND id = ?", tenantID, id)
}

// ListGrants returns the grants on one object, oldest first.
func (r Reader) ListGrants(ctx context.Context, tenantID string, ot domain.ObjectType, objectID string) ([]domain.Grant, error) {
	return listAll(ctx, r, "grants", scanGrant,
		"SELECT "+grantCols+" FROM grants WHERE tenant_id = ? AND object_type = ? AND object_id = ? ORDER BY created_at, id",
		tenantID, string(ot), objectID)
}

// CreateGrant inserts g. The subject (user or team) must exist in the
// tenant; a second grant of the same object to the same subject is a
// conflict. The object is checked by the use case, which has to load it to
// authorise the change anyway.
func (x *Tx) CreateGrant(ctx context.Context, g *domain.Grant) error {
	if err := x.requireRefs(ctx, g.TenantID, subjectRef(g.SubjectType, g.SubjectID)); err != nil {
		return err
	}
	_, err := x.exec(ctx, "INSERT INTO grants ("+grantCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		g.ID, g.TenantID, string(g.ObjectType), g.ObjectID, string(g.SubjectType), g.SubjectID,
		string(g.Role), x.d.timeArg(g.CreatedAt))
	if err != nil {
		return x.d.writeErr(err, "create grant "+g.ID, "the subject already has a grant on this object", "tenant_id")
	}
	return nil
}

// UpdateGrantRole changes the role of the grant id of tenantID.
func (x *Tx) UpdateGrantRole(ctx context.Context, tenantID, id string, role domain.GrantRole) error {
	return x.affectOne(ctx, "grant", "update grant "+id,
		"UPDATE grants SET role = ? WHERE tenant_id = ? AND id = ?", string(role), tenantID, id)
}

// DeleteGrant removes the grant id of tenantID.
func (x *Tx) DeleteGrant(ctx context.Context, tenantID, id string) error {
	return x.affectOne(ctx, "grant", "delete grant "+id,
		"DELETE FROM grants WHERE tenant_id = ? AND id = ?", tenantID, id)
}

const policyCols = "id, tenant_id, subject_type, subject_id, scope_json, created_at"

func scanPolicy(s scanner) (*domain.ScopePolicy, error) {
	var (
		p   domain.ScopePolicy
		raw string
	)
	if err := s.Scan(&p.ID, &p.TenantID, &p.SubjectType, &p.SubjectID, &raw, &p.CreatedAt); err != nil {
		return nil, err
	}
	sc, err := decodeScope(raw)
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", p.ID, err)
	}
	p.Scope = sc
	p.CreatedAt = p.CreatedAt.UTC()
	return &p, nil
}

// encodeScope writes a scope as a JSON object. A restricted dimension with
// no values is written as [] (never null), so "allows nothing" survives the
// round trip and stays distinct from an absent, unrestricted dimension.
func encodeScope(sc domain.Scope) (string, error) {
	m := make(map[domain.Dimension][]string, len(sc))
	for d, vs := range sc {
		if vs == nil {
			vs = []string{}
		}
		m[d] = vs
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("encode scope: %w", err)
	}
	return string(b), nil
}

// decodeScope reads what encodeScope wrote; present dimensions always get a
// non-nil slice.
func decodeScope(raw string) (domain.Scope, error) {
	sc := domain.Scope{}
	if err := json.Unmarshal([]byte(raw), &sc); err != nil {
		return nil, fmt.Errorf("decode scope: %w", err)
	}
	if sc == nil {
		sc = domain.Scope{}
	}
	for d, vs := range sc {
		if vs == nil {
			sc[d] = []string{}
		}
	}
	return sc, nil
}

// GetScopePolicy returns the policy id of tenantID.
func (r Reader) GetScopePolicy(ctx context.Context, tenantID, id string) (*domain.ScopePolicy, error) {
	return getOne(ctx, r, "scope policy", scanPolicy,
		"SELECT "+policyCols+" FROM scope_policies WHERE tenant_id = ? AND id = ?", tenantID, id)
}

// ListScopePolicies returns the policies of tenantID, oldest first.
func (r Reader) ListScopePolicies(ctx context.Context, tenantID string) ([]domain.ScopePolicy, error) {
	return listAll(ctx, r, "scope policies", scanPolicy,
		"SELECT "+policyCols+" FROM scope_policies WHERE tenant_id = ? ORDER BY created_at, id", tenantID)
}

// PoliciesFor returns the policies on the user and on any of teamIDs,
// oldest first.
func (r Reader) PoliciesFor(ctx context.Context, tenantID, userID string, teamIDs []string) ([]domain.ScopePolicy, error) {
	query := "SELECT " + policyCols + " FROM scope_policies WHERE tenant_id = ? AND ((subject_type = 'user' AND subject_id = ?)"
	args := []any{tenantID, userID}
	if len(teamIDs) > 0 {
		query += " OR (subject_type = 'team' AND subject_id IN (" + placeholders(len(teamIDs)) + "))"
		for _, id := range teamIDs {
			args = append(args, id)
		}
	}
	query += ") ORDER BY created_at, id"
	return listAll(ctx, r, "scope policies", scanPolicy, query, args...)
}

// CreateScopePolicy inserts p; its subject must exist in the tenant.
func (x *Tx) CreateScopePolicy(ctx context.Context, p *domain.ScopePolicy) error {
	if err := x.requireRefs(ctx, p.TenantID, subjectRef(p.SubjectType, p.SubjectID)); err != nil {
		return err
	}
	raw, err := encodeScope(p.Scope)
	if err != nil {
		return err
	}
	_, err = x.exec(ctx, "INSERT INTO scope_policies ("+policyCols+") VALUES (?, ?, ?, ?, ?, ?)",
		p.ID, p.TenantID, string(p.SubjectType), p.SubjectID, raw, x.d.timeArg(p.CreatedAt))
	if err != nil {
		return x.d.writeErr(err, "create scope policy "+p.ID, "scope policy id is taken", "tenant_id")
	}
	return nil
}

// DeleteScopePolicy removes the policy id of tenantID.
func (x *Tx) DeleteScopePolicy(ctx context.Context, tenantID, id string) error {
	return x.affectOne(ctx, "scope policy", "delete scope policy "+id,
		"DELETE FROM scope_policies WHERE tenant_id = ? AND id = ?", tenantID, id)
}

// GrantsToSubjects returns the grants on objects of type ot held by the
// user or any of teamIDs, oldest first.
func (r Reader) GrantsToSubjects(ctx context.Context, tenantID string, ot domain.ObjectType, userID string, teamIDs []string) ([]domain.Grant, error) {
	query := "SELECT " + grantCols + " FROM grants WHERE tenant_id = ? AND object_type = ? AND ((subject_type = 'user' AND subject_id = ?)"
	args := []any{tenantID, string(ot), userID}
	if len(teamIDs) > 0 {
		query += " OR (subject_type = 'team' AND subject_id IN (" + placeholders(len(teamIDs)) + "))"
		for _, id := range teamIDs {
			args = append(args, id)
		}
	}
	query += ") ORDER BY created_at, id"
	return listAll(ctx, r, "grants", scanGrant, query, args...)
}
