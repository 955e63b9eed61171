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
	// Subtotals holds, per subtotal alias, the rows grouped by the groups
	// up to that alias (pivot subtotals).
	Subtotals map[string][][]any
	// Compare is the same query over the comparison period, when asked for.
	Compare *Comparison
	Route   string
	Cache   string // hit | miss | "" (not cached)
	SQL     string // filled only for explain
	Args    []any
}

// Comparison is a query's result over the comparison period.
type Comparison struct {
	Kind   string    `json:"kind"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Rows   [][]any   `json:"rows"`
	Totals []any     `json:"totals,omitempty"`
}

// QueryEngine runs effective queries on an analytics store.
type QueryEngine interface {
	Query(ctx context.Context, req QueryRequest) (*QueryResult, error)
}

// ResultCache keeps query results by key (store/cache over ristretto).
type ResultCache interface {
	Get(key string) (*QueryResult, bool)
	Set(key string, res *QueryResult)
}

// Queries is the query use case: validation, scope, time zone and the
// result cache.
type Queries struct {
	engine QueryEngine
	cat    *domain.Catalog
	now    Clock
	cache  ResultCache // nil: no caching

	mu  sync.Mutex
	gen map[[2]string]uint64 // (tenant, source) -> data generation
}

// CacheResolution is how finely relative dates resolve when results are
// cached: "now" moves in steps of this size, so repeated dashboard queries
// share entries. It is rounded up, never down: a range ending at "now"
// must hold the event that just arrived (a live widget re-queries on that
// event's notice), so the bound may reach a few seconds past the clock but
// never stops short of it.
const CacheResolution = 5 * time.Second

// CeilNow rounds t up to the next CacheResolution step (t itself when it
// is on one).
func CeilNow(t time.Time) time.Time {
	if c := t.Truncate(CacheResolution); !c.Equal(t) {
		return c.Add(CacheResolution)
	}
	return t
}

// NewQueries builds the query use case; cache may be nil.
func NewQueries(engine QueryEngine, cat *domain.Catalog, now Clock, cache ResultCache) *Queries {
	return &Queries{engine: engine, cat: cat, now: now, cache: cache, gen: map[[2]string]uint64{}}
}

// Invalidate retires cached results over a tenant's source: the data
// generation in their keys moves on (old entries age out by TTL). A
// change to any source also changes the events stream.
func (s *Queries) Invalidate(n ChangeNotice) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen[[2]string{n.TenantID, n.Source}]++
	s.gen[[2]string{n.TenantID, "events"}]++
}

// cacheKey is the hash of the normalised effective query: the validated
// query, tenant, normalised scope, zone, the resolved "now" and the data
// generation; two principals share an entry only when all of these match.
func (s *Queries) cacheKey(req QueryRequest) string {
	s.mu.Lock()
	gen := s.gen[[2]string{req.TenantID, req.Query.Source}]
	s.mu.Unlock()
	b, _ := json.Marshal(struct {
		Q   *domain.Query
		T   string
		S   domain.Scope
		Z   string
		N   int64
		G   uint64
		Raw bool
	}{req.Query, req.TenantID, req.Scope.Normalize(), req.Location.String(), req.Now.UnixMilli(), gen, req.RawOnly})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
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
	loc, err := QueryLocation(q)
	if err != nil {
		return nil, err
	}
	return s.run(ctx, QueryRequest{Query: q, TenantID: p.TenantID, Scope: p.Scope, Now: s.now(), Location: loc}, explain)
}

// RunRequest runs an effective query built by another use case (a
// dashboard widget's, with global filters folded in). The query is
// validated again, so no caller can slip an unchecked field name to a
// compiler; a zero Now is the clock's.
func (s *Queries) RunRequest(ctx context.Context, req QueryRequest) (*QueryResult, error) {
	if req.Query == nil || req.TenantID == "" || req.Location == nil {
		return nil, domain.Errorf(domain.CodeInternal, "query request without query, tenant or zone")
	}
	if err := req.Query.Validate(s.cat); err != nil {
		return nil, err
	}
	if req.Now.IsZero() {
		req.Now = s.now()
	}
	return s.run(ctx, req, false)
}

// QueryLocation loads q's time zone (UTC when unset).
func QueryLocation(q *domain.Query) (*time.Location, error) {
	if q.TimeZone == "" {
		return time.UTC, nil
	}
	l, err := time.LoadLocation(q.TimeZone)
	if err != nil {
		return nil, domain.Invalid("time_zone", "unknown time zone %q", q.TimeZone)
	}
	return l, nil
}

// run executes an effective request with its totals, subtotals and
// comparison. With a cache, "now" moves in CacheResolution steps so
// repeated dashboard queries share entries.
func (s *Queries) run(ctx context.Context, req QueryRequest, explain bool) (*QueryResult, error) {
	if s.cache != nil && !explain {
		req.Now = CeilNow(req.Now)
	}
	res, err := s.exec(ctx, req, explain)
	if err != nil {
		return nil, err
	}
	if err := s.totals(ctx, req, res); err != nil {
		return nil, err
	}
	if err := s.subtotals(ctx, req, res); err != nil {
		return nil, err
	}
	if req.Query.Compare != "" {
		if res.Compare, err = s.compare(ctx, req); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// exec runs one request, through the cache unless explaining.
func (s *Queries) exec(ctx context.Context, req QueryRequest, explain bool) (*QueryResult, error) {
	if s.cache == nil || explain {
		res, err := s.engine.Query(ctx, req)
		if err != nil {
			return nil, err
		}
		if !explain {
			res.SQL, res.Args = "", nil
		}
		return res, nil
	}
	key := s.cacheKey(req)
	if res, ok := s.cache.Get(key); ok {
		hit := *res
		hit.Cache = "hit"
		return &hit, nil
	}
	res, err := s.engine.Query(ctx, req)
	if err != nil {
		return nil, err
	}
	res.SQL, res.Args, res.Cache = "", nil, "miss"
	s.cache.Set(key, res)
	return res, nil
}

// totals runs the query without its groups: the grand-total row.
func (s *Queries) totals(ctx context.Context, req QueryRequest, res *QueryResult) error {
	q := req.Query
	if !q.Totals || len(q.Groups) == 0 {
		return nil
	}
	t := *q
	t.Groups, t.Order, t.Subtotal, t.Compare, t.Totals, t.Limit, t.Offset = nil, nil, nil, "", false, 0, 0
	r := req
	r.Query = &t
	out, err := s.exec(ctx, r, false)
	if err != nil {
		return err
	}
	if len(out.Rows) == 1 {
		res.Totals = out.Rows[0]
	}
	return nil
}

// subtotals runs, for each subtotal alias, the query grouped by the groups
// up to that alias.
func (s *Queries) subtotals(ctx context.Context, req QueryRequest, res *QueryResult) error {
	q := req.Query
	for _, alias := range q.Subtotal {
		k := slices.IndexFunc(q.Groups, func(g domain.Group) bool { return g.Alias() == alias })
		sub := *q
		sub.Groups, sub.Subtotal, sub.Compare, sub.Totals, sub.Limit, sub.Offset = q.Groups[:k+1], nil, "", false, 0, 0
		sub.Order = slices.DeleteFunc(slices.Clone(q.Order), func(o domain.Order) bool {
			return slices.ContainsFunc(q.Groups[k+1:], func(g domain.Group) bool { return g.Alias() == o.By })
		})
		r := req
		r.Query = &sub
		out, err := s.exec(ctx, r, false)
		if err != nil {
			return err
		}
		if res.Subtotals == nil {
			res.Subtotals = map[string][][]any{}
		}
		res.Subtotals[alias] = out.Rows
	}
	return nil
}

// compare runs q over the comparison period: the range its filters put on
// the source's time field, shifted back by its own length (previous
// period) or by a year in the query's zone (same period last year).
func (s *Queries) compare(ctx context.Context, req QueryRequest) (*Comparison, error) {
	q := req.Query
	src, _ := s.cat.Source(q.Source)
	tf, _ := src.Field(src.TimeField)
	from, to, err := timeRange(q, tf, req.Now, req.Location)
	if err != nil {
		return nil, err
	}
	shift := func(t time.Time) time.Time {
		if q.Compare == "same_period_last_year" {
			return t.In(req.Location).AddDate(-1, 0, 0).UTC()
		}
		return t.Add(-to.Sub(from))
	}
	pf, pt := shift(from), shift(to)
	cq := *q
	cq.Compare, cq.Subtotal = "", nil // keeps Totals: the comparison row of a KPI
	cq.Filters = []domain.Filter{{Field: tf.Name, Op: ">=", Value: pf.Format(time.RFC3339Nano)}, {Field: tf.Name, Op: "<", Value: pt.Format(time.RFC3339Nano)}}
	for _, f := range q.Filters {
		if f.Field != tf.Name {
			cq.Filters = append(cq.Filters, f)
		}
	}
	r := req
	r.Query = &cq
	out, err := s.exec(ctx, r, false)
	if err != nil {
		return nil, err
	}
	if err := s.totals(ctx, r, out); err != nil {
		return nil, err
	}
	return &Comparison{Kind: q.Compare, From: pf, To: pt, Rows: out.Rows, Totals: out.Totals}, nil
}

// timeRange reads [from, to) from q's top-level filters on the time field:
// BETWEEN, or a lower bound (>, >=) with an upper bound (<, <=).
func timeRange(q *domain.Query, tf *domain.Field, now time.Time, loc *time.Location) (time.Time, time.Time, error) {
	var from, to time.Time
	for _, f := range q.Filters {
		if f.Field != tf.Name {
			continue
		}
		vals, err := domain.ResolveValue(f.Value, q.Params)
		if err != nil {
			return from, to, domain.Invalid("compare", "%v", err)
		}
		var ts []time.Time
		for _, v := range vals {
			cv, err := domain.CoerceValue(tf, v, now, loc)
			if err != nil {
				return from, to, domain.Invalid("compare", "%v", err)
			}
			t, _ := cv.(time.Time)
			ts = append(ts, t)
		}
		switch f.Op {
		case "BETWEEN":
			from, to = ts[0], ts[1]
		case ">", ">=":
			from = ts[0]
		case "<", "<=":
			to = ts[0]
		}
	}
	if from.IsZero() || to.IsZero() || !to.After(from) {
		return from, to, domain.Invalid("compare", "a comparison needs a time range on %s (BETWEEN, or a lower and an upper bound)", tf.Name)
	}
	return from, to, nil
}

// Drill runs the drill-down of q along hierarchy through the clicked path
// (domain.Query.DrillDown), with p's tenant and scope as any query.
func (s *Queries) Drill(ctx context.Context, p domain.Principal, q *domain.Query, hierarchy string, path []domain.PathStep) (*domain.Query, *QueryResult, error) {
	if err := q.Validate(s.cat); err != nil {
		return nil, nil, err
	}
	loc, err := QueryLocation(q)
	if err != nil {
		return nil, nil, err
	}
	next, err := q.DrillDown(s.cat, hierarchy, path, loc)
	if err != nil {
		return nil, nil, err
	}
	res, err := s.Run(ctx, p, next, false)
	return next, res, err
}
