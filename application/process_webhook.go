package application

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/phone"
	"github.com/saldocrm/saldo/domain/template"
	"github.com/saldocrm/saldo/ports"
)

// ErrUnknownWAMID is returned while a status names a message Saldo has not
// recorded yet (its send may still be storing WhatsApp's id): the delivery
// is retried later.
var ErrUnknownWAMID = errors.New("status for a message not recorded yet")

// unknownStatusGrace is how long statuses of unknown messages are retried
// before they are set aside (messages sent from outside Saldo never appear).
const unknownStatusGrace = 10 * time.Minute

// ProcessWhatsAppWebhook applies a stored webhook delivery: inbound messages
// join their conversation (created and linked to the customer by phone when
// new), statuses move messages forward, template reviews update templates.
// Applying the same delivery twice changes nothing the second time.
type ProcessWhatsAppWebhook struct {
	decoder  ports.WebhookDecoder
	inbox    ports.WebhookInbox
	numbers  ports.NumberRepository
	finder   ports.CustomerFinder
	uow      ports.UnitOfWork
	clock    ports.Clock
	log      *slog.Logger
	listener func(context.Context, Change) // told about each change, for live updates; may be nil
	optOut   *optOutReplies                // opt-out keywords (opt_out.go); nil: the defaults
}

// Change says what a webhook changed, for live updates.
type Change struct {
	ConversationID uuid.UUID
	MessageID      uuid.UUID
	Kind           string // "message", "status"
}

// NewProcessWhatsAppWebhook returns the use case.
func NewProcessWhatsAppWebhook(decoder ports.WebhookDecoder, inbox ports.WebhookInbox, numbers ports.NumberRepository,
	finder ports.CustomerFinder, uow ports.UnitOfWork, clock ports.Clock, log *slog.Logger,
) *ProcessWhatsAppWebhook {
	must(decoder, inbox, numbers, finder, uow, clock, log)
	return &ProcessWhatsAppWebhook{decoder: decoder, inbox: inbox, numbers: numbers, finder: finder, uow: uow, clock: clock, log: log}
}

// OnChange registers a function told about every change applied.
func (h *ProcessWhatsAppWebhook) OnChange(fn func(context.Context, Change)) { h.listener = fn }

// Handle processes event id. An error means "try again later".
func (h *ProcessWhatsAppWebhook) Handle(ctx context.Context, id uuid.UUID) error {
	e, err := h.inbox.Get(ctx, id)
	if err != nil {
		return err
	}
	if !e.ProcessedAt.IsZero() {
		return nil
	}
	events, err := h.decoder.Decode(e.Body)
	if err != nil {
		// It was readable when it arrived; a body that is not is set aside for good.
		return h.inbox.MarkFailed(ctx, id, h.clock.Now(), err.Error())
	}
	var changes []Change
	for _, in := range events.Inbound {
		c, err := h.inbound(ctx, in)
		if err != nil {
			return fmt.Errorf("inbound %s: %w", in.Message.WAMID, err)
		}
		changes = append(changes, c...)
	}
	c, err := h.statuses(ctx, events.Statuses)
	changes = append(changes, c...)
	if errors.Is(err, ErrUnknownWAMID) && h.clock.Now().Sub(e.ReceivedAt) > unknownStatusGrace {
		h.log.InfoContext(ctx, "statuses of messages Saldo did not send are ignored", slog.String("event_id", id.String()))
		err = nil
	}
	if err != nil {
		h.notify(ctx, changes)
		return err
	}
	if err := h.templates(ctx, events.Templates); err != nil {
		return err
	}
	h.notify(ctx, changes)
	return h.inbox.MarkProcessed(ctx, id, h.clock.Now())
}

func (h *ProcessWhatsAppWebhook) notify(ctx context.Context, changes []Change) {
	if h.listener == nil {
		return
	}
	for _, c := range changes {
		h.listener(ctx, c)
	}
}

func (h *ProcessWhatsAppWebhook) inbound(ctx context.Context, in conversation.InboundEvent) ([]Change, error) {
	number, err := h.numbers.ByPhoneNumberID(ctx, in.PhoneNumberID)
	if err != nil {
		return nil, err
	}
	now := h.clock.Now()
	var change []Change
	err = h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		conv, err := tx.Conversations().LockThread(ctx, number.ID, in.WaID, func() (*conversation.Conversation, error) {
			return conversation.Start(uuid.Must(uuid.NewV7()), number.ID, in.WaID, in.ContactName, now)
		})
		if err != nil {
			return err
		}
		msg := conv.Receive(uuid.Must(uuid.NewV7()), in.Message, in.ContactName, now)
		if err := answersCampaign(ctx, tx, msg, in.WaID, now); err != nil {
			return err
		}
		added, err := tx.Messages().Add(ctx, msg)
		if err != nil || !added {
			return err // a redelivery: already here, nothing changes
		}
		if conv.CustomerID() == uuid.Nil {
			if err := h.link(ctx, conv, now); err != nil {
				return err
			}
		}
		if err := h.optOutOnKeyword(ctx, tx, conv, msg, now); err != nil {
			return err
		}
		change = []Change{{ConversationID: conv.ID(), MessageID: msg.ID(), Kind: "message"}}
		return tx.Conversations().Save(ctx, conv)
	})
	return change, err
}

// link links the conversation to the one customer with the sender's number,
// matched on its canonical form (Mexican "1", Brazilian ninth digit).
func (h *ProcessWhatsAppWebhook) link(ctx context.Context, conv *conversation.Conversation, now time.Time) error {
	n, err := phone.FromWhatsAppID(conv.WaID())
	if err != nil {
		return nil
	}
	ids, err := h.finder.ByPhoneKey(ctx, n.CanonicalKey())
	if err != nil {
		return err
	}
	if len(ids) == 1 { // several customers share the number: an agent links by hand
		conv.LinkCustomer(ids[0], now)
	}
	return nil
}

func (h *ProcessWhatsAppWebhook) statuses(ctx context.Context, statuses []conversation.StatusEvent) ([]Change, error) {
	if len(statuses) == 0 {
		return nil, nil
	}
	var changes []Change
	unknown := 0
	err := h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		changes, unknown = nil, 0
		var others []conversation.StatusEvent
		for _, s := range statuses {
			if _, ok := recipientOfRef(s.Ref); ok {
				others = append(others, s)
				continue
			}
			m, err := tx.Messages().LockByWAMID(ctx, s.WAMID)
			recorded := false
			if id, ok := messageOfRef(s.Ref); ok && errors.Is(err, conversation.ErrMessageNotFound) {
				// A send whose answer was lost: the webhook tells its WhatsApp id.
				if m, err = tx.Messages().Lock(ctx, id); err == nil {
					if m.WAMID() != "" || m.Status() != conversation.Pending {
						continue // news of an attempt another one replaced, or of a message given up
					}
					m.MarkSent(s.WAMID, s.At)
					recorded = true
				}
			}
			if errors.Is(err, conversation.ErrMessageNotFound) {
				others = append(others, s) // a campaign's message, or one not recorded yet
				continue
			}
			if err != nil {
				return err
			}
			if !m.Advance(s.Status, s.At, s.Failure) && !recorded {
				continue // a redelivery, or news older than what we know
			}
			if err := tx.Messages().Save(ctx, m); err != nil {
				return err
			}
			changes = append(changes, Change{ConversationID: m.ConversationID(), MessageID: m.ID(), Kind: "status"})
		}
		var err error
		unknown, err = applyRecipientStatuses(ctx, tx, others, h.clock.Now())
		return err
	})
	if err != nil {
		return nil, err
	}
	if unknown > 0 {
		return changes, fmt.Errorf("%d of %d statuses: %w", unknown, len(statuses), ErrUnknownWAMID)
	}
	return changes, nil
}

func (h *ProcessWhatsAppWebhook) templates(ctx context.Context, events []conversation.TemplateStatusEvent) error {
	for _, ev := range events {
		err := h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
			t, err := tx.Templates().Get(ctx, ev.Name, ev.Language)
			if err != nil {
				return err
			}
			if !t.Review(ev.Event, ev.Reason, ev.At) {
				return nil
			}
			return tx.Templates().Save(ctx, t)
		})
		if errors.Is(err, template.ErrNotFound) {
			h.log.InfoContext(ctx, "review of a template Saldo does not know", slog.String("template", ev.Name), slog.String("language", ev.Language))
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Permanent reports whether a job failing with err cannot succeed by
// retrying: the input is invalid or names something that does not exist.
func Permanent(err error) bool {
	k := domain.KindOf(err)
	return k == domain.KindInvalid || k == domain.KindNotFound
}
