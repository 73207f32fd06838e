// Package paymentlink implements the PaymentLink aggregate: a page where a
// customer pays an amount covering some of their invoices, hosted by a
// payment provider (Stripe) or by Saldo's sandbox.
package paymentlink

import (
	"crypto/rand"
	"encoding/base64"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/money"
)

// DefaultLifetime is how long a link can be paid: Stripe's Checkout
// Sessions expire after 24 hours by default.
const DefaultLifetime = 24 * time.Hour

// Status is where a link is.
type Status string

// The link statuses.
const (
	Creating Status = "creating" // stored, not yet created at the provider
	Open     Status = "open"     // the customer can pay
	Paid     Status = "paid"
	Expired  Status = "expired"
	Failed   Status = "failed" // the provider refused to create it, or an asynchronous payment failed
)

// Errors about payment links.
var (
	ErrNotFound      = domain.Errorf(domain.KindNotFound, "payment_link_not_found", "payment link %s not found")
	ErrNoInvoices    = domain.Errorf(domain.KindInvalid, "no_invoices", "a payment link covers at least one open invoice")
	ErrNonPositive   = domain.Errorf(domain.KindInvalid, "non_positive_amount", "the amount of a payment link must be greater than zero")
	ErrExpired       = domain.Errorf(domain.KindConflict, "payment_link_expired", "the payment link expired at %s")
	ErrNotPayable    = domain.Errorf(domain.KindConflict, "payment_link_not_payable", "the payment link is %s")
	ErrUnknownStatus = domain.Errorf(domain.KindInvalid, "invalid_status", "unknown payment link status %q")
)

// Link is a payment link.
type Link struct {
	id             uuid.UUID
	customerID     uuid.UUID
	invoiceIDs     []uuid.UUID
	amount         money.Money
	provider       string
	providerID     string
	url            string
	token          string
	status         Status
	conversationID uuid.UUID
	paymentID      uuid.UUID
	expiresAt      time.Time
	paidAt         time.Time
	createdAt      time.Time
	updatedAt      time.Time
}

// New starts a link for amount covering invoiceIDs of customerID, to be
// created at provider; it can be paid until lifetime passes.
func New(id, customerID uuid.UUID, invoiceIDs []uuid.UUID, amount money.Money, provider string, lifetime time.Duration, now time.Time) (*Link, error) {
	if len(invoiceIDs) == 0 {
		return nil, ErrNoInvoices
	}
	if !amount.IsPositive() {
		return nil, ErrNonPositive
	}
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	return &Link{
		id: id, customerID: customerID, invoiceIDs: slices.Clone(invoiceIDs), amount: amount, provider: provider,
		token: base64.RawURLEncoding.EncodeToString(b), status: Creating, expiresAt: now.Add(lifetime),
		createdAt: now, updatedAt: now,
	}, nil
}

// Opened records the provider's id and the URL to pay at.
func (l *Link) Opened(providerID, url string, now time.Time) {
	l.providerID, l.url, l.status, l.updatedAt = providerID, url, Open, now
}

// SentIn records the conversation the link was sent in, for the receipt.
func (l *Link) SentIn(conversationID uuid.UUID, now time.Time) {
	l.conversationID, l.updatedAt = conversationID, now
}

// CheckPayable reports whether the link can be paid at now.
func (l *Link) CheckPayable(now time.Time) error {
	switch {
	case l.status == Open && now.After(l.expiresAt):
		return ErrExpired.New(l.expiresAt.UTC().Format(time.RFC3339))
	case l.status != Open:
		return ErrNotPayable.New(l.status)
	}
	return nil
}

// MarkPaid records that payment paymentID paid the link. Paying a paid
// link again is a no-op that reports false. A payment the provider took
// is recorded even past the expiry: the money arrived.
func (l *Link) MarkPaid(paymentID uuid.UUID, at time.Time) bool {
	if l.status == Paid {
		return false
	}
	l.status, l.paymentID, l.paidAt, l.updatedAt = Paid, paymentID, at, at
	return true
}

// Expire closes an unpaid link.
func (l *Link) Expire(at time.Time) bool {
	if l.status != Open && l.status != Creating {
		return false
	}
	l.status, l.updatedAt = Expired, at
	return true
}

// Fail records that the link could not be created or its payment failed.
func (l *Link) Fail(at time.Time) bool {
	if l.status == Paid {
		return false
	}
	l.status, l.updatedAt = Failed, at
	return true
}

// ID returns the link's id.
func (l *Link) ID() uuid.UUID { return l.id }

// CustomerID returns the paying customer.
func (l *Link) CustomerID() uuid.UUID { return l.customerID }

// InvoiceIDs returns the invoices the link covers.
func (l *Link) InvoiceIDs() []uuid.UUID { return slices.Clone(l.invoiceIDs) }

// Amount returns the amount to pay.
func (l *Link) Amount() money.Money { return l.amount }

// Provider returns "stripe" or "sandbox".
func (l *Link) Provider() string { return l.provider }

// ProviderID returns the provider's id (a Checkout Session id).
func (l *Link) ProviderID() string { return l.providerID }

// URL returns where the customer pays.
func (l *Link) URL() string { return l.url }

// Token returns the link's secret public token (sandbox pay pages).
func (l *Link) Token() string { return l.token }

// Status returns the status.
func (l *Link) Status() Status { return l.status }

// ConversationID returns the conversation the link was sent in, or uuid.Nil.
func (l *Link) ConversationID() uuid.UUID { return l.conversationID }

// PaymentID returns the payment that paid the link, or uuid.Nil.
func (l *Link) PaymentID() uuid.UUID { return l.paymentID }

// ExpiresAt returns when the link stops being payable.
func (l *Link) ExpiresAt() time.Time { return l.expiresAt }

// PaidAt returns when it was paid, or the zero time.
func (l *Link) PaidAt() time.Time { return l.paidAt }

// CreatedAt returns when the link was made.
func (l *Link) CreatedAt() time.Time { return l.createdAt }

// UpdatedAt returns when it last changed.
func (l *Link) UpdatedAt() time.Time { return l.updatedAt }

// Record is a stored link, for adapters to rebuild it.
type Record struct {
	ID, CustomerID, ConversationID, PaymentID uuid.UUID
	InvoiceIDs                                []uuid.UUID
	Amount                                    money.Money
	Provider, ProviderID, URL, Token          string
	Status                                    Status
	ExpiresAt, PaidAt, CreatedAt, UpdatedAt   time.Time
}

// UnmarshalFromDatabase rebuilds a stored link. Only adapters call it.
func UnmarshalFromDatabase(r Record) (*Link, error) {
	switch r.Status {
	case Creating, Open, Paid, Expired, Failed:
	default:
		return nil, ErrUnknownStatus.New(r.Status)
	}
	return &Link{
		id: r.ID, customerID: r.CustomerID, invoiceIDs: r.InvoiceIDs, amount: r.Amount, provider: r.Provider,
		providerID: r.ProviderID, url: r.URL, token: r.Token, status: r.Status, conversationID: r.ConversationID,
		paymentID: r.PaymentID, expiresAt: r.ExpiresAt, paidAt: r.PaidAt, createdAt: r.CreatedAt, updatedAt: r.UpdatedAt,
	}, nil
}
