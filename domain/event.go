package domain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Event is one operational event as other Conductor modules emit it
// (DESIGN.md §4). Data carries the entity's full state at Version: fields
// absent from it are null in that version.
type Event struct {
	ID         string          `json:"id"`
	TenantID   string          `json:"tenant_id"`
	Source     string          `json:"source"`
	Type       string          `json:"type"`
	OccurredAt time.Time       `json:"occurred_at"`
	EntityID   string          `json:"entity_id"`
	Version    int64           `json:"version"`
	Data       json.RawMessage `json:"data"`
}

// envelope is the wire form, decoded strictly.
type envelope struct {
	ID         string          `json:"id"`
	TenantID   string          `json:"tenant_id"`
	Source     string          `json:"source"`
	Type       string          `json:"type"`
	OccurredAt string          `json:"occurred_at"`
	EntityID   string          `json:"entity_id"`
	Version    *int64          `json:"version"`
	Data       json.RawMessage `json:"data"`
}

// MaxEventBytes bounds one envelope.
const MaxEventBytes = 64 << 10

// ParseEvent decodes one envelope strictly: unknown top-level fields,
// missing id/tenant_id/source/type/occurred_at and a non-object data are
// invalid errors naming the field. The catalogue checks come after, in
// Catalog.Normalize.
func ParseEvent(raw []byte) (*Event, error) {
	ev, _, err := DecodeEvent(raw)
	return ev, err
}

// DecodeEvent is ParseEvent that also returns Data decoded for
// Catalog.NormalizeData when its fast path decoded it already (nil
// otherwise: NormalizeData then decodes Data itself).
func DecodeEvent(raw []byte) (*Event, map[string]any, error) {
	if len(raw) > MaxEventBytes {
		return nil, nil, Invalid("", "event exceeds %d bytes", MaxEventBytes)
	}
	env, data, fast := parseFast(raw)
	if !fast {
		env = envelope{}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&env); err != nil {
			return nil, nil, envelopeError(err)
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return nil, nil, Invalid("", "an event is exactly one JSON object")
		}
	}
	ev := &Event{ID: env.ID, TenantID: env.TenantID, Source: env.Source, Type: env.Type, EntityID: env.EntityID, Data: env.Data}
	for _, r := range []struct{ field, v string }{{"id", env.ID}, {"tenant_id", env.TenantID}, {"source", env.Source}, {"type", env.Type}} {
		if strings.TrimSpace(r.v) == "" {
			return ev, nil, Invalid(r.field, "is required")
		}
		if len(r.v) > 128 || !utf8.ValidString(r.v) {
			return ev, nil, Invalid(r.field, "must be valid UTF-8 of at most 128 bytes")
		}
	}
	if env.OccurredAt == "" {
		return ev, nil, Invalid("occurred_at", "is required")
	}
	t, err := time.Parse(time.RFC3339Nano, env.OccurredAt)
	if err != nil {
		return ev, nil, Invalid("occurred_at", "must be an RFC 3339 time, got %q", env.OccurredAt)
	}
	ev.OccurredAt = t.UTC()
	if env.Version != nil {
		ev.Version = *env.Version
	}
	if len(bytes.TrimSpace(env.Data)) == 0 || bytes.Equal(bytes.TrimSpace(env.Data), []byte("null")) {
		ev.Data = json.RawMessage(`{}`)
		data = nil
	} else if data == nil && bytes.TrimSpace(env.Data)[0] != '{' {
		return ev, nil, Invalid("data", "must be an object")
	}
	return ev, data, nil
}

func envelopeError(err error) error {
	var typ *json.UnmarshalTypeError
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		return Invalid("", "malformed JSON at byte %d", syn.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return Invalid("", "malformed JSON: truncated")
	case errors.As(err, &typ):
		return Invalid(typ.Field, "must be %s", typ.Type.Kind())
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return Invalid(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), "unknown envelope field")
	}
	return Invalid("", "malformed event: %v", err)
}

// TimeBounds limits how far from the present an event may claim to have
// happened; zero fields take the defaults.
type TimeBounds struct {
	MaxFuture time.Duration // default 1 h (clock skew between modules)
	MaxAge    time.Duration // default 400 days (a year back, for year-on-year)
}

func (b TimeBounds) orDefault() TimeBounds {
	if b.MaxFuture <= 0 {
		b.MaxFuture = time.Hour
	}
	if b.MaxAge <= 0 {
		b.MaxAge = 400 * 24 * time.Hour
	}
	return b
}

// Record is an event checked against the catalogue, its values typed:
// string, int64 (int fields, and decimals in units of 10^-scale), bool and
// time.Time; an absent or null field has no key.
type Record struct {
	Event  *Event
	Source *Source
	Values map[string]any
}

// Normalize checks ev against the catalogue and the time bounds and types
// its data. Every refusal is an invalid error whose field is the JSON path
// of the offending input (`data.priority`), fit for a dead letter.
func (c *Catalog) Normalize(ev *Event, now time.Time, bounds TimeBounds) (*Record, error) {
	return c.NormalizeData(ev, nil, now, bounds)
}

// NormalizeData is Normalize with ev.Data already decoded (DecodeEvent's
// second result); a nil data decodes ev.Data.
func (c *Catalog) NormalizeData(ev *Event, data map[string]any, now time.Time, bounds TimeBounds) (*Record, error) {
	src, ok := c.Source(ev.Source)
	if !ok || src.Kind != SourceEntity {
		return nil, Invalid("source", "unknown source %q", ev.Source)
	}
	if !slices.Contains(src.EventTypes, ev.Type) {
		return nil, Invalid("type", "source %s has no event type %q", src.Name, ev.Type)
	}
	if strings.TrimSpace(ev.EntityID) == "" || len(ev.EntityID) > 128 {
		return nil, Invalid("entity_id", "is required (at most 128 bytes)")
	}
	if ev.Version < 1 {
		return nil, Invalid("version", "must be a positive integer")
	}
	b := bounds.orDefault()
	if ev.OccurredAt.After(now.Add(b.MaxFuture)) {
		return nil, Invalid("occurred_at", "is more than %s in the future", b.MaxFuture)
	}
	if ev.OccurredAt.Before(now.Add(-b.MaxAge)) {
		return nil, Invalid("occurred_at", "is older than %s", b.MaxAge)
	}
	if data == nil {
		var err error
		if data, err = decodeData(ev.Data); err != nil {
			return nil, err
		}
	}
	// Sized for every present field: growing the map entry by entry was the
	// largest allocation of validation.
	rec := &Record{Event: ev, Source: src, Values: make(map[string]any, len(data)+1)}
	rec.Values["id"] = ev.EntityID
	// Unknown fields are reported in name order, so the same event always
	// gets the same reason (map order would pick one at random); names are
	// sorted only when one is unknown.
	known := func(name string) bool {
		f, ok := src.Field(name)
		return ok && (f.Origin == "" || f.Origin == OriginData)
	}
	for name := range data {
		if known(name) {
			continue
		}
		for _, name := range slices.Sorted(maps.Keys(data)) {
			if !known(name) {
				return nil, Invalid("data."+name, "unknown field of source %s", src.Name)
			}
		}
	}
	for i := range src.Fields {
		f := &src.Fields[i]
		if f.Origin != "" && f.Origin != OriginData {
			continue
		}
		raw, present := data[f.Name]
		if !present || raw == nil {
			if f.Required {
				return nil, Invalid("data."+f.Name, "is required")
			}
			continue
		}
		v, err := typedValue(f, raw)
		if err != nil {
			return nil, err
		}
		rec.Values[f.Name] = v
	}
	return rec, nil
}

// decodeData decodes an event's data object (numbers as json.Number).
func decodeData(raw json.RawMessage) (map[string]any, error) {
	data := map[string]any{}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&data); err != nil {
		return nil, Invalid("data", "must be an object")
	}
	return data, nil
}

// typedValue converts one decoded JSON value (UseNumber) to the field's
// Go type.
func typedValue(f *Field, raw any) (any, error) {
	switch f.Type {
	case TypeString:
		s, ok := raw.(string)
		if !ok {
			return nil, Invalid(dataPath(f), "must be a string")
		}
		if s == "" || len(s) > 256 {
			return nil, Invalid(dataPath(f), "must be 1 to 256 bytes")
		}
		if len(f.Values) > 0 && !slices.Contains(f.Values, s) {
			return nil, Invalid(dataPath(f), "must be one of %v, got %q", f.Values, s)
		}
		return raw, nil // the string as decoded, not boxed again
	case TypeBool:
		if _, ok := raw.(bool); !ok {
			return nil, Invalid(dataPath(f), "must be a boolean")
		}
		return raw, nil
	case TypeTime:
		s, ok := raw.(string)
		if !ok {
			return nil, Invalid(dataPath(f), "must be an RFC 3339 time string")
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, Invalid(dataPath(f), "must be an RFC 3339 time, got %q", s)
		}
		return t.UTC(), nil
	case TypeInt, TypeDecimal:
		n, ok := raw.(json.Number)
		if !ok {
			return nil, Invalid(dataPath(f), "must be a number")
		}
		v, err := scaledInt("", string(n), f.Scale)
		if err != nil {
			var de *Error
			if errors.As(err, &de) {
				de.Field = dataPath(f)
			}
			return nil, err
		}
		return v, nil
	}
	return nil, Invalid(dataPath(f), "has an unsupported type")
}

// dataPath is the JSON path of a data field, built only for an error.
func dataPath(f *Field) string { return "data." + f.Name }

// scaledInt parses a JSON number exactly and returns it in units of
// 10^-scale, refusing more precision than the scale keeps. Plain integers
// (the common case) skip the exact rational arithmetic.
func scaledInt(path, s string, scale int) (int64, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && scale == 0 {
		if n > 1<<53 || n < -(1<<53) {
			return 0, Invalid(path, "is out of range")
		}
		return n, nil
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, Invalid(path, "must be a number")
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)))
	if !r.IsInt() {
		if scale == 0 {
			return 0, Invalid(path, "must be an integer")
		}
		return 0, Invalid(path, "must have at most %d decimal places", scale)
	}
	n := r.Num()
	if !n.IsInt64() || n.Int64() > 1<<53 || n.Int64() < -(1<<53) {
		return 0, Invalid(path, "is out of range")
	}
	return n.Int64(), nil
}

// Bucket truncates t (UTC) to a rollup grain: hour, day or month.
func Bucket(t time.Time, grain string) time.Time {
	t = t.UTC()
	switch grain {
	case "hour":
		return t.Truncate(time.Hour)
	case "month":
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Supersedes reports whether an incoming entity version replaces the stored
// one: only a strictly newer version does, so replays and out-of-order
// deliveries never move an entity backwards.
func Supersedes(incoming, stored int64) bool { return incoming > stored }

// DeadLetter is an event refused by validation, kept with its reason and
// raw payload so nothing is dropped silently.
type DeadLetter struct {
	ID         string
	TenantID   string // as claimed by the payload; may be empty
	EventID    string
	Source     string
	Reason     string
	Field      string
	Payload    []byte
	ReceivedAt time.Time
}

// NewDeadLetter records raw refused with err.
func NewDeadLetter(id string, raw []byte, ev *Event, err error, now time.Time) DeadLetter {
	dl := DeadLetter{ID: id, Payload: slices.Clone(raw), ReceivedAt: now.UTC(), Reason: err.Error()}
	var de *Error
	if errors.As(err, &de) {
		dl.Reason, dl.Field = de.Message, de.Field
		if de.Field != "" {
			dl.Reason = de.Field + ": " + de.Message
		}
	}
	if ev != nil {
		dl.TenantID, dl.EventID, dl.Source = ev.TenantID, ev.ID, ev.Source
	}
	return dl
}

// String shows a record's identity for logs.
func (r *Record) String() string {
	return fmt.Sprintf("%s/%s/%s v%d", r.Event.TenantID, r.Source.Name, r.Event.EntityID, r.Event.Version)
}
