package app

import (
	"context"
	"encoding/json"

	"github.com/conductor/reports/domain"
)

// WidgetCmd creates a widget on a dashboard.
type WidgetCmd struct {
	DashboardID        string
	Type               string
	Viz                string
	Title              string
	Config             json.RawMessage
	Position           int
	RefreshIntervalSec int
}

// WidgetPatch changes a widget; nil fields stay as they are. A new type
// revalidates the stored config against it.
type WidgetPatch struct {
	Type               *string
	Viz                *string
	Title              *string
	Config             json.RawMessage
	Position           *int
	RefreshIntervalSec *int
}

// CreateWidget adds a widget to a dashboard p may edit.
func (s *Dashboards) CreateWidget(ctx context.Context, p domain.Principal, cmd WidgetCmd) (*domain.Widget, error) {
	now := s.now()
	var w *domain.Widget
	change := &Change{TenantID: p.TenantID, UserID: p.UserID, Action: "widget.create", ObjectType: "widget"}
	err := audited(ctx, s.meta, now, change, func(tx MetaTx) error {
		if cmd.DashboardID == "" {
			return domain.Invalid("dashboard_id", "is required")
		}
		d, err := load(ctx, tx, p, cmd.DashboardID, domain.ActionEdit)
		if err != nil {
			return err
		}
		if w, err = domain.NewWidget(NewID(), p.TenantID, d.ID, domain.WidgetType(cmd.Type), domain.Viz(cmd.Viz), now); err != nil {
			return err
		}
		patch := WidgetPatch{Title: &cmd.Title, Config: cmd.Config, Position: &cmd.Position, RefreshIntervalSec: &cmd.RefreshIntervalSec}
		if patch.Config == nil {
			patch.Config = json.RawMessage(`{}`)
		}
		if err := s.applyWidget(ctx, tx, p, w, patch); err != nil {
			return err
		}
		change.ObjectID, change.After = w.ID, WidgetView(w)
		return tx.CreateWidget(ctx, w)
	})
	if err != nil {
		return nil, err
	}
	s.changed(w.TenantID, w.DashboardID, false)
	return w, nil
}

// UpdateWidget changes a widget of a dashboard p may edit, if the widget is
// still at version.
func (s *Dashboards) UpdateWidget(ctx context.Context, p domain.Principal, id string, version int64, patch WidgetPatch) (*domain.Widget, error) {
	if err := requireVersion(version); err != nil {
		return nil, err
	}
	now := s.now()
	var w *domain.Widget
	change := &Change{TenantID: p.TenantID, UserID: p.UserID, Action: "widget.update", ObjectType: "widget", ObjectID: id}
	err := audited(ctx, s.meta, now, change, func(tx MetaTx) error {
		var err error
		if w, _, err = loadWidget(ctx, tx, p, id, domain.ActionEdit); err != nil {
			return err
		}
		change.Before = WidgetView(w)
		if (patch.Type != nil || patch.Viz != nil) && patch.Config == nil {
			patch.Config = w.ConfigJSON // the config must fit the new type
		}
		if err := s.applyWidget(ctx, tx, p, w, patch); err != nil {
			return err
		}
		w.UpdatedAt = now.UTC()
		if err := tx.UpdateWidget(ctx, w, version); err != nil {
			return err
		}
		change.After = WidgetView(w)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.changed(w.TenantID, w.DashboardID, false)
	return w, nil
}

// DeleteWidget removes a widget of a dashboard p may edit; version > 0
// must be the current one.
func (s *Dashboards) DeleteWidget(ctx context.Context, p domain.Principal, id string, version int64) error {
	var dashboardID string
	change := &Change{TenantID: p.TenantID, UserID: p.UserID, Action: "widget.delete", ObjectType: "widget", ObjectID: id}
	err := audited(ctx, s.meta, s.now(), change, func(tx MetaTx) error {
		w, _, err := loadWidget(ctx, tx, p, id, domain.ActionEdit)
		if err != nil {
			return err
		}
		dashboardID, change.Before = w.DashboardID, WidgetView(w)
		return tx.DeleteWidget(ctx, p.TenantID, id, version)
	})
	if err != nil {
		return err
	}
	s.changed(p.TenantID, dashboardID, false)
	return nil
}

// loadWidget reads p's tenant's widget id and its dashboard, and checks p
// may do a to the dashboard. A widget whose dashboard p may not see is not
// found.
func loadWidget(ctx context.Context, r MetaReader, p domain.Principal, id string, a domain.Action) (*domain.Widget, *domain.Dashboard, error) {
	if p.Kind != domain.PrincipalUser || p.TenantID == "" {
		return nil, nil, domain.NotFound("widget")
	}
	w, err := r.GetWidget(ctx, p.TenantID, id)
	if err != nil {
		return nil, nil, err
	}
	d, err := load(ctx, r, p, w.DashboardID, a)
	if domain.IsCode(err, domain.CodeNotFound) {
		return nil, nil, domain.NotFound("widget")
	}
	if err != nil {
		return nil, nil, err
	}
	return w, d, nil
}

// applyWidget validates and applies patch to w. A config naming a report
// needs a report p may view; the report's query then checks the
// hierarchy and KPI metric.
func (s *Dashboards) applyWidget(ctx context.Context, r MetaReader, p domain.Principal, w *domain.Widget, patch WidgetPatch) error {
	typ, viz := w.Type, w.Viz
	if patch.Type != nil {
		typ = domain.WidgetType(*patch.Type)
	}
	if patch.Viz != nil {
		viz = domain.Viz(*patch.Viz)
	}
	if err := w.SetKind(typ, viz); err != nil {
		return err
	}
	if patch.Title != nil {
		if err := w.SetTitle(*patch.Title); err != nil {
			return err
		}
	}
	if patch.Position != nil {
		if err := w.SetPosition(*patch.Position); err != nil {
			return err
		}
	}
	if patch.RefreshIntervalSec != nil {
		if err := w.SetRefreshInterval(*patch.RefreshIntervalSec); err != nil {
			return err
		}
	}
	if patch.Config == nil {
		return nil
	}
	cfg, err := domain.ParseWidgetConfig(patch.Config)
	if err != nil {
		return err
	}
	var reportQuery *domain.Query
	if cfg.ReportID != "" && w.Type != domain.WidgetText {
		if reportQuery, err = s.viewableReport(ctx, r, p, cfg.ReportID); err != nil {
			return err
		}
	}
	if cfg, err = w.SetConfig(patch.Config, s.cat, reportQuery); err != nil {
		return err
	}
	// The realtime layer feeds a widget from the change notices of its
	// source.
	w.RealtimeChannel = ""
	if q := cfg.Query; q != nil {
		w.RealtimeChannel = q.Source
	} else if reportQuery != nil {
		w.RealtimeChannel = reportQuery.Source
	}
	return nil
}

// viewableReport loads a report p may view and decodes its query. A report
// p may not see reads as unknown, so its existence does not leak.
func (s *Dashboards) viewableReport(ctx context.Context, r MetaReader, p domain.Principal, id string) (*domain.Query, error) {
	unknown := domain.Invalid("config.report_id", "unknown report")
	rep, err := r.GetReport(ctx, p.TenantID, id)
	if domain.IsCode(err, domain.CodeNotFound) {
		return nil, unknown
	}
	if err != nil {
		return nil, err
	}
	teams, err := audienceTeams(ctx, r, rep.TenantID, rep.OwnerID, rep.TeamID)
	if err != nil {
		return nil, err
	}
	grants, err := r.ListGrants(ctx, rep.TenantID, domain.ObjectReport, rep.ID)
	if err != nil {
		return nil, err
	}
	if domain.Can(p, domain.ActionView, rep.Resource(teams, grants)) != nil {
		return nil, unknown
	}
	return reportQuery(rep)
}

// reportQuery decodes a report's query_json.
func reportQuery(rep *domain.Report) (*domain.Query, error) {
	var q domain.Query
	if err := json.Unmarshal(rep.QueryJSON, &q); err != nil {
		return nil, domain.Invalid("config.report_id", "the report's query is not a query_json")
	}
	return &q, nil
}
