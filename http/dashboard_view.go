package http

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	hz "github.com/cloudwego/hertz/pkg/app"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// viewJSON is GET /api/dashboards/{id}/view: the definition and each
// widget's data or its own error.
type viewJSON struct {
	Dashboard app.DashboardJSON `json:"dashboard"`
	Filters   filtersJSON       `json:"filters"`
	Widgets   []viewWidgetJSON  `json:"widgets"`
}

// filtersJSON echoes the global filters that applied.
type filtersJSON struct {
	From string                        `json:"from,omitempty"`
	To   string                        `json:"to,omitempty"`
	Dims map[domain.Dimension][]string `json:"dims,omitempty"`
}

type viewWidgetJSON struct {
	app.WidgetJSON
	Data  *queryResponse `json:"data,omitempty"`
	Error *ErrorDetail   `json:"error,omitempty"`
}

// queryArgs returns the request's query string as a map.
func queryArgs(c *hz.RequestContext) map[string][]string {
	out := map[string][]string{}
	c.QueryArgs().VisitAll(func(k, v []byte) {
		out[string(k)] = append(out[string(k)], string(v))
	})
	return out
}

// viewDashboard serves a dashboard with every widget's data for the
// viewer, narrowed by the global filters of the query string.
func (s *Server) viewDashboard(ctx context.Context, c *hz.RequestContext) {
	f, err := app.ParseGlobalFilters(queryArgs(c))
	if err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	v, err := s.deps.Dashboards.View(ctx, principalFrom(ctx), c.Param("id"), f)
	if err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	out := viewJSON{Dashboard: app.DashboardView(v.Dashboard), Filters: filtersJSON(f), Widgets: make([]viewWidgetJSON, len(v.Widgets))}
	for i := range v.Widgets {
		wd := &v.Widgets[i]
		out.Widgets[i] = viewWidgetJSON{WidgetJSON: app.WidgetView(&wd.Widget)}
		switch {
		case wd.Err != nil:
			out.Widgets[i].Error = s.widgetError(ctx, c, wd.Widget.ID, wd.Err)
		case wd.Result != nil:
			data := resultJSON(nil, wd.Result, wd.Elapsed)
			out.Widgets[i].Data = &data
		}
	}
	c.JSON(200, out)
}

// widgetError is one widget's failure as the client sees it; internal
// errors are logged here, once, and their text stays on the server.
func (s *Server) widgetError(ctx context.Context, c *hz.RequestContext, widgetID string, err error) *ErrorDetail {
	var de *domain.Error
	if !errors.As(err, &de) || de.Code == domain.CodeInternal {
		s.log.ErrorContext(ctx, "widget failed", "err", err, "widget_id", widgetID, "request_id", requestID(c))
		d := internalDetail(c)
		return &d
	}
	d := detailOf(c, de)
	return &d
}

// resultJSON renders a query result; ran is the query that ran, when the
// client needs it (drill-down).
func resultJSON(ran *domain.Query, res *app.QueryResult, elapsed time.Duration) queryResponse {
	return queryResponse{Columns: res.Columns, Rows: res.Rows, Totals: res.Totals, Subtotals: res.Subtotals,
		Compare: res.Compare, Query: ran, Meta: queryMeta{Route: res.Route, Cache: cacheState(res.Cache),
			SQLMS: float64(elapsed.Microseconds()) / 1000, Rows: len(res.Rows)}}
}

// drillStep is one clicked value: the level's field ("created_at:month"
// for time levels) and the value.
type drillStep struct {
	Field string `json:"field"`
	Value any    `json:"value"`
}

type widgetDrillRequest struct {
	Path    []drillStep     `json:"path"`
	Filters json.RawMessage `json:"filters"`
}

// widgetSparkline answers GET /api/widgets/{id}/sparkline?<global filters>:
// a KPI's recent trend under the viewer's scope and the dashboard filters.
func (s *Server) widgetSparkline(ctx context.Context, c *hz.RequestContext) {
	f, err := app.ParseGlobalFilters(queryArgs(c))
	if err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	start := time.Now()
	res, err := s.deps.Dashboards.Sparkline(ctx, principalFrom(ctx), c.Param("id"), f)
	s.answerQuery(ctx, c, nil, res, err, start)
}

// drillWidget runs one level of a widget's drill-down hierarchy through
// the clicked path, with the viewer's scope and the given global filters.
func (s *Server) drillWidget(ctx context.Context, c *hz.RequestContext) {
	var req widgetDrillRequest
	if err := decodeJSON(c, &req); err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	f, err := app.ParseGlobalFiltersJSON(req.Filters)
	if err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	path := make([]domain.PathStep, len(req.Path))
	for i, st := range req.Path {
		path[i] = domain.PathStep{Level: st.Field, Value: st.Value}
	}
	start := time.Now()
	next, res, err := s.deps.Dashboards.Drill(ctx, principalFrom(ctx), c.Param("id"), path, f)
	s.answerQuery(ctx, c, next, res, err, start)
}
