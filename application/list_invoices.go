package application

import (
	"context"

	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/ports"
)

// ListInvoices pages through invoices; overdue and aging filters are judged
// on the organization's today.
type ListInvoices struct {
	invoices ports.InvoiceRepository
	clock    ports.Clock
	org      Org
}

// NewListInvoices returns the query.
func NewListInvoices(invoices ports.InvoiceRepository, clock ports.Clock, org Org) *ListInvoices {
	must(invoices, clock, org.Location)
	return &ListInvoices{invoices: invoices, clock: clock, org: org}
}

// Handle returns a page of invoices, whether more follow, and the day the
// overdue figures were judged on.
func (q *ListInvoices) Handle(ctx context.Context, f ports.InvoiceFilter) ([]*invoice.Invoice, bool, error) {
	f.Today = q.org.Today(q.clock.Now())
	f.Limit = pageLimit(f.Limit)
	want := f.Limit
	f.Limit++
	items, err := q.invoices.List(ctx, f)
	if err != nil {
		return nil, false, err
	}
	return trimPage(items, want)
}
