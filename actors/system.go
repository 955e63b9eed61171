package actors

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anthdm/hollywood/actor"
)

var (
	// ErrStopped is returned by Spawn and Stats once Shutdown has begun.
	ErrStopped = errors.New("actor system stopped")
	// ErrDuplicateID is returned (wrapped) by Spawn when actor.WithID names
	// an actor that already runs under the root; Spawn then also returns
	// that actor's PID, so callers wanting get-or-spawn can use it.
	ErrDuplicateID = errors.New("actor id already in use")
)

// System owns a hollywood engine, a root supervisor under which feature
// actors are spawned, and a monitor that counts supervision events.
type System struct {
	engine  *actor.Engine
	root    *actor.PID
	monitor *actor.PID
	cfg     SystemConfig
	log     *slog.Logger

	stopping atomic.Bool
	stopOnce sync.Once
	stopped  chan struct{}
}

// NewSystem validates cfg, starts an engine and spawns the monitor (kind
// "monitor") and the root supervisor (kind "root"). A nil log discards.
func NewSystem(cfg SystemConfig, log *slog.Logger) (*System, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	engine, err := actor.NewEngine(actor.NewEngineConfig())
	if err != nil {
		return nil, fmt.Errorf("start actor engine: %w", err)
	}
	s := &System{
		engine:  engine,
		cfg:     cfg.withDefaults(),
		log:     log,
		stopped: make(chan struct{}),
	}
	// The monitor first: it subscribes in Started, which runs inside Spawn,
	// so it sees every event broadcast after this line, the root's included.
	s.monitor = engine.Spawn(s.supervised(newMonitor(log, s.cfg.OnEvent)), "monitor", s.topOpts()...)
	s.root = engine.Spawn(s.supervised(newRoot()), "root", s.topOpts()...)
	return s, nil
}

// Engine returns the underlying engine, for Send and Request to PIDs
// returned by Spawn. Spawn feature actors through Spawn, not the engine.
func (s *System) Engine() *actor.Engine { return s.engine }

// Spawn asks the root supervisor to spawn p as its child, so it is stopped
// with the tree. Defaults from SystemConfig (max restarts, restart delay,
// inbox size) come first and opts override them. The restart budget is
// enforced by the System, not by hollywood (see the package doc); a negative
// actor.WithMaxRestarts means no restarts.
//
// The child's Initialized and Started run before Spawn returns, on the
// root's goroutine: keep them fast, they delay every other Spawn. If they
// take longer than RequestTimeout, Spawn returns a timeout error but the
// child may still start later under the root.
func (s *System) Spawn(p actor.Producer, kind string, opts ...actor.OptFunc) (*actor.PID, error) {
	if s.stopping.Load() {
		return nil, fmt.Errorf("spawn %s: %w", kind, ErrStopped)
	}
	all := append([]actor.OptFunc{
		actor.WithMaxRestarts(s.cfg.MaxRestarts),
		actor.WithRestartDelay(s.cfg.RestartDelay),
		actor.WithInboxSize(s.cfg.InboxSize),
	}, opts...)
	eff := actor.DefaultOpts(p)
	for _, opt := range all {
		opt(&eff)
	}
	if eff.InboxSize < 1 {
		// hollywood would panic with a division by zero on the first send.
		return nil, fmt.Errorf("spawn %s: inbox size %d must be at least 1", kind, eff.InboxSize)
	}
	req := spawnRequest{
		producer: supervise(p, eff.MaxRestarts, s.log),
		kind:     kind,
		id:       eff.ID,
		opts:     append(all, actor.WithMaxRestarts(unreachableRestarts)),
	}
	v, err := s.request(context.Background(), s.root, req)
	if err != nil {
		return nil, fmt.Errorf("spawn %s: %w", kind, err)
	}
	reply, ok := v.(spawnReply)
	if !ok {
		return nil, fmt.Errorf("spawn %s: unexpected reply %T", kind, v)
	}
	return reply.PID, reply.Err
}

// Stats returns the monitor's counters. It fails only when the monitor does
// not answer before ctx or RequestTimeout expires, or after Shutdown.
func (s *System) Stats(ctx context.Context) (Stats, error) {
	if s.stopping.Load() {
		return Stats{}, fmt.Errorf("actor stats: %w", ErrStopped)
	}
	v, err := s.request(ctx, s.monitor, statsRequest{})
	if err != nil {
		return Stats{}, fmt.Errorf("actor stats: %w", err)
	}
	reply, ok := v.(statsReply)
	if !ok {
		return Stats{}, fmt.Errorf("actor stats: unexpected reply %T", v)
	}
	return reply.Stats, reply.Err
}

// Shutdown poisons the root supervisor, which stops its children first
// (each one's Stopped runs), then the monitor, so the children's last events
// are still counted. It returns when both have stopped, or with ctx's error
// if ctx ends first; the stop then carries on in the background. Calling it
// again, concurrently or later, waits for the same stop.
func (s *System) Shutdown(ctx context.Context) error {
	s.stopOnce.Do(func() {
		s.stopping.Store(true)
		go func() {
			// No timeout here: a child whose Stopped blocks holds the root's
			// cleanup forever, and hollywood offers no way to abandon it.
			<-s.engine.Poison(s.root).Done()
			<-s.engine.Poison(s.monitor).Done()
			close(s.stopped)
		}()
	})
	select {
	case <-s.stopped:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("shut down actor system: %w", ctx.Err())
	}
}

// request sends msg to pid and waits for the reply until ctx ends or the
// configured timeout (whichever is first). hollywood's Response.Result has
// no context, so it is awaited on a goroutine that ends by the timeout.
func (s *System) request(ctx context.Context, pid *actor.PID, msg any) (any, error) {
	timeout := s.cfg.RequestTimeout
	if deadline, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(deadline))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if timeout <= 0 {
		return nil, context.DeadlineExceeded
	}
	type result struct {
		v   any
		err error
	}
	resp := s.engine.Request(pid, msg, timeout)
	done := make(chan result, 1)
	go func() {
		v, err := resp.Result()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// supervised wraps one of the System's own actors with the restart budget.
func (s *System) supervised(p actor.Producer) actor.Producer {
	return supervise(p, int32(s.cfg.MaxRestarts), s.log)
}

// topOpts are the options of the root and the monitor; see supervise for
// why hollywood's own restart limit is made unreachable.
func (s *System) topOpts() []actor.OptFunc {
	return []actor.OptFunc{
		actor.WithMaxRestarts(unreachableRestarts),
		actor.WithRestartDelay(s.cfg.RestartDelay),
		actor.WithInboxSize(s.cfg.InboxSize),
	}
}
