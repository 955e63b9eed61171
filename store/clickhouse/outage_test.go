package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/internal/testenv/chtest"
)

// prompt is how long an error may take when the server is gone: well under
// a consumer's retry interval, and bounded by the configured timeouts.
const prompt = 8 * time.Second

func assertPromptError(t *testing.T, what string, f func() error) {
	t.Helper()
	began := time.Now()
	err := f()
	if err == nil {
		t.Fatalf("%s succeeded with the server unavailable", what)
	}
	if d := time.Since(began); d > prompt {
		t.Errorf("%s took %s to fail: %v", what, d, err)
	}
	t.Logf("%s: %v (after %s)", what, err, time.Since(began).Round(time.Millisecond))
}

// A server that dies and comes back: Apply and Ping fail promptly while it
// is down, and the very same batch applies, exactly once, afterwards.
func TestServerDownThenBack(t *testing.T) {
	t.Parallel()
	srv := chtest.Start(t)
	a := mustOpen(t, srv)
	ctx := t.Context()
	applyOK(t, a, lifecycle(t)[:2]...)
	batch := lifecycle(t)[2:]
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	assertPromptError(t, "Apply", func() error {
		_, err := a.Apply(ctx, app.IngestBatch{Records: batch, IngestedAt: now})
		return err
	})
	assertPromptError(t, "Ping", func() error { return a.Ping(ctx) })
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if err := a.Ping(ctx); err != nil {
		t.Fatalf("ping after restart: %v", err)
	}
	if res := applyOK(t, a, batch...); res.Inserted != 2 {
		t.Fatalf("after restart %+v", res)
	}
	tot, err := a.SourceTotals(ctx, "t1", "tickets")
	if err != nil || tot.Rows != 2 || tot.Sums["resolution_minutes"] != 60 {
		t.Fatalf("totals %+v, %v", tot, err)
	}
	mustVerify(t, a, "t1")
}

// A wedged server (it accepts nothing and answers nothing) fails Apply and
// Ping within the read timeout, even with the insert already under way, and
// the insert fence makes the retry exact once it recovers.
func TestWedgedServerMidInsert(t *testing.T) {
	t.Parallel()
	srv := chtest.Start(t)
	cfg := configFor(t, srv.NewDatabase(t))
	cfg.ReadTimeout = time.Second
	a := openCfg(t, cfg)
	ctx := t.Context()
	if err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	applyOK(t, a, lifecycle(t)[:1]...)
	batch := lifecycle(t)[1:]
	a.hook = func(step string) error {
		if step == "insert" {
			return srv.Pause()
		}
		return nil
	}
	assertPromptError(t, "Apply", func() error {
		_, err := a.Apply(ctx, app.IngestBatch{Records: batch, IngestedAt: now})
		return err
	})
	a.hook = nil
	if len(a.fence.pending) != 1 {
		t.Errorf("fence holds %d uncertain inserts, want 1", len(a.fence.pending))
	}
	assertPromptError(t, "Ping", func() error { return a.Ping(ctx) })
	if err := srv.Resume(); err != nil {
		t.Fatal(err)
	}
	res := applyOK(t, a, batch...)
	if res.Inserted+res.Duplicates != 3 {
		t.Fatalf("retry %+v", res)
	}
	if len(a.fence.pending) != 0 {
		t.Error("fence still holds the insert after it settled")
	}
	tot, err := a.SourceTotals(ctx, "t1", "tickets")
	if err != nil || tot.Rows != 2 || tot.Sums["first_response_minutes"] != 10 || tot.Sums["resolution_minutes"] != 60 {
		t.Fatalf("totals %+v, %v", tot, err)
	}
	mustVerify(t, a, "t1")
}

func TestNothingListening(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	a := openCfg(t, Config{Addr: []string{addr}, DialTimeout: time.Second, ReadTimeout: time.Second})
	ctx := t.Context()
	assertPromptError(t, "Ping", func() error { return a.Ping(ctx) })
	assertPromptError(t, "Apply", func() error {
		_, err := a.Apply(ctx, app.IngestBatch{Records: lifecycle(t), IngestedAt: now})
		return err
	})
	assertPromptError(t, "Migrate", func() error { return a.Migrate(ctx) })
	assertPromptError(t, "SourceTotals", func() error { _, err := a.SourceTotals(ctx, "t1", "tickets"); return err })
	assertPromptError(t, "ListDeadLetters", func() error { _, err := a.ListDeadLetters(ctx, []string{"t1"}, "", 1); return err })
	assertPromptError(t, "VerifyRollups", func() error { return a.VerifyRollups(ctx, "t1") })
}

// A process that opens the store while an insert of its predecessor (same
// database, same query id prefix) still runs waits for it before its first
// lookup.
func TestFenceWaitsForPredecessorInsert(t *testing.T) {
	t.Parallel()
	a := mustOpen(t, nil)
	ctx := t.Context()
	applyOK(t, a, lifecycle(t)[:1]...)
	queryID := a.fence.prefix + "predecessor"
	done := make(chan error, 1)
	began := time.Now()
	go func() {
		// 18.16 caps sleep() at 3 s per block.
		done <- a.conn.Exec(ch.Context(context.Background(), ch.WithQueryID(queryID)), "SELECT sleep(1.5)")
	}()
	for {
		ids, err := a.runningQueries(ctx, a.fence.prefix)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) == 1 && ids[0] == queryID {
			break
		}
		if time.Since(began) > 5*time.Second {
			t.Fatalf("the predecessor query never showed up: %v", ids)
		}
		time.Sleep(10 * time.Millisecond)
	}
	successor := openCfg(t, a.cfg)
	applyOK(t, successor, lifecycle(t)[1:]...)
	if d := time.Since(began); d < 1400*time.Millisecond {
		t.Errorf("Apply returned %s after the predecessor started, before it ended", d)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Once settled, the fence costs nothing.
	if !successor.fence.started {
		t.Error("fence did not record its first wait")
	}
}

func TestFenceTimeoutAndErrors(t *testing.T) {
	f := newFence("db", 150*time.Millisecond)
	f.failed("q1")
	always := func(context.Context, string) ([]string, error) { return []string{"q1", "other"}, nil }
	if err := f.wait(t.Context(), always); err == nil || !strings.Contains(err.Error(), "still running after") {
		t.Fatalf("wait = %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	f.timeout = time.Hour
	if err := f.wait(ctx, always); !errors.Is(err, context.Canceled) {
		t.Fatalf("wait = %v", err)
	}
	boom := errors.New("boom")
	if err := f.wait(t.Context(), func(context.Context, string) ([]string, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("wait = %v", err)
	}
	// Queries of other nodes that start after the first look are not waited for.
	calls := 0
	later := func(context.Context, string) ([]string, error) {
		calls++
		if calls == 1 {
			return nil, nil
		}
		return []string{"newcomer"}, nil
	}
	g := newFence("db", time.Second)
	if err := g.wait(t.Context(), later); err != nil || calls != 1 {
		t.Fatalf("wait = %v after %d calls", err, calls)
	}
	if !strings.HasPrefix(g.newQueryID(), "reports-ingest-db-") {
		t.Error("query id prefix")
	}
}

func TestTenantLocksDoNotDeadlock(t *testing.T) {
	var l tenantLocks
	done := make(chan struct{})
	for i := range 8 {
		go func() {
			for j := range 200 {
				unlock := l.lock([]string{fmt.Sprint("t", (i+j)%5), fmt.Sprint("t", (i*7+j)%5), "t1"})
				unlock()
			}
			done <- struct{}{}
		}()
	}
	for range 8 {
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("tenant locks deadlocked")
		}
	}
}
