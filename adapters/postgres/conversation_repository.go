package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/ports"
)

// ConversationRepository stores WhatsApp conversations in the conversations
// table.
type ConversationRepository struct {
	db *gorm.DB
}

var _ ports.ConversationRepository = (*ConversationRepository)(nil)

// NewConversationRepository returns a ConversationRepository over db (a
// connection pool or a transaction).
func NewConversationRepository(db *gorm.DB) *ConversationRepository {
	return &ConversationRepository{db: db}
}

type conversationRow struct {
	ID            uuid.UUID  `gorm:"column:id;primaryKey"`
	NumberID      uuid.UUID  `gorm:"column:number_id"`
	WaID          string     `gorm:"column:wa_id"`
	ContactName   string     `gorm:"column:contact_name"`
	CustomerID    *uuid.UUID `gorm:"column:customer_id"` // NULL until linked
	Status        string     `gorm:"column:status"`
	AssigneeID    *uuid.UUID `gorm:"column:assignee_id"` // NULL when unassigned
	Priority      string     `gorm:"column:priority"`
	Tags          string     `gorm:"column:tags;type:jsonb"`
	AIEnabled     bool       `gorm:"column:ai_enabled"`
	Unread        int        `gorm:"column:unread"`
	LastInboundAt *time.Time `gorm:"column:last_inbound_at"` // NULL: the customer never wrote
	LastMessageAt *time.Time `gorm:"column:last_message_at"` // NULL: no message yet
	LastPreview   string     `gorm:"column:last_preview"`
	CreatedAt     time.Time  `gorm:"column:created_at;autoCreateTime:false"`
	UpdatedAt     time.Time  `gorm:"column:updated_at;autoUpdateTime:false"`
	ClosedAt      *time.Time `gorm:"column:closed_at"` // NULL while open
}

func (conversationRow) TableName() string { return "conversations" }

// conversationUpdates are the columns Save overwrites on a stored
// conversation: every one but id and created_at.
var conversationUpdates = []string{
	"number_id", "wa_id", "contact_name", "customer_id", "status", "assignee_id", "priority", "tags",
	"ai_enabled", "unread", "last_inbound_at", "last_message_at", "last_preview", "updated_at", "closed_at",
}

func toConversationRow(c *conversation.Conversation) (conversationRow, error) {
	tags := c.Tags()
	if tags == nil {
		tags = []string{} // a JSON array, never null
	}
	tagsJSON, err := json.Marshal(tags)
	if err != nil {
		return conversationRow{}, fmt.Errorf("encode tags of conversation %s: %w", c.ID(), err)
	}
	return conversationRow{
		ID: c.ID(), NumberID: c.NumberID(), WaID: c.WaID(), ContactName: c.ContactName(),
		CustomerID: nullUUID(c.CustomerID()), Status: string(c.Status()), AssigneeID: nullUUID(c.AssigneeID()),
		Priority: string(c.Priority()), Tags: string(tagsJSON), AIEnabled: c.AIEnabled(), Unread: c.Unread(),
		LastInboundAt: nullTime(c.LastInboundAt()), LastMessageAt: nullTime(c.LastMessageAt()),
		LastPreview: c.LastPreview(), CreatedAt: timestamp(c.CreatedAt()), UpdatedAt: timestamp(c.UpdatedAt()),
		ClosedAt: nullTime(c.ClosedAt()),
	}, nil
}

func (r conversationRow) toDomain() (*conversation.Conversation, error) {
	status, err := conversation.ParseStatus(r.Status)
	if err != nil {
		return nil, errCorrupt("conversation", r.ID, err)
	}
	priority, err := conversation.ParsePriority(r.Priority)
	if err != nil {
		return nil, errCorrupt("conversation", r.ID, err)
	}
	var tags []string
	if err := json.Unmarshal([]byte(r.Tags), &tags); err != nil {
		return nil, errCorrupt("conversation", r.ID, err)
	}
	return conversation.UnmarshalFromDatabase(conversation.Record{
		ID: r.ID, NumberID: r.NumberID, CustomerID: uuidOf(r.CustomerID), AssigneeID: uuidOf(r.AssigneeID),
		WaID: r.WaID, ContactName: r.ContactName, LastPreview: r.LastPreview, Status: status, Priority: priority,
		Tags: tags, AIEnabled: r.AIEnabled, Unread: r.Unread,
		LastInboundAt: timeOf(r.LastInboundAt), LastMessageAt: timeOf(r.LastMessageAt),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), ClosedAt: timeOf(r.ClosedAt),
	}), nil
}

// Get returns the conversation with id, or conversation.ErrNotFound.
func (r *ConversationRepository) Get(ctx context.Context, id uuid.UUID) (*conversation.Conversation, error) {
	return r.take(ctx, id, false)
}

// Lock returns the conversation with id, locked until the transaction
// ends, or conversation.ErrNotFound.
func (r *ConversationRepository) Lock(ctx context.Context, id uuid.UUID) (*conversation.Conversation, error) {
	return r.take(ctx, id, true)
}

func (r *ConversationRepository) take(ctx context.Context, id uuid.UUID, lock bool) (*conversation.Conversation, error) {
	q := r.db.WithContext(ctx).Where("id = ?", id)
	if lock {
		q = q.Clauses(forUpdate)
	}
	var row conversationRow
	err := q.Take(&row).Error
	if notFound(err) {
		return nil, conversation.ErrNotFound.New(id)
	}
	if err != nil {
		return nil, fmt.Errorf("get conversation %s: %w", id, err)
	}
	return row.toDomain()
}

// LockThread returns the conversation between business number numberID and
// the customer waID, locked until the transaction ends. When there is none
// it stores the one start makes; callers racing to start the same thread
// all end up with the one row that was stored.
func (r *ConversationRepository) LockThread(ctx context.Context, numberID uuid.UUID, waID string,
	start func() (*conversation.Conversation, error),
) (*conversation.Conversation, error) {
	row, found, err := r.lockThread(ctx, numberID, waID)
	if err != nil {
		return nil, err
	}
	if found {
		return row.toDomain()
	}
	c, err := start()
	if err != nil {
		return nil, fmt.Errorf("start conversation of number %s with %s: %w", numberID, waID, err)
	}
	if c.NumberID() != numberID || c.WaID() != waID {
		return nil, fmt.Errorf("postgres: lock thread (%s, %s): start made the conversation of (%s, %s)",
			numberID, waID, c.NumberID(), c.WaID())
	}
	newRow, err := toConversationRow(c)
	if err != nil {
		return nil, err
	}
	// A transaction inserting the same thread makes this insert wait for
	// it to end, then insert nothing (it committed) or this row (it rolled
	// back); either way the row is there to lock, and no error aborts ours.
	err = r.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "wa_id"}, {Name: "number_id"}},
		DoNothing: true,
	}).Create(&newRow).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return nil, domain.ErrConflict.New(fmt.Sprintf("conversation %s already exists", c.ID()))
	}
	if err != nil {
		return nil, fmt.Errorf("start conversation of number %s with %s: %w", numberID, waID, err)
	}
	row, found, err = r.lockThread(ctx, numberID, waID)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("postgres: the conversation of number %s with %s vanished after its insert", numberID, waID)
	}
	return row.toDomain()
}

func (r *ConversationRepository) lockThread(ctx context.Context, numberID uuid.UUID, waID string) (conversationRow, bool, error) {
	var row conversationRow
	err := r.db.WithContext(ctx).Where("wa_id = ? AND number_id = ?", waID, numberID).
		Clauses(forUpdate).Take(&row).Error
	if notFound(err) {
		return conversationRow{}, false, nil
	}
	if err != nil {
		return conversationRow{}, false, fmt.Errorf("lock conversation of number %s with %s: %w", numberID, waID, err)
	}
	return row, true, nil
}

// Save inserts the conversation or updates the stored one (every column but
// id and created_at). Another conversation of the same number and customer
// is a conflict.
func (r *ConversationRepository) Save(ctx context.Context, c *conversation.Conversation) error {
	row, err := toConversationRow(c)
	if err != nil {
		return err
	}
	err = r.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns(conversationUpdates),
	}).Create(&row).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return domain.ErrConflict.New(fmt.Sprintf("number %s already has a conversation with %s", c.NumberID(), c.WaID()))
	}
	if err != nil {
		return fmt.Errorf("save conversation %s: %w", c.ID(), err)
	}
	return nil
}

// inboxKey is what lists sort on, newest first: last_message_at, with
// conversations that have no message yet last. It is last_message_at DESC
// NULLS LAST as a value that is never NULL, so a cursor is one row
// comparison, which the conversations_inbox, _recent and _assignee indexes
// (on this very expression) seek to.
const inboxKey = "coalesce(last_message_at, '-infinity'::timestamptz)"

// List returns the conversations matching f, the most recent message
// first (last_message_at DESC NULLS LAST, id DESC). f.After continues after
// the conversation with that id, wherever it sorts now: a conversation
// that moves while a client pages (a new message) can be seen twice or
// missed, as in any inbox. An After that names no conversation ends the
// list.
func (r *ConversationRepository) List(ctx context.Context, f ports.ConversationFilter) ([]*conversation.Conversation, error) {
	q := r.db.WithContext(ctx).Model(&conversationRow{})
	if f.Status != "" {
		q = q.Where("status = ?", string(f.Status))
	}
	if f.AssigneeID != uuid.Nil {
		q = q.Where("assignee_id = ?", f.AssigneeID)
	}
	if f.Unassigned {
		q = q.Where("status = 'open' AND assignee_id IS NULL")
	}
	if f.CustomerID != uuid.Nil {
		q = q.Where("customer_id = ?", f.CustomerID)
	}
	if f.WaID != "" {
		q = q.Where("wa_id = ?", f.WaID)
	}
	if s := strings.TrimSpace(f.Search); s != "" {
		p := likePattern(s)
		match := "contact_name ILIKE ? OR EXISTS (SELECT 1 FROM customers cu WHERE cu.id = conversations.customer_id AND cu.name ILIKE ?)"
		args := []any{p, p}
		if d := phoneDigits(s); d != "" {
			match += " OR wa_id LIKE ?"
			args = append(args, likePattern(d))
		}
		q = q.Where("("+match+")", args...)
	}
	if f.After != uuid.Nil {
		q = q.Where("("+inboxKey+", id) < ((SELECT "+inboxKey+" FROM conversations WHERE id = ?), ?)", f.After, f.After)
	}
	var rows []conversationRow
	if err := limit(q.Order(inboxKey+" DESC, id DESC"), f.Limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list conversations: %w", err)
	}
	return toDomain(rows)
}

// phoneDigits returns the digits of s when s is written like (part of) a
// phone number, "+57 300-123" or "(11) 9123"; otherwise "". A wa_id is
// digits only, so a search matches it by its digits.
func phoneDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' || r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return ""
		}
	}
	return b.String()
}
