package ports

import (
	"context"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/phone"
	"github.com/saldocrm/saldo/domain/template"
)

// SendError is a messaging provider's refusal, classified: Retryable says
// whether trying again later can help (rate limits, outages) or not
// (undeliverable, window closed, bad template).
type SendError struct {
	Failure   conversation.Failure
	Retryable bool
}

// Error implements error.
func (e *SendError) Error() string {
	return "whatsapp error " + strconv.Itoa(e.Failure.Code) + ": " + e.Failure.Title + " " + e.Failure.Detail
}

// MessagingGateway sends WhatsApp messages from a business number. Errors
// from the provider are *SendError.
type MessagingGateway interface {
	// Send sends content to the customer waID and returns WhatsApp's message
	// id. ref, when not empty, comes back in the message's status webhooks
	// (StatusEvent.Ref): it names the send even when its answer was lost.
	Send(ctx context.Context, from conversation.BusinessNumber, waID string, content conversation.Content, ref string) (wamid string, err error)
	// MarkRead tells the customer the business read their message.
	MarkRead(ctx context.Context, from conversation.BusinessNumber, wamid string) error
}

// RemoteTemplate is a template as the provider's catalog lists it.
type RemoteTemplate struct {
	ProviderID string
	Details    template.Details
	Status     template.Status
	Reason     string
}

// TemplateCatalog manages the templates of a WhatsApp Business Account.
type TemplateCatalog interface {
	List(ctx context.Context, businessAccountID string) ([]RemoteTemplate, error)
	// Create submits a template for review and returns the provider's id.
	Create(ctx context.Context, businessAccountID string, d template.Details) (providerID string, err error)
	// Delete deletes the template name: the one of Meta's id providerID,
	// or every language when providerID is "". A template the catalog does
	// not hold is template.ErrNotFound.
	Delete(ctx context.Context, businessAccountID, name, providerID string) error
}

// WebhookDecoder turns a provider's webhook body into domain events. A body
// it cannot read is an error of kind invalid.
type WebhookDecoder interface {
	Decode(body []byte) (conversation.Events, error)
}

// ConversationFilter narrows a conversation list.
type ConversationFilter struct {
	Page
	Status     conversation.Status // "" for all
	AssigneeID uuid.UUID
	Unassigned bool
	CustomerID uuid.UUID
	WaID       string // digits
	Search     string // contact name, customer name or phone contains it
}

// ConversationRepository stores conversations. Not found is conversation.ErrNotFound.
type ConversationRepository interface {
	Get(ctx context.Context, id uuid.UUID) (*conversation.Conversation, error)
	// Lock returns the conversation locked until the unit of work ends.
	Lock(ctx context.Context, id uuid.UUID) (*conversation.Conversation, error)
	// LockThread returns the conversation of (number, waID), locked; when there
	// is none it stores the one start makes (concurrent callers get the same).
	LockThread(ctx context.Context, numberID uuid.UUID, waID string, start func() (*conversation.Conversation, error)) (*conversation.Conversation, error)
	Save(ctx context.Context, c *conversation.Conversation) error
	List(ctx context.Context, f ConversationFilter) ([]*conversation.Conversation, error)
}

// MessageRepository stores messages. Not found is conversation.ErrMessageNotFound.
type MessageRepository interface {
	Get(ctx context.Context, id uuid.UUID) (*conversation.Message, error)
	// Add stores a new message. A message whose WhatsApp id is already stored
	// is not stored again: Add reports false.
	Add(ctx context.Context, m *conversation.Message) (bool, error)
	// LockByWAMID returns the message with WhatsApp id wamid, locked.
	LockByWAMID(ctx context.Context, wamid string) (*conversation.Message, error)
	// Lock returns the message locked until the unit of work ends.
	Lock(ctx context.Context, id uuid.UUID) (*conversation.Message, error)
	Save(ctx context.Context, m *conversation.Message) error
	// List returns a conversation's messages, oldest first, after the cursor.
	List(ctx context.Context, conversationID uuid.UUID, p Page) ([]*conversation.Message, error)
	// Latest returns a conversation's last n messages, oldest first.
	Latest(ctx context.Context, conversationID uuid.UUID, n int) ([]*conversation.Message, error)
}

// NumberRepository stores the organization's business numbers.
type NumberRepository interface {
	Get(ctx context.Context, id uuid.UUID) (conversation.BusinessNumber, error)
	ByPhoneNumberID(ctx context.Context, phoneNumberID string) (conversation.BusinessNumber, error)
	// Default returns the first configured number.
	Default(ctx context.Context) (conversation.BusinessNumber, error)
	Save(ctx context.Context, n conversation.BusinessNumber) error
	List(ctx context.Context) ([]conversation.BusinessNumber, error)
}

// TemplateRepository stores templates. Not found is template.ErrNotFound.
type TemplateRepository interface {
	Get(ctx context.Context, name, language string) (*template.Template, error)
	Save(ctx context.Context, t *template.Template) error
	List(ctx context.Context) ([]*template.Template, error)
	// Delete removes the template name in language; not stored is template.ErrNotFound.
	Delete(ctx context.Context, name, language string) error
}

// CustomerFinder finds customers by phone for WhatsApp matching.
type CustomerFinder interface {
	// ByPhoneKey returns the customers whose phone has canonical key key (see phone.Number.CanonicalKey).
	ByPhoneKey(ctx context.Context, key string) ([]uuid.UUID, error)
	// PhoneOf returns a customer's phone number and WhatsApp opt-out.
	PhoneOf(ctx context.Context, customerID uuid.UUID) (phone.Number, bool, error)
}

// WebhookEvent is a webhook delivery as received, stored before it is answered.
type WebhookEvent struct {
	ID          uuid.UUID
	Source      string // "whatsapp", "stripe", …
	Body        []byte
	ReceivedAt  time.Time
	ProcessedAt time.Time // zero until processed
	Attempts    int
	LastError   string
}

// WebhookInbox keeps webhook deliveries durably until they are processed.
type WebhookInbox interface {
	Store(ctx context.Context, e WebhookEvent) error
	Get(ctx context.Context, id uuid.UUID) (WebhookEvent, error)
	MarkProcessed(ctx context.Context, id uuid.UUID, at time.Time) error
	MarkFailed(ctx context.Context, id uuid.UUID, at time.Time, reason string) error
	// OldestWaiting returns when the oldest event that is neither processed
	// nor failed yet arrived; the zero time when there is none.
	OldestWaiting(ctx context.Context) (time.Time, error)
	// Pending returns the ids of unprocessed events received before before.
	Pending(ctx context.Context, before time.Time, limit int) ([]uuid.UUID, error)
}

// Job kinds the application asks the queue to run.
const (
	JobSendMessage    = "whatsapp:send_message"
	JobProcessWebhook = "whatsapp:process_webhook"
	JobAnalyze        = "ai:analyze_conversation" // debounced: a few minutes after the last message
	JobAnalyzeNow     = "ai:analyze_now"          // when a conversation is closed
)

// OutboxEntry is a job written in the same transaction as the change that
// needs it; a relay hands it to the queue after the commit.
type OutboxEntry struct {
	ID    uuid.UUID
	Kind  string
	Ref   uuid.UUID // what the job is about (a message id, …)
	RunAt time.Time // not before
}

// Outbox stores jobs inside a unit of work.
type Outbox interface {
	Add(ctx context.Context, e OutboxEntry) error
	// Claim returns up to limit due entries, locked (skipping ones others hold).
	Claim(ctx context.Context, now time.Time, limit int) ([]OutboxEntry, error)
	Delete(ctx context.Context, ids ...uuid.UUID) error
}

// JobQueue runs jobs in the background. Enqueueing the same job (kind, ref)
// twice while the first is waiting or running runs it once.
type JobQueue interface {
	Enqueue(ctx context.Context, kind string, ref uuid.UUID, runAt time.Time) error
}
