package http

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	hz "github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/route"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// dashboardRoutes serves dashboards and widgets (R2.1, R2.2, R2.6-R2.8).
func (s *Server) dashboardRoutes(r *route.RouterGroup) {
	if s.deps.Dashboards == nil {
		return
	}
	r.GET("/dashboards", s.listDashboards)
	r.POST("/dashboards", s.createDashboard)
	r.GET("/dashboards/:id", s.getDashboard)
	r.PUT("/dashboards/:id", s.updateDashboard)
	r.DELETE("/dashboards/:id", s.deleteDashboard)
	r.POST("/dashboards/:id/duplicate", s.duplicateDashboard)
	r.GET("/dashboards/:id/view", s.viewDashboard)
	r.GET("/dashboards/:id/grants", s.listGrants)
	r.POST("/dashboards/:id/grants", s.createGrant)
	r.DELETE("/dashboards/:id/grants/:grant", s.deleteGrant)
	r.GET("/dashboards/:id/grant-subjects", s.grantSubjects)
	r.POST("/widgets", s.createWidget)
	r.PUT("/widgets/:id", s.updateWidget)
	r.DELETE("/widgets/:id", s.deleteWidget)
	r.POST("/widgets/:id/drill", s.drillWidget)
	r.GET("/widgets/:id/sparkline", s.widgetSparkline)
}

// conflictBody is the 409 answer of a stale edit: the envelope plus the
// version the object is at, so the editor can reload and merge.
type conflictBody struct {
	Error          ErrorDetail `json:"error"`
	CurrentVersion int64       `json:"current_version"`
}

// writeEditError answers err: version conflicts with the current version,
// a query's validation with every problem, anything else in the envelope.
func (s *Server) writeEditError(ctx context.Context, c *hz.RequestContext, err error) {
	var vc *domain.VersionConflictError
	var ve *domain.ValidationError
	switch {
	case errors.As(err, &vc):
		var de *domain.Error
		errors.As(err, &de)
		c.Response.Header.Set("ETag", etag(vc.Current))
		c.AbortWithStatusJSON(409, conflictBody{Error: detailOf(c, de),
			CurrentVersion: vc.Current})
	case errors.As(err, &ve):
		c.AbortWithStatusJSON(400, validationOf(c, ve))
	default:
		writeError(ctx, c, s.log, err)
	}
}

// answerVersioned writes v with its version as the ETag.
func answerVersioned(c *hz.RequestContext, status int, version int64, v any) {
	c.Response.Header.Set("ETag", etag(version))
	c.JSON(status, v)
}

// etag is a version as a strong entity tag.
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// expectedVersion reads the version an edit was made on: If-Match ("3",
// W/"3" or 3) or the body's version; when both are given they must agree.
// 0 means none was given.
func expectedVersion(c *hz.RequestContext, body *int64) (int64, error) {
	var header int64
	if h := strings.TrimSpace(string(c.GetHeader("If-Match"))); h != "" && h != "*" {
		n, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(h, "W/"), `"`), 10, 64)
		if err != nil || n < 1 {
			return 0, domain.Invalid("If-Match", "must be the version as an entity tag, e.g. \"3\"")
		}
		header = n
	}
	if body != nil {
		if header != 0 && header != *body {
			return 0, domain.Invalid("version", "If-Match and version disagree")
		}
		return *body, nil
	}
	return header, nil
}

// dashboardDetailJSON is a dashboard with its widgets.
type dashboardDetailJSON struct {
	app.DashboardJSON
	Widgets []app.WidgetJSON `json:"widgets"`
}

func detailView(d *app.DashboardDetail) dashboardDetailJSON {
	out := dashboardDetailJSON{DashboardJSON: app.DashboardView(d.Dashboard), Widgets: []app.WidgetJSON{}}
	for i := range d.Widgets {
		out.Widgets = append(out.Widgets, app.WidgetView(&d.Widgets[i]))
	}
	return out
}

// dashboardPageJSON is one page of a dashboard listing.
type dashboardPageJSON struct {
	Items  []app.DashboardJSON `json:"items"`
	Total  int                 `json:"total"`
	Limit  int                 `json:"limit"`
	Offset int                 `json:"offset"`
}

// listDashboards serves ?tab=mine|team|tenant&q=&limit=&offset=.
func (s *Server) listDashboards(ctx context.Context, c *hz.RequestContext) {
	q := app.DashboardQuery{Tab: c.Query("tab"), Search: c.Query("q")}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"limit", &q.Limit}, {"offset", &q.Offset}} {
		if v := c.Query(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				writeError(ctx, c, s.log, domain.Invalid(p.name, "must be an integer"))
				return
			}
			*p.dst = n
		}
	}
	page, err := s.deps.Dashboards.List(ctx, principalFrom(ctx), q)
	if err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	out := dashboardPageJSON{Items: []app.DashboardJSON{}, Total: page.Total, Limit: max(q.Limit, 0), Offset: q.Offset}
	if out.Limit == 0 {
		out.Limit = 50
	}
	for i := range page.Items {
		out.Items = append(out.Items, app.DashboardView(&page.Items[i]))
	}
	c.JSON(200, out)
}

type createDashboardRequest struct {
	Name            string          `json:"name"`
	Description     string          `json:"description"`
	Visibility      string          `json:"visibility"`
	TeamID          string          `json:"team_id"`
	CustomerID      string          `json:"customer_id"`
	LayoutJSON      json.RawMessage `json:"layout_json"`
	FiltersJSON     json.RawMessage `json:"filters_json"`
	RealtimeEnabled bool            `json:"realtime_enabled"`
}

func (s *Server) createDashboard(ctx context.Context, c *hz.RequestContext) {
	var req createDashboardRequest
	if err := decodeJSON(c, &req); err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	d, err := s.deps.Dashboards.Create(ctx, principalFrom(ctx), app.DashboardCmd{Name: req.Name, Description: req.Description,
		Visibility: req.Visibility, TeamID: req.TeamID, CustomerID: req.CustomerID, Layout: req.LayoutJSON,
		Filters: req.FiltersJSON, RealtimeEnabled: req.RealtimeEnabled})
	if err != nil {
		s.writeEditError(ctx, c, err)
		return
	}
	answerVersioned(c, 201, d.Version, detailView(&app.DashboardDetail{Dashboard: d}))
}

func (s *Server) getDashboard(ctx context.Context, c *hz.RequestContext) {
	d, err := s.deps.Dashboards.Get(ctx, principalFrom(ctx), c.Param("id"))
	if err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	answerVersioned(c, 200, d.Dashboard.Version, detailView(d))
}

type updateDashboardRequest struct {
	Version         *int64          `json:"version"`
	Name            *string         `json:"name"`
	Description     *string         `json:"description"`
	Visibility      *string         `json:"visibility"`
	TeamID          *string         `json:"team_id"`
	CustomerID      *string         `json:"customer_id"`
	LayoutJSON      json.RawMessage `json:"layout_json"`
	FiltersJSON     json.RawMessage `json:"filters_json"`
	RealtimeEnabled *bool           `json:"realtime_enabled"`
}

// updateDashboard changes the fields given (absent ones stay); it needs
// the version being edited, in If-Match or the body.
func (s *Server) updateDashboard(ctx context.Context, c *hz.RequestContext) {
	var req updateDashboardRequest
	if err := decodeJSON(c, &req); err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	version, err := expectedVersion(c, req.Version)
	if err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	d, err := s.deps.Dashboards.Update(ctx, principalFrom(ctx), c.Param("id"), version, app.DashboardPatch{Name: req.Name,
		Description: req.Description, Visibility: req.Visibility, TeamID: req.TeamID, CustomerID: req.CustomerID,
		Layout: req.LayoutJSON, Filters: req.FiltersJSON, RealtimeEnabled: req.RealtimeEnabled})
	if err != nil {
		s.writeEditError(ctx, c, err)
		return
	}
	answerVersioned(c, 200, d.Version, app.DashboardView(d))
}

// deleteDashboard deletes; an If-Match version, when given, must be current.
func (s *Server) deleteDashboard(ctx context.Context, c *hz.RequestContext) {
	version, err := expectedVersion(c, nil)
	if err == nil {
		err = s.deps.Dashboards.Delete(ctx, principalFrom(ctx), c.Param("id"), version)
	}
	if err != nil {
		s.writeEditError(ctx, c, err)
		return
	}
	c.Status(204)
}

type duplicateRequest struct {
	Name string `json:"name"`
}

// duplicateDashboard copies a dashboard; the body ({"name"}) is optional.
func (s *Server) duplicateDashboard(ctx context.Context, c *hz.RequestContext) {
	var req duplicateRequest
	if len(strings.TrimSpace(string(c.Request.Body()))) > 0 {
		if err := decodeJSON(c, &req); err != nil {
			writeError(ctx, c, s.log, err)
			return
		}
	}
	d, err := s.deps.Dashboards.Duplicate(ctx, principalFrom(ctx), c.Param("id"), req.Name)
	if err != nil {
		s.writeEditError(ctx, c, err)
		return
	}
	answerVersioned(c, 201, d.Dashboard.Version, detailView(d))
}

type createWidgetRequest struct {
	DashboardID        string          `json:"dashboard_id"`
	Type               string          `json:"type"`
	Viz                string          `json:"viz"`
	Title              string          `json:"title"`
	ConfigJSON         json.RawMessage `json:"config_json"`
	Position           int             `json:"position"`
	RefreshIntervalSec int             `json:"refresh_interval_sec"`
}

func (s *Server) createWidget(ctx context.Context, c *hz.RequestContext) {
	var req createWidgetRequest
	if err := decodeJSON(c, &req); err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	w, err := s.deps.Dashboards.CreateWidget(ctx, principalFrom(ctx), app.WidgetCmd{DashboardID: req.DashboardID, Type: req.Type,
		Viz: req.Viz, Title: req.Title, Config: req.ConfigJSON, Position: req.Position, RefreshIntervalSec: req.RefreshIntervalSec})
	if err != nil {
		s.writeEditError(ctx, c, err)
		return
	}
	answerVersioned(c, 201, w.Version, app.WidgetView(w))
}

type updateWidgetRequest struct {
	Version            *int64          `json:"version"`
	Type               *string         `json:"type"`
	Viz                *string         `json:"viz"`
	Title              *string         `json:"title"`
	ConfigJSON         json.RawMessage `json:"config_json"`
	Position           *int            `json:"position"`
	RefreshIntervalSec *int            `json:"refresh_interval_sec"`
}

func (s *Server) updateWidget(ctx context.Context, c *hz.RequestContext) {
	var req updateWidgetRequest
	if err := decodeJSON(c, &req); err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	version, err := expectedVersion(c, req.Version)
	if err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	w, err := s.deps.Dashboards.UpdateWidget(ctx, principalFrom(ctx), c.Param("id"), version, app.WidgetPatch{Type: req.Type,
		Viz: req.Viz, Title: req.Title, Config: req.ConfigJSON, Position: req.Position, RefreshIntervalSec: req.RefreshIntervalSec})
	if err != nil {
		s.writeEditError(ctx, c, err)
		return
	}
	answerVersioned(c, 200, w.Version, app.WidgetView(w))
}

func (s *Server) deleteWidget(ctx context.Context, c *hz.RequestContext) {
	version, err := expectedVersion(c, nil)
	if err == nil {
		err = s.deps.Dashboards.DeleteWidget(ctx, principalFrom(ctx), c.Param("id"), version)
	}
	if err != nil {
		s.writeEditError(ctx, c, err)
		return
	}
	c.Status(204)
}

// listGrants serves a dashboard's grants to those who may edit it.
func (s *Server) listGrants(ctx context.Context, c *hz.RequestContext) {
	gs, err := s.deps.Dashboards.ListGrants(ctx, principalFrom(ctx), c.Param("id"))
	s.respond(ctx, c, 200, itemsJSON[app.GrantJSON]{Items: gs}, err)
}

type grantRequest struct {
	SubjectType string `json:"subject_type"`
	SubjectID   string `json:"subject_id"`
	Role        string `json:"role"`
}

// createGrant gives a user or team a role: 201 for a new grant, 200 when
// the subject's existing grant only changed role.
func (s *Server) createGrant(ctx context.Context, c *hz.RequestContext) {
	var req grantRequest
	if err := decodeJSON(c, &req); err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	g, created, err := s.deps.Dashboards.Grant(ctx, principalFrom(ctx), c.Param("id"), app.GrantCmd(req))
	status := 200
	if created {
		status = 201
	}
	s.respond(ctx, c, status, g, err)
}

func (s *Server) deleteGrant(ctx context.Context, c *hz.RequestContext) {
	err := s.deps.Dashboards.Revoke(ctx, principalFrom(ctx), c.Param("id"), c.Param("grant"))
	s.respond(ctx, c, 204, nil, err)
}

// grantSubjects serves ?q=: the users and teams a grant may be given to.
func (s *Server) grantSubjects(ctx context.Context, c *hz.RequestContext) {
	out, err := s.deps.Dashboards.GrantSubjectsFor(ctx, principalFrom(ctx), c.Param("id"), c.Query("q"))
	s.respond(ctx, c, 200, out, err)
}
