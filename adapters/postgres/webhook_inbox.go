package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/ports"
)

// WebhookInbox keeps webhook deliveries in the webhook_events table from
// the moment they arrive until they are processed.
type WebhookInbox struct {
	db *gorm.DB
}

var _ ports.WebhookInbox = (*WebhookInbox)(nil)

// NewWebhookInbox returns a WebhookInbox over db.
func NewWebhookInbox(db *gorm.DB) *WebhookInbox {
	return &WebhookInbox{db: db}
}

type webhookEventRow struct {
	ID          uuid.UUID  `gorm:"column:id;primaryKey"`
	Source      string     `gorm:"column:source"`
	Body        []byte     `gorm:"column:body"`
	ReceivedAt  time.Time  `gorm:"column:received_at"`
	ProcessedAt *time.Time `gorm:"column:processed_at"` // NULL until processed
	Attempts    int        `gorm:"column:attempts"`
	LastError   string     `gorm:"column:last_error"`
}

func (webhookEventRow) TableName() string { return "webhook_events" }

func (r webhookEventRow) toPort() ports.WebhookEvent {
	return ports.WebhookEvent{
		ID: r.ID, Source: r.Source, Body: r.Body, ReceivedAt: r.ReceivedAt.UTC(),
		ProcessedAt: timeOf(r.ProcessedAt), Attempts: r.Attempts, LastError: r.LastError,
	}
}

func errWebhookNotFound(id uuid.UUID) error {
	return domain.ErrNotFound.New("webhook event " + id.String())
}

// webhookInsert is one plain INSERT: it runs before the webhook is
// answered, so it does nothing else (no ON CONFLICT, no RETURNING).
const webhookInsert = `
INSERT INTO webhook_events (id, source, body, received_at, processed_at, attempts, last_error)
VALUES (?, ?, ?, ?, ?, ?, ?)`

// Store records a delivery; an id already stored is a conflict.
func (w *WebhookInbox) Store(ctx context.Context, e ports.WebhookEvent) error {
	body := e.Body
	if body == nil {
		body = []byte{} // the column is NOT NULL
	}
	err := w.db.WithContext(ctx).Exec(webhookInsert, e.ID, e.Source, body, timestamp(e.ReceivedAt),
		nullTime(e.ProcessedAt), e.Attempts, e.LastError).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return domain.ErrConflict.New(fmt.Sprintf("webhook event %s is already stored", e.ID))
	}
	if err != nil {
		return fmt.Errorf("store %s webhook event %s: %w", e.Source, e.ID, err)
	}
	return nil
}

// Get returns the delivery with id, or domain.ErrNotFound.
func (w *WebhookInbox) Get(ctx context.Context, id uuid.UUID) (ports.WebhookEvent, error) {
	var row webhookEventRow
	err := w.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if notFound(err) {
		return ports.WebhookEvent{}, errWebhookNotFound(id)
	}
	if err != nil {
		return ports.WebhookEvent{}, fmt.Errorf("get webhook event %s: %w", id, err)
	}
	return row.toPort(), nil
}

// MarkProcessed records that the delivery was processed at at; it leaves
// the pending list. An unknown id is domain.ErrNotFound.
func (w *WebhookInbox) MarkProcessed(ctx context.Context, id uuid.UUID, at time.Time) error {
	res := w.db.WithContext(ctx).Exec("UPDATE webhook_events SET processed_at = ? WHERE id = ?", timestamp(at), id)
	if res.Error != nil {
		return fmt.Errorf("mark webhook event %s processed: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return errWebhookNotFound(id)
	}
	return nil
}

// MarkFailed counts a failed attempt to process the delivery and keeps
// reason; it stays pending. The table has no column for when it failed, so
// at is not stored. An unknown id is domain.ErrNotFound.
func (w *WebhookInbox) MarkFailed(ctx context.Context, id uuid.UUID, at time.Time, reason string) error {
	res := w.db.WithContext(ctx).Exec(
		"UPDATE webhook_events SET attempts = attempts + 1, last_error = ? WHERE id = ?", reason, id)
	if res.Error != nil {
		return fmt.Errorf("mark webhook event %s failed: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return errWebhookNotFound(id)
	}
	return nil
}

// OldestWaiting implements ports.WebhookInbox.
func (w *WebhookInbox) OldestWaiting(ctx context.Context) (time.Time, error) {
	var at []time.Time
	err := w.db.WithContext(ctx).Raw(`SELECT received_at FROM webhook_events WHERE processed_at IS NULL AND attempts = 0
		ORDER BY received_at LIMIT 1`).Scan(&at).Error
	if err != nil {
		return time.Time{}, fmt.Errorf("oldest waiting webhook event: %w", err)
	}
	if len(at) == 0 {
		return time.Time{}, nil
	}
	return at[0].UTC(), nil
}

// Pending returns the ids of the deliveries not processed yet that arrived
// before before, the oldest first: at most n (all when n is zero or less).
func (w *WebhookInbox) Pending(ctx context.Context, before time.Time, n int) ([]uuid.UUID, error) {
	ids := []uuid.UUID{}
	q := w.db.WithContext(ctx).Model(&webhookEventRow{}).
		Where("processed_at IS NULL AND received_at < ?", timestamp(before)).Order("received_at, id")
	if err := limit(q, n).Pluck("id", &ids).Error; err != nil {
		return nil, fmt.Errorf("pending webhook events: %w", err)
	}
	return ids, nil
}
