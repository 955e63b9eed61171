package inproc_test

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"testing"
	"time"
	"weak"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/streams/inproc"
	"github.com/conductor/reports/streams/streamtest"
)

func TestStreamContract(t *testing.T) {
	streamtest.Stream(t, func(t testing.TB) (app.EventPublisher, func() app.EventConsumer) {
		l := inproc.NewLog(0)
		t.Cleanup(func() { _ = l.Close() })
		return l.Publisher(), l.Consumer
	})
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func msgs(n int) []app.StreamMessage {
	return streamtest.BenchMessages(n)
}

func TestDefaults(t *testing.T) {
	if got := inproc.NewLog(0).Capacity(); got != inproc.DefaultCapacity {
		t.Errorf("NewLog(0).Capacity() = %d, want %d", got, inproc.DefaultCapacity)
	}
	if got := inproc.NewLog(-5).Capacity(); got != inproc.DefaultCapacity {
		t.Errorf("NewLog(-5).Capacity() = %d, want %d", got, inproc.DefaultCapacity)
	}
	if got := inproc.NewLog(7).Capacity(); got != 7 {
		t.Errorf("NewLog(7).Capacity() = %d, want 7", got)
	}
}

// A full log refuses a whole call and accepts nothing of it, so a client
// retrying after a 503 does not create half-duplicates.
func TestFullIsAllOrNothing(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	l := inproc.New(inproc.Config{Capacity: 10, PublishTimeout: 20 * time.Millisecond})
	pub := l.Publisher()
	if err := pub.Publish(ctx, msgs(8)); err != nil {
		t.Fatalf("publish 8 of 10: %v", err)
	}
	if err := pub.Publish(ctx, msgs(3)); !errors.Is(err, app.ErrStreamFull) {
		t.Fatalf("publish 3 into 2 free slots: err = %v, want ErrStreamFull", err)
	}
	if got := l.Len(); got != 8 {
		t.Fatalf("after a refused call the log holds %d, want 8", got)
	}
	if err := pub.Publish(ctx, msgs(2)); err != nil {
		t.Fatalf("publish 2 into 2 free slots: %v", err)
	}
	if err := pub.Publish(ctx, msgs(11)); !errors.Is(err, inproc.ErrBatchTooLarge) {
		t.Fatalf("publish 11 into a log of 10: err = %v, want ErrBatchTooLarge", err)
	}

	noWait := inproc.New(inproc.Config{Capacity: 1, PublishTimeout: -1})
	if err := noWait.Publisher().Publish(ctx, msgs(1)); err != nil {
		t.Fatalf("publish: %v", err)
	}
	start := time.Now()
	if err := noWait.Publisher().Publish(ctx, msgs(1)); !errors.Is(err, app.ErrStreamFull) {
		t.Fatalf("publish into a full log without waiting: err = %v, want ErrStreamFull", err)
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Fatalf("a negative publish timeout still waited %s", elapsed)
	}
}

// A commit makes room, and a publisher blocked on the full log gets in.
func TestCommitUnblocksPublisher(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	l := inproc.New(inproc.Config{Capacity: 4, PublishTimeout: 20 * time.Second})
	pub := l.Publisher()
	if err := pub.Publish(ctx, msgs(4)); err != nil {
		t.Fatalf("publish: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- pub.Publish(ctx, msgs(2)) }()
	select {
	case err := <-done:
		t.Fatalf("publish into a full log returned %v without waiting", err)
	case <-time.After(50 * time.Millisecond):
	}
	c := l.Consumer()
	got, err := c.Fetch(ctx, 2, time.Second)
	if err != nil || len(got) != 2 {
		t.Fatalf("fetch: %d messages, err %v", len(got), err)
	}
	if err := c.Commit(ctx, got); err != nil {
		t.Fatalf("commit: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("blocked publish: %v", err)
	}
	if got := l.Len(); got != 4 {
		t.Fatalf("log holds %d, want 4", got)
	}
}

// A publisher waiting for room gives up when its context ends, having
// accepted nothing.
func TestBlockedPublishHonoursContext(t *testing.T) {
	t.Parallel()
	l := inproc.New(inproc.Config{Capacity: 1, PublishTimeout: time.Minute})
	pub := l.Publisher()
	if err := pub.Publish(testCtx(t), msgs(1)); err != nil {
		t.Fatalf("publish: %v", err)
	}
	ctx, cancel := context.WithTimeout(testCtx(t), 30*time.Millisecond)
	defer cancel()
	if err := pub.Publish(ctx, msgs(1)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("publish: err = %v, want DeadlineExceeded", err)
	}
	if got := l.Len(); got != 1 {
		t.Fatalf("log holds %d, want 1", got)
	}
}

// Closing the log wakes everybody waiting on it.
func TestCloseWakesWaiters(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	l := inproc.New(inproc.Config{Capacity: 1, PublishTimeout: time.Minute})
	pub := l.Publisher()
	if err := pub.Publish(ctx, msgs(1)); err != nil {
		t.Fatalf("publish: %v", err)
	}
	c := l.Consumer()
	if _, err := c.Fetch(ctx, 1, time.Second); err != nil {
		t.Fatalf("fetch: %v", err)
	}
	published := make(chan error, 1)
	fetched := make(chan error, 1)
	go func() { published <- pub.Publish(ctx, msgs(1)) }()
	go func() {
		_, err := c.Fetch(ctx, 1, time.Minute)
		fetched <- err
	}()
	if err := l.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := <-published; !errors.Is(err, inproc.ErrClosed) {
		t.Errorf("blocked publish: err = %v, want ErrClosed", err)
	}
	if err := <-fetched; !errors.Is(err, inproc.ErrClosed) {
		t.Errorf("waiting fetch: err = %v, want ErrClosed", err)
	}
	if err := c.Commit(ctx, []app.ConsumedMessage{{Topic: inproc.Topic}}); !errors.Is(err, inproc.ErrClosed) {
		t.Errorf("commit on a closed log: err = %v, want ErrClosed", err)
	}
	if err := l.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
}

// A new consumer fences the previous one, even one never closed (its
// actor crashed), and starts again from the committed offset.
func TestNewConsumerFencesOld(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	l := inproc.NewLog(100)
	if err := l.Publisher().Publish(ctx, msgs(10)); err != nil {
		t.Fatalf("publish: %v", err)
	}
	old := l.Consumer()
	got, err := old.Fetch(ctx, 4, time.Second)
	if err != nil || len(got) != 4 {
		t.Fatalf("fetch: %d messages, err %v", len(got), err)
	}
	if err := old.Commit(ctx, got[:2]); err != nil {
		t.Fatalf("commit: %v", err)
	}
	waiting := make(chan error, 1)
	go func() {
		// Drain what is left, then wait: the new consumer must end
		// this wait rather than let it run its minute.
		for {
			batch, err := old.Fetch(ctx, 100, time.Minute)
			if err != nil || len(batch) == 0 {
				waiting <- err
				return
			}
		}
	}()
	fresh := l.Consumer()
	if err := <-waiting; !errors.Is(err, inproc.ErrFenced) {
		t.Fatalf("fenced consumer's fetch: err = %v, want ErrFenced", err)
	}
	if err := old.Commit(ctx, got); !errors.Is(err, inproc.ErrFenced) {
		t.Fatalf("fenced consumer's commit: err = %v, want ErrFenced", err)
	}
	again, err := fresh.Fetch(ctx, 100, time.Second)
	if err != nil {
		t.Fatalf("fetch: %v", err)
	}
	if len(again) != 8 || again[0].Offset != 2 {
		t.Fatalf("new consumer got %d messages from offset %d, want 8 from 2", len(again), again[0].Offset)
	}
}

func TestCommitChecks(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	l := inproc.NewLog(100)
	if err := l.Publisher().Publish(ctx, msgs(5)); err != nil {
		t.Fatalf("publish: %v", err)
	}
	c := l.Consumer()
	got, err := c.Fetch(ctx, 3, time.Second)
	if err != nil || len(got) != 3 {
		t.Fatalf("fetch: %d messages, err %v", len(got), err)
	}
	foreign := got[0]
	foreign.Topic = "events"
	if err := c.Commit(ctx, []app.ConsumedMessage{foreign}); err == nil {
		t.Error("commit of a message from another stream: no error")
	}
	ahead := got[2]
	ahead.Offset = 4
	if err := c.Commit(ctx, []app.ConsumedMessage{ahead}); err == nil {
		t.Error("commit of a message not fetched yet: no error")
	}
	if err := c.Commit(ctx, got); err != nil {
		t.Fatalf("commit: %v", err)
	}
	if err := c.Commit(ctx, got[:1]); err != nil {
		t.Fatalf("commit again, behind the committed offset: %v", err)
	}
	if n := l.Len(); n != 2 {
		t.Fatalf("log holds %d, want 2", n)
	}
	// A zero wait returns what is there, and nothing when nothing is.
	rest, err := c.Fetch(ctx, 10, 0)
	if err != nil || len(rest) != 2 {
		t.Fatalf("fetch without waiting: %d messages, err %v; want 2", len(rest), err)
	}
	none, err := c.Fetch(ctx, 10, 0)
	if err != nil || len(none) != 0 {
		t.Fatalf("fetch without waiting on a drained log: %d messages, err %v", len(none), err)
	}
}

// The log owns its copy: a publisher reusing its buffer does not change
// what was published.
func TestPublishCopies(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	l := inproc.NewLog(10)
	key, value := []byte("tenant"), []byte("payload")
	if err := l.Publisher().Publish(ctx, []app.StreamMessage{{Key: key, Value: value}, {Value: value}}); err != nil {
		t.Fatalf("publish: %v", err)
	}
	copy(key, "XXXXXX")
	copy(value, "XXXXXXX")
	got, err := l.Consumer().Fetch(ctx, 10, time.Second)
	if err != nil || len(got) != 2 {
		t.Fatalf("fetch: %d messages, err %v", len(got), err)
	}
	if string(got[0].Key) != "tenant" || string(got[0].Value) != "payload" {
		t.Fatalf("got %q=%q, want tenant=payload", got[0].Key, got[0].Value)
	}
	if got[1].Key != nil {
		t.Fatalf("a nil key came back as %q", got[1].Key)
	}
	// Appending to one message must not overwrite its neighbour.
	_ = append(got[0].Key, "!!!!!!!!"...)
	if !bytes.Equal(got[0].Value, []byte("payload")) {
		t.Fatalf("append to a key changed the value to %q", got[0].Value)
	}
}

// Committed messages are released: once the consumer drops them, the
// garbage collector can take their bytes.
func TestCommitReleasesMemory(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	l := inproc.NewLog(10)
	pub := l.Publisher()
	if err := pub.Publish(ctx, msgs(3)); err != nil {
		t.Fatalf("publish: %v", err)
	}
	c := l.Consumer()
	got, err := c.Fetch(ctx, 10, time.Second)
	if err != nil || len(got) != 3 {
		t.Fatalf("fetch: %d messages, err %v", len(got), err)
	}
	ptr := weak.Make(&got[0].Value[0])
	if err := c.Commit(ctx, got); err != nil {
		t.Fatalf("commit: %v", err)
	}
	if n := l.Len(); n != 0 {
		t.Fatalf("log holds %d after committing everything, want 0", n)
	}
	// got is dead from here on, so only the log could keep the bytes.
	runtime.GC()
	if ptr.Value() != nil {
		t.Fatal("a committed message's bytes are still reachable from the log")
	}
	// The log keeps working after releasing.
	if err := pub.Publish(ctx, msgs(10)); err != nil {
		t.Fatalf("publish into the emptied log: %v", err)
	}
}

func BenchmarkPublishConsume(b *testing.B) {
	l := inproc.NewLog(0)
	defer l.Close()
	pub, c := l.Publisher(), l.Consumer()
	defer pub.Close()
	defer c.Close()
	streamtest.PublishConsume(b, pub, c, 500)
}
