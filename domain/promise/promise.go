// Package promise implements the Promise aggregate: a customer's promise to
// pay an amount by a date, recorded by an agent. While it is pending it
// pauses the customer's reminders until the end of the promised day in the
// organization's time zone; then it is kept (paid enough) or broken.
package promise

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/money"
)

// MaxNote is the longest note a promise keeps, in characters.
const MaxNote = 500

// Errors returned by the promise aggregate.
var (
	ErrNotFound        = domain.Errorf(domain.KindNotFound, "promise_not_found", "promise %s not found")
	ErrNonPositive     = domain.Errorf(domain.KindInvalid, "non_positive_amount", "the promised amount must be greater than zero")
	ErrMissingDate     = domain.Errorf(domain.KindInvalid, "missing_promised_date", "the promised date is required")
	ErrDateInPast      = domain.Errorf(domain.KindInvalid, "promised_date_in_past", "the promised date %s is before today (%s)")
	ErrNoteTooLong     = domain.Errorf(domain.KindInvalid, "note_too_long", "the note must be at most 500 characters")
	ErrMissingCustomer = domain.Errorf(domain.KindInvalid, "missing_customer", "customer is required")
	ErrNotPending      = domain.Errorf(domain.KindConflict, "promise_not_pending", "the promise is already %s")
	ErrInvalidStatus   = domain.Errorf(domain.KindInvalid, "invalid_promise_status", "status %q is not one of pending, kept, broken, cancelled")
)

// Status is where a promise stands.
type Status string

// The promise statuses. Only a pending promise changes.
const (
	Pending   Status = "pending"
	Kept      Status = "kept"
	Broken    Status = "broken"
	Cancelled Status = "cancelled"
)

// ParseStatus reads a promise status.
func ParseStatus(s string) (Status, error) {
	switch st := Status(strings.ToLower(strings.TrimSpace(s))); st {
	case Pending, Kept, Broken, Cancelled:
		return st, nil
	}
	return "", ErrInvalidStatus.New(s)
}

// Details describe a promise as an agent records it.
type Details struct {
	CustomerID uuid.UUID
	Amount     money.Money
	Date       date.Date // the last day the customer said they would pay on
	Note       string
	CreatedBy  uuid.UUID // the agent; uuid.Nil when recorded through the API
}

// Promise is a customer's promise to pay an amount by a date.
type Promise struct {
	id         uuid.UUID
	customerID uuid.UUID
	amount     money.Money
	date       date.Date
	status     Status
	note       string
	createdBy  uuid.UUID
	createdAt  time.Time
	resolvedAt time.Time // zero while pending
}

// New records a pending promise. The amount must be positive, the date today
// or later (today is the organization's), the note at most MaxNote characters.
func New(id uuid.UUID, d Details, today date.Date, now time.Time) (*Promise, error) {
	var problems []string
	if d.CustomerID == uuid.Nil {
		problems = append(problems, ErrMissingCustomer.Error())
	}
	if d.Amount.Currency().IsZero() || !d.Amount.IsPositive() {
		problems = append(problems, ErrNonPositive.Error())
	}
	switch {
	case d.Date.IsZero():
		problems = append(problems, ErrMissingDate.Error())
	case d.Date.Before(today):
		problems = append(problems, ErrDateInPast.New(d.Date, today).Error())
	}
	note := strings.TrimSpace(d.Note)
	if utf8.RuneCountInString(note) > MaxNote {
		problems = append(problems, ErrNoteTooLong.Error())
	}
	if len(problems) > 0 {
		return nil, domain.Invalid("invalid_promise", "%s", strings.Join(problems, "; ")).WithDetails(problems...)
	}
	return &Promise{
		id: id, customerID: d.CustomerID, amount: d.Amount, date: d.Date, status: Pending,
		note: note, createdBy: d.CreatedBy, createdAt: now,
	}, nil
}

// Keep marks the promise kept: the customer paid enough.
func (p *Promise) Keep(now time.Time) error { return p.resolve(Kept, now) }

// Break marks the promise broken: its date passed without enough paid. The
// customer's reminders resume.
func (p *Promise) Break(now time.Time) error { return p.resolve(Broken, now) }

// Cancel withdraws the promise (recorded by mistake, or replaced by a new one).
func (p *Promise) Cancel(now time.Time) error { return p.resolve(Cancelled, now) }

func (p *Promise) resolve(to Status, now time.Time) error {
	if p.status != Pending {
		return ErrNotPending.New(p.status)
	}
	p.status, p.resolvedAt = to, now
	return nil
}

// Evaluate settles a pending promise given what the customer paid in its
// currency since it was made: kept as soon as paid reaches the amount, broken
// once today is past the promised date, else still pending. It reports
// whether the promise changed.
func (p *Promise) Evaluate(paid money.Money, today date.Date, now time.Time) (bool, error) {
	if p.status != Pending {
		return false, nil
	}
	c, err := paid.Cmp(p.amount)
	if err != nil {
		return false, err
	}
	switch {
	case c >= 0:
		return true, p.Keep(now)
	case p.date.Before(today):
		return true, p.Break(now)
	}
	return false, nil
}

// PausesOn reports whether the promise holds the customer's reminders on
// today: pending, and today is not after the promised date.
func (p *Promise) PausesOn(today date.Date) bool {
	return p.status == Pending && !p.date.Before(today)
}

// ID returns the promise's id.
func (p *Promise) ID() uuid.UUID { return p.id }

// CustomerID returns the customer who promised.
func (p *Promise) CustomerID() uuid.UUID { return p.customerID }

// Amount returns the promised amount.
func (p *Promise) Amount() money.Money { return p.amount }

// Date returns the promised date.
func (p *Promise) Date() date.Date { return p.date }

// Status returns pending, kept, broken or cancelled.
func (p *Promise) Status() Status { return p.status }

// Note returns the agent's note, or "".
func (p *Promise) Note() string { return p.note }

// CreatedBy returns the agent who recorded it, or uuid.Nil (the API).
func (p *Promise) CreatedBy() uuid.UUID { return p.createdBy }

// CreatedAt returns when it was recorded.
func (p *Promise) CreatedAt() time.Time { return p.createdAt }

// ResolvedAt returns when it was kept, broken or cancelled; zero while pending.
func (p *Promise) ResolvedAt() time.Time { return p.resolvedAt }

// Record is a stored promise, for adapters to rebuild it.
type Record struct {
	ID, CustomerID, CreatedBy uuid.UUID
	Amount                    money.Money
	Date                      date.Date
	Status                    Status
	Note                      string
	CreatedAt, ResolvedAt     time.Time
}

// UnmarshalFromDatabase rebuilds a stored promise. Only adapters call it.
func UnmarshalFromDatabase(r Record) (*Promise, error) {
	st, err := ParseStatus(string(r.Status))
	if err != nil {
		return nil, err
	}
	return &Promise{
		id: r.ID, customerID: r.CustomerID, amount: r.Amount, date: r.Date, status: st, note: r.Note,
		createdBy: r.CreatedBy, createdAt: r.CreatedAt, resolvedAt: r.ResolvedAt,
	}, nil
}
