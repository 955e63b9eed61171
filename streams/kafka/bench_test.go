package kafka_test

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/internal/testenv/kafkatest"
	"github.com/conductor/reports/streams/kafka"
	"github.com/conductor/reports/streams/streamtest"
)

// benchBatch is the ingest batch: what Fetch asks for and what is
// committed at once.
const benchBatch = 500

// warmUp makes c join its group and start fetching, so the benchmarks time
// the steady state rather than the group join.
func warmUp(b *testing.B, pub app.EventPublisher, fetch func(context.Context) error) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := pub.Publish(ctx, streamtest.BenchMessages(1)); err != nil {
		b.Fatalf("publish warm-up message: %v", err)
	}
	if err := fetch(ctx); err != nil {
		b.Fatalf("fetch warm-up message: %v", err)
	}
}

// fill publishes n events in calls that fill whole produce batches, so
// setting up a large b.N stays quick.
func fill(b testing.TB, pub app.EventPublisher, n int) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	msgs := streamtest.BenchMessages(4 * kafka.DefaultBatchSize)
	for sent := 0; sent < n; sent += len(msgs) {
		if err := pub.Publish(ctx, msgs[:min(len(msgs), n-sent)]); err != nil {
			b.Fatalf("fill topic: %v", err)
		}
	}
}

func reportRate(b *testing.B, start time.Time) {
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}

// BenchmarkPublishConsume is the whole Kafka path: Publish in calls of 500
// on one goroutine while Fetch(500) + Commit run on another, through
// kafka-go and a single kfake broker on loopback.
func BenchmarkPublishConsume(b *testing.B) {
	cfg := newTopic(b, kafkatest.MustStart(b).Addrs())
	pub, c := mustPublisher(b, cfg), mustConsumer(b, cfg)
	warmUp(b, pub, func(ctx context.Context) error {
		msgs, err := c.Fetch(ctx, 1, time.Minute)
		if err == nil {
			err = c.Commit(ctx, msgs)
		}
		return err
	})
	streamtest.PublishConsume(b, pub, c, benchBatch)
}

// BenchmarkConsume is our consumer path alone on a filled topic:
// Fetch(500) and a synchronous Commit per batch. Compare with
// BenchmarkBareFetch/same-config for the consumer overhead ratio.
func BenchmarkConsume(b *testing.B) {
	cfg := newTopic(b, kafkatest.MustStart(b).Addrs())
	pub, c := mustPublisher(b, cfg), mustConsumer(b, cfg)
	warmUp(b, pub, func(ctx context.Context) error {
		msgs, err := c.Fetch(ctx, 1, time.Minute)
		if err == nil {
			err = c.Commit(ctx, msgs)
		}
		return err
	})
	fill(b, pub, b.N)
	ctx := context.Background()
	b.SetBytes(int64(len(streamtest.BenchMessages(1)[0].Value)))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for got := 0; got < b.N; {
		msgs, err := c.Fetch(ctx, benchBatch, time.Second)
		if err != nil {
			b.Fatalf("fetch: %v", err)
		}
		if len(msgs) == 0 {
			b.Fatalf("fetch: nothing after %d of %d", got, b.N)
		}
		if err := c.Commit(ctx, msgs); err != nil {
			b.Fatalf("commit: %v", err)
		}
		got += len(msgs)
	}
	reportRate(b, start)
}

// BenchmarkBareFetch is the yardstick: a kafka-go Reader in a consumer
// group calling FetchMessage in a loop, no batching, no commits, on the
// same broker and data as BenchmarkConsume. same-config gives the reader
// the settings our Consumer uses, so the ratio isolates our code;
// kafka-go-defaults shows what those settings are worth.
func BenchmarkBareFetch(b *testing.B) {
	configs := []struct {
		name string
		cfg  func(kafka.Config) kafkago.ReaderConfig
	}{
		{"same-config", func(c kafka.Config) kafkago.ReaderConfig {
			return kafkago.ReaderConfig{
				Brokers: c.Brokers, Topic: c.Topic, GroupID: c.GroupID,
				StartOffset:   kafkago.FirstOffset,
				QueueCapacity: kafka.DefaultQueueCapacity,
				MaxBytes:      kafka.DefaultMaxFetchBytes,
				MaxWait:       kafka.DefaultFetchMaxWait,
			}
		}},
		{"kafka-go-defaults", func(c kafka.Config) kafkago.ReaderConfig {
			return kafkago.ReaderConfig{
				Brokers: c.Brokers, Topic: c.Topic, GroupID: c.GroupID,
				StartOffset: kafkago.FirstOffset,
			}
		}},
	}
	for _, rc := range configs {
		b.Run(rc.name, func(b *testing.B) {
			cfg := newTopic(b, kafkatest.MustStart(b).Addrs())
			pub := mustPublisher(b, cfg)
			r := kafkago.NewReader(rc.cfg(cfg))
			b.Cleanup(func() { _ = r.Close() })
			warmUp(b, pub, func(ctx context.Context) error {
				_, err := r.FetchMessage(ctx)
				return err
			})
			fill(b, pub, b.N)
			ctx := context.Background()
			b.SetBytes(int64(len(streamtest.BenchMessages(1)[0].Value)))
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for range b.N {
				if _, err := r.FetchMessage(ctx); err != nil {
					b.Fatalf("fetch: %v", err)
				}
			}
			reportRate(b, start)
		})
	}
}

// pairedEvents is how many events each pass of BenchmarkConsumeVsBare
// reads: enough that a group join is noise.
const pairedEvents = 200_000

// BenchmarkConsumeVsBare measures the consumer overhead ratio on a shared
// machine, where back-to-back separate benchmarks see different load.
// Each iteration reads the same filled topic twice, in fresh groups: once
// with a bare kafka-go FetchMessage loop and once with our Fetch + Commit,
// alternating which goes first. Ours runs in batches of 500 (the ingest
// default) or 2,000, committing synchronously (the default) or every
// 100 ms. It reports both rates, ours/bare (the target: >= 0.8),
// and the same ratio in process CPU time per event (broker included, it
// runs in-process), which outside load disturbs far less than wall time.
// Timing starts at each consumer's first message, leaving the group join
// out. What separates the two is the synchronous commit per batch: a
// round trip the consumer waits out while the reader's queue fills.
func BenchmarkConsumeVsBare(b *testing.B) {
	for _, tc := range []struct {
		batch    int
		interval time.Duration
	}{
		{benchBatch, 0},
		{4 * benchBatch, 0},
		{benchBatch, 100 * time.Millisecond},
	} {
		name := fmt.Sprintf("batch=%d/commit=sync", tc.batch)
		if tc.interval > 0 {
			name = fmt.Sprintf("batch=%d/commit=every-%s", tc.batch, tc.interval)
		}
		b.Run(name, func(b *testing.B) { consumeVsBare(b, tc.batch, tc.interval) })
	}
}

func consumeVsBare(b *testing.B, batch int, interval time.Duration) {
	brokers := kafkatest.MustStart(b).Addrs()
	cfg := newTopic(b, brokers)
	fill(b, mustPublisher(b, cfg), pairedEvents)
	cfg.CommitInterval = interval
	ctx := context.Background()
	var bare, ours pass
	round := 0
	for b.Loop() {
		round++
		group := cfg
		runBare := func() {
			group.GroupID = fmt.Sprintf("%s-bare-%d", cfg.GroupID, round)
			bare.add(bareRound(b, ctx, group))
		}
		runOurs := func() {
			group.GroupID = fmt.Sprintf("%s-ours-%d", cfg.GroupID, round)
			ours.add(oursRound(b, ctx, group, batch))
		}
		if round%2 == 1 {
			runBare()
			runOurs()
		} else {
			runOurs()
			runBare()
		}
	}
	n := float64(round * (pairedEvents - 1))
	b.ReportMetric(n/bare.wall.Seconds(), "bare_events/s")
	b.ReportMetric(n/ours.wall.Seconds(), "ours_events/s")
	b.ReportMetric(bare.wall.Seconds()/ours.wall.Seconds(), "ours/bare")
	b.ReportMetric(bare.cpu.Seconds()/ours.cpu.Seconds(), "ours/bare_cpu")
}

// pass sums the wall and CPU time of consumer passes.
type pass struct{ wall, cpu time.Duration }

func (p *pass) add(q pass) { p.wall += q.wall; p.cpu += q.cpu }

// stopwatch measures wall and process CPU time from its start.
type stopwatch struct {
	wall time.Time
	cpu  time.Duration
}

func startWatch() stopwatch { return stopwatch{time.Now(), cpuTime()} }

func (s stopwatch) stop() pass { return pass{time.Since(s.wall), cpuTime() - s.cpu} }

// cpuTime is the process's user + system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func bareRound(b *testing.B, ctx context.Context, cfg kafka.Config) pass {
	r := kafkago.NewReader(kafkago.ReaderConfig{
		Brokers: cfg.Brokers, Topic: cfg.Topic, GroupID: cfg.GroupID,
		StartOffset:   kafkago.FirstOffset,
		QueueCapacity: kafka.DefaultQueueCapacity,
		MaxBytes:      kafka.DefaultMaxFetchBytes,
		MaxWait:       kafka.DefaultFetchMaxWait,
	})
	defer r.Close()
	if _, err := r.FetchMessage(ctx); err != nil {
		b.Fatalf("bare fetch: %v", err)
	}
	w := startWatch()
	for range pairedEvents - 1 {
		if _, err := r.FetchMessage(ctx); err != nil {
			b.Fatalf("bare fetch: %v", err)
		}
	}
	return w.stop()
}

func oursRound(b *testing.B, ctx context.Context, cfg kafka.Config, batch int) pass {
	c, err := kafka.NewConsumer(cfg)
	if err != nil {
		b.Fatalf("new consumer: %v", err)
	}
	defer c.Close()
	first, err := c.Fetch(ctx, 1, time.Minute)
	if err != nil || len(first) != 1 {
		b.Fatalf("fetch first: %d messages, %v", len(first), err)
	}
	w := startWatch()
	if err := c.Commit(ctx, first); err != nil {
		b.Fatalf("commit: %v", err)
	}
	for got := 1; got < pairedEvents; {
		msgs, err := c.Fetch(ctx, min(batch, pairedEvents-got), time.Second)
		if err != nil || len(msgs) == 0 {
			b.Fatalf("fetch after %d: %d messages, %v", got, len(msgs), err)
		}
		if err := c.Commit(ctx, msgs); err != nil {
			b.Fatalf("commit: %v", err)
		}
		got += len(msgs)
	}
	return w.stop()
}
