// Package kafka is the cluster event stream: app.EventPublisher and
// app.EventConsumer on a Kafka topic through segmentio/kafka-go.
//
// Events are keyed by tenant id and partitioned by a hash of the key, so one
// tenant's events stay in order on one partition while tenants spread over
// all of them. The consumer is a member of a consumer group and commits
// explicitly (synchronously unless Config.CommitInterval says otherwise),
// after the batch is durable in the analytics store: a consumer that dies
// before committing leaves its batch to the group's next member
// (at-least-once; ingest deduplicates by event id).
package kafka

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

// Defaults for the zero values of Config; the fields say why.
const (
	DefaultClientID       = "reportsd"
	DefaultDialTimeout    = 10 * time.Second
	DefaultWriteTimeout   = 10 * time.Second
	DefaultBatchSize      = 1000
	DefaultBatchTimeout   = 5 * time.Millisecond
	DefaultFetchLinger    = 5 * time.Millisecond
	DefaultFetchLingerMax = 100 * time.Millisecond
	DefaultFetchMaxWait   = 500 * time.Millisecond
	DefaultQueueCapacity  = 1000
	DefaultMaxFetchBytes  = 1 << 20
	DefaultSessionTimeout = 30 * time.Second
)

// Config locates the topic and tunes the clients. Only Brokers and Topic
// are required (and GroupID for a consumer); every other zero value means
// the documented default.
type Config struct {
	// Brokers are the bootstrap brokers, as host:port. Required.
	Brokers []string
	// Topic is the events topic. Required.
	Topic string
	// GroupID is the consumer group; every ingest node uses the same one
	// so the group shares the partitions and one committed offset per
	// partition. Required by NewConsumer, ignored by NewPublisher.
	GroupID string
	// ClientID names this process in the brokers' logs and quotas.
	// Default: DefaultClientID.
	ClientID string
	// DialTimeout bounds each connection attempt. Default:
	// DefaultDialTimeout.
	DialTimeout time.Duration

	// WriteTimeout bounds one produce request. Default: DefaultWriteTimeout.
	WriteTimeout time.Duration
	// BatchSize is the most messages sent to one partition in one produce
	// request; a batch that fills is sent at once. Default:
	// DefaultBatchSize.
	BatchSize int
	// BatchTimeout is how long a partly filled batch waits for more
	// messages. Publish is synchronous, so this is added to the latency of
	// every call that does not fill a batch: kafka-go's own default (1 s)
	// would make each HTTP ingest request take a second. Default:
	// DefaultBatchTimeout.
	BatchTimeout time.Duration

	// FetchLinger is how long a quiet spell ends Fetch's collecting after
	// the first message: it keeps taking messages while they arrive no
	// further apart, to fill a batch when the topic is backed up. Keep it
	// to a few milliseconds: it is latency added to every batch that does
	// not fill. Default: DefaultFetchLinger.
	FetchLinger time.Duration
	// FetchLingerMax bounds the whole collecting after the first message,
	// however steadily messages come. Default: DefaultFetchLingerMax.
	FetchLingerMax time.Duration
	// FetchMaxWait is how long a broker holds a fetch request open when
	// there is nothing new. kafka-go cannot cancel a fetch in flight, so
	// this also bounds how long Close takes; kafka-go's default (10 s)
	// would make every consumer restart that slow. Default:
	// DefaultFetchMaxWait, the Java client's fetch.max.wait.ms.
	FetchMaxWait time.Duration
	// QueueCapacity is how many messages the reader prefetches ahead of
	// Fetch; a deeper queue keeps the consumer fed while a batch commits.
	// Default: DefaultQueueCapacity.
	QueueCapacity int
	// MaxFetchBytes is the most bytes one fetch of a partition asks a
	// broker for. Default: DefaultMaxFetchBytes, the Java client's
	// max.partition.fetch.bytes; 10 MiB measured slower in
	// BenchmarkBareFetch.
	MaxFetchBytes int
	// CommitInterval chooses how Commit reaches the broker. Zero (the
	// default): synchronously, Commit returns once the coordinator stored
	// the offsets. Positive: Commit hands the offsets to kafka-go, which
	// sends the latest of them every interval in the background and once
	// more on Close; a failed background commit is only logged (Logger).
	// Either way nothing is committed before the caller calls Commit, so
	// at-least-once holds; the async mode only widens what a killed
	// process redelivers, which ingest deduplicates. It trades that for
	// throughput: a synchronous commit per 500-event batch costs a round
	// trip the consumer waits out (see BenchmarkConsumeVsBare).
	CommitInterval time.Duration
	// SessionTimeout is how long the group waits for a silent member (a
	// killed process) before giving its partitions to the others. Keep it
	// within the broker's group.min/max.session.timeout.ms (6 s to 30 min
	// in Kafka, 6 s to 5 min in kfake): outside it the join is refused
	// and kafka-go only logs that, so Fetch would just keep coming back
	// empty. Default: DefaultSessionTimeout.
	SessionTimeout time.Duration

	// Logger receives errors the clients hit in their background
	// goroutines (retried writes, lost group membership). Default: none.
	Logger *slog.Logger
}

// Validate reports every problem with the configuration at once. It does
// not require GroupID, which only a consumer needs.
func (c Config) Validate() error {
	var errs []error
	if len(c.Brokers) == 0 {
		errs = append(errs, errors.New("kafka brokers: none configured"))
	}
	for _, b := range c.Brokers {
		if _, _, err := net.SplitHostPort(b); err != nil {
			errs = append(errs, fmt.Errorf("kafka broker %q: want host:port: %w", b, err))
		}
	}
	if c.Topic == "" {
		errs = append(errs, errors.New("kafka topic: empty"))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"dial timeout", c.DialTimeout},
		{"write timeout", c.WriteTimeout},
		{"batch timeout", c.BatchTimeout},
		{"fetch linger", c.FetchLinger},
		{"fetch linger max", c.FetchLingerMax},
		{"fetch max wait", c.FetchMaxWait},
		{"session timeout", c.SessionTimeout},
		{"commit interval", c.CommitInterval},
	} {
		if d.v < 0 {
			errs = append(errs, fmt.Errorf("kafka %s: negative (%s)", d.name, d.v))
		}
	}
	for _, n := range []struct {
		name string
		v    int
	}{
		{"batch size", c.BatchSize},
		{"queue capacity", c.QueueCapacity},
		{"max fetch bytes", c.MaxFetchBytes},
	} {
		if n.v < 0 {
			errs = append(errs, fmt.Errorf("kafka %s: negative (%d)", n.name, n.v))
		}
	}
	return errors.Join(errs...)
}

// withDefaults returns c with every zero value replaced by its default.
func (c Config) withDefaults() Config {
	def := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	defInt := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	if c.ClientID == "" {
		c.ClientID = DefaultClientID
	}
	def(&c.DialTimeout, DefaultDialTimeout)
	def(&c.WriteTimeout, DefaultWriteTimeout)
	def(&c.BatchTimeout, DefaultBatchTimeout)
	def(&c.FetchLinger, DefaultFetchLinger)
	def(&c.FetchLingerMax, DefaultFetchLingerMax)
	def(&c.FetchMaxWait, DefaultFetchMaxWait)
	def(&c.SessionTimeout, DefaultSessionTimeout)
	defInt(&c.BatchSize, DefaultBatchSize)
	defInt(&c.QueueCapacity, DefaultQueueCapacity)
	defInt(&c.MaxFetchBytes, DefaultMaxFetchBytes)
	return c
}

// errorLogger adapts Logger to kafka-go; nil when there is no Logger, which
// kafka-go takes as "do not log".
func (c Config) errorLogger(role string) kafkago.Logger {
	if c.Logger == nil {
		return nil
	}
	log := c.Logger.With("component", "kafka_"+role, "topic", c.Topic)
	return kafkago.LoggerFunc(func(msg string, args ...any) {
		log.Error(fmt.Sprintf(msg, args...))
	})
}

// dialer is what the reader and the topic admin connect with.
func (c Config) dialer() *kafkago.Dialer {
	return &kafkago.Dialer{ClientID: c.ClientID, Timeout: c.DialTimeout, DualStack: true}
}
