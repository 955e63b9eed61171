package domain

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// applyDiff does what a realtime client does with a delta.
func applyDiff(keyColumns int, old [][]any, d RowDiff, newOrder []string) [][]any {
	out := slices.Clone(old)
	for _, k := range d.Delete {
		key := RowKey(keyColumns, k)
		out = slices.DeleteFunc(out, func(r []any) bool { return RowKey(keyColumns, r) == key })
	}
	for _, u := range d.Upsert {
		key := RowKey(keyColumns, u)
		if i := slices.IndexFunc(out, func(r []any) bool { return RowKey(keyColumns, r) == key }); i >= 0 {
			out[i] = u
		} else {
			out = append(out, u)
		}
	}
	if d.Reordered {
		slices.SortStableFunc(out, func(a, b []any) int {
			return slices.Index(newOrder, RowKey(keyColumns, a)) - slices.Index(newOrder, RowKey(keyColumns, b))
		})
	}
	return out
}

func randomRows(r *rand.Rand) [][]any {
	keys := []string{"open", "closed", "pending", "resolved", "new"}
	r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	var rows [][]any
	for _, k := range keys[:r.IntN(len(keys)+1)] {
		rows = append(rows, []any{k, int64(r.IntN(3)), float64(r.IntN(2)) / 4})
	}
	return rows
}

func TestDiffRowsAppliedGivesTheNewRows(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for i := range 5000 {
		old, next := randomRows(r), randomRows(r)
		d := DiffRows(1, old, next)
		var order []string
		for _, row := range next {
			order = append(order, RowKey(1, row))
		}
		got := applyDiff(1, old, d, order)
		if len(got) != len(next) {
			t.Fatalf("case %d: %v -> %v via %+v gave %v", i, old, next, d, got)
		}
		for j := range got {
			if !RowsEqual(got[j], next[j]) {
				t.Fatalf("case %d: %v -> %v via %+v gave %v", i, old, next, d, got)
			}
		}
		if same := DiffRows(1, next, slices.Clone(next)); !same.Empty() {
			t.Fatalf("case %d: identical results differ: %+v", i, same)
		}
	}
}

func TestRowKeysAndEquality(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		a, b         []any
		keyEq, rowEq bool
	}{
		{[]any{"1", int64(1)}, []any{int64(1), int64(1)}, false, false},
		{[]any{nil, 1.0}, []any{"", 1.0}, false, false},
		{[]any{at, 0.1 + 0.2}, []any{at.In(time.FixedZone("x", 3600)), 0.3}, true, true},
		{[]any{true, int64(2)}, []any{true, int64(3)}, true, false},
		{[]any{"a", 1.5}, []any{"a", 1.5}, true, true},
	}
	for i, c := range cases {
		if got := RowKey(1, c.a) == RowKey(1, c.b); got != c.keyEq {
			t.Errorf("case %d: key equal = %v", i, got)
		}
		if got := RowsEqual(c.a, c.b); got != c.rowEq {
			t.Errorf("case %d: rows equal = %v", i, got)
		}
	}
	if RowKey(0, []any{"x"}) != "" {
		t.Error("a result without groups has one row under the empty key")
	}
}
