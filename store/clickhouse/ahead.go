package clickhouse

import (
	"context"
	"sync"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

// Lookups ahead (app.LookupPrefetcher). A batch's two reads, which of its
// events are stored and the stored state of its entities, used to run after
// the previous batch's insert, one after the other on the server. Prefetch
// runs them while the previous batch is still being written, and Apply then
// corrects them with what every batch acknowledged since wrote: its new
// event ids, and the state it gave each entity it changed (the +1 rows,
// which are what a read after it would return). That is exact under the
// assumption Apply already makes, that one writer at a time owns a tenant
// (doc.go, point 5): no write the prefetch did not see can come from
// elsewhere. When it cannot be sure it throws the reads away and reads
// again: a failed Apply since (its insert may land at any time), more
// acknowledged batches than it remembers, an insert fence not clean when
// the reads began, or a batch that is not the one prefetched.

// aheadDepth is how many acknowledged batches Apply remembers for the
// correction; a prefetch older than that is read again.
const aheadDepth = 4

// ahead counts Apply's outcomes and keeps the last batches' writes.
type ahead struct {
	mu      sync.Mutex
	applied uint64   // acknowledged Applies
	failed  uint64   // failed Applies
	recent  []landed // the last aheadDepth acknowledged, oldest first
	hits    uint64   // Applies that used their prefetch (tests)
}

// landed is what one acknowledged Apply wrote.
type landed struct {
	events map[eventKey]bool
	after  map[entityKey]*state
}

// prefetched is a batch's lookups made ahead of its Apply.
type prefetched struct {
	owner   *Analytics
	recs    []*domain.Record
	applied uint64 // ahead.applied when the reads began
	failed  uint64 // ahead.failed when the reads began
	stored  map[eventKey]bool
	prev    map[entityKey]*state
	used    bool
}

var _ app.LookupPrefetcher = (*Analytics)(nil)

// Prefetch reads what Apply of batch will need, for batch.Prefetched. It
// writes nothing, and its result (nil when it did not read) is only a head
// start: Apply uses it when it can prove it current, else reads again.
func (a *Analytics) Prefetch(ctx context.Context, batch app.IngestBatch) any {
	if len(batch.Records) == 0 {
		return nil
	}
	a.ahead.mu.Lock()
	applied, failed := a.ahead.applied, a.ahead.failed
	a.ahead.mu.Unlock()
	// After the counters: a failure counted before them has its insert in
	// the fence until an Apply waited it out.
	if !a.fence.clean() {
		return nil
	}
	stored, prev, err := a.lookups(ctx, batch.Records)
	if err != nil {
		return nil
	}
	return &prefetched{owner: a, recs: batch.Records, applied: applied, failed: failed, stored: stored, prev: prev}
}

// fromPrefetch returns batch's lookups from its prefetch, corrected by the
// batches acknowledged since; ok is false when they must be read again.
func (a *Analytics) fromPrefetch(batch app.IngestBatch) (stored map[eventKey]bool, prev map[entityKey]*state, ok bool) {
	p, _ := batch.Prefetched.(*prefetched)
	if p == nil || p.owner != a || p.used || len(p.recs) != len(batch.Records) || len(p.recs) == 0 || &p.recs[0] != &batch.Records[0] {
		return nil, nil, false
	}
	a.ahead.mu.Lock()
	defer a.ahead.mu.Unlock()
	since := a.ahead.applied - p.applied
	if a.ahead.failed != p.failed || since > uint64(len(a.ahead.recent)) {
		return nil, nil, false
	}
	p.used = true // its maps are corrected in place: once only
	for _, l := range a.ahead.recent[len(a.ahead.recent)-int(since):] {
		for _, r := range batch.Records {
			ek := eventKey{r.Event.TenantID, r.Event.ID}
			if l.events[ek] {
				p.stored[ek] = true
			}
			k := entityKey{r.Event.TenantID, r.Source.Name, r.Event.EntityID}
			if s, ok := l.after[k]; ok {
				p.prev[k] = s
			}
		}
	}
	a.ahead.hits++
	return p.stored, p.prev, true
}

// landedBatch remembers what an acknowledged insert wrote.
func (a *Analytics) landedBatch(rows []row) {
	l := landed{events: map[eventKey]bool{}, after: map[entityKey]*state{}}
	for i := range rows {
		r := &rows[i]
		switch {
		case r.kind == kindEvent:
			l.events[eventKey{r.tenant, r.eventID}] = true
		case r.kind == kindEntity && r.sign > 0:
			l.after[entityKey{r.tenant, r.source, r.entityID}] = &state{version: r.version, eventID: r.eventID, updatedAt: r.occurredAt, values: r.values}
		}
	}
	a.ahead.mu.Lock()
	a.ahead.applied++
	a.ahead.recent = append(a.ahead.recent, l)
	if len(a.ahead.recent) > aheadDepth {
		a.ahead.recent = a.ahead.recent[1:]
	}
	a.ahead.mu.Unlock()
}

// applyFailed voids every prefetch made before: the failed insert may still
// land.
func (a *Analytics) applyFailed() {
	a.ahead.mu.Lock()
	a.ahead.failed++
	a.ahead.mu.Unlock()
}
