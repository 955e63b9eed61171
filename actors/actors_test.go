package actors

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/anthdm/hollywood/actor"
)

// waitFor bounds every wait in these tests.
const waitFor = 5 * time.Second

// mustNewSystem starts a System with a fast restart delay (unless cfg sets
// one) and shuts it down when the test ends.
func mustNewSystem(tb testing.TB, cfg SystemConfig, log *slog.Logger) *System {
	tb.Helper()
	if cfg.RestartDelay == 0 {
		cfg.RestartDelay = time.Millisecond
	}
	s, err := NewSystem(cfg, log)
	if err != nil {
		tb.Fatalf("new system: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			tb.Errorf("shutdown: %v", err)
		}
	})
	return s
}

// waitStats polls the monitor until want holds or the deadline passes.
func waitStats(tb testing.TB, s *System, want func(Stats) bool) Stats {
	tb.Helper()
	deadline := time.Now().Add(waitFor)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		st, err := s.Stats(context.Background())
		if err != nil {
			tb.Fatalf("stats: %v", err)
		}
		if want(st) {
			return st
		}
		if time.Now().After(deadline) {
			tb.Fatalf("stats never matched, last %+v", st)
		}
		<-tick.C
	}
}

// expect receives the next value from ch and compares it with want.
func expect[T comparable](tb testing.TB, ch <-chan T, want T) {
	tb.Helper()
	select {
	case got := <-ch:
		if got != want {
			tb.Fatalf("got %v, want %v", got, want)
		}
	case <-time.After(waitFor):
		tb.Fatalf("timed out waiting for %v", want)
	}
}

// request asks pid and returns the reply, failing the test on timeout.
func request(tb testing.TB, s *System, pid *actor.PID, msg any) any {
	tb.Helper()
	v, err := s.Engine().Request(pid, msg, waitFor).Result()
	if err != nil {
		tb.Fatalf("request %T: %v", msg, err)
	}
	return v
}

// Messages of the loader actor.
type (
	add  struct{ n int }
	boom struct{}
	get  struct{}
	// boomAfter queues next in the actor's own inbox, then panics.
	boomAfter struct{ next any }
)

// loader follows the house pattern: state reloaded in Started from a
// dependency handed to the producer, lifecycle reported on a channel.
type loader struct {
	load      func() int
	lifecycle chan<- string
	state     int
	stopHook  func()
}

// newLoader returns a producer of loader actors; lifecycle must be
// buffered, the actor never waits on it.
func newLoader(load func() int, lifecycle chan<- string) actor.Producer {
	return func() actor.Receiver { return &loader{load: load, lifecycle: lifecycle} }
}

func (l *loader) Receive(c *actor.Context) {
	switch msg := c.Message().(type) {
	case actor.Started:
		l.state = l.load()
		l.lifecycle <- "started"
	case actor.Stopped:
		l.lifecycle <- "stopped"
		if l.stopHook != nil {
			l.stopHook()
		}
	case add:
		l.state += msg.n
	case boom:
		panic("boom")
	case boomAfter:
		c.Send(c.PID(), msg.next)
		panic("boom")
	case get:
		c.Respond(l.state)
	}
}

// recorder is a slog.Handler that keeps every record for inspection.
type recorder struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }

func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs = append(r.recs, rec.Clone())
	return nil
}

func (r *recorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *recorder) WithGroup(string) slog.Handler      { return r }

// attrs returns the attributes of the first record with message msg.
func (r *recorder) attrs(msg string) (map[string]slog.Value, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rec := range r.recs {
		if rec.Message != msg {
			continue
		}
		m := map[string]slog.Value{}
		rec.Attrs(func(a slog.Attr) bool {
			m[a.Key] = a.Value
			return true
		})
		return m, true
	}
	return nil, false
}

// slogFor returns a logger writing to r.
func slogFor(r *recorder) *slog.Logger { return slog.New(r) }
