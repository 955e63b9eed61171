package actors

import (
	"sync/atomic"
	"testing"

	"github.com/anthdm/hollywood/actor"
)

func TestRestartReloadsStateAndDropsThePanickingMessage(t *testing.T) {
	t.Parallel()
	s := mustNewSystem(t, SystemConfig{}, nil)
	var loads atomic.Int32
	lifecycle := make(chan string, 16)
	pid, err := s.Spawn(newLoader(func() int { loads.Add(1); return 10 }, lifecycle), "loader")
	if err != nil {
		t.Fatalf("spawn: %v", err)
	}
	expect(t, lifecycle, "started") // Started ran inside Spawn

	s.Engine().Send(pid, add{5}) // 15, lost with the crash
	s.Engine().Send(pid, boom{}) // dropped, never retried
	s.Engine().Send(pid, add{1}) // handled by the new incarnation: 10+1

	expect(t, lifecycle, "stopped") // the crashed receiver is told first
	expect(t, lifecycle, "started")
	if got := request(t, s, pid, get{}); got != 11 {
		t.Fatalf("state after restart = %v, want 11 (reloaded 10, then +1)", got)
	}
	if n := loads.Load(); n != 2 {
		t.Fatalf("loads = %d, want 2", n)
	}
	st := waitStats(t, s, func(st Stats) bool { return st.Restarts == 1 })
	if st.MaxRestartsExceeded != 0 {
		t.Fatalf("stats = %+v, want no max-restart stop", st)
	}
}

func TestAlwaysPanickingChildExceedsMaxRestarts(t *testing.T) {
	t.Parallel()
	s := mustNewSystem(t, SystemConfig{MaxRestarts: 10}, nil)
	lifecycle := make(chan string, 16)
	// The caller's option overrides the System default of 10.
	pid, err := s.Spawn(newLoader(func() int { return 0 }, lifecycle), "crasher", actor.WithMaxRestarts(2))
	if err != nil {
		t.Fatalf("spawn: %v", err)
	}
	for range 3 {
		s.Engine().Send(pid, boom{})
	}
	st := waitStats(t, s, func(st Stats) bool { return st.MaxRestartsExceeded == 1 })
	if st.Restarts != 2 {
		t.Fatalf("restarts = %d, want 2", st.Restarts)
	}
	// One Stopped per incarnation: two crashes, then the final stop.
	for _, want := range []string{"started", "stopped", "started", "stopped", "started", "stopped"} {
		expect(t, lifecycle, want)
	}
	select {
	case extra := <-lifecycle:
		t.Fatalf("unexpected lifecycle event %q", extra)
	default:
	}

	// The actor is gone: a message to it is a dead letter.
	before := waitStats(t, s, func(Stats) bool { return true }).DeadLetters
	s.Engine().Send(pid, add{1})
	waitStats(t, s, func(st Stats) bool { return st.DeadLetters > before })
}

func TestPanicInStartedExhaustsBudgetWithoutKillingTheRoot(t *testing.T) {
	t.Parallel()
	s := mustNewSystem(t, SystemConfig{}, nil)
	var loads atomic.Int32
	failing := func() int { loads.Add(1); panic("database down") }
	lifecycle := make(chan string, 16)
	if _, err := s.Spawn(newLoader(failing, lifecycle), "broken", actor.WithMaxRestarts(1)); err != nil {
		t.Fatalf("spawn: %v", err)
	}
	waitStats(t, s, func(st Stats) bool { return st.Restarts == 1 && st.MaxRestartsExceeded == 1 })
	if n := loads.Load(); n != 2 {
		t.Fatalf("loads = %d, want 2 (first start and one restart)", n)
	}

	// The root survived and still spawns.
	ok := make(chan string, 4)
	if _, err := s.Spawn(newLoader(func() int { return 1 }, ok), "healthy"); err != nil {
		t.Fatalf("spawn after a broken child: %v", err)
	}
	expect(t, ok, "started")
}

func TestProducerPanicCountsAsACrash(t *testing.T) {
	t.Parallel()
	s := mustNewSystem(t, SystemConfig{}, nil)
	var calls atomic.Int32
	lifecycle := make(chan string, 16)
	flaky := func() actor.Receiver {
		if calls.Add(1) == 2 {
			panic("producer failed")
		}
		return &loader{load: func() int { return 7 }, lifecycle: lifecycle}
	}
	pid, err := s.Spawn(flaky, "flaky")
	if err != nil {
		t.Fatalf("spawn: %v", err)
	}
	s.Engine().Send(pid, boom{}) // restart 1 runs the producer, which panics: restart 2
	waitStats(t, s, func(st Stats) bool { return st.Restarts == 2 })
	if got := request(t, s, pid, get{}); got != 7 {
		t.Fatalf("state = %v, want 7", got)
	}
}

func TestProducerReturningNilIsStopped(t *testing.T) {
	t.Parallel()
	s := mustNewSystem(t, SystemConfig{}, nil)
	nilProducer := func() actor.Receiver { return nil }
	if _, err := s.Spawn(nilProducer, "nil", actor.WithMaxRestarts(0)); err != nil {
		t.Fatalf("spawn: %v", err)
	}
	waitStats(t, s, func(st Stats) bool { return st.MaxRestartsExceeded == 1 })
}

func TestNegativeMaxRestartsMeansNoRestart(t *testing.T) {
	t.Parallel()
	s := mustNewSystem(t, SystemConfig{}, nil)
	lifecycle := make(chan string, 16)
	pid, err := s.Spawn(newLoader(func() int { return 0 }, lifecycle), "once", actor.WithMaxRestarts(-1))
	if err != nil {
		t.Fatalf("spawn: %v", err)
	}
	s.Engine().Send(pid, boom{})
	st := waitStats(t, s, func(st Stats) bool { return st.MaxRestartsExceeded == 1 })
	if st.Restarts != 0 {
		t.Fatalf("restarts = %d, want 0", st.Restarts)
	}
}

func TestPanicInStoppedIsContained(t *testing.T) {
	t.Parallel()
	log := &recorder{}
	s := mustNewSystem(t, SystemConfig{}, slogFor(log))
	lifecycle := make(chan string, 16)
	producer := func() actor.Receiver {
		return &loader{
			load:      func() int { return 3 },
			lifecycle: lifecycle,
			stopHook:  func() { panic("cannot close") },
		}
	}
	pid, err := s.Spawn(producer, "sloppy")
	if err != nil {
		t.Fatalf("spawn: %v", err)
	}
	// Crash path: hollywood calls Stopped from inside its recover.
	s.Engine().Send(pid, boom{})
	expect(t, lifecycle, "started")
	expect(t, lifecycle, "stopped")
	expect(t, lifecycle, "started")
	if got := request(t, s, pid, get{}); got != 3 {
		t.Fatalf("state = %v, want 3", got)
	}
	// Cleanup path: Poison runs Stopped via cleanup.
	<-s.Engine().Poison(pid).Done()
	expect(t, lifecycle, "stopped")
	if _, ok := log.attrs("actor panicked while stopping"); !ok {
		t.Fatal("panic in Stopped was not logged")
	}
	st := waitStats(t, s, func(st Stats) bool { return st.Restarts == 1 })
	if st.MaxRestartsExceeded != 0 {
		t.Fatalf("stats = %+v, a panic in Stopped must not count as a crash", st)
	}
}

func TestMessagesQueuedBehindAnExhaustedActorAreDeadLetters(t *testing.T) {
	t.Parallel()
	s := mustNewSystem(t, SystemConfig{}, nil)
	lifecycle := make(chan string, 16)
	pid, err := s.Spawn(newLoader(func() int { return 0 }, lifecycle), "doomed", actor.WithMaxRestarts(0))
	if err != nil {
		t.Fatalf("spawn: %v", err)
	}
	// add{1} enters the inbox before the Stop pill the guard sends, so the
	// retired actor must not handle it: it is reported as a dead letter.
	s.Engine().Send(pid, boomAfter{next: add{1}})
	st := waitStats(t, s, func(st Stats) bool { return st.MaxRestartsExceeded == 1 && st.DeadLetters == 1 })
	if st.Restarts != 0 {
		t.Fatalf("stats = %+v, want no restart", st)
	}
	expect(t, lifecycle, "started")
	expect(t, lifecycle, "stopped")
}
