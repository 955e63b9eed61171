package sqlite

import (
	"testing"
	"time"
)

func TestBucketStartAroundDST(t *testing.T) {
	sp, _ := time.LoadLocation("America/Sao_Paulo")
	be, _ := time.LoadLocation("Europe/Berlin")
	utc := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	for _, tc := range []struct {
		at    string
		grain string
		loc   *time.Location
		want  string
	}{
		// 2018-11-04: São Paulo skipped 00:00-01:00; the day began at 01:00 -02.
		{"2018-11-04T12:00:00Z", "day", sp, "2018-11-04T03:00:00Z"},
		{"2018-11-04T12:00:00Z", "week", sp, "2018-10-29T03:00:00Z"},
		{"2018-11-05T12:00:00Z", "week", sp, "2018-11-05T02:00:00Z"},
		{"2018-11-04T03:30:00Z", "hour", sp, "2018-11-04T03:00:00Z"},
		// 2019-02-17: the 23:00 hour of the 16th repeated; the 17th began at 00:00 -03.
		{"2019-02-17T01:30:00Z", "hour", sp, "2019-02-17T01:00:00Z"},
		{"2019-02-17T02:30:00Z", "hour", sp, "2019-02-17T02:00:00Z"},
		{"2019-02-17T12:00:00Z", "day", sp, "2019-02-17T03:00:00Z"},
		{"2019-02-17T01:30:00Z", "day", sp, "2019-02-16T02:00:00Z"},
		// Berlin: 2026-03-29 02:00 -> 03:00, 2026-10-25 03:00 -> 02:00.
		{"2026-03-29T12:00:00Z", "day", be, "2026-03-28T23:00:00Z"},
		{"2026-03-29T01:30:00Z", "hour", be, "2026-03-29T01:00:00Z"},
		{"2026-10-25T00:30:00Z", "hour", be, "2026-10-25T00:00:00Z"},
		{"2026-10-25T01:30:00Z", "hour", be, "2026-10-25T01:00:00Z"},
		{"2026-10-25T12:00:00Z", "day", be, "2026-10-24T22:00:00Z"},
		{"2026-10-25T12:00:00Z", "month", be, "2026-09-30T22:00:00Z"},
		{"2026-11-15T12:00:00Z", "quarter", be, "2026-09-30T22:00:00Z"},
		{"2026-11-15T12:00:00Z", "year", be, "2025-12-31T23:00:00Z"},
	} {
		if got := BucketStart(utc(tc.at), tc.grain, tc.loc); !got.Equal(utc(tc.want)) {
			t.Errorf("%s %s in %s: %s, want %s", tc.at, tc.grain, tc.loc, got.Format(time.RFC3339), tc.want)
		}
	}
	if p := Percentile([]float64{1, 2, 3, 4}, 0.5); p != 2.5 {
		t.Fatalf("median %v", p)
	}
}
