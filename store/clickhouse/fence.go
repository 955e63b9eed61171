package clickhouse

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
)

// tenantLocks serialises Apply per tenant: two batches of one tenant must not
// both read an entity's stored state and both retract it. Striped, so the
// set needs no cleanup and tenants that hash apart still ingest in parallel;
// stripes are taken in ascending order, so batches spanning several tenants
// cannot deadlock. Across processes the stream's partitioning by tenant
// gives the same guarantee (see doc.go).
type tenantLocks [64]sync.Mutex

func (l *tenantLocks) lock(tenants []string) (unlock func()) {
	idx := make([]int, 0, len(tenants))
	for _, t := range tenants {
		h := fnv.New32a()
		_, _ = h.Write([]byte(t))
		idx = append(idx, int(h.Sum32()%uint32(len(l))))
	}
	slices.Sort(idx)
	idx = slices.Compact(idx)
	for _, i := range idx {
		l[i].Lock()
	}
	return func() {
		for _, i := range slices.Backward(idx) {
			l[i].Unlock()
		}
	}
}

// fence makes Apply wait for inserts whose outcome it did not see. An insert
// that failed on the client (timeout, broken connection, cancelled context)
// may still be running on the server, and would land after a retry had
// looked up the batch's event ids and found none: the batch would count
// twice. Every insert carries a query id with a per-database prefix; after
// a failure, and once after Open (a restarted process knows nothing of the
// inserts its predecessor left running), Apply waits until those queries
// are gone from system.processes: then each has either landed, so the
// retry finds its events, or not, so the retry writes them.
type fence struct {
	prefix  string // query id prefix of this database's inserts
	timeout time.Duration

	mu      sync.Mutex
	pending map[string]bool // failed inserts' query ids
	started bool            // the after-Open wait is done
}

func newFence(database string, timeout time.Duration) *fence {
	return &fence{prefix: "reports-ingest-" + database + "-", timeout: timeout, pending: map[string]bool{}}
}

// newQueryID names one insert.
func (f *fence) newQueryID() string { return f.prefix + uuid.NewString() }

// failed records an insert whose outcome is unknown.
func (f *fence) failed(queryID string) {
	f.mu.Lock()
	f.pending[queryID] = true
	f.mu.Unlock()
}

// clean reports whether Apply has nothing to wait for: the after-Open wait
// is done and no failed insert is pending.
func (f *fence) clean() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.started && len(f.pending) == 0
}

// runningFunc lists the running queries whose id starts with prefix.
type runningFunc func(ctx context.Context, prefix string) ([]string, error)

// wait returns once no insert it must wait for is running, or fails after
// the fence's timeout.
func (f *fence) wait(ctx context.Context, running runningFunc) error {
	f.mu.Lock()
	wait := map[string]bool{}
	for id := range f.pending {
		wait[id] = true
	}
	started := f.started
	f.mu.Unlock()
	if started && len(wait) == 0 {
		return nil
	}
	deadline := time.Now().Add(f.timeout)
	for first := true; ; first = false {
		ids, err := running(ctx, f.prefix)
		if err != nil {
			return fmt.Errorf("check for unfinished inserts: %w", err)
		}
		busy := ""
		for _, id := range ids {
			if first && !started {
				wait[id] = true // a snapshot: later inserts of other nodes are not ours to wait for
			}
			if wait[id] {
				busy = id
			}
		}
		if busy == "" {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("insert %s still running after %s", busy, f.timeout)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for insert %s: %w", busy, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	f.mu.Lock()
	for id := range wait {
		delete(f.pending, id)
	}
	f.started = true
	f.mu.Unlock()
	return nil
}
