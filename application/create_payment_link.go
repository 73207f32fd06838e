package application

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/payment"
	"github.com/saldocrm/saldo/domain/paymentlink"
	"github.com/saldocrm/saldo/ports"
)

// Errors of payment link creation.
var (
	ErrNothingOverdue    = domain.Errorf(domain.KindInvalid, "nothing_overdue", "the customer has no overdue invoice: name the invoices to cover")
	ErrInvoiceNotOpen    = domain.Errorf(domain.KindInvalid, "invoice_not_open", "invoice %s is not an open invoice of this customer")
	ErrMixedCurrencies   = domain.Errorf(domain.KindInvalid, "mixed_currencies", "the invoices are in %s and %s: make one link per currency")
	ErrAmountOverBalance = domain.Errorf(domain.KindInvalid, "amount_over_balance", "%s is more than the invoices' balance %s")
	ErrLinkCurrency      = domain.Errorf(domain.KindInvalid, "currency_mismatch", "the amount is in %s, the invoices in %s")
)

// CreatePaymentLinkCommand asks for a link covering some of a customer's
// invoices (none named: all their overdue invoices) for an amount (nil:
// their whole balance), optionally sent in a conversation.
type CreatePaymentLinkCommand struct {
	CustomerID     uuid.UUID
	InvoiceIDs     []uuid.UUID
	Amount         *money.Money
	ConversationID uuid.UUID
}

// CreatePaymentLink stores a link and opens it at the payment provider.
// The link is stored first, so a provider's answer is never lost; the link
// id is the provider's idempotency key, so a retry opens one page.
type CreatePaymentLink struct {
	customers ports.CustomerRepository
	invoices  ports.InvoiceRepository
	links     ports.PaymentLinkRepository
	provider  ports.PaymentLinkProvider
	clock     ports.Clock
	org       Org
	lifetime  time.Duration
}

// NewCreatePaymentLink returns the use case; links can be paid for lifetime.
func NewCreatePaymentLink(customers ports.CustomerRepository, invoices ports.InvoiceRepository, links ports.PaymentLinkRepository,
	provider ports.PaymentLinkProvider, clock ports.Clock, org Org, lifetime time.Duration,
) *CreatePaymentLink {
	must(customers, invoices, links, provider, clock, org.Location)
	if lifetime <= 0 {
		lifetime = paymentlink.DefaultLifetime
	}
	return &CreatePaymentLink{customers: customers, invoices: invoices, links: links, provider: provider, clock: clock, org: org, lifetime: lifetime}
}

// Handle creates the link and returns it open, with its URL.
func (h *CreatePaymentLink) Handle(ctx context.Context, cmd CreatePaymentLinkCommand) (*paymentlink.Link, error) {
	c, err := h.customers.Get(ctx, cmd.CustomerID)
	if err != nil {
		return nil, err
	}
	open, err := h.invoices.OpenByCustomer(ctx, c.ID())
	if err != nil {
		return nil, err
	}
	now := h.clock.Now()
	chosen, err := h.choose(open, cmd.InvoiceIDs, h.org.Today(now))
	if err != nil {
		return nil, err
	}
	cur := chosen[0].Currency()
	balance := money.Zero(cur)
	ids := make([]uuid.UUID, len(chosen))
	for i, inv := range chosen {
		if inv.Currency() != cur {
			return nil, ErrMixedCurrencies.New(cur, inv.Currency())
		}
		balance, _ = balance.Add(inv.Balance())
		ids[i] = inv.ID()
	}
	amount := balance
	if cmd.Amount != nil {
		amount = *cmd.Amount
		if amount.Currency() != cur {
			return nil, ErrLinkCurrency.New(amount.Currency(), cur)
		}
		if c, _ := amount.Cmp(balance); c > 0 {
			return nil, ErrAmountOverBalance.New(amount, balance)
		}
	}
	link, err := paymentlink.New(newID(), c.ID(), ids, amount, h.provider.Name(), h.lifetime, now)
	if err != nil {
		return nil, err
	}
	if cmd.ConversationID != uuid.Nil {
		link.SentIn(cmd.ConversationID, now)
	}
	if err := h.links.Create(ctx, link); err != nil {
		return nil, err
	}
	providerID, url, err := h.provider.Create(ctx, ports.LinkRequest{Link: link, Customer: c, Invoices: chosen})
	if err != nil {
		link.Fail(h.clock.Now())
		if serr := h.links.Save(ctx, link); serr != nil {
			return nil, fmt.Errorf("create payment link: %w (and recording the failure: %w)", err, serr)
		}
		return nil, fmt.Errorf("create payment link at %s: %w", h.provider.Name(), err)
	}
	link.Opened(providerID, url, h.clock.Now())
	if err := h.links.Save(ctx, link); err != nil {
		return nil, err
	}
	return link, nil
}

// choose returns the named invoices, or all overdue ones, oldest first.
func (h *CreatePaymentLink) choose(open []*invoice.Invoice, ids []uuid.UUID, today date.Date) ([]*invoice.Invoice, error) {
	var out []*invoice.Invoice
	if len(ids) == 0 {
		for _, inv := range open {
			if inv.IsOverdue(today) {
				out = append(out, inv)
			}
		}
		if len(out) == 0 {
			return nil, ErrNothingOverdue
		}
	} else {
		for _, id := range ids {
			i := slices.IndexFunc(open, func(inv *invoice.Invoice) bool { return inv.ID() == id })
			if i < 0 || !open[i].Balance().IsPositive() {
				return nil, ErrInvoiceNotOpen.New(id)
			}
			if !slices.Contains(out, open[i]) {
				out = append(out, open[i])
			}
		}
	}
	payment.SortOldestFirst(out)
	return out, nil
}
