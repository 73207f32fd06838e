package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/ports"
)

// ErrNoPhone is returned when a customer has no phone to write to.
var ErrNoPhone = domain.Errorf(domain.KindInvalid, "customer_without_phone", "customer %s has no phone number")

// StartConversationCommand writes to a customer first, with a template
// (WhatsApp allows nothing else to a customer who has not written).
type StartConversationCommand struct {
	CustomerID uuid.UUID
	NumberID   uuid.UUID // the business number; uuid.Nil for the default one
	Content    conversation.Content
	AuthorID   uuid.UUID
}

// StartConversation sends a message to a customer by their phone, in the
// conversation with that number (created and linked when new).
type StartConversation struct {
	send    *SendMessage
	finder  ports.CustomerFinder
	numbers ports.NumberRepository
}

// NewStartConversation returns the use case.
func NewStartConversation(send *SendMessage, finder ports.CustomerFinder, numbers ports.NumberRepository) *StartConversation {
	must(send, finder, numbers)
	return &StartConversation{send: send, finder: finder, numbers: numbers}
}

// Handle sends the message and returns it with its conversation's id.
func (h *StartConversation) Handle(ctx context.Context, cmd StartConversationCommand) (*conversation.Message, error) {
	n, optedOut, err := h.finder.PhoneOf(ctx, cmd.CustomerID)
	if err != nil {
		return nil, err
	}
	if n.IsZero() {
		return nil, ErrNoPhone.New(cmd.CustomerID)
	}
	if optedOut {
		return nil, conversation.ErrOptedOut
	}
	number, err := h.number(ctx, cmd.NumberID)
	if err != nil {
		return nil, err
	}
	now := h.send.clock.Now()
	var m *conversation.Message
	var job ports.OutboxEntry
	err = h.send.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		conv, err := tx.Conversations().LockThread(ctx, number.ID, n.Digits(), func() (*conversation.Conversation, error) {
			return conversation.Start(newID(), number.ID, n.Digits(), "", now)
		})
		if err != nil {
			return err
		}
		if conv.CustomerID() == uuid.Nil {
			conv.LinkCustomer(cmd.CustomerID, now)
		}
		m, job, err = send(ctx, tx, conv, cmd.Content, cmd.AuthorID, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	h.send.dispatch(ctx, job)
	return m, nil
}

func (h *StartConversation) number(ctx context.Context, id uuid.UUID) (conversation.BusinessNumber, error) {
	if id == uuid.Nil {
		return h.numbers.Default(ctx)
	}
	return h.numbers.Get(ctx, id)
}
