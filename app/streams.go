package app

import (
	"context"
	"errors"
	"time"
)

// StreamMessage is one event on its way into the stream: the key is the
// tenant id (so one tenant's events stay ordered on one partition), the
// value the JSON envelope.
type StreamMessage struct {
	Key   []byte
	Value []byte
}

// ConsumedMessage is one event read from the stream. Topic, Partition and
// Offset identify it for commits; adapters may keep more in Handle.
type ConsumedMessage struct {
	Key       []byte
	Value     []byte
	Topic     string
	Partition int
	Offset    int64
	// Handle is adapter-private state needed to commit (e.g. kafka.Message).
	Handle any
}

// ErrStreamFull is returned by Publish when a bounded stream cannot take
// more events in time: the edge answers 503 with Retry-After and loses
// nothing, since nothing was accepted.
var ErrStreamFull = errors.New("event stream is full")

// EventPublisher puts events on the stream (HTTP ingest, the demo
// generator). Publish returns only when every message is accepted by the
// stream (Kafka: acknowledged by the brokers; in-process: in the log).
type EventPublisher interface {
	Publish(ctx context.Context, msgs []StreamMessage) error
	Close() error
}

// EventConsumer reads events at least once: messages fetched and not
// committed are delivered again after a restart (of the consumer or the
// process, for Kafka), so the consumer commits only after the batch is
// durable in the analytics store.
type EventConsumer interface {
	// Fetch returns up to max messages, waiting at most wait for the first
	// one; it returns an empty slice (and nil) when none came in time, and
	// ctx.Err() when ctx ends.
	Fetch(ctx context.Context, max int, wait time.Duration) ([]ConsumedMessage, error)
	// Commit marks msgs (and everything before them on their partitions)
	// as processed.
	Commit(ctx context.Context, msgs []ConsumedMessage) error
	Close() error
}
