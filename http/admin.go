package http

import (
	"context"
	"strconv"
	"time"

	hz "github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/route"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

func (s *Server) adminRoutes(r *route.RouterGroup) {
	r.GET("/admin/runtime", s.runtimeInfo)
	r.POST("/admin/realtime/disconnect", s.realtimeDisconnect)
	r.GET("/users", s.listUsers)
	r.POST("/users", s.createUser)
	r.PATCH("/users/:id", s.updateUser)
	r.GET("/teams", s.listTeams)
	r.POST("/teams", s.createTeam)
	r.GET("/teams/:id/members", s.listMembers)
	r.POST("/teams/:id/members", s.addMember)
	r.DELETE("/teams/:id/members/:user", s.removeMember)
	for _, kind := range app.OrgKinds {
		r.GET("/"+string(kind), s.listOrg(kind))
		r.POST("/"+string(kind), s.createOrg(kind))
	}
	r.GET("/scope-policies", s.listPolicies)
	r.POST("/scope-policies", s.createPolicy)
	r.DELETE("/scope-policies/:id", s.deletePolicy)
}

// respond writes v as JSON with status, or err in the envelope.
func (s *Server) respond(ctx context.Context, c *hz.RequestContext, status int, v any, err error) {
	if err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	if v == nil {
		c.Status(status)
		return
	}
	c.JSON(status, v)
}

type itemsJSON[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

func mapItems[E, T any](es []E, f func(*E) T) itemsJSON[T] {
	out := itemsJSON[T]{Items: make([]T, 0, len(es))}
	for i := range es {
		out.Items = append(out.Items, f(&es[i]))
	}
	return out
}

func (s *Server) listUsers(ctx context.Context, c *hz.RequestContext) {
	us, err := s.deps.Admin.ListUsers(ctx, principalFrom(ctx))
	s.respond(ctx, c, 200, mapItems(us, app.UserView), err)
}

type createUserRequest struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Password string `json:"password"`
}

func (s *Server) createUser(ctx context.Context, c *hz.RequestContext) {
	var req createUserRequest
	if err := decodeJSON(c, &req); err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	u, err := s.deps.Admin.CreateUser(ctx, principalFrom(ctx), app.CreateUserCmd(req))
	if err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	c.JSON(201, app.UserView(u))
}

type updateUserRequest struct {
	Name     *string `json:"name"`
	Role     *string `json:"role"`
	Disabled *bool   `json:"disabled"`
	Password *string `json:"password"`
}

func (s *Server) updateUser(ctx context.Context, c *hz.RequestContext) {
	var req updateUserRequest
	if err := decodeJSON(c, &req); err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	u, err := s.deps.Admin.UpdateUser(ctx, principalFrom(ctx), c.Param("id"), app.UpdateUserCmd(req))
	if err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	c.JSON(200, app.UserView(u))
}

func (s *Server) listTeams(ctx context.Context, c *hz.RequestContext) {
	ts, err := s.deps.Admin.ListTeams(ctx, principalFrom(ctx))
	s.respond(ctx, c, 200, mapItems(ts, app.TeamView), err)
}

type nameRequest struct {
	Name string `json:"name"`
}

func (s *Server) createTeam(ctx context.Context, c *hz.RequestContext) {
	var req nameRequest
	if err := decodeJSON(c, &req); err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	t, err := s.deps.Admin.CreateTeam(ctx, principalFrom(ctx), req.Name)
	if err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	c.JSON(201, app.TeamView(t))
}

func (s *Server) listMembers(ctx context.Context, c *hz.RequestContext) {
	ids, err := s.deps.Admin.TeamMembers(ctx, principalFrom(ctx), c.Param("id"))
	s.respond(ctx, c, 200, itemsJSON[string]{Items: append([]string{}, ids...)}, err)
}

type memberRequest struct {
	UserID string `json:"user_id"`
}

func (s *Server) addMember(ctx context.Context, c *hz.RequestContext) {
	var req memberRequest
	if err := decodeJSON(c, &req); err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	if req.UserID == "" {
		writeError(ctx, c, s.log, domain.Invalid("user_id", "is required"))
		return
	}
	err := s.deps.Admin.SetMembership(ctx, principalFrom(ctx), c.Param("id"), req.UserID, true)
	s.respond(ctx, c, 204, nil, err)
}

func (s *Server) removeMember(ctx context.Context, c *hz.RequestContext) {
	err := s.deps.Admin.SetMembership(ctx, principalFrom(ctx), c.Param("id"), c.Param("user"), false)
	s.respond(ctx, c, 204, nil, err)
}

func (s *Server) listOrg(kind app.OrgKind) hz.HandlerFunc {
	return func(ctx context.Context, c *hz.RequestContext) {
		items, err := s.deps.Admin.ListOrgUnits(ctx, principalFrom(ctx), kind)
		s.respond(ctx, c, 200, itemsJSON[app.OrgUnitJSON]{Items: items}, err)
	}
}

type orgUnitRequest struct {
	Name       string `json:"name"`
	CustomerID string `json:"customer_id"`
	Code       string `json:"code"`
}

func (s *Server) createOrg(kind app.OrgKind) hz.HandlerFunc {
	return func(ctx context.Context, c *hz.RequestContext) {
		var req orgUnitRequest
		if err := decodeJSON(c, &req); err != nil {
			writeError(ctx, c, s.log, err)
			return
		}
		v, err := s.deps.Admin.CreateOrgUnit(ctx, principalFrom(ctx), kind, app.OrgUnitCmd(req))
		s.respond(ctx, c, 201, v, err)
	}
}

func (s *Server) listPolicies(ctx context.Context, c *hz.RequestContext) {
	ps, err := s.deps.Admin.ListPolicies(ctx, principalFrom(ctx))
	s.respond(ctx, c, 200, mapItems(ps, app.PolicyView), err)
}

type policyRequest struct {
	SubjectType string       `json:"subject_type"`
	SubjectID   string       `json:"subject_id"`
	Scope       domain.Scope `json:"scope"`
}

func (s *Server) createPolicy(ctx context.Context, c *hz.RequestContext) {
	var req policyRequest
	if err := decodeJSON(c, &req); err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	pol, err := s.deps.Admin.CreatePolicy(ctx, principalFrom(ctx), app.CreatePolicyCmd(req))
	if err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	c.JSON(201, app.PolicyView(pol))
}

func (s *Server) deletePolicy(ctx context.Context, c *hz.RequestContext) {
	err := s.deps.Admin.DeletePolicy(ctx, principalFrom(ctx), c.Param("id"))
	s.respond(ctx, c, 204, nil, err)
}

// auditJSON is one audit row in API answers.
type auditJSON struct {
	ID         string    `json:"id"`
	UserID     string    `json:"user_id"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Before     any       `json:"before"`
	After      any       `json:"after"`
	RequestID  string    `json:"request_id"`
	IP         string    `json:"ip"`
	UserAgent  string    `json:"user_agent"`
	CreatedAt  time.Time `json:"created_at"`
}

func auditView(e *domain.AuditEntry) auditJSON {
	raw := func(b []byte) any {
		if len(b) == 0 {
			return nil
		}
		return rawJSON(b)
	}
	return auditJSON{ID: e.ID, UserID: e.UserID, Action: e.Action, ObjectType: e.ObjectType, ObjectID: e.ObjectID,
		Before: raw(e.Before), After: raw(e.After), RequestID: e.RequestID, IP: e.IP, UserAgent: e.UserAgent, CreatedAt: e.CreatedAt}
}

// rawJSON embeds already-encoded JSON.
type rawJSON []byte

// MarshalJSON returns the bytes as they are.
func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }

func (s *Server) listAudit(ctx context.Context, c *hz.RequestContext) {
	f, err := auditFilter(c)
	if err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	rows, err := s.deps.Admin.ListAudit(ctx, principalFrom(ctx), f)
	if err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	out := mapItems(rows, auditView)
	if len(rows) == f.Normalize().Limit {
		out.NextCursor = rows[len(rows)-1].ID
	}
	c.JSON(200, out)
}

// auditFilter reads the audit query string: user, action, object_type,
// object_id, since, until (RFC 3339), cursor, limit.
func auditFilter(c *hz.RequestContext) (domain.AuditFilter, error) {
	f := domain.AuditFilter{UserID: c.Query("user"), Action: c.Query("action"), ObjectType: c.Query("object_type"),
		ObjectID: c.Query("object_id"), Cursor: c.Query("cursor")}
	for _, t := range []struct {
		name string
		dst  *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		if v := c.Query(t.name); v != "" {
			ts, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return f, domain.Invalid(t.name, "must be an RFC 3339 time")
			}
			*t.dst = ts
		}
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > domain.MaxAuditPage {
			return f, domain.Invalid("limit", "must be an integer from 1 to %d", domain.MaxAuditPage)
		}
		f.Limit = n
	}
	return f, nil
}
