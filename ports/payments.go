package ports

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/paymentlink"
)

// PaymentEventKind is what a payment provider says happened.
type PaymentEventKind string

// The payment event kinds.
const (
	PaymentSucceeded PaymentEventKind = "paid"     // the link's money arrived
	PaymentFailed    PaymentEventKind = "failed"   // an asynchronous payment failed
	LinkExpired      PaymentEventKind = "expired"  // the link can no longer be paid
	PaymentRefunded  PaymentEventKind = "refunded" // money went back to the customer
	EventIgnored     PaymentEventKind = "ignored"  // an event Saldo does not act on
)

// PaymentEvent is a provider's webhook, read.
type PaymentEvent struct {
	Kind              PaymentEventKind
	EventID           string    // the provider's event id
	LinkID            uuid.UUID // Saldo's link, from the metadata; Nil when not ours
	ProviderReference string    // the payment's id at the provider (e.g. the PaymentIntent)
	Amount            money.Money
	At                time.Time
}

// LinkRequest is what a provider needs to open a payment page.
type LinkRequest struct {
	Link     *paymentlink.Link
	Customer *customer.Customer
	Invoices []*invoice.Invoice
}

// PaymentLinkProvider opens payment pages at a payment provider and reads
// its webhooks. No provider type crosses this port.
type PaymentLinkProvider interface {
	// Name is "stripe" or "sandbox".
	Name() string
	// Create opens the page for r.Link; creating the same link twice opens it
	// once (the link id is the idempotency key). It returns the provider's
	// id and the URL.
	Create(ctx context.Context, r LinkRequest) (providerID, url string, err error)
	// Expire closes the page so it can no longer be paid.
	Expire(ctx context.Context, providerID string) error
	// ParseWebhook checks a webhook's signature at now and reads it. A bad
	// or stale signature is an error of kind invalid.
	ParseWebhook(body []byte, signature string, now time.Time) (PaymentEvent, error)
}

// PaymentLinkRepository stores payment links. Not found is paymentlink.ErrNotFound.
type PaymentLinkRepository interface {
	Create(ctx context.Context, l *paymentlink.Link) error
	Get(ctx context.Context, id uuid.UUID) (*paymentlink.Link, error)
	ByToken(ctx context.Context, token string) (*paymentlink.Link, error)
	// Lock returns the link locked until the unit of work ends.
	Lock(ctx context.Context, id uuid.UUID) (*paymentlink.Link, error)
	Save(ctx context.Context, l *paymentlink.Link) error
	// ByCustomer returns the customer's links, newest first.
	ByCustomer(ctx context.Context, customerID uuid.UUID, limit int) ([]*paymentlink.Link, error)
}
