package actors

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/anthdm/hollywood/actor"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/streams/inproc"
)

// recordingApplier remembers every distinct message it applied (by
// offset) and how often; fail and panic hooks inject faults.
type recordingApplier struct {
	mu      sync.Mutex
	applied map[int64]int
	calls   int
	fault   func(call int) (err error, panicNow bool)
}

func (r *recordingApplier) ApplyMessages(_ context.Context, msgs []app.ConsumedMessage) (app.ApplyResult, error) {
	r.mu.Lock()
	r.calls++
	call := r.calls
	r.mu.Unlock()
	if r.fault != nil {
		if err, p := r.fault(call); p {
			panic(fmt.Sprintf("injected crash in call %d", call))
		} else if err != nil {
			return app.ApplyResult{}, err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range msgs {
		r.applied[m.Offset]++
	}
	return app.ApplyResult{Inserted: len(msgs)}, nil
}

func (r *recordingApplier) distinct() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.applied)
}

func publishN(t *testing.T, log *inproc.Log, n int) {
	t.Helper()
	var msgs []app.StreamMessage
	for i := 0; i < n; i++ {
		msgs = append(msgs, app.StreamMessage{Key: []byte("t1"), Value: []byte(fmt.Sprintf(`{"n":%d}`, i))})
	}
	if err := log.Publisher().Publish(context.Background(), msgs); err != nil {
		t.Fatal(err)
	}
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestIngestAppliesEveryEventAtLeastOnceThroughCrashesAndErrors(t *testing.T) {
	t.Parallel()
	s := mustNewSystem(t, SystemConfig{RestartDelay: time.Millisecond}, nil)
	stream := inproc.New(inproc.Config{})
	publishN(t, stream, 2000)
	applier := &recordingApplier{applied: map[int64]int{}, fault: func(call int) (error, bool) {
		switch {
		case call%7 == 3:
			return nil, true // the actor crashes mid-batch
		case call%5 == 2:
			return errors.New("store unavailable"), false
		}
		return nil, false
	}}
	var committed sync.Map
	_, err := s.Spawn(NewIngest(IngestDeps{
		NewConsumer: func() (app.EventConsumer, error) { return stream.Consumer(), nil },
		Ingest:      applier, Log: quietLog(),
		Config:  IngestConfig{BatchSize: 64, BatchWait: time.Millisecond, MinBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond},
		OnBatch: func(_ app.ApplyResult, n int) { committed.Store(time.Now().UnixNano(), n) },
	}), "ingest", actor.WithMaxRestarts(1000))
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "every event applied and committed", func() bool { return applier.distinct() == 2000 && stream.Len() == 0 })
	stats, _ := s.Stats(context.Background())
	if stats.Restarts == 0 {
		t.Fatal("no crash happened: the test injected none")
	}
}

func TestIngestRetriesTheSameBatchWithBackoff(t *testing.T) {
	t.Parallel()
	s := mustNewSystem(t, SystemConfig{}, nil)
	stream := inproc.New(inproc.Config{})
	publishN(t, stream, 10)
	var seen [][]int64
	var mu sync.Mutex
	fails := 3
	applier := applierFunc(func(msgs []app.ConsumedMessage) error {
		mu.Lock()
		defer mu.Unlock()
		var offs []int64
		for _, m := range msgs {
			offs = append(offs, m.Offset)
		}
		seen = append(seen, offs)
		if fails > 0 {
			fails--
			return errors.New("clickhouse down")
		}
		return nil
	})
	start := time.Now()
	_, err := s.Spawn(NewIngest(IngestDeps{
		NewConsumer: func() (app.EventConsumer, error) { return stream.Consumer(), nil },
		Ingest:      applier, Log: quietLog(),
		Config: IngestConfig{BatchSize: 100, BatchWait: time.Millisecond, MinBackoff: 10 * time.Millisecond},
	}), "ingest")
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the batch to commit", func() bool { return stream.Len() == 0 })
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 4 {
		t.Fatalf("apply calls %d, want 3 failures + 1 success", len(seen))
	}
	for _, offs := range seen[1:] {
		if fmt.Sprint(offs) != fmt.Sprint(seen[0]) {
			t.Fatalf("retry changed the batch: %v vs %v", offs, seen[0])
		}
	}
	// Backoff doubles: 10 + 20 + 40 ms at least before the success.
	if el := time.Since(start); el < 70*time.Millisecond {
		t.Fatalf("retried too fast: %v", el)
	}
}

type applierFunc func([]app.ConsumedMessage) error

func (f applierFunc) ApplyMessages(_ context.Context, msgs []app.ConsumedMessage) (app.ApplyResult, error) {
	return app.ApplyResult{}, f(msgs)
}

// failingConsumer fails to open, fetch or commit as told.
type failingConsumer struct {
	app.EventConsumer
	commitErrs int
	mu         sync.Mutex
}

func (f *failingConsumer) Commit(ctx context.Context, msgs []app.ConsumedMessage) error {
	f.mu.Lock()
	if f.commitErrs > 0 {
		f.commitErrs--
		f.mu.Unlock()
		return errors.New("broker unavailable")
	}
	f.mu.Unlock()
	return f.EventConsumer.Commit(ctx, msgs)
}

func TestIngestSurvivesConsumerAndCommitFailures(t *testing.T) {
	t.Parallel()
	s := mustNewSystem(t, SystemConfig{}, nil)
	stream := inproc.New(inproc.Config{})
	publishN(t, stream, 5)
	opens := 0
	applied := 0
	var mu sync.Mutex
	_, err := s.Spawn(NewIngest(IngestDeps{
		NewConsumer: func() (app.EventConsumer, error) {
			mu.Lock()
			defer mu.Unlock()
			opens++
			if opens <= 2 {
				return nil, errors.New("cannot reach the brokers")
			}
			return &failingConsumer{EventConsumer: stream.Consumer(), commitErrs: 2}, nil
		},
		Ingest: applierFunc(func(msgs []app.ConsumedMessage) error {
			mu.Lock()
			applied++
			mu.Unlock()
			return nil
		}),
		Log:    quietLog(),
		Config: IngestConfig{BatchWait: time.Millisecond, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond},
	}), "ingest")
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "commit after failures", func() bool { return stream.Len() == 0 })
	mu.Lock()
	defer mu.Unlock()
	if applied != 1 {
		t.Fatalf("a failed commit must not re-apply the batch in the same incarnation: applied %d times", applied)
	}
}

func TestIngestConfigDefaults(t *testing.T) {
	c := IngestConfig{}.withDefaults()
	if c.BatchSize != 500 || c.MaxBatch != 10_000 || c.BatchWait != 50*time.Millisecond || c.MinBackoff != 100*time.Millisecond || c.MaxBackoff != 10*time.Second {
		t.Fatalf("%+v", c)
	}
	if c := (IngestConfig{BatchSize: 20_000, MaxBatch: 5}).withDefaults(); c.MaxBatch != 20_000 {
		t.Fatalf("MaxBatch below BatchSize: %+v", c)
	}
}

// preparingApplier is a BatchPreparer over a recordingApplier: prepare and
// apply run apart (the actor prepares the next batch while it applies the
// current one), each with its own faults. It checks that a batch is only
// applied after it was prepared, and records the batch sizes it saw.
type preparingApplier struct {
	recordingApplier
	prepCalls  int
	prepFault  func(call int) (err error, panicNow bool)
	inPrepare  int // preparations running now
	overlapped bool
	sizes      []int
	batches    map[*app.PreparedBatch][]app.ConsumedMessage
}

func (p *preparingApplier) PrepareMessages(_ context.Context, msgs []app.ConsumedMessage) (*app.PreparedBatch, error) {
	p.mu.Lock()
	p.prepCalls++
	call := p.prepCalls
	p.inPrepare++
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.inPrepare--
		p.mu.Unlock()
	}()
	if p.prepFault != nil {
		if err, pn := p.prepFault(call); pn {
			panic(fmt.Sprintf("injected crash in prepare %d", call))
		} else if err != nil {
			return nil, err
		}
	}
	b := &app.PreparedBatch{}
	p.mu.Lock()
	p.batches[b] = msgs
	p.mu.Unlock()
	return b, nil
}

func (p *preparingApplier) ApplyPrepared(ctx context.Context, b *app.PreparedBatch) (app.ApplyResult, error) {
	p.mu.Lock()
	msgs, ok := p.batches[b]
	if !ok {
		p.mu.Unlock()
		panic("applied a batch that was never prepared")
	}
	p.sizes = append(p.sizes, len(msgs))
	started := p.prepCalls
	p.mu.Unlock()
	// The apply lasts until a preparation starts or runs (the next batch,
	// read ahead on another goroutine), 50 ms at most: long enough for a
	// loaded machine to schedule that goroutine, so overlapped does not
	// depend on timing when the actor reads ahead, and stays false when it
	// does not.
	for deadline := time.Now().Add(50 * time.Millisecond); time.Now().Before(deadline); time.Sleep(100 * time.Microsecond) {
		p.mu.Lock()
		during := p.inPrepare > 0 || p.prepCalls > started
		if during {
			p.overlapped = true
		}
		p.mu.Unlock()
		if during {
			break
		}
	}
	return p.ApplyMessages(ctx, msgs)
}

// TestIngestPipelinedAppliesEveryEventAtLeastOnceThroughCrashesAndErrors is
// the at-least-once test again with a BatchPreparer: the actor reads ahead
// and prepares the next batch during the apply, and crashes or errors in
// either half lose nothing and never commit a batch before it is applied.
func TestIngestPipelinedAppliesEveryEventAtLeastOnceThroughCrashesAndErrors(t *testing.T) {
	t.Parallel()
	s := mustNewSystem(t, SystemConfig{RestartDelay: time.Millisecond}, nil)
	stream := inproc.New(inproc.Config{})
	const n = 3000
	publishN(t, stream, n)
	p := &preparingApplier{recordingApplier: recordingApplier{applied: map[int64]int{}, fault: func(call int) (error, bool) {
		switch {
		case call%11 == 3:
			return nil, true
		case call%5 == 2:
			return errors.New("store unavailable"), false
		}
		return nil, false
	}}, prepFault: func(call int) (error, bool) {
		switch {
		case call%13 == 5:
			return nil, true // on the actor or on the read-ahead goroutine
		case call%7 == 4:
			return errors.New("metadata store unavailable"), false
		}
		return nil, false
	}, batches: map[*app.PreparedBatch][]app.ConsumedMessage{}}
	_, err := s.Spawn(NewIngest(IngestDeps{
		NewConsumer: func() (app.EventConsumer, error) { return stream.Consumer(), nil },
		Ingest:      p, Log: quietLog(),
		Config: IngestConfig{BatchSize: 32, MaxBatch: 256, BatchWait: time.Millisecond, MinBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond},
	}), "ingest", actor.WithMaxRestarts(1000))
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "every event applied and committed", func() bool { return p.distinct() == n && stream.Len() == 0 })
	p.mu.Lock()
	defer p.mu.Unlock()
	for off := range p.applied {
		if off < 0 || off >= n {
			t.Fatalf("applied offset %d never published", off)
		}
	}
	if !p.overlapped {
		t.Error("no preparation ever ran during an apply: the actor did not read ahead")
	}
	grew := false
	for _, sz := range p.sizes {
		if sz > 32 {
			grew = true
		}
		if sz > 256 {
			t.Fatalf("batch of %d exceeds MaxBatch 256", sz)
		}
	}
	if !grew {
		t.Errorf("batches never grew past BatchSize on a backed-up stream: %v", p.sizes)
	}
	stats, _ := s.Stats(context.Background())
	if stats.Restarts == 0 {
		t.Fatal("no crash happened: the test injected none")
	}
}
