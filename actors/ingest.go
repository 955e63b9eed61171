package actors

import (
	"context"
	"log/slog"
	"time"

	"github.com/anthdm/hollywood/actor"

	"github.com/conductor/reports/app"
)

// IngestConfig tunes an ingest actor; zero values take the defaults.
type IngestConfig struct {
	BatchSize int // events per batch; default 500
	// MaxBatch bounds the batch when the stream is backed up: each fetch
	// that comes back full doubles the next one's limit up to MaxBatch,
	// and one that comes back less than half full halves it, down to
	// BatchSize (a stream only briefly short keeps large batches). Fewer,
	// larger batches cost the store less per event (one transaction, one
	// part per table); default 10,000 (or BatchSize when that is larger).
	MaxBatch   int
	BatchWait  time.Duration // wait for the first event of a batch; default 50 ms
	MinBackoff time.Duration // first retry delay after a store error; default 100 ms
	MaxBackoff time.Duration // retry delay cap; default 10 s
}

func (c IngestConfig) withDefaults() IngestConfig {
	if c.BatchSize <= 0 {
		c.BatchSize = 500
	}
	if c.MaxBatch <= 0 {
		c.MaxBatch = 10_000
	}
	c.MaxBatch = max(c.MaxBatch, c.BatchSize)
	if c.BatchWait <= 0 {
		c.BatchWait = 50 * time.Millisecond
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = 100 * time.Millisecond
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 10 * time.Second
	}
	return c
}

// BatchApplier applies one consumed batch (app.Ingest.ApplyMessages).
type BatchApplier interface {
	ApplyMessages(ctx context.Context, msgs []app.ConsumedMessage) (app.ApplyResult, error)
}

// BatchPreparer is a BatchApplier whose work splits into a read-only
// preparation (decode, validate) and the write (app.Ingest does). With
// one, the actor prepares the next batch on another goroutine while the
// store applies the current one.
type BatchPreparer interface {
	BatchApplier
	PrepareMessages(ctx context.Context, msgs []app.ConsumedMessage) (*app.PreparedBatch, error)
	ApplyPrepared(ctx context.Context, batch *app.PreparedBatch) (app.ApplyResult, error)
}

// IngestDeps are what an ingest actor needs. NewConsumer is called on
// every (re)start: a fresh consumer resumes from the committed offsets, so
// a batch in flight when the actor crashed is delivered again.
type IngestDeps struct {
	NewConsumer func() (app.EventConsumer, error)
	Ingest      BatchApplier
	Log         *slog.Logger
	Config      IngestConfig
	// OnBatch, when set, is told of each committed batch (tests, metrics).
	OnBatch func(app.ApplyResult, int)
}

type (
	ingestPoll  struct{}
	ingestRetry struct{}
)

// ingest consumes the event stream at least once: fetch a batch, apply it
// to the analytics store, then commit; on a store error it keeps the batch
// and retries with exponential backoff without committing. Each step is
// one message to itself, so Stop lands between steps and a panic restarts
// the actor under its supervisor with the batch redelivered.
//
// With a BatchPreparer the actor reads ahead: before applying a batch it
// fetches the next one (without waiting) and prepares it on a goroutine,
// so decoding and validation use another core while the store writes.
// The batch read ahead is neither applied nor committed before the
// current one is committed; a restart drops it with the consumer, and the
// new consumer gets it again from the committed offsets. Fetch and Commit
// stay on the actor's goroutine (consumers are single-goroutine).
type ingest struct {
	deps     IngestDeps
	cfg      IngestConfig
	prep     BatchPreparer // nil: apply in one step
	consumer app.EventConsumer
	ctx      context.Context
	cancel   context.CancelFunc
	limit    int // the next fetch's limit (adaptive, BatchSize..MaxBatch)
	pending  []app.ConsumedMessage
	prepared *app.PreparedBatch // pending, prepared (BatchPreparer only)
	applied  bool               // pending is applied, not yet committed
	ahead    *readAhead         // the next batch, being prepared
	backoff  time.Duration
	timer    *time.Timer
}

// readAhead is a fetched batch whose preparation runs on a goroutine.
type readAhead struct {
	msgs []app.ConsumedMessage
	done chan *app.PreparedBatch // one value; nil when preparation failed
}

// NewIngest returns the producer of an ingest actor.
func NewIngest(deps IngestDeps) actor.Producer {
	return func() actor.Receiver {
		g := &ingest{deps: deps, cfg: deps.Config.withDefaults()}
		g.prep, _ = deps.Ingest.(BatchPreparer)
		g.limit = g.cfg.BatchSize
		return g
	}
}

func (g *ingest) Receive(c *actor.Context) {
	switch c.Message().(type) {
	case actor.Started:
		g.ctx, g.cancel = context.WithCancel(context.Background())
		cons, err := g.deps.NewConsumer()
		if err != nil {
			g.deps.Log.Error("ingest consumer", "err", err)
			g.retryLater(c)
			return
		}
		g.consumer = cons
		c.Send(c.PID(), ingestPoll{})
	case ingestRetry:
		g.timer = nil
		if g.consumer == nil {
			cons, err := g.deps.NewConsumer()
			if err != nil {
				g.deps.Log.Error("ingest consumer", "err", err)
				g.retryLater(c)
				return
			}
			g.consumer = cons
		}
		g.step(c)
	case ingestPoll:
		g.step(c)
	case actor.Stopped:
		g.stop()
	}
}

// fetch takes up to the adaptive limit from the consumer, waiting at most
// wait, and adapts the next limit to how backed up the stream is.
func (g *ingest) fetch(wait time.Duration) ([]app.ConsumedMessage, error) {
	msgs, err := g.consumer.Fetch(g.ctx, g.limit, wait)
	if err != nil {
		return nil, err
	}
	switch {
	case len(msgs) >= g.limit:
		g.limit = min(2*g.limit, g.cfg.MaxBatch)
	case len(msgs) < g.limit/2:
		g.limit = max(g.limit/2, g.cfg.BatchSize)
	}
	return msgs, nil
}

// step advances the batch in hand (fetch, apply, commit) as far as it can.
func (g *ingest) step(c *actor.Context) {
	if g.pending == nil {
		if g.ahead != nil {
			g.pending, g.prepared, g.applied = g.ahead.msgs, <-g.ahead.done, false
			g.ahead = nil
		} else {
			msgs, err := g.fetch(g.cfg.BatchWait)
			if err != nil {
				if g.ctx.Err() != nil {
					return
				}
				g.deps.Log.Error("ingest fetch", "err", err)
				g.retryLater(c)
				return
			}
			if len(msgs) == 0 {
				c.Send(c.PID(), ingestPoll{})
				return
			}
			g.pending, g.prepared, g.applied = msgs, nil, false
		}
	}
	var res app.ApplyResult
	if !g.applied {
		var err error
		if res, err = g.apply(); err != nil {
			g.deps.Log.Error("ingest apply; will retry the same batch", "err", err, "events", len(g.pending), "retry_in", g.nextBackoff().String())
			g.retryLater(c)
			return
		}
		g.applied = true
	}
	if err := g.consumer.Commit(g.ctx, g.pending); err != nil {
		g.deps.Log.Error("ingest commit; will retry", "err", err)
		g.retryLater(c)
		return
	}
	if g.deps.OnBatch != nil {
		g.deps.OnBatch(res, len(g.pending))
	}
	g.pending, g.prepared, g.applied, g.backoff = nil, nil, false, 0
	c.Send(c.PID(), ingestPoll{})
}

// apply applies the pending batch: in one call, or (with a preparer)
// preparing it unless that is done, starting the read-ahead, then writing.
func (g *ingest) apply() (app.ApplyResult, error) {
	if g.prep == nil {
		return g.deps.Ingest.ApplyMessages(g.ctx, g.pending)
	}
	if g.prepared == nil {
		p, err := g.prep.PrepareMessages(g.ctx, g.pending)
		if err != nil {
			return app.ApplyResult{}, err
		}
		g.prepared = p
	}
	g.readAhead()
	return g.prep.ApplyPrepared(g.ctx, g.prepared)
}

// readAhead fetches what the stream already holds, without waiting, and
// prepares it on a goroutine. A fetch error is left for the next step's
// own fetch to meet and report.
func (g *ingest) readAhead() {
	if g.ahead != nil {
		return
	}
	msgs, err := g.fetch(0)
	if err != nil || len(msgs) == 0 {
		return
	}
	ra := &readAhead{msgs: msgs, done: make(chan *app.PreparedBatch, 1)}
	ctx, prep := g.ctx, g.prep
	go func() {
		var p *app.PreparedBatch
		defer func() {
			// A failed or panicking preparation leaves nil: the actor
			// prepares the batch again when its turn comes, where an error
			// is reported and retried and a panic restarts the actor.
			_ = recover()
			ra.done <- p
		}()
		if prepared, err := prep.PrepareMessages(ctx, msgs); err == nil {
			p = prepared
		}
	}()
	g.ahead = ra
}

func (g *ingest) nextBackoff() time.Duration {
	if g.backoff == 0 {
		return g.cfg.MinBackoff
	}
	return min(2*g.backoff, g.cfg.MaxBackoff)
}

// retryLater schedules the next step after the backoff delay.
func (g *ingest) retryLater(c *actor.Context) {
	g.backoff = g.nextBackoff()
	engine, pid := c.Engine(), c.PID()
	g.timer = time.AfterFunc(g.backoff, func() { engine.Send(pid, ingestRetry{}) })
}

func (g *ingest) stop() {
	if g.timer != nil {
		g.timer.Stop()
	}
	if g.cancel != nil {
		g.cancel()
	}
	if g.consumer != nil {
		_ = g.consumer.Close()
		g.consumer = nil
	}
}
