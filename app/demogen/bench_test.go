package demogen

import "testing"

// BenchmarkGenerate generates 100,000 events (with 1 % duplicates and 1 %
// invalid envelopes) and reports the rate.
func BenchmarkGenerate(b *testing.B) {
	cfg := Config{Seed: 1, Now: testNow, Events: 100_000, DuplicateRate: 0.01, InvalidRate: 0.01}
	var n int
	for b.Loop() {
		ds, err := Generate(cfg)
		if err != nil {
			b.Fatal(err)
		}
		n += len(ds.Raw)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}
