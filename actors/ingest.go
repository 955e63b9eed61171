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
	BatchSize  int           // events per batch; default 500
	BatchWait  time.Duration // wait for the first event of a batch; default 50 ms
	MinBackoff time.Duration // first retry delay after a store error; default 100 ms
	MaxBackoff time.Duration // retry delay cap; default 10 s
}

func (c IngestConfig) withDefaults() IngestConfig {
	if c.BatchSize <= 0 {
		c.BatchSize = 500
	}
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
type ingest struct {
	deps     IngestDeps
	cfg      IngestConfig
	consumer app.EventConsumer
	ctx      context.Context
	cancel   context.CancelFunc
	pending  []app.ConsumedMessage
	applied  bool // pending is applied, not yet committed
	backoff  time.Duration
	timer    *time.Timer
}

// NewIngest returns the producer of an ingest actor.
func NewIngest(deps IngestDeps) actor.Producer {
	return func() actor.Receiver {
		return &ingest{deps: deps, cfg: deps.Config.withDefaults()}
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

// step advances the batch in hand (fetch, apply, commit) as far as it can.
func (g *ingest) step(c *actor.Context) {
	if g.pending == nil {
		msgs, err := g.consumer.Fetch(g.ctx, g.cfg.BatchSize, g.cfg.BatchWait)
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
		g.pending, g.applied = msgs, false
	}
	var res app.ApplyResult
	if !g.applied {
		var err error
		if res, err = g.deps.Ingest.ApplyMessages(g.ctx, g.pending); err != nil {
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
	g.pending, g.applied, g.backoff = nil, false, 0
	c.Send(c.PID(), ingestPoll{})
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
