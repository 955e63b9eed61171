package app

import (
	"context"
	"time"

	"github.com/conductor/reports/domain"
)

// QueryRequest is an effective query: the user's query plus what no input
// can change, the tenant and the principal's data scope (later also a
// share token's scope and dashboard global filters), with the clock and
// time zone relative dates and buckets use.
type QueryRequest struct {
	Query    *domain.Query
	TenantID string
	Scope    domain.Scope
	Now      time.Time
	Location *time.Location
	// RawOnly skips rollups (tests compare both routes; explain can show
	// the raw plan).
	RawOnly bool
}

// QueryColumn describes one result column.
type QueryColumn struct {
	Name  string `json:"name"`
	Type  string `json:"type"` // string | int | float | bool | time
	Label string `json:"label,omitempty"`
}

// QueryResult is a query's answer. Values are string, int64, float64,
// bool, time.Time (UTC) or nil: counts and sums/min/max of int fields are
// int64; sums/min/max of decimal fields are float64 in natural units
// (cents divided by 100); avg, percentile and ratio are float64.
type QueryResult struct {
	Columns []QueryColumn
	Rows    [][]any
	Totals  []any // the metrics over every row, when asked for
	Route   string
	SQL     string // filled only for explain
	Args    []any
}

// QueryEngine runs effective queries on an analytics store.
type QueryEngine interface {
	Query(ctx context.Context, req QueryRequest) (*QueryResult, error)
}

// Queries is the query use case: validation, scope and time zone.
type Queries struct {
	engine QueryEngine
	cat    *domain.Catalog
	now    Clock
}

// NewQueries builds the query use case.
func NewQueries(engine QueryEngine, cat *domain.Catalog, now Clock) *Queries {
	return &Queries{engine: engine, cat: cat, now: now}
}

// Run validates q and runs it for p: the tenant and p's data scope are
// added here and cannot be removed by anything in q. explain returns the
// SQL too, for admins only.
func (s *Queries) Run(ctx context.Context, p domain.Principal, q *domain.Query, explain bool) (*QueryResult, error) {
	if p.Kind != domain.PrincipalUser || p.TenantID == "" {
		return nil, domain.Forbidden("queries need a signed-in user")
	}
	if explain && !p.IsAdmin() {
		return nil, domain.Forbidden("explain is for administrators")
	}
	if err := q.Validate(s.cat); err != nil {
		return nil, err
	}
	loc := time.UTC
	if q.TimeZone != "" {
		l, err := time.LoadLocation(q.TimeZone)
		if err != nil {
			return nil, domain.Invalid("time_zone", "unknown time zone %q", q.TimeZone)
		}
		loc = l
	}
	res, err := s.engine.Query(ctx, QueryRequest{Query: q, TenantID: p.TenantID, Scope: p.Scope, Now: s.now(), Location: loc})
	if err != nil {
		return nil, err
	}
	if !explain {
		res.SQL, res.Args = "", nil
	}
	return res, nil
}
