package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/dispute"
	"github.com/saldocrm/saldo/ports"
)

// DisputeQueries reads invoice disputes.
type DisputeQueries struct {
	disputes ports.DisputeRepository
}

// NewDisputeQueries returns the queries.
func NewDisputeQueries(disputes ports.DisputeRepository) *DisputeQueries {
	must(disputes)
	return &DisputeQueries{disputes: disputes}
}

// Get returns the invoice's dispute, open or resolved.
func (q *DisputeQueries) Get(ctx context.Context, invoiceID uuid.UUID) (*dispute.Dispute, error) {
	return q.disputes.Get(ctx, invoiceID)
}

// OpenAmong returns the open disputes among the invoices, keyed by invoice.
func (q *DisputeQueries) OpenAmong(ctx context.Context, invoiceIDs []uuid.UUID) (map[uuid.UUID]*dispute.Dispute, error) {
	return q.disputes.OpenAmong(ctx, invoiceIDs)
}

// OpenByCustomer returns the open disputes of the customer's invoices.
func (q *DisputeQueries) OpenByCustomer(ctx context.Context, customerID uuid.UUID) ([]*dispute.Dispute, error) {
	return q.disputes.OpenByCustomer(ctx, customerID)
}
