package application

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/account"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/payment"
	"github.com/saldocrm/saldo/ports"
)

// CustomerSummaryView is a customer's account on the organization's today.
type CustomerSummaryView struct {
	Customer *customer.Customer
	AsOf     date.Date
	account.Summary
}

// CustomerSummary answers what a customer owes: balance and credit per
// currency, overdue invoices, aging and the last payment.
type CustomerSummary struct {
	customers ports.CustomerRepository
	invoices  ports.InvoiceRepository
	payments  ports.PaymentRepository
	clock     ports.Clock
	org       Org
}

// NewCustomerSummary returns the query.
func NewCustomerSummary(customers ports.CustomerRepository, invoices ports.InvoiceRepository, payments ports.PaymentRepository, clock ports.Clock, org Org) *CustomerSummary {
	must(customers, invoices, payments, clock, org.Location)
	return &CustomerSummary{customers: customers, invoices: invoices, payments: payments, clock: clock, org: org}
}

// Handle computes the summary of customer id.
func (q *CustomerSummary) Handle(ctx context.Context, id uuid.UUID) (CustomerSummaryView, error) {
	c, err := q.customers.Get(ctx, id)
	if err != nil {
		return CustomerSummaryView{}, err
	}
	open, err := q.invoices.OpenByCustomer(ctx, id)
	if err != nil {
		return CustomerSummaryView{}, err
	}
	credit, err := q.payments.Credit(ctx, id)
	if err != nil {
		return CustomerSummaryView{}, err
	}
	last, err := q.payments.Last(ctx, id)
	if errors.Is(err, payment.ErrNotFound) {
		last, err = nil, nil
	}
	if err != nil {
		return CustomerSummaryView{}, err
	}
	today := q.org.Today(q.clock.Now())
	return CustomerSummaryView{Customer: c, AsOf: today, Summary: account.Summarize(open, credit, last, today)}, nil
}
