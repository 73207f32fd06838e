package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/ports"
)

// ConversationQueries reads conversations and their messages.
type ConversationQueries struct {
	conversations ports.ConversationRepository
	messages      ports.MessageRepository
}

// NewConversationQueries returns the queries.
func NewConversationQueries(conversations ports.ConversationRepository, messages ports.MessageRepository) *ConversationQueries {
	must(conversations, messages)
	return &ConversationQueries{conversations: conversations, messages: messages}
}

// List returns a page of conversations, most recent activity first, and whether more follow.
func (q *ConversationQueries) List(ctx context.Context, f ports.ConversationFilter) ([]*conversation.Conversation, bool, error) {
	f.Limit = pageLimit(f.Limit)
	want := f.Limit
	f.Limit++
	items, err := q.conversations.List(ctx, f)
	if err != nil {
		return nil, false, err
	}
	return trimPage(items, want)
}

// Get returns conversation id.
func (q *ConversationQueries) Get(ctx context.Context, id uuid.UUID) (*conversation.Conversation, error) {
	return q.conversations.Get(ctx, id)
}

// Messages returns a page of a conversation's messages, oldest first, and whether more follow.
func (q *ConversationQueries) Messages(ctx context.Context, id uuid.UUID, p ports.Page) ([]*conversation.Message, bool, error) {
	if _, err := q.conversations.Get(ctx, id); err != nil {
		return nil, false, err
	}
	p.Limit = pageLimit(p.Limit)
	want := p.Limit
	p.Limit++
	items, err := q.messages.List(ctx, id, p)
	if err != nil {
		return nil, false, err
	}
	return trimPage(items, want)
}

// Latest returns the last n messages of conversation id, oldest first.
func (q *ConversationQueries) Latest(ctx context.Context, id uuid.UUID, n int) ([]*conversation.Message, error) {
	return q.messages.Latest(ctx, id, n)
}
