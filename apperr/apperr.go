// Package apperr defines the application's error codes. Code anywhere returns
// an *Error; one function in handlers maps its code to an HTTP status and page.
package apperr

import (
	"errors"
	"fmt"
	"time"
)

// Error codes.
const (
	NotFound     = "not_found"
	Invalid      = "invalid"
	Conflict     = "conflict"
	Forbidden    = "forbidden"
	Unauthorized = "unauthorized"
	TooMany      = "too_many"
	TooLarge     = "too_large"
	Unavailable  = "unavailable"
	Internal     = "internal"
	// Insufficient: the server is out of storage (HTTP 507); nothing was saved.
	Insufficient = "insufficient_storage"
)

// Error is an error meant to be shown to a person: Message is safe to display,
// Fields holds one message per form field for invalid input.
type Error struct {
	Code       string
	Message    string
	Fields     map[string]string
	RetryAfter time.Duration // for TooMany and Unavailable: when trying again can work
}

// Error implements the error interface.
func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s %v", e.Code, e.Message, e.Fields)
	}
	return e.Code + ": " + e.Message
}

// New returns an error with a code and a message for people.
func New(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrors returns an invalid-input error with one message per field; it
// returns nil when fields is empty, so validation can end with `return apperr.FieldErrors(f)`.
func FieldErrors(fields map[string]string) error {
	if len(fields) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "Please correct the fields marked below.", Fields: fields}
}

// CodeOf returns the code of err, or Internal for errors that carry none.
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// MessageOf returns the message for people, or a generic one for internal errors.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. Please try again."
}

// FieldsOf returns the per-field messages of an invalid-input error.
func FieldsOf(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Is reports whether err carries code.
func Is(err error, code string) bool { return CodeOf(err) == code }

// RetryAfterOf returns how long to wait before trying again, if err says.
func RetryAfterOf(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}
