package sqlmeta

import (
	"context"
	"fmt"

	"github.com/conductor/reports/domain"
)

const widgetCols = "id, tenant_id, dashboard_id, type, viz, title, config_json, position, refresh_interval_sec, " +
	"realtime_channel, version, created_at, updated_at"

func scanWidget(s scanner) (*domain.Widget, error) {
	var (
		w      domain.Widget
		config string
	)
	if err := s.Scan(&w.ID, &w.TenantID, &w.DashboardID, &w.Type, &w.Viz, &w.Title, &config, &w.Position,
		&w.RefreshIntervalSec, &w.RealtimeChannel, &w.Version, &w.CreatedAt, &w.UpdatedAt); err != nil {
		return nil, err
	}
	var err error
	if w.ConfigJSON, err = domain.CanonicalJSON([]byte(config)); err != nil {
		return nil, fmt.Errorf("widget %s config: %w", w.ID, err)
	}
	w.CreatedAt, w.UpdatedAt = w.CreatedAt.UTC(), w.UpdatedAt.UTC()
	return &w, nil
}

// GetWidget returns the widget id of tenantID.
func (r Reader) GetWidget(ctx context.Context, tenantID, id string) (*domain.Widget, error) {
	return getOne(ctx, r, "widget", scanWidget,
		"SELECT "+widgetCols+" FROM widgets WHERE tenant_id = ? AND id = ?", tenantID, id)
}

// ListWidgets returns the widgets of a dashboard of tenantID by position,
// then creation.
func (r Reader) ListWidgets(ctx context.Context, tenantID, dashboardID string) ([]domain.Widget, error) {
	return listAll(ctx, r, "widgets", scanWidget,
		"SELECT "+widgetCols+" FROM widgets WHERE tenant_id = ? AND dashboard_id = ? ORDER BY position, created_at, id",
		tenantID, dashboardID)
}

// CreateWidget inserts w; its dashboard must exist in its tenant.
func (x *Tx) CreateWidget(ctx context.Context, w *domain.Widget) error {
	if err := x.requireRefs(ctx, w.TenantID, ref{field: "dashboard_id", table: "dashboards", id: w.DashboardID}); err != nil {
		return err
	}
	_, err := x.exec(ctx, "INSERT INTO widgets ("+widgetCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		w.ID, w.TenantID, w.DashboardID, string(w.Type), string(w.Viz), w.Title, jsonText(w.ConfigJSON), w.Position,
		w.RefreshIntervalSec, w.RealtimeChannel, w.Version, x.d.timeArg(w.CreatedAt), x.d.timeArg(w.UpdatedAt))
	if err != nil {
		return x.d.writeErr(err, "create widget "+w.ID, "widget id is taken", "dashboard_id")
	}
	return nil
}

// UpdateWidget stores w's editable fields when the stored version is
// expected, then sets w.Version to the new one.
func (x *Tx) UpdateWidget(ctx context.Context, w *domain.Widget, expected int64) error {
	res, err := x.exec(ctx, `UPDATE widgets SET type = ?, viz = ?, title = ?, config_json = ?, position = ?,
		refresh_interval_sec = ?, realtime_channel = ?, version = version + 1, updated_at = ?
		WHERE tenant_id = ? AND id = ? AND version = ?`,
		string(w.Type), string(w.Viz), w.Title, jsonText(w.ConfigJSON), w.Position, w.RefreshIntervalSec,
		w.RealtimeChannel, x.d.timeArg(w.UpdatedAt), w.TenantID, w.ID, expected)
	if err := x.versioned(ctx, res, err, "widgets", "widget", w.TenantID, w.ID, expected); err != nil {
		return err
	}
	w.Version = expected + 1
	return nil
}

// DeleteWidget removes the widget id of tenantID; expected > 0 must match
// its version.
func (x *Tx) DeleteWidget(ctx context.Context, tenantID, id string, expected int64) error {
	query, args := "DELETE FROM widgets WHERE tenant_id = ? AND id = ?", []any{tenantID, id}
	if expected > 0 {
		query, args = query+" AND version = ?", append(args, expected)
	}
	res, err := x.exec(ctx, query, args...)
	return x.versioned(ctx, res, err, "widgets", "widget", tenantID, id, expected)
}
