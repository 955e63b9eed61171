// Package domain holds the pure rules of Conductor Reports: entities, value
// objects, authorisation and data-scope decisions. It performs no I/O, reads no
// clock (time is passed in) and imports nothing of ours.
package domain

import (
	"errors"
	"fmt"
)

// Code classifies an Error; the HTTP edge maps each code to one status.
type Code string

// The error codes every layer speaks.
const (
	CodeInvalid         Code = "invalid"
	CodeNotFound        Code = "not_found"
	CodeForbidden       Code = "forbidden"
	CodeConflict        Code = "conflict"
	CodeUnauthenticated Code = "unauthenticated"
	CodeRateLimited     Code = "rate_limited"
	CodeGone            Code = "gone"
	CodeTooLarge        Code = "too_large"
	CodeUnavailable     Code = "unavailable"
	CodeInternal        Code = "internal"
)

// Error is the one error type that crosses layers. Message is safe to show to
// the client; Field names the offending input (a JSON path) when there is one.
type Error struct {
	Code    Code
	Message string
	Field   string

	// format and args are what Message was built from (English), kept so
	// MessageIn can render the message in the reader's language.
	format string
	args   []any
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf builds an Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), format: format, args: args}
}

// Invalid reports bad input in field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: fmt.Sprintf(format, args...), format: format, args: args}
}

// NotFound reports a missing object, or one the caller may not know exists.
func NotFound(what string) *Error {
	return &Error{Code: CodeNotFound, Message: what + " not found", format: notFoundFormat, args: []any{Noun(what)}}
}

// Forbidden reports a visible object the caller may not act on that way.
func Forbidden(format string, args ...any) *Error {
	return &Error{Code: CodeForbidden, Message: fmt.Sprintf(format, args...), format: format, args: args}
}

// Conflict reports a uniqueness or version clash.
func Conflict(format string, args ...any) *Error {
	return &Error{Code: CodeConflict, Message: fmt.Sprintf(format, args...), format: format, args: args}
}

// ErrorCode returns the Code of err, CodeInternal for foreign errors and ""
// for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var de *Error
	if errors.As(err, &de) {
		return de.Code
	}
	return CodeInternal
}

// IsCode reports whether err carries code.
func IsCode(err error, code Code) bool { return ErrorCode(err) == code }

// VersionConflictError reports an optimistic-concurrency clash: the caller
// edited version Expected of an object that is now at Current, so its
// change would silently overwrite someone else's. It reads as a conflict
// Error on the version field (errors.As), and carries Current so an editor
// can reload and merge.
type VersionConflictError struct {
	What     string
	Expected int64
	Current  int64
}

func (e *VersionConflictError) Error() string {
	return fmt.Sprintf("conflict: %s is at version %d, not %d (version)", e.What, e.Current, e.Expected)
}

// As makes a VersionConflictError read as a conflict domain.Error.
func (e *VersionConflictError) As(target any) bool {
	if t, ok := target.(**Error); ok {
		const format = "%s was changed by someone else (now at version %d); reload and retry"
		args := []any{Noun(e.What), e.Current}
		*t = &Error{Code: CodeConflict, Field: "version", Message: fmt.Sprintf(format, args...), format: format, args: args}
		return true
	}
	return false
}
