// Package payment implements the Payment aggregate: money received from a
// customer, allocated to invoices; what is not allocated is customer credit.
package payment

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
)

// Errors returned by the payment aggregate.
var (
	ErrNotFound           = domain.Errorf(domain.KindNotFound, "payment_not_found", "payment %s not found")
	ErrInvalidMethod      = domain.Errorf(domain.KindInvalid, "invalid_method", "method %q is not one of transfer, cash, card, check, stripe, sandbox, pix, spei, pse, boleto, other")
	ErrNonPositive        = domain.Errorf(domain.KindInvalid, "non_positive_amount", "amount must be greater than zero")
	ErrMissingReceivedAt  = domain.Errorf(domain.KindInvalid, "missing_received_at", "received_at is required")
	ErrInvalidReference   = domain.Errorf(domain.KindInvalid, "invalid_provider_reference", "provider_reference must be at most 255 characters")
	ErrOverAllocated      = domain.Errorf(domain.KindInvalid, "allocations_exceed_amount", "allocations add up to %s, more than the payment's %s")
	ErrForeignInvoice     = domain.Errorf(domain.KindInvalid, "invoice_of_other_customer", "invoice %s belongs to another customer")
	ErrDuplicateInvoice   = domain.Errorf(domain.KindInvalid, "invoice_allocated_twice", "invoice %s appears twice in the allocations")
	ErrDuplicateReference = domain.Errorf(domain.KindConflict, "duplicate_provider_reference", "a payment with provider_reference %q is already recorded")
	ErrRefundTooLarge     = domain.Errorf(domain.KindInvalid, "refund_exceeds_payment", "a refund of %s is more than the payment's %s")
	ErrMissingInvoice     = domain.Errorf(domain.KindInternal, "missing_invoice", "invoice %s of the payment was not loaded")
	ErrReferenceConflict  = domain.Errorf(domain.KindConflict, "provider_reference_conflict", "a different payment was already recorded with provider_reference %q")
	ErrMissingCustomer    = domain.Errorf(domain.KindInvalid, "missing_customer", "customer is required")
	ErrCurrencyOfInvoice  = domain.Errorf(domain.KindInvalid, "currency_mismatch", "invoice %s is in %s, the payment in %s")
)

// Method is how the money arrived.
type Method string

// The payment methods.
const (
	Transfer Method = "transfer"
	Cash     Method = "cash"
	Card     Method = "card"
	Check    Method = "check"
	Stripe   Method = "stripe"
	Sandbox  Method = "sandbox"
	Pix      Method = "pix"
	SPEI     Method = "spei"
	PSE      Method = "pse"
	Boleto   Method = "boleto"
	Other    Method = "other"
)

// ParseMethod reads a payment method in any case.
func ParseMethod(s string) (Method, error) {
	m := Method(strings.ToLower(strings.TrimSpace(s)))
	switch m {
	case Transfer, Cash, Card, Check, Stripe, Sandbox, Pix, SPEI, PSE, Boleto, Other:
		return m, nil
	}
	return "", ErrInvalidMethod.New(s)
}

// Allocation is the part of a payment applied to one invoice.
type Allocation struct {
	invoiceID uuid.UUID
	amount    money.Money
}

// InvoiceID returns the invoice the allocation pays.
func (a Allocation) InvoiceID() uuid.UUID { return a.invoiceID }

// Amount returns the allocated amount.
func (a Allocation) Amount() money.Money { return a.amount }

// Details describe a received payment.
type Details struct {
	CustomerID        uuid.UUID
	Amount            money.Money
	Method            Method
	ProviderReference string // unique when set: the same reference is one payment
	ReceivedAt        time.Time
}

// Payment is money received from a customer.
type Payment struct {
	id                uuid.UUID
	customerID        uuid.UUID
	amount            money.Money
	method            Method
	providerReference string
	receivedAt        time.Time
	allocations       []Allocation
	refunded          money.Money
	createdAt         time.Time
}

// New records a payment, not yet allocated.
func New(id uuid.UUID, d Details, now time.Time) (*Payment, error) {
	var problems []string
	if d.CustomerID == uuid.Nil {
		problems = append(problems, ErrMissingCustomer.Error())
	}
	if !d.Amount.IsPositive() {
		problems = append(problems, ErrNonPositive.Error())
	}
	method, err := ParseMethod(string(d.Method))
	if err != nil {
		problems = append(problems, err.Error())
	}
	d.Method = method
	d.ProviderReference = strings.TrimSpace(d.ProviderReference)
	if len(d.ProviderReference) > 255 {
		problems = append(problems, ErrInvalidReference.Error())
	}
	if d.ReceivedAt.IsZero() {
		problems = append(problems, ErrMissingReceivedAt.Error())
	}
	if len(problems) > 0 {
		return nil, domain.Invalid("invalid_payment", "%s", strings.Join(problems, "; ")).WithDetails(problems...)
	}
	return &Payment{
		id: id, customerID: d.CustomerID, amount: d.Amount, method: d.Method,
		providerReference: d.ProviderReference, receivedAt: d.ReceivedAt.UTC(), createdAt: now,
		refunded: money.Zero(d.Amount.Currency()),
	}, nil
}

// Matches reports whether d describes this payment again (same customer,
// amount and method): a redelivery, not a different payment under the same
// reference.
func (p *Payment) Matches(d Details) bool {
	return p.customerID == d.CustomerID && p.amount.Equal(d.Amount) && p.method == d.Method
}

// Allocate applies amount of the payment to inv. The invoice must be the
// customer's, open, in the payment's currency, not yet allocated by this
// payment, and the amount at most its balance and at most what is left
// unallocated.
func (p *Payment) Allocate(inv *invoice.Invoice, amount money.Money, now time.Time) error {
	return p.apply(inv, amount, now, false)
}

// apply allocates amount to inv; with merge, an invoice this payment already
// pays gets more added to its allocation instead of being refused.
func (p *Payment) apply(inv *invoice.Invoice, amount money.Money, now time.Time, merge bool) error {
	if inv.CustomerID() != p.customerID {
		return ErrForeignInvoice.New(inv.Number())
	}
	if inv.Currency() != p.amount.Currency() {
		return ErrCurrencyOfInvoice.New(inv.Number(), inv.Currency(), p.amount.Currency())
	}
	existing := -1
	for i, a := range p.allocations {
		if a.invoiceID == inv.ID() {
			existing = i
		}
	}
	if existing >= 0 && !merge {
		return ErrDuplicateInvoice.New(inv.Number())
	}
	left := p.Unallocated()
	if c, err := amount.Cmp(left); err != nil {
		return err
	} else if c > 0 {
		allocated, _ := p.amount.Sub(left)
		total, _ := allocated.Add(amount)
		return ErrOverAllocated.New(total, p.amount)
	}
	if err := inv.ApplyPayment(amount, now); err != nil {
		return err
	}
	if existing >= 0 {
		p.allocations[existing].amount, _ = p.allocations[existing].amount.Add(amount)
		return nil
	}
	p.allocations = append(p.allocations, Allocation{invoiceID: inv.ID(), amount: amount})
	return nil
}

// AllocateOldestFirst applies what is left of the payment to the open
// invoices in its currency, the one that fell due first first, until the
// payment or the invoices run out. It returns the invoices it changed.
func (p *Payment) AllocateOldestFirst(invoices []*invoice.Invoice, now time.Time) ([]*invoice.Invoice, error) {
	candidates := make([]*invoice.Invoice, 0, len(invoices))
	for _, inv := range invoices {
		if inv.CustomerID() == p.customerID && inv.Currency() == p.amount.Currency() && inv.Balance().IsPositive() {
			candidates = append(candidates, inv)
		}
	}
	SortOldestFirst(candidates)
	var changed []*invoice.Invoice
	for _, inv := range candidates {
		left := p.Unallocated()
		if !left.IsPositive() {
			break
		}
		amount, err := left.Min(inv.Balance())
		if err != nil {
			return nil, err
		}
		if err := p.apply(inv, amount, now, true); err != nil {
			return nil, err
		}
		changed = append(changed, inv)
	}
	return changed, nil
}

// SortOldestFirst orders invoices by due date, then issue date, then number:
// the order in which a payment settles them.
func SortOldestFirst(invoices []*invoice.Invoice) {
	slices.SortStableFunc(invoices, func(a, b *invoice.Invoice) int {
		if c := a.DueDate().Time().Compare(b.DueDate().Time()); c != 0 {
			return c
		}
		if c := a.IssueDate().Time().Compare(b.IssueDate().Time()); c != 0 {
			return c
		}
		return cmp.Compare(a.Number(), b.Number())
	})
}

// ID returns the payment's id in Saldo.
func (p *Payment) ID() uuid.UUID { return p.id }

// CustomerID returns the paying customer's id.
func (p *Payment) CustomerID() uuid.UUID { return p.customerID }

// Amount returns the amount received.
func (p *Payment) Amount() money.Money { return p.amount }

// Method returns how the money arrived.
func (p *Payment) Method() Method { return p.method }

// ProviderReference returns the provider's or bank's reference, or "".
func (p *Payment) ProviderReference() string { return p.providerReference }

// ReceivedAt returns when the money was received.
func (p *Payment) ReceivedAt() time.Time { return p.receivedAt }

// CreatedAt returns when Saldo recorded the payment.
func (p *Payment) CreatedAt() time.Time { return p.createdAt }

// Allocations returns the payment's allocations to invoices.
func (p *Payment) Allocations() []Allocation { return slices.Clone(p.allocations) }

// Refunded returns how much of the payment went back to the customer.
func (p *Payment) Refunded() money.Money { return p.refunded }

// RefundTo brings the refunded total up to total (providers report the
// running total, so a redelivered refund changes nothing). The refund takes
// first from the credit, then from the latest allocations, whose invoices
// owe it again; it returns the invoices it changed.
func (p *Payment) RefundTo(total money.Money, invoices map[uuid.UUID]*invoice.Invoice, now time.Time) ([]*invoice.Invoice, error) {
	delta, err := total.Sub(p.refunded)
	if err != nil {
		return nil, err
	}
	if !delta.IsPositive() {
		return nil, nil
	}
	if c, _ := total.Cmp(p.amount); c > 0 {
		return nil, ErrRefundTooLarge.New(total, p.amount)
	}
	credit := p.Unallocated() // before this refund
	p.refunded = total
	left, _ := delta.Sub(credit) // what the credit does not cover
	var changed []*invoice.Invoice
	for i := len(p.allocations) - 1; i >= 0 && left.IsPositive(); i-- {
		a := &p.allocations[i]
		take, _ := left.Min(a.amount)
		inv, ok := invoices[a.invoiceID]
		if !ok {
			return nil, ErrMissingInvoice.New(a.invoiceID)
		}
		if err := inv.ReversePayment(take, now); err != nil {
			return nil, err
		}
		a.amount, _ = a.amount.Sub(take)
		left, _ = left.Sub(take)
		changed = append(changed, inv)
	}
	p.allocations = slices.DeleteFunc(p.allocations, func(a Allocation) bool { return a.amount.IsZero() })
	return changed, nil
}

// Unallocated returns what is neither allocated to an invoice nor refunded:
// customer credit.
func (p *Payment) Unallocated() money.Money {
	left, _ := p.amount.Sub(p.refunded)
	for _, a := range p.allocations {
		left, _ = left.Sub(a.amount)
	}
	return left
}

// UnmarshalAllocation rebuilds a stored allocation. Only adapters call it.
func UnmarshalAllocation(invoiceID uuid.UUID, amount money.Money) Allocation {
	return Allocation{invoiceID: invoiceID, amount: amount}
}

// UnmarshalFromDatabase rebuilds a stored payment. Only adapters call it.
func UnmarshalFromDatabase(id uuid.UUID, d Details, allocations []Allocation, refunded money.Money, createdAt time.Time) *Payment {
	if refunded.Currency().IsZero() {
		refunded = money.Zero(d.Amount.Currency())
	}
	return &Payment{
		id: id, customerID: d.CustomerID, amount: d.Amount, method: d.Method,
		providerReference: d.ProviderReference, receivedAt: d.ReceivedAt, createdAt: createdAt,
		allocations: allocations, refunded: refunded,
	}
}
