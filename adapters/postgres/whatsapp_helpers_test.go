package postgres_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/domain/conversation"
)

// saveNumber stores a business number with Meta's id phoneNumberID.
func saveNumber(t testing.TB, db *gorm.DB, phoneNumberID string) conversation.BusinessNumber {
	t.Helper()
	n := conversation.BusinessNumber{
		ID: conversation.NumberIDFor(phoneNumberID), PhoneNumberID: phoneNumberID, BusinessAccountID: "waba-1",
		DisplayPhone: "+57 300 000 " + phoneNumberID, DisplayName: "Cobranzas " + phoneNumberID, Color: "#1f6feb",
	}
	require.NoError(t, postgres.NewNumberRepository(db).Save(t.Context(), n))
	return n
}

func newV7() uuid.UUID { return uuid.Must(uuid.NewV7()) }

// startConversation starts (without storing) a conversation of numberID
// with waID.
func startConversation(t testing.TB, numberID uuid.UUID, waID string) *conversation.Conversation {
	t.Helper()
	c, err := conversation.Start(newV7(), numberID, waID, "Contact "+waID, now)
	require.NoError(t, err)
	return c
}

// receiveText has the customer write text at sentAt and returns the message.
func receiveText(c *conversation.Conversation, wamid, text string, sentAt time.Time) *conversation.Message {
	return c.Receive(newV7(), conversation.InboundDetails{
		WAMID: wamid, Content: conversation.Content{Type: conversation.Text, Text: text}, SentAt: sentAt,
	}, "", sentAt)
}

func assertConversationEqual(t testing.TB, want, got *conversation.Conversation) {
	t.Helper()
	assert.Equal(t, want.ID(), got.ID(), "id")
	assert.Equal(t, want.NumberID(), got.NumberID(), "number id")
	assert.Equal(t, want.WaID(), got.WaID(), "wa_id")
	assert.Equal(t, want.ContactName(), got.ContactName(), "contact name")
	assert.Equal(t, want.CustomerID(), got.CustomerID(), "customer id")
	assert.Equal(t, want.Status(), got.Status(), "status")
	assert.Equal(t, want.AssigneeID(), got.AssigneeID(), "assignee id")
	assert.Equal(t, want.Priority(), got.Priority(), "priority")
	assert.ElementsMatch(t, want.Tags(), got.Tags(), "tags")
	assert.Equal(t, want.AIEnabled(), got.AIEnabled(), "AI enabled")
	assert.Equal(t, want.Unread(), got.Unread(), "unread")
	assertTime(t, want.LastInboundAt(), got.LastInboundAt(), "last inbound at")
	assertTime(t, want.LastMessageAt(), got.LastMessageAt(), "last message at")
	assert.Equal(t, want.LastPreview(), got.LastPreview(), "last preview")
	assertTime(t, want.CreatedAt(), got.CreatedAt(), "created at")
	assertTime(t, want.UpdatedAt(), got.UpdatedAt(), "updated at")
	assertTime(t, want.ClosedAt(), got.ClosedAt(), "closed at")
}

func assertMessageEqual(t testing.TB, want, got *conversation.Message) {
	t.Helper()
	assert.Equal(t, want.ID(), got.ID(), "id")
	assert.Equal(t, want.ConversationID(), got.ConversationID(), "conversation id")
	assert.Equal(t, want.WAMID(), got.WAMID(), "wamid")
	assert.Equal(t, want.Direction(), got.Direction(), "direction")
	assert.Equal(t, want.Content(), got.Content(), "content")
	assert.Equal(t, want.ContextWAMID(), got.ContextWAMID(), "context wamid")
	assert.Equal(t, want.Status(), got.Status(), "status")
	assert.Equal(t, want.Failure(), got.Failure(), "failure")
	assert.Equal(t, want.AuthorID(), got.AuthorID(), "author id")
	assertTime(t, want.SentAt(), got.SentAt(), "sent at")
	assertTime(t, want.DeliveredAt(), got.DeliveredAt(), "delivered at")
	assertTime(t, want.ReadAt(), got.ReadAt(), "read at")
	assertTime(t, want.CreatedAt(), got.CreatedAt(), "created at")
	assertTime(t, want.UpdatedAt(), got.UpdatedAt(), "updated at")
}

// assertTime compares instants; the zero time (stored as NULL) must come
// back as the zero time.
func assertTime(t testing.TB, want, got time.Time, what string) {
	t.Helper()
	if want.IsZero() {
		assert.True(t, got.IsZero(), "%s: want the zero time, got %s", what, got)
		return
	}
	assert.True(t, want.Equal(got), "%s: want %s, got %s", what, want, got)
	assert.Equal(t, time.UTC, got.Location(), "%s: read back in UTC", what)
}

func conversationIDs(cs []*conversation.Conversation) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.ID())
	}
	return out
}
