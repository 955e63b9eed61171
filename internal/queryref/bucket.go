package queryref

import (
	"fmt"
	"time"
)

// civilDate is a calendar date in some zone.
type civilDate struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) civilDate {
	y, m, d := t.Date()
	return civilDate{y, m, d}
}

// before reports whether a is an earlier date than b.
func (a civilDate) before(b civilDate) bool {
	if a.y != b.y {
		return a.y < b.y
	}
	if a.m != b.m {
		return a.m < b.m
	}
	return a.d < b.d
}

// bucketer computes time buckets in one zone, remembering day starts.
type bucketer struct {
	loc  *time.Location
	days map[civilDate]time.Time
}

func newBucketer(loc *time.Location) *bucketer {
	return &bucketer{loc: loc, days: map[civilDate]time.Time{}}
}

// bucket returns the start (UTC) of the bucket of t at granularity g.
func (b *bucketer) bucket(t time.Time, g string) (time.Time, error) {
	lt := t.In(b.loc)
	d := dateOf(lt)
	switch g {
	case "hour":
		// Subtracting the local minutes keeps repeated hours (a DST fall
		// back) apart: each is its own instant.
		since := time.Duration(lt.Minute())*time.Minute + time.Duration(lt.Second())*time.Second + time.Duration(lt.Nanosecond())
		return t.Add(-since).UTC(), nil
	case "day":
	case "week":
		d = shift(d, -((int(lt.Weekday()) + 6) % 7))
	case "month":
		d.d = 1
	case "quarter":
		d.m, d.d = (d.m-1)/3*3+1, 1
	case "year":
		d.m, d.d = 1, 1
	default:
		return time.Time{}, fmt.Errorf("unknown granularity %q", g)
	}
	return b.dayStart(d), nil
}

// shift moves a date by n days on the proleptic calendar.
func shift(d civilDate, n int) civilDate {
	return dateOf(time.Date(d.y, d.m, d.d+n, 12, 0, 0, 0, time.UTC))
}

// dayStart is the first instant whose local date is d: local midnight,
// or the end of the DST gap when midnight does not exist that day. It
// searches by the second (zone transitions fall on whole seconds) because
// time.Date does not promise which instant it picks in a gap or overlap.
func (b *bucketer) dayStart(d civilDate) time.Time {
	if t, ok := b.days[d]; ok {
		return t
	}
	guess := time.Date(d.y, d.m, d.d, 0, 0, 0, 0, b.loc).Unix()
	lo, hi := guess-48*3600, guess+48*3600 // local date before d at lo, at or after d at hi
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if dateOf(time.Unix(mid, 0).In(b.loc)).before(d) {
			lo = mid
		} else {
			hi = mid
		}
	}
	t := time.Unix(hi, 0).UTC()
	b.days[d] = t
	return t
}
