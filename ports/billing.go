package ports

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/payment"
)

// Page selects a slice of a list ordered by id: the items after After (the
// previous page's last id; uuid.Nil for the first page), at most Limit (no
// limit when zero; the application always sets one).
type Page struct {
	After uuid.UUID
	Limit int
}

// CustomerFilter narrows a customer list.
type CustomerFilter struct {
	Page
	Search string // name, email, phone, tax id or external id contains it
}

// InvoiceFilter narrows an invoice list. Zero fields do not filter.
type InvoiceFilter struct {
	Page
	CustomerID uuid.UUID
	Status     invoice.Status
	Currency   money.Currency // zero: any
	Overdue    *bool          // open with a balance and past due on Today
	DueBefore  date.Date      // due on or before
	DueAfter   date.Date      // due on or after
	Bucket     invoice.Bucket // aging bucket on Today (open balances only)
	Today      date.Date      // the organization's today; required with Overdue or Bucket
}

// PaymentFilter narrows a payment list.
type PaymentFilter struct {
	Page
	CustomerID uuid.UUID
	Since      time.Time // recorded in Saldo at or after
}

// CustomerRepository stores customers. Not found is customer.ErrNotFound.
type CustomerRepository interface {
	Get(ctx context.Context, id uuid.UUID) (*customer.Customer, error)
	GetByExternalID(ctx context.Context, externalID string) (*customer.Customer, error)
	// ByExternalIDs returns the customers that exist among externalIDs, keyed by
	// external id; inside a unit of work the rows stay locked until it ends.
	ByExternalIDs(ctx context.Context, externalIDs []string) (map[string]*customer.Customer, error)
	// ExternalIDs returns the external ids of the customers with the given ids.
	ExternalIDs(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]string, error)
	// Names returns the names of the customers with the given ids.
	Names(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]string, error)
	List(ctx context.Context, f CustomerFilter) ([]*customer.Customer, error)
	// Save inserts new customers and updates existing ones, in one statement.
	Save(ctx context.Context, customers ...*customer.Customer) error
}

// InvoiceRepository stores invoices. Not found is invoice.ErrNotFound.
type InvoiceRepository interface {
	Get(ctx context.Context, id uuid.UUID) (*invoice.Invoice, error)
	// ByExternalIDs returns the invoices that exist among externalIDs, keyed by
	// external id; inside a unit of work the rows stay locked until it ends.
	ByExternalIDs(ctx context.Context, externalIDs []string) (map[string]*invoice.Invoice, error)
	// LockOpenByCustomer returns the customer's open invoices in currency,
	// locked until the unit of work ends.
	LockOpenByCustomer(ctx context.Context, customerID uuid.UUID, currency money.Currency) ([]*invoice.Invoice, error)
	// LockByIDs returns the invoices with the given ids, locked until the unit
	// of work ends; ids that do not exist are missing from the result.
	LockByIDs(ctx context.Context, ids []uuid.UUID) ([]*invoice.Invoice, error)
	// OpenByCustomer returns the customer's open invoices.
	OpenByCustomer(ctx context.Context, customerID uuid.UUID) ([]*invoice.Invoice, error)
	List(ctx context.Context, f InvoiceFilter) ([]*invoice.Invoice, error)
	// Save inserts new invoices and updates existing ones, in one statement.
	Save(ctx context.Context, invoices ...*invoice.Invoice) error
}

// PaymentRepository stores payments with their allocations. Not found is
// payment.ErrNotFound.
type PaymentRepository interface {
	Get(ctx context.Context, id uuid.UUID) (*payment.Payment, error)
	GetByReference(ctx context.Context, providerReference string) (*payment.Payment, error)
	// Create stores a new payment and its allocations. A payment whose provider
	// reference is already stored is refused with payment.ErrDuplicateReference.
	Create(ctx context.Context, p *payment.Payment) error
	List(ctx context.Context, f PaymentFilter) ([]*payment.Payment, error)
	// Last returns the customer's most recently received payment.
	Last(ctx context.Context, customerID uuid.UUID) (*payment.Payment, error)
	// LockByReference returns the payment with the provider reference, locked
	// until the unit of work ends.
	LockByReference(ctx context.Context, providerReference string) (*payment.Payment, error)
	// Save stores a payment's refunds and allocations as they are now.
	Save(ctx context.Context, p *payment.Payment) error
	// Credit returns, per currency, what the customer's payments left unallocated.
	Credit(ctx context.Context, customerID uuid.UUID) ([]money.Money, error)
}
