package kafka

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/conductor/reports/app"
)

// Control is the cluster's control topic (app.SignalBus): one partition,
// so every node reads every signal in one order, and no consumer group,
// since each node reads the whole topic from where it was when it started
// (signals are about the present: a node that was down has nothing to
// catch up on, it starts with an empty cache and no feeds).
type Control struct {
	cfg Config
	pub *Publisher
}

var _ app.SignalBus = (*Control)(nil)

// controlReadWait bounds how long a fetch of the control topic waits for
// data: a signal is picked up within this time after it is written.
const controlReadWait = 100 * time.Millisecond

// NewControl returns the control bus on cfg.Topic, which must have one
// partition (EnsureTopic(ctx, cfg, 1)).
func NewControl(cfg Config) (*Control, error) {
	pub, err := NewPublisher(cfg)
	if err != nil {
		return nil, fmt.Errorf("new control bus: %w", err)
	}
	return &Control{cfg: cfg.withDefaults(), pub: pub}, nil
}

// Publish writes sigs to the control topic.
func (c *Control) Publish(ctx context.Context, sigs []app.Signal) error {
	msgs := make([]app.StreamMessage, 0, len(sigs))
	for _, s := range sigs {
		b, err := json.Marshal(s)
		if err != nil {
			return fmt.Errorf("encode signal: %w", err)
		}
		msgs = append(msgs, app.StreamMessage{Key: []byte(s.TenantID), Value: b})
	}
	return c.pub.Publish(ctx, msgs)
}

// Run reads the control topic from its current end and hands fn every
// signal, until ctx ends (nil then). Undecodable messages are skipped: a
// newer node may send kinds this one does not know.
func (c *Control) Run(ctx context.Context, fn func(app.Signal)) error {
	r := kafkago.NewReader(kafkago.ReaderConfig{
		Brokers:     c.cfg.Brokers,
		Topic:       c.cfg.Topic,
		Partition:   0,
		Dialer:      c.cfg.dialer(),
		MaxWait:     controlReadWait,
		StartOffset: kafkago.LastOffset,
		ErrorLogger: c.cfg.errorLogger("control"),
	})
	defer r.Close()
	for {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, context.Canceled) {
				return nil
			}
			return fmt.Errorf("read control topic %s: %w", c.cfg.Topic, err)
		}
		var s app.Signal
		if json.Unmarshal(m.Value, &s) == nil && s.Kind != "" {
			fn(s)
		}
	}
}

// Close stops the publisher.
func (c *Control) Close() error { return c.pub.Close() }
