package domain

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Relative dates are a base and optional signed offsets, e.g. now-30d,
// start_of_month, start_of_week+1d, today-1y: one of relDateBases, then
// any number of [+-]N<unit> with 1-5 digits and a unit of mi (minutes), h,
// d, w, M (months) or y. A hand-written scanner rather than a regular
// expression: every compiled query resolves its time filters, and the
// regexp's matching and submatch slices were a fifth of compile time.
var relDateBases = []string{"now", "today", "start_of_day", "start_of_week", "start_of_month", "start_of_quarter", "start_of_year"}

// splitRelDate returns the base of relative date s and the text of its
// offsets, or ok false when s is not a relative date.
func splitRelDate(s string) (base, offsets string, ok bool) {
	for _, b := range relDateBases {
		if !strings.HasPrefix(s, b) {
			continue // no base is a prefix of another
		}
		for rest := s[len(b):]; rest != ""; {
			if _, _, rest, ok = nextOffset(rest); !ok {
				return "", "", false
			}
		}
		return b, s[len(b):], true
	}
	return "", "", false
}

// nextOffset reads one [+-]N<unit> from the front of s.
func nextOffset(s string) (n int, unit byte, rest string, ok bool) {
	if len(s) < 3 || (s[0] != '+' && s[0] != '-') {
		return 0, 0, "", false
	}
	i := 1
	for i < len(s) && i <= 5 && s[i] >= '0' && s[i] <= '9' {
		n = n*10 + int(s[i]-'0')
		i++
	}
	if i == 1 || i == len(s) || (s[i] >= '0' && s[i] <= '9') {
		return 0, 0, "", false // no digits, no unit, or more than five digits
	}
	if s[0] == '-' {
		n = -n
	}
	switch unit = s[i]; {
	case unit == 'm' && i+1 < len(s) && s[i+1] == 'i':
		return n, 'm', s[i+2:], true
	case strings.IndexByte("hdwMy", unit) >= 0:
		return n, unit, s[i+1:], true
	}
	return 0, 0, "", false
}

// IsRelativeDate reports whether s is a relative date expression.
func IsRelativeDate(s string) bool {
	_, _, ok := splitRelDate(s)
	return ok
}

// ResolveRelativeDate evaluates a relative date at now in loc: bases are
// calendar boundaries in loc (weeks start on Monday), offsets move in
// calendar units (mi minutes, h, d, w, M months, y years).
func ResolveRelativeDate(s string, now time.Time, loc *time.Location) (time.Time, error) {
	base, offsets, ok := splitRelDate(s)
	if !ok {
		return time.Time{}, errorf("%q is not a relative date", s)
	}
	if loc == nil {
		loc = time.UTC
	}
	t := now.In(loc)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	switch base {
	case "today", "start_of_day":
		t = day
	case "start_of_week":
		t = day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	case "start_of_month":
		t = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
	case "start_of_quarter":
		t = time.Date(t.Year(), time.Month((int(t.Month())-1)/3*3+1), 1, 0, 0, 0, 0, loc)
	case "start_of_year":
		t = time.Date(t.Year(), 1, 1, 0, 0, 0, 0, loc)
	}
	for rest := offsets; rest != ""; {
		var n int
		var unit byte
		n, unit, rest, _ = nextOffset(rest)
		switch unit {
		case 'm':
			t = t.Add(time.Duration(n) * time.Minute)
		case 'h':
			t = t.Add(time.Duration(n) * time.Hour)
		case 'd':
			t = t.AddDate(0, 0, n)
		case 'w':
			t = t.AddDate(0, 0, 7*n)
		case 'M':
			t = t.AddDate(0, n, 0)
		case 'y':
			t = t.AddDate(n, 0, 0)
		}
	}
	return t.UTC(), nil
}

// paramValue checks one parameter value: a scalar or a list of scalars.
func paramValue(v any) ([]any, error) {
	if err := checkParam(v); err != nil {
		return nil, err
	}
	if x, ok := v.([]any); ok {
		return x, nil
	}
	return []any{v}, nil
}

func checkParam(v any) error {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if err := checkParam(e); err != nil {
				return err
			}
		}
		return nil
	case string, bool, float64, json.Number, int, int64:
		return nil
	case nil:
		return errorf("must not be null")
	}
	return errorf("must be a string, number, boolean or a list of them")
}

// ResolveValue expands a filter value into its list of scalars,
// substituting "{{name}}" references with params. Every compiled filter
// goes through it, so it appends into one slice.
func ResolveValue(v any, params Params) ([]any, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return appendResolved(make([]any, 0, 1), v, params)
	}
	out := make([]any, 0, len(list))
	for _, x := range list {
		var err error
		if out, err = appendResolved(out, x, params); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// appendResolved appends x, or the value of the parameter it names, to out.
func appendResolved(out []any, x any, params Params) ([]any, error) {
	if s, ok := x.(string); ok && strings.HasPrefix(s, "{{") && strings.HasSuffix(s, "}}") {
		name := strings.TrimSpace(s[2 : len(s)-2])
		p, ok := params[name]
		if !ok {
			return nil, errorf("unknown parameter %q", name)
		}
		x = p
	}
	if err := checkParam(x); err != nil {
		return nil, err
	}
	if xs, ok := x.([]any); ok {
		return append(out, xs...), nil
	}
	return append(out, x), nil
}

// CoerceValue converts a filter value to the field's stored type: strings,
// int64 (decimals in units), bool, or time.Time (RFC 3339 or a relative
// date, resolved at now in loc; with a zero now only the syntax is
// checked).
func CoerceValue(f *Field, v any, now time.Time, loc *time.Location) (any, error) {
	switch f.Type {
	case TypeString:
		switch x := v.(type) {
		case string:
			if len(x) > 256 {
				return nil, errorf("must be at most 256 bytes")
			}
			return x, nil
		case float64, json.Number, int, int64:
			return fmt.Sprint(x), nil // ids typed as numbers
		}
		return nil, errorf("must be a string")
	case TypeBool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, errorf("must be a boolean")
	case TypeInt, TypeDecimal:
		var s string
		switch x := v.(type) {
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, errorf("must be a finite number")
			}
			s = strconv.FormatFloat(x, 'f', -1, 64)
		case json.Number:
			s = string(x)
		case int:
			s = strconv.Itoa(x)
		case int64:
			s = strconv.FormatInt(x, 10)
		default:
			return nil, errorf("must be a number")
		}
		n, err := scaledInt("", s, f.Scale)
		if err != nil {
			var de *Error
			if ok := asDomain(err, &de); ok {
				// The message without the code and the empty field.
				if de.format == "" {
					return nil, errorf("%s", de.Message)
				}
				return nil, &messageError{format: de.format, args: de.args}
			}
			return nil, err
		}
		return n, nil
	case TypeTime:
		s, ok := v.(string)
		if !ok {
			return nil, errorf("must be an RFC 3339 time or a relative date")
		}
		if IsRelativeDate(s) {
			if now.IsZero() {
				return s, nil
			}
			return ResolveRelativeDate(s, now, loc)
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, errorf("must be an RFC 3339 time or a relative date (now-30d, start_of_month...), got %q", s)
		}
		return t.UTC(), nil
	}
	return nil, errorf("unsupported field type")
}

func asDomain(err error, target **Error) bool {
	de, ok := err.(*Error)
	if ok {
		*target = de
	}
	return ok
}
