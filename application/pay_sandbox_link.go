package application

import (
	"context"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/paymentlink"
	"github.com/saldocrm/saldo/ports"
)

// ErrNotSandbox is returned when a link is paid at Stripe, not on Saldo's page.
var ErrNotSandbox = domain.Errorf(domain.KindConflict, "not_a_sandbox_link", "this link is paid at its provider's page")

// PayPage is what the public pay page shows.
type PayPage struct {
	Link     *paymentlink.Link
	Customer *customer.Customer
	Invoices []*invoice.Invoice
}

// SandboxPayments serves the sandbox pay page: what a link covers, and
// paying it through the same reconciliation as a provider's webhook.
type SandboxPayments struct {
	links     ports.PaymentLinkRepository
	customers ports.CustomerRepository
	invoices  ports.InvoiceRepository
	reconcile *ReconcilePayment
	clock     ports.Clock
}

// NewSandboxPayments returns the use case.
func NewSandboxPayments(links ports.PaymentLinkRepository, customers ports.CustomerRepository, invoices ports.InvoiceRepository,
	reconcile *ReconcilePayment, clock ports.Clock,
) *SandboxPayments {
	must(links, customers, invoices, reconcile, clock)
	return &SandboxPayments{links: links, customers: customers, invoices: invoices, reconcile: reconcile, clock: clock}
}

// Page returns what the link with token covers.
func (h *SandboxPayments) Page(ctx context.Context, token string) (PayPage, error) {
	l, err := h.links.ByToken(ctx, token)
	if err != nil {
		return PayPage{}, err
	}
	c, err := h.customers.Get(ctx, l.CustomerID())
	if err != nil {
		return PayPage{}, err
	}
	p := PayPage{Link: l, Customer: c}
	for _, id := range l.InvoiceIDs() {
		inv, err := h.invoices.Get(ctx, id)
		if err != nil {
			return PayPage{}, err
		}
		p.Invoices = append(p.Invoices, inv)
	}
	return p, nil
}

// Pay pays the link with token, if it can still be paid.
func (h *SandboxPayments) Pay(ctx context.Context, token string) error {
	l, err := h.links.ByToken(ctx, token)
	if err != nil {
		return err
	}
	if l.Provider() != "sandbox" {
		return ErrNotSandbox
	}
	now := h.clock.Now()
	if err := l.CheckPayable(now); err != nil {
		return err
	}
	return h.reconcile.Handle(ctx, ports.PaymentEvent{
		Kind: ports.PaymentSucceeded, EventID: "sandbox-" + l.ID().String(), LinkID: l.ID(),
		ProviderReference: "sandbox_" + l.ID().String(), Amount: l.Amount(), At: now,
	})
}
