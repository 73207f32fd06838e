package ports

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/dispute"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/promise"
)

// PromiseRepository stores promises to pay. Not found is promise.ErrNotFound.
type PromiseRepository interface {
	Get(ctx context.Context, id uuid.UUID) (*promise.Promise, error)
	// Add stores a new pending promise. The customer's pending promise, if
	// any, is locked and handed to supersede first (which cancels it) and
	// saved, in the same transaction: a customer has one pending promise at
	// most. A concurrent Add for the same customer fails with a conflict.
	Add(ctx context.Context, p *promise.Promise, supersede func(*promise.Promise) error) error
	// Update locks the promise, applies fn and saves it, in one transaction.
	Update(ctx context.Context, id uuid.UUID, fn func(*promise.Promise) error) error
	// ByCustomer returns the customer's promises, newest first, at most limit.
	ByCustomer(ctx context.Context, customerID uuid.UUID, limit int) ([]*promise.Promise, error)
	// Pending returns pending promises by id, after the cursor.
	Pending(ctx context.Context, p Page) ([]*promise.Promise, error)
}

// PaymentTotals sums what customers paid, for settling promises.
type PaymentTotals interface {
	// ReceivedSince returns what the customer paid in currency by payments
	// received at or after since, less what was refunded of them.
	ReceivedSince(ctx context.Context, customerID uuid.UUID, currency money.Currency, since time.Time) (money.Money, error)
}

// DisputeRepository stores invoice disputes, one row per invoice. Not found
// is dispute.ErrNotFound.
type DisputeRepository interface {
	Get(ctx context.Context, invoiceID uuid.UUID) (*dispute.Dispute, error)
	// Update locks the invoice's dispute and hands it to fn, nil when the
	// invoice was never disputed; it stores the dispute fn returns, in one
	// transaction.
	Update(ctx context.Context, invoiceID uuid.UUID, fn func(*dispute.Dispute) (*dispute.Dispute, error)) error
	// OpenAmong returns the open disputes of the given invoices, keyed by invoice.
	OpenAmong(ctx context.Context, invoiceIDs []uuid.UUID) (map[uuid.UUID]*dispute.Dispute, error)
	// OpenByCustomer returns the open disputes of the customer's invoices.
	OpenByCustomer(ctx context.Context, customerID uuid.UUID) ([]*dispute.Dispute, error)
}
