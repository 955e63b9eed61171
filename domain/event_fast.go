package domain

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/valyala/fastjson"
)

// The fast path of ParseEvent. encoding/json's Decoder (strict fields,
// UseNumber) was the largest share of the ingest's CPU: two decoders per
// event, one for the envelope and one for data into a map, 68 allocations.
// fastjson parses the envelope once into a reused arena; this file accepts
// only the plain shape every producer sends and answers "not sure" for
// anything else, which encoding/json then decides exactly as before, with
// its own error. So an event is refused, or accepted with the same values,
// whichever path took it (FuzzParseEventPaths and
// TestParseEventPathsAgree hold the two to that).
//
// What the fast path leaves to encoding/json: any backslash in the payload
// (escapes; encoding/json replaces lone surrogates, fastjson does not), a
// string holding a control character or invalid UTF-8 (encoding/json
// rejects the one and replaces the other), an envelope key that is not
// exactly one of the envelope's names (encoding/json matches them
// case-insensitively and names the unknown one), a null or a value of the
// wrong type in an envelope field, a number that is not JSON's grammar
// (fastjson's parser also takes NaN, Inf, +1 and 01), and data values that
// are objects or arrays.

var fastParsers fastjson.ParserPool

// parseFast decodes raw when it is a plain envelope; ok is false when
// encoding/json must decide. It returns the envelope and data decoded as
// json.Decoder with UseNumber would (nil when data is null or absent).
func parseFast(raw []byte) (env envelope, data map[string]any, ok bool) {
	if bytes.IndexByte(raw, '\\') >= 0 {
		return env, nil, false
	}
	p := fastParsers.Get()
	defer fastParsers.Put(p)
	v, err := p.ParseBytes(raw)
	if err != nil || v.Type() != fastjson.TypeObject {
		return env, nil, false
	}
	o, _ := v.Object()
	ok = true
	var dataObj *fastjson.Object
	var num []byte
	o.Visit(func(k []byte, v *fastjson.Value) {
		if !ok {
			return
		}
		switch string(k) {
		case "id":
			ok = fastString(v, &env.ID)
		case "tenant_id":
			ok = fastString(v, &env.TenantID)
		case "source":
			ok = fastString(v, &env.Source)
		case "type":
			ok = fastString(v, &env.Type)
		case "occurred_at":
			ok = fastString(v, &env.OccurredAt)
		case "entity_id":
			ok = fastString(v, &env.EntityID)
		case "version":
			switch v.Type() {
			case fastjson.TypeNull:
				env.Version = nil
			case fastjson.TypeNumber:
				num = v.MarshalTo(num[:0])
				n, err := strconv.ParseInt(string(num), 10, 64)
				if err != nil || !isJSONNumber(num) {
					ok = false
					return
				}
				env.Version = &n
			default:
				ok = false
			}
		case "data":
			switch v.Type() {
			case fastjson.TypeNull:
				dataObj = nil
			case fastjson.TypeObject:
				dataObj, _ = v.Object()
			default:
				ok = false
			}
		default:
			ok = false
		}
	})
	if !ok || dataObj == nil {
		return env, nil, ok
	}
	data = make(map[string]any, dataObj.Len())
	dataObj.Visit(func(k []byte, v *fastjson.Value) {
		if !ok {
			return
		}
		if !plainString(k) {
			ok = false
			return
		}
		switch v.Type() {
		case fastjson.TypeNull:
			data[string(k)] = nil
		case fastjson.TypeTrue:
			data[string(k)] = true
		case fastjson.TypeFalse:
			data[string(k)] = false
		case fastjson.TypeString:
			s, _ := v.StringBytes()
			if !plainString(s) {
				ok = false
				return
			}
			data[string(k)] = string(s)
		case fastjson.TypeNumber:
			num = v.MarshalTo(num[:0])
			if !isJSONNumber(num) {
				ok = false
				return
			}
			data[string(k)] = json.Number(num)
		default:
			ok = false
		}
	})
	if !ok {
		return env, nil, false
	}
	// Event.Data keeps the data object's JSON, as the slow path does
	// (compact: re-encoded from the parse, which has no escapes to redo).
	env.Data = dataObj.MarshalTo(make([]byte, 0, 256))
	return env, data, true
}

// fastString stores a plain JSON string value into dst.
func fastString(v *fastjson.Value, dst *string) bool {
	if v.Type() != fastjson.TypeString {
		return false
	}
	s, _ := v.StringBytes()
	if !plainString(s) {
		return false
	}
	*dst = string(s)
	return true
}

// plainString reports whether a string's raw bytes (no escapes) are what
// encoding/json would decode unchanged: valid UTF-8 without control
// characters.
func plainString(s []byte) bool {
	for _, c := range s {
		if c < 0x20 {
			return false
		}
	}
	return utf8.Valid(s)
}

// isJSONNumber reports whether s is a number in JSON's grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func isJSONNumber(s []byte) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i == len(s) || s[i] < '0' || s[i] > '9' {
			return false
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i == len(s) || s[i] < '0' || s[i] > '9' {
			return false
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	return i == len(s)
}
