package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/promise"
	"github.com/saldocrm/saldo/ports"
)

// PromiseQueries reads customers' promises to pay.
type PromiseQueries struct {
	promises ports.PromiseRepository
}

// NewPromiseQueries returns the queries.
func NewPromiseQueries(promises ports.PromiseRepository) *PromiseQueries {
	must(promises)
	return &PromiseQueries{promises: promises}
}

// ByCustomer returns the customer's promises, newest first, at most limit
// (1 to MaxPageSize; DefaultPageSize when zero).
func (q *PromiseQueries) ByCustomer(ctx context.Context, customerID uuid.UUID, limit int) ([]*promise.Promise, error) {
	return q.promises.ByCustomer(ctx, customerID, pageLimit(limit))
}

// Get returns promise id.
func (q *PromiseQueries) Get(ctx context.Context, id uuid.UUID) (*promise.Promise, error) {
	return q.promises.Get(ctx, id)
}
