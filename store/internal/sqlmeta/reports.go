package sqlmeta

import (
	"context"
	"fmt"

	"github.com/conductor/reports/domain"
)

const reportCols = "id, tenant_id, name, description, query_json, params_json, owner_id, coalesce(team_id, ''), " +
	"coalesce(customer_id, ''), visibility, scope_json, version, created_at, updated_at"

func scanReport(s scanner) (*domain.Report, error) {
	var (
		r                    domain.Report
		query, params, scope string
	)
	if err := s.Scan(&r.ID, &r.TenantID, &r.Name, &r.Description, &query, &params, &r.OwnerID, &r.TeamID,
		&r.CustomerID, &r.Visibility, &scope, &r.Version, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return nil, err
	}
	for _, c := range []struct {
		dst *[]byte
		raw string
	}{{(*[]byte)(&r.QueryJSON), query}, {(*[]byte)(&r.ParamsJSON), params}, {(*[]byte)(&r.ScopeJSON), scope}} {
		b, err := domain.CanonicalJSON([]byte(c.raw))
		if err != nil {
			return nil, fmt.Errorf("report %s: %w", r.ID, err)
		}
		*c.dst = b
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return &r, nil
}

// GetReport returns the report id of tenantID.
func (r Reader) GetReport(ctx context.Context, tenantID, id string) (*domain.Report, error) {
	return getOne(ctx, r, "report", scanReport,
		"SELECT "+reportCols+" FROM reports WHERE tenant_id = ? AND id = ?", tenantID, id)
}

// CreateReport inserts rp; its owner, team and customer must exist in its
// tenant.
func (x *Tx) CreateReport(ctx context.Context, rp *domain.Report) error {
	if err := x.requireRefs(ctx, rp.TenantID, ownedRefs(rp.OwnerID, rp.TeamID, rp.CustomerID)...); err != nil {
		return err
	}
	_, err := x.exec(ctx, "INSERT INTO reports (id, tenant_id, name, description, query_json, params_json, owner_id, team_id, "+
		"customer_id, visibility, scope_json, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		rp.ID, rp.TenantID, rp.Name, rp.Description, jsonText(rp.QueryJSON), jsonText(rp.ParamsJSON), rp.OwnerID,
		nullable(rp.TeamID), nullable(rp.CustomerID), string(rp.Visibility), jsonText(rp.ScopeJSON), rp.Version,
		x.d.timeArg(rp.CreatedAt), x.d.timeArg(rp.UpdatedAt))
	if err != nil {
		return x.d.writeErr(err, "create report "+rp.ID, "report id is taken", "tenant_id")
	}
	return nil
}
