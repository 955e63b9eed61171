// Package kafkatest starts an in-test Kafka broker on loopback: kfake from
// franz-go, which speaks the real Kafka wire protocol. The product talks to
// it only through kafka-go, configured exactly as for a real cluster, so the
// tests exercise the same requests (Produce, Fetch, JoinGroup, SyncGroup,
// OffsetCommit, OffsetFetch, CreateTopics) a production broker answers.
//
// kfake keeps everything in memory inside the test binary: nothing to
// install, nothing left behind, and a fresh cluster costs about a
// millisecond, so tests that need isolation simply start their own.
//
// kafka-go v0.4.51 against kfake needs no special configuration: the
// Writer (Produce through kafka-go's Transport), the Reader's consumer
// group (FindCoordinator, JoinGroup, SyncGroup with the default range and
// round-robin balancers, Heartbeat, OffsetFetch, OffsetCommit, LeaveGroup)
// and Conn.CreateTopics all work with kafka-go's version negotiation, on
// one broker or several. Two things to know, neither kfake's doing:
// kafka-go cannot cancel a fetch in flight, so Reader.Close takes up to
// the reader's MaxWait (10 s by default; streams/kafka sets 500 ms); and
// kfake, like Kafka, refuses a group session timeout under 6 s, which
// kafka-go only logs, so a reader configured that way never gets a
// message.
//
// Set KAFKATEST_LOG=error|warn|info|debug to see the broker's own log on
// stderr when a test misbehaves.
package kafkatest

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Cluster is a running in-test Kafka cluster.
type Cluster struct {
	kc    *kfake.Cluster
	addrs []string
}

// Option adjusts the cluster MustStart builds.
type Option func(*options)

type options struct {
	brokers int
	topics  map[string]int32
}

// Brokers sets the number of brokers (default 1). More than one puts the
// controller and the partition leaders on different brokers, which is what
// a client must route correctly against a real cluster.
func Brokers(n int) Option {
	return func(o *options) { o.brokers = n }
}

// Topic creates topic with the given number of partitions at start-up (the
// broker does not create topics on first use, like a well-run cluster).
func Topic(name string, partitions int) Option {
	return func(o *options) { o.topics[name] = int32(partitions) }
}

// MustStart starts a cluster listening on 127.0.0.1 ports chosen by the
// kernel and stops it when the test ends. It fails the test if the broker
// cannot start.
func MustStart(tb testing.TB, opts ...Option) *Cluster {
	tb.Helper()
	c, err := Start(opts...)
	if err != nil {
		tb.Fatalf("kafkatest: %v", err)
	}
	tb.Cleanup(c.Close)
	return c
}

// Start starts a cluster; the caller must Close it. Prefer MustStart in
// tests; Start is for TestMain and benchmarks that share one broker.
func Start(opts ...Option) (*Cluster, error) {
	o := options{brokers: 1, topics: map[string]int32{}}
	for _, opt := range opts {
		opt(&o)
	}
	if o.brokers < 1 {
		return nil, fmt.Errorf("start kfake: %d brokers, want at least 1", o.brokers)
	}
	kopts := []kfake.Opt{kfake.NumBrokers(o.brokers)}
	for name, partitions := range o.topics {
		if partitions < 1 {
			return nil, fmt.Errorf("start kfake: topic %s has %d partitions, want at least 1", name, partitions)
		}
		kopts = append(kopts, kfake.SeedTopics(partitions, name))
	}
	if level, ok := logLevel(os.Getenv("KAFKATEST_LOG")); ok {
		kopts = append(kopts, kfake.WithLogger(kfake.BasicLogger(os.Stderr, level)))
	}
	kc, err := kfake.NewCluster(kopts...)
	if err != nil {
		return nil, fmt.Errorf("start kfake: %w", err)
	}
	return &Cluster{kc: kc, addrs: kc.ListenAddrs()}, nil
}

// Addrs returns the brokers' host:port addresses, for kafka-go's Brokers.
func (c *Cluster) Addrs() []string {
	return append([]string(nil), c.addrs...)
}

// Close stops the cluster and drops its data. It is idempotent.
func (c *Cluster) Close() {
	c.kc.Close()
}

// logLevel parses KAFKATEST_LOG; unknown or empty means no log.
func logLevel(s string) (kfake.LogLevel, bool) {
	switch strings.ToLower(s) {
	case "error":
		return kfake.LogLevelError, true
	case "warn":
		return kfake.LogLevelWarn, true
	case "info":
		return kfake.LogLevelInfo, true
	case "debug":
		return kfake.LogLevelDebug, true
	}
	return kfake.LogLevelNone, false
}
