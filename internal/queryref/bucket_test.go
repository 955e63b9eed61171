package queryref

import (
	"testing"
	"time"

	"github.com/conductor/reports/domain"
)

func mustZone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

// TestBucketsAroundDST pins each bucket start, computed by hand from the
// zones' transitions: Sao Paulo skipped 00:00-01:00 on 2018-11-04 (at
// 03:00Z) and repeated 23:00-24:00 of 2019-02-16 (at 02:00Z); Berlin skips
// 02:00-03:00 on 2026-03-29 (at 01:00Z) and repeats 02:00-03:00 on
// 2026-10-25 (at 01:00Z).
func TestBucketsAroundDST(t *testing.T) {
	t.Parallel()
	tests := []struct {
		zone, at, grain, want string
	}{
		{"America/Sao_Paulo", "2018-11-04T02:30:00Z", "hour", "2018-11-04T02:00:00Z"},
		{"America/Sao_Paulo", "2018-11-04T02:30:00Z", "day", "2018-11-03T03:00:00Z"},
		{"America/Sao_Paulo", "2018-11-04T03:10:00Z", "hour", "2018-11-04T03:00:00Z"},
		{"America/Sao_Paulo", "2018-11-04T03:10:00Z", "day", "2018-11-04T03:00:00Z"}, // midnight skipped: the day starts at 01:00 -02
		{"America/Sao_Paulo", "2018-11-04T12:00:00Z", "week", "2018-10-29T03:00:00Z"},
		{"America/Sao_Paulo", "2018-11-05T12:00:00Z", "day", "2018-11-05T02:00:00Z"},
		{"America/Sao_Paulo", "2018-11-05T12:00:00Z", "week", "2018-11-05T02:00:00Z"},
		{"America/Sao_Paulo", "2018-11-05T12:00:00Z", "month", "2018-11-01T03:00:00Z"},
		{"America/Sao_Paulo", "2019-02-17T01:30:00Z", "hour", "2019-02-17T01:00:00Z"}, // 23:30 -02
		{"America/Sao_Paulo", "2019-02-17T02:30:00Z", "hour", "2019-02-17T02:00:00Z"}, // 23:30 -03, the repeated hour
		{"America/Sao_Paulo", "2019-02-17T01:30:00Z", "day", "2019-02-16T02:00:00Z"},
		{"America/Sao_Paulo", "2019-02-17T02:30:00Z", "day", "2019-02-16T02:00:00Z"},
		{"America/Sao_Paulo", "2019-02-17T03:30:00Z", "day", "2019-02-17T03:00:00Z"},
		{"America/Sao_Paulo", "2019-02-17T03:30:00Z", "quarter", "2019-01-01T02:00:00Z"},
		{"America/Sao_Paulo", "2019-02-17T03:30:00Z", "year", "2019-01-01T02:00:00Z"},
		{"Europe/Berlin", "2026-03-29T00:30:00Z", "hour", "2026-03-29T00:00:00Z"},
		{"Europe/Berlin", "2026-03-29T01:30:00Z", "hour", "2026-03-29T01:00:00Z"},
		{"Europe/Berlin", "2026-03-29T00:30:00Z", "day", "2026-03-28T23:00:00Z"},
		{"Europe/Berlin", "2026-03-29T01:30:00Z", "day", "2026-03-28T23:00:00Z"},
		{"Europe/Berlin", "2026-03-29T22:30:00Z", "day", "2026-03-29T22:00:00Z"},
		{"Europe/Berlin", "2026-03-29T01:30:00Z", "week", "2026-03-22T23:00:00Z"},
		{"Europe/Berlin", "2026-03-29T22:30:00Z", "week", "2026-03-29T22:00:00Z"},
		{"Europe/Berlin", "2026-10-25T00:30:00Z", "hour", "2026-10-25T00:00:00Z"}, // 02:30 CEST
		{"Europe/Berlin", "2026-10-25T01:30:00Z", "hour", "2026-10-25T01:00:00Z"}, // 02:30 CET
		{"Europe/Berlin", "2026-10-25T01:30:00Z", "day", "2026-10-24T22:00:00Z"},
		{"Europe/Berlin", "2026-10-25T23:30:00Z", "day", "2026-10-25T23:00:00Z"},
		{"Europe/Berlin", "2026-10-25T01:30:00Z", "month", "2026-09-30T22:00:00Z"},
		{"Europe/Berlin", "2026-10-25T01:30:00Z", "quarter", "2026-09-30T22:00:00Z"},
		{"Europe/Berlin", "2026-10-25T01:30:00Z", "year", "2025-12-31T23:00:00Z"},
	}
	for _, tt := range tests {
		b := newBucketer(mustZone(t, tt.zone))
		got, err := b.bucket(ts(tt.at), tt.grain)
		if err != nil {
			t.Fatal(err)
		}
		if want := ts(tt.want); !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("%s %s %s = %s, want %s", tt.zone, tt.at, tt.grain, got, want)
		}
	}
	if _, err := newBucketer(time.UTC).bucket(now, "minute"); err == nil {
		t.Error("unknown granularity accepted")
	}
}

// TestHourlyGroupsAroundDST checks buckets end to end: the repeated hour
// of a fall back is two groups, and NULL times form their own group.
func TestHourlyGroupsAroundDST(t *testing.T) {
	t.Parallel()
	cat := mustCatalog(t)
	b := &recBuilder{tb: t, cat: cat}
	var recs []*domain.Record
	for i, at := range []string{"2026-10-25T00:10:00Z", "2026-10-25T00:50:00Z", "2026-10-25T01:10:00Z", "2026-10-25T02:05:00Z"} {
		recs = append(recs, b.rec(tenant, "tickets", string(rune('A'+i)), 1, ts(at), map[string]any{"created_at": ts(at), "resolved_at": ts(at)}))
	}
	recs = append(recs, b.rec(tenant, "tickets", "Z", 1, ts("2026-10-25T00:00:00Z"), map[string]any{"created_at": ts("2026-10-25T00:00:00Z")}))
	ds := NewDataset(cat, recs)
	q := &domain.Query{Source: "tickets", Groups: []domain.Group{{Field: "resolved_at", Granularity: "hour"}},
		Metrics: []domain.Metric{{Agg: "count", As: "n"}}, TimeZone: "Europe/Berlin"}
	res, err := Evaluate(ds, tenant, nil, q, now, mustZone(t, "Europe/Berlin"))
	if err != nil {
		t.Fatal(err)
	}
	want := [][]any{{nil, int64(1)}, {ts("2026-10-25T00:00:00Z"), int64(2)}, {ts("2026-10-25T01:00:00Z"), int64(1)}, {ts("2026-10-25T02:00:00Z"), int64(1)}}
	if res.Columns[0] != "resolved_at_hour" || len(res.Rows) != len(want) {
		t.Fatalf("result = %v %v", res.Columns, res.Rows)
	}
	for i := range want {
		assertRow(t, res.Rows[i], want[i])
	}
}
