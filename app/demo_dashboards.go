package app

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/conductor/reports/domain"
)

// demoWidget is one ready-made widget: its kind, config_json and place on
// the large (12-column) and small (6-column) grids.
type demoWidget struct {
	typ    domain.WidgetType
	viz    domain.Viz
	title  string
	config string
	lg, sm [4]int // x, y, w, h
}

// demoNOC is the "NOC" dashboard of the demo tenant: what a network
// operations centre keeps on the wall. Field values are the demo
// generator's (app/demogen): ticket statuses open..closed, work orders
// planned/in_progress, expense status rejected.
var demoNOC = []demoWidget{
	{domain.WidgetKPI, domain.VizKPI, "Open tickets",
		`{"query":{"source":"tickets","metrics":[{"agg":"count","as":"open"}],
		  "filters":[{"field":"status","op":"NOT_IN","value":["resolved","closed"]}]},
		  "kpi":{"metric":"open","target":40,"direction":"lower_is_better",
		  "thresholds":[{"value":0,"level":"ok"},{"value":60,"level":"warn"},{"value":100,"level":"crit"}],
		  "sparkline":{"field":"created_at","granularity":"day","points":14}}}`,
		[4]int{0, 0, 3, 3}, [4]int{0, 0, 3, 3}},
	{domain.WidgetKPI, domain.VizKPI, "SLA breaches today",
		`{"query":{"source":"slas","metrics":[{"agg":"count","as":"breaches"}],"time_zone":"America/Sao_Paulo",
		  "filters":[{"field":"breached","op":"==","value":true},{"field":"breached_at","op":">=","value":"start_of_day"}]},
		  "kpi":{"metric":"breaches","target":0,"direction":"lower_is_better",
		  "thresholds":[{"value":0,"level":"ok"},{"value":1,"level":"warn"},{"value":5,"level":"crit"}]}}`,
		[4]int{3, 0, 3, 3}, [4]int{3, 0, 3, 3}},
	{domain.WidgetChart, domain.VizBar, "Tickets by status",
		`{"query":{"source":"tickets","metrics":[{"agg":"count","as":"tickets"}],"groups":[{"field":"status"}],
		  "order":[{"by":"tickets","dir":"desc"}]},"options":{"orientation":"horizontal"}}`,
		[4]int{6, 0, 6, 4}, [4]int{0, 3, 6, 4}},
	// Hour buckets with their day: the heatmap folds them into weekday x
	// hour of day (the query model has no weekday extraction).
	{domain.WidgetChart, domain.VizHeatmap, "Tickets by hour and weekday",
		`{"query":{"source":"tickets","metrics":[{"agg":"count","as":"tickets"}],"time_zone":"America/Sao_Paulo",
		  "groups":[{"field":"created_at","granularity":"day","as":"day"},{"field":"created_at","granularity":"hour","as":"hour"}],
		  "filters":[{"field":"created_at","op":">=","value":"start_of_day-6d"}],"limit":500},
		  "options":{"x":"hour","y":"day","fold":{"x":"hour_of_day","y":"weekday"}}}`,
		[4]int{0, 3, 6, 5}, [4]int{0, 7, 6, 5}},
	{domain.WidgetChart, domain.VizTreemap, "Expenses by cost centre",
		`{"query":{"source":"expenses","metrics":[{"agg":"sum","field":"amount","as":"amount"}],
		  "groups":[{"field":"cost_center_id"},{"field":"category"}],
		  "filters":[{"field":"status","op":"!=","value":"rejected"}],"order":[{"by":"amount","dir":"desc"}]},
		  "options":{"currency":"BRL"},"hierarchy":"cost"}`,
		[4]int{6, 4, 6, 5}, [4]int{0, 12, 6, 5}},
	{domain.WidgetTable, domain.VizTable, "Maintenance backlog",
		`{"query":{"source":"maintenance","metrics":[{"agg":"count","as":"orders"}],
		  "groups":[{"field":"site_id"},{"field":"status"}],
		  "filters":[{"field":"status","op":"IN","value":["planned","in_progress"]}],
		  "subtotals":["site_id"],"totals":true,"order":[{"by":"site_id"}]},
		  "options":{"pivot":{"rows":["site_id"],"columns":["status"],"values":["orders"]}}}`,
		[4]int{0, 8, 6, 5}, [4]int{0, 17, 6, 5}},
}

// ensureDemoDashboards creates the demo tenant's ready-made dashboards
// when it has none, owned by the demo admin, in tx.
func (b *Bootstrap) ensureDemoDashboards(ctx context.Context, tx MetaTx, tenantID string) error {
	if _, n, err := tx.ListDashboards(ctx, domain.DashboardFilter{TenantID: tenantID, Limit: 1}); err != nil || n > 0 {
		return err
	}
	owner, err := tx.GetUserByEmail(ctx, DemoUsers[0].Email)
	if err != nil || owner.TenantID != tenantID {
		return fmt.Errorf("demo dashboards: no demo admin: %w", err)
	}
	now := b.now()
	d, err := domain.NewDashboard(NewID(), tenantID, owner.ID, "NOC", domain.VisibilityPublic, now)
	if err != nil {
		return err
	}
	d.Description, d.RealtimeEnabled = "Network operations centre: live tickets, SLAs, costs and maintenance.", true
	if err := d.SetAudience(domain.VisibilityPublic, demoStructure.teams[0][0], ""); err != nil {
		return err
	}
	if err := d.SetFilters(json.RawMessage(`{"date_range":{"presets":["today","last_24h","last_7d","last_30d","this_month"],"default":"last_7d"},
		"dimensions":["customer","site","team","contract","cost_center"]}`)); err != nil {
		return err
	}
	widgets, layout, err := demoWidgets(d, now)
	if err != nil {
		return err
	}
	if err := d.SetLayout(layout.JSON()); err != nil {
		return err
	}
	if err := tx.CreateDashboard(ctx, d); err != nil {
		return fmt.Errorf("demo dashboard: %w", err)
	}
	for _, w := range widgets {
		if err := tx.CreateWidget(ctx, w); err != nil {
			return fmt.Errorf("demo widget %q: %w", w.Title, err)
		}
	}
	return appendAudit(ctx, tx, now, &Change{TenantID: tenantID, Action: "demo.dashboards", ObjectType: "dashboard", ObjectID: d.ID, After: DashboardView(d)})
}

// demoWidgets builds the NOC widgets on d and their layout.
func demoWidgets(d *domain.Dashboard, now time.Time) ([]*domain.Widget, domain.Layout, error) {
	layout := domain.Layout{"lg": {}, "sm": {}}
	var out []*domain.Widget
	for i, dw := range demoNOC {
		w, err := domain.NewWidget(NewID(), d.TenantID, d.ID, dw.typ, dw.viz, now)
		if err != nil {
			return nil, nil, err
		}
		w.Title, w.Position = dw.title, i
		cfg, err := domain.ParseWidgetConfig(json.RawMessage(dw.config))
		if err != nil {
			return nil, nil, fmt.Errorf("demo widget %q: %w", dw.title, err)
		}
		w.ConfigJSON, w.RealtimeChannel = cfg.JSON(), cfg.Query.Source
		out = append(out, w)
		for bp, p := range map[string][4]int{"lg": dw.lg, "sm": dw.sm} {
			layout[bp] = append(layout[bp], domain.GridItem{I: w.ID, X: p[0], Y: p[1], W: p[2], H: p[3]})
		}
	}
	return out, layout, nil
}
