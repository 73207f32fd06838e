package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/ports"
)

// MessageRepository stores the messages of conversations in the messages
// table, their content as JSON (see contentJSON).
type MessageRepository struct {
	db *gorm.DB
}

var _ ports.MessageRepository = (*MessageRepository)(nil)

// NewMessageRepository returns a MessageRepository over db (a connection
// pool or a transaction).
func NewMessageRepository(db *gorm.DB) *MessageRepository {
	return &MessageRepository{db: db}
}

type messageRow struct {
	ID             uuid.UUID  `gorm:"column:id;primaryKey"` // UUIDv7: id order is arrival order
	ConversationID uuid.UUID  `gorm:"column:conversation_id"`
	WAMID          *string    `gorm:"column:wamid"` // NULL until WhatsApp accepts an outbound message
	Direction      string     `gorm:"column:direction"`
	Type           string     `gorm:"column:type"`
	Content        string     `gorm:"column:content;type:jsonb"`
	ContextWAMID   string     `gorm:"column:context_wamid"`
	Status         string     `gorm:"column:status"`
	ErrorCode      *int       `gorm:"column:error_code"` // NULL when nothing failed
	ErrorTitle     string     `gorm:"column:error_title"`
	ErrorDetail    string     `gorm:"column:error_detail"`
	AuthorID       *uuid.UUID `gorm:"column:author_id"` // NULL: the customer, the API or the system
	CampaignID     *uuid.UUID `gorm:"column:campaign_id"`
	SendClaimedAt  *time.Time `gorm:"column:send_claimed_at"`
	SentAt         *time.Time `gorm:"column:sent_at"`
	DeliveredAt    *time.Time `gorm:"column:delivered_at"`
	ReadAt         *time.Time `gorm:"column:read_at"`
	CreatedAt      time.Time  `gorm:"column:created_at"`
	UpdatedAt      time.Time  `gorm:"column:updated_at"`
}

func (messageRow) TableName() string { return "messages" }

func toMessageRow(m *conversation.Message) (messageRow, error) {
	content, err := encodeContent(m.Content())
	if err != nil {
		return messageRow{}, fmt.Errorf("message %s: %w", m.ID(), err)
	}
	row := messageRow{
		ID: m.ID(), ConversationID: m.ConversationID(), WAMID: nullString(m.WAMID()), Direction: string(m.Direction()),
		Type: string(m.Content().Type), Content: content, ContextWAMID: m.ContextWAMID(), Status: string(m.Status()),
		AuthorID: nullUUID(m.AuthorID()), CampaignID: nullUUID(m.CampaignID()), SendClaimedAt: nullTime(m.SendClaimedAt()), SentAt: nullTime(m.SentAt()), DeliveredAt: nullTime(m.DeliveredAt()),
		ReadAt: nullTime(m.ReadAt()), CreatedAt: timestamp(m.CreatedAt()), UpdatedAt: timestamp(m.UpdatedAt()),
	}
	if f := m.Failure(); f != nil {
		code := f.Code
		row.ErrorCode, row.ErrorTitle, row.ErrorDetail = &code, f.Title, f.Detail
	}
	return row, nil
}

func (r messageRow) toDomain() (*conversation.Message, error) {
	dir, err := parseDirection(r.Direction)
	if err != nil {
		return nil, errCorrupt("message", r.ID, err)
	}
	status, err := conversation.ParseDeliveryStatus(r.Status)
	if err != nil {
		return nil, errCorrupt("message", r.ID, err)
	}
	content, err := decodeContent(r.Type, r.Content)
	if err != nil {
		return nil, errCorrupt("message", r.ID, err)
	}
	var failure *conversation.Failure
	if r.ErrorCode != nil {
		failure = &conversation.Failure{Code: *r.ErrorCode, Title: r.ErrorTitle, Detail: r.ErrorDetail}
	}
	return conversation.UnmarshalMessageFromDatabase(conversation.MessageRecord{
		ID: r.ID, ConversationID: r.ConversationID, AuthorID: uuidOf(r.AuthorID), CampaignID: uuidOf(r.CampaignID), SendClaimedAt: timeOf(r.SendClaimedAt),
		WAMID: stringOf(r.WAMID), ContextWAMID: r.ContextWAMID, Direction: dir, Content: content,
		Status: status, Failure: failure, SentAt: timeOf(r.SentAt), DeliveredAt: timeOf(r.DeliveredAt),
		ReadAt: timeOf(r.ReadAt), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}), nil
}

func parseDirection(s string) (conversation.Direction, error) {
	switch d := conversation.Direction(s); d {
	case conversation.Inbound, conversation.Outbound, conversation.Internal:
		return d, nil
	}
	return "", fmt.Errorf("unknown direction %q", s)
}

// Get returns the message with id, or conversation.ErrMessageNotFound.
func (r *MessageRepository) Get(ctx context.Context, id uuid.UUID) (*conversation.Message, error) {
	return r.take(ctx, "id = ?", id, id.String(), false)
}

// Lock returns the message with id, locked until the transaction ends, or
// conversation.ErrMessageNotFound.
func (r *MessageRepository) Lock(ctx context.Context, id uuid.UUID) (*conversation.Message, error) {
	return r.take(ctx, "id = ?", id, id.String(), true)
}

// LockByWAMID returns the message WhatsApp knows as wamid, locked until the
// transaction ends, or conversation.ErrMessageNotFound.
func (r *MessageRepository) LockByWAMID(ctx context.Context, wamid string) (*conversation.Message, error) {
	what := "with wamid " + strconv.Quote(wamid)
	if wamid == "" {
		return nil, conversation.ErrMessageNotFound.New(what) // no wamid is stored as NULL: it never matches
	}
	return r.take(ctx, "wamid = ?", wamid, what, true)
}

func (r *MessageRepository) take(ctx context.Context, where string, arg any, what string, lock bool) (*conversation.Message, error) {
	q := r.db.WithContext(ctx).Where(where, arg)
	if lock {
		q = q.Clauses(forUpdate)
	}
	var row messageRow
	err := q.Take(&row).Error
	if notFound(err) {
		return nil, conversation.ErrMessageNotFound.New(what)
	}
	if err != nil {
		return nil, fmt.Errorf("get message %s: %w", what, err)
	}
	return row.toDomain()
}

// messageInsert stores a new message. A WhatsApp id already stored (a
// redelivered webhook) inserts nothing instead of failing, so the
// transaction goes on; a concurrent insert of the same wamid waits for the
// first transaction, then inserts nothing, or the row if it rolled back.
const messageInsert = `
INSERT INTO messages (id, conversation_id, wamid, direction, type, content, context_wamid, status,
	error_code, error_title, error_detail, author_id, campaign_id, sent_at, delivered_at, read_at, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (wamid) WHERE wamid IS NOT NULL DO NOTHING`

// Add stores a new message and reports true, or false when a message with
// its WhatsApp id is already stored (nothing is written then). A message
// without a WhatsApp id whose id is already stored is a conflict.
func (r *MessageRepository) Add(ctx context.Context, m *conversation.Message) (bool, error) {
	row, err := toMessageRow(m)
	if err != nil {
		return false, err
	}
	res := r.db.WithContext(ctx).Exec(messageInsert, row.ID, row.ConversationID, row.WAMID, row.Direction,
		row.Type, row.Content, row.ContextWAMID, row.Status, row.ErrorCode, row.ErrorTitle, row.ErrorDetail,
		row.AuthorID, row.CampaignID, row.SentAt, row.DeliveredAt, row.ReadAt, row.CreatedAt, row.UpdatedAt)
	if errors.Is(res.Error, gorm.ErrDuplicatedKey) {
		return false, domain.ErrConflict.New(fmt.Sprintf("message %s already exists", m.ID()))
	}
	if res.Error != nil {
		return false, fmt.Errorf("add message %s: %w", m.ID(), res.Error)
	}
	return res.RowsAffected == 1, nil
}

// messageUpdate writes what changes on a stored message: its delivery.
const messageUpdate = `
UPDATE messages SET status = ?, wamid = ?, error_code = ?, error_title = ?, error_detail = ?,
	sent_at = ?, delivered_at = ?, read_at = ?, updated_at = ?, send_claimed_at = ?
WHERE id = ?`

// Save updates a stored message's delivery: status, WhatsApp id, failure,
// sent, delivered and read times. A message not stored is
// conversation.ErrMessageNotFound; a WhatsApp id another message has is a
// conflict.
func (r *MessageRepository) Save(ctx context.Context, m *conversation.Message) error {
	row, err := toMessageRow(m)
	if err != nil {
		return err
	}
	res := r.db.WithContext(ctx).Exec(messageUpdate, row.Status, row.WAMID, row.ErrorCode, row.ErrorTitle,
		row.ErrorDetail, row.SentAt, row.DeliveredAt, row.ReadAt, row.UpdatedAt, row.SendClaimedAt, row.ID)
	if errors.Is(res.Error, gorm.ErrDuplicatedKey) {
		return domain.ErrConflict.New(fmt.Sprintf("another message has wamid %q", m.WAMID()))
	}
	if res.Error != nil {
		return fmt.Errorf("save message %s: %w", m.ID(), res.Error)
	}
	if res.RowsAffected == 0 {
		return conversation.ErrMessageNotFound.New(m.ID())
	}
	return nil
}

// List returns the messages of the conversation, oldest first (by id,
// which is a UUIDv7), after p.After.
func (r *MessageRepository) List(ctx context.Context, conversationID uuid.UUID, p ports.Page) ([]*conversation.Message, error) {
	var rows []messageRow
	q := r.db.WithContext(ctx).Model(&messageRow{}).Where("conversation_id = ?", conversationID)
	if err := paginate(q, p).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list messages of conversation %s: %w", conversationID, err)
	}
	return toDomain(rows)
}

// Latest returns a conversation's last n messages, oldest first.
func (r *MessageRepository) Latest(ctx context.Context, conversationID uuid.UUID, n int) ([]*conversation.Message, error) {
	var rows []messageRow
	err := r.db.WithContext(ctx).Model(&messageRow{}).Where("conversation_id = ?", conversationID).
		Order("id DESC").Limit(n).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("latest messages of conversation %s: %w", conversationID, err)
	}
	slices.Reverse(rows)
	return toDomain(rows)
}
