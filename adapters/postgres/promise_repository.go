package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/promise"
	"github.com/saldocrm/saldo/ports"
)

// PromiseRepository stores promises to pay in the promises_to_pay table; it
// also sums payments for settling them.
type PromiseRepository struct {
	db *gorm.DB
}

var (
	_ ports.PromiseRepository = (*PromiseRepository)(nil)
	_ ports.PaymentTotals     = (*PromiseRepository)(nil)
)

// NewPromiseRepository returns a PromiseRepository over db.
func NewPromiseRepository(db *gorm.DB) *PromiseRepository {
	return &PromiseRepository{db: db}
}

type promiseRow struct {
	ID           uuid.UUID       `gorm:"column:id;primaryKey"`
	CustomerID   uuid.UUID       `gorm:"column:customer_id"`
	Amount       decimal.Decimal `gorm:"column:amount;type:numeric(20,4)"`
	Currency     string          `gorm:"column:currency"`
	PromisedDate time.Time       `gorm:"column:promised_date;type:date"`
	Status       string          `gorm:"column:status"`
	Note         string          `gorm:"column:note"`
	CreatedBy    *uuid.UUID      `gorm:"column:created_by"`
	CreatedAt    time.Time       `gorm:"column:created_at"`
	ResolvedAt   *time.Time      `gorm:"column:resolved_at"`
}

func (promiseRow) TableName() string { return "promises_to_pay" }

func toPromiseRow(p *promise.Promise) promiseRow {
	return promiseRow{
		ID: p.ID(), CustomerID: p.CustomerID(), Amount: p.Amount().Amount(), Currency: p.Amount().Currency().Code(),
		PromisedDate: p.Date().Time(), Status: string(p.Status()), Note: p.Note(), CreatedBy: nullUUID(p.CreatedBy()),
		CreatedAt: timestamp(p.CreatedAt()), ResolvedAt: nullTime(p.ResolvedAt()),
	}
}

func (r promiseRow) toDomain() (*promise.Promise, error) {
	amount, err := moneyFrom(r.Amount, r.Currency)
	if err != nil {
		return nil, errCorrupt("promise", r.ID, err)
	}
	p, err := promise.UnmarshalFromDatabase(promise.Record{
		ID: r.ID, CustomerID: r.CustomerID, CreatedBy: uuidOf(r.CreatedBy), Amount: amount,
		Date: date.FromTime(r.PromisedDate), Status: promise.Status(r.Status), Note: r.Note,
		CreatedAt: r.CreatedAt.UTC(), ResolvedAt: timeOf(r.ResolvedAt),
	})
	if err != nil {
		return nil, errCorrupt("promise", r.ID, err)
	}
	return p, nil
}

// Get returns the promise with id, or promise.ErrNotFound.
func (r *PromiseRepository) Get(ctx context.Context, id uuid.UUID) (*promise.Promise, error) {
	return takePromise(r.db.WithContext(ctx).Where("id = ?", id), id)
}

func takePromise(q *gorm.DB, id uuid.UUID) (*promise.Promise, error) {
	var row promiseRow
	err := q.Take(&row).Error
	if notFound(err) {
		return nil, promise.ErrNotFound.New(id)
	}
	if err != nil {
		return nil, fmt.Errorf("get promise %s: %w", id, err)
	}
	return row.toDomain()
}

// Add stores a new promise after handing the customer's pending one, locked,
// to supersede and saving it; all in one transaction. An unknown customer is
// customer.ErrNotFound; a concurrent Add for the same customer a conflict.
func (r *PromiseRepository) Add(ctx context.Context, p *promise.Promise, supersede func(*promise.Promise) error) error {
	return r.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rows []promiseRow
		err := tx.Where("customer_id = ? AND status = ?", p.CustomerID(), string(promise.Pending)).
			Order("id").Clauses(forUpdate).Find(&rows).Error
		if err != nil {
			return fmt.Errorf("pending promise of customer %s: %w", p.CustomerID(), err)
		}
		pending, err := toDomain(rows)
		if err != nil {
			return err
		}
		for _, old := range pending {
			if err := supersede(old); err != nil {
				return err
			}
			if err := savePromise(tx, old); err != nil {
				return err
			}
		}
		row := toPromiseRow(p)
		err = tx.Create(&row).Error
		switch {
		case errors.Is(err, gorm.ErrDuplicatedKey):
			return domain.ErrConflict.New("another promise for this customer was recorded at the same time; try again")
		case errors.Is(err, gorm.ErrForeignKeyViolated):
			return customer.ErrNotFound.New(p.CustomerID())
		case err != nil:
			return fmt.Errorf("add promise %s: %w", p.ID(), err)
		}
		return nil
	})
}

// Update locks the promise, applies fn and saves it, in one transaction.
func (r *PromiseRepository) Update(ctx context.Context, id uuid.UUID, fn func(*promise.Promise) error) error {
	return r.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := takePromise(tx.Where("id = ?", id).Clauses(forUpdate), id)
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
		return savePromise(tx, p)
	})
}

// savePromise writes what a promise's life changes: its status and when it was resolved.
func savePromise(tx *gorm.DB, p *promise.Promise) error {
	row := toPromiseRow(p)
	res := tx.Model(&promiseRow{}).Where("id = ?", row.ID).
		Updates(map[string]any{"status": row.Status, "resolved_at": row.ResolvedAt})
	if res.Error != nil {
		return fmt.Errorf("save promise %s: %w", p.ID(), res.Error)
	}
	if res.RowsAffected == 0 {
		return promise.ErrNotFound.New(p.ID())
	}
	return nil
}

// ByCustomer returns the customer's promises, newest first, at most n (all
// when n is zero or less).
func (r *PromiseRepository) ByCustomer(ctx context.Context, customerID uuid.UUID, n int) ([]*promise.Promise, error) {
	q := r.db.WithContext(ctx).Where("customer_id = ?", customerID).Order("created_at DESC, id DESC")
	var rows []promiseRow
	if err := limit(q, n).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("promises of customer %s: %w", customerID, err)
	}
	return toDomain(rows)
}

// Pending returns the pending promises by id, after p.After, at most p.Limit.
func (r *PromiseRepository) Pending(ctx context.Context, p ports.Page) ([]*promise.Promise, error) {
	q := r.db.WithContext(ctx).Model(&promiseRow{}).Where("status = ?", string(promise.Pending))
	var rows []promiseRow
	if err := paginate(q, p).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("pending promises: %w", err)
	}
	return toDomain(rows)
}

// ReceivedSince returns what the customer's payments in currency received
// at or after since add up to, less their refunds.
func (r *PromiseRepository) ReceivedSince(ctx context.Context, customerID uuid.UUID, currency money.Currency, since time.Time) (money.Money, error) {
	var sum decimal.Decimal
	err := r.db.WithContext(ctx).Raw(`
SELECT COALESCE(SUM(amount - refunded_amount), 0) FROM payments
WHERE customer_id = ? AND currency = ? AND received_at >= ?`, customerID, currency.Code(), timestamp(since)).
		Scan(&sum).Error
	if err != nil {
		return money.Money{}, fmt.Errorf("payments of customer %s since %s: %w", customerID, since, err)
	}
	return moneyFrom(sum, currency.Code())
}
