package clickhouse

import (
	"math"
	"strings"
	"time"

	"github.com/conductor/reports/domain"
)

// Time filters. SQLite compares stored milliseconds with the value's
// milliseconds; DateTime holds whole seconds, so a value is rounded per
// operator to keep each comparison's meaning for second-precision data:
// c*1000 > v  <=>  c > floor(v/1000), c*1000 >= v  <=>  c >= ceil(v/1000),
// and an equality with a fractional value never holds. Bounds outside
// DateTime's range become constant conditions instead of wrapping.

// timeFilter compiles a condition on a time column; vals are time.Time.
func (c *queryCompiler) timeFilter(col, op string, vals []any) (string, error) {
	ms := make([]int64, len(vals))
	for i, v := range vals {
		t, ok := v.(time.Time)
		if !ok {
			return "", domain.Invalid("filters", "%s: not a time", col)
		}
		ms[i] = t.UnixMilli()
	}
	switch op {
	case ">":
		return c.timeCmp(col, ">", floorDiv(ms[0], 1000)), nil
	case ">=":
		return c.timeCmp(col, ">=", ceilDiv(ms[0], 1000)), nil
	case "<":
		return c.timeCmp(col, "<", ceilDiv(ms[0], 1000)), nil
	case "<=":
		return c.timeCmp(col, "<=", floorDiv(ms[0], 1000)), nil
	case "BETWEEN":
		if len(ms) != 2 {
			return "", domain.Invalid("filters", "%s: BETWEEN takes [low, high]", col)
		}
		return "(" + c.timeCmp(col, ">=", ceilDiv(ms[0], 1000)) + " AND " + c.timeCmp(col, "<=", floorDiv(ms[1], 1000)) + ")", nil
	}
	// Equalities: only whole seconds inside DateTime's range can match.
	var secs []string
	for _, m := range ms {
		if m%1000 == 0 && m >= 0 && m/1000 <= maxDateTime.Unix() {
			secs = append(secs, c.timeValue(m/1000))
		}
	}
	switch op {
	case "==", "=", "IN":
		if len(secs) == 0 {
			return "0 = 1", nil
		}
		return col + " IN (" + strings.Join(secs, ", ") + ")", nil
	case "!=", "NOT_IN":
		if len(secs) == 0 {
			return "isNotNull(" + col + ")", nil
		}
		return "(isNotNull(" + col + ") AND " + col + " NOT IN (" + strings.Join(secs, ", ") + "))", nil
	}
	return "", domain.Invalid("filters", "unsupported operator %q on a time", op)
}

// timeCmp compares col with the whole second s, constant when s is outside
// DateTime's range [0, max].
func (c *queryCompiler) timeCmp(col, op string, s int64) string {
	lo, hi := int64(0), maxDateTime.Unix()
	all, none := "isNotNull("+col+")", "0 = 1"
	switch op {
	case ">":
		if s < lo {
			return all
		}
		if s >= hi {
			return none
		}
	case ">=":
		if s <= lo {
			return all
		}
		if s > hi {
			return none
		}
	case "<":
		if s <= lo {
			return none
		}
		if s > hi {
			return all
		}
	case "<=":
		if s < lo {
			return none
		}
		if s >= hi {
			return all
		}
	}
	return col + " " + op + " " + c.timeValue(s)
}

// timeValue binds a Unix second as a DateTime('UTC').
func (c *queryCompiler) timeValue(s int64) string {
	return "toDateTime(" + c.bind(s) + ", 'UTC')"
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

func ceilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a > 0 {
		q++
	}
	return q
}

// Result conversions: scanned values (pointers already followed) to the
// result contract of app.QueryResult.

func asInt(v any) any {
	switch x := v.(type) {
	case int64:
		return x
	case uint64:
		return int64(x)
	case float64:
		return int64(x)
	}
	return nil
}

func asFloat(scale float64) func(any) any {
	return func(v any) any {
		switch x := v.(type) {
		case int64:
			return float64(x) / scale
		case float64:
			return x / scale
		}
		return nil
	}
}

func asUTC(v any) any {
	if t, ok := v.(time.Time); ok {
		return t.UTC()
	}
	return nil
}

// localMidnight turns a Date (a local calendar day) into the instant its
// day starts in loc: local midnight, or the end of the DST gap on a day
// whose midnight does not exist (internal/queryref's rule).
func localMidnight(loc *time.Location) func(any) any {
	return func(v any) any {
		t, ok := v.(time.Time)
		if !ok {
			return nil
		}
		y, m, d := t.Date()
		return civilDay{y, m, d}.start(loc)
	}
}

// civilDay is a calendar date.
type civilDay struct {
	y int
	m time.Month
	d int
}

// follows reports whether the day comes after t's date.
func (c civilDay) follows(t time.Time) bool {
	y, m, d := t.Date()
	if y != c.y {
		return y < c.y
	}
	if m != c.m {
		return m < c.m
	}
	return d < c.d
}

// start returns the first instant, in UTC, whose local date in loc is the
// day. time.Date does not promise which instant it picks in a DST gap, so
// the answer is checked and, on gap days, found by bisection over seconds
// (zone transitions fall on whole seconds).
func (c civilDay) start(loc *time.Location) time.Time {
	guess := time.Date(c.y, c.m, c.d, 0, 0, 0, 0, loc)
	if !c.follows(guess.In(loc)) && c.follows(guess.Add(-time.Second).In(loc)) {
		return guess.UTC()
	}
	lo, hi := guess.Unix()-48*3600, guess.Unix()+48*3600 // date before the day at lo, not before at hi
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if c.follows(time.Unix(mid, 0).In(loc)) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return time.Unix(hi, 0).UTC()
}

// fieldValue converts a stored field value to the result contract.
func fieldValue(f *domain.Field) func(any) any {
	switch f.Type {
	case domain.TypeTime:
		return asUTC
	case domain.TypeBool:
		return func(v any) any {
			if n, ok := v.(uint8); ok {
				return n != 0
			}
			return nil
		}
	case domain.TypeDecimal:
		return asFloat(math.Pow10(f.Scale))
	case domain.TypeInt:
		return asInt
	}
	return func(v any) any {
		if s, ok := v.(string); ok {
			return s
		}
		return nil
	}
}
