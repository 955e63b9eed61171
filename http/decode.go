package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	hz "github.com/cloudwego/hertz/pkg/app"

	"github.com/conductor/reports/domain"
)

// decodeJSON decodes the request body strictly into v: a single JSON
// object, no unknown fields, no trailing data. Errors name the field.
func decodeJSON(c *hz.RequestContext, v any) error {
	body := c.Request.Body()
	if len(bytes.TrimSpace(body)) == 0 {
		return domain.Invalid("body", "a JSON body is required")
	}
	if ct := string(c.Request.Header.ContentType()); ct != "" && !strings.Contains(ct, "json") {
		return domain.Invalid("content-type", "must be application/json")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return domain.Invalid("body", "must hold exactly one JSON value")
	}
	return nil
}

// jsonError turns encoding/json errors into invalid errors naming the field.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return domain.Invalid("body", "malformed JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return domain.Invalid(field, "must be %s", jsonKind(typ.Type.Kind().String()))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return domain.Invalid("body", "truncated JSON")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return domain.Invalid(name, "unknown field")
	}
	return domain.Invalid("body", "invalid JSON: %s", err.Error())
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "struct", "map":
		return "an object"
	case "slice", "array":
		return "an array"
	case "int", "int64", "int32", "uint", "uint64", "float64", "float32":
		return "a number"
	}
	return fmt.Sprintf("of type %s", k)
}
