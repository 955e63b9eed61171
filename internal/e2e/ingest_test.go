//go:build !race

// The race detector slows the transpiled SQLite about tenfold; every part
// assembled here is race-tested in its own package, and make test runs
// these end-to-end tests in a second, race-free pass.

package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anthdm/hollywood/actor"

	"github.com/conductor/reports/actors"
	"github.com/conductor/reports/app"
	"github.com/conductor/reports/app/demogen"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/schema"
	"github.com/conductor/reports/store/sqlite"
	"github.com/conductor/reports/streams/inproc"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// crashingAnalytics makes the ingest actor crash before or after the real
// Apply, as a killed consumer would: before, nothing was written; after,
// the batch is durable but its offsets are not committed.
type crashingAnalytics struct {
	app.Analytics
	mu      sync.Mutex
	rnd     *rand.Rand
	left    int
	crashes atomic.Int64
}

func (c *crashingAnalytics) decide() (before, after bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.left == 0 || c.rnd.IntN(4) != 0 {
		return false, false
	}
	c.left--
	c.crashes.Add(1)
	if c.rnd.IntN(2) == 0 {
		return true, false
	}
	return false, true
}

func (c *crashingAnalytics) Apply(ctx context.Context, b app.IngestBatch) (app.ApplyResult, error) {
	before, after := c.decide()
	if before {
		panic("killed before the batch was written")
	}
	res, err := c.Analytics.Apply(ctx, b)
	if after && err == nil {
		panic("killed after the batch was written, before the commit")
	}
	return res, err
}

type harness struct {
	meta      *sqlite.Metadata
	analytics *sqlite.Analytics
	tenantID  string
	cat       *domain.Catalog
}

func newHarness(t *testing.T) *harness { return newHarnessTB(t) }

func newHarnessTB(t testing.TB) *harness {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "reports.db")
	meta, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { meta.Close() })
	if err := meta.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	cheap := app.Argon2Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1}
	if err := app.NewBootstrap(meta, time.Now, cheap).SeedDemo(ctx, "demo-password-1"); err != nil {
		t.Fatal(err)
	}
	tenant, err := meta.GetTenantBySlug(ctx, app.DemoTenantSlug)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := domain.ParseCatalog(schema.CatalogJSON())
	if err != nil {
		t.Fatal(err)
	}
	a, err := sqlite.OpenAnalytics(ctx, path, cat)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return &harness{meta: meta, analytics: a, tenantID: tenant.ID, cat: cat}
}

// startIngest runs one ingest actor over stream with analytics.
// Its batches stay at 250 events (no growth while the stream is backed
// up), so a run has enough batches for the crash tests to kill some.
func (h *harness) startIngest(t *testing.T, stream *inproc.Log, analytics app.Analytics) *actors.System {
	return h.startIngestTB(t, stream, analytics, 250, 250)
}

// startIngestTB runs one ingest actor with batches of batch events,
// growing up to maxBatch while the stream is backed up (0: the default).
func (h *harness) startIngestTB(t testing.TB, stream *inproc.Log, analytics app.Analytics, batch, maxBatch int) *actors.System {
	sys, err := actors.NewSystem(actors.SystemConfig{RestartDelay: time.Millisecond}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	ing := app.NewIngest(h.cat, h.meta, analytics, stream.Publisher(), nil, time.Now, quiet, app.IngestConfig{})
	_, err = sys.Spawn(actors.NewIngest(actors.IngestDeps{
		NewConsumer: func() (app.EventConsumer, error) { return stream.Consumer(), nil },
		Ingest:      ing, Log: quiet,
		Config: actors.IngestConfig{BatchSize: batch, MaxBatch: maxBatch, BatchWait: 2 * time.Millisecond, MinBackoff: time.Millisecond},
	}), "ingest", actor.WithMaxRestarts(1000))
	if err != nil {
		t.Fatal(err)
	}
	return sys
}

// checkTotals compares the store with the generator's own totals.
func (h *harness) checkTotals(t *testing.T, ds *demogen.Dataset) {
	h.analyticsCheck(t, h.analytics, ds)
}

// analyticsCheck fails t unless store a matches the generator's totals.
func (h *harness) analyticsCheck(t *testing.T, a app.Analytics, ds *demogen.Dataset) {
	if err := h.mismatch(a, ds); err != nil {
		t.Error(err)
	}
}

// mismatch returns the first difference between store a and the
// generator's own totals: rows and exact measure sums per source, rollups
// against the raw tables, and the count of dead letters.
func (h *harness) mismatch(a app.Analytics, ds *demogen.Dataset) error {
	ctx := context.Background()
	for src, want := range ds.Totals.Sources {
		got, err := a.SourceTotals(ctx, h.tenantID, src)
		if err != nil {
			return err
		}
		if got.Rows != want.Rows {
			return fmt.Errorf("%s rows: store %d, generator %d", src, got.Rows, want.Rows)
		}
		for m, s := range want.Sums {
			if got.Sums[m] != s || got.Counts[m] != want.Counts[m] {
				return fmt.Errorf("%s.%s: store sum %d count %d, generator sum %d count %d", src, m, got.Sums[m], got.Counts[m], s, want.Counts[m])
			}
		}
	}
	if err := a.VerifyRollups(ctx, h.tenantID); err != nil {
		return err
	}
	var dead int64
	cursor := ""
	for {
		rows, err := a.ListDeadLetters(ctx, []string{h.tenantID, app.DemoTenantSlug}, cursor, 500)
		if err != nil {
			return err
		}
		dead += int64(len(rows))
		if len(rows) < 500 {
			break
		}
		cursor = rows[len(rows)-1].ID
	}
	// Every refusal is listed for the tenant, even malformed JSON and a
	// missing tenant_id: the message key (the tenant) files them.
	if dead != ds.Totals.Invalid {
		return fmt.Errorf("dead letters %d, want %d (%v)", dead, ds.Totals.Invalid, ds.Totals.InvalidByKind)
	}
	return nil
}

func publishAll(t *testing.T, stream *inproc.Log, raws [][]byte) { publishAllTB(t, stream, raws) }

func publishAllTB(t testing.TB, stream *inproc.Log, raws [][]byte) {
	for i := 0; i < len(raws); i += 500 {
		var msgs []app.StreamMessage
		for _, r := range raws[i:min(i+500, len(raws))] {
			msgs = append(msgs, app.StreamMessage{Key: []byte(app.DemoTenantSlug), Value: r})
		}
		if err := stream.Publisher().Publish(context.Background(), msgs); err != nil {
			t.Fatal(err)
		}
	}
}

func waitDrained(t *testing.T, stream *inproc.Log) { waitDrainedTB(t, stream) }

func waitDrainedTB(t testing.TB, stream *inproc.Log) {
	deadline := time.Now().Add(60 * time.Second)
	for stream.Len() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d events never committed", stream.Len())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// dataset is at least 10,000 envelopes with duplicates and invalid ones.
// The generator's count is approximate and follows the clock (seed 42 gave
// 9,787 envelopes for a Now of 23:00-23:10 UTC on 2026-12-04, 9,786-11,548
// over that week's hours), so it asks for more until there are enough.
func dataset(t *testing.T) *demogen.Dataset {
	now := time.Now()
	var ds *demogen.Dataset
	for events := 10_000; ds == nil || len(ds.Raw) < 10_000 && events <= 20_000; events += 1_000 {
		var err error
		if ds, err = demogen.Generate(demogen.Config{Seed: 42, Now: now, Events: events, DuplicateRate: 0.05, InvalidRate: 0.04}); err != nil {
			t.Fatal(err)
		}
	}
	if ds.Totals.Duplicates == 0 || ds.Totals.Invalid == 0 || len(ds.Raw) < 10_000 {
		t.Fatalf("dataset lacks faults: %+v", ds.Totals)
	}
	return ds
}

// TestIngestSurvivesKilledConsumers: 10,000+ events with duplicates and
// invalid ones through the in-process stream into SQLite while the
// consumer is killed before and after writes; totals equal the
// generator's exactly (issue 3, acceptance 1 and 3, embedded path).
func TestIngestSurvivesKilledConsumers(t *testing.T) {
	h := newHarness(t)
	ds := dataset(t)
	stream := inproc.New(inproc.Config{Capacity: len(ds.Raw)})
	crashing := &crashingAnalytics{Analytics: h.analytics, rnd: rand.New(rand.NewPCG(1, 2)), left: 12}
	sys := h.startIngest(t, stream, crashing)
	publishAll(t, stream, ds.Raw)
	waitDrained(t, stream)
	_ = sys.Shutdown(context.Background())
	if crashing.crashes.Load() == 0 {
		t.Fatal("no consumer was killed")
	}
	h.checkTotals(t, ds)
}

// TestIngestResumesAfterTheWholeActorSystemStops: the actor system is
// shut down mid-stream (a node restart with the log kept, as Kafka keeps
// it) and a new one resumes from the committed offsets.
func TestIngestResumesAfterTheWholeActorSystemStops(t *testing.T) {
	h := newHarness(t)
	ds := dataset(t)
	stream := inproc.New(inproc.Config{Capacity: len(ds.Raw)})
	publishAll(t, stream, ds.Raw)
	for round := 0; round < 3 && stream.Len() > 0; round++ {
		sys := h.startIngest(t, stream, h.analytics)
		time.Sleep(time.Duration(20+round*10) * time.Millisecond)
		if err := sys.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	sys := h.startIngest(t, stream, h.analytics)
	waitDrained(t, stream)
	_ = sys.Shutdown(context.Background())
	h.checkTotals(t, ds)
	if t.Failed() {
		t.Log(fmt.Sprintf("sent %d envelopes", len(ds.Raw)))
	}
}
