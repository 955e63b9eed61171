package demogen

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/conductor/reports/domain"
)

// jsonObj appends one JSON object's members in a fixed order: snapshots
// list every field, null when absent, so a version carries the entity's
// whole state. Writing by hand keeps the output byte-stable and the
// generator fast (no reflection).
type jsonObj struct {
	b    []byte
	more bool
}

func (o *jsonObj) open()  { o.b, o.more = append(o.b, '{'), false }
func (o *jsonObj) close() { o.b = append(o.b, '}') }

// key starts a member; k is one of our field names, which need no
// escaping.
func (o *jsonObj) key(k string) {
	if o.more {
		o.b = append(o.b, ',')
	}
	o.more = true
	o.b = append(o.b, '"')
	o.b = append(o.b, k...)
	o.b = append(o.b, '"', ':')
}

func (o *jsonObj) null() { o.b = append(o.b, "null"...) }

// str writes v, or null when v is "".
func (o *jsonObj) str(k, v string) {
	o.key(k)
	if v == "" {
		o.null()
		return
	}
	o.b = appendString(o.b, v)
}

// time writes t in RFC 3339 (UTC), or null when t is zero.
func (o *jsonObj) time(k string, t time.Time) {
	o.key(k)
	if t.IsZero() {
		o.null()
		return
	}
	o.b = append(o.b, '"')
	o.b = t.UTC().AppendFormat(o.b, time.RFC3339Nano)
	o.b = append(o.b, '"')
}

func (o *jsonObj) int(k string, v optInt) {
	o.key(k)
	if !v.ok {
		o.null()
		return
	}
	o.b = strconv.AppendInt(o.b, v.v, 10)
}

// cents writes an amount held in cents as a decimal number: 1234.56.
func (o *jsonObj) cents(k string, v optInt) {
	o.key(k)
	if !v.ok {
		o.null()
		return
	}
	n := v.v
	if n < 0 {
		o.b, n = append(o.b, '-'), -n
	}
	o.b = strconv.AppendInt(o.b, n/100, 10)
	o.b = append(o.b, '.', byte('0'+n%100/10), byte('0'+n%10))
}

func (o *jsonObj) boolean(k string, v bool) {
	o.key(k)
	o.b = strconv.AppendBool(o.b, v)
}

func (o *jsonObj) raw(k string, v []byte) {
	o.key(k)
	o.b = append(o.b, v...)
}

// appendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD,
// as encoding/json does. Runs of plain bytes are copied at once.
func appendString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			if r, size := utf8.DecodeRuneInString(s[i:]); r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
		}
		b = append(b, s[start:i]...)
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			b = append(b, `\ufffd`...)
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// Envelope encodes ev as the JSON envelope modules send (DESIGN.md §4):
// id, tenant_id, source, type, occurred_at, entity_id, version, data. An
// empty TenantID is left out, which is how the missing-tenant fault is
// built. Use it to publish Live's events.
func Envelope(ev domain.Event) []byte {
	data := ev.Data
	if len(data) == 0 {
		data = []byte("{}")
	}
	b := appendEnvelopeHead(make([]byte, 0, 160+len(data)), &ev)
	b = append(b, data...)
	return append(b, '}')
}

// appendEnvelopeHead appends the envelope of ev up to its data value:
// `{"id":...,"version":N,"data":`.
func appendEnvelopeHead(b []byte, ev *domain.Event) []byte {
	o := jsonObj{b: b}
	o.open()
	o.str("id", ev.ID)
	if ev.TenantID != "" {
		o.str("tenant_id", ev.TenantID)
	}
	o.str("source", ev.Source)
	o.str("type", ev.Type)
	o.time("occurred_at", ev.OccurredAt)
	o.str("entity_id", ev.EntityID)
	o.int("version", some(ev.Version))
	o.key("data")
	return o.b
}
