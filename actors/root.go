package actors

import (
	"fmt"

	"github.com/anthdm/hollywood/actor"
)

// spawnRequest asks the root supervisor to spawn a child.
type spawnRequest struct {
	producer actor.Producer
	kind     string
	id       string // explicit id from actor.WithID, "" when generated
	opts     []actor.OptFunc
}

// spawnReply answers a spawnRequest; Err travels inside the reply.
type spawnReply struct {
	PID *actor.PID
	Err error
}

// root is the supervisor every feature actor is spawned under, so that
// poisoning it stops the whole tree, children first.
type root struct{}

// newRoot returns the root supervisor's producer. It is stateless: its
// children are tracked by hollywood in the process context, which survives
// a restart of the root.
func newRoot() actor.Producer {
	return func() actor.Receiver { return root{} }
}

// Receive implements actor.Receiver.
func (root) Receive(c *actor.Context) {
	req, ok := c.Message().(spawnRequest)
	if !ok {
		return
	}
	if req.id != "" {
		// hollywood does not fail on a taken id: it returns the existing
		// PID, never runs the new producer and only broadcasts an
		// ActorDuplicateIdEvent. Say so explicitly. The child's kind is
		// prefixed with the parent's id ("/" is hollywood's separator).
		if pid := c.Engine().Registry.GetPID(c.PID().GetID()+"/"+req.kind, req.id); pid != nil {
			c.Respond(spawnReply{PID: pid, Err: fmt.Errorf("spawn %s %s: %w", req.kind, req.id, ErrDuplicateID)})
			return
		}
	}
	// SpawnChild runs the child's Initialized and Started right here, on
	// this goroutine, before returning.
	pid := c.SpawnChild(req.producer, req.kind, req.opts...)
	c.Respond(spawnReply{PID: pid})
}
