package app

import (
	"fmt"
	"testing"
	"time"
)

func TestSparkBuckets(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	sp, _ := time.LoadLocation("America/Sao_Paulo")
	f := func(ts []time.Time) string {
		var out []string
		for _, b := range ts {
			out = append(out, b.Format("2006-01-02T15:04Z07:00"))
		}
		return fmt.Sprint(out)
	}
	for _, tc := range []struct {
		now   time.Time
		grain string
		n     int
		want  string
	}{
		{time.Date(2026, 12, 4, 17, 42, 0, 0, sp), "day", 3, "[2026-12-02T00:00-03:00 2026-12-03T00:00-03:00 2026-12-04T00:00-03:00]"},
		{time.Date(2026, 12, 4, 17, 42, 0, 0, time.UTC), "hour", 2, "[2026-12-04T16:00Z 2026-12-04T17:00Z]"},
		// Berlin falls back at 03:00 on 2026-10-25: 02:00 happens twice, each its own hour.
		{time.Date(2026, 10, 25, 3, 30, 0, 0, berlin), "hour", 3, "[2026-10-25T02:00+02:00 2026-10-25T02:00+01:00 2026-10-25T03:00+01:00]"},
		// Days across the change stay local midnights.
		{time.Date(2026, 10, 26, 9, 0, 0, 0, berlin), "day", 2, "[2026-10-25T00:00+02:00 2026-10-26T00:00+01:00]"},
		// Weeks start on Monday; 2026-12-04 is a Friday.
		{time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC), "week", 2, "[2026-11-23T00:00Z 2026-11-30T00:00Z]"},
		{time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC), "month", 3, "[2025-11-01T00:00Z 2025-12-01T00:00Z 2026-01-01T00:00Z]"},
	} {
		if got := f(sparkBuckets(tc.now, tc.grain, tc.n)); got != tc.want {
			t.Errorf("%s %s x%d: %s, want %s", tc.now, tc.grain, tc.n, got, tc.want)
		}
	}
}

func TestZeroFill(t *testing.T) {
	d := func(day int) time.Time { return time.Date(2026, 12, day, 0, 0, 0, 0, time.UTC) }
	buckets := []time.Time{d(1), d(2), d(3), d(4)}
	rows := [][]any{{"2026-12-02T00:00:00Z", int64(5)}, {d(4), int64(2)}, {"2026-12-03T12:00:00Z", int64(1)}}
	got := fmt.Sprint(zeroFill(buckets, rows))
	want := fmt.Sprint([][]any{{d(1), int64(0)}, {"2026-12-02T00:00:00Z", int64(5)}, {d(3), int64(0)},
		{"2026-12-03T12:00:00Z", int64(1)}, {d(4), int64(2)}})
	if got != want {
		t.Errorf("zeroFill = %s, want %s", got, want)
	}
}
