package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/paymentlink"
	"github.com/saldocrm/saldo/ports"
)

// LinkTemplate is the template a payment link is sent with outside the
// 24-hour window: {{1}} the customer's name, {{2}} the amount, {{3}} the
// link's expiry date; its URL button ends in {{1}}, filled with the link's
// token (the button's base URL is Saldo's /pay/).
type LinkTemplate struct {
	Name, Language string
}

// ErrNoLinkTemplate is returned outside the window when no template is configured.
var ErrNoLinkTemplate = domain.Errorf(domain.KindInvalid, "window_closed", "the 24-hour window is closed and no payment link template is configured (PAYMENT_LINK_TEMPLATE)")

// SendPaymentLink creates a payment link from a conversation and sends it
// there: in words inside the window, with the link template outside it.
type SendPaymentLink struct {
	create        *CreatePaymentLink
	send          *SendMessage
	conversations ports.ConversationRepository
	customers     ports.CustomerRepository
	template      LinkTemplate
}

// NewSendPaymentLink returns the use case.
func NewSendPaymentLink(create *CreatePaymentLink, send *SendMessage, conversations ports.ConversationRepository, customers ports.CustomerRepository, t LinkTemplate) *SendPaymentLink {
	must(create, send, conversations, customers)
	return &SendPaymentLink{create: create, send: send, conversations: conversations, customers: customers, template: t}
}

// Handle creates the link for cmd (cmd.ConversationID is required) and sends it as author.
func (h *SendPaymentLink) Handle(ctx context.Context, cmd CreatePaymentLinkCommand, author uuid.UUID) (*paymentlink.Link, error) {
	conv, err := h.conversations.Get(ctx, cmd.ConversationID)
	if err != nil {
		return nil, err
	}
	now := h.send.clock.Now()
	if !conv.WindowOpen(now) && h.template.Name == "" {
		return nil, ErrNoLinkTemplate
	}
	c, err := h.customers.Get(ctx, cmd.CustomerID)
	if err != nil {
		return nil, err
	}
	link, err := h.create.Handle(ctx, cmd)
	if err != nil {
		return nil, err
	}
	lang := string(c.Language())
	content := conversation.Content{Type: conversation.Text, Text: linkText(lang, link)}
	if !conv.WindowOpen(now) {
		content = conversation.Content{Type: conversation.Template, Template: &conversation.TemplateContent{
			Name: h.template.Name, Language: h.template.Language,
			BodyParams: []string{c.Name(), link.Amount().Format(lang), link.ExpiresAt().In(h.create.org.Location).Format("02/01/2006")},
			Buttons:    []conversation.TemplateButtonParam{{Index: 0, SubType: "url", Text: link.Token()}},
		}}
	}
	if _, err := h.send.Handle(ctx, SendMessageCommand{ConversationID: conv.ID(), Content: content, AuthorID: author}); err != nil {
		return link, err
	}
	return link, nil
}

func linkText(lang string, l *paymentlink.Link) string {
	amount := l.Amount().Format(lang)
	switch lang {
	case "pt":
		return "Você pode pagar " + amount + " aqui: " + l.URL()
	case "en":
		return "You can pay " + amount + " here: " + l.URL()
	}
	return "Puede pagar " + amount + " aquí: " + l.URL()
}
