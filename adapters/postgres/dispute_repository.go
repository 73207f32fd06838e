package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/domain/dispute"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/ports"
)

// DisputeRepository stores invoice disputes in the invoice_disputes table.
type DisputeRepository struct {
	db *gorm.DB
}

var _ ports.DisputeRepository = (*DisputeRepository)(nil)

// NewDisputeRepository returns a DisputeRepository over db.
func NewDisputeRepository(db *gorm.DB) *DisputeRepository {
	return &DisputeRepository{db: db}
}

type disputeRow struct {
	InvoiceID  uuid.UUID  `gorm:"column:invoice_id;primaryKey"`
	Reason     string     `gorm:"column:reason"`
	OpenedBy   *uuid.UUID `gorm:"column:opened_by"`
	OpenedAt   time.Time  `gorm:"column:opened_at"`
	ResolvedAt *time.Time `gorm:"column:resolved_at"`
	Resolution string     `gorm:"column:resolution"`
}

func (disputeRow) TableName() string { return "invoice_disputes" }

func (r disputeRow) toDomain() (*dispute.Dispute, error) {
	return dispute.UnmarshalFromDatabase(r.InvoiceID, r.Reason, uuidOf(r.OpenedBy), r.OpenedAt.UTC(),
		timeOf(r.ResolvedAt), r.Resolution), nil
}

func toDisputeRow(d *dispute.Dispute) disputeRow {
	return disputeRow{
		InvoiceID: d.InvoiceID(), Reason: d.Reason(), OpenedBy: nullUUID(d.OpenedBy()), OpenedAt: timestamp(d.OpenedAt()),
		ResolvedAt: nullTime(d.ResolvedAt()), Resolution: d.Resolution(),
	}
}

// Get returns the invoice's dispute, open or resolved, or dispute.ErrNotFound.
func (r *DisputeRepository) Get(ctx context.Context, invoiceID uuid.UUID) (*dispute.Dispute, error) {
	return takeDispute(r.db.WithContext(ctx).Where("invoice_id = ?", invoiceID), invoiceID)
}

func takeDispute(q *gorm.DB, invoiceID uuid.UUID) (*dispute.Dispute, error) {
	var row disputeRow
	err := q.Take(&row).Error
	if notFound(err) {
		return nil, dispute.ErrNotFound.New(invoiceID)
	}
	if err != nil {
		return nil, fmt.Errorf("get dispute of invoice %s: %w", invoiceID, err)
	}
	return row.toDomain()
}

// disputeUpsert writes a dispute over its invoice's row, if any.
const disputeUpsert = `
INSERT INTO invoice_disputes (invoice_id, reason, opened_by, opened_at, resolved_at, resolution)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (invoice_id) DO UPDATE SET reason = EXCLUDED.reason, opened_by = EXCLUDED.opened_by,
	opened_at = EXCLUDED.opened_at, resolved_at = EXCLUDED.resolved_at, resolution = EXCLUDED.resolution`

// Update locks the invoice's dispute row (nil to fn when there is none),
// and stores what fn returns, in one transaction. Two first disputes of one
// invoice at once: the second is a conflict. An unknown invoice is
// invoice.ErrNotFound.
func (r *DisputeRepository) Update(ctx context.Context, invoiceID uuid.UUID, fn func(*dispute.Dispute) (*dispute.Dispute, error)) error {
	return r.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		current, err := takeDispute(tx.Where("invoice_id = ?", invoiceID).Clauses(forUpdate), invoiceID)
		if errors.Is(err, dispute.ErrNotFound) {
			current, err = nil, nil
		}
		if err != nil {
			return err
		}
		next, err := fn(current)
		if err != nil {
			return err
		}
		if next == nil {
			return nil
		}
		row := toDisputeRow(next)
		q := disputeUpsert
		if current == nil {
			// Inserting: a concurrent first dispute must not be overwritten.
			q = `INSERT INTO invoice_disputes (invoice_id, reason, opened_by, opened_at, resolved_at, resolution) VALUES (?, ?, ?, ?, ?, ?)`
		}
		err = tx.Exec(q, row.InvoiceID, row.Reason, row.OpenedBy, row.OpenedAt, row.ResolvedAt, row.Resolution).Error
		switch {
		case errors.Is(err, gorm.ErrDuplicatedKey):
			return dispute.ErrAlreadyOpen
		case errors.Is(err, gorm.ErrForeignKeyViolated):
			return invoice.ErrNotFound.New(invoiceID)
		case err != nil:
			return fmt.Errorf("save dispute of invoice %s: %w", invoiceID, err)
		}
		return nil
	})
}

// OpenAmong returns the open disputes of the given invoices, keyed by invoice.
func (r *DisputeRepository) OpenAmong(ctx context.Context, invoiceIDs []uuid.UUID) (map[uuid.UUID]*dispute.Dispute, error) {
	out := map[uuid.UUID]*dispute.Dispute{}
	if len(invoiceIDs) == 0 {
		return out, nil
	}
	var rows []disputeRow
	err := r.db.WithContext(ctx).Where("resolved_at IS NULL AND invoice_id = ANY(?::text[]::uuid[])", uuidArray(invoiceIDs)).
		Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("open disputes: %w", err)
	}
	ds, err := toDomain(rows)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		out[d.InvoiceID()] = d
	}
	return out, nil
}

// OpenByCustomer returns the open disputes of the customer's invoices, oldest opened first.
func (r *DisputeRepository) OpenByCustomer(ctx context.Context, customerID uuid.UUID) ([]*dispute.Dispute, error) {
	var rows []disputeRow
	err := r.db.WithContext(ctx).Table("invoice_disputes AS d").Select("d.*").
		Joins("JOIN invoices i ON i.id = d.invoice_id").
		Where("i.customer_id = ? AND d.resolved_at IS NULL", customerID).Order("d.opened_at, d.invoice_id").
		Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("open disputes of customer %s: %w", customerID, err)
	}
	return toDomain(rows)
}
