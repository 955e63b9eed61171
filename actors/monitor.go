package actors

import (
	"fmt"
	"log/slog"

	"github.com/anthdm/hollywood/actor"
)

// Stats counts the supervision events the monitor has seen since the
// System started.
type Stats struct {
	// Restarts counts actor restarts after a panic.
	Restarts uint64
	// MaxRestartsExceeded counts actors stopped for good because they
	// panicked once more after using up their restart budget.
	MaxRestartsExceeded uint64
	// DeadLetters counts messages that found no recipient: sends to stopped
	// actors, replies that arrived after their request timed out, and
	// messages still queued for an actor that was retired.
	DeadLetters uint64
}

// statsRequest asks the monitor for a copy of its counters.
type statsRequest struct{}

// statsReply carries the counters; Err follows the house rule that failures
// travel inside replies (a Request itself only fails on timeout).
type statsReply struct {
	Stats Stats
	Err   error
}

// monitor subscribes to the engine's event stream, logs and counts the
// events that mean something went wrong, and hands every event to the
// optional hook.
type monitor struct {
	tally   *Stats // owned by the producer so counts survive a restart
	log     *slog.Logger
	onEvent func(any)
}

// newMonitor returns the monitor's producer. The counters live in the
// producer's closure: a restart runs the producer again and would otherwise
// reset them.
func newMonitor(log *slog.Logger, onEvent func(any)) actor.Producer {
	tally := &Stats{}
	return func() actor.Receiver {
		return &monitor{tally: tally, log: log, onEvent: onEvent}
	}
}

// Receive implements actor.Receiver.
func (m *monitor) Receive(c *actor.Context) {
	switch msg := c.Message().(type) {
	case actor.Initialized:
	case actor.Started:
		c.Engine().Subscribe(c.PID())
	case actor.Stopped:
		// Mandatory: the event stream keeps forwarding to a dead subscriber,
		// every forward becomes a DeadLetterEvent that is forwarded again,
		// and the engine spins forever. Same *PID as Subscribe (map key).
		c.Engine().Unsubscribe(c.PID())
	case statsRequest:
		c.Respond(statsReply{Stats: *m.tally})
	case actor.ActorRestartedEvent:
		m.tally.Restarts++
		m.log.Error("actor restarted after panic",
			"actor_id", msg.PID.GetID(),
			"restarts", msg.Restarts,
			"reason", fmt.Sprint(msg.Reason),
			"stack", string(msg.Stacktrace))
		m.notify(msg)
	case actor.ActorMaxRestartsExceededEvent:
		m.tally.MaxRestartsExceeded++
		m.log.Error("actor exceeded max restarts and was stopped",
			"actor_id", msg.PID.GetID())
		m.notify(msg)
	case actor.DeadLetterEvent:
		m.tally.DeadLetters++
		// Only the type: messages may carry tokens or tenant data.
		m.log.Warn("dead letter",
			"actor_id", msg.Target.GetID(),
			"sender_id", msg.Sender.GetID(),
			"message_type", fmt.Sprintf("%T", msg.Message))
		m.notify(msg)
	default:
		m.notify(msg)
	}
}

// notify calls the hook; a panic in it must not restart the monitor.
func (m *monitor) notify(event any) {
	if m.onEvent == nil {
		return
	}
	defer func() {
		if v := recover(); v != nil {
			m.log.Error("actor event hook panicked",
				"event_type", fmt.Sprintf("%T", event), "reason", fmt.Sprint(v))
		}
	}()
	m.onEvent(event)
}
