package application

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/ports"
)

// SendMessageCommand sends content in a conversation on behalf of an agent
// (AuthorID) or the API (uuid.Nil).
type SendMessageCommand struct {
	ConversationID uuid.UUID
	Content        conversation.Content
	AuthorID       uuid.UUID
}

// SendMessage stores an outbound message and schedules its delivery: the
// message and the delivery job are written in one transaction, so the
// message is never lost and never sent without being stored first. Free-form
// content outside the 24-hour window is refused; templates must be approved
// and get their exact number of parameters.
type SendMessage struct {
	uow   ports.UnitOfWork
	queue ports.JobQueue
	clock ports.Clock
	log   *slog.Logger
}

// NewSendMessage returns the use case.
func NewSendMessage(uow ports.UnitOfWork, queue ports.JobQueue, clock ports.Clock, log *slog.Logger) *SendMessage {
	must(uow, queue, clock, log)
	return &SendMessage{uow: uow, queue: queue, clock: clock, log: log}
}

// Handle sends the message; it returns it pending.
func (h *SendMessage) Handle(ctx context.Context, cmd SendMessageCommand) (*conversation.Message, error) {
	now := h.clock.Now()
	var m *conversation.Message
	var job ports.OutboxEntry
	err := h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		conv, err := tx.Conversations().Lock(ctx, cmd.ConversationID)
		if err != nil {
			return err
		}
		m, job, err = send(ctx, tx, conv, cmd.Content, cmd.AuthorID, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	h.dispatch(ctx, job)
	return m, nil
}

// dispatch hands a committed job to the queue at once; when that fails the
// outbox relay does it a moment later.
func (h *SendMessage) dispatch(ctx context.Context, job ports.OutboxEntry) {
	if err := h.queue.Enqueue(ctx, job.Kind, job.Ref, job.RunAt); err != nil {
		h.log.WarnContext(ctx, "enqueue failed; the outbox relay will retry", slog.String("kind", job.Kind), slog.Any("error", err))
		return
	}
	if err := h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error { return tx.Outbox().Delete(ctx, job.ID) }); err != nil {
		h.log.WarnContext(ctx, "outbox cleanup failed; the relay will enqueue the job again, harmlessly", slog.Any("error", err))
	}
}

// send checks content against the conversation and its template, stores the
// pending message and writes its delivery job to the outbox, all in tx.
func send(ctx context.Context, tx ports.Repos, conv *conversation.Conversation, content conversation.Content, author uuid.UUID, now time.Time) (*conversation.Message, ports.OutboxEntry, error) {
	if content.Type == conversation.Template && content.Template != nil {
		t, err := tx.Templates().Get(ctx, content.Template.Name, content.Template.Language)
		if err != nil {
			return nil, ports.OutboxEntry{}, err
		}
		if err := t.CheckSend(len(content.Template.BodyParams)); err != nil {
			return nil, ports.OutboxEntry{}, err
		}
	}
	m, err := conv.Send(uuid.Must(uuid.NewV7()), content, author, now)
	if err != nil {
		return nil, ports.OutboxEntry{}, err
	}
	if _, err := tx.Messages().Add(ctx, m); err != nil {
		return nil, ports.OutboxEntry{}, err
	}
	if err := tx.Conversations().Save(ctx, conv); err != nil {
		return nil, ports.OutboxEntry{}, err
	}
	job := ports.OutboxEntry{ID: uuid.Must(uuid.NewV7()), Kind: ports.JobSendMessage, Ref: m.ID(), RunAt: now}
	return m, job, tx.Outbox().Add(ctx, job)
}
