// Package conversation implements the WhatsApp thread between one of the
// organization's business numbers and one customer number: its messages,
// the 24-hour customer service window, and how agents work it (assignment,
// priority, tags, notes, closing).
package conversation

import (
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/phone"
)

// Window is how long after a customer's last message the business may send
// free-form messages.
const Window = 24 * time.Hour

// Status is whether a conversation needs work.
type Status string

// The conversation statuses. An open conversation without an assignee is
// "unassigned".
const (
	Open   Status = "open"
	Closed Status = "closed"
)

// ParseStatus reads a conversation status.
func ParseStatus(s string) (Status, error) {
	switch st := Status(strings.ToLower(strings.TrimSpace(s))); st {
	case Open, Closed:
		return st, nil
	}
	return "", ErrInvalidStatus.New(s)
}

// Priority orders the agents' work.
type Priority string

// The priorities.
const (
	Low    Priority = "low"
	Normal Priority = "normal"
	High   Priority = "high"
	Urgent Priority = "urgent"
)

// ParsePriority reads a priority; empty is Normal.
func ParsePriority(s string) (Priority, error) {
	switch p := Priority(strings.ToLower(strings.TrimSpace(s))); p {
	case "":
		return Normal, nil
	case Low, Normal, High, Urgent:
		return p, nil
	}
	return "", ErrInvalidPriority.New(s)
}

// Errors about conversations.
var (
	ErrNotFound        = domain.Errorf(domain.KindNotFound, "conversation_not_found", "conversation %s not found")
	ErrInvalidStatus   = domain.Errorf(domain.KindInvalid, "invalid_status", "status %q is not open or closed")
	ErrInvalidPriority = domain.Errorf(domain.KindInvalid, "invalid_priority", "priority %q is not one of low, normal, high, urgent")
	ErrInvalidWaID     = domain.Errorf(domain.KindInvalid, "invalid_wa_id", "%q is not a WhatsApp id (digits with country code)")
	ErrWindowClosed    = domain.Errorf(domain.KindInvalid, "window_closed", "the 24-hour customer service window is closed (%s): WhatsApp only delivers an approved template now")
	ErrAlreadyClosed   = domain.Errorf(domain.KindConflict, "already_closed", "the conversation is already closed")
	ErrAlreadyOpen     = domain.Errorf(domain.KindConflict, "already_open", "the conversation is already open")
	ErrInvalidTag      = domain.Errorf(domain.KindInvalid, "invalid_tag", "tag %q must be 1 to 64 characters")
	ErrOptedOut        = domain.Errorf(domain.KindConflict, "opted_out", "the customer opted out of WhatsApp messages")
)

// Conversation is the thread between a business number and a customer's
// WhatsApp number.
type Conversation struct {
	id            uuid.UUID
	numberID      uuid.UUID // the business number (Saldo's id)
	waID          string    // the customer's WhatsApp id (digits)
	contactName   string    // the customer's WhatsApp profile name
	customerID    uuid.UUID // the linked customer; Nil until linked
	status        Status
	assigneeID    uuid.UUID // Nil: unassigned
	priority      Priority
	tags          []string
	aiEnabled     bool
	lastInboundAt time.Time // opens the 24-hour window
	lastMessageAt time.Time
	lastPreview   string
	unread        int
	createdAt     time.Time
	updatedAt     time.Time
	closedAt      time.Time
}

// Start opens a new conversation between business number numberID and the
// customer waID.
func Start(id, numberID uuid.UUID, waID, contactName string, now time.Time) (*Conversation, error) {
	if _, err := phone.FromWhatsAppID(waID); err != nil {
		return nil, ErrInvalidWaID.New(waID)
	}
	return &Conversation{
		id: id, numberID: numberID, waID: waID, contactName: strings.TrimSpace(contactName),
		status: Open, priority: Normal, aiEnabled: true, createdAt: now, updatedAt: now,
	}, nil
}

// Receive records an inbound message: it renews the 24-hour window, reopens
// a closed conversation and counts the message as unread. It returns the
// message to store.
func (c *Conversation) Receive(msgID uuid.UUID, d InboundDetails, contactName string, now time.Time) *Message {
	m := newInbound(msgID, c.id, d, now)
	if d.SentAt.After(c.lastInboundAt) {
		c.lastInboundAt = d.SentAt
	}
	if name := strings.TrimSpace(contactName); name != "" {
		c.contactName = name
	}
	if c.status == Closed {
		c.status, c.closedAt = Open, time.Time{}
	}
	c.unread++
	c.touch(d.Content.Preview(), d.SentAt, now)
	return m
}

func (c *Conversation) touch(preview string, at, now time.Time) {
	if at.IsZero() {
		at = now
	}
	if !at.Before(c.lastMessageAt) {
		c.lastMessageAt, c.lastPreview = at, preview
	}
	c.updatedAt = now
}

// WindowOpen reports whether free-form messages may be sent at now.
func (c *Conversation) WindowOpen(now time.Time) bool {
	return !c.lastInboundAt.IsZero() && now.Before(c.WindowClosesAt())
}

// WindowClosesAt returns when the 24-hour window closes (or closed); the zero
// time when the customer never wrote.
func (c *Conversation) WindowClosesAt() time.Time {
	if c.lastInboundAt.IsZero() {
		return time.Time{}
	}
	return c.lastInboundAt.Add(Window)
}

// Send prepares an outbound message: free-form content only inside the
// window, templates always. The message is pending until a worker sends it.
func (c *Conversation) Send(msgID uuid.UUID, content Content, authorID uuid.UUID, now time.Time) (*Message, error) {
	if err := content.ValidateOutbound(); err != nil {
		return nil, err
	}
	if content.FreeForm() && !c.WindowOpen(now) {
		why := "the customer never wrote"
		if !c.lastInboundAt.IsZero() {
			why = "the customer last wrote at " + c.lastInboundAt.UTC().Format(time.RFC3339)
		}
		return nil, ErrWindowClosed.New(why)
	}
	m := &Message{
		id: msgID, conversationID: c.id, direction: Outbound, content: content, status: Pending,
		authorID: authorID, createdAt: now, updatedAt: now,
	}
	c.unread = 0 // answering reads the thread
	c.touch(content.Preview(), now, now)
	return m, nil
}

// AddNote records an agent's internal note; it is never sent to the customer.
func (c *Conversation) AddNote(msgID uuid.UUID, text string, authorID uuid.UUID, now time.Time) (*Message, error) {
	if strings.TrimSpace(text) == "" {
		return nil, ErrEmptyText
	}
	c.updatedAt = now
	return &Message{
		id: msgID, conversationID: c.id, direction: Internal, content: Content{Type: Note, Text: strings.TrimSpace(text)},
		status: Received, authorID: authorID, createdAt: now, updatedAt: now,
	}, nil
}

// systemEvent records something that happened in the thread.
func (c *Conversation) systemEvent(msgID uuid.UUID, text string, authorID uuid.UUID, now time.Time) *Message {
	c.updatedAt = now
	return &Message{
		id: msgID, conversationID: c.id, direction: Internal, content: Content{Type: System, Text: text},
		status: Received, authorID: authorID, createdAt: now, updatedAt: now,
	}
}

// RecordEvent notes something that happened outside the thread (a payment
// arrived) as a system event in it.
func (c *Conversation) RecordEvent(msgID uuid.UUID, text string, now time.Time) *Message {
	return c.systemEvent(msgID, text, uuid.Nil, now)
}

// Close closes the conversation; it reopens when the customer writes again.
func (c *Conversation) Close(msgID, by uuid.UUID, now time.Time) (*Message, error) {
	if c.status == Closed {
		return nil, ErrAlreadyClosed
	}
	c.status, c.closedAt, c.unread = Closed, now, 0
	return c.systemEvent(msgID, "closed", by, now), nil
}

// Reopen opens a closed conversation again.
func (c *Conversation) Reopen(msgID, by uuid.UUID, now time.Time) (*Message, error) {
	if c.status == Open {
		return nil, ErrAlreadyOpen
	}
	c.status, c.closedAt = Open, time.Time{}
	return c.systemEvent(msgID, "reopened", by, now), nil
}

// Assign gives the conversation to an agent (uuid.Nil: unassigned).
func (c *Conversation) Assign(msgID, assignee, by uuid.UUID, now time.Time) *Message {
	c.assigneeID = assignee
	if assignee == uuid.Nil {
		return c.systemEvent(msgID, "unassigned", by, now)
	}
	return c.systemEvent(msgID, "assigned:"+assignee.String(), by, now)
}

// Link links the conversation to a customer of the ledger by an agent's
// decision, leaving an event in the thread.
func (c *Conversation) Link(msgID, customerID, by uuid.UUID, now time.Time) *Message {
	c.LinkCustomer(customerID, now)
	return c.systemEvent(msgID, "linked:"+customerID.String(), by, now)
}

// LinkCustomer links the conversation to a customer of the ledger.
func (c *Conversation) LinkCustomer(customerID uuid.UUID, now time.Time) {
	c.customerID, c.updatedAt = customerID, now
}

// SetPriority changes the priority.
func (c *Conversation) SetPriority(p Priority, now time.Time) {
	c.priority, c.updatedAt = p, now
}

// SetTags replaces the tags (lower case, sorted, unique).
func (c *Conversation) SetTags(tags []string, now time.Time) error {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" || len(t) > 64 {
			return ErrInvalidTag.New(t)
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	c.tags, c.updatedAt = out, now
	return nil
}

// SetAI turns AI analysis and reply assist on or off for the conversation.
func (c *Conversation) SetAI(enabled bool, now time.Time) {
	c.aiEnabled, c.updatedAt = enabled, now
}

// MarkRead clears the unread count.
func (c *Conversation) MarkRead(now time.Time) {
	c.unread, c.updatedAt = 0, now
}

// ID returns the conversation's id.
func (c *Conversation) ID() uuid.UUID { return c.id }

// NumberID returns the business number's id.
func (c *Conversation) NumberID() uuid.UUID { return c.numberID }

// WaID returns the customer's WhatsApp id.
func (c *Conversation) WaID() string { return c.waID }

// Phone returns the customer's number.
func (c *Conversation) Phone() phone.Number {
	n, _ := phone.FromWhatsAppID(c.waID)
	return n
}

// ContactName returns the customer's WhatsApp profile name.
func (c *Conversation) ContactName() string { return c.contactName }

// CustomerID returns the linked customer, or uuid.Nil.
func (c *Conversation) CustomerID() uuid.UUID { return c.customerID }

// Status returns open or closed.
func (c *Conversation) Status() Status { return c.status }

// AssigneeID returns the assigned agent, or uuid.Nil.
func (c *Conversation) AssigneeID() uuid.UUID { return c.assigneeID }

// Priority returns the priority.
func (c *Conversation) Priority() Priority { return c.priority }

// Tags returns the tags.
func (c *Conversation) Tags() []string { return slices.Clone(c.tags) }

// AIEnabled reports whether AI features are on for the conversation.
func (c *Conversation) AIEnabled() bool { return c.aiEnabled }

// LastInboundAt returns when the customer last wrote (zero: never).
func (c *Conversation) LastInboundAt() time.Time { return c.lastInboundAt }

// LastMessageAt returns when the last message was sent or received.
func (c *Conversation) LastMessageAt() time.Time { return c.lastMessageAt }

// LastPreview returns a preview of the last message.
func (c *Conversation) LastPreview() string { return c.lastPreview }

// Unread returns how many inbound messages arrived since an agent last answered or read.
func (c *Conversation) Unread() int { return c.unread }

// CreatedAt returns when the conversation started.
func (c *Conversation) CreatedAt() time.Time { return c.createdAt }

// UpdatedAt returns when it last changed.
func (c *Conversation) UpdatedAt() time.Time { return c.updatedAt }

// ClosedAt returns when it was closed (zero while open).
func (c *Conversation) ClosedAt() time.Time { return c.closedAt }

// Record is a stored conversation, for adapters to rebuild it.
type Record struct {
	ID, NumberID, CustomerID, AssigneeID                         uuid.UUID
	WaID, ContactName, LastPreview                               string
	Status                                                       Status
	Priority                                                     Priority
	Tags                                                         []string
	AIEnabled                                                    bool
	Unread                                                       int
	LastInboundAt, LastMessageAt, CreatedAt, UpdatedAt, ClosedAt time.Time
}

// UnmarshalFromDatabase rebuilds a stored conversation. Only adapters call it.
func UnmarshalFromDatabase(r Record) *Conversation {
	return &Conversation{
		id: r.ID, numberID: r.NumberID, waID: r.WaID, contactName: r.ContactName, customerID: r.CustomerID,
		status: r.Status, assigneeID: r.AssigneeID, priority: r.Priority, tags: r.Tags, aiEnabled: r.AIEnabled,
		lastInboundAt: r.LastInboundAt, lastMessageAt: r.LastMessageAt, lastPreview: r.LastPreview, unread: r.Unread,
		createdAt: r.CreatedAt, updatedAt: r.UpdatedAt, closedAt: r.ClosedAt,
	}
}
