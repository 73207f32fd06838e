package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/ports"
)

// CustomerBalances answers the open balance per currency of several
// customers at once, for lists.
type CustomerBalances struct {
	reports ports.ReportQueries
}

// NewCustomerBalances returns the query.
func NewCustomerBalances(reports ports.ReportQueries) *CustomerBalances {
	must(reports)
	return &CustomerBalances{reports: reports}
}

// Handle returns each customer's balances; customers owing nothing are missing.
func (q *CustomerBalances) Handle(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]money.Money, error) {
	return q.reports.Balances(ctx, ids)
}
