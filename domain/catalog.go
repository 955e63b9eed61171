package domain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// FieldType is the type of a catalogue field's values.
type FieldType string

// Field types. Measures are integer-backed (int, or decimal stored as
// integer units of 10^-scale) so sums are exact on every store.
const (
	TypeString  FieldType = "string"
	TypeInt     FieldType = "int"
	TypeDecimal FieldType = "decimal"
	TypeBool    FieldType = "bool"
	TypeTime    FieldType = "time"
)

// FieldKind says whether a field groups and filters (dimension) or is
// aggregated (measure).
type FieldKind string

// Field kinds.
const (
	KindDimension FieldKind = "dimension"
	KindMeasure   FieldKind = "measure"
)

// SourceKind says whether a source's rows are entities (latest version
// wins) or the raw stream of happenings.
type SourceKind string

// Source kinds.
const (
	SourceEntity SourceKind = "entity"
	SourceStream SourceKind = "stream"
)

// Field origins: where an event carries the value.
const (
	OriginData       = "data" // data.<name>, the default
	OriginEntityID   = "entity_id"
	OriginSource     = "source"
	OriginType       = "type"
	OriginOccurredAt = "occurred_at"
)

// Label is a text in each UI language (pt-BR default, en).
type Label map[string]string

// Field is one column of a source.
type Field struct {
	Name     string    `json:"name"`
	Type     FieldType `json:"type"`
	Kind     FieldKind `json:"kind"`
	Label    Label     `json:"label"`
	Aggs     []string  `json:"aggs"`
	Scope    Dimension `json:"scope,omitempty"`
	Values   []string  `json:"values,omitempty"`
	Scale    int       `json:"scale,omitempty"`
	Required bool      `json:"required,omitempty"`
	Origin   string    `json:"origin,omitempty"`
}

// Hierarchy is a drill-down path: each level is a field, or "field:grain"
// for time levels (year, month, day...).
type Hierarchy struct {
	Name   string   `json:"name"`
	Label  Label    `json:"label"`
	Levels []string `json:"levels"`
}

// Rollup is a pre-aggregation kept by the analytics stores: row counts and
// per-measure sums and non-null counts per time bucket and dimensions. A
// source may declare several: a wide one carrying every scope dimension,
// so scoped principals are answered too, and narrow ones for the common
// dashboard shapes; the planner picks the narrowest that covers a query
// (see PlanRollup).
type Rollup struct {
	Name       string   `json:"name"`
	Grain      string   `json:"grain"` // hour | day | month (UTC buckets)
	TimeField  string   `json:"time_field"`
	Dimensions []string `json:"dimensions"`
	Measures   []string `json:"measures"`
}

// Source is one kind of operational data (tickets, slas, ...).
type Source struct {
	Name        string      `json:"name"`
	Label       Label       `json:"label"`
	Kind        SourceKind  `json:"kind"`
	EventTypes  []string    `json:"event_types"`
	TimeField   string      `json:"time_field"`
	Fields      []Field     `json:"fields"`
	Hierarchies []Hierarchy `json:"hierarchies"`
	Rollups     []Rollup    `json:"rollups"`
}

// Field returns the field called name.
func (s *Source) Field(name string) (*Field, bool) {
	for i := range s.Fields {
		if s.Fields[i].Name == name {
			return &s.Fields[i], true
		}
	}
	return nil, false
}

// ScopeField returns the field carrying scope dimension d, if the source has one.
func (s *Source) ScopeField(d Dimension) (*Field, bool) {
	for i := range s.Fields {
		if s.Fields[i].Scope == d {
			return &s.Fields[i], true
		}
	}
	return nil, false
}

// Catalog is the source catalogue: it drives event validation, the SQL
// compilers and the UI builder.
type Catalog struct {
	Version int      `json:"version"`
	Sources []Source `json:"sources"`
}

// Source returns the source called name.
func (c *Catalog) Source(name string) (*Source, bool) {
	for i := range c.Sources {
		if c.Sources[i].Name == name {
			return &c.Sources[i], true
		}
	}
	return nil, false
}

// EntitySources lists the sources whose rows are entities.
func (c *Catalog) EntitySources() []*Source {
	var out []*Source
	for i := range c.Sources {
		if c.Sources[i].Kind == SourceEntity {
			out = append(out, &c.Sources[i])
		}
	}
	return out
}

// SourceForType returns the entity source that owns an event type.
func (c *Catalog) SourceForType(eventType string) (*Source, bool) {
	for i := range c.Sources {
		if slices.Contains(c.Sources[i].EventTypes, eventType) {
			return &c.Sources[i], true
		}
	}
	return nil, false
}

// isIdent reports whether s is a safe SQL identifier: [a-z][a-z0-9_]{0,62}.
func isIdent(s string) bool {
	if s == "" || len(s) > 63 || !(s[0] >= 'a' && s[0] <= 'z') {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// ParseCatalog decodes and validates a catalogue. Names become SQL
// identifiers, so they are restricted to [a-z][a-z0-9_]*.
func ParseCatalog(b []byte) (*Catalog, error) {
	var c Catalog
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	return &c, nil
}

func (c *Catalog) validate() error {
	seenTypes := map[string]string{}
	names := map[string]bool{}
	rollups := map[string]bool{} // one table per rollup: names are global
	for si := range c.Sources {
		s := &c.Sources[si]
		if !isIdent(s.Name) || names[s.Name] {
			return fmt.Errorf("source %q: bad or duplicate name", s.Name)
		}
		names[s.Name] = true
		if s.Kind != SourceEntity && s.Kind != SourceStream {
			return fmt.Errorf("source %s: kind must be entity or stream", s.Name)
		}
		for _, t := range s.EventTypes {
			if other, dup := seenTypes[t]; dup {
				return fmt.Errorf("event type %s belongs to %s and %s", t, other, s.Name)
			}
			seenTypes[t] = s.Name
		}
		if err := validateFields(s); err != nil {
			return err
		}
		if err := validateHierarchiesAndRollups(s); err != nil {
			return err
		}
		for _, r := range s.Rollups {
			if rollups[r.Name] {
				return fmt.Errorf("rollup %s is declared twice", r.Name)
			}
			rollups[r.Name] = true
		}
	}
	return nil
}

func validateFields(s *Source) error {
	seen := map[string]bool{}
	for _, f := range s.Fields {
		if !isIdent(f.Name) || seen[f.Name] {
			return fmt.Errorf("source %s: bad or duplicate field %q", s.Name, f.Name)
		}
		seen[f.Name] = true
		if !slices.Contains([]FieldType{TypeString, TypeInt, TypeDecimal, TypeBool, TypeTime}, f.Type) {
			return fmt.Errorf("%s.%s: unknown type %q", s.Name, f.Name, f.Type)
		}
		if f.Kind != KindDimension && f.Kind != KindMeasure {
			return fmt.Errorf("%s.%s: kind must be dimension or measure", s.Name, f.Name)
		}
		if f.Kind == KindMeasure && f.Type != TypeInt && f.Type != TypeDecimal {
			return fmt.Errorf("%s.%s: measures are int or decimal", s.Name, f.Name)
		}
		if f.Type == TypeDecimal && (f.Scale < 1 || f.Scale > 6) {
			return fmt.Errorf("%s.%s: decimal scale must be 1-6", s.Name, f.Name)
		}
		if f.Scope != "" && !slices.Contains(Dimensions, f.Scope) {
			return fmt.Errorf("%s.%s: unknown scope dimension %q", s.Name, f.Name, f.Scope)
		}
		switch f.Origin {
		case "", OriginData, OriginEntityID, OriginSource, OriginType, OriginOccurredAt:
		default:
			return fmt.Errorf("%s.%s: unknown origin %q", s.Name, f.Name, f.Origin)
		}
	}
	tf, ok := s.Field(s.TimeField)
	if !ok || tf.Type != TypeTime || !tf.Required {
		return fmt.Errorf("source %s: time_field %q must be a required time field", s.Name, s.TimeField)
	}
	return nil
}

func validateHierarchiesAndRollups(s *Source) error {
	for _, h := range s.Hierarchies {
		if len(h.Levels) < 2 {
			return fmt.Errorf("%s hierarchy %s: needs two levels or more", s.Name, h.Name)
		}
		for _, l := range h.Levels {
			name, _, _ := strings.Cut(l, ":")
			if _, ok := s.Field(name); !ok {
				return fmt.Errorf("%s hierarchy %s: unknown field %s", s.Name, h.Name, name)
			}
		}
	}
	for _, r := range s.Rollups {
		if !isIdent(r.Name) || (r.Grain != "hour" && r.Grain != "day" && r.Grain != "month") {
			return fmt.Errorf("%s rollup %q: bad name or grain", s.Name, r.Name)
		}
		if f, ok := s.Field(r.TimeField); !ok || f.Type != TypeTime {
			return fmt.Errorf("%s rollup %s: time_field must be a time field", s.Name, r.Name)
		}
		for _, d := range r.Dimensions {
			if f, ok := s.Field(d); !ok || f.Kind != KindDimension || f.Type == TypeTime {
				return fmt.Errorf("%s rollup %s: %s is not a non-time dimension", s.Name, r.Name, d)
			}
		}
		for _, m := range r.Measures {
			if f, ok := s.Field(m); !ok || f.Kind != KindMeasure {
				return fmt.Errorf("%s rollup %s: %s is not a measure", s.Name, r.Name, m)
			}
		}
	}
	return nil
}
