package clickhouse

import (
	"time"

	"github.com/conductor/reports/domain"
)

// columns holds one batch in column form, the shape the native protocol
// sends: appending whole typed slices costs a fraction of appending rows
// value by value through reflection, which dominated the client's share of
// an insert.
type columns struct {
	kind        []uint8
	tenant      []string
	eventID     []string
	source      []string
	typ         []string
	occurredAt  []time.Time
	entityID    []string
	version     []int64
	sign        []int8
	ingestedAt  []time.Time
	data        []any // per layout.data column: []*string, []*int64, []*uint8 or []*time.Time
	dlID        []string
	dlReason    []string
	dlField     []string
	dlPayload   []string
	dataColumns []dataColumn
}

// newColumns lays rows out in ingestColumns order.
func newColumns(l *layout, rows []row, ingestedAt time.Time) *columns {
	n := len(rows)
	c := &columns{
		kind: make([]uint8, n), tenant: make([]string, n), eventID: make([]string, n), source: make([]string, n),
		typ: make([]string, n), occurredAt: make([]time.Time, n), entityID: make([]string, n), version: make([]int64, n),
		sign: make([]int8, n), ingestedAt: make([]time.Time, n), data: make([]any, len(l.data)),
		dlID: make([]string, n), dlReason: make([]string, n), dlField: make([]string, n), dlPayload: make([]string, n),
		dataColumns: l.data,
	}
	at := clampTime(ingestedAt)
	for i := range rows {
		r := &rows[i]
		c.kind[i], c.tenant[i], c.eventID[i], c.source[i], c.typ[i] = r.kind, r.tenant, r.eventID, r.source, r.typ
		c.occurredAt[i], c.entityID[i], c.version[i], c.sign[i], c.ingestedAt[i] = clampTime(r.occurredAt), r.entityID, r.version, r.sign, at
		if r.dl != nil {
			c.dlID[i], c.dlReason[i], c.dlField[i], c.dlPayload[i] = r.dl.ID, r.dl.Reason, r.dl.Field, string(r.dl.Payload)
		}
	}
	data := make([]dataCol, len(l.data))
	for j, dc := range l.data {
		data[j] = newDataCol(dc.typ, n)
	}
	// One pass over each row's values: looking every column up in every
	// row's map instead costs a cache miss per cell.
	for i := range rows {
		for name, v := range rows[i].values {
			if j, ok := l.dataIdx[name]; ok {
				data[j].set(i, v)
			}
		}
	}
	for j := range data {
		c.data[j] = data[j].slice()
	}
	return c
}

// dataCol is one nullable data column being filled; unset rows are NULL.
type dataCol interface {
	set(i int, v any)
	slice() any
}

// nullCol keeps its values in one backing array, so a column costs two
// allocations, not one per value.
type nullCol[T any] struct {
	backing []T
	ptrs    []*T
	conv    func(any) (T, bool)
}

func (c *nullCol[T]) set(i int, v any) {
	if x, ok := c.conv(v); ok {
		c.backing[i] = x
		c.ptrs[i] = &c.backing[i]
	}
}

func (c *nullCol[T]) slice() any { return c.ptrs }

func newNullCol[T any](n int, conv func(any) (T, bool)) dataCol {
	return &nullCol[T]{backing: make([]T, n), ptrs: make([]*T, n), conv: conv}
}

// newDataCol makes the column of a catalogue type: []*int64 for ints and
// decimal units, []*uint8 for bools, []*time.Time, []*string.
func newDataCol(t domain.FieldType, n int) dataCol {
	switch t {
	case domain.TypeInt, domain.TypeDecimal:
		return newNullCol(n, func(v any) (int64, bool) { x, ok := v.(int64); return x, ok })
	case domain.TypeBool:
		return newNullCol(n, func(v any) (uint8, bool) {
			x, ok := v.(bool)
			if x {
				return 1, ok
			}
			return 0, ok
		})
	case domain.TypeTime:
		return newNullCol(n, func(v any) (time.Time, bool) {
			x, ok := v.(time.Time)
			return clampTime(x), ok
		})
	}
	return newNullCol(n, func(v any) (string, bool) { x, ok := v.(string); return x, ok })
}

// slices lists the columns in ingestColumns order.
func (c *columns) slices() []any {
	out := []any{c.kind, c.tenant, c.eventID, c.source, c.typ, c.occurredAt, c.entityID, c.version, c.sign, c.ingestedAt}
	out = append(out, c.data...)
	return append(out, c.dlID, c.dlReason, c.dlField, c.dlPayload)
}
