package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/paymentlink"
	"github.com/saldocrm/saldo/ports"
)

// OverdueLinks makes the payment link a reminder carries (the payment_link
// variable): one link per reminder (its key), reused by the reminder's
// retries while it can be paid, covering the customer's overdue invoices
// that are not disputed, in one currency (the organization's when it has
// overdue invoices in it, else the one with the largest amount overdue).
// A customer with nothing overdue yet (a reminder before the due date) gets
// a link for the open invoices instead.
type OverdueLinks struct {
	create   *CreatePaymentLink
	keys     ports.DunningLinkRepository
	links    ports.PaymentLinkRepository
	invoices ports.InvoiceRepository
	disputes ports.DisputeRepository
	clock    ports.Clock
	org      Org
}

var _ PaymentLinkMaker = (*OverdueLinks)(nil)

// NewOverdueLinks returns the maker.
func NewOverdueLinks(create *CreatePaymentLink, keys ports.DunningLinkRepository, links ports.PaymentLinkRepository,
	invoices ports.InvoiceRepository, disputes ports.DisputeRepository, clock ports.Clock, org Org,
) *OverdueLinks {
	must(create, keys, links, invoices, disputes, clock, org.Location)
	return &OverdueLinks{create: create, keys: keys, links: links, invoices: invoices, disputes: disputes, clock: clock, org: org}
}

// OverdueLink implements PaymentLinkMaker.
func (m *OverdueLinks) OverdueLink(ctx context.Context, customerID uuid.UUID, key string) (string, error) {
	now := m.clock.Now()
	id, err := m.keys.LinkFor(ctx, key)
	if err != nil {
		return "", err
	}
	if id != uuid.Nil {
		l, err := m.links.Get(ctx, id)
		if err != nil {
			return "", err
		}
		if l.Status() == paymentlink.Open && l.URL() != "" && now.Before(l.ExpiresAt()) {
			return l.URL(), nil
		}
	}
	ids, err := m.choose(ctx, customerID)
	if err != nil {
		return "", err
	}
	l, err := m.create.Handle(ctx, CreatePaymentLinkCommand{CustomerID: customerID, InvoiceIDs: ids})
	if err != nil {
		return "", err
	}
	if err := m.keys.SaveLink(ctx, key, l.ID(), now); err != nil {
		return "", err
	}
	return l.URL(), nil
}

// choose returns the invoices the link covers.
func (m *OverdueLinks) choose(ctx context.Context, customerID uuid.UUID) ([]uuid.UUID, error) {
	open, err := m.invoices.OpenByCustomer(ctx, customerID)
	if err != nil {
		return nil, err
	}
	ids := make([]uuid.UUID, 0, len(open))
	for _, inv := range open {
		ids = append(ids, inv.ID())
	}
	disputed, err := m.disputes.OpenAmong(ctx, ids)
	if err != nil {
		return nil, err
	}
	today := m.org.Today(m.clock.Now())
	var overdue, owing []*invoice.Invoice
	for _, inv := range open {
		if _, ok := disputed[inv.ID()]; ok || !inv.Balance().IsPositive() {
			continue
		}
		owing = append(owing, inv)
		if inv.IsOverdue(today) {
			overdue = append(overdue, inv)
		}
	}
	if len(overdue) == 0 {
		overdue = owing
	}
	if len(overdue) == 0 {
		return nil, ErrNothingOverdue
	}
	sums := map[money.Currency]money.Money{}
	for _, inv := range overdue {
		s, ok := sums[inv.Currency()]
		if !ok {
			s = money.Zero(inv.Currency())
		}
		sums[inv.Currency()], _ = s.Add(inv.Balance())
	}
	cur := overdue[0].Currency()
	if _, ok := sums[m.org.Currency]; ok {
		cur = m.org.Currency
	} else {
		for c, s := range sums {
			if s.Amount().GreaterThan(sums[cur].Amount()) {
				cur = c
			}
		}
	}
	var out []uuid.UUID
	for _, inv := range overdue {
		if inv.Currency() == cur {
			out = append(out, inv.ID())
		}
	}
	return out, nil
}
