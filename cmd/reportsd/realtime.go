package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/conductor/reports/actors"
	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// startRealtime starts the widget feeds and sessions over dash: every
// subscription is decided by app.Dashboards.WidgetTarget (permissions,
// scope, global filters) and every feed query runs through
// Dashboards.RunWidget (cache and rollup aware). Dashboard changes reach
// open sessions through the listener; change notices through the
// pipeline, after the result cache has been invalidated; both also reach
// the other nodes of a cluster through the control topic.
func startRealtime(system *actors.System, cfg Config, dash *app.Dashboards, pipe *pipeline, log *slog.Logger) (*actors.Realtime, error) {
	resolve := func(ctx context.Context, p domain.Principal, dashboardID, widgetID string, filters map[string][]string) (actors.FeedSpec, error) {
		f, err := app.ParseGlobalFilters(filters)
		if err != nil {
			return actors.FeedSpec{}, err
		}
		t, err := dash.WidgetTarget(ctx, p, dashboardID, widgetID, f)
		if err != nil {
			return actors.FeedSpec{}, err
		}
		spec := actors.FeedSpec{Key: t.FeedKey, TenantID: p.TenantID, DashboardID: dashboardID, WidgetID: widgetID,
			Source: t.Request.Query.Source, KeyColumns: len(t.Request.Query.Groups),
			Every: time.Duration(t.Widget.RefreshIntervalSec) * time.Second,
			Run:   func(ctx context.Context) (*app.QueryResult, error) { return dash.RunWidget(ctx, t) }}
		if wc, err := domain.ParseWidgetConfig(t.Widget.ConfigJSON); err == nil {
			spec.ReportID = wc.ReportID
		}
		return spec, nil
	}
	rt, err := actors.NewRealtime(system, actors.RealtimeConfig{Coalesce: cfg.RealtimeCoalesce, FeedIdle: cfg.RealtimeFeedIdle,
		Outbox: cfg.RealtimeOutbox, MaxLag: cfg.RealtimeMaxLag, Heartbeat: cfg.RealtimeHeartbeat}, resolve, log)
	if err != nil {
		return nil, err
	}
	dash.SetListener(dashboardSignals{p: pipe})
	pipe.realtime.Store(rt)
	return rt, nil
}
