package application

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/ports"
)

// DeliverMessage sends a stored, pending outbound message through WhatsApp
// and records WhatsApp's id, or the failure with Meta's code and reason. A
// message that is no longer pending is not sent again, so a job that runs
// twice sends once.
type DeliverMessage struct {
	messages      ports.MessageRepository
	conversations ports.ConversationRepository
	numbers       ports.NumberRepository
	gateway       ports.MessagingGateway
	uow           ports.UnitOfWork
	clock         ports.Clock
	listener      func(context.Context, Change)
	limiter       ports.SendLimiter  // nil: no limit
	inbox         ports.WebhookInbox // nil: a send in doubt is sent again at once
	grace         time.Duration
}

// ErrSendInDoubt is returned while a message's earlier send has no known
// outcome: WhatsApp may have taken it, and its status webhook may still
// come. The job is retried later.
var ErrSendInDoubt = errors.New("the message's last send has no known outcome yet")

// InDoubt makes a send whose outcome is unknown wait up to grace for a
// status webhook naming the message (see resendableBefore) before the
// message is sent again.
func (h *DeliverMessage) InDoubt(inbox ports.WebhookInbox, grace time.Duration) {
	h.inbox, h.grace = inbox, grace
}

// MessageRef is the reference an outbound message's send carries, echoed by
// its status webhooks.
func MessageRef(id uuid.UUID) string { return "m:" + id.String() }

// messageOfRef reads a MessageRef.
func messageOfRef(ref string) (uuid.UUID, bool) {
	if len(ref) < 2 || ref[:2] != "m:" {
		return uuid.Nil, false
	}
	id, err := uuid.Parse(ref[2:])
	return id, err == nil
}

// Throttle makes every send wait for a slot of the number's rate limit,
// which campaigns and reminders share.
func (h *DeliverMessage) Throttle(l ports.SendLimiter) { h.limiter = l }

// slot waits for one send slot of the number.
func (h *DeliverMessage) slot(ctx context.Context, number string) error {
	if h.limiter == nil {
		return nil
	}
	for {
		n, wait, err := h.limiter.Take(ctx, number, 1)
		if err != nil || n > 0 {
			return err
		}
		sleepCtx(ctx, wait)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// NewDeliverMessage returns the use case.
func NewDeliverMessage(messages ports.MessageRepository, conversations ports.ConversationRepository, numbers ports.NumberRepository,
	gateway ports.MessagingGateway, uow ports.UnitOfWork, clock ports.Clock,
) *DeliverMessage {
	must(messages, conversations, numbers, gateway, uow, clock)
	return &DeliverMessage{messages: messages, conversations: conversations, numbers: numbers, gateway: gateway, uow: uow, clock: clock}
}

// OnChange registers a function told when a message changes, for live updates.
func (h *DeliverMessage) OnChange(fn func(context.Context, Change)) { h.listener = fn }

// Handle sends message id. An error means the send may succeed later
// (WhatsApp rate limits, an outage); refusals that cannot are recorded on
// the message and are not errors.
func (h *DeliverMessage) Handle(ctx context.Context, id uuid.UUID) error {
	m, err := h.messages.Get(ctx, id)
	if err != nil {
		return err
	}
	if m.Direction() != conversation.Outbound || m.Status() != conversation.Pending {
		return nil
	}
	if claimed := m.SendClaimedAt(); !claimed.IsZero() && h.inbox != nil {
		before, err := resendableBefore(ctx, h.inbox, h.clock.Now(), h.grace)
		if err != nil {
			return err
		}
		if !claimed.Before(before) {
			return fmt.Errorf("send message %s: %w", id, ErrSendInDoubt)
		}
	}
	conv, err := h.conversations.Get(ctx, m.ConversationID())
	if err != nil {
		return err
	}
	number, err := h.numbers.Get(ctx, conv.NumberID())
	if err != nil {
		return err
	}
	if err := h.slot(ctx, number.PhoneNumberID); err != nil {
		return fmt.Errorf("send message %s: %w", id, err)
	}
	if err := h.claim(ctx, id, (*conversation.Message).ClaimSend); err != nil {
		return err
	}
	wamid, err := h.gateway.Send(ctx, number, conv.WaID(), m.Content(), MessageRef(id))
	var refused *ports.SendError
	switch {
	case errors.As(err, &refused) && !refused.Retryable:
		return h.Fail(ctx, id, refused.Failure)
	case errors.As(err, &refused) && refused.Failure.Code != 0:
		// WhatsApp answered no (a rate limit): not taken, not in doubt.
		if err := h.claim(ctx, id, func(m *conversation.Message, _ time.Time) bool { return m.ReleaseSend() }); err != nil {
			return err
		}
		return fmt.Errorf("send message %s: %w", id, err)
	case err != nil:
		return fmt.Errorf("send message %s: %w", id, err) // no answer: in doubt until a webhook or the grace tells
	}
	// WhatsApp took it: record that even if the job's deadline is near or the
	// job was cancelled meanwhile, or a retry would send it again.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return h.update(rctx, id, func(m *conversation.Message) bool {
		if m.Status() != conversation.Pending {
			return false
		}
		m.MarkSent(wamid, h.clock.Now())
		return true
	})
}

// Fail records that message id could not be sent, e.g. after the last retry.
func (h *DeliverMessage) Fail(ctx context.Context, id uuid.UUID, f conversation.Failure) error {
	return h.update(ctx, id, func(m *conversation.Message) bool { return m.MarkFailed(f, h.clock.Now()) })
}

// claim changes the message's send claim, with no live update: nothing the
// agent sees changes.
func (h *DeliverMessage) claim(ctx context.Context, id uuid.UUID, apply func(*conversation.Message, time.Time) bool) error {
	return h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		m, err := tx.Messages().Lock(ctx, id)
		if err != nil {
			return err
		}
		if !apply(m, h.clock.Now()) {
			return nil
		}
		return tx.Messages().Save(ctx, m)
	})
}

func (h *DeliverMessage) update(ctx context.Context, id uuid.UUID, apply func(*conversation.Message) bool) error {
	var conv uuid.UUID
	changed := false
	err := h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		m, err := tx.Messages().Lock(ctx, id)
		if err != nil {
			return err
		}
		conv = m.ConversationID()
		if changed = apply(m); !changed {
			return nil
		}
		return tx.Messages().Save(ctx, m)
	})
	if err == nil && changed && h.listener != nil {
		h.listener(ctx, Change{ConversationID: conv, MessageID: id, Kind: "status"})
	}
	return err
}
