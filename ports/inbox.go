package ports

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/conversation"
)

// InboxView is one of the inbox's lists.
type InboxView string

// The inbox views.
const (
	ViewUnassigned InboxView = "unassigned" // open, nobody assigned
	ViewMine       InboxView = "mine"       // open, assigned to the viewer
	ViewOpen       InboxView = "open"
	ViewClosed     InboxView = "closed"
	ViewAll        InboxView = "all"
)

// InboxFilter selects the rows of an inbox list.
type InboxFilter struct {
	View      InboxView
	Viewer    uuid.UUID // for ViewMine
	VisibleTo uuid.UUID // not Nil: only conversations unassigned or assigned to this user (agents)
	Search    string    // contact or customer name, or phone digits
	Oldest    bool      // oldest activity first
	Limit     int
}

// InboxRow is a conversation as the inbox lists it.
type InboxRow struct {
	ConversationID uuid.UUID
	WaID           string
	ContactName    string
	CustomerID     uuid.UUID
	CustomerName   string
	Status         conversation.Status
	AssigneeID     uuid.UUID
	AssigneeName   string
	Priority       conversation.Priority
	Unread         int
	LastMessageAt  time.Time
	LastPreview    string
	LastInboundAt  time.Time
	NumberName     string
	NumberColor    string
}

// InboxCounts are how many conversations each view holds for the viewer.
type InboxCounts struct {
	Unassigned, Mine, Open, Closed, All int
}

// InboxQueries reads the inbox straight from the database.
type InboxQueries interface {
	Inbox(ctx context.Context, f InboxFilter) ([]InboxRow, error)
	// InboxCounts counts every view; it honours VisibleTo, Viewer and Search, not View.
	InboxCounts(ctx context.Context, f InboxFilter) (InboxCounts, error)
}

// Event tells signed-in users that something in a conversation changed
// (a message arrived, a status moved, it was assigned or closed), so that
// their screens refresh it.
type Event struct {
	Kind           string    `json:"kind"` // message, status, conversation
	ConversationID uuid.UUID `json:"conversation_id"`
}

// EventPublisher broadcasts events to every process serving the console.
type EventPublisher interface {
	Publish(ctx context.Context, e Event) error
}
