package streamtest

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/streams/inproc"
)

// recorder stands in for the test a check runs in: it records failures
// instead of failing the real test, and ends the check's goroutine on
// Fatal as testing does.
type recorder struct {
	testing.TB
	mu       sync.Mutex
	failures []string
	cleanups []func()
}

func (r *recorder) Helper()             {}
func (r *recorder) Logf(string, ...any) {}
func (r *recorder) Cleanup(f func())    { r.mu.Lock(); r.cleanups = append(r.cleanups, f); r.mu.Unlock() }
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}
func (r *recorder) Fatal(args ...any) {
	r.Errorf("%s", fmt.Sprint(args...))
	runtime.Goexit()
}

// runCheck runs one contract check against open and returns its failures.
func runCheck(t *testing.T, check func(testing.TB, Opener), open Opener) []string {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		check(r, open)
	}()
	<-done
	for _, f := range slices.Backward(r.cleanups) {
		f()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failures
}

// broken wraps an inproc consumer and breaks one promise of the contract.
type broken struct {
	app.EventConsumer
	fetch  func(c app.EventConsumer, ctx context.Context, limit int, wait time.Duration) ([]app.ConsumedMessage, error)
	commit func(c app.EventConsumer, ctx context.Context, msgs []app.ConsumedMessage) error
	close  func(c app.EventConsumer) error
}

func (b *broken) Fetch(ctx context.Context, limit int, wait time.Duration) ([]app.ConsumedMessage, error) {
	if b.fetch != nil {
		return b.fetch(b.EventConsumer, ctx, limit, wait)
	}
	return b.EventConsumer.Fetch(ctx, limit, wait)
}

func (b *broken) Commit(ctx context.Context, msgs []app.ConsumedMessage) error {
	if b.commit != nil {
		return b.commit(b.EventConsumer, ctx, msgs)
	}
	return b.EventConsumer.Commit(ctx, msgs)
}

func (b *broken) Close() error {
	if b.close != nil {
		return b.close(b.EventConsumer)
	}
	return b.EventConsumer.Close()
}

func opener(breakIt func(*broken)) Opener {
	return func(tb testing.TB) (app.EventPublisher, func() app.EventConsumer) {
		l := inproc.NewLog(0)
		tb.Cleanup(func() { _ = l.Close() })
		return l.Publisher(), func() app.EventConsumer {
			b := &broken{EventConsumer: l.Consumer()}
			breakIt(b)
			return b
		}
	}
}

// TestSuiteCatchesBrokenStreams proves the contract can fail: each broken
// stream violates one promise, and the check for it must notice.
func TestSuiteCatchesBrokenStreams(t *testing.T) {
	fetchThen := func(edit func([]app.ConsumedMessage) []app.ConsumedMessage) func(*broken) {
		return func(b *broken) {
			b.fetch = func(c app.EventConsumer, ctx context.Context, limit int, wait time.Duration) ([]app.ConsumedMessage, error) {
				msgs, err := c.Fetch(ctx, limit, wait)
				return edit(msgs), err
			}
		}
	}
	tests := []struct {
		name  string
		check string
		brk   func(*broken)
	}{
		{"duplicates", "OrderPerKey", fetchThen(func(m []app.ConsumedMessage) []app.ConsumedMessage {
			if len(m) > 1 {
				m = append(m, m[0])
			}
			return m
		})},
		{"reorders", "OrderPerKey", fetchThen(func(m []app.ConsumedMessage) []app.ConsumedMessage {
			slices.Reverse(m)
			return m
		})},
		{"loses keys", "BytesPreserved", fetchThen(func(m []app.ConsumedMessage) []app.ConsumedMessage {
			for i := range m {
				m[i].Key = nil
			}
			return m
		})},
		{"loses keys in order", "OrderPerKey", fetchThen(func(m []app.ConsumedMessage) []app.ConsumedMessage {
			for i := range m {
				m[i].Key = []byte("someone-else")
			}
			return m
		})},
		{"no topic", "OrderPerKey", fetchThen(func(m []app.ConsumedMessage) []app.ConsumedMessage {
			for i := range m {
				m[i].Topic = ""
			}
			return m
		})},
		{"forgets commits", "OrderPerKey", func(b *broken) {
			b.commit = func(app.EventConsumer, context.Context, []app.ConsumedMessage) error { return nil }
		}},
		{"commits on fetch", "RedeliversUncommitted", func(b *broken) {
			b.fetch = func(c app.EventConsumer, ctx context.Context, limit int, wait time.Duration) ([]app.ConsumedMessage, error) {
				msgs, err := c.Fetch(ctx, limit, wait)
				if err == nil {
					err = c.Commit(ctx, msgs)
				}
				return msgs, err
			}
		}},
		{"does not wait", "EmptyFetchWaits", func(b *broken) {
			b.fetch = func(c app.EventConsumer, ctx context.Context, limit int, _ time.Duration) ([]app.ConsumedMessage, error) {
				return c.Fetch(ctx, limit, 0)
			}
		}},
		{"swallows cancel", "CancelEndsFetch", func(b *broken) {
			b.fetch = func(c app.EventConsumer, ctx context.Context, limit int, wait time.Duration) ([]app.ConsumedMessage, error) {
				msgs, err := c.Fetch(ctx, limit, wait)
				if errors.Is(err, context.Canceled) {
					err = nil
				}
				return msgs, err
			}
		}},
		{"fails commits", "ConcurrentPublishers", func(b *broken) {
			b.commit = func(app.EventConsumer, context.Context, []app.ConsumedMessage) error { return errors.New("nope") }
		}},
		{"never closes", "EdgeCases", func(b *broken) {
			b.close = func(app.EventConsumer) error { return nil }
		}},
		{"garbles values", "OrderPerKey", fetchThen(func(m []app.ConsumedMessage) []app.ConsumedMessage {
			for i := range m {
				m[i].Value = []byte("garbage")
			}
			return m
		})},
		{"offsets go backwards", "OrderPerKey", fetchThen(func(m []app.ConsumedMessage) []app.ConsumedMessage {
			for i := range m {
				m[i].Offset = 0
			}
			return m
		})},
		{"accepts a zero limit", "EdgeCases", func(b *broken) {
			b.fetch = func(c app.EventConsumer, ctx context.Context, limit int, wait time.Duration) ([]app.ConsumedMessage, error) {
				return c.Fetch(ctx, max(limit, 1), wait)
			}
		}},
		{"refuses empty commits", "EdgeCases", func(b *broken) {
			b.commit = func(c app.EventConsumer, ctx context.Context, msgs []app.ConsumedMessage) error {
				if len(msgs) == 0 {
					return errors.New("nothing to commit")
				}
				return c.Commit(ctx, msgs)
			}
		}},
		{"close fails", "EdgeCases", func(b *broken) {
			b.close = func(app.EventConsumer) error { return errors.New("stuck") }
		}},
		{"fetch errors", "RedeliversUncommitted", func(b *broken) {
			b.fetch = func(app.EventConsumer, context.Context, int, time.Duration) ([]app.ConsumedMessage, error) {
				return nil, errors.New("broker on fire")
			}
		}},
	}
	checks := map[string]func(testing.TB, Opener){}
	for _, c := range contract {
		checks[c.name] = c.fn
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			check, ok := checks[tt.check]
			if !ok {
				t.Fatalf("no check %q", tt.check)
			}
			failures := runCheck(t, check, opener(tt.brk))
			if len(failures) == 0 {
				t.Fatalf("%s passed a stream that %s", tt.check, tt.name)
			}
			t.Logf("%s caught it: %s", tt.check, strings.Join(failures, "; "))
		})
	}
}

// brokenPublisher fails every Publish, or every Close.
type brokenPublisher struct {
	app.EventPublisher
	publishErr, closeErr error
}

func (p *brokenPublisher) Publish(ctx context.Context, msgs []app.StreamMessage) error {
	if p.publishErr != nil {
		return p.publishErr
	}
	return p.EventPublisher.Publish(ctx, msgs)
}

func (p *brokenPublisher) Close() error {
	if p.closeErr != nil {
		return p.closeErr
	}
	return p.EventPublisher.Close()
}

func TestSuiteCatchesBrokenPublishers(t *testing.T) {
	tests := []struct {
		name  string
		check string
		pub   brokenPublisher
	}{
		{"publish fails", "OrderPerKey", brokenPublisher{publishErr: errors.New("disk full")}},
		{"publish fails concurrently", "ConcurrentPublishers", brokenPublisher{publishErr: errors.New("disk full")}},
		{"publish fails once", "BytesPreserved", brokenPublisher{publishErr: errors.New("disk full")}},
		{"publish ignores close", "EdgeCases", brokenPublisher{closeErr: errors.New("stuck")}},
	}
	checks := map[string]func(testing.TB, Opener){}
	for _, c := range contract {
		checks[c.name] = c.fn
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			open := func(tb testing.TB) (app.EventPublisher, func() app.EventConsumer) {
				l := inproc.NewLog(0)
				tb.Cleanup(func() { _ = l.Close() })
				p := tt.pub
				p.EventPublisher = l.Publisher()
				return &p, l.Consumer
			}
			if failures := runCheck(t, checks[tt.check], open); len(failures) == 0 {
				t.Fatalf("%s passed a stream whose %s", tt.check, tt.name)
			}
		})
	}
}

// The benchmark driver stops on the first error instead of spinning.
func TestPublishConsumeStopsOnErrors(t *testing.T) {
	tests := []struct {
		name string
		pub  func(app.EventPublisher) app.EventPublisher
		brk  func(*broken)
	}{
		{"publish", func(p app.EventPublisher) app.EventPublisher {
			return &brokenPublisher{EventPublisher: p, publishErr: errors.New("disk full")}
		}, func(*broken) {}},
		{"fetch", func(p app.EventPublisher) app.EventPublisher { return p }, func(b *broken) {
			b.fetch = func(app.EventConsumer, context.Context, int, time.Duration) ([]app.ConsumedMessage, error) {
				return nil, errors.New("broker on fire")
			}
		}},
		{"commit", func(p app.EventPublisher) app.EventPublisher { return p }, func(b *broken) {
			b.commit = func(app.EventConsumer, context.Context, []app.ConsumedMessage) error { return errors.New("nope") }
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := inproc.NewLog(0)
			defer l.Close()
			c := &broken{EventConsumer: l.Consumer()}
			tt.brk(c)
			res := testing.Benchmark(func(b *testing.B) {
				PublishConsume(b, tt.pub(l.Publisher()), c, 100)
			})
			if res.N != 0 {
				t.Fatalf("benchmark with a failing %s reported %d iterations", tt.name, res.N)
			}
		})
	}
}
