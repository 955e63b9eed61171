package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/internal/testenv/kafkatest"
	"github.com/conductor/reports/streams/kafka"
	"github.com/conductor/reports/streams/streamtest"
)

// partitions is the topic size the tests use: more than one, so per-key
// order is checked across partitions as it is in production.
const partitions = 4

var topicSeq atomic.Int64

// newTopic creates a fresh topic and returns a config for it with its own
// consumer group.
func newTopic(t testing.TB, brokers []string) kafka.Config {
	t.Helper()
	n := topicSeq.Add(1)
	cfg := kafka.Config{
		Brokers: brokers,
		Topic:   fmt.Sprintf("events-%d", n),
		GroupID: fmt.Sprintf("ingest-%d", n),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := kafka.EnsureTopic(ctx, cfg, partitions); err != nil {
		t.Fatalf("ensure topic: %v", err)
	}
	return cfg
}

func mustPublisher(t testing.TB, cfg kafka.Config) *kafka.Publisher {
	t.Helper()
	p, err := kafka.NewPublisher(cfg)
	if err != nil {
		t.Fatalf("new publisher: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

func mustConsumer(t testing.TB, cfg kafka.Config) *kafka.Consumer {
	t.Helper()
	c, err := kafka.NewConsumer(cfg)
	if err != nil {
		t.Fatalf("new consumer: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestStreamContract runs the shared suite through kafka-go against a
// three-broker kfake cluster, so the group coordinator, the controller and
// the partition leaders are not all the broker the client dialled first;
// once with synchronous commits (the default) and once with background
// ones, which must flush on Close to pass.
func TestStreamContract(t *testing.T) {
	cluster := kafkatest.MustStart(t, kafkatest.Brokers(3))
	for _, mode := range []struct {
		name     string
		interval time.Duration
	}{{"SyncCommit", 0}, {"IntervalCommit", 50 * time.Millisecond}} {
		t.Run(mode.name, func(t *testing.T) {
			streamtest.Stream(t, func(t testing.TB) (app.EventPublisher, func() app.EventConsumer) {
				cfg := newTopic(t, cluster.Addrs())
				cfg.CommitInterval = mode.interval
				pub, err := kafka.NewPublisher(cfg)
				if err != nil {
					t.Fatalf("new publisher: %v", err)
				}
				return pub, func() app.EventConsumer {
					c, err := kafka.NewConsumer(cfg)
					if err != nil {
						t.Fatalf("new consumer: %v", err)
					}
					return c
				}
			})
		})
	}
}

// Each tenant's events land on one partition, and tenants spread over
// several, which is what keeps a tenant ordered while the topic scales.
func TestKeyPinsPartition(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	cfg := newTopic(t, kafkatest.MustStart(t).Addrs())
	keys := make([]string, 16)
	for i := range keys {
		keys[i] = fmt.Sprintf("tenant-%d", i)
	}
	const total = 800
	streamtest.Publish(ctx, t, mustPublisher(t, cfg), keys, 0, total, 100)
	got := streamtest.Drain(ctx, t, mustConsumer(t, cfg), total, true)
	streamtest.CheckOrder(t, got, keys, total/len(keys))
	partitionOf := map[string]int{}
	used := map[int]bool{}
	for _, m := range got {
		if p, ok := partitionOf[string(m.Key)]; ok && p != m.Partition {
			t.Fatalf("key %s on partitions %d and %d", m.Key, p, m.Partition)
		}
		partitionOf[string(m.Key)] = m.Partition
		used[m.Partition] = true
		if m.Topic != cfg.Topic {
			t.Fatalf("message from topic %q, want %q", m.Topic, cfg.Topic)
		}
	}
	if len(used) < 2 {
		t.Fatalf("16 keys used %d of %d partitions", len(used), partitions)
	}
}

// Committed offsets live in the group, not in the consumer: a restarted
// consumer continues where the group committed, and a new group starts
// from the oldest message.
func TestOffsetsSurviveRestart(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	cfg := newTopic(t, kafkatest.MustStart(t).Addrs())
	keys := []string{"a", "b", "c"}
	pub := mustPublisher(t, cfg)
	streamtest.Publish(ctx, t, pub, keys, 0, 300, 50)

	first := mustConsumer(t, cfg)
	before := streamtest.Drain(ctx, t, first, 300, true)
	if err := first.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	streamtest.Publish(ctx, t, pub, keys, 300, 90, 30)

	restarted := mustConsumer(t, cfg)
	after := streamtest.Drain(ctx, t, restarted, 90, true)
	streamtest.CheckOrder(t, append(before, after...), keys, 130)
	streamtest.ExpectNothing(ctx, t, restarted)

	other := cfg
	other.GroupID += "-other"
	all := streamtest.Drain(ctx, t, mustConsumer(t, other), 390, true)
	streamtest.CheckOrder(t, all, keys, 130)
}

// A backed-up topic fills a whole large batch in one Fetch: collecting
// goes on while messages keep coming (FetchLinger is the quiet spell that
// ends it), not only for FetchLinger in total, which would return a few
// thousand at most here.
func TestFetchFillsLargeBatchesFromABackedUpTopic(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	cfg := newTopic(t, kafkatest.MustStart(t).Addrs())
	cfg.FetchLinger, cfg.FetchLingerMax = 50*time.Millisecond, 30*time.Second
	const n = 20_000
	streamtest.Publish(ctx, t, mustPublisher(t, cfg), []string{"a", "b", "c", "d"}, 0, n, 2000)
	c := mustConsumer(t, cfg)
	msgs, err := c.Fetch(ctx, n, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != n {
		t.Fatalf("one fetch took %d of %d backed-up messages", len(msgs), n)
	}
	if err := c.Commit(ctx, msgs); err != nil {
		t.Fatal(err)
	}
	streamtest.ExpectNothing(ctx, t, c)
}

// Two members of one group split the partitions between them (kafka-go's
// JoinGroup / SyncGroup with its default range balancer, against kfake),
// and together they see every message.
func TestGroupSharesPartitions(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	cfg := newTopic(t, kafkatest.MustStart(t).Addrs())
	cfg.SessionTimeout = 6 * time.Second // kfake's minimum, for a quick rebalance
	pub := mustPublisher(t, cfg)
	members := []*kafka.Consumer{mustConsumer(t, cfg), mustConsumer(t, cfg)}

	var (
		mu   sync.Mutex
		seen = map[string]bool{}
		by   = make([]map[int]bool, len(members))
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range members {
		by[i] = map[int]bool{}
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				batch, err := c.Fetch(ctx, 100, 50*time.Millisecond)
				if err != nil {
					t.Errorf("member %d: fetch: %v", i, err)
					return
				}
				if err := c.Commit(ctx, batch); err != nil {
					// A commit racing a rebalance may be refused;
					// at-least-once means the batch comes again.
					t.Logf("member %d: commit: %v", i, err)
				}
				mu.Lock()
				for _, m := range batch {
					seen[string(m.Value)] = true
					by[i][m.Partition] = true
				}
				mu.Unlock()
			}
		})
	}
	// Keep publishing until both members have received something: the
	// second join triggers a rebalance the first member learns of at its
	// next heartbeat.
	keys := []string{"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7"}
	published := 0
	for ; ctx.Err() == nil; published += 8 {
		streamtest.Publish(ctx, t, pub, keys, published, 8, 8)
		mu.Lock()
		both := len(by[0]) > 0 && len(by[1]) > 0
		mu.Unlock()
		if both {
			published += 8
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
	for ctx.Err() == nil {
		mu.Lock()
		n := len(seen)
		mu.Unlock()
		if n == published {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(20 * time.Millisecond):
		}
	}
	close(stop)
	wg.Wait()
	if len(seen) != published {
		t.Fatalf("the group saw %d of %d messages", len(seen), published)
	}
	t.Logf("published %d; member partitions: %v, %v", published, by[0], by[1])
}

func TestEnsureTopic(t *testing.T) {
	t.Parallel()
	cluster := kafkatest.MustStart(t, kafkatest.Brokers(3))
	ctx := testCtx(t)
	cfg := kafka.Config{Brokers: cluster.Addrs(), Topic: "created"}
	if err := kafka.EnsureTopic(ctx, cfg, 3); err != nil {
		t.Fatalf("create: %v", err)
	}
	if err := kafka.EnsureTopic(ctx, cfg, 5); err != nil {
		t.Fatalf("ensure an existing topic: %v", err)
	}
	conn, err := kafkago.DialContext(ctx, "tcp", cluster.Addrs()[0])
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	parts, err := conn.ReadPartitions("created")
	if err != nil {
		t.Fatalf("read partitions: %v", err)
	}
	if len(parts) != 3 {
		t.Fatalf("topic has %d partitions, want 3 (an existing topic is left alone)", len(parts))
	}
	for _, p := range parts {
		if len(p.Replicas) != 3 {
			t.Fatalf("partition %d has %d replicas, want 3", p.ID, len(p.Replicas))
		}
	}

	if err := kafka.EnsureTopic(ctx, cfg, 0); err == nil {
		t.Error("0 partitions: no error")
	}
	if err := kafka.EnsureTopic(ctx, kafka.Config{Brokers: cluster.Addrs()}, 1); err == nil {
		t.Error("no topic: no error")
	}
	down := kafka.Config{Brokers: []string{closedPort(t)}, Topic: "x", DialTimeout: time.Second}
	if err := kafka.EnsureTopic(ctx, down, 1); err == nil || !strings.Contains(err.Error(), "dial") {
		t.Errorf("unreachable broker: err = %v, want a dial error", err)
	}
}

// closedPort returns a loopback address nobody listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	ok := kafka.Config{Brokers: []string{"127.0.0.1:9092"}, Topic: "events"}
	tests := []struct {
		name string
		edit func(*kafka.Config)
		want []string // substrings of the error; none for a valid config
	}{
		{"minimal", func(*kafka.Config) {}, nil},
		{"no brokers", func(c *kafka.Config) { c.Brokers = nil }, []string{"brokers"}},
		{"bad broker", func(c *kafka.Config) { c.Brokers = []string{"localhost"} }, []string{`"localhost"`}},
		{"no topic", func(c *kafka.Config) { c.Topic = "" }, []string{"topic"}},
		{"negative timeouts", func(c *kafka.Config) {
			c.DialTimeout, c.FetchLinger, c.CommitInterval = -1, -time.Second, -time.Millisecond
		}, []string{"dial timeout", "fetch linger", "commit interval"}},
		{"negative linger cap", func(c *kafka.Config) { c.FetchLingerMax = -time.Second }, []string{"fetch linger max"}},
		{"negative sizes", func(c *kafka.Config) { c.BatchSize, c.MaxFetchBytes = -1, -2 }, []string{"batch size", "max fetch bytes"}},
		{"everything at once", func(c *kafka.Config) { *c = kafka.Config{QueueCapacity: -1} }, []string{"brokers", "topic", "queue capacity"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.edit(&cfg)
			err := cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want an error about %v", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to mention %q", err, w)
				}
			}
		})
	}
}

func TestConstructorsValidate(t *testing.T) {
	t.Parallel()
	if _, err := kafka.NewPublisher(kafka.Config{}); err == nil {
		t.Error("NewPublisher with an empty config: no error")
	}
	if _, err := kafka.NewConsumer(kafka.Config{Brokers: []string{"127.0.0.1:1"}, Topic: "t"}); err == nil ||
		!strings.Contains(err.Error(), "group id") {
		t.Errorf("NewConsumer without a group: err = %v, want one about the group id", err)
	}
}

// Commit refuses messages this adapter did not fetch: it has no
// kafka-go message to commit them with.
func TestCommitForeignMessage(t *testing.T) {
	t.Parallel()
	c, err := kafka.NewConsumer(kafka.Config{Brokers: []string{"127.0.0.1:1"}, Topic: "t", GroupID: "g"})
	if err != nil {
		t.Fatalf("new consumer: %v", err)
	}
	defer c.Close()
	err = c.Commit(context.Background(), []app.ConsumedMessage{{Topic: "t", Offset: 3}})
	if err == nil {
		t.Fatal("commit of a message without a kafka-go handle: no error")
	}
}

// A publish that cannot reach the topic fails with the caller's deadline
// rather than hanging.
func TestPublishToMissingTopic(t *testing.T) {
	t.Parallel()
	cluster := kafkatest.MustStart(t)
	p := mustPublisher(t, kafka.Config{Brokers: cluster.Addrs(), Topic: "missing"})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := p.Publish(ctx, streamtest.BenchMessages(1))
	if err == nil {
		t.Fatal("publish to a missing topic: no error")
	}
	if errors.Is(err, app.ErrStreamFull) {
		t.Fatalf("publish to a missing topic: %v, not a full stream", err)
	}
}
