package domain

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// relDateRE matches relative dates: a base and optional signed offsets,
// e.g. now-30d, start_of_month, start_of_week+1d, today-1y.
var relDateRE = regexp.MustCompile(`^(now|today|start_of_day|start_of_week|start_of_month|start_of_quarter|start_of_year)((?:[+-]\d{1,5}(?:mi|h|d|w|M|y))*)$`)
var offsetRE = regexp.MustCompile(`([+-])(\d{1,5})(mi|h|d|w|M|y)`)

// IsRelativeDate reports whether s is a relative date expression.
func IsRelativeDate(s string) bool { return relDateRE.MatchString(s) }

// ResolveRelativeDate evaluates a relative date at now in loc: bases are
// calendar boundaries in loc (weeks start on Monday), offsets move in
// calendar units (mi minutes, h, d, w, M months, y years).
func ResolveRelativeDate(s string, now time.Time, loc *time.Location) (time.Time, error) {
	m := relDateRE.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, fmt.Errorf("%q is not a relative date", s)
	}
	if loc == nil {
		loc = time.UTC
	}
	t := now.In(loc)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	switch m[1] {
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
	for _, o := range offsetRE.FindAllStringSubmatch(m[2], -1) {
		n, _ := strconv.Atoi(o[2])
		if o[1] == "-" {
			n = -n
		}
		switch o[3] {
		case "mi":
			t = t.Add(time.Duration(n) * time.Minute)
		case "h":
			t = t.Add(time.Duration(n) * time.Hour)
		case "d":
			t = t.AddDate(0, 0, n)
		case "w":
			t = t.AddDate(0, 0, 7*n)
		case "M":
			t = t.AddDate(0, n, 0)
		case "y":
			t = t.AddDate(n, 0, 0)
		}
	}
	return t.UTC(), nil
}

// paramValue checks one parameter value: a scalar or a list of scalars.
func paramValue(v any) ([]any, error) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if _, err := paramValue(e); err != nil {
				return nil, err
			}
		}
		return x, nil
	case string, bool, float64, json.Number, int, int64:
		return []any{x}, nil
	case nil:
		return nil, fmt.Errorf("must not be null")
	}
	return nil, fmt.Errorf("must be a string, number, boolean or a list of them")
}

// ResolveValue expands a filter value into its list of scalars,
// substituting "{{name}}" references with params.
func ResolveValue(v any, params Params) ([]any, error) {
	expand := func(x any) ([]any, error) {
		s, ok := x.(string)
		if !ok || !strings.HasPrefix(s, "{{") || !strings.HasSuffix(s, "}}") {
			return paramValue(x)
		}
		name := strings.TrimSpace(s[2 : len(s)-2])
		p, ok := params[name]
		if !ok {
			return nil, fmt.Errorf("unknown parameter %q", name)
		}
		return paramValue(p)
	}
	if v == nil {
		return nil, nil
	}
	if list, ok := v.([]any); ok {
		var out []any
		for _, x := range list {
			xs, err := expand(x)
			if err != nil {
				return nil, err
			}
			out = append(out, xs...)
		}
		return out, nil
	}
	return expand(v)
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
				return nil, fmt.Errorf("must be at most 256 bytes")
			}
			return x, nil
		case float64, json.Number, int, int64:
			return fmt.Sprint(x), nil // ids typed as numbers
		}
		return nil, fmt.Errorf("must be a string")
	case TypeBool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, fmt.Errorf("must be a boolean")
	case TypeInt, TypeDecimal:
		var s string
		switch x := v.(type) {
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("must be a finite number")
			}
			s = strconv.FormatFloat(x, 'f', -1, 64)
		case json.Number:
			s = string(x)
		case int:
			s = strconv.Itoa(x)
		case int64:
			s = strconv.FormatInt(x, 10)
		default:
			return nil, fmt.Errorf("must be a number")
		}
		n, err := scaledInt("", s, f.Scale)
		if err != nil {
			var de *Error
			if ok := asDomain(err, &de); ok {
				return nil, fmt.Errorf("%s", de.Message)
			}
			return nil, err
		}
		return n, nil
	case TypeTime:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("must be an RFC 3339 time or a relative date")
		}
		if IsRelativeDate(s) {
			if now.IsZero() {
				return s, nil
			}
			return ResolveRelativeDate(s, now, loc)
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, fmt.Errorf("must be an RFC 3339 time or a relative date (now-30d, start_of_month...), got %q", s)
		}
		return t.UTC(), nil
	}
	return nil, fmt.Errorf("unsupported field type")
}

func asDomain(err error, target **Error) bool {
	de, ok := err.(*Error)
	if ok {
		*target = de
	}
	return ok
}
