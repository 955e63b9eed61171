//go:build !race

package e2e

import (
	"context"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anthdm/hollywood/actor"

	"github.com/conductor/reports/actors"
	"github.com/conductor/reports/app"
	"github.com/conductor/reports/app/demogen"
	"github.com/conductor/reports/internal/testenv/chtest"
	"github.com/conductor/reports/internal/testenv/kafkatest"
	"github.com/conductor/reports/store/clickhouse"
	"github.com/conductor/reports/streams/kafka"
)

// BenchmarkClusterIngest measures sustained ingest on the cluster path:
// one ingest actor (one node) consuming a 4-partition topic on a kfake
// broker through kafka-go, preparing batches and applying them to the
// ClickHouse test server, committing offsets after each batch. Each
// iteration first fills the topic with 100,000 live demo events
// (REPORTS_BENCH_CHUNK; timer stopped: producers are other processes), then
// times the drain until
// every one of them is applied and committed. The actor runs with the
// product defaults (batch 500, growing up to clickhouse.MaxIngestBatch
// while the topic is backed up); REPORTS_BENCH_BATCH and REPORTS_BENCH_MAX_BATCH override
// them, to compare on one build. Besides events/s it reports the CPU per
// event of this process (broker, consumer, validation, client) and of the
// ClickHouse server, which share the machine's cores.
//
//	go test -run '^$' -bench ClusterIngest -benchtime 5x ./internal/e2e/
func BenchmarkClusterIngest(b *testing.B) {
	h := newHarnessTB(b)
	ctx := context.Background()
	srv := chtest.Shared(b)
	ch, err := clickhouse.Open(ctx, clickhouseConfig(b, srv.NewDatabase(b)), h.cat)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ch.Close() })
	if err := ch.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	broker := kafkatest.MustStart(b, kafkatest.Topic("events", 4))
	kc := kafka.Config{Brokers: broker.Addrs(), Topic: "events", GroupID: "reports-bench", Logger: quiet}
	pub, err := kafka.NewPublisher(kc)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { pub.Close() })
	start := time.Now()
	live, err := demogen.NewLive(demogen.Config{Seed: 11, Now: start, Events: 2000}, 5000)
	if err != nil {
		b.Fatal(err)
	}
	clock := start
	chunk := benchEnv(b, "REPORTS_BENCH_CHUNK", 100_000)
	fill := func() int {
		var msgs []app.StreamMessage
		for len(msgs) < chunk {
			clock = clock.Add(time.Second)
			for _, ev := range live.Next(clock) {
				msgs = append(msgs, app.StreamMessage{Key: []byte(app.DemoTenantSlug), Value: demogen.Envelope(ev)})
			}
		}
		for i := 0; i < len(msgs); i += 2000 {
			if err := pub.Publish(ctx, msgs[i:min(i+2000, len(msgs))]); err != nil {
				b.Fatal(err)
			}
		}
		return len(msgs)
	}

	var committed, batches atomic.Int64
	sys, err := actors.NewSystem(actors.SystemConfig{RestartDelay: time.Millisecond}, quiet)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = sys.Shutdown(context.Background()) })
	ing := app.NewIngest(h.cat, h.meta, ch, pub, nil, time.Now, quiet, app.IngestConfig{})
	_, err = sys.Spawn(actors.NewIngest(actors.IngestDeps{
		NewConsumer: func() (app.EventConsumer, error) { return kafka.NewConsumer(kc) },
		Ingest:      ing, Log: quiet,
		Config: actors.IngestConfig{BatchSize: benchBatch(b, 0), MaxBatch: benchEnv(b, "REPORTS_BENCH_MAX_BATCH", clickhouse.MaxIngestBatch)},
		OnBatch: func(_ app.ApplyResult, n int) {
			committed.Add(int64(n))
			batches.Add(1)
		},
	}), "ingest", actor.WithMaxRestarts(1000))
	if err != nil {
		b.Fatal(err)
	}
	// Warm up: join the group, resolve the tenant, open the connections.
	want := int64(fill())
	waitCommitted(b, &committed, want)

	b.ResetTimer()
	batches0 := batches.Load()
	var sent, cpu, srvCPU time.Duration
	events := 0
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		n := fill()
		want += int64(n)
		events += n
		b.StartTimer()
		t0, c0, s0 := time.Now(), processCPU(b), serverCPU(b, srv)
		waitCommitted(b, &committed, want)
		sent += time.Since(t0)
		cpu += processCPU(b) - c0
		srvCPU += serverCPU(b, srv) - s0
	}
	b.ReportMetric(float64(events)/sent.Seconds(), "events/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(events), "cpu-us/event")
	b.ReportMetric(float64(srvCPU.Microseconds())/float64(events), "server-cpu-us/event")
	b.ReportMetric(float64(events)/float64(batches.Load()-batches0), "events/batch")
	b.StopTimer()
	tot, err := ch.SourceTotals(ctx, h.tenantID, "events")
	if err != nil {
		b.Fatal(err)
	}
	if tot.Rows != want {
		b.Fatalf("events stored %d, published %d", tot.Rows, want)
	}
}

func serverCPU(b *testing.B, srv *chtest.Server) time.Duration {
	d, err := srv.CPU()
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// waitCommitted waits until n events are committed.
func waitCommitted(b *testing.B, committed *atomic.Int64, n int64) {
	deadline := time.Now().Add(5 * time.Minute)
	for committed.Load() < n {
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d events committed", committed.Load(), n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// benchEnv reads a positive integer knob of a benchmark from the
// environment; def when unset.
func benchEnv(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}
