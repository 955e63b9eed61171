package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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
	Route   string
	Cache   string // hit | miss | "" (not cached)
	SQL     string // filled only for explain
	Args    []any
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
// share entries.
const CacheResolution = 5 * time.Second

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
	loc := time.UTC
	if q.TimeZone != "" {
		l, err := time.LoadLocation(q.TimeZone)
		if err != nil {
			return nil, domain.Invalid("time_zone", "unknown time zone %q", q.TimeZone)
		}
		loc = l
	}
	req := QueryRequest{Query: q, TenantID: p.TenantID, Scope: p.Scope, Now: s.now(), Location: loc}
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
	req.Now = req.Now.Truncate(CacheResolution)
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
