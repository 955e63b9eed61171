//go:build !race

package e2e

import (
	"context"
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
	sys := h.startIngestTB(b, stream, h.analytics, 500)
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
