package actors

import (
	"errors"
	"time"
)

// Defaults applied by NewSystem to zero-valued SystemConfig fields.
const (
	// DefaultMaxRestarts is a little above hollywood's 3 because hollywood
	// never resets the count: it is a lifetime budget, not a rate, so a
	// long-lived feed that hits a transient database error now and then
	// should not be retired after its third blip. It is still small enough
	// that a crash loop stops within a second (see DefaultRestartDelay).
	DefaultMaxRestarts = 5

	// DefaultRestartDelay is well below hollywood's 500ms because the delay is
	// a time.Sleep on the crashing actor's goroutine and, for a panic in
	// Started, on the goroutine of its parent: the root supervisor, which
	// then spawns nothing else. 100ms x 5 restarts keeps a crash-looping actor
	// from stalling the root for more than half a second while still not
	// hammering a failing dependency in a hot loop.
	DefaultRestartDelay = 100 * time.Millisecond

	// DefaultInboxSize is far below hollywood's 1024 because the inbox is
	// not a bound: it is a ring buffer that doubles when full and never
	// shrinks. The size is only eagerly allocated capacity (24 bytes per
	// slot), so 1024 costs 24 KiB per actor before the first message, and we
	// run one actor per session and per widget feed (tens of thousands).
	// 64 slots (1.5 KiB) absorb an ordinary burst; back-pressure must be
	// built in the actors themselves (bounded outboxes, coalescing).
	DefaultInboxSize = 64

	// DefaultRequestTimeout bounds Spawn and Stats when the caller's context
	// has no earlier deadline. Spawn includes the child's Initialized and
	// Started (and their restarts), which run on the root's goroutine.
	DefaultRequestTimeout = 5 * time.Second
)

// SystemConfig configures a System. The zero value is usable: every zero
// field takes the default documented next to it.
type SystemConfig struct {
	// MaxRestarts is how many times a child spawned through Spawn is
	// restarted after a panic before it is stopped for good. It counts over
	// the actor's whole life. Zero means DefaultMaxRestarts; to spawn one
	// actor that is never restarted pass actor.WithMaxRestarts(0) to Spawn.
	MaxRestarts int
	// RestartDelay is slept before each restart. Zero means
	// DefaultRestartDelay.
	RestartDelay time.Duration
	// InboxSize is the initial inbox capacity of each actor (it grows on
	// demand). Zero means DefaultInboxSize.
	InboxSize int
	// RequestTimeout bounds Spawn, and Stats when its context has no earlier
	// deadline. Zero means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// OnEvent, when set, is called with every event of the engine's event
	// stream (restarts, max restarts exceeded, dead letters, started and
	// stopped actors...) after the monitor has counted it, so metrics can be
	// attached. It runs on the monitor's goroutine: it must not block, and
	// a panic in it is recovered and logged. Nil means no hook.
	OnEvent func(event any)
}

// Validate reports every invalid field at once. Zero values are valid.
func (c SystemConfig) Validate() error {
	var errs []error
	if c.MaxRestarts < 0 {
		errs = append(errs, errors.New("actors: max restarts must not be negative"))
	}
	if c.RestartDelay < 0 {
		errs = append(errs, errors.New("actors: restart delay must not be negative"))
	}
	if c.InboxSize < 0 {
		errs = append(errs, errors.New("actors: inbox size must not be negative"))
	}
	if c.RequestTimeout < 0 {
		errs = append(errs, errors.New("actors: request timeout must not be negative"))
	}
	return errors.Join(errs...)
}

// withDefaults returns c with every zero field replaced by its default.
func (c SystemConfig) withDefaults() SystemConfig {
	if c.MaxRestarts == 0 {
		c.MaxRestarts = DefaultMaxRestarts
	}
	if c.RestartDelay == 0 {
		c.RestartDelay = DefaultRestartDelay
	}
	if c.InboxSize == 0 {
		c.InboxSize = DefaultInboxSize
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	return c
}
