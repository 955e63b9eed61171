package http

import (
	"bytes"
	"encoding/json"
	"io"
	stdhttp "net/http"
	"slices"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/store/cache"
)

// BenchmarkCachedQuery measures POST /api/query end to end over loopback
// when the result is cached (a dashboard refreshing): authentication,
// validation, cache key, JSON answer. Reports p50 and p99.
func BenchmarkCachedQuery(b *testing.B) {
	results, err := cache.New(cache.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer results.Close()
	s := newStack(b, func(d *stackDeps) { d.cache = results })
	token := s.login("admin@alpha.example", adminPW)
	s.seedTickets([][4]any{{"open", "c1", "high", 10}, {"resolved", "c2", "low", 20}})
	body, _ := json.Marshal(map[string]any{"source": "tickets", "metrics": []any{map[string]any{"agg": "count", "as": "n"}},
		"groups": []any{map[string]any{"field": "status"}}})
	do := func() string {
		req, _ := stdhttp.NewRequest("POST", s.base+"/api/query", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := s.client.Do(req)
		if err != nil || resp.StatusCode != 200 {
			b.Fatal(err, resp)
		}
		var out struct {
			Meta struct{ Cache string } `json:"meta"`
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		_ = json.Unmarshal(raw, &out)
		return out.Meta.Cache
	}
	do()
	results.Wait()
	var lat []time.Duration
	hits := 0
	for b.Loop() {
		t0 := time.Now()
		if do() == "hit" {
			hits++
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50_us")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99_us")
	b.ReportMetric(float64(hits)/float64(len(lat)), "hit_ratio")
	_ = app.CacheResolution
}
