package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/ports"
)

// Outbox stores jobs in the outbox table, in the transaction of the change
// that needs them, until a relay hands them to the queue.
type Outbox struct {
	db *gorm.DB
}

var _ ports.Outbox = (*Outbox)(nil)

// NewOutbox returns an Outbox over db (a connection pool or a transaction).
func NewOutbox(db *gorm.DB) *Outbox {
	return &Outbox{db: db}
}

type outboxRow struct {
	ID    uuid.UUID `gorm:"column:id;primaryKey"`
	Kind  string    `gorm:"column:kind"`
	Ref   uuid.UUID `gorm:"column:ref"`
	RunAt time.Time `gorm:"column:run_at"`
	// created_at is left to the database: it is for people reading the table.
}

func (outboxRow) TableName() string { return "outbox" }

// Add stores an entry; an id already stored is a conflict.
func (o *Outbox) Add(ctx context.Context, e ports.OutboxEntry) error {
	row := outboxRow{ID: e.ID, Kind: e.Kind, Ref: e.Ref, RunAt: timestamp(e.RunAt)}
	err := o.db.WithContext(ctx).Create(&row).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return domain.ErrConflict.New(fmt.Sprintf("outbox entry %s already exists", e.ID))
	}
	if err != nil {
		return fmt.Errorf("add %s outbox entry %s: %w", e.Kind, e.ID, err)
	}
	return nil
}

// skipLocked locks the selected rows and passes over those another
// transaction holds, so relays running at once claim disjoint entries.
var skipLocked = clause.Locking{Strength: clause.LockingStrengthUpdate, Options: clause.LockingOptionsSkipLocked}

// Claim returns up to n entries due at now (all when n is zero or less),
// the earliest first, locked until the transaction ends; entries another
// transaction has claimed are skipped, not waited for.
func (o *Outbox) Claim(ctx context.Context, now time.Time, n int) ([]ports.OutboxEntry, error) {
	var rows []outboxRow
	q := o.db.WithContext(ctx).Where("run_at <= ?", timestamp(now)).Order("run_at, id").Clauses(skipLocked)
	if err := limit(q, n).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("claim outbox entries: %w", err)
	}
	out := make([]ports.OutboxEntry, 0, len(rows))
	for _, r := range rows {
		out = append(out, ports.OutboxEntry{ID: r.ID, Kind: r.Kind, Ref: r.Ref, RunAt: r.RunAt.UTC()})
	}
	return out, nil
}

// Delete removes the entries with ids; unknown ids are ignored, and
// nothing is sent for none.
func (o *Outbox) Delete(ctx context.Context, ids ...uuid.UUID) error {
	if len(ids) == 0 {
		return nil
	}
	err := o.db.WithContext(ctx).Exec("DELETE FROM outbox WHERE id = ANY(?::text[]::uuid[])", uuidArray(ids)).Error
	if err != nil {
		return fmt.Errorf("delete %d outbox entries: %w", len(ids), err)
	}
	return nil
}
