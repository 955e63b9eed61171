package kafka

import (
	"context"
	"fmt"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/conductor/reports/app"
)

// Publisher produces events to the topic with a kafka-go Writer.
type Publisher struct {
	w         *kafkago.Writer
	transport *kafkago.Transport
}

var _ app.EventPublisher = (*Publisher)(nil)

// NewPublisher returns a publisher for cfg.Topic. It connects lazily, on
// the first Publish, so a server can start while the cluster is still
// coming up; the topic must exist by then (see EnsureTopic).
func NewPublisher(cfg Config) (*Publisher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("new kafka publisher: %w", err)
	}
	cfg = cfg.withDefaults()
	// An own transport, not kafka-go's shared default, so Close can drop
	// its connections and its dial settings follow cfg.
	transport := &kafkago.Transport{ClientID: cfg.ClientID, DialTimeout: cfg.DialTimeout}
	w := &kafkago.Writer{
		Addr:  kafkago.TCP(cfg.Brokers...),
		Topic: cfg.Topic,
		// The key is the tenant id: hashing it keeps each tenant on one
		// partition, hence in order. kafka-go's Hash (FNV-1a) matches
		// sarama's partitioner; kafkago.Murmur2Balancer would be the one
		// to pick if Java producers write the same topic.
		Balancer: &kafkago.Hash{},
		// All in-sync replicas, since Publish's promise is that an
		// accepted event survives a broker loss.
		RequiredAcks: kafkago.RequireAll,
		BatchSize:    cfg.BatchSize,
		BatchTimeout: cfg.BatchTimeout,
		WriteTimeout: cfg.WriteTimeout,
		ErrorLogger:  cfg.errorLogger("writer"),
		Transport:    transport,
	}
	return &Publisher{w: w, transport: transport}, nil
}

// Publish writes msgs and returns once the brokers acknowledged every one
// of them. On error some messages may have been written and others not
// (kafka-go reports per-message errors in kafkago.WriteErrors, wrapped):
// the caller retries the call, and ingest deduplicates by event id.
func (p *Publisher) Publish(ctx context.Context, msgs []app.StreamMessage) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(msgs) == 0 {
		return nil
	}
	kms := make([]kafkago.Message, len(msgs))
	for i, m := range msgs {
		kms[i] = kafkago.Message{Key: m.Key, Value: m.Value}
	}
	if err := p.w.WriteMessages(ctx, kms...); err != nil {
		return fmt.Errorf("publish %d messages to %s: %w", len(msgs), p.w.Topic, err)
	}
	return nil
}

// Close flushes nothing (Publish is synchronous, so nothing is pending),
// stops the writer and closes its connections. Later calls to Publish
// fail.
func (p *Publisher) Close() error {
	err := p.w.Close()
	p.transport.CloseIdleConnections()
	if err != nil {
		return fmt.Errorf("close kafka publisher for %s: %w", p.w.Topic, err)
	}
	return nil
}
