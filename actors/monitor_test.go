package actors

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anthdm/hollywood/actor"
)

func TestMessageToADeadPIDIsADeadLetter(t *testing.T) {
	t.Parallel()
	log := &recorder{}
	s := mustNewSystem(t, SystemConfig{}, slogFor(log))
	lifecycle := make(chan string, 4)
	pid, err := s.Spawn(newLoader(func() int { return 0 }, lifecycle), "gone")
	if err != nil {
		t.Fatalf("spawn: %v", err)
	}
	<-s.Engine().Poison(pid).Done()
	s.Engine().Send(pid, add{1})

	st := waitStats(t, s, func(st Stats) bool { return st.DeadLetters == 1 })
	if st.Restarts != 0 || st.MaxRestartsExceeded != 0 {
		t.Fatalf("stats = %+v, want only the dead letter", st)
	}
	attrs, ok := log.attrs("dead letter")
	if !ok {
		t.Fatal("dead letter not logged")
	}
	if got := attrs["actor_id"].String(); got != pid.GetID() {
		t.Errorf("actor_id = %q, want %q", got, pid.GetID())
	}
	if got := attrs["message_type"].String(); got != "actors.add" {
		t.Errorf("message_type = %q, want actors.add", got)
	}
}

func TestRestartIsLoggedWithSnakeCaseKeys(t *testing.T) {
	t.Parallel()
	log := &recorder{}
	s := mustNewSystem(t, SystemConfig{}, slogFor(log))
	lifecycle := make(chan string, 16)
	pid, err := s.Spawn(newLoader(func() int { return 0 }, lifecycle), "noisy", actor.WithMaxRestarts(1))
	if err != nil {
		t.Fatalf("spawn: %v", err)
	}
	s.Engine().Send(pid, boom{})
	s.Engine().Send(pid, boom{})
	waitStats(t, s, func(st Stats) bool { return st.Restarts == 1 && st.MaxRestartsExceeded == 1 })

	restarted, ok := log.attrs("actor restarted after panic")
	if !ok {
		t.Fatal("restart not logged")
	}
	if restarted["actor_id"].String() != pid.GetID() || restarted["reason"].String() != "boom" ||
		restarted["restarts"].Int64() != 1 || restarted["stack"].String() == "" {
		t.Errorf("restart attrs = %v", restarted)
	}
	exceeded, ok := log.attrs("actor exceeded max restarts and was stopped")
	if !ok || exceeded["actor_id"].String() != pid.GetID() {
		t.Errorf("max restarts attrs = %v (logged %v)", exceeded, ok)
	}
	last, ok := log.attrs("actor panicked with no restarts left")
	if !ok || last["reason"].String() != "boom" {
		t.Errorf("final panic attrs = %v (logged %v)", last, ok)
	}
}

func TestOnEventSeesEventsAndItsPanicsAreContained(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	seen := map[string]int{}
	hook := func(ev any) {
		mu.Lock()
		switch ev.(type) {
		case actor.ActorRestartedEvent:
			seen["restarted"]++
		case actor.ActorStartedEvent:
			seen["started"]++
		}
		mu.Unlock()
		if _, ok := ev.(actor.ActorRestartedEvent); ok {
			panic("metrics exporter broke")
		}
	}
	log := &recorder{}
	s := mustNewSystem(t, SystemConfig{OnEvent: hook}, slogFor(log))
	lifecycle := make(chan string, 16)
	pid, err := s.Spawn(newLoader(func() int { return 0 }, lifecycle), "observed")
	if err != nil {
		t.Fatalf("spawn: %v", err)
	}
	s.Engine().Send(pid, boom{})
	s.Engine().Send(pid, boom{})
	waitStats(t, s, func(st Stats) bool { return st.Restarts == 2 })

	mu.Lock()
	defer mu.Unlock()
	// Root, child, child after each restart.
	if seen["restarted"] != 2 || seen["started"] < 3 {
		t.Fatalf("hook saw %v", seen)
	}
	if _, ok := log.attrs("actor event hook panicked"); !ok {
		t.Fatal("hook panic not logged")
	}
}

// blockedMonitor returns a System whose monitor is stuck in the OnEvent
// hook until the returned release func is called.
func blockedMonitor(t *testing.T, cfg SystemConfig) (*System, func()) {
	t.Helper()
	var blocking atomic.Bool
	entered := make(chan struct{})
	gate := make(chan struct{})
	var once sync.Once
	cfg.OnEvent = func(any) {
		if blocking.Load() {
			once.Do(func() { close(entered) })
			<-gate
		}
	}
	s := mustNewSystem(t, cfg, nil)
	blocking.Store(true)
	s.Engine().BroadcastEvent(struct{}{}) // any event reaches the hook
	<-entered
	var release sync.Once
	return s, func() { release.Do(func() { blocking.Store(false); close(gate) }) }
}

func TestStatsTimesOutWhenTheMonitorDoesNotAnswer(t *testing.T) {
	t.Parallel()
	s, release := blockedMonitor(t, SystemConfig{RequestTimeout: 20 * time.Millisecond})
	defer release()
	if _, err := s.Stats(context.Background()); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline error", err)
	}
}

func TestStatsHonoursTheContext(t *testing.T) {
	t.Parallel()
	s, release := blockedMonitor(t, SystemConfig{})
	defer release()

	ctx, cancel := context.WithCancel(context.Background())
	stop := time.AfterFunc(10*time.Millisecond, cancel)
	defer stop.Stop()
	if _, err := s.Stats(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, err := s.Stats(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("already cancelled: err = %v, want context.Canceled", err)
	}

	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	if _, err := s.Stats(expired); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("expired: err = %v, want a deadline error", err)
	}
}
