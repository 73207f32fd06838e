package application

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/payment"
	"github.com/saldocrm/saldo/ports"
)

// ErrUnknownInvoice is returned for an allocation naming an invoice that does not exist.
var ErrUnknownInvoice = domain.Errorf(domain.KindInvalid, "unknown_invoice", "allocations[%d]: invoice %s does not exist")

// AllocationRequest asks for part of a payment to go to one invoice, named
// by Saldo id or by the ERP's external id.
type AllocationRequest struct {
	InvoiceID         uuid.UUID
	InvoiceExternalID string
	Amount            money.Money
}

// RecordPaymentCommand records money received from a customer, named by
// Saldo id or by the ERP's external id.
type RecordPaymentCommand struct {
	CustomerID         uuid.UUID
	CustomerExternalID string
	Amount             money.Money
	Method             payment.Method
	ProviderReference  string
	ReceivedAt         time.Time
	// Allocations, when given, say which invoices the payment settles; when
	// empty, it settles the customer's oldest open invoices in its currency
	// (only those in Settles, when Settles is given: a payment link's).
	Allocations []AllocationRequest
	Settles     []uuid.UUID
}

// RecordPaymentResult is the recorded payment; Created is false when the
// provider reference was already recorded and nothing new was written.
type RecordPaymentResult struct {
	Payment *payment.Payment
	Created bool
}

// RecordPayment records a payment and allocates it to invoices in one
// transaction; what is not allocated stays as customer credit. Recording the
// same provider reference again, even concurrently, records it once.
type RecordPayment struct {
	uow       ports.UnitOfWork
	customers ports.CustomerRepository
	clock     ports.Clock
}

// NewRecordPayment returns the use case.
func NewRecordPayment(uow ports.UnitOfWork, customers ports.CustomerRepository, clock ports.Clock) *RecordPayment {
	must(uow, customers, clock)
	return &RecordPayment{uow: uow, customers: customers, clock: clock}
}

// Handle records the payment.
func (h *RecordPayment) Handle(ctx context.Context, cmd RecordPaymentCommand) (RecordPaymentResult, error) {
	c, err := h.customer(ctx, cmd)
	if err != nil {
		return RecordPaymentResult{}, err
	}
	d := payment.Details{
		CustomerID: c.ID(), Amount: cmd.Amount, Method: cmd.Method,
		ProviderReference: strings.TrimSpace(cmd.ProviderReference), ReceivedAt: cmd.ReceivedAt,
	}
	now := h.clock.Now()
	var res RecordPaymentResult
	err = h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		if d.ProviderReference != "" {
			if res, err = existing(ctx, tx, d); err == nil || !errors.Is(err, payment.ErrNotFound) {
				return err
			}
		}
		p, err := payment.New(uuid.Must(uuid.NewV7()), d, now)
		if err != nil {
			return err
		}
		changed, err := allocate(ctx, tx, p, cmd.Allocations, cmd.Settles, now)
		if err != nil {
			return err
		}
		if err := tx.Payments().Create(ctx, p); err != nil {
			return err
		}
		res = RecordPaymentResult{Payment: p, Created: true}
		return tx.Invoices().Save(ctx, changed...)
	})
	if errors.Is(err, payment.ErrDuplicateReference) {
		// A concurrent request recorded the same reference first.
		err = h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
			res, err = existing(ctx, tx, d)
			return err
		})
	}
	if err != nil {
		return RecordPaymentResult{}, fmt.Errorf("record payment %s: %w", d.ProviderReference, err)
	}
	return res, nil
}

func (h *RecordPayment) customer(ctx context.Context, cmd RecordPaymentCommand) (*customer.Customer, error) {
	if cmd.CustomerID != uuid.Nil {
		return h.customers.Get(ctx, cmd.CustomerID)
	}
	if ext := strings.TrimSpace(cmd.CustomerExternalID); ext != "" {
		return h.customers.GetByExternalID(ctx, ext)
	}
	return nil, payment.ErrMissingCustomer
}

// existing returns the payment already recorded under d's reference, if it
// is the same payment; a different one under that reference is a conflict.
func existing(ctx context.Context, tx ports.Repos, d payment.Details) (RecordPaymentResult, error) {
	p, err := tx.Payments().GetByReference(ctx, d.ProviderReference)
	if err != nil {
		return RecordPaymentResult{}, err
	}
	if !p.Matches(d) {
		return RecordPaymentResult{}, payment.ErrReferenceConflict.New(d.ProviderReference)
	}
	return RecordPaymentResult{Payment: p, Created: false}, nil
}

// allocate applies p to the requested invoices, or oldest first when none
// are requested, and returns the invoices it changed.
func allocate(ctx context.Context, tx ports.Repos, p *payment.Payment, reqs []AllocationRequest, settles []uuid.UUID, now time.Time) ([]*invoice.Invoice, error) {
	if len(reqs) == 0 {
		var open []*invoice.Invoice
		var err error
		if len(settles) > 0 {
			open, err = tx.Invoices().LockByIDs(ctx, settles)
		} else {
			open, err = tx.Invoices().LockOpenByCustomer(ctx, p.CustomerID(), p.Amount().Currency())
		}
		if err != nil {
			return nil, err
		}
		return p.AllocateOldestFirst(open, now)
	}
	// Invoice ids derive from external ids: lock every named invoice in one
	// statement, in id order, like every other writer.
	ids := make([]uuid.UUID, len(reqs))
	for i, r := range reqs {
		ids[i] = r.InvoiceID
		if r.InvoiceID == uuid.Nil {
			ids[i] = invoice.IDFor(strings.TrimSpace(r.InvoiceExternalID))
		}
	}
	locked, err := tx.Invoices().LockByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[uuid.UUID]*invoice.Invoice, len(locked))
	for _, inv := range locked {
		byID[inv.ID()] = inv
	}
	var changed []*invoice.Invoice
	var problems []string
	for i, r := range reqs {
		inv, name := byID[ids[i]], r.InvoiceID.String()
		if r.InvoiceID == uuid.Nil {
			name = r.InvoiceExternalID
		}
		if inv == nil {
			problems = append(problems, ErrUnknownInvoice.New(i, name).Error())
			continue
		}
		if err := p.Allocate(inv, r.Amount, now); err != nil {
			if domain.KindOf(err) != domain.KindInvalid && domain.KindOf(err) != domain.KindConflict {
				return nil, err
			}
			problems = append(problems, fmt.Sprintf("allocations[%d]: %v", i, err))
			continue
		}
		changed = append(changed, inv)
	}
	if len(problems) > 0 {
		return nil, domain.Invalid("invalid_allocations", "%s", strings.Join(problems, "; ")).WithDetails(problems...)
	}
	return changed, nil
}
