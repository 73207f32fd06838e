package application

import (
	"context"

	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/ports"
)

// ListCustomers pages through customers.
type ListCustomers struct {
	customers ports.CustomerRepository
}

// NewListCustomers returns the query.
func NewListCustomers(customers ports.CustomerRepository) *ListCustomers {
	must(customers)
	return &ListCustomers{customers: customers}
}

// Handle returns a page of customers and whether more follow.
func (q *ListCustomers) Handle(ctx context.Context, f ports.CustomerFilter) ([]*customer.Customer, bool, error) {
	f.Limit = pageLimit(f.Limit)
	want := f.Limit
	f.Limit++ // one more tells whether another page exists
	items, err := q.customers.List(ctx, f)
	if err != nil {
		return nil, false, err
	}
	return trimPage(items, want)
}

func trimPage[T any](items []T, want int) ([]T, bool, error) {
	if len(items) > want {
		return items[:want], true, nil
	}
	return items, false, nil
}
