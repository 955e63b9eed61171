// Package cache is the query result cache: ristretto (TinyLFU admission,
// cost-bounded), keyed by the use case with the normalised effective
// query, so entries are never shared across tenants or scopes.
package cache

import (
	"time"

	"github.com/dgraph-io/ristretto/v2"

	"github.com/conductor/reports/app"
)

// Config sizes the cache; zero values take the defaults.
type Config struct {
	MaxBytes int64         // approximate memory bound; default 64 MiB
	TTL      time.Duration // default 60 s
}

// Results caches query results.
type Results struct {
	c   *ristretto.Cache[string, *app.QueryResult]
	ttl time.Duration
}

var _ app.ResultCache = (*Results)(nil)

// New builds a cache.
func New(cfg Config) (*Results, error) {
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = 64 << 20
	}
	if cfg.TTL <= 0 {
		cfg.TTL = time.Minute
	}
	c, err := ristretto.NewCache(&ristretto.Config[string, *app.QueryResult]{
		NumCounters: 100_000, // ~10x the entries expected at the default size
		MaxCost:     cfg.MaxBytes,
		BufferItems: 64,
		Metrics:     true,
	})
	if err != nil {
		return nil, err
	}
	return &Results{c: c, ttl: cfg.TTL}, nil
}

// Get returns a cached result.
func (r *Results) Get(key string) (*app.QueryResult, bool) { return r.c.Get(key) }

// Set stores res. Sets are buffered by ristretto: a Get right after may
// miss, and an entry may be refused by admission; both only cost a query.
func (r *Results) Set(key string, res *app.QueryResult) {
	r.c.SetWithTTL(key, res, cost(res), r.ttl)
}

// Wait blocks until buffered Sets are applied (tests and benchmarks).
func (r *Results) Wait() { r.c.Wait() }

// HitRatio is the measured hit ratio since start.
func (r *Results) HitRatio() float64 { return r.c.Metrics.Ratio() }

// Close stops the cache's goroutines.
func (r *Results) Close() { r.c.Close() }

// cost approximates a result's memory: 24 bytes per value plus strings.
func cost(res *app.QueryResult) int64 {
	n := int64(256)
	for _, row := range res.Rows {
		for _, v := range row {
			n += 24
			if s, ok := v.(string); ok {
				n += int64(len(s))
			}
		}
	}
	return n
}
