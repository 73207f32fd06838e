package application

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/payment"
	"github.com/saldocrm/saldo/ports"
)

// Lookups reads single customers, invoices and payments by id.
type Lookups struct {
	customers ports.CustomerRepository
	invoices  ports.InvoiceRepository
	payments  ports.PaymentRepository
}

// NewLookups returns the queries.
func NewLookups(customers ports.CustomerRepository, invoices ports.InvoiceRepository, payments ports.PaymentRepository) *Lookups {
	must(customers, invoices, payments)
	return &Lookups{customers: customers, invoices: invoices, payments: payments}
}

// Customer returns the customer with Saldo id id.
func (q *Lookups) Customer(ctx context.Context, id uuid.UUID) (*customer.Customer, error) {
	return q.customers.Get(ctx, id)
}

// CustomerByExternalID returns the customer with the ERP key externalID.
func (q *Lookups) CustomerByExternalID(ctx context.Context, externalID string) (*customer.Customer, error) {
	return q.customers.GetByExternalID(ctx, strings.TrimSpace(externalID))
}

// CustomerExternalIDs returns the external ids of the customers with the given ids.
func (q *Lookups) CustomerExternalIDs(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]string, error) {
	return q.customers.ExternalIDs(ctx, ids)
}

// Invoice returns the invoice with Saldo id id.
func (q *Lookups) Invoice(ctx context.Context, id uuid.UUID) (*invoice.Invoice, error) {
	return q.invoices.Get(ctx, id)
}

// Payment returns the payment with Saldo id id.
func (q *Lookups) Payment(ctx context.Context, id uuid.UUID) (*payment.Payment, error) {
	return q.payments.Get(ctx, id)
}

// CustomerNames returns the names of the customers with the given ids.
func (q *Lookups) CustomerNames(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]string, error) {
	return q.customers.Names(ctx, ids)
}
