package http

import (
	"context"
	"errors"
	"time"

	hz "github.com/cloudwego/hertz/pkg/app"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// queryResponse is the answer of POST /api/query.
type queryResponse struct {
	Columns   []app.QueryColumn  `json:"columns"`
	Rows      [][]any            `json:"rows"`
	Totals    []any              `json:"totals,omitempty"`
	Subtotals map[string][][]any `json:"subtotals,omitempty"`
	Compare   *app.Comparison    `json:"compare,omitempty"`
	Query     *domain.Query      `json:"query,omitempty"` // the drill-down query that ran
	Meta      queryMeta          `json:"meta"`
}

type queryMeta struct {
	Route string  `json:"route"`
	Cache string  `json:"cache"`
	SQLMS float64 `json:"sql_ms"`
	Rows  int     `json:"rows"`
	SQL   string  `json:"sql,omitempty"`
	Args  []any   `json:"args,omitempty"`
}

// validationBody carries every problem of a refused query.
type validationBody struct {
	Error    ErrorDetail      `json:"error"`
	Problems []domain.Problem `json:"problems"`
}

func cacheState(s string) string {
	if s == "" {
		return "off"
	}
	return s
}

func (s *Server) postQuery(ctx context.Context, c *hz.RequestContext) {
	var q domain.Query
	if err := decodeJSON(c, &q); err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	start := time.Now()
	res, err := s.deps.Queries.Run(ctx, principalFrom(ctx), &q, c.Query("explain") == "1")
	s.answerQuery(ctx, c, nil, res, err, start)
}

type drillRequest struct {
	Query     domain.Query      `json:"query"`
	Hierarchy string            `json:"hierarchy"`
	Path      []domain.PathStep `json:"path"`
}

// postDrill runs a drill-down: the query, a hierarchy and the clicked path.
func (s *Server) postDrill(ctx context.Context, c *hz.RequestContext) {
	var req drillRequest
	if err := decodeJSON(c, &req); err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	start := time.Now()
	next, res, err := s.deps.Queries.Drill(ctx, principalFrom(ctx), &req.Query, req.Hierarchy, req.Path)
	s.answerQuery(ctx, c, next, res, err, start)
}

func (s *Server) answerQuery(ctx context.Context, c *hz.RequestContext, ran *domain.Query, res *app.QueryResult, err error, start time.Time) {
	var ve *domain.ValidationError
	if errors.As(err, &ve) {
		c.AbortWithStatusJSON(400, validationOf(c, ve))
		return
	}
	if err != nil {
		writeError(ctx, c, s.log, err)
		return
	}
	out := resultJSON(ran, res, time.Since(start))
	out.Meta.SQL, out.Meta.Args = res.SQL, res.Args
	c.JSON(200, out)
}
