package application

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/ports"
)

// OptOutKeywords are the whole messages that opt a customer out of WhatsApp
// messages (OptOut) or back in (OptIn); empty lists take the defaults.
type OptOutKeywords struct {
	OptOut []string
	OptIn  []string
}

// optOutReplies answers opt-out and opt-in keywords.
type optOutReplies struct {
	keywords customer.Keywords
	optIn    []string // as configured, to tell the customer how to come back
}

func newOptOutReplies(k OptOutKeywords) *optOutReplies {
	if len(k.OptOut) == 0 {
		k.OptOut = customer.DefaultOptOutKeywords
	}
	if len(k.OptIn) == 0 {
		k.OptIn = customer.DefaultOptInKeywords
	}
	return &optOutReplies{keywords: customer.NewKeywords(k.OptOut, k.OptIn), optIn: k.OptIn}
}

// SetOptOutKeywords replaces the default opt-out and opt-in keywords.
func (h *ProcessWhatsAppWebhook) SetOptOutKeywords(k OptOutKeywords) { h.optOut = newOptOutReplies(k) }

// optOutOnKeyword runs inside the unit of work that added msg, a new inbound
// message (a redelivery never gets here). When the whole message is an
// opt-out keyword, the customers with the conversation's number are opted
// out of WhatsApp messages; an opt-in keyword opts them back in. Either way
// one confirmation is queued through the outbox in the same transaction, and
// a change leaves an event in the thread for the agents.
func (h *ProcessWhatsAppWebhook) optOutOnKeyword(ctx context.Context, tx ports.Repos, conv *conversation.Conversation, msg *conversation.Message, now time.Time) error {
	r := h.optOut
	if r == nil {
		r = newOptOutReplies(OptOutKeywords{})
	}
	intent := r.match(msg.Content())
	if intent == customer.NoIntent {
		return nil
	}
	customers, err := h.numberCustomers(ctx, tx, conv)
	if err != nil || len(customers) == 0 {
		return err // a number no customer has: there is nothing to opt out of
	}
	changed := make([]*customer.Customer, 0, len(customers))
	for _, c := range customers {
		if (intent == customer.OptOutIntent && c.OptOut(now)) || (intent == customer.OptInIntent && c.OptIn(now)) {
			changed = append(changed, c)
		}
	}
	if err := tx.Customers().Save(ctx, changed...); err != nil {
		return err
	}
	event := "opted_in"
	if intent == customer.OptOutIntent {
		event = "opted_out"
	}
	if len(changed) > 0 {
		if _, err := tx.Messages().Add(ctx, conv.RecordEvent(newID(), event, now)); err != nil {
			return err
		}
	}
	text := r.confirmation(intent, string(customers[0].Language()))
	_, _, err = send(ctx, tx, conv, conversation.Content{Type: conversation.Text, Text: text}, uuid.Nil, now)
	if err != nil && domain.KindOf(err) != domain.KindInternal {
		// The window can be closed when a delivery arrives very late: the
		// customer's choice stands, only the confirmation is not sent.
		h.log.InfoContext(ctx, "opt-out confirmation not sent", slog.String("conversation_id", conv.ID().String()), slog.Any("error", err))
		return nil
	}
	return err
}

// numberCustomers returns, locked for this unit of work, the conversation's
// customer and every other customer with its number: opting out is about
// the number, and each of them would be messaged on it.
func (h *ProcessWhatsAppWebhook) numberCustomers(ctx context.Context, tx ports.Repos, conv *conversation.Conversation) ([]*customer.Customer, error) {
	var ids []uuid.UUID
	if conv.CustomerID() != uuid.Nil {
		ids = append(ids, conv.CustomerID())
	}
	byPhone, err := h.finder.ByPhoneKey(ctx, conv.Phone().CanonicalKey())
	if err != nil {
		return nil, err
	}
	for _, id := range byPhone {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	exts, err := tx.Customers().ExternalIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(exts))
	for _, id := range ids {
		if ext, ok := exts[id]; ok {
			keys = append(keys, ext)
		}
	}
	// Locked: an ERP sync of the same customer waits and keeps the choice.
	locked, err := tx.Customers().ByExternalIDs(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make([]*customer.Customer, 0, len(locked))
	for _, id := range ids { // the linked customer first: their language answers
		if c, ok := locked[exts[id]]; ok {
			out = append(out, c)
		}
	}
	return out, nil
}

// match reads the keyword of a text message or of a tapped button.
func (r *optOutReplies) match(c conversation.Content) customer.Intent {
	switch c.Type {
	case conversation.Text:
		return r.keywords.Match(c.Text)
	case conversation.Button, conversation.Interactive:
		if c.Reply == nil {
			return customer.NoIntent
		}
		if in := r.keywords.Match(c.Reply.Title); in != customer.NoIntent {
			return in
		}
		return r.keywords.Match(c.Reply.ID)
	}
	return customer.NoIntent
}

// confirmation is the reply to a keyword, in the customer's language.
func (r *optOutReplies) confirmation(intent customer.Intent, lang string) string {
	if intent == customer.OptInIntent {
		switch lang {
		case "pt":
			return "Pronto: você voltará a receber nossas mensagens pelo WhatsApp."
		case "en":
			return "Done: you will receive our WhatsApp messages again."
		}
		return "Listo: volverá a recibir nuestros mensajes por WhatsApp."
	}
	back := r.optInWord(lang)
	switch lang {
	case "pt":
		s := "Pronto: você não receberá mais mensagens nossas pelo WhatsApp."
		if back != "" {
			s += " Se mudar de ideia, escreva " + back + "."
		}
		return s
	case "en":
		s := "Done: you will not receive any more WhatsApp messages from us."
		if back != "" {
			s += " If you change your mind, reply " + back + "."
		}
		return s
	}
	s := "Listo: no le enviaremos más mensajes por WhatsApp."
	if back != "" {
		s += " Si cambia de opinión, escriba " + back + "."
	}
	return s
}

// optInWord picks the opt-in keyword to suggest: START in English, ALTA in
// Spanish and Portuguese when configured, else the first one.
func (r *optOutReplies) optInWord(lang string) string {
	prefer := "ALTA"
	if lang == "en" {
		prefer = "START"
	}
	for _, w := range r.optIn {
		if strings.EqualFold(strings.TrimSpace(w), prefer) {
			return prefer
		}
	}
	if len(r.optIn) > 0 {
		return strings.ToUpper(strings.TrimSpace(r.optIn[0]))
	}
	return ""
}
