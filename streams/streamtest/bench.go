package streamtest

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/conductor/reports/app"
)

// benchValue is an envelope of typical size (about 300 bytes), so the
// figures are per realistic event rather than per empty message.
var benchValue = []byte(`{"id":"6f1c2a8e-3b7d-4c55-9a0e-2d4f8b1c7e93","tenant_id":"acme",` +
	`"source":"tickets","type":"ticket.updated","occurred_at":"2026-12-01T10:00:00Z",` +
	`"entity_id":"T-1001","version":3,"data":{"status":"in_progress","priority":"high",` +
	`"category":"network","customer_id":"c-17","site_id":"s-4","team_id":"t-2",` +
	`"first_response_minutes":12}}`)

// BenchMessages returns n messages over 16 tenant keys with an
// envelope-sized value.
func BenchMessages(n int) []app.StreamMessage {
	msgs := make([]app.StreamMessage, n)
	for i := range msgs {
		msgs[i] = app.StreamMessage{Key: fmt.Appendf(nil, "tenant-%02d", i%16), Value: bytes.Clone(benchValue)}
	}
	return msgs
}

// PublishConsume measures the whole path, reported as events/s: one
// goroutine publishes b.N events in calls of batch while the benchmark
// goroutine fetches up to batch at a time and commits each batch, as the
// server's ingest does. Publishing and consuming overlap, as they do in
// production, so the figure is the pipeline's throughput, not the sum of
// two latencies.
func PublishConsume(b *testing.B, pub app.EventPublisher, c app.EventConsumer, batch int) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	msgs := BenchMessages(batch)
	b.SetBytes(int64(len(benchValue)))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	published := make(chan error, 1)
	go func() {
		for sent := 0; sent < b.N; sent += batch {
			if err := pub.Publish(ctx, msgs[:min(batch, b.N-sent)]); err != nil {
				published <- err
				return
			}
		}
		published <- nil
	}()
	for got := 0; got < b.N; {
		msgs, err := c.Fetch(ctx, batch, time.Second)
		if err != nil {
			b.Fatalf("fetch after %d of %d: %v", got, b.N, err)
		}
		if len(msgs) == 0 {
			select {
			case err := <-published:
				if err != nil {
					b.Fatalf("publish: %v", err)
				}
				published <- nil // put it back for the final check
			default:
			}
			continue
		}
		if err := c.Commit(ctx, msgs); err != nil {
			b.Fatalf("commit after %d of %d: %v", got, b.N, err)
		}
		got += len(msgs)
	}
	if err := <-published; err != nil {
		b.Fatalf("publish: %v", err)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}
