package http

import (
	"context"
	"errors"
	"strconv"
	"time"

	hz "github.com/cloudwego/hertz/pkg/app"
	"github.com/cloudwego/hertz/pkg/route"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// ingestRoutes serves event ingest (with its own, larger body limit), dead
// letters, the source catalogue and module API keys.
func (s *Server) ingestRoutes(authed *route.RouterGroup) {
	if s.deps.Ingest == nil {
		return
	}
	ev := s.h.Group("/api/events", withBodyLimit(s.cfg.MaxIngestBytes, s.log), s.withOriginCheck(), s.authenticate())
	ev.POST("", s.postEvents)
	ev.GET("/dead-letters", s.listDeadLetters)
	authed.GET("/catalog", s.catalog)
	authed.GET("/api-keys", s.listAPIKeys)
	authed.POST("/api-keys", s.createAPIKey)
	authed.DELETE("/api-keys/:id", s.revokeAPIKey)
}

func (s *Server) postEvents(ctx context.Context, c *hz.RequestContext) {
	res, err := s.deps.Ingest.Submit(ctx, principalFrom(ctx), c.Request.Body())
	if errors.Is(err, app.ErrStreamFull) {
		c.Response.Header.Set("Retry-After", "1")
		writeError(ctx, c, s.log, &domain.Error{Code: domain.CodeUnavailable, Message: "ingest backlog is full; retry shortly"})
		return
	}
	s.respond(ctx, c, 202, res, err)
}

// deadLetterJSON is one refused event in API answers.
type deadLetterJSON struct {
	ID         string    `json:"id"`
	EventID    string    `json:"event_id"`
	Source     string    `json:"source"`
	Reason     string    `json:"reason"`
	Field      string    `json:"field"`
	Payload    string    `json:"payload"`
	ReceivedAt time.Time `json:"received_at"`
}

func (s *Server) listDeadLetters(ctx context.Context, c *hz.RequestContext) {
	limit := 100
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			writeError(ctx, c, s.log, domain.Invalid("limit", "must be an integer from 1 to 500"))
			return
		}
		limit = n
	}
	rows, err := s.deps.Ingest.DeadLetters(ctx, principalFrom(ctx), c.Query("cursor"), limit)
	if err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	out := mapItems(rows, func(d *domain.DeadLetter) deadLetterJSON {
		return deadLetterJSON{ID: d.ID, EventID: d.EventID, Source: d.Source, Reason: d.Reason, Field: d.Field,
			Payload: string(d.Payload), ReceivedAt: d.ReceivedAt}
	})
	if len(rows) == limit {
		out.NextCursor = rows[len(rows)-1].ID
	}
	c.JSON(200, out)
}

func (s *Server) catalog(ctx context.Context, c *hz.RequestContext) {
	if principalFrom(ctx).Kind == domain.PrincipalModule {
		writeError(ctx, c, s.log, domain.Forbidden("users only"))
		return
	}
	c.JSON(200, s.deps.Ingest.Catalog())
}

func (s *Server) listAPIKeys(ctx context.Context, c *hz.RequestContext) {
	ks, err := s.deps.Admin.ListAPIKeys(ctx, principalFrom(ctx))
	s.respond(ctx, c, 200, mapItems(ks, app.APIKeyView), err)
}

type apiKeyRequest struct {
	Name    string   `json:"name"`
	Sources []string `json:"sources"`
}

type apiKeyCreated struct {
	app.APIKeyJSON
	Key string `json:"key"`
}

func (s *Server) createAPIKey(ctx context.Context, c *hz.RequestContext) {
	var req apiKeyRequest
	if err := decodeJSON(c, &req); err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	k, secret, err := s.deps.Admin.CreateAPIKey(ctx, principalFrom(ctx), s.deps.Ingest.Catalog(), req.Name, req.Sources)
	if err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	c.JSON(201, apiKeyCreated{APIKeyJSON: app.APIKeyView(k), Key: secret})
}

func (s *Server) revokeAPIKey(ctx context.Context, c *hz.RequestContext) {
	err := s.deps.Admin.RevokeAPIKey(ctx, principalFrom(ctx), c.Param("id"))
	s.respond(ctx, c, 204, nil, err)
}
