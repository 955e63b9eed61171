package main

import "testing"

func TestMaxIngestBatchByStore(t *testing.T) {
	for _, tt := range []struct {
		cfg  Config
		want int
	}{
		{Config{AnalyticsDriver: "sqlite"}, 2_000},
		{Config{AnalyticsDriver: "clickhouse"}, 20_000},
		{Config{AnalyticsDriver: "sqlite", IngestMaxBatch: 300}, 300},
		{Config{AnalyticsDriver: "clickhouse", IngestMaxBatch: 50_000}, 50_000},
	} {
		if got := maxIngestBatch(tt.cfg); got != tt.want {
			t.Errorf("maxIngestBatch(%s, %d) = %d, want %d", tt.cfg.AnalyticsDriver, tt.cfg.IngestMaxBatch, got, tt.want)
		}
	}
}
