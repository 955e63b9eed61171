package kafka

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

// maxReplication is the replication factor EnsureTopic asks for on a
// cluster with enough brokers: one broker down for maintenance and one
// failing still leave a copy.
const maxReplication = 3

// EnsureTopic creates cfg.Topic with the given number of partitions if it
// does not exist, so tests and the first start of a deployment need no
// manual step. An existing topic is left as it is, whatever its partition
// count. The replication factor is min(3, brokers in the cluster). It
// returns once the topic's partitions are visible in the metadata, or when
// ctx ends.
func EnsureTopic(ctx context.Context, cfg Config, partitions int) error {
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("ensure topic: %w", err)
	}
	if partitions < 1 {
		return fmt.Errorf("ensure topic %s: %d partitions, want at least 1", cfg.Topic, partitions)
	}
	cfg = cfg.withDefaults()
	dialer := cfg.dialer()
	conn, err := dialAny(ctx, dialer, cfg.Brokers)
	if err != nil {
		return fmt.Errorf("ensure topic %s: %w", cfg.Topic, err)
	}
	defer conn.Close()
	brokers, err := conn.Brokers()
	if err != nil {
		return fmt.Errorf("ensure topic %s: list brokers: %w", cfg.Topic, err)
	}
	// Topics are created by the controller; other brokers answer
	// NOT_CONTROLLER.
	controller, err := conn.Controller()
	if err != nil {
		return fmt.Errorf("ensure topic %s: find controller: %w", cfg.Topic, err)
	}
	addr := net.JoinHostPort(controller.Host, strconv.Itoa(controller.Port))
	cconn, err := dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("ensure topic %s: dial controller %s: %w", cfg.Topic, addr, err)
	}
	defer cconn.Close()
	setDeadline(ctx, cconn, cfg.DialTimeout)
	err = cconn.CreateTopics(kafkago.TopicConfig{
		Topic:             cfg.Topic,
		NumPartitions:     partitions,
		ReplicationFactor: min(len(brokers), maxReplication),
	})
	if err != nil {
		return fmt.Errorf("ensure topic %s: create: %w", cfg.Topic, err)
	}
	return waitForTopic(ctx, conn, cfg)
}

// dialAny connects to the first broker that answers.
func dialAny(ctx context.Context, dialer *kafkago.Dialer, brokers []string) (*kafkago.Conn, error) {
	var errs []error
	for _, b := range brokers {
		conn, err := dialer.DialContext(ctx, "tcp", b)
		if err == nil {
			setDeadline(ctx, conn, dialer.Timeout)
			return conn, nil
		}
		errs = append(errs, fmt.Errorf("dial %s: %w", b, err))
	}
	return nil, errors.Join(errs...)
}

// setDeadline bounds every request on conn by ctx's deadline, or by
// timeout when ctx has none: Conn's methods take no context.
func setDeadline(ctx context.Context, conn *kafkago.Conn, timeout time.Duration) {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(timeout)
	}
	_ = conn.SetDeadline(deadline) // cannot fail on a TCP connection
}

// waitForTopic polls the metadata until the topic has partitions: on a
// real cluster a new topic reaches the other brokers' metadata a moment
// after the controller created it, and a writer asking before that fails.
func waitForTopic(ctx context.Context, conn *kafkago.Conn, cfg Config) error {
	const attempts = 30 // about 12 s with the backoff below
	delay := 10 * time.Millisecond
	for i := 0; ; i++ {
		setDeadline(ctx, conn, cfg.DialTimeout)
		parts, err := conn.ReadPartitions(cfg.Topic)
		if err == nil && len(parts) > 0 {
			return nil
		}
		if err == nil {
			err = errors.New("no partitions")
		}
		if i == attempts {
			return fmt.Errorf("ensure topic %s: not in metadata after %d attempts: %w", cfg.Topic, attempts, err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("ensure topic %s: wait for metadata: %w", cfg.Topic, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(2*delay, 500*time.Millisecond)
	}
}
