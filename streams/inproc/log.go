// Package inproc is the embedded default event stream: a bounded in-memory
// log inside the server process, used when no Kafka cluster is configured.
//
// It is a log rather than a channel so that the at-least-once promise of
// app.EventConsumer holds inside the process too: a message stays in the
// log until a consumer commits it, so an ingest worker that fetched a batch
// and died before the batch was durable (its actor restarted, its context
// cancelled) gets the same messages again from its successor. Nothing
// survives the process itself; that is what Kafka is for.
package inproc

import (
	"errors"
	"sync"
	"time"

	"github.com/conductor/reports/app"
)

// DefaultCapacity is the number of uncommitted messages a Log holds when
// NewLog is given a capacity <= 0: about a second of a busy tenant fleet,
// and a few tens of MB at typical envelope sizes.
const DefaultCapacity = 65_536

// DefaultPublishTimeout is how long Publish waits for room in a full log
// when Config.PublishTimeout is zero: long enough to ride out one slow
// ingest batch, short enough that an HTTP client gets its 503 + Retry-After
// while it is still waiting.
const DefaultPublishTimeout = 2 * time.Second

// Topic is the topic name every ConsumedMessage of this stream carries: the
// log has one topic and one partition (0), so offsets are global.
const Topic = "inproc"

// ErrClosed is returned by every operation on a closed Log, Publisher or
// Consumer.
var ErrClosed = errors.New("in-process stream is closed")

// ErrFenced is returned by a consumer after a newer one was opened on the
// same log: like a Kafka consumer whose generation is gone, it may no longer
// fetch or commit, because its uncommitted messages now belong to the new
// consumer.
var ErrFenced = errors.New("in-process consumer replaced by a newer one")

// ErrBatchTooLarge is returned by Publish for a call with more messages than
// the log's capacity: it could never be accepted, so waiting would only turn
// a caller bug into a 503.
var ErrBatchTooLarge = errors.New("batch larger than the stream capacity")

// Config sizes a Log. The zero value is ready to use.
type Config struct {
	// Capacity is the number of published but not yet committed messages
	// the log holds before Publish blocks. Zero or less: DefaultCapacity.
	Capacity int
	// PublishTimeout bounds how long Publish waits for room before it
	// gives up with app.ErrStreamFull. Zero: DefaultPublishTimeout;
	// negative: do not wait at all.
	PublishTimeout time.Duration
}

// Log is a bounded, single-partition, in-memory message log with one
// committed offset. Any number of publishers may write to it; one consumer
// at a time reads it (Consumer fences the previous one), which is all the
// embedded server needs and keeps the offset bookkeeping trivial.
//
// Memory is bounded by Capacity messages: committing releases them (the
// bytes of one Publish call share an allocation, freed when the last of
// them is committed). Publishers blocked on a full log are not served in
// order; the publish timeout bounds how long any of them waits.
type Log struct {
	capacity       int
	publishTimeout time.Duration

	mu sync.Mutex
	// changed is closed and cleared on every state change so waiters
	// (blocked publishers, fetchers) can select on it together with their
	// context and timer; sync.Cond cannot. It is nil while nobody waits,
	// which keeps the fast path free of allocations.
	changed chan struct{}
	// entries holds the uncommitted messages; entries[i] has offset
	// committed+i.
	entries   []app.StreamMessage
	committed int64
	closed    bool
	// gen identifies the current consumer; a consumer whose gen differs
	// has been fenced.
	gen uint64
}

// NewLog returns a log holding up to capacity uncommitted messages
// (DefaultCapacity when capacity <= 0) with the default publish timeout.
func NewLog(capacity int) *Log {
	return New(Config{Capacity: capacity})
}

// New returns a log configured by cfg; see Config for the defaults.
func New(cfg Config) *Log {
	if cfg.Capacity <= 0 {
		cfg.Capacity = DefaultCapacity
	}
	if cfg.PublishTimeout == 0 {
		cfg.PublishTimeout = DefaultPublishTimeout
	}
	return &Log{capacity: cfg.Capacity, publishTimeout: cfg.PublishTimeout}
}

// Capacity returns the number of uncommitted messages the log holds at most.
func (l *Log) Capacity() int { return l.capacity }

// Len returns the number of messages published and not yet committed: the
// ingest backlog, for readiness checks and metrics.
func (l *Log) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}

// Close closes the log: blocked and later Publish, Fetch and Commit calls
// return ErrClosed, and uncommitted messages are dropped with the log (the
// process is going away; Kafka is the durable option). Close is idempotent
// and always returns nil.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	l.entries = nil
	l.broadcastLocked()
	return nil
}

// waitLocked returns a channel closed at the next state change.
func (l *Log) waitLocked() <-chan struct{} {
	if l.changed == nil {
		l.changed = make(chan struct{})
	}
	return l.changed
}

// broadcastLocked wakes every waiter so it re-checks the state.
func (l *Log) broadcastLocked() {
	if l.changed != nil {
		close(l.changed)
		l.changed = nil
	}
}

// endLocked returns the offset the next published message gets.
func (l *Log) endLocked() int64 {
	return l.committed + int64(len(l.entries))
}
