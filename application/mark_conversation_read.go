package application

import (
	"context"
	"log/slog"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/ports"
)

// MarkConversationRead is an agent opening a conversation: its unread count
// clears and the customer sees their latest message read (blue ticks).
type MarkConversationRead struct {
	manage        *ManageConversation
	conversations ports.ConversationRepository
	messages      ports.MessageRepository
	numbers       ports.NumberRepository
	gateway       ports.MessagingGateway
	log           *slog.Logger
}

// NewMarkConversationRead returns the use case.
func NewMarkConversationRead(manage *ManageConversation, conversations ports.ConversationRepository, messages ports.MessageRepository,
	numbers ports.NumberRepository, gateway ports.MessagingGateway, log *slog.Logger,
) *MarkConversationRead {
	must(manage, conversations, messages, numbers, gateway, log)
	return &MarkConversationRead{manage: manage, conversations: conversations, messages: messages, numbers: numbers, gateway: gateway, log: log}
}

// Handle marks conversation id read. Telling WhatsApp is a courtesy: when it
// fails, the conversation is still read here.
func (h *MarkConversationRead) Handle(ctx context.Context, id uuid.UUID) (*conversation.Conversation, error) {
	before, err := h.conversations.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	conv, err := h.manage.MarkRead(ctx, id)
	if err != nil || before.Unread() == 0 {
		return conv, err
	}
	msgs, err := h.messages.Latest(ctx, id, 50)
	if err != nil {
		return conv, err
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if m.Direction() != conversation.Inbound || m.WAMID() == "" {
			continue
		}
		number, err := h.numbers.Get(ctx, conv.NumberID())
		if err == nil {
			err = h.gateway.MarkRead(ctx, number, m.WAMID())
		}
		if err != nil {
			h.log.WarnContext(ctx, "tell WhatsApp the message was read", slog.String("conversation_id", id.String()), slog.Any("error", err))
		}
		break
	}
	return conv, nil
}
