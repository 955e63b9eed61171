// Package actors is the concurrency runtime of Conductor Reports: hollywood
// actors that own live state (subscribers, timers, last results) and call
// the use cases in app/.
//
// A System owns one engine, a root supervisor (kind "root") under which
// every feature actor is spawned with System.Spawn, and a monitor (kind
// "monitor") that logs and counts restarts, max-restart stops and dead
// letters (System.Stats, SystemConfig.OnEvent). System.Shutdown stops the
// tree, children first.
//
// # hollywood v1.0.5 facts that bite
//
// Read from its source (actor/process.go, context.go, engine.go, inbox.go,
// event_stream.go, response.go); each one shaped code here.
//
// Restarts.
//   - A panic restarts the actor by running the producer again: the new
//     receiver has none of the old in-memory state. Initialized and then
//     Started are delivered again; reload state in Started. The PID, the
//     inbox and the children survive (they belong to the process).
//   - The message that panicked is dropped. Messages of the same batch that
//     were not yet handled are replayed after the restart, not lost.
//   - Before restarting, hollywood delivers Stopped to the crashed receiver,
//     bypassing middleware. Stop timers and repeaters in Stopped and they
//     are stopped on a crash too.
//   - The restart count never resets: MaxRestarts is a lifetime budget.
//     RestartDelay is a time.Sleep on the crashing goroutine.
//   - Exceeding MaxRestarts crashes the whole process in v1.0.5 (cleanup
//     defers a nil cancel func; fixed upstream after the release, PR #198),
//     after delivering Stopped twice. So the System enforces the budget
//     itself: hollywood's limit is set out of reach, a wrapper counts the
//     panics across incarnations, and on the one too many it swallows the
//     panic, broadcasts actor.ActorMaxRestartsExceededEvent and Stops the
//     actor. Messages still queued then become dead letters. Never spawn with
//     the engine directly with a reachable limit.
//   - A panic in Stopped, or in a producer, is not recovered by hollywood
//     (it kills the process); the same wrapper logs it or turns it into an
//     ordinary restart.
//
// Spawning.
//   - Context.SpawnChild runs the child's Initialized and Started on the
//     parent's goroutine before it returns, restarts and their sleeps
//     included. Every Spawn goes through the root, so a slow Started delays
//     every other Spawn.
//   - A child's kind is prefixed with its parent's id: PIDs under the root
//     read "root/<id>/<kind>/<id>".
//   - Spawning with a taken actor.WithID does not fail: hollywood returns
//     the existing PID and never runs the new producer. Spawn reports it as
//     ErrDuplicateID, with that PID.
//   - Children stop only when their parent stops: cleanup poisons them one
//     at a time and waits for each without a timeout. A parent's restart
//     does not touch them.
//   - The inbox is not a bound. InboxSize is the initial capacity of a ring
//     buffer that doubles when full and never shrinks, allocated up front;
//     0 makes the first send divide by zero. Bound queues in the actors.
//
// Stopping.
//   - Poison is graceful only for the batch in hand (messages popped with
//     the pill, even those behind it); anything still in the inbox is
//     dropped silently. Its context is done after Stopped has run.
//   - Poison or Stop of an unknown PID broadcasts a DeadLetterEvent and
//     returns a context that is already done; hence Shutdown runs once.
//   - The engine has no Shutdown. Idle actors own no goroutine, but every
//     SendRepeater does until Stop, and Stop twice panics (closes a closed
//     channel).
//
// Events and requests.
//   - The event stream is an actor. Subscribe is a message to it, so events
//     broadcast before it is handled are missed; the monitor subscribes in
//     Started, before the root exists. Subscribers are keyed by *PID: pass
//     the same pointer (Context.PID()) to Unsubscribe.
//   - A subscriber that stops without Unsubscribe makes the engine spin:
//     each event forwarded to it becomes a DeadLetterEvent, which is
//     forwarded to it again. Unsubscribe in Stopped.
//   - The event stream logs events that have a Log method (restarts with
//     their stack, max restarts) to slog.Default, not to our logger; it does
//     not log dead letters.
//   - Request(...).Result() fails only on timeout (context.DeadlineExceeded)
//     and takes no context; failures belong in the reply. A reply after the
//     timeout becomes a dead letter. Reply at most once: a second reply to
//     the same request can block the responder forever. Respond to a message
//     without a sender (Engine.Send) is dropped with a warning on
//     slog.Default.
package actors
