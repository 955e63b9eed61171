package clickhouse

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
)

func hits(a *Analytics) uint64 {
	a.ahead.mu.Lock()
	defer a.ahead.mu.Unlock()
	return a.ahead.hits
}

func applyWith(tb testing.TB, a *Analytics, pre any, recs ...*domain.Record) app.ApplyResult {
	tb.Helper()
	res, err := a.Apply(context.Background(), app.IngestBatch{Records: recs, IngestedAt: now, Prefetched: pre})
	if err != nil {
		tb.Fatalf("apply: %v", err)
	}
	return res
}

// A batch's lookups made before the batch ahead of it lands are corrected
// by what that batch wrote: the entity's state it changed (so the -1 row
// retracts in_progress, not open) and its new event ids (so an event it
// stored is a duplicate here).
func TestPrefetchBeforeAConflictingBatchIsCorrected(t *testing.T) {
	t.Parallel()
	a := mustOpen(t, nil)
	day := now.Add(-48 * time.Hour)
	applyOK(t, a, tk(t, "p1", "T-1", 1, "open", day, `,"first_response_minutes":10`))
	x := tk(t, "p2", "T-2", 1, "open", day, "")
	batchA := []*domain.Record{tk(t, "p3", "T-1", 2, "in_progress", day, `,"first_response_minutes":10`), x}
	batchB := []*domain.Record{tk(t, "p4", "T-1", 3, "resolved", day, `,"first_response_minutes":10,"resolution_minutes":60`), x}

	pre := a.Prefetch(t.Context(), app.IngestBatch{Records: batchB})
	if pre == nil {
		t.Fatal("no prefetch with a clean fence")
	}
	applyOK(t, a, batchA...)
	res := applyWith(t, a, pre, batchB...)
	if hits(a) != 1 {
		t.Fatalf("the prefetch was not used (hits %d)", hits(a))
	}
	if res.Inserted != 1 || res.Duplicates != 1 {
		t.Fatalf("result %+v: want 1 inserted and the event of the batch before as a duplicate", res)
	}
	if got := rollupByStatus(t, a); got["resolved"] != 1 || got["open"] != 1 || got["in_progress"] != 0 {
		t.Fatalf("rollup by status %v: want T-1 resolved and T-2 open, each once", got)
	}
	mustVerify(t, a, "t1")
	// A prefetch is used once: applying the same batch again reads again.
	if res := applyWith(t, a, pre, batchB...); res.Inserted != 0 || hits(a) != 1 {
		t.Fatalf("second use: %+v, hits %d", res, hits(a))
	}
}

// A failed Apply voids the prefetches made before it: its insert may have
// landed, and nothing records what it wrote.
func TestPrefetchVoidedByAFailure(t *testing.T) {
	t.Parallel()
	a := mustOpen(t, nil)
	day := now.Add(-48 * time.Hour)
	applyOK(t, a, tk(t, "f1", "T-1", 1, "open", day, ""))
	batchA := []*domain.Record{tk(t, "f2", "T-1", 2, "in_progress", day, "")}
	batchB := []*domain.Record{tk(t, "f3", "T-1", 3, "resolved", day, "")}
	pre := a.Prefetch(t.Context(), app.IngestBatch{Records: batchB})
	a.hook = func(step string) error {
		if step == "inserted" {
			return errors.New("acknowledgement lost")
		}
		return nil
	}
	if _, err := a.Apply(t.Context(), app.IngestBatch{Records: batchA, IngestedAt: now}); err == nil {
		t.Fatal("the hook's error was not returned")
	}
	a.hook = nil
	if res := applyOK(t, a, batchA...); res.Duplicates != 1 {
		t.Fatalf("retry of the landed batch: %+v", res)
	}
	applyWith(t, a, pre, batchB...)
	if hits(a) != 0 {
		t.Fatal("a prefetch made before a failure was used")
	}
	if got := rollupByStatus(t, a); got["resolved"] != 1 || len(got) != 1 && (got["open"] != 0 || got["in_progress"] != 0) {
		t.Fatalf("rollup by status %v", got)
	}
	mustVerify(t, a, "t1")

	// A batch that is not the prefetched one, and a prefetch older than
	// the batches remembered, are read again too.
	other := []*domain.Record{tk(t, "f4", "T-3", 1, "open", day, "")}
	pre = a.Prefetch(t.Context(), app.IngestBatch{Records: batchB})
	applyWith(t, a, pre, other...)
	pre = a.Prefetch(t.Context(), app.IngestBatch{Records: other})
	for i := range aheadDepth + 1 {
		applyOK(t, a, tk(t, "g"+string(rune('a'+i)), "T-9", int64(i+1), "open", day, ""))
	}
	applyWith(t, a, pre, other...)
	if hits(a) != 0 {
		t.Fatalf("hits %d", hits(a))
	}
}

// The property test of TestRandomBatchesKeepRollupsExact with the ingest
// actor's timing: each batch's lookups run while the batch before it is
// written, and rollups stay equal to the raw tables after every batch.
func TestRandomBatchesWithPrefetchKeepRollupsExact(t *testing.T) {
	t.Parallel()
	a := mustOpen(t, nil)
	r := seededRand(t, 7)
	recs := randomRecords(t, r, 400)
	var batches [][]*domain.Record
	for len(recs) > 0 {
		n := min(len(recs), 1+r.IntN(60))
		batches = append(batches, recs[:n])
		recs = recs[n:]
	}
	applyOK(t, a, batches[0]...)
	var pre any
	for i := 1; i < len(batches); i++ {
		// Prefetch batch i while batch i-1 is applied (the first: after).
		next := make(chan any, 1)
		go func() { next <- a.Prefetch(context.Background(), app.IngestBatch{Records: batches[i]}) }()
		if i > 1 {
			applyWith(t, a, pre, batches[i-1]...)
		}
		pre = <-next
		for _, tenant := range []string{"t1", "t2"} {
			if err := a.VerifyRollups(t.Context(), tenant); err != nil {
				t.Fatalf("batch %d (seed logged above): %v", i-1, err)
			}
		}
	}
	applyWith(t, a, pre, batches[len(batches)-1]...)
	for _, tenant := range []string{"t1", "t2"} {
		mustVerify(t, a, tenant)
	}
	if h := hits(a); h < uint64(len(batches))/2 {
		t.Fatalf("only %d of %d batches used their prefetch", h, len(batches)-1)
	}
}
