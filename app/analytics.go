package app

import (
	"context"
	"time"

	"github.com/conductor/reports/domain"
)

// IngestBatch is what one consumer batch writes: validated records (their
// Event.TenantID already resolved to the internal tenant id) and the dead
// letters of the events refused in the same batch.
type IngestBatch struct {
	Records     []*domain.Record
	DeadLetters []domain.DeadLetter
	IngestedAt  time.Time
	// Prefetched is what the store's LookupPrefetcher read for this batch
	// ahead of Apply (nil: nothing); only that store interprets it.
	Prefetched any
}

// LookupPrefetcher is an Analytics that can do a batch's reads before its
// Apply, while the batch before it is still being written. The result goes
// into the batch's Prefetched; Apply uses it only when it can prove it
// current (else it reads again), so prefetching never changes what Apply
// writes.
type LookupPrefetcher interface {
	Prefetch(ctx context.Context, batch IngestBatch) any
}

// ChangeNotice says that a tenant's source changed in a time range (of the
// source's time field), so caches and live widgets over it must refresh.
type ChangeNotice struct {
	TenantID string
	Source   string
	From, To time.Time // inclusive range of affected time-field values
}

// ApplyResult reports what a batch changed.
type ApplyResult struct {
	Inserted   int // new events stored
	Duplicates int // events whose id was already stored (replays): no effect
	Stale      int // new events whose version is not newer than the entity's
	Notices    []ChangeNotice
}

// SourceTotals are a source's exact totals for one tenant, read from the
// raw tables: Rows counts entities (entity sources) or events (the events
// source); Sums holds each measure's sum in integer units (decimals in
// units of 10^-scale) and Counts its non-null count.
type SourceTotals struct {
	Rows   int64
	Sums   map[string]int64
	Counts map[string]int64
}

// Analytics is the analytics store port (SQLite embedded, ClickHouse in a
// cluster). Its semantics, which the contract suite checks on both:
//   - Apply is idempotent per event id within a tenant: an event already
//     stored has no effect at all (a replayed batch changes nothing);
//   - every new event becomes a row of the events stream (source, type,
//     occurred_at, entity_id, version and the scope dimensions of its data);
//   - an entity's state is its highest version's data; an event with a
//     version not newer than the stored one is kept as a happening (events
//     stream) but does not touch the entity;
//   - rollups always equal the aggregation of the raw tables: entity
//     rollups retract the previous version (count -1, sums -old) and add
//     the new one; null dimensions are "" in rollups;
//   - dead letters are stored with the batch, durably, before Apply returns;
//   - Apply returns only when the batch is durable; on error nothing may be
//     assumed written, and the caller retries the same batch (idempotency
//     makes that safe).
type Analytics interface {
	Apply(ctx context.Context, batch IngestBatch) (ApplyResult, error)
	// ListDeadLetters returns a tenant's dead letters, newest first, after
	// cursor (the id of the last row of the previous page). tenantKeys are
	// the tenant's id and slug: refused events carry what they claimed.
	ListDeadLetters(ctx context.Context, tenantKeys []string, cursor string, limit int) ([]domain.DeadLetter, error)
	// SourceTotals reads a source's exact totals from the raw tables.
	SourceTotals(ctx context.Context, tenantID, source string) (SourceTotals, error)
	// VerifyRollups recomputes every rollup of tenantID from the raw tables
	// and returns an error describing the first difference.
	VerifyRollups(ctx context.Context, tenantID string) error
	Ping(ctx context.Context) error
	Close() error
}
