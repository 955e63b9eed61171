//go:build !race

package e2e

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/conductor/reports/app/demogen"
	"github.com/conductor/reports/streams/inproc"
)

// BenchmarkEmbeddedIngest measures sustained ingest on the embedded path:
// demo envelopes published to the in-process stream, consumed by the
// ingest actor (batches of 500), validated and written to SQLite with
// entity state and rollups. Reported as events/s.
func BenchmarkEmbeddedIngest(b *testing.B) {
	h := newHarnessTB(b)
	ds, err := demogen.Generate(demogen.Config{Seed: 7, Now: time.Now(), Events: 100_000})
	if err != nil {
		b.Fatal(err)
	}
	stream := inproc.New(inproc.Config{Capacity: len(ds.Raw)})
	sys := h.startIngestTB(b, stream, h.analytics, 500, 2000)
	defer sys.Shutdown(context.Background())
	b.ResetTimer()
	sent := 0
	for i := 0; i < b.N; i++ {
		chunk := ds.Raw[(i*5000)%len(ds.Raw) : min((i*5000)%len(ds.Raw)+5000, len(ds.Raw))]
		publishAllTB(b, stream, chunk)
		sent += len(chunk)
		waitDrainedTB(b, stream)
	}
	b.ReportMetric(float64(sent)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkEmbeddedIngestLive is the same path fed with live traffic: the
// demo generator's live mode (recent timestamps, open lifecycles moving
// on), the shape of a running platform rather than a 90-day backfill.
func BenchmarkEmbeddedIngestLive(b *testing.B) {
	h := newHarnessTB(b)
	start := time.Now()
	live, err := demogen.NewLive(demogen.Config{Seed: 9, Now: start, Events: 2000}, 5000)
	if err != nil {
		b.Fatal(err)
	}
	stream := inproc.New(inproc.Config{Capacity: 1 << 20})
	sys := h.startIngestTB(b, stream, h.analytics, benchBatch(b, 1000), benchEnv(b, "REPORTS_BENCH_MAX_BATCH", 2000))
	defer sys.Shutdown(context.Background())
	clock := start
	b.ResetTimer()
	cpu0 := processCPU(b)
	sent := 0
	for i := 0; i < b.N; i++ {
		var raws [][]byte
		for len(raws) < 5000 {
			clock = clock.Add(time.Second)
			for _, ev := range live.Next(clock) {
				raws = append(raws, demogen.Envelope(ev))
			}
		}
		publishAllTB(b, stream, raws)
		sent += len(raws)
		waitDrainedTB(b, stream)
	}
	b.ReportMetric(float64(sent)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64((processCPU(b)-cpu0).Microseconds())/float64(sent), "cpu-us/event")
}

// processCPU is the CPU time (user + system) the process used so far:
// on a machine shared with other work, CPU per event varies much less
// than events per second, so benchmarks report both.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchBatch is the ingest batch size of a benchmark: def, or
// REPORTS_BENCH_BATCH when set (to compare batch sizes on one build).
func benchBatch(b *testing.B, def int) int { return benchEnv(b, "REPORTS_BENCH_BATCH", def) }

// BenchmarkEmbeddedIngestBacklog measures the embedded path's sustained
// capacity: the same live traffic as BenchmarkEmbeddedIngestLive, b.N
// rounds of 5,000 events generated beforehand (timer stopped), published to
// the in-process stream at once and timed until the ingest actor has
// applied and committed all of them. The stream stays backed up, as under
// a sustained load above what ingest keeps up with, so batches grow from
// 1,000 to 2,000 (reportsd's cap with SQLite) and the actor always has the
// next batch to prepare during an apply. BenchmarkEmbeddedIngestLive publishes 5,000 and waits
// for them to drain each round, which also times each round's ramp-up.
//
//	go test -run '^$' -bench EmbeddedIngestBacklog -benchtime 20x ./internal/e2e/
func BenchmarkEmbeddedIngestBacklog(b *testing.B) {
	h := newHarnessTB(b)
	start := time.Now()
	live, err := demogen.NewLive(demogen.Config{Seed: 9, Now: start, Events: 2000}, 5000)
	if err != nil {
		b.Fatal(err)
	}
	stream := inproc.New(inproc.Config{Capacity: 1 << 22})
	sys := h.startIngestTB(b, stream, h.analytics, benchBatch(b, 1000), benchEnv(b, "REPORTS_BENCH_MAX_BATCH", 2000))
	defer sys.Shutdown(context.Background())
	clock := start
	var raws [][]byte
	for len(raws) < b.N*5000 {
		clock = clock.Add(time.Second)
		for _, ev := range live.Next(clock) {
			raws = append(raws, demogen.Envelope(ev))
		}
	}
	b.ResetTimer()
	cpu0 := processCPU(b)
	publishAllTB(b, stream, raws)
	waitDrainedTB(b, stream)
	b.ReportMetric(float64(len(raws))/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64((processCPU(b)-cpu0).Microseconds())/float64(len(raws)), "cpu-us/event")
}
