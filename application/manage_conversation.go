package application

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/ports"
)

// ConversationUpdate changes a conversation's settings; nil fields stay.
type ConversationUpdate struct {
	Priority  *conversation.Priority
	Tags      *[]string
	AIEnabled *bool
}

// ManageConversation is what agents do to a conversation besides writing to
// the customer: close, reopen, assign, link a customer, notes, priority,
// tags, AI. Each act is one transaction on the locked conversation; acts
// that matter to the thread leave a system event in it.
type ManageConversation struct {
	onClose   func(ctx context.Context, id uuid.UUID)
	uow       ports.UnitOfWork
	customers ports.CustomerRepository
	users     ports.UserRepository
	clock     ports.Clock
}

// NewManageConversation returns the use case.
func NewManageConversation(uow ports.UnitOfWork, customers ports.CustomerRepository, users ports.UserRepository, clock ports.Clock) *ManageConversation {
	must(uow, customers, users, clock)
	return &ManageConversation{uow: uow, customers: customers, users: users, clock: clock}
}

// act locks conversation id, applies fn and saves it with the message fn
// returns (nil: none).
func (h *ManageConversation) act(ctx context.Context, id uuid.UUID,
	fn func(c *conversation.Conversation, now time.Time) (*conversation.Message, error),
) (*conversation.Conversation, error) {
	now := h.clock.Now()
	var conv *conversation.Conversation
	err := h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		c, err := tx.Conversations().Lock(ctx, id)
		if err != nil {
			return err
		}
		m, err := fn(c, now)
		if err != nil {
			return err
		}
		if m != nil {
			if _, err := tx.Messages().Add(ctx, m); err != nil {
				return err
			}
		}
		conv = c
		return tx.Conversations().Save(ctx, c)
	})
	return conv, err
}

func newID() uuid.UUID { return uuid.Must(uuid.NewV7()) }

// OnClose registers a function told when a conversation is closed (it is
// analysed then).
func (h *ManageConversation) OnClose(fn func(ctx context.Context, id uuid.UUID)) { h.onClose = fn }

// Close closes conversation id.
func (h *ManageConversation) Close(ctx context.Context, id, by uuid.UUID) (*conversation.Conversation, error) {
	c, err := h.act(ctx, id, func(c *conversation.Conversation, now time.Time) (*conversation.Message, error) {
		return c.Close(newID(), by, now)
	})
	if err == nil && h.onClose != nil {
		h.onClose(ctx, id)
	}
	return c, err
}

// Reopen reopens conversation id.
func (h *ManageConversation) Reopen(ctx context.Context, id, by uuid.UUID) (*conversation.Conversation, error) {
	return h.act(ctx, id, func(c *conversation.Conversation, now time.Time) (*conversation.Message, error) {
		return c.Reopen(newID(), by, now)
	})
}

// Assign gives conversation id to assignee (uuid.Nil: nobody), who must be a user.
func (h *ManageConversation) Assign(ctx context.Context, id, assignee, by uuid.UUID) (*conversation.Conversation, error) {
	if assignee != uuid.Nil {
		if _, err := h.users.Get(ctx, assignee); err != nil {
			return nil, err
		}
	}
	return h.act(ctx, id, func(c *conversation.Conversation, now time.Time) (*conversation.Message, error) {
		if c.AssigneeID() == assignee {
			return nil, nil
		}
		return c.Assign(newID(), assignee, by, now), nil
	})
}

// ErrTaken is returned when an agent takes a conversation someone else has.
var ErrTaken = domain.Errorf(domain.KindConflict, "already_taken", "the conversation is already assigned to someone else")

// Take gives conversation id to agent, unless someone else has it (two
// agents taking the same conversation at once: the second is refused).
func (h *ManageConversation) Take(ctx context.Context, id, agent uuid.UUID) (*conversation.Conversation, error) {
	return h.act(ctx, id, func(c *conversation.Conversation, now time.Time) (*conversation.Message, error) {
		switch c.AssigneeID() {
		case agent:
			return nil, nil
		case uuid.Nil:
			return c.Assign(newID(), agent, agent, now), nil
		}
		return nil, ErrTaken
	})
}

// Link links conversation id to customer customerID.
func (h *ManageConversation) Link(ctx context.Context, id, customerID, by uuid.UUID) (*conversation.Conversation, error) {
	cu, err := h.customers.Get(ctx, customerID)
	if err != nil {
		return nil, err
	}
	return h.act(ctx, id, func(c *conversation.Conversation, now time.Time) (*conversation.Message, error) {
		return c.Link(newID(), cu.ID(), by, now), nil
	})
}

// AddNote adds an internal note to conversation id.
func (h *ManageConversation) AddNote(ctx context.Context, id uuid.UUID, text string, by uuid.UUID) (*conversation.Message, error) {
	var note *conversation.Message
	_, err := h.act(ctx, id, func(c *conversation.Conversation, now time.Time) (*conversation.Message, error) {
		var err error
		note, err = c.AddNote(newID(), text, by, now)
		return note, err
	})
	return note, err
}

// Update changes priority, tags and the AI flag of conversation id.
func (h *ManageConversation) Update(ctx context.Context, id uuid.UUID, u ConversationUpdate) (*conversation.Conversation, error) {
	return h.act(ctx, id, func(c *conversation.Conversation, now time.Time) (*conversation.Message, error) {
		if u.Priority != nil {
			c.SetPriority(*u.Priority, now)
		}
		if u.Tags != nil {
			if err := c.SetTags(*u.Tags, now); err != nil {
				return nil, err
			}
		}
		if u.AIEnabled != nil {
			c.SetAI(*u.AIEnabled, now)
		}
		return nil, nil
	})
}

// MarkRead clears conversation id's unread count.
func (h *ManageConversation) MarkRead(ctx context.Context, id uuid.UUID) (*conversation.Conversation, error) {
	return h.act(ctx, id, func(c *conversation.Conversation, now time.Time) (*conversation.Message, error) {
		c.MarkRead(now)
		return nil, nil
	})
}
