package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/paymentlink"
	"github.com/saldocrm/saldo/ports"
)

// PaymentLinkQueries reads payment links.
type PaymentLinkQueries struct {
	links ports.PaymentLinkRepository
}

// NewPaymentLinkQueries returns the queries.
func NewPaymentLinkQueries(links ports.PaymentLinkRepository) *PaymentLinkQueries {
	must(links)
	return &PaymentLinkQueries{links: links}
}

// Get returns link id.
func (q *PaymentLinkQueries) Get(ctx context.Context, id uuid.UUID) (*paymentlink.Link, error) {
	return q.links.Get(ctx, id)
}

// ByCustomer returns a customer's latest links, newest first.
func (q *PaymentLinkQueries) ByCustomer(ctx context.Context, customerID uuid.UUID) ([]*paymentlink.Link, error) {
	return q.links.ByCustomer(ctx, customerID, 10)
}
