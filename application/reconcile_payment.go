package application

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/payment"
	"github.com/saldocrm/saldo/domain/paymentlink"
	"github.com/saldocrm/saldo/ports"
)

// ErrRefundBeforePayment is returned for a refund of a payment not recorded
// yet; the provider delivers it again later.
var ErrRefundBeforePayment = errors.New("the refunded payment is not recorded yet")

// ReceiptTemplate is the utility template a receipt is sent with outside
// the 24-hour window: {{1}} the customer's name, {{2}} the amount paid.
type ReceiptTemplate struct {
	Name, Language string
}

// ReconcilePayment applies what a payment provider reports about a link.
// A payment records one Payment (its provider reference is unique, so a
// redelivered or concurrent event records nothing new), settles the link's
// invoices oldest first with any excess as credit, marks the link paid,
// notes it in the customer's conversation and sends a receipt.
type ReconcilePayment struct {
	links         ports.PaymentLinkRepository
	record        *RecordPayment
	conversations ports.ConversationRepository
	customers     ports.CustomerRepository
	send          *SendMessage
	uow           ports.UnitOfWork
	clock         ports.Clock
	receipt       ReceiptTemplate
	log           *slog.Logger
	listener      func(context.Context, Change)
}

// NewReconcilePayment returns the use case.
func NewReconcilePayment(links ports.PaymentLinkRepository, record *RecordPayment, conversations ports.ConversationRepository,
	customers ports.CustomerRepository, send *SendMessage, uow ports.UnitOfWork, clock ports.Clock, receipt ReceiptTemplate, log *slog.Logger,
) *ReconcilePayment {
	must(links, record, conversations, customers, send, uow, clock, log)
	return &ReconcilePayment{
		links: links, record: record, conversations: conversations, customers: customers, send: send,
		uow: uow, clock: clock, receipt: receipt, log: log,
	}
}

// OnChange registers a function told when a conversation changes.
func (h *ReconcilePayment) OnChange(fn func(context.Context, Change)) { h.listener = fn }

// Handle applies ev. Events about links Saldo does not know are ignored.
func (h *ReconcilePayment) Handle(ctx context.Context, ev ports.PaymentEvent) error {
	switch ev.Kind {
	case ports.EventIgnored:
		return nil
	case ports.PaymentRefunded:
		return h.refund(ctx, ev)
	}
	link, err := h.links.Get(ctx, ev.LinkID)
	if errors.Is(err, paymentlink.ErrNotFound) {
		h.log.InfoContext(ctx, "payment event for a link Saldo does not know", slog.String("event", ev.EventID), slog.String("kind", string(ev.Kind)))
		return nil
	}
	if err != nil {
		return err
	}
	switch ev.Kind {
	case ports.PaymentSucceeded:
		return h.paid(ctx, link, ev)
	case ports.PaymentFailed:
		return h.update(ctx, link.ID(), func(l *paymentlink.Link) bool { return l.Fail(ev.At) })
	case ports.LinkExpired:
		return h.update(ctx, link.ID(), func(l *paymentlink.Link) bool { return l.Expire(ev.At) })
	}
	return nil
}

func (h *ReconcilePayment) paid(ctx context.Context, link *paymentlink.Link, ev ports.PaymentEvent) error {
	if ev.Amount.Currency() != link.Amount().Currency() {
		return fmt.Errorf("payment %s for link %s: %w", ev.ProviderReference, link.ID(), ErrLinkCurrency.New(ev.Amount.Currency(), link.Amount().Currency()))
	}
	method := payment.Stripe
	if link.Provider() == "sandbox" {
		method = payment.Sandbox
	}
	res, err := h.record.Handle(ctx, RecordPaymentCommand{
		CustomerID: link.CustomerID(), Amount: ev.Amount, Method: method, ProviderReference: ev.ProviderReference,
		ReceivedAt: ev.At, Settles: link.InvoiceIDs(),
	})
	if err != nil {
		return err
	}
	var conv uuid.UUID
	marked := false
	err = h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		l, err := tx.PaymentLinks().Lock(ctx, link.ID())
		if err != nil {
			return err
		}
		if marked = l.MarkPaid(res.Payment.ID(), ev.At); !marked {
			return nil // a redelivery: recorded and noted already
		}
		if err := tx.PaymentLinks().Save(ctx, l); err != nil {
			return err
		}
		conv = l.ConversationID()
		if conv == uuid.Nil {
			return nil
		}
		c, err := tx.Conversations().Lock(ctx, conv)
		if err != nil {
			return err
		}
		_, err = tx.Messages().Add(ctx, c.RecordEvent(newID(), "paid:"+ev.Amount.String(), h.clock.Now()))
		if err != nil {
			return err
		}
		return tx.Conversations().Save(ctx, c)
	})
	if err != nil || !marked {
		return err
	}
	if conv == uuid.Nil {
		conv = h.latestConversation(ctx, link.CustomerID())
	}
	if h.listener != nil && conv != uuid.Nil {
		h.listener(ctx, Change{ConversationID: conv, Kind: "payment"})
	}
	if conv != uuid.Nil {
		h.sendReceipt(ctx, conv, link.CustomerID(), ev)
	}
	return nil
}

func (h *ReconcilePayment) latestConversation(ctx context.Context, customerID uuid.UUID) uuid.UUID {
	convs, err := h.conversations.List(ctx, ports.ConversationFilter{CustomerID: customerID, Page: ports.Page{Limit: 1}})
	if err != nil || len(convs) == 0 {
		return uuid.Nil
	}
	return convs[0].ID()
}

// sendReceipt thanks the customer: in words inside the window, with the
// receipt template outside it. A receipt that cannot be sent is logged: the
// payment stands.
func (h *ReconcilePayment) sendReceipt(ctx context.Context, convID, customerID uuid.UUID, ev ports.PaymentEvent) {
	c, err := h.customers.Get(ctx, customerID)
	if err != nil {
		h.log.WarnContext(ctx, "receipt: customer", slog.Any("error", err))
		return
	}
	conv, err := h.conversations.Get(ctx, convID)
	if err != nil {
		h.log.WarnContext(ctx, "receipt: conversation", slog.Any("error", err))
		return
	}
	lang := string(c.Language())
	content := conversation.Content{Type: conversation.Text, Text: receiptText(c, ev, lang)}
	if !conv.WindowOpen(h.clock.Now()) {
		if h.receipt.Name == "" {
			h.log.InfoContext(ctx, "no receipt sent: the window is closed and no receipt template is configured")
			return
		}
		content = conversation.Content{Type: conversation.Template, Template: &conversation.TemplateContent{
			Name: h.receipt.Name, Language: h.receipt.Language, BodyParams: []string{c.Name(), ev.Amount.Format(lang)},
		}}
	}
	if _, err := h.send.Handle(ctx, SendMessageCommand{ConversationID: convID, Content: content}); err != nil {
		h.log.WarnContext(ctx, "receipt not sent", slog.String("conversation_id", convID.String()), slog.Any("error", err))
	}
}

func receiptText(c *customer.Customer, ev ports.PaymentEvent, lang string) string {
	amount := ev.Amount.Format(lang)
	switch lang {
	case "pt":
		return "Recebemos seu pagamento de " + amount + ". Obrigado, " + c.Name() + "!"
	case "en":
		return "We received your payment of " + amount + ". Thank you, " + c.Name() + "!"
	}
	return "Recibimos su pago de " + amount + ". ¡Gracias, " + c.Name() + "!"
}

// refund gives back what the provider refunded: the payment's refunded
// total rises to the event's (a redelivery changes nothing), taken first from
// the customer's credit, then from the latest invoices it settled, which
// owe it again.
func (h *ReconcilePayment) refund(ctx context.Context, ev ports.PaymentEvent) error {
	var customerID uuid.UUID
	err := h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		p, err := tx.Payments().LockByReference(ctx, ev.ProviderReference)
		if err != nil {
			return err
		}
		customerID = p.CustomerID()
		ids := make([]uuid.UUID, 0, len(p.Allocations()))
		for _, a := range p.Allocations() {
			ids = append(ids, a.InvoiceID())
		}
		locked, err := tx.Invoices().LockByIDs(ctx, ids)
		if err != nil {
			return err
		}
		byID := make(map[uuid.UUID]*invoice.Invoice, len(locked))
		for _, inv := range locked {
			byID[inv.ID()] = inv
		}
		changed, err := p.RefundTo(ev.Amount, byID, h.clock.Now())
		if err != nil {
			return err
		}
		if err := tx.Payments().Save(ctx, p); err != nil {
			return err
		}
		return tx.Invoices().Save(ctx, changed...)
	})
	if errors.Is(err, payment.ErrNotFound) {
		// The payment's own event may not have been applied yet (the provider
		// delivers out of order and retries failures): fail so the refund is
		// delivered again, rather than losing it for good.
		return fmt.Errorf("refund %s: %w", ev.ProviderReference, ErrRefundBeforePayment)
	}
	if err != nil {
		return err
	}
	if conv := h.latestConversation(ctx, customerID); conv != uuid.Nil && h.listener != nil {
		h.listener(ctx, Change{ConversationID: conv, Kind: "payment"})
	}
	return nil
}

func (h *ReconcilePayment) update(ctx context.Context, id uuid.UUID, apply func(*paymentlink.Link) bool) error {
	return h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		l, err := tx.PaymentLinks().Lock(ctx, id)
		if err != nil {
			return err
		}
		if !apply(l) {
			return nil
		}
		return tx.PaymentLinks().Save(ctx, l)
	})
}
