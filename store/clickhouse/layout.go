package clickhouse

import (
	"fmt"
	"slices"
	"time"

	"github.com/conductor/reports/domain"
)

// Row kinds of an_ingest: what each row of a batch's single insert is.
const (
	kindEvent      uint8 = 1 // a new event: feeds an_events and its rollup
	kindEntity     uint8 = 2 // an entity state row with sign -1 or +1
	kindDeadLetter uint8 = 3 // a refused event
)

// metaColumns lead every an_ingest row, before the catalogue's data columns.
var metaColumns = []string{"row_kind", "tenant_id", "event_id", "source", "type", "occurred_at",
	"entity_id", "version", "sign", "ingested_at"}

// deadLetterColumns close every an_ingest row; empty unless row_kind is 3.
var deadLetterColumns = []string{"dl_id", "dl_reason", "dl_field", "dl_payload"}

// dataColumn is one catalogue field as a column of an_ingest. Fields of the
// same name in several sources share the column, so they must share a type.
type dataColumn struct {
	name string
	typ  domain.FieldType
}

// sourceLayout is one entity source's state table: an_<name>.
type sourceLayout struct {
	src      *domain.Source
	fields   []*domain.Field // data fields in catalogue order, without id
	measures []*domain.Field
}

// table is the state table's name; catalogue names are SQL identifiers.
func (s *sourceLayout) table() string { return "an_" + s.src.Name }

// layout is the column plan derived from the catalogue at Open: the SQL the
// adapter writes and reads is built from it, never from input.
type layout struct {
	data    []dataColumn
	dataIdx map[string]int
	sources map[string]*sourceLayout // entity sources by name
	order   []*sourceLayout          // entity sources in catalogue order
	stream  *domain.Source           // the events source, if the catalogue has one
}

// newLayout derives the layout, refusing a catalogue the ingest table cannot
// hold: one field name with two types across sources.
func newLayout(cat *domain.Catalog) (*layout, error) {
	l := &layout{dataIdx: map[string]int{}, sources: map[string]*sourceLayout{}}
	for i := range cat.Sources {
		src := &cat.Sources[i]
		if src.Kind == domain.SourceStream {
			if l.stream != nil {
				return nil, fmt.Errorf("catalog has two stream sources, %s and %s", l.stream.Name, src.Name)
			}
			l.stream = src
		}
		sl := &sourceLayout{src: src}
		for j := range src.Fields {
			f := &src.Fields[j]
			if !fromData(f) {
				continue
			}
			if err := l.addData(src, f); err != nil {
				return nil, err
			}
			sl.fields = append(sl.fields, f)
			if f.Kind == domain.KindMeasure {
				sl.measures = append(sl.measures, f)
			}
		}
		if src.Kind == domain.SourceEntity {
			l.sources[src.Name] = sl
			l.order = append(l.order, sl)
		}
	}
	return l, nil
}

func (l *layout) addData(src *domain.Source, f *domain.Field) error {
	if i, ok := l.dataIdx[f.Name]; ok {
		if l.data[i].typ != f.Type {
			return fmt.Errorf("catalog field %s is %s in %s but %s elsewhere: an_ingest has one column per name",
				f.Name, f.Type, src.Name, l.data[i].typ)
		}
		return nil
	}
	if slices.Contains(metaColumns, f.Name) || slices.Contains(deadLetterColumns, f.Name) {
		return fmt.Errorf("catalog field %s.%s collides with an an_ingest column", src.Name, f.Name)
	}
	l.dataIdx[f.Name] = len(l.data)
	l.data = append(l.data, dataColumn{name: f.Name, typ: f.Type})
	return nil
}

// fromData reports whether an event carries f in its data object (the
// others come from the envelope: entity id, source, type, time).
func fromData(f *domain.Field) bool { return f.Origin == "" || f.Origin == domain.OriginData }

// ingestColumns lists an_ingest's insert columns in append order.
func (l *layout) ingestColumns() []string {
	cols := slices.Clone(metaColumns)
	for _, c := range l.data {
		cols = append(cols, c.name)
	}
	return append(cols, deadLetterColumns...)
}

// chType is the ClickHouse type of a catalogue type. Decimals are Int64
// units of 10^-scale, as domain.Record holds them, so sums stay exact.
func chType(t domain.FieldType) string {
	switch t {
	case domain.TypeInt, domain.TypeDecimal:
		return "Int64"
	case domain.TypeBool:
		return "UInt8"
	case domain.TypeTime:
		return "DateTime('UTC')"
	}
	return "String"
}

// nullable wraps t unless the field is required.
func nullable(t string, required bool) string {
	if required {
		return t
	}
	return "Nullable(" + t + ")"
}

// DateTime is an unsigned 32-bit count of seconds: these are its bounds.
var (
	minDateTime = time.Unix(0, 0).UTC()
	maxDateTime = time.Unix(1<<32-1, 0).UTC()
)

// clampTime keeps t inside DateTime's range. The domain does not bound the
// time fields of event data, and a value the column cannot hold would make
// the whole batch fail on every retry, stalling ingest; clamping is the
// lesser harm (a ticket "created" in 1900 counts as created in 1970).
func clampTime(t time.Time) time.Time {
	switch {
	case t.Before(minDateTime):
		return minDateTime
	case t.After(maxDateTime):
		return maxDateTime
	}
	return t.UTC().Truncate(time.Second)
}

// rollupLayout is one rollup of the catalogue: an_rollup_<name>.
type rollupLayout struct {
	src    *domain.Source
	rollup *domain.Rollup
	dims   []*domain.Field
	time   *domain.Field
}

func (r *rollupLayout) table() string { return "an_rollup_" + r.rollup.Name }

// rawTable is the table the rollup aggregates: entity state or the stream.
func (r *rollupLayout) rawTable() string {
	if r.src.Kind == domain.SourceStream {
		return "an_events"
	}
	return "an_" + r.src.Name
}

// rollups lists every rollup of the catalogue, sources in catalogue order.
func (l *layout) rollups() []*rollupLayout {
	var out []*rollupLayout
	srcs := make([]*domain.Source, 0, len(l.order)+1)
	for _, sl := range l.order {
		srcs = append(srcs, sl.src)
	}
	if l.stream != nil {
		srcs = append(srcs, l.stream)
	}
	for _, src := range srcs {
		for i := range src.Rollups {
			r := &rollupLayout{src: src, rollup: &src.Rollups[i]}
			r.time, _ = src.Field(r.rollup.TimeField)
			for _, d := range r.rollup.Dimensions {
				f, _ := src.Field(d)
				r.dims = append(r.dims, f)
			}
			out = append(out, r)
		}
	}
	return out
}

// rawColumn is the column of the raw table that holds field f: the stream
// keeps the envelope's entity id as entity_id, entity tables as id.
func rawColumn(src *domain.Source, f *domain.Field) string {
	if src.Kind == domain.SourceStream && f.Origin == domain.OriginEntityID {
		return "entity_id"
	}
	return f.Name
}

// dimExpr is the rollup form of a dimension: empty for null, 'true'/'false'
// for booleans, text for numbers. It mirrors the materialized views of
// schema/clickhouse, which VerifyRollups checks against.
func dimExpr(src *domain.Source, f *domain.Field) string {
	col := rawColumn(src, f)
	nullableCol := !f.Required && fromData(f)
	switch {
	case f.Type == domain.TypeBool && nullableCol:
		return "if(isNull(" + col + "), '', if(assumeNotNull(" + col + ") = 1, 'true', 'false'))"
	case f.Type == domain.TypeBool:
		return "if(" + col + " = 1, 'true', 'false')"
	case f.Type != domain.TypeString && nullableCol:
		return "ifNull(toString(" + col + "), '')"
	case f.Type != domain.TypeString:
		return "toString(" + col + ")"
	case nullableCol:
		return "ifNull(" + col + ", '')"
	}
	return col
}

// bucketExpr truncates the rollup's time field to its grain.
func (r *rollupLayout) bucketExpr() string {
	col := rawColumn(r.src, r.time)
	if !r.time.Required && fromData(r.time) {
		col = "assumeNotNull(" + col + ")"
	}
	switch r.rollup.Grain {
	case "hour":
		return "toStartOfHour(" + col + ")"
	case "month":
		// toStartOfMonth gives a Date; the bucket column is a DateTime.
		return "toDateTime(toStartOfMonth(" + col + "), 'UTC')"
	}
	return "toStartOfDay(" + col + ")"
}
