package conversation

import (
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
)

// Direction says who wrote a message.
type Direction string

// The directions.
const (
	Inbound  Direction = "in"       // the customer wrote it
	Outbound Direction = "out"      // the business sent it
	Internal Direction = "internal" // a note or system event, never sent
)

// DeliveryStatus is where an outbound message is on its way. It only moves
// forward: pending → sent → delivered → read; failed from pending or sent.
type DeliveryStatus string

// The delivery statuses. Inbound and internal messages are Received.
const (
	Received  DeliveryStatus = "received"
	Pending   DeliveryStatus = "pending"
	Sent      DeliveryStatus = "sent"
	Delivered DeliveryStatus = "delivered"
	Read      DeliveryStatus = "read"
	Failed    DeliveryStatus = "failed"
)

var statusRank = map[DeliveryStatus]int{Pending: 0, Sent: 1, Delivered: 2, Read: 3}

// ParseDeliveryStatus reads a status as WhatsApp's webhooks name it.
func ParseDeliveryStatus(s string) (DeliveryStatus, error) {
	switch st := DeliveryStatus(s); st {
	case Sent, Delivered, Read, Failed, Pending, Received:
		return st, nil
	}
	return "", ErrUnknownStatus.New(s)
}

// Errors about messages.
var (
	ErrMessageNotFound = domain.Errorf(domain.KindNotFound, "message_not_found", "message %s not found")
	ErrUnknownStatus   = domain.Errorf(domain.KindInvalid, "unknown_status", "unknown message status %q")
)

// Failure is why WhatsApp did not deliver a message, in Meta's words.
type Failure struct {
	Code   int
	Title  string
	Detail string
}

// RetryableCode reports whether a WhatsApp failure with Meta's error code
// may pass if the send is tried again later: throughput and pair rate limits
// (130429, 131056), temporary unavailability (131057, 131016, 1, 2) and the
// generic "something went wrong" (131000). Undeliverable numbers, a closed
// window, template, payment, account and policy errors do not pass.
func RetryableCode(code int) bool {
	switch code {
	case 130429, 131056, 131057, 131016, 131000, 1, 2:
		return true
	}
	return false
}

// Message is one message of a conversation.
type Message struct {
	id             uuid.UUID
	conversationID uuid.UUID
	wamid          string
	direction      Direction
	content        Content
	contextWAMID   string // the message this one replies to
	status         DeliveryStatus
	failure        *Failure
	authorID       uuid.UUID // the agent who sent or wrote it; Nil for the customer, the API or the system
	campaignID     uuid.UUID // the campaign an inbound message answers
	sentAt         time.Time // when WhatsApp says the customer sent it (inbound) or accepted it (outbound)
	deliveredAt    time.Time
	readAt         time.Time
	createdAt      time.Time
	updatedAt      time.Time
	sendClaimedAt  time.Time // when a sender last handed it to WhatsApp without learning the outcome
}

// InboundDetails describe a message a customer sent.
type InboundDetails struct {
	WAMID        string
	Content      Content
	ContextWAMID string
	SentAt       time.Time
	Failure      *Failure // WhatsApp's note on an unsupported message
}

// newInbound records a customer's message in conversation convID.
func newInbound(id, convID uuid.UUID, d InboundDetails, now time.Time) *Message {
	return &Message{
		id: id, conversationID: convID, wamid: d.WAMID, direction: Inbound, content: d.Content,
		contextWAMID: d.ContextWAMID, status: Received, failure: d.Failure, sentAt: d.SentAt,
		createdAt: now, updatedAt: now,
	}
}

// MarkSent records WhatsApp's id for an accepted outbound message.
func (m *Message) MarkSent(wamid string, at time.Time) {
	if m.status != Pending {
		return
	}
	m.wamid, m.status, m.sentAt, m.updatedAt = wamid, Sent, at, at
}

// MarkFailed records that WhatsApp refused or could not deliver the message.
func (m *Message) MarkFailed(f Failure, at time.Time) bool {
	return m.Advance(Failed, at, &f)
}

// Advance moves the delivery status forward to st, as a status webhook says;
// a status that is not ahead (a redelivery, or "delivered" after "read") is
// ignored. It reports whether anything changed.
func (m *Message) Advance(st DeliveryStatus, at time.Time, f *Failure) bool {
	if m.direction != Outbound {
		return false
	}
	switch {
	case st == Failed:
		if m.status != Pending && m.status != Sent {
			return false
		}
		m.status, m.failure = Failed, f
	case m.status == Failed:
		return false
	default:
		to, ok := statusRank[st]
		if !ok || to <= statusRank[m.status] {
			return false
		}
		m.status = st
	}
	switch st {
	case Sent:
		m.sentAt = at
	case Delivered:
		m.deliveredAt = at
	case Read:
		m.readAt = at
		if m.deliveredAt.IsZero() { // read implies delivered, even when that webhook never comes
			m.deliveredAt = at
		}
	}
	m.updatedAt = at
	return true
}

// ID returns the message's id in Saldo.
func (m *Message) ID() uuid.UUID { return m.id }

// ConversationID returns the conversation's id.
func (m *Message) ConversationID() uuid.UUID { return m.conversationID }

// WAMID returns WhatsApp's message id ("" until an outbound message is accepted).
func (m *Message) WAMID() string { return m.wamid }

// Direction returns who wrote the message.
func (m *Message) Direction() Direction { return m.direction }

// Content returns what the message says.
func (m *Message) Content() Content { return m.content }

// ContextWAMID returns the WhatsApp id of the message this one replies to.
func (m *Message) ContextWAMID() string { return m.contextWAMID }

// Status returns the delivery status.
func (m *Message) Status() DeliveryStatus { return m.status }

// Failure returns why delivery failed, or nil.
func (m *Message) Failure() *Failure { return m.failure }

// AuthorID returns the agent who sent or wrote the message, or uuid.Nil.
func (m *Message) AuthorID() uuid.UUID { return m.authorID }

// SentAt returns when the customer sent it (inbound) or WhatsApp accepted it (outbound).
func (m *Message) SentAt() time.Time { return m.sentAt }

// DeliveredAt returns when it was delivered, or the zero time.
func (m *Message) DeliveredAt() time.Time { return m.deliveredAt }

// ReadAt returns when it was read, or the zero time.
func (m *Message) ReadAt() time.Time { return m.readAt }

// CreatedAt returns when Saldo stored the message.
func (m *Message) CreatedAt() time.Time { return m.createdAt }

// UpdatedAt returns when the message last changed.
func (m *Message) UpdatedAt() time.Time { return m.updatedAt }

// MessageRecord is a stored message, for adapters to rebuild it.
type MessageRecord struct {
	ID, ConversationID, AuthorID, CampaignID          uuid.UUID
	WAMID, ContextWAMID                               string
	Direction                                         Direction
	Content                                           Content
	Status                                            DeliveryStatus
	Failure                                           *Failure
	SentAt, DeliveredAt, ReadAt, CreatedAt, UpdatedAt time.Time
	SendClaimedAt                                     time.Time
}

// UnmarshalMessageFromDatabase rebuilds a stored message. Only adapters call it.
func UnmarshalMessageFromDatabase(r MessageRecord) *Message {
	return &Message{
		id: r.ID, conversationID: r.ConversationID, wamid: r.WAMID, direction: r.Direction, content: r.Content,
		contextWAMID: r.ContextWAMID, status: r.Status, failure: r.Failure, authorID: r.AuthorID,
		sentAt: r.SentAt, deliveredAt: r.DeliveredAt, readAt: r.ReadAt, createdAt: r.CreatedAt, updatedAt: r.UpdatedAt,
		campaignID: r.CampaignID, sendClaimedAt: r.SendClaimedAt,
	}
}

// ClaimSend records that a sender is about to hand the pending outbound
// message to WhatsApp. Until the outcome is recorded, a sender that finds
// the claim does not know whether WhatsApp took the message.
func (m *Message) ClaimSend(now time.Time) bool {
	if m.direction != Outbound || m.status != Pending {
		return false
	}
	m.sendClaimedAt = now
	return true
}

// ReleaseSend records that WhatsApp refused the claimed send outright: the
// message was not taken and may be sent again without doubt.
func (m *Message) ReleaseSend() bool {
	if m.sendClaimedAt.IsZero() {
		return false
	}
	m.sendClaimedAt = time.Time{}
	return true
}

// SendClaimedAt returns when a send of the message started whose outcome is
// not recorded yet; zero when there is none.
func (m *Message) SendClaimedAt() time.Time {
	if m.status != Pending {
		return time.Time{}
	}
	return m.sendClaimedAt
}

// AnswersCampaign links a customer's message to the campaign it answers.
func (m *Message) AnswersCampaign(id uuid.UUID) {
	if m.direction == Inbound {
		m.campaignID = id
	}
}

// CampaignID returns the campaign a customer's message answers, or uuid.Nil.
func (m *Message) CampaignID() uuid.UUID { return m.campaignID }
