package kafkatest

import (
	"context"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

// The cluster answers kafka-go on loopback with the seeded topics and the
// requested brokers.
func TestMustStart(t *testing.T) {
	c := MustStart(t, Brokers(3), Topic("events", 4), Topic("control", 1))
	addrs := c.Addrs()
	if len(addrs) != 3 {
		t.Fatalf("got %d addresses, want 3", len(addrs))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := kafkago.DialContext(ctx, "tcp", addrs[0])
	if err != nil {
		t.Fatalf("dial %s: %v", addrs[0], err)
	}
	defer conn.Close()
	brokers, err := conn.Brokers()
	if err != nil {
		t.Fatalf("brokers: %v", err)
	}
	if len(brokers) != 3 {
		t.Fatalf("metadata lists %d brokers, want 3", len(brokers))
	}
	for _, b := range brokers {
		if b.Host != "127.0.0.1" {
			t.Errorf("broker %d on %s, want loopback", b.ID, b.Host)
		}
	}
	for topic, want := range map[string]int{"events": 4, "control": 1} {
		parts, err := conn.ReadPartitions(topic)
		if err != nil {
			t.Fatalf("read partitions of %s: %v", topic, err)
		}
		if len(parts) != want {
			t.Errorf("%s has %d partitions, want %d", topic, len(parts), want)
		}
	}
	// Addrs hands out a copy.
	addrs[0] = "changed"
	if c.Addrs()[0] == "changed" {
		t.Error("Addrs shares its slice with the caller")
	}
}

func TestStartRejectsNonsense(t *testing.T) {
	if c, err := Start(Brokers(0)); err == nil {
		c.Close()
		t.Error("0 brokers: no error")
	}
	if c, err := Start(Topic("events", 0)); err == nil {
		c.Close()
		t.Error("a topic with 0 partitions: no error")
	}
}

// Close stops the listener, so a test that closes the cluster early sees
// the broker gone, as with a real outage.
func TestCloseStopsListening(t *testing.T) {
	t.Setenv("KAFKATEST_LOG", "error")
	c, err := Start()
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	addr := c.Addrs()[0]
	c.Close()
	c.Close() // idempotent
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if conn, err := kafkago.DialContext(ctx, "tcp", addr); err == nil {
		// The dial itself may succeed on a reused port only if someone
		// else listens there now; a metadata request must fail.
		defer conn.Close()
		if _, err := conn.Brokers(); err == nil {
			t.Fatalf("broker at %s still answers after Close", addr)
		}
	}
}

func TestLogLevel(t *testing.T) {
	for _, s := range []string{"error", "WARN", "info", "debug"} {
		if _, ok := logLevel(s); !ok {
			t.Errorf("logLevel(%q) not recognised", s)
		}
	}
	for _, s := range []string{"", "verbose"} {
		if _, ok := logLevel(s); ok {
			t.Errorf("logLevel(%q) recognised, want no log", s)
		}
	}
}
