// Package domain holds what every part of Saldo's business model shares: the
// domain error type with its semantic kinds. The aggregates live in the
// sub-packages (money, customer, invoice, payment, …).
package domain

import (
	"errors"
	"fmt"
)

// Kind is the semantic class of a domain error; the driving adapters map it to
// a transport status (HTTP 422, 404, 409, …) in one place.
type Kind int

// The kinds of domain errors.
const (
	KindInternal     Kind = iota // a bug or an outage: hidden from callers
	KindInvalid                  // the input breaks a business rule
	KindNotFound                 // the thing asked for does not exist
	KindConflict                 // the request clashes with the current state
	KindForbidden                // the caller may not do this
	KindUnauthorized             // the caller is not known
)

// Error is a domain error: a kind, a stable machine-readable code, a human
// message and optional details (one line per problem).
type Error struct {
	kind    Kind
	code    string
	message string
	details []string
}

// Errorf declares a domain error. The format may hold verbs that New fills in:
//
//	var ErrInvoicePaid = domain.Errorf(domain.KindConflict, "invoice_paid", "invoice %s is already paid")
//	return ErrInvoicePaid.New(number)
func Errorf(kind Kind, code, format string) *Error {
	return &Error{kind: kind, code: code, message: format}
}

// New returns a copy of e with its message formatted with args. The copy still
// matches e under errors.Is.
func (e *Error) New(args ...any) *Error {
	c := *e
	if len(args) > 0 {
		c.message = fmt.Sprintf(e.message, args...)
	}
	c.details = nil
	return &c
}

// WithDetails returns a copy of e carrying the given details.
func (e *Error) WithDetails(details ...string) *Error {
	c := *e
	c.details = append([]string(nil), details...)
	return &c
}

// Error implements error.
func (e *Error) Error() string { return e.message }

// Kind returns the semantic class of the error.
func (e *Error) Kind() Kind { return e.kind }

// Code returns the stable, machine-readable code of the error.
func (e *Error) Code() string { return e.code }

// Message returns the human-readable message.
func (e *Error) Message() string { return e.message }

// Details returns the per-problem details, if any.
func (e *Error) Details() []string { return e.details }

// Is reports whether target is a domain error with the same code, so that a
// formatted copy matches the declared error.
func (e *Error) Is(target error) bool {
	var t *Error
	if !errors.As(target, &t) {
		return false
	}
	return t.code == e.code
}

// Invalid returns a new error of kind KindInvalid with the given code and message.
func Invalid(code, format string, args ...any) *Error {
	return &Error{kind: KindInvalid, code: code, message: fmt.Sprintf(format, args...)}
}

// KindOf returns the kind of the first domain error in err's chain, or
// KindInternal when there is none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.kind
	}
	return KindInternal
}

// Generic errors shared by the aggregates and the adapters.
var (
	ErrNotFound  = Errorf(KindNotFound, "not_found", "%s not found")
	ErrConflict  = Errorf(KindConflict, "conflict", "%s")
	ErrForbidden = Errorf(KindForbidden, "forbidden", "%s")
)
