package sqlmeta

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/conductor/reports/domain"
)

const dashboardCols = "id, tenant_id, name, description, layout_json, filters_json, owner_id, coalesce(team_id, ''), " +
	"coalesce(customer_id, ''), visibility, realtime_enabled, version, created_at, updated_at"

func scanDashboard(s scanner) (*domain.Dashboard, error) {
	var (
		d               domain.Dashboard
		layout, filters string
	)
	if err := s.Scan(&d.ID, &d.TenantID, &d.Name, &d.Description, &layout, &filters, &d.OwnerID, &d.TeamID,
		&d.CustomerID, &d.Visibility, &d.RealtimeEnabled, &d.Version, &d.CreatedAt, &d.UpdatedAt); err != nil {
		return nil, err
	}
	var err error
	if d.LayoutJSON, err = domain.CanonicalJSON([]byte(layout)); err != nil {
		return nil, fmt.Errorf("dashboard %s layout: %w", d.ID, err)
	}
	if d.FiltersJSON, err = domain.CanonicalJSON([]byte(filters)); err != nil {
		return nil, fmt.Errorf("dashboard %s filters: %w", d.ID, err)
	}
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	return &d, nil
}

// nullable stores an optional reference: NULL when empty, because a
// composite foreign key is only skipped for NULL, never for an empty string.
func nullable(id string) any {
	if id == "" {
		return nil
	}
	return id
}

// jsonText stores a JSON column, '{}' when empty.
func jsonText(m json.RawMessage) string {
	if len(m) == 0 {
		return "{}"
	}
	return string(m)
}

// ownedRefs are the references of an owned object: its owner, and its team
// and customer when set.
func ownedRefs(ownerID, teamID, customerID string) []ref {
	refs := []ref{}
	if ownerID != "" {
		refs = append(refs, ref{field: "owner_id", table: "users", id: ownerID})
	}
	if teamID != "" {
		refs = append(refs, ref{field: "team_id", table: "teams", id: teamID})
	}
	if customerID != "" {
		refs = append(refs, ref{field: "customer_id", table: "customers", id: customerID})
	}
	return refs
}

// GetDashboard returns the dashboard id of tenantID.
func (r Reader) GetDashboard(ctx context.Context, tenantID, id string) (*domain.Dashboard, error) {
	return getOne(ctx, r, "dashboard", scanDashboard,
		"SELECT "+dashboardCols+" FROM dashboards WHERE tenant_id = ? AND id = ?", tenantID, id)
}

// likeEscaper escapes LIKE wildcards so a search is a plain substring.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// ListDashboards returns f.TenantID's dashboards matching f by name, and
// the number of matches ignoring Limit and Offset. The search compares
// lower-cased text (ASCII only on SQLite, Unicode on PostgreSQL).
func (r Reader) ListDashboards(ctx context.Context, f domain.DashboardFilter) ([]domain.Dashboard, int, error) {
	if f.TenantID == "" {
		return nil, 0, domain.Invalid("tenant_id", "is required")
	}
	where := " WHERE tenant_id = ?"
	args := []any{f.TenantID}
	if f.OwnerID != "" {
		where += " AND owner_id = ?"
		args = append(args, f.OwnerID)
	}
	if f.TeamIDs != nil {
		if len(f.TeamIDs) == 0 {
			return []domain.Dashboard{}, 0, nil
		}
		where += " AND team_id IN (" + placeholders(len(f.TeamIDs)) + ")"
		for _, id := range f.TeamIDs {
			args = append(args, id)
		}
	}
	if s := strings.TrimSpace(f.Search); s != "" {
		pat := "%" + likeEscaper.Replace(strings.ToLower(s)) + "%"
		where += ` AND (lower(name) LIKE ? ESCAPE '\' OR lower(description) LIKE ? ESCAPE '\')`
		args = append(args, pat, pat)
	}
	var total int
	if err := r.q.QueryRowContext(ctx, r.d.rebind("SELECT COUNT(*) FROM dashboards"+where), args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count dashboards: %w", err)
	}
	query := "SELECT " + dashboardCols + " FROM dashboards" + where + " ORDER BY lower(name), id"
	if f.Limit > 0 {
		query += " LIMIT ? OFFSET ?"
		args = append(args, f.Limit, max(f.Offset, 0))
	}
	items, err := listAll(ctx, r, "dashboards", scanDashboard, query, args...)
	return items, total, err
}

// CreateDashboard inserts d; its owner, team and customer must exist in
// its tenant.
func (x *Tx) CreateDashboard(ctx context.Context, d *domain.Dashboard) error {
	if err := x.requireRefs(ctx, d.TenantID, ownedRefs(d.OwnerID, d.TeamID, d.CustomerID)...); err != nil {
		return err
	}
	_, err := x.exec(ctx, "INSERT INTO dashboards (id, tenant_id, name, description, layout_json, filters_json, owner_id, team_id, "+
		"customer_id, visibility, realtime_enabled, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		d.ID, d.TenantID, d.Name, d.Description, jsonText(d.LayoutJSON), jsonText(d.FiltersJSON), d.OwnerID,
		nullable(d.TeamID), nullable(d.CustomerID), string(d.Visibility), d.RealtimeEnabled, d.Version,
		x.d.timeArg(d.CreatedAt), x.d.timeArg(d.UpdatedAt))
	if err != nil {
		return x.d.writeErr(err, "create dashboard "+d.ID, "dashboard id is taken", "tenant_id")
	}
	return nil
}

// UpdateDashboard stores d's editable fields (not owner, tenant or
// creation time) when the stored version is expected, then sets d.Version
// to the new one.
func (x *Tx) UpdateDashboard(ctx context.Context, d *domain.Dashboard, expected int64) error {
	if err := x.requireRefs(ctx, d.TenantID, ownedRefs("", d.TeamID, d.CustomerID)...); err != nil {
		return err
	}
	res, err := x.exec(ctx, `UPDATE dashboards SET name = ?, description = ?, layout_json = ?, filters_json = ?, team_id = ?,
		customer_id = ?, visibility = ?, realtime_enabled = ?, version = version + 1, updated_at = ?
		WHERE tenant_id = ? AND id = ? AND version = ?`,
		d.Name, d.Description, jsonText(d.LayoutJSON), jsonText(d.FiltersJSON), nullable(d.TeamID), nullable(d.CustomerID),
		string(d.Visibility), d.RealtimeEnabled, x.d.timeArg(d.UpdatedAt), d.TenantID, d.ID, expected)
	if err := x.versioned(ctx, res, err, "dashboards", "dashboard", d.TenantID, d.ID, expected); err != nil {
		return err
	}
	d.Version = expected + 1
	return nil
}

// DeleteDashboard removes a dashboard, its widgets (by the schema's
// cascade) and its grants (which reference it by a polymorphic id no
// foreign key can cascade).
func (x *Tx) DeleteDashboard(ctx context.Context, tenantID, id string, expected int64) error {
	query, args := "DELETE FROM dashboards WHERE tenant_id = ? AND id = ?", []any{tenantID, id}
	if expected > 0 {
		query, args = query+" AND version = ?", append(args, expected)
	}
	res, err := x.exec(ctx, query, args...)
	if err := x.versioned(ctx, res, err, "dashboards", "dashboard", tenantID, id, expected); err != nil {
		return err
	}
	if _, err := x.exec(ctx, "DELETE FROM grants WHERE tenant_id = ? AND object_type = ? AND object_id = ?",
		tenantID, string(domain.ObjectDashboard), id); err != nil {
		return fmt.Errorf("delete grants of dashboard %s: %w", id, err)
	}
	return nil
}

// versioned checks the outcome of a version-conditioned write: one row
// changed is success; none is not_found when the row is missing, and a
// *domain.VersionConflictError with the stored version otherwise. table is
// a constant of this package, never input.
func (x *Tx) versioned(ctx context.Context, res sql.Result, err error, table, what, tenantID, id string, expected int64) error {
	if err != nil {
		return x.d.writeErr(err, "write "+what+" "+id, "%s clash", "", what)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("write %s %s: %w", what, id, err)
	}
	if n > 0 {
		return nil
	}
	var current int64
	err = x.q.QueryRowContext(ctx, x.d.rebind("SELECT version FROM "+table+" WHERE tenant_id = ? AND id = ?"), tenantID, id).Scan(&current)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.NotFound(what)
	}
	if err != nil {
		return fmt.Errorf("read %s %s version: %w", what, id, err)
	}
	return &domain.VersionConflictError{What: what, Expected: expected, Current: current}
}
