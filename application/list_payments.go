package application

import (
	"context"

	"github.com/saldocrm/saldo/domain/payment"
	"github.com/saldocrm/saldo/ports"
)

// ListPayments pages through payments, e.g. for an ERP pulling what Saldo
// recorded since its last pull.
type ListPayments struct {
	payments ports.PaymentRepository
}

// NewListPayments returns the query.
func NewListPayments(payments ports.PaymentRepository) *ListPayments {
	must(payments)
	return &ListPayments{payments: payments}
}

// Handle returns a page of payments and whether more follow.
func (q *ListPayments) Handle(ctx context.Context, f ports.PaymentFilter) ([]*payment.Payment, bool, error) {
	f.Limit = pageLimit(f.Limit)
	want := f.Limit
	f.Limit++
	items, err := q.payments.List(ctx, f)
	if err != nil {
		return nil, false, err
	}
	return trimPage(items, want)
}
