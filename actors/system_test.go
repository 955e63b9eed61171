package actors

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anthdm/hollywood/actor"
)

func TestSpawnPlacesChildrenUnderTheRoot(t *testing.T) {
	t.Parallel()
	s := mustNewSystem(t, SystemConfig{}, nil)
	lifecycle := make(chan string, 4)
	pid, err := s.Spawn(newLoader(func() int { return 1 }, lifecycle), "dashboard", actor.WithID("d1"))
	if err != nil {
		t.Fatalf("spawn: %v", err)
	}
	want := s.root.GetID() + "/dashboard/d1"
	if pid.GetID() != want {
		t.Fatalf("pid = %q, want %q", pid.GetID(), want)
	}
	if !strings.HasPrefix(s.root.GetID(), "root/") || !strings.HasPrefix(s.monitor.GetID(), "monitor/") {
		t.Fatalf("kinds: root %q, monitor %q", s.root.GetID(), s.monitor.GetID())
	}
}

func TestSpawnDuplicateIDReturnsTheRunningActor(t *testing.T) {
	t.Parallel()
	s := mustNewSystem(t, SystemConfig{}, nil)
	first := make(chan string, 4)
	pid, err := s.Spawn(newLoader(func() int { return 1 }, first), "feed", actor.WithID("w1"))
	if err != nil {
		t.Fatalf("spawn: %v", err)
	}
	second := make(chan string, 4)
	again, err := s.Spawn(newLoader(func() int { return 2 }, second), "feed", actor.WithID("w1"))
	if !errors.Is(err, ErrDuplicateID) {
		t.Fatalf("err = %v, want ErrDuplicateID", err)
	}
	if again == nil || !again.Equals(pid) {
		t.Fatalf("pid = %v, want the running %v", again, pid)
	}
	if got := request(t, s, again, get{}); got != 1 {
		t.Fatalf("state = %v, want the first actor's 1", got)
	}
	select {
	case ev := <-second:
		t.Fatalf("second producer ran: %q", ev)
	default:
	}
}

func TestSpawnRejectsAnEmptyInbox(t *testing.T) {
	t.Parallel()
	s := mustNewSystem(t, SystemConfig{}, nil)
	_, err := s.Spawn(newLoader(func() int { return 0 }, make(chan string, 1)), "bad", actor.WithInboxSize(0))
	if err == nil || !strings.Contains(err.Error(), "inbox size") {
		t.Fatalf("err = %v, want an inbox size error", err)
	}
}

func TestSpawnTimesOutOnASlowStarted(t *testing.T) {
	t.Parallel()
	s := mustNewSystem(t, SystemConfig{RequestTimeout: 20 * time.Millisecond}, nil)
	release := make(chan struct{})
	slow := func() int { <-release; return 0 }
	lifecycle := make(chan string, 4)
	_, err := s.Spawn(newLoader(slow, lifecycle), "slow")
	close(release)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline error", err)
	}
	// The child still starts, under the root, and is stopped with it.
	expect(t, lifecycle, "started")
}

func TestShutdownStopsChildrenAndIsIdempotent(t *testing.T) {
	t.Parallel()
	s, err := NewSystem(SystemConfig{}, nil)
	if err != nil {
		t.Fatalf("new system: %v", err)
	}
	lifecycle := make(chan string, 16)
	for range 3 {
		if _, err := s.Spawn(newLoader(func() int { return 0 }, lifecycle), "session"); err != nil {
			t.Fatalf("spawn: %v", err)
		}
		expect(t, lifecycle, "started")
	}

	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for range 3 { // concurrent calls wait for the same stop
		wg.Go(func() { errs <- s.Shutdown(ctx) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	}
	for range 3 {
		expect(t, lifecycle, "stopped")
	}
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("second shutdown: %v", err)
	}
	if _, err := s.Spawn(newLoader(func() int { return 0 }, lifecycle), "late"); !errors.Is(err, ErrStopped) {
		t.Fatalf("spawn after shutdown: %v, want ErrStopped", err)
	}
	if _, err := s.Stats(ctx); !errors.Is(err, ErrStopped) {
		t.Fatalf("stats after shutdown: %v, want ErrStopped", err)
	}
	if s.Engine().Registry.GetPID("root", strings.TrimPrefix(s.root.GetID(), "root/")) != nil {
		t.Fatal("root still registered")
	}
}

func TestShutdownHonoursTheContext(t *testing.T) {
	t.Parallel()
	s, err := NewSystem(SystemConfig{}, nil)
	if err != nil {
		t.Fatalf("new system: %v", err)
	}
	release := make(chan struct{})
	lifecycle := make(chan string, 4)
	stuck := func() actor.Receiver {
		return &loader{load: func() int { return 0 }, lifecycle: lifecycle, stopHook: func() { <-release }}
	}
	if _, err := s.Spawn(stuck, "stuck"); err != nil {
		t.Fatalf("spawn: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := s.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("shutdown = %v, want a deadline error", err)
	}
	close(release)
	ctx2, cancel2 := context.WithTimeout(context.Background(), waitFor)
	defer cancel2()
	if err := s.Shutdown(ctx2); err != nil {
		t.Fatalf("shutdown after release: %v", err)
	}
}

func TestNewSystemRejectsInvalidConfig(t *testing.T) {
	t.Parallel()
	_, err := NewSystem(SystemConfig{MaxRestarts: -1, InboxSize: -1}, nil)
	if err == nil {
		t.Fatal("want an error")
	}
	for _, part := range []string{"max restarts", "inbox size"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not mention %q", err, part)
		}
	}
}

func TestSystemConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  SystemConfig
		want string // substring of the error, "" for valid
	}{
		{"zero value", SystemConfig{}, ""},
		{"explicit values", SystemConfig{MaxRestarts: 1, RestartDelay: time.Second, InboxSize: 8, RequestTimeout: time.Second}, ""},
		{"negative max restarts", SystemConfig{MaxRestarts: -1}, "max restarts"},
		{"negative restart delay", SystemConfig{RestartDelay: -1}, "restart delay"},
		{"negative inbox size", SystemConfig{InboxSize: -1}, "inbox size"},
		{"negative request timeout", SystemConfig{RequestTimeout: -1}, "request timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestSystemConfigDefaults(t *testing.T) {
	t.Parallel()
	got := SystemConfig{}.withDefaults()
	want := SystemConfig{
		MaxRestarts:    DefaultMaxRestarts,
		RestartDelay:   DefaultRestartDelay,
		InboxSize:      DefaultInboxSize,
		RequestTimeout: DefaultRequestTimeout,
	}
	if got.MaxRestarts != want.MaxRestarts || got.RestartDelay != want.RestartDelay ||
		got.InboxSize != want.InboxSize || got.RequestTimeout != want.RequestTimeout {
		t.Fatalf("defaults = %+v, want %+v", got, want)
	}
	set := SystemConfig{MaxRestarts: 1, RestartDelay: 2, InboxSize: 3, RequestTimeout: 4}
	if kept := set.withDefaults(); kept.MaxRestarts != 1 || kept.RestartDelay != 2 || kept.InboxSize != 3 || kept.RequestTimeout != 4 {
		t.Fatalf("explicit values replaced: %+v", kept)
	}
}
