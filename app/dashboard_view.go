package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"github.com/conductor/reports/domain"
)

// WidgetTarget is one widget as one viewer sees it: the dashboard and
// widget definitions and the effective query that feeds it.
type WidgetTarget struct {
	Dashboard *domain.Dashboard
	Widget    *domain.Widget
	Request   QueryRequest // the effective query: widget query AND tenant AND principal scope AND filters
	FeedKey   string       // hash of tenant + widget id + widget version + normalised effective scope + filters key: sessions sharing it share one feed
}

// WidgetTarget authorises p to view the dashboard, loads the widget (must belong to it) and builds the effective query.
func (s *Dashboards) WidgetTarget(ctx context.Context, p domain.Principal, dashboardID, widgetID string, f GlobalFilters) (*WidgetTarget, error) {
	d, err := load(ctx, s.meta, p, dashboardID, domain.ActionView)
	if err != nil {
		return nil, err
	}
	w, err := s.meta.GetWidget(ctx, p.TenantID, widgetID)
	if err != nil {
		return nil, err
	}
	if w.DashboardID != d.ID {
		return nil, domain.NotFound("widget")
	}
	return s.target(ctx, p, d, w, f)
}

// RunWidget runs a target's request through Queries (cache/rollup aware) with now = the clock at call time.
func (s *Dashboards) RunWidget(ctx context.Context, t *WidgetTarget) (*QueryResult, error) {
	req := t.Request
	req.Now = s.now()
	return s.queries.RunRequest(ctx, req)
}

// target builds the effective query of w (on d, which p may view) for p
// with filters f.
func (s *Dashboards) target(ctx context.Context, p domain.Principal, d *domain.Dashboard, w *domain.Widget, f GlobalFilters) (*WidgetTarget, error) {
	q, err := s.widgetQuery(ctx, w)
	if err != nil {
		return nil, err
	}
	src, _ := s.cat.Source(q.Source) // validated: the source exists
	eq, scope := f.narrow(q, src, p.Scope)
	if err := eq.Validate(s.cat); err != nil {
		return nil, err
	}
	loc, err := QueryLocation(eq)
	if err != nil {
		return nil, err
	}
	req := QueryRequest{Query: eq, TenantID: p.TenantID, Scope: scope, Location: loc}
	return &WidgetTarget{Dashboard: d, Widget: w, Request: req, FeedKey: feedKey(req, w, f)}, nil
}

// widgetQuery returns w's own query, or its report's, validated against
// the catalogue as it is today (a catalogue change can break a saved
// widget; it then answers its own error).
func (s *Dashboards) widgetQuery(ctx context.Context, w *domain.Widget) (*domain.Query, error) {
	cfg, err := domain.ParseWidgetConfig(w.ConfigJSON)
	if err != nil {
		return nil, err
	}
	if w.Type == domain.WidgetText {
		return nil, domain.Invalid("type", "a text widget has no data")
	}
	q := cfg.Query
	if q == nil && cfg.ReportID != "" {
		// The dashboard's author could view the report when binding it;
		// viewers of the dashboard see it through the dashboard.
		rep, err := s.meta.GetReport(ctx, w.TenantID, cfg.ReportID)
		if domain.IsCode(err, domain.CodeNotFound) {
			return nil, domain.Invalid("config.report_id", "the widget's report no longer exists")
		}
		if err != nil {
			return nil, err
		}
		if q, err = reportQuery(rep); err != nil {
			return nil, err
		}
	}
	if q == nil {
		return nil, domain.Invalid("config.query", "the widget has no query")
	}
	if err := q.Validate(s.cat); err != nil {
		return nil, domain.PrefixProblems(err, "config.query.")
	}
	return q, nil
}

// feedKey identifies a feed: sessions whose widget, version, effective
// scope and filters agree see the same rows, so they can share one. The
// effective query is in it too, so a changed report behind the widget
// does not reuse a stale feed.
func feedKey(req QueryRequest, w *domain.Widget, f GlobalFilters) string {
	b, _ := json.Marshal(struct {
		T string
		W string
		V int64
		S domain.Scope
		F string
		Q *domain.Query
	}{req.TenantID, w.ID, w.Version, req.Scope.Normalize(), f.Key(), req.Query})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// WidgetData is one widget of a viewed dashboard: its result, or the error
// that widget alone failed with. Text widgets have neither.
type WidgetData struct {
	Widget  domain.Widget
	Result  *QueryResult
	Err     error
	Elapsed time.Duration // building and running its query
}

// ViewedDashboard is a dashboard with every widget's data for one viewer.
type ViewedDashboard struct {
	Dashboard *domain.Dashboard
	Widgets   []WidgetData
}

// viewParallelism bounds the widget queries of one view running at once:
// enough to overlap them, few enough not to starve other requests.
const viewParallelism = 4

// View returns dashboard id with the data of each widget for p, with p's
// scope and filters f. One failing widget carries its own error and does
// not fail the others.
func (s *Dashboards) View(ctx context.Context, p domain.Principal, id string, f GlobalFilters) (*ViewedDashboard, error) {
	d, err := load(ctx, s.meta, p, id, domain.ActionView)
	if err != nil {
		return nil, err
	}
	ws, err := s.meta.ListWidgets(ctx, p.TenantID, d.ID)
	if err != nil {
		return nil, err
	}
	out := &ViewedDashboard{Dashboard: d, Widgets: make([]WidgetData, len(ws))}
	sem := make(chan struct{}, viewParallelism)
	var wg sync.WaitGroup
	for i := range ws {
		out.Widgets[i].Widget = ws[i]
		if ws[i].Type == domain.WidgetText {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(wd *WidgetData) {
			defer func() { <-sem; wg.Done() }()
			start := time.Now()
			t, err := s.target(ctx, p, d, &wd.Widget, f)
			if err == nil {
				wd.Result, err = s.RunWidget(ctx, t)
			}
			wd.Err, wd.Elapsed = err, time.Since(start)
		}(&out.Widgets[i])
	}
	wg.Wait()
	return out, nil
}

// Sparkline is the recent trend of a KPI widget as viewer p sees it: the
// widget's effective query (scope and filters included) grouped by the
// sparkline's time field and granularity over its last Points buckets up
// to the current one, in time order. Buckets without data count zero for
// additive metrics (count, sum, count_distinct) and are left out for the
// others, whose empty value is not zero.
func (s *Dashboards) Sparkline(ctx context.Context, p domain.Principal, id string, f GlobalFilters) (*QueryResult, error) {
	w, d, err := loadWidget(ctx, s.meta, p, id, domain.ActionView)
	if err != nil {
		return nil, err
	}
	cfg, err := domain.ParseWidgetConfig(w.ConfigJSON)
	if err != nil {
		return nil, err
	}
	if cfg.KPI == nil || cfg.KPI.Sparkline == nil {
		return nil, domain.Invalid("config.kpi.sparkline", "this widget has no sparkline")
	}
	t, err := s.target(ctx, p, d, w, f)
	if err != nil {
		return nil, err
	}
	src, _ := s.cat.Source(t.Request.Query.Source)
	sp := cfg.KPI.Sparkline.Resolved(src)
	q := *t.Request.Query
	metric := cfg.KPI.Metric
	if metric == "" && len(q.Metrics) > 0 {
		metric = q.Metrics[0].As
	}
	// Only the KPI's metric and what a ratio of it needs.
	q.Metrics = slices.DeleteFunc(slices.Clone(q.Metrics), func(m domain.Metric) bool {
		return m.As != metric && !slices.ContainsFunc(q.Metrics, func(r domain.Metric) bool {
			return r.As == metric && (r.Num == m.As || r.Den == m.As)
		})
	})
	now := s.now()
	buckets := sparkBuckets(now.In(t.Request.Location), sp.Granularity, sp.Points)
	const bucket = "bucket"
	q.Groups = []domain.Group{{Field: sp.Field, Granularity: sp.Granularity, As: bucket}}
	q.Filters = append(slices.Clone(q.Filters), domain.Filter{Field: sp.Field, Op: ">=", Value: buckets[0].UTC().Format(time.RFC3339Nano)})
	q.Order = []domain.Order{{By: bucket}}
	q.Limit, q.Offset = sp.Points+1, 0
	q.Totals, q.Subtotal, q.Compare = false, nil, ""
	if err := q.Validate(s.cat); err != nil {
		return nil, err
	}
	req := t.Request
	req.Query, req.Now = &q, now
	res, err := s.queries.RunRequest(ctx, req)
	if err != nil {
		return nil, err
	}
	out := *res
	if i := slices.IndexFunc(q.Metrics, func(m domain.Metric) bool { return m.As == metric }); i >= 0 &&
		q.Metrics[i].EmptyIsZero() && len(res.Columns) == 2 {
		out.Rows = zeroFill(buckets, res.Rows)
	}
	return &out, nil
}

// sparkBuckets are the starts of the n buckets of grain ending with the
// one now falls in, oldest first, in now's zone (weeks start on Monday, as
// the query engines bucket them).
func sparkBuckets(now time.Time, grain string, n int) []time.Time {
	loc := now.Location()
	y, m, d := now.Date()
	var cur time.Time
	switch grain {
	case "hour":
		cur = time.Date(y, m, d, now.Hour(), 0, 0, 0, loc)
	case "week":
		cur = time.Date(y, m, d-(int(now.Weekday())+6)%7, 0, 0, 0, 0, loc)
	case "month":
		cur = time.Date(y, m, 1, 0, 0, 0, 0, loc)
	default:
		cur = time.Date(y, m, d, 0, 0, 0, 0, loc)
	}
	out := make([]time.Time, n)
	for i := n - 1; i >= 0; i-- {
		out[i] = cur
		cy, cm, cd := cur.Date()
		switch grain {
		case "hour":
			cur = cur.Add(-time.Hour)
		case "week":
			cur = time.Date(cy, cm, cd-7, 0, 0, 0, 0, loc)
		case "month":
			cur = time.Date(cy, cm-1, 1, 0, 0, 0, 0, loc)
		default:
			cur = time.Date(cy, cm, cd-1, 0, 0, 0, 0, loc)
		}
	}
	return out
}

// zeroFill returns one [bucket, value] row per bucket, zero where rows has
// none; a row whose bucket is not among them (a zone transition the
// engine bucketed otherwise) is kept, in time order.
func zeroFill(buckets []time.Time, rows [][]any) [][]any {
	at := map[int64][]any{}
	for _, r := range rows {
		if k, ok := instant(r[0]); ok {
			at[k.UnixNano()] = r
		}
	}
	out := make([][]any, 0, len(buckets))
	for _, b := range buckets {
		if r, ok := at[b.UnixNano()]; ok {
			out = append(out, r)
			delete(at, b.UnixNano())
			continue
		}
		out = append(out, []any{b.UTC(), int64(0)})
	}
	for _, r := range at {
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b []any) int {
		x, _ := instant(a[0])
		y, _ := instant(b[0])
		return x.Compare(y)
	})
	return out
}

// instant reads a time bucket as the stores return it.
func instant(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, true
	case string:
		p, err := time.Parse(time.RFC3339Nano, t)
		return p, err == nil
	}
	return time.Time{}, false
}

// Drill runs the drill-down of widget id one level along its hierarchy,
// through the clicked path, with p's scope and filters f like its view.
// It returns the query that ran, so the client can show and go on from it.
func (s *Dashboards) Drill(ctx context.Context, p domain.Principal, id string, path []domain.PathStep, f GlobalFilters) (*domain.Query, *QueryResult, error) {
	w, d, err := loadWidget(ctx, s.meta, p, id, domain.ActionView)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := domain.ParseWidgetConfig(w.ConfigJSON)
	if err != nil {
		return nil, nil, err
	}
	if cfg.Hierarchy == "" {
		return nil, nil, domain.Invalid("hierarchy", "this widget has no drill-down hierarchy")
	}
	t, err := s.target(ctx, p, d, w, f)
	if err != nil {
		return nil, nil, err
	}
	next, err := t.Request.Query.DrillDown(s.cat, cfg.Hierarchy, path, t.Request.Location)
	if err != nil {
		return nil, nil, err
	}
	req := t.Request
	req.Query, req.Now = next, s.now()
	res, err := s.queries.RunRequest(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	return next, res, nil
}
