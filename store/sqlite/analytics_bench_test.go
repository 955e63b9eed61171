package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/store/analyticstest"
)

// benchRecords builds n ticket events: lifecycles of 4 versions, spread
// over customers, sites, teams and 90 days, as the demo generator does.
func benchRecords(b *testing.B, c *domain.Catalog, n int) []*domain.Record {
	recs := make([]*domain.Record, 0, n)
	statuses := []string{"open", "in_progress", "pending", "resolved"}
	for i := 0; len(recs) < n; i++ {
		created := analyticstest.Now.Add(-time.Duration(i%(90*24)) * time.Hour)
		for v := 1; v <= 4 && len(recs) < n; v++ {
			data := fmt.Sprintf(`{"status":%q,"priority":%q,"category":%q,"customer_id":"c%d","site_id":"s%d","team_id":"t%d","created_at":%q,"first_response_minutes":%d}`,
				statuses[v-1], []string{"low", "medium", "high", "urgent"}[i%4], []string{"Rede", "Energia", "Acesso"}[i%3],
				i%3, i%6, i%3, created.Format(time.RFC3339), 5+i%50)
			ev := analyticstest.Ev("t1", fmt.Sprintf("ev-%d-%d", i, v), "tickets", "ticket.updated", fmt.Sprintf("T-%d", i), int64(v),
				created.Add(time.Duration(v)*time.Minute), data)
			recs = append(recs, analyticstest.Rec(b, c, ev))
		}
	}
	return recs
}

// BenchmarkApply measures sustained ingest into SQLite: events/s for
// batches of 500 realistic ticket events (new events, versions replacing
// earlier ones, rollups kept in the same transaction).
func BenchmarkApply(b *testing.B) {
	a := openAnalytics(b)
	recs := benchRecords(b, analyticstest.Catalog(b), 200_000)
	const batch = 500
	ctx := context.Background()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if i+batch > len(recs) {
			b.StopTimer()
			a = openAnalytics(b)
			i = 0
			b.StartTimer()
		}
		if _, err := a.Apply(ctx, app.IngestBatch{Records: recs[i : i+batch], IngestedAt: analyticstest.Now}); err != nil {
			b.Fatal(err)
		}
		i += batch
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "events/s")
}
