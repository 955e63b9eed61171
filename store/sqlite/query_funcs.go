package sqlite

import (
	"database/sql/driver"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"modernc.org/sqlite"
)

// Go functions the query compiler uses, registered on the driver once,
// before any connection opens: SQLite has neither a time-zone database
// nor a percentile aggregate.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("tz_bucket", 3, tzBucket)
	if err := sqlite.RegisterFunction("percentile_cont", &sqlite.FunctionImpl{NArgs: 2, Deterministic: true,
		MakeAggregate: func(sqlite.FunctionContext) (sqlite.AggregateFunction, error) { return &percentile{}, nil }}); err != nil {
		panic(err)
	}
}

var zones sync.Map // name -> *time.Location

func zone(name string) (*time.Location, error) {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, l)
	return l, nil
}

// BucketStart truncates t to grain in loc (weeks start on Monday) and
// returns the bucket's start in UTC.
func BucketStart(t time.Time, grain string, loc *time.Location) time.Time {
	t = t.In(loc)
	day := dayStart(t.Year(), t.Month(), t.Day(), loc)
	switch grain {
	case "hour":
		// Step back over the local minutes and seconds: right for
		// half-hour zones, and a repeated hour (DST end) keeps t's offset.
		return t.Add(-time.Duration(t.Minute())*time.Minute - time.Duration(t.Second())*time.Second - time.Duration(t.Nanosecond())).UTC()
	case "week":
		monday := time.Date(t.Year(), t.Month(), t.Day()-(int(t.Weekday())+6)%7, 12, 0, 0, 0, loc)
		day = dayStart(monday.Year(), monday.Month(), monday.Day(), loc)
	case "month":
		day = dayStart(t.Year(), t.Month(), 1, loc)
	case "quarter":
		day = dayStart(t.Year(), time.Month((int(t.Month())-1)/3*3+1), 1, loc)
	case "year":
		day = dayStart(t.Year(), 1, 1, loc)
	}
	return day.UTC()
}

// dayStart is the first instant of a local date. Where DST skips
// midnight (São Paulo, 2018-11-04 began at 01:00), time.Date may land on
// the previous evening; step forward to the first instant of the date.
func dayStart(y int, m time.Month, d int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	for i := 0; i < 16 && t.Day() != d; i++ {
		t = t.Add(15 * time.Minute)
		t = t.In(loc)
		t = t.Truncate(15 * time.Minute)
	}
	return t
}

// tzBucket(ms, grain, zone) -> the bucket's start in Unix ms.
func tzBucket(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	ms, ok := args[0].(int64)
	if !ok {
		return nil, nil // NULL times make a NULL bucket
	}
	grain, _ := args[1].(string)
	name, _ := args[2].(string)
	loc, err := zone(name)
	if err != nil {
		return nil, fmt.Errorf("tz_bucket: %w", err)
	}
	return BucketStart(time.UnixMilli(ms), grain, loc).UnixMilli(), nil
}

// percentile is percentile_cont(value, p): linear interpolation between
// the closest ranks of the non-NULL values.
type percentile struct {
	vals []float64
	p    float64
}

func (a *percentile) Step(_ *sqlite.FunctionContext, args []driver.Value) error {
	switch v := args[0].(type) {
	case int64:
		a.vals = append(a.vals, float64(v))
	case float64:
		a.vals = append(a.vals, v)
	}
	if p, ok := args[1].(float64); ok {
		a.p = p
	}
	return nil
}

func (a *percentile) WindowInverse(*sqlite.FunctionContext, []driver.Value) error {
	return fmt.Errorf("percentile_cont is not a window function")
}

// WindowValue returns the aggregate's value (SQLite calls it for the final
// value too).
func (a *percentile) WindowValue(*sqlite.FunctionContext) (driver.Value, error) {
	if len(a.vals) == 0 {
		return nil, nil
	}
	slices.Sort(a.vals)
	return Percentile(a.vals, a.p), nil
}

// Final releases the collected values.
func (a *percentile) Final(*sqlite.FunctionContext) { a.vals = nil }

// Percentile interpolates linearly between closest ranks of sorted vs.
func Percentile(sorted []float64, p float64) float64 {
	pos := p * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(sorted)-1)
	return sorted[lo] + (pos-float64(lo))*(sorted[hi]-sorted[lo])
}
