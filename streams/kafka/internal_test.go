package kafka

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// closedConsumer returns a consumer whose reader is already closed, so
// every FetchMessage fails at once with io.EOF.
func closedConsumer(t *testing.T) *Consumer {
	t.Helper()
	c, err := NewConsumer(Config{Brokers: []string{"127.0.0.1:1"}, Topic: "t", GroupID: "g"})
	if err != nil {
		t.Fatalf("new consumer: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	return c
}

// An error met while lingering is kept for the next Fetch, so the messages
// already taken are returned and the error is not lost.
func TestLingerErrorIsDeferred(t *testing.T) {
	c := closedConsumer(t)
	raw := c.linger(context.Background(), nil, 10)
	if len(raw) != 0 {
		t.Fatalf("linger on a closed reader returned %d messages", len(raw))
	}
	_, err := c.Fetch(context.Background(), 10, time.Millisecond)
	if !errors.Is(err, io.EOF) {
		t.Fatalf("fetch after a lingering error: err = %v, want io.EOF", err)
	}
	// Reported once; the next fetch meets the closed reader itself.
	if _, err := c.Fetch(context.Background(), 10, time.Millisecond); err == nil {
		t.Fatal("fetch on a closed reader: no error")
	}
}

func TestFirstPendingErrorWins(t *testing.T) {
	c := closedConsumer(t)
	first := errors.New("first")
	c.setPending(first)
	c.setPending(errors.New("second"))
	if err := c.takePending(); err != first {
		t.Fatalf("takePending() = %v, want the first error", err)
	}
	if err := c.takePending(); err != nil {
		t.Fatalf("takePending() after taking = %v, want nil", err)
	}
}

func TestErrorLogger(t *testing.T) {
	if (Config{}).errorLogger("reader") != nil {
		t.Fatal("a config without Logger produced a logger")
	}
	var buf bytes.Buffer
	cfg := Config{Topic: "events", Logger: slog.New(slog.NewTextHandler(&buf, nil))}
	cfg.errorLogger("reader").Printf("lost %s after %d tries", "partition 3", 4)
	got := buf.String()
	for _, want := range []string{"level=ERROR", `msg="lost partition 3 after 4 tries"`, "component=kafka_reader", "topic=events"} {
		if !strings.Contains(got, want) {
			t.Errorf("log line %q lacks %q", got, want)
		}
	}
}

func TestDefaults(t *testing.T) {
	got := Config{}.withDefaults()
	want := Config{
		ClientID: DefaultClientID, DialTimeout: DefaultDialTimeout, WriteTimeout: DefaultWriteTimeout,
		BatchSize: DefaultBatchSize, BatchTimeout: DefaultBatchTimeout, FetchLinger: DefaultFetchLinger, FetchLingerMax: DefaultFetchLingerMax,
		FetchMaxWait: DefaultFetchMaxWait, QueueCapacity: DefaultQueueCapacity,
		MaxFetchBytes: DefaultMaxFetchBytes, SessionTimeout: DefaultSessionTimeout,
	}
	if got.ClientID != want.ClientID || got.DialTimeout != want.DialTimeout || got.WriteTimeout != want.WriteTimeout ||
		got.BatchSize != want.BatchSize || got.BatchTimeout != want.BatchTimeout || got.FetchLinger != want.FetchLinger || got.FetchLingerMax != want.FetchLingerMax ||
		got.FetchMaxWait != want.FetchMaxWait || got.QueueCapacity != want.QueueCapacity ||
		got.MaxFetchBytes != want.MaxFetchBytes || got.SessionTimeout != want.SessionTimeout {
		t.Fatalf("defaults = %+v, want %+v", got, want)
	}
	set := Config{ClientID: "x", BatchSize: 7, FetchLinger: time.Millisecond}.withDefaults()
	if set.ClientID != "x" || set.BatchSize != 7 || set.FetchLinger != time.Millisecond {
		t.Fatalf("withDefaults overwrote set values: %+v", set)
	}
}
