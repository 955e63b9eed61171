package actors

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/anthdm/hollywood/actor"
)

// unreachableRestarts is handed to hollywood as its own restart limit so
// that its max-restarts path, which crashes the whole process in v1.0.5
// (cleanup(nil) defers a nil cancel func), is never taken. The real limit
// is enforced by guarded.
const unreachableRestarts = math.MaxInt32

// restartBudget is shared by every incarnation of one spawned actor: the
// producer closure outlives restarts, the receivers it returns do not.
type restartBudget struct {
	max    int32
	panics atomic.Int32
	spent  atomic.Bool // set once the budget is exhausted and a stop is pending
}

// guarded wraps a receiver so that every delivery, including the Stopped that
// hollywood sends without middleware from its own recover path, passes
// through one place that decides between restart and stop.
type guarded struct {
	inner  actor.Receiver
	fault  any // what the producer panicked with, replayed as a crash
	budget *restartBudget
	log    *slog.Logger
}

// supervise returns a producer whose receivers enforce a budget of
// maxRestarts restarts (negative means none) and never let a panic escape
// where hollywood cannot recover it.
func supervise(p actor.Producer, maxRestarts int32, log *slog.Logger) actor.Producer {
	b := &restartBudget{max: max(maxRestarts, 0)}
	return func() actor.Receiver {
		g := &guarded{budget: b, log: log}
		g.inner, g.fault = produce(p)
		return g
	}
}

// produce runs p; hollywood calls the producer outside any recover, so a
// panic there would kill the process (or, during a restart, the goroutine).
func produce(p actor.Producer) (r actor.Receiver, fault any) {
	defer func() {
		if v := recover(); v != nil {
			r, fault = nil, v
		}
	}()
	r = p()
	if r == nil {
		return nil, errors.New("producer returned a nil receiver")
	}
	return r, nil
}

// Receive implements actor.Receiver.
func (g *guarded) Receive(c *actor.Context) {
	switch c.Message().(type) {
	case actor.Stopped:
		g.stopped(c)
		return
	case actor.Initialized, actor.Started:
		if g.budget.spent.Load() {
			return
		}
	default:
		if g.budget.spent.Load() {
			// The stop is queued behind messages already in the inbox; they
			// can no longer be handled, so report them as undeliverable.
			c.Engine().BroadcastEvent(actor.DeadLetterEvent{
				Target: c.PID(), Message: c.Message(), Sender: c.Sender(),
			})
			return
		}
	}
	defer g.recover(c)
	if g.fault != nil {
		panic(g.fault)
	}
	g.inner.Receive(c)
}

// recover lets hollywood restart the actor while the budget lasts
// (re-panicking keeps its ActorRestartedEvent and Reason), then stops it the
// safe way: a Stop pill runs hollywood's cleanup with a real cancel func.
func (g *guarded) recover(c *actor.Context) {
	v := recover()
	if v == nil {
		return
	}
	if g.budget.panics.Add(1) <= g.budget.max {
		panic(v)
	}
	g.budget.spent.Store(true)
	g.log.Error("actor panicked with no restarts left",
		"actor_id", c.PID().GetID(),
		"restarts", g.budget.max,
		"reason", fmt.Sprint(v),
		"stack", string(debug.Stack()))
	c.Engine().BroadcastEvent(actor.ActorMaxRestartsExceededEvent{PID: c.PID(), Timestamp: time.Now()})
	if r, ok := g.inner.(retiring); ok {
		g.retire(r)
	}
	c.Engine().Stop(c.PID())
}

// retiring is implemented by receivers with someone to tell when they are
// stopped for good (a widget feed's subscribers).
type retiring interface{ retired() }

// retire calls r.retired, logging a panic there instead of letting it out
// of the recover path.
func (g *guarded) retire(r retiring) {
	defer func() {
		if v := recover(); v != nil {
			g.log.Error("actor panicked while retiring", "reason", fmt.Sprint(v))
		}
	}()
	r.retired()
}

// stopped delivers Stopped to the inner receiver. A panic here is only
// logged: hollywood calls Stopped from its own recover path, where a second
// panic kills the process, and from cleanup, where it would restart an actor
// already removed from the registry.
func (g *guarded) stopped(c *actor.Context) {
	if g.inner == nil {
		return
	}
	defer func() {
		if v := recover(); v != nil {
			g.log.Error("actor panicked while stopping",
				"actor_id", c.PID().GetID(), "reason", fmt.Sprint(v))
		}
	}()
	g.inner.Receive(c)
}
