package inproc

import (
	"context"
	"fmt"
	"time"

	"github.com/conductor/reports/app"
)

// Publisher appends to a Log. Each has its own Close so that one producer
// (HTTP ingest, the demo generator) shutting down does not stop the others.
type Publisher struct {
	l *Log
	// closed is guarded by l.mu.
	closed bool
}

var _ app.EventPublisher = (*Publisher)(nil)

// Publisher returns a new publisher on the log.
func (l *Log) Publisher() app.EventPublisher {
	return &Publisher{l: l}
}

// Publish appends msgs to the log, all of them or none: when the log cannot
// take the whole call within the publish timeout it returns
// app.ErrStreamFull having accepted nothing, so the caller can answer 503
// and the client can retry the same batch without creating duplicates.
// A call with more messages than the capacity fails with ErrBatchTooLarge.
//
// The log copies keys and values: the caller may reuse its buffers as soon
// as Publish returns, as it could with a network producer.
func (p *Publisher) Publish(ctx context.Context, msgs []app.StreamMessage) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l := p.l
	if len(msgs) > l.capacity {
		return fmt.Errorf("publish %d messages to a log of %d: %w", len(msgs), l.capacity, ErrBatchTooLarge)
	}
	owned := ownedCopy(msgs)
	var timeout <-chan time.Time
	l.mu.Lock()
	for {
		switch {
		case p.closed || l.closed:
			l.mu.Unlock()
			return fmt.Errorf("publish %d messages: %w", len(msgs), ErrClosed)
		case len(l.entries)+len(owned) <= l.capacity:
			l.entries = append(l.entries, owned...)
			l.broadcastLocked()
			l.mu.Unlock()
			return nil
		case l.publishTimeout < 0:
			l.mu.Unlock()
			return fmt.Errorf("publish %d messages: %w", len(msgs), app.ErrStreamFull)
		}
		changed := l.waitLocked()
		l.mu.Unlock()
		if timeout == nil {
			// Created only once we have to wait, and left to the garbage
			// collector afterwards: since Go 1.23 an unreferenced timer
			// needs no Stop.
			timeout = time.After(l.publishTimeout)
		}
		select {
		case <-changed:
		case <-timeout:
			return fmt.Errorf("publish %d messages: waited %s: %w", len(msgs), l.publishTimeout, app.ErrStreamFull)
		case <-ctx.Done():
			return ctx.Err()
		}
		l.mu.Lock()
	}
}

// Close stops this publisher; later calls to Publish return ErrClosed. The
// log and its other publishers are unaffected. Close is idempotent and
// always returns nil.
func (p *Publisher) Close() error {
	p.l.mu.Lock()
	defer p.l.mu.Unlock()
	p.closed = true
	p.l.broadcastLocked()
	return nil
}

// ownedCopy copies keys and values into one allocation per call. The log
// then owns bytes nobody else can change, and a batch costs two
// allocations whatever its size.
func ownedCopy(msgs []app.StreamMessage) []app.StreamMessage {
	size := 0
	for _, m := range msgs {
		size += len(m.Key) + len(m.Value)
	}
	buf := make([]byte, 0, size)
	out := make([]app.StreamMessage, len(msgs))
	for i, m := range msgs {
		out[i].Key, buf = carve(buf, m.Key)
		out[i].Value, buf = carve(buf, m.Value)
	}
	return out
}

// carve appends b to buf and returns the appended part with its capacity
// capped, so that a consumer appending to one message cannot overwrite the
// next. A nil b stays nil: a missing key is not an empty key.
func carve(buf, b []byte) (part, rest []byte) {
	if b == nil {
		return nil, buf
	}
	start := len(buf)
	buf = append(buf, b...)
	return buf[start:len(buf):len(buf)], buf
}
