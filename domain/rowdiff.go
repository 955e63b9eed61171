package domain

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// RowDiff is what changed between two results of the same query: the rows
// to insert or replace and the keys of the rows that are gone. Rows are
// keyed by their first KeyColumns values (the query's groups); a result
// without groups has one row under the empty key.
type RowDiff struct {
	Upsert [][]any
	Delete [][]any
	// Reordered is set when applying Upsert and Delete to the old rows, with
	// new keys appended, would not give the new row order (an ordered top-N
	// whose ranking moved, a new key sorting in the middle): the receiver
	// then also needs the new order of the keys.
	Reordered bool
}

// Empty reports whether nothing changed.
func (d RowDiff) Empty() bool { return len(d.Upsert) == 0 && len(d.Delete) == 0 && !d.Reordered }

// DiffRows compares old and new rows of one query keyed by their first
// keyColumns values. Values are what app.QueryResult carries: string,
// int64, float64, bool, time.Time or nil.
func DiffRows(keyColumns int, old, new [][]any) RowDiff {
	oldIdx := make(map[string]int, len(old))
	for i, r := range old {
		oldIdx[RowKey(keyColumns, r)] = i
	}
	var d RowDiff
	seen := make(map[string]bool, len(new))
	// order of the surviving old keys as the new result lists them
	next := 0
	survivors := make([]string, 0, len(old))
	for _, r := range new {
		k := RowKey(keyColumns, r)
		seen[k] = true
		i, ok := oldIdx[k]
		if !ok {
			d.Upsert = append(d.Upsert, r)
			continue
		}
		survivors = append(survivors, k)
		if !RowsEqual(old[i], r) {
			d.Upsert = append(d.Upsert, r)
		}
	}
	for _, r := range old {
		k := RowKey(keyColumns, r)
		if seen[k] {
			if next < len(survivors) && survivors[next] != k {
				d.Reordered = true
			}
			next++
			continue
		}
		d.Delete = append(d.Delete, r[:min(keyColumns, len(r))])
	}
	if !d.Reordered {
		d.Reordered = newKeysNotLast(keyColumns, oldIdx, new)
	}
	return d
}

// newKeysNotLast reports whether a key absent from the old rows comes
// before a surviving one in the new rows: appending it would misplace it.
func newKeysNotLast(keyColumns int, oldIdx map[string]int, rows [][]any) bool {
	sawNew := false
	for _, r := range rows {
		_, ok := oldIdx[RowKey(keyColumns, r)]
		if !ok {
			sawNew = true
		} else if sawNew {
			return true
		}
	}
	return false
}

// RowKey renders a row's key values as one string; values of different
// types never collide (each is prefixed with its kind).
func RowKey(keyColumns int, row []any) string {
	if keyColumns <= 0 {
		return ""
	}
	var b strings.Builder
	for i := 0; i < keyColumns && i < len(row); i++ {
		if i > 0 {
			b.WriteByte(0)
		}
		writeKeyValue(&b, row[i])
	}
	return b.String()
}

func writeKeyValue(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("n")
	case string:
		b.WriteString("s")
		b.WriteString(x)
	case int64:
		b.WriteString("i")
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		b.WriteString("f")
		b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
	case bool:
		b.WriteString("b")
		b.WriteString(strconv.FormatBool(x))
	case time.Time:
		b.WriteString("t")
		b.WriteString(strconv.FormatInt(x.UnixNano(), 10))
	default:
		b.WriteString("x")
		fmt.Fprint(b, x)
	}
}

// RowsEqual compares two rows value by value; floats are equal when both
// are NaN or they differ by less than one part in 1e12 (a re-aggregation
// may sum in another order).
func RowsEqual(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !valueEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}

func valueEqual(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		if !ok {
			return false
		}
		if math.IsNaN(x) || math.IsNaN(y) {
			return math.IsNaN(x) && math.IsNaN(y)
		}
		return x == y || math.Abs(x-y) <= 1e-12*math.Max(math.Abs(x), math.Abs(y))
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	case nil:
		return b == nil
	default:
		return a == b
	}
}
