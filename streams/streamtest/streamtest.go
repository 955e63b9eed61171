// Package streamtest is the contract every event stream adapter pair
// (app.EventPublisher, app.EventConsumer) must honour, written once and run
// by each adapter's tests: in-process and Kafka. A behaviour the ingest
// pipeline relies on belongs here, so no adapter can quietly differ.
package streamtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conductor/reports/app"
)

// Opener opens a fresh, empty stream for one subtest: its publisher and a
// function that opens a new consumer of it (for Kafka, a new member of the
// same consumer group). The suite closes the publisher and every consumer
// it opens; the opener registers any other cleanup on tb.
type Opener func(tb testing.TB) (app.EventPublisher, func() app.EventConsumer)

// Timing of the suite. Waits are short because an empty Fetch costs a full
// wait. idleLimit is how long Drain accepts silence while messages are
// missing: far above a consumer group join on kfake (milliseconds), so it
// only fires for a stream that lost them. The deadline bounds the rest.
const (
	pollWait  = 200 * time.Millisecond
	idleLimit = 10 * time.Second
	deadline  = 60 * time.Second
)

// Stream runs the contract suite against the streams open returns. The
// subtests run in parallel, each on its own stream.
func Stream(t *testing.T, open Opener) {
	for _, tt := range contract {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, open)
		})
	}
}

// contract lists the suite's checks; they take a testing.TB so the suite's
// own test can run them against broken streams and see them fail.
var contract = []struct {
	name string
	fn   func(testing.TB, Opener)
}{
	{"OrderPerKey", testOrderPerKey},
	{"RedeliversUncommitted", testRedeliversUncommitted},
	{"EmptyFetchWaits", testEmptyFetchWaits},
	{"CancelEndsFetch", testCancelEndsFetch},
	{"ConcurrentPublishers", testConcurrentPublishers},
	{"BytesPreserved", testBytesPreserved},
	{"EdgeCases", testEdgeCases},
}

// stream is one opened stream with cleanup wired to the test.
type stream struct {
	t   testing.TB
	pub app.EventPublisher
	new func() app.EventConsumer
}

func openStream(t testing.TB, open Opener) *stream {
	t.Helper()
	pub, newConsumer := open(t)
	t.Cleanup(func() {
		if err := pub.Close(); err != nil {
			t.Errorf("close publisher: %v", err)
		}
	})
	return &stream{t: t, pub: pub, new: newConsumer}
}

// consumer opens a consumer that is closed at the end of the test, and
// again earlier if the test closes it itself (Close is idempotent).
func (s *stream) consumer() app.EventConsumer {
	s.t.Helper()
	c := s.new()
	s.t.Cleanup(func() { _ = c.Close() })
	return c
}

func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	t.Cleanup(cancel)
	return ctx
}

// Message returns the i-th message of a sequence over keys: keys take turns,
// and the value names its key and its position within the key, which is
// what CheckOrder reads back.
func Message(keys []string, i int) app.StreamMessage {
	key := keys[i%len(keys)]
	return app.StreamMessage{Key: []byte(key), Value: fmt.Appendf(nil, "%s/%06d", key, i/len(keys))}
}

// Publish publishes messages first..first+n-1 of the sequence over keys in
// calls of batch messages.
func Publish(ctx context.Context, t testing.TB, pub app.EventPublisher, keys []string, first, n, batch int) {
	t.Helper()
	for start := first; start < first+n; start += batch {
		end := min(start+batch, first+n)
		msgs := make([]app.StreamMessage, 0, end-start)
		for i := start; i < end; i++ {
			msgs = append(msgs, Message(keys, i))
		}
		if err := pub.Publish(ctx, msgs); err != nil {
			t.Fatalf("publish messages %d..%d: %v", start, end-1, err)
		}
	}
}

// Drain fetches until it has want messages, committing each batch when
// commit is set. It fails the test on an error, or when nothing arrives
// for several seconds while messages are missing.
func Drain(ctx context.Context, t testing.TB, c app.EventConsumer, want int, commit bool) []app.ConsumedMessage {
	t.Helper()
	var got []app.ConsumedMessage
	last := time.Now()
	for len(got) < want {
		batch, err := c.Fetch(ctx, 250, pollWait)
		if err != nil {
			t.Fatalf("fetch after %d of %d messages: %v", len(got), want, err)
		}
		if len(batch) == 0 && time.Since(last) > idleLimit {
			t.Fatalf("got %d of %d messages, then nothing for %s", len(got), want, idleLimit)
		}
		if len(batch) > 0 {
			last = time.Now()
		}
		if commit {
			if err := c.Commit(ctx, batch); err != nil {
				t.Fatalf("commit after %d of %d messages: %v", len(got), want, err)
			}
		}
		got = append(got, batch...)
	}
	return got
}

// FetchSome fetches until a Fetch of at most limit messages returns some,
// and returns that one batch.
func FetchSome(ctx context.Context, t testing.TB, c app.EventConsumer, limit int) []app.ConsumedMessage {
	t.Helper()
	for {
		batch, err := c.Fetch(ctx, limit, pollWait)
		if err != nil {
			t.Fatalf("fetch: %v", err)
		}
		if len(batch) > limit {
			t.Fatalf("fetch of at most %d returned %d messages", limit, len(batch))
		}
		if len(batch) > 0 {
			return batch
		}
	}
}

// ExpectNothing fails the test if c delivers anything within a poll wait.
func ExpectNothing(ctx context.Context, t testing.TB, c app.EventConsumer) {
	t.Helper()
	batch, err := c.Fetch(ctx, 100, pollWait)
	if err != nil {
		t.Fatalf("fetch: %v", err)
	}
	if len(batch) > 0 {
		t.Fatalf("got %d unexpected messages, first %s", len(batch), batch[0].Value)
	}
}

// CheckOrder checks that msgs hold each key's sequence exactly once and in
// publish order, and that every key came back with its value.
func CheckOrder(t testing.TB, msgs []app.ConsumedMessage, keys []string, perKey int) {
	t.Helper()
	next := make(map[string]int, len(keys))
	for _, m := range msgs {
		key, seq, ok := parse(m.Value)
		if !ok {
			t.Fatalf("unexpected value %q", m.Value)
		}
		if string(m.Key) != key {
			t.Fatalf("message %q came back with key %q", m.Value, m.Key)
		}
		if seq != next[key] {
			t.Fatalf("key %s: got message %d, want %d (duplicate, lost or reordered)", key, seq, next[key])
		}
		next[key]++
	}
	for _, k := range keys {
		if next[k] != perKey {
			t.Errorf("key %s: got %d messages, want %d", k, next[k], perKey)
		}
	}
}

func parse(v []byte) (key string, seq int, ok bool) {
	key, num, ok := strings.Cut(string(v), "/")
	if !ok {
		return "", 0, false
	}
	seq, err := strconv.Atoi(num)
	return key, seq, err == nil
}

func keysN(prefix string, n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("%s-%d", prefix, i)
	}
	return keys
}

func values(msgs []app.ConsumedMessage) map[string]bool {
	set := make(map[string]bool, len(msgs))
	for _, m := range msgs {
		set[string(m.Value)] = true
	}
	return set
}

// testOrderPerKey: every message arrives once, in publish order per key,
// and a commit followed by a new consumer redelivers nothing.
func testOrderPerKey(t testing.TB, open Opener) {
	const total, batch = 2000, 100
	ctx := testContext(t)
	s := openStream(t, open)
	keys := keysN("tenant", 8)
	Publish(ctx, t, s.pub, keys, 0, total, batch)

	c := s.consumer()
	got := Drain(ctx, t, c, total, true)
	if len(got) != total {
		t.Fatalf("got %d messages, want %d", len(got), total)
	}
	CheckOrder(t, got, keys, total/len(keys))
	checkOffsets(t, got)
	if err := c.Close(); err != nil {
		t.Fatalf("close consumer: %v", err)
	}
	ExpectNothing(ctx, t, s.consumer())
}

// checkOffsets: offsets grow within each partition, which is what lets a
// commit of the last message cover the ones before it.
func checkOffsets(t testing.TB, msgs []app.ConsumedMessage) {
	t.Helper()
	type tp struct {
		topic     string
		partition int
	}
	last := map[tp]int64{}
	for _, m := range msgs {
		if m.Topic == "" {
			t.Fatalf("message %q has no topic", m.Value)
		}
		k := tp{m.Topic, m.Partition}
		if prev, ok := last[k]; ok && m.Offset <= prev {
			t.Fatalf("%s/%d: offset %d after %d", m.Topic, m.Partition, m.Offset, prev)
		}
		last[k] = m.Offset
	}
}

// testRedeliversUncommitted is at-least-once: a consumer killed after a
// fetch, before its commit, leaves the batch to the next consumer; what is
// committed is never delivered again.
func testRedeliversUncommitted(t testing.TB, open Opener) {
	const total = 100
	ctx := testContext(t)
	s := openStream(t, open)
	keys := keysN("tenant", 4)
	Publish(ctx, t, s.pub, keys, 0, total, 25)

	// Killed: fetched, its context cancelled mid-wait, closed, no commit.
	c1 := s.consumer()
	fetched := FetchSome(ctx, t, c1, 10)
	killCtx, kill := context.WithCancel(ctx)
	kill()
	if _, err := c1.Fetch(killCtx, 10, time.Second); !errors.Is(err, context.Canceled) {
		t.Fatalf("fetch with a cancelled context: err = %v, want context.Canceled", err)
	}
	if err := c1.Close(); err != nil {
		t.Fatalf("close killed consumer: %v", err)
	}

	// The next consumer gets everything again, in order; it commits only
	// its first batch.
	c2 := s.consumer()
	first := FetchSome(ctx, t, c2, 10)
	if err := c2.Commit(ctx, first); err != nil {
		t.Fatalf("commit first batch: %v", err)
	}
	rest := Drain(ctx, t, c2, total-len(first), false)
	all := append(first, rest...)
	CheckOrder(t, all, keys, total/len(keys))
	seen := values(all)
	for _, m := range fetched {
		if !seen[string(m.Value)] {
			t.Fatalf("message %s fetched by the killed consumer was not redelivered", m.Value)
		}
	}
	if err := c2.Close(); err != nil {
		t.Fatalf("close consumer: %v", err)
	}

	// Only the committed batch is gone for the third.
	c3 := s.consumer()
	again := Drain(ctx, t, c3, total-len(first), true)
	committed := values(first)
	for _, m := range again {
		if committed[string(m.Value)] {
			t.Fatalf("committed message %s was delivered again", m.Value)
		}
	}
	if len(values(again)) != total-len(first) {
		t.Fatalf("third consumer got %d distinct messages, want %d", len(values(again)), total-len(first))
	}
	ExpectNothing(ctx, t, c3)
}

// testEmptyFetchWaits: with nothing to read, Fetch waits the full wait and
// returns no messages and no error.
func testEmptyFetchWaits(t testing.TB, open Opener) {
	ctx := testContext(t)
	s := openStream(t, open)
	c := s.consumer()
	const wait = 300 * time.Millisecond
	start := time.Now()
	got, err := c.Fetch(ctx, 10, wait)
	elapsed := time.Since(start)
	if err != nil || len(got) != 0 {
		t.Fatalf("fetch on an empty stream: %d messages, err %v; want none, nil", len(got), err)
	}
	if elapsed < wait || elapsed > wait+10*time.Second {
		t.Fatalf("fetch on an empty stream returned after %s, want about %s", elapsed, wait)
	}
}

// testCancelEndsFetch: a cancelled context ends a waiting Fetch promptly
// with ctx.Err(), and refuses Publish, Fetch and Commit up front.
func testCancelEndsFetch(t testing.TB, open Opener) {
	ctx := testContext(t)
	s := openStream(t, open)
	c := s.consumer()

	fetchCtx, cancel := context.WithCancel(ctx)
	timer := time.AfterFunc(100*time.Millisecond, cancel)
	defer timer.Stop()
	start := time.Now()
	_, err := c.Fetch(fetchCtx, 10, 30*time.Second)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("fetch: err = %v, want context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Fatalf("fetch returned %s after its context was cancelled", elapsed)
	}

	done, cancelNow := context.WithCancel(ctx)
	cancelNow()
	if _, err := c.Fetch(done, 10, time.Second); !errors.Is(err, context.Canceled) {
		t.Fatalf("fetch with a cancelled context: err = %v, want context.Canceled", err)
	}
	one := []app.StreamMessage{Message([]string{"k"}, 0)}
	if err := s.pub.Publish(done, one); !errors.Is(err, context.Canceled) {
		t.Fatalf("publish with a cancelled context: err = %v, want context.Canceled", err)
	}

	// The stream still works with a live context.
	Publish(ctx, t, s.pub, []string{"k"}, 0, 1, 1)
	got := FetchSome(ctx, t, c, 1)
	if err := c.Commit(done, got); !errors.Is(err, context.Canceled) {
		t.Fatalf("commit with a cancelled context: err = %v, want context.Canceled", err)
	}
	if err := c.Commit(ctx, got); err != nil {
		t.Fatalf("commit: %v", err)
	}
}

// testConcurrentPublishers: publishers on several goroutines, one key
// each, keep their own order and lose nothing.
func testConcurrentPublishers(t testing.TB, open Opener) {
	const publishers, perKey, batch = 4, 250, 10
	s := openStream(t, open)
	keys := keysN("writer", publishers)
	ctx, cancel := context.WithCancel(testContext(t))
	var wg sync.WaitGroup
	// The publishers end before the test does, even when it fails early:
	// a goroutine reporting to a finished test panics.
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	for _, k := range keys {
		wg.Go(func() {
			for i := 0; i < perKey; i += batch {
				msgs := make([]app.StreamMessage, 0, batch)
				for j := i; j < i+batch; j++ {
					msgs = append(msgs, Message([]string{k}, j))
				}
				if err := s.pub.Publish(ctx, msgs); err != nil {
					if ctx.Err() == nil {
						t.Errorf("publisher %s: %v", k, err)
						cancel() // ends the drain below at once
					}
					return
				}
			}
		})
	}
	c := s.consumer()
	got := Drain(ctx, t, c, publishers*perKey, true)
	wg.Wait()
	CheckOrder(t, got, keys, perKey)
}

// testBytesPreserved: keys and values come back byte for byte, including
// every byte value, an empty value and a large one.
func testBytesPreserved(t testing.TB, open Opener) {
	ctx := testContext(t)
	s := openStream(t, open)
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	msgs := []app.StreamMessage{
		{Key: []byte("tenant-ü"), Value: all},
		{Key: []byte("tenant-ü"), Value: []byte{}},
		{Key: []byte("tenant-ü"), Value: bytes.Repeat([]byte("0123456789abcdef"), 4096)},
	}
	if err := s.pub.Publish(ctx, msgs); err != nil {
		t.Fatalf("publish: %v", err)
	}
	got := Drain(ctx, t, s.consumer(), len(msgs), true)
	if len(got) != len(msgs) {
		t.Fatalf("got %d messages, want %d", len(got), len(msgs))
	}
	for i, m := range got {
		if !bytes.Equal(m.Key, msgs[i].Key) || !bytes.Equal(m.Value, msgs[i].Value) {
			t.Fatalf("message %d: got key %q and %d value bytes, want key %q and %d bytes",
				i, m.Key, len(m.Value), msgs[i].Key, len(msgs[i].Value))
		}
	}
}

// testEdgeCases: empty calls are no-ops, nonsense is refused, and closed
// ends refuse work.
func testEdgeCases(t testing.TB, open Opener) {
	ctx := testContext(t)
	s := openStream(t, open)
	if err := s.pub.Publish(ctx, nil); err != nil {
		t.Fatalf("publish nothing: %v", err)
	}
	c := s.consumer()
	if err := c.Commit(ctx, nil); err != nil {
		t.Fatalf("commit nothing: %v", err)
	}
	if _, err := c.Fetch(ctx, 0, time.Millisecond); err == nil {
		t.Fatal("fetch of at most 0 messages: no error")
	}
	if err := c.Close(); err != nil {
		t.Fatalf("close consumer: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("close consumer twice: %v", err)
	}
	if _, err := c.Fetch(ctx, 10, time.Millisecond); err == nil {
		t.Fatal("fetch on a closed consumer: no error")
	}
	if err := s.pub.Close(); err != nil {
		t.Fatalf("close publisher: %v", err)
	}
	if err := s.pub.Close(); err != nil {
		t.Fatalf("close publisher twice: %v", err)
	}
	if err := s.pub.Publish(ctx, []app.StreamMessage{Message([]string{"k"}, 0)}); err == nil {
		t.Fatal("publish on a closed publisher: no error")
	}
}
