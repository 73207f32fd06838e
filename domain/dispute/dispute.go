// Package dispute implements the Dispute aggregate: a customer contests an
// invoice. While a dispute is open the invoice leaves the reminder flow; it
// stays in balances and reports. One dispute per invoice: resolving closes
// it, disputing the invoice again reopens it with the new reason.
package dispute

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
)

// MaxText is the longest reason or resolution kept, in characters.
const MaxText = 500

// Errors returned by the dispute aggregate.
var (
	ErrNotFound          = domain.Errorf(domain.KindNotFound, "dispute_not_found", "invoice %s is not disputed")
	ErrMissingReason     = domain.Errorf(domain.KindInvalid, "missing_reason", "a reason is required")
	ErrReasonTooLong     = domain.Errorf(domain.KindInvalid, "reason_too_long", "the reason must be at most 500 characters")
	ErrResolutionTooLong = domain.Errorf(domain.KindInvalid, "resolution_too_long", "the resolution must be at most 500 characters")
	ErrMissingInvoice    = domain.Errorf(domain.KindInvalid, "missing_invoice", "invoice is required")
	ErrAlreadyOpen       = domain.Errorf(domain.KindConflict, "already_disputed", "the invoice is already disputed")
	ErrNotOpen           = domain.Errorf(domain.KindConflict, "dispute_not_open", "the invoice's dispute is already resolved")
)

// Dispute is a customer's objection to an invoice.
type Dispute struct {
	invoiceID  uuid.UUID
	reason     string
	openedBy   uuid.UUID // the agent; uuid.Nil through the API
	openedAt   time.Time
	resolvedAt time.Time // zero while open
	resolution string
}

func checkReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return "", ErrMissingReason
	case utf8.RuneCountInString(reason) > MaxText:
		return "", ErrReasonTooLong
	}
	return reason, nil
}

// Open disputes invoice invoiceID for reason (required, at most MaxText characters).
func Open(invoiceID uuid.UUID, reason string, by uuid.UUID, now time.Time) (*Dispute, error) {
	if invoiceID == uuid.Nil {
		return nil, ErrMissingInvoice
	}
	r, err := checkReason(reason)
	if err != nil {
		return nil, err
	}
	return &Dispute{invoiceID: invoiceID, reason: r, openedBy: by, openedAt: now}, nil
}

// Reopen disputes a resolved invoice again: the new reason replaces the old
// one and the resolution is cleared. An open dispute is refused.
func (d *Dispute) Reopen(reason string, by uuid.UUID, now time.Time) error {
	if d.IsOpen() {
		return ErrAlreadyOpen
	}
	r, err := checkReason(reason)
	if err != nil {
		return err
	}
	d.reason, d.openedBy, d.openedAt, d.resolvedAt, d.resolution = r, by, now, time.Time{}, ""
	return nil
}

// Resolve closes the dispute with what was decided (may be empty); the
// invoice returns to the reminder flow.
func (d *Dispute) Resolve(resolution string, now time.Time) error {
	if !d.IsOpen() {
		return ErrNotOpen
	}
	resolution = strings.TrimSpace(resolution)
	if utf8.RuneCountInString(resolution) > MaxText {
		return ErrResolutionTooLong
	}
	d.resolution, d.resolvedAt = resolution, now
	return nil
}

// IsOpen reports whether the invoice is disputed now.
func (d *Dispute) IsOpen() bool { return d.resolvedAt.IsZero() }

// InvoiceID returns the disputed invoice.
func (d *Dispute) InvoiceID() uuid.UUID { return d.invoiceID }

// Reason returns why the customer disputes the invoice.
func (d *Dispute) Reason() string { return d.reason }

// OpenedBy returns the agent who opened it, or uuid.Nil (the API).
func (d *Dispute) OpenedBy() uuid.UUID { return d.openedBy }

// OpenedAt returns when it was (last) opened.
func (d *Dispute) OpenedAt() time.Time { return d.openedAt }

// ResolvedAt returns when it was resolved; zero while open.
func (d *Dispute) ResolvedAt() time.Time { return d.resolvedAt }

// Resolution returns what was decided, or "".
func (d *Dispute) Resolution() string { return d.resolution }

// UnmarshalFromDatabase rebuilds a stored dispute. Only adapters call it.
func UnmarshalFromDatabase(invoiceID uuid.UUID, reason string, openedBy uuid.UUID, openedAt, resolvedAt time.Time, resolution string) *Dispute {
	return &Dispute{
		invoiceID: invoiceID, reason: reason, openedBy: openedBy, openedAt: openedAt,
		resolvedAt: resolvedAt, resolution: resolution,
	}
}
