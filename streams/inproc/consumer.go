package inproc

import (
	"context"
	"fmt"
	"time"

	"github.com/conductor/reports/app"
)

// Consumer reads a Log from its committed offset. Only the newest consumer
// of a log is live: opening one fences the previous one (ErrFenced), the way
// a Kafka rebalance takes partitions from a member that stopped
// heartbeating. That is what lets a restarted ingest actor take over even
// when its crashed predecessor never called Close.
type Consumer struct {
	l   *Log
	gen uint64
	// pos is the offset of the next message to hand out; guarded by l.mu,
	// like closed.
	pos    int64
	closed bool
}

var _ app.EventConsumer = (*Consumer)(nil)

// Consumer returns a consumer that starts at the committed offset, so it
// gets again every message a previous consumer fetched and did not commit.
// Any previous consumer of the log is fenced.
func (l *Log) Consumer() app.EventConsumer {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.gen++
	// Wake a fetch of the fenced consumer so it returns ErrFenced now
	// rather than at the end of its wait.
	l.broadcastLocked()
	return &Consumer{l: l, gen: l.gen, pos: l.committed}
}

// checkLocked returns why this consumer may not read, if it may not.
func (c *Consumer) checkLocked() error {
	switch {
	case c.closed || c.l.closed:
		return ErrClosed
	case c.gen != c.l.gen:
		return ErrFenced
	}
	return nil
}

// Fetch returns up to limit messages after those already fetched, waiting at
// most wait for the first one; with nothing in time it returns no messages
// and a nil error. It returns ctx.Err() as soon as ctx ends, having taken
// nothing. The returned keys and values are shared with the log and must
// not be modified.
func (c *Consumer) Fetch(ctx context.Context, limit int, wait time.Duration) ([]app.ConsumedMessage, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("fetch: max must be positive, got %d", limit)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l := c.l
	var timeout <-chan time.Time
	l.mu.Lock()
	for {
		if err := c.checkLocked(); err != nil {
			l.mu.Unlock()
			return nil, fmt.Errorf("fetch: %w", err)
		}
		if avail := l.endLocked() - c.pos; avail > 0 {
			out := c.takeLocked(int(min(avail, int64(limit))))
			l.mu.Unlock()
			return out, nil
		}
		if wait <= 0 {
			l.mu.Unlock()
			return nil, nil
		}
		changed := l.waitLocked()
		l.mu.Unlock()
		if timeout == nil {
			timeout = time.After(wait)
		}
		select {
		case <-changed:
		case <-timeout:
			return nil, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		l.mu.Lock()
	}
}

// takeLocked hands out the next n messages.
func (c *Consumer) takeLocked(n int) []app.ConsumedMessage {
	l := c.l
	first := int(c.pos - l.committed)
	out := make([]app.ConsumedMessage, n)
	for i := range out {
		m := l.entries[first+i]
		out[i] = app.ConsumedMessage{Key: m.Key, Value: m.Value, Topic: Topic, Offset: c.pos + int64(i)}
	}
	c.pos += int64(n)
	return out
}

// Commit marks msgs, and every message before them, as processed and
// releases them from the log, which frees room for blocked publishers.
// Committing an offset at or below the committed one is a no-op, so
// retried commits are harmless; committing a message this consumer has not
// fetched is an error.
func (c *Consumer) Commit(ctx context.Context, msgs []app.ConsumedMessage) error {
	if len(msgs) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	next := int64(-1)
	for _, m := range msgs {
		if m.Topic != Topic || m.Partition != 0 {
			return fmt.Errorf("commit offset %d: message from %s/%d, not from this log", m.Offset, m.Topic, m.Partition)
		}
		next = max(next, m.Offset+1)
	}
	l := c.l
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := c.checkLocked(); err != nil {
		return fmt.Errorf("commit offset %d: %w", next-1, err)
	}
	if next > c.pos {
		return fmt.Errorf("commit offset %d: not fetched yet (next is %d)", next-1, c.pos)
	}
	if n := int(next - l.committed); n > 0 {
		// Zero the released slots so their bytes can be collected before
		// append next moves the slice.
		clear(l.entries[:n])
		l.entries = l.entries[n:]
		l.committed = next
		l.broadcastLocked()
	}
	return nil
}

// Close stops this consumer; what it fetched and did not commit goes to the
// next consumer. Close is idempotent and always returns nil.
func (c *Consumer) Close() error {
	c.l.mu.Lock()
	defer c.l.mu.Unlock()
	c.closed = true
	c.l.broadcastLocked()
	return nil
}
