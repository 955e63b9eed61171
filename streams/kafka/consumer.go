package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/conductor/reports/app"
)

// minWait is the shortest first-message wait Fetch uses: kafka-go's
// FetchMessage picks at random between an already expired context and a
// ready message, so a zero wait would return nothing half the time.
const minWait = time.Millisecond

// maxPrealloc caps the batch slice Fetch allocates up front, so a caller
// passing a huge limit on a quiet topic does not pay for it.
const maxPrealloc = 1024

// Consumer reads the topic as a member of a consumer group with a kafka-go
// Reader. Fetch and Commit are for one goroutine at a time (one ingest
// worker per consumer; run more consumers in the group to scale); Close
// may come from another goroutine to end a waiting Fetch.
type Consumer struct {
	r           *kafkago.Reader
	topic       string
	lingerDelay time.Duration
	lingerMax   time.Duration

	// mu guards pending, an error the reader returned after Fetch had
	// already taken messages from it. Fetch returns those messages first
	// and the error on the next call: dropping fetched messages would let
	// a later commit skip them, and dropping the error would hide it.
	mu      sync.Mutex
	pending error
}

var _ app.EventConsumer = (*Consumer)(nil)

// NewConsumer returns a consumer in group cfg.GroupID. A group that has
// never committed starts at the oldest retained message, so the first
// ingest node of a new deployment does not skip what producers wrote
// before it started. It joins the group lazily, on the first Fetch.
func NewConsumer(cfg Config) (*Consumer, error) {
	err := cfg.Validate()
	if cfg.GroupID == "" {
		err = errors.Join(err, errors.New("kafka group id: empty, a consumer needs one"))
	}
	if err != nil {
		return nil, fmt.Errorf("new kafka consumer: %w", err)
	}
	cfg = cfg.withDefaults()
	r := kafkago.NewReader(kafkago.ReaderConfig{
		Brokers:       cfg.Brokers,
		GroupID:       cfg.GroupID,
		Topic:         cfg.Topic,
		Dialer:        cfg.dialer(),
		QueueCapacity: cfg.QueueCapacity,
		MaxBytes:      cfg.MaxFetchBytes,
		MaxWait:       cfg.FetchMaxWait,
		// Zero, the default, means synchronous commits: CommitMessages
		// returns once the broker stored the offsets.
		CommitInterval: cfg.CommitInterval,
		StartOffset:    kafkago.FirstOffset,
		SessionTimeout: cfg.SessionTimeout,
		// Kafka's rule of thumb: a third of the session timeout at most,
		// so two heartbeats may be lost before the member is dropped.
		HeartbeatInterval: min(cfg.SessionTimeout/3, 3*time.Second),
		// Partitions added to the topic are picked up by a rebalance
		// rather than left unread until a restart.
		WatchPartitionChanges: true,
		ErrorLogger:           cfg.errorLogger("reader"),
	})
	return &Consumer{r: r, topic: cfg.Topic, lingerDelay: cfg.FetchLinger, lingerMax: cfg.FetchLingerMax}, nil
}

// Fetch returns up to limit messages, waiting at most wait (at least 1 ms)
// for the first one and then lingering for the rest while they keep coming
// (see linger).
// With nothing in time it returns no messages and a nil error; when ctx
// ends before the first message it returns ctx.Err(). Once it holds
// messages it returns them, whatever happens next: they have left the
// reader, and dropping them would let a later commit skip past them.
func (c *Consumer) Fetch(ctx context.Context, limit int, wait time.Duration) ([]app.ConsumedMessage, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("fetch from %s: max must be positive, got %d", c.topic, limit)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := c.takePending(); err != nil {
		return nil, fmt.Errorf("fetch from %s: %w", c.topic, err)
	}
	first, ok, err := c.fetchFirst(ctx, max(wait, minWait))
	if err != nil || !ok {
		return nil, err
	}
	raw := make([]kafkago.Message, 1, min(limit, maxPrealloc))
	raw[0] = first
	if limit > 1 {
		raw = c.linger(ctx, raw, limit)
	}
	return consumed(raw), nil
}

// linger appends to raw what keeps arriving, up to limit: it stops after
// a quiet FetchLinger (no message in a window that long) or once
// FetchLingerMax has passed since it began. A backed-up topic thus fills
// large batches (the reader's queue refills while Fetch drains it) and a
// trickle waits a few milliseconds at most. One context per window, not
// per message: a timer per message would be a visible share of the cost.
func (c *Consumer) linger(ctx context.Context, raw []kafkago.Message, limit int) []kafkago.Message {
	end := time.Now().Add(c.lingerMax)
	for len(raw) < limit {
		window := min(c.lingerDelay, time.Until(end))
		if window <= 0 {
			break
		}
		got, err := c.lingerWindow(ctx, &raw, limit, window)
		if err != nil {
			c.setPending(err)
			break
		}
		if got == 0 {
			break
		}
	}
	return raw
}

// lingerWindow appends what arrives within window, up to limit, and says
// how many came; err is a reader error (not the window's end).
func (c *Consumer) lingerWindow(ctx context.Context, raw *[]kafkago.Message, limit int, window time.Duration) (int, error) {
	windowCtx, cancel := context.WithTimeout(ctx, window)
	defer cancel()
	got := 0
	for len(*raw) < limit {
		m, err := c.r.FetchMessage(windowCtx)
		if err != nil {
			if windowCtx.Err() != nil {
				return got, nil
			}
			return got, err
		}
		*raw = append(*raw, m)
		got++
	}
	return got, nil
}

// fetchFirst waits up to wait for one message; ok is false when none came.
func (c *Consumer) fetchFirst(ctx context.Context, wait time.Duration) (m kafkago.Message, ok bool, err error) {
	waitCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	m, err = c.r.FetchMessage(waitCtx)
	switch {
	case err == nil:
		return m, true, nil
	case ctx.Err() != nil:
		return m, false, ctx.Err()
	case waitCtx.Err() != nil:
		return m, false, nil
	}
	return m, false, fmt.Errorf("fetch from %s: %w", c.topic, err)
}

// consumed converts a batch of kafka-go messages. Handle points at the
// kafka-go message, which Commit needs; pointing into one slice per batch
// instead of boxing each message in the interface saves an allocation per
// event, a measurable share of the consumer's cost.
func consumed(raw []kafkago.Message) []app.ConsumedMessage {
	out := make([]app.ConsumedMessage, len(raw))
	for i := range raw {
		m := &raw[i]
		out[i] = app.ConsumedMessage{
			Key:       m.Key,
			Value:     m.Value,
			Topic:     m.Topic,
			Partition: m.Partition,
			Offset:    m.Offset,
			Handle:    m,
		}
	}
	return out
}

func (c *Consumer) setPending(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending == nil {
		c.pending = err
	}
}

func (c *Consumer) takePending() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	err := c.pending
	c.pending = nil
	return err
}

// Commit stores, for each partition in msgs, the offset after the highest
// message; it returns once the group coordinator has it, or at once with a
// CommitInterval (see Config). Only that one message per partition is
// handed to kafka-go: Kafka keeps one offset per partition, so the others
// would add nothing but work.
func (c *Consumer) Commit(ctx context.Context, msgs []app.ConsumedMessage) error {
	if len(msgs) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Few partitions per batch, so a linear scan beats a map.
	var latest []kafkago.Message
	for _, m := range msgs {
		km, ok := m.Handle.(*kafkago.Message)
		if !ok || km == nil {
			return fmt.Errorf("commit %s/%d@%d: message was not fetched by a kafka consumer", m.Topic, m.Partition, m.Offset)
		}
		i := 0
		for i < len(latest) && (latest[i].Topic != km.Topic || latest[i].Partition != km.Partition) {
			i++
		}
		switch {
		case i == len(latest):
			latest = append(latest, *km)
		case km.Offset > latest[i].Offset:
			latest[i] = *km
		}
	}
	if err := c.r.CommitMessages(ctx, latest...); err != nil {
		return fmt.Errorf("commit %d messages on %s: %w", len(msgs), c.topic, err)
	}
	return nil
}

// Close sends any offsets still held for a CommitInterval, leaves the
// group, so its partitions go to the other members at once rather than
// after the session timeout, and closes the reader. What was fetched and
// not committed is delivered again to the next member.
func (c *Consumer) Close() error {
	if err := c.r.Close(); err != nil {
		return fmt.Errorf("close kafka consumer on %s: %w", c.topic, err)
	}
	return nil
}
