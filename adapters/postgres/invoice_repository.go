package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/ports"
)

// InvoiceRepository stores invoices in the invoices table.
type InvoiceRepository struct {
	db *gorm.DB
}

var _ ports.InvoiceRepository = (*InvoiceRepository)(nil)

// NewInvoiceRepository returns an InvoiceRepository over db (a connection
// pool or a transaction).
func NewInvoiceRepository(db *gorm.DB) *InvoiceRepository {
	return &InvoiceRepository{db: db}
}

type invoiceRow struct {
	ID          uuid.UUID       `gorm:"column:id;primaryKey"`
	ExternalID  string          `gorm:"column:external_id"`
	CustomerID  uuid.UUID       `gorm:"column:customer_id"`
	Number      string          `gorm:"column:number"`
	Currency    string          `gorm:"column:currency;type:char(3)"`
	IssueDate   time.Time       `gorm:"column:issue_date;type:date"`
	DueDate     time.Time       `gorm:"column:due_date;type:date"`
	Total       decimal.Decimal `gorm:"column:total;type:numeric(20,4)"`
	AmountPaid  decimal.Decimal `gorm:"column:amount_paid;type:numeric(20,4)"`
	Status      string          `gorm:"column:status"`
	Description string          `gorm:"column:description"`
	Metadata    string          `gorm:"column:metadata;type:json"`
	CreatedAt   time.Time       `gorm:"column:created_at"`
	UpdatedAt   time.Time       `gorm:"column:updated_at"`
}

func (invoiceRow) TableName() string { return "invoices" }

func toInvoiceRow(inv *invoice.Invoice) invoiceRow {
	meta := string(inv.Metadata())
	if meta == "" {
		meta = "{}"
	}
	return invoiceRow{
		ID: inv.ID(), ExternalID: inv.ExternalID(), CustomerID: inv.CustomerID(), Number: inv.Number(),
		Currency: inv.Currency().Code(), IssueDate: inv.IssueDate().Time(), DueDate: inv.DueDate().Time(),
		Total: inv.Total().Amount(), AmountPaid: inv.AmountPaid().Amount(), Status: string(inv.Status()),
		Description: inv.Description(), Metadata: meta,
		CreatedAt: timestamp(inv.CreatedAt()), UpdatedAt: timestamp(inv.UpdatedAt()),
	}
}

func (r invoiceRow) toDomain() (*invoice.Invoice, error) {
	total, err := moneyFrom(r.Total, r.Currency)
	if err != nil {
		return nil, errCorrupt("invoice", r.ID, err)
	}
	paid, err := moneyFrom(r.AmountPaid, r.Currency)
	if err != nil {
		return nil, errCorrupt("invoice", r.ID, err)
	}
	status, err := invoice.ParseStatus(r.Status)
	if err != nil {
		return nil, errCorrupt("invoice", r.ID, err)
	}
	// Stored canonical (a json column keeps the text); normalizing again is a
	// guard for rows written by hand.
	meta, err := domain.NormalizeMetadata(json.RawMessage(r.Metadata))
	if err != nil {
		return nil, errCorrupt("invoice", r.ID, err)
	}
	return invoice.UnmarshalFromDatabase(r.ID, r.CustomerID, r.ExternalID, r.Number,
		date.FromTime(r.IssueDate), date.FromTime(r.DueDate), total, paid, status, r.Description, meta,
		r.CreatedAt.UTC(), r.UpdatedAt.UTC()), nil
}

// forUpdate locks the selected rows until the transaction ends. Every
// locking read orders by id, so two transactions lock in the same order and
// cannot deadlock; outside a transaction the lock ends with the statement.
var forUpdate = clause.Locking{Strength: clause.LockingStrengthUpdate}

// Get returns the invoice with id, or invoice.ErrNotFound.
func (r *InvoiceRepository) Get(ctx context.Context, id uuid.UUID) (*invoice.Invoice, error) {
	var row invoiceRow
	err := r.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if notFound(err) {
		return nil, invoice.ErrNotFound.New(id)
	}
	if err != nil {
		return nil, fmt.Errorf("get invoice %s: %w", id, err)
	}
	return row.toDomain()
}

// ByExternalIDs returns the stored invoices among externalIDs, keyed by
// external id, locking their rows (in id order) until the transaction ends.
func (r *InvoiceRepository) ByExternalIDs(ctx context.Context, externalIDs []string) (map[string]*invoice.Invoice, error) {
	out := make(map[string]*invoice.Invoice, len(externalIDs))
	if len(externalIDs) == 0 {
		return out, nil
	}
	var rows []invoiceRow
	err := r.db.WithContext(ctx).
		Where("external_id = ANY(?::text[])", textArray(externalIDs)).
		Order("id").Clauses(forUpdate).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("get invoices by external id: %w", err)
	}
	for _, row := range rows {
		inv, err := row.toDomain()
		if err != nil {
			return nil, err
		}
		out[inv.ExternalID()] = inv
	}
	return out, nil
}

// LockOpenByCustomer returns the customer's open invoices in currency,
// locked (in id order) until the transaction ends.
func (r *InvoiceRepository) LockOpenByCustomer(ctx context.Context, customerID uuid.UUID, currency money.Currency) ([]*invoice.Invoice, error) {
	var rows []invoiceRow
	err := r.db.WithContext(ctx).
		Where("customer_id = ? AND status = 'open' AND currency = ?", customerID, currency.Code()).
		Order("id").Clauses(forUpdate).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("lock open %s invoices of customer %s: %w", currency, customerID, err)
	}
	return toDomain(rows)
}

// LockByIDs returns the invoices with ids that exist, locked (in id order)
// until the transaction ends.
func (r *InvoiceRepository) LockByIDs(ctx context.Context, ids []uuid.UUID) ([]*invoice.Invoice, error) {
	if len(ids) == 0 {
		return []*invoice.Invoice{}, nil
	}
	var rows []invoiceRow
	err := r.db.WithContext(ctx).
		Where("id = ANY(?::text[]::uuid[])", uuidArray(ids)).
		Order("id").Clauses(forUpdate).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("lock %d invoices: %w", len(ids), err)
	}
	return toDomain(rows)
}

// OpenByCustomer returns the customer's open invoices, the one due first
// first, without locking them.
func (r *InvoiceRepository) OpenByCustomer(ctx context.Context, customerID uuid.UUID) ([]*invoice.Invoice, error) {
	var rows []invoiceRow
	err := r.db.WithContext(ctx).
		Where("customer_id = ? AND status = 'open'", customerID).
		Order("due_date, id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("open invoices of customer %s: %w", customerID, err)
	}
	return toDomain(rows)
}

// errNoToday is a programming error: Overdue and Bucket are relative to a day.
var errNoToday = errors.New("postgres: invoice filter: Overdue and Bucket need Today")

// List returns the invoices matching f, by id.
func (r *InvoiceRepository) List(ctx context.Context, f ports.InvoiceFilter) ([]*invoice.Invoice, error) {
	q := r.db.WithContext(ctx).Model(&invoiceRow{})
	if f.CustomerID != uuid.Nil {
		q = q.Where("customer_id = ?", f.CustomerID)
	}
	if f.Status != "" {
		q = q.Where("status = ?", string(f.Status))
	}
	if !f.Currency.IsZero() {
		q = q.Where("currency = ?", f.Currency.Code())
	}
	if !f.DueBefore.IsZero() {
		q = q.Where("due_date <= ?::date", f.DueBefore.String())
	}
	if !f.DueAfter.IsZero() {
		q = q.Where("due_date >= ?::date", f.DueAfter.String())
	}
	if (f.Overdue != nil || f.Bucket != "") && f.Today.IsZero() {
		return nil, errNoToday
	}
	// The status literal lets the planner use the partial index on open
	// invoices' due dates.
	const overdue = "status = 'open' AND total > amount_paid AND due_date < ?::date"
	if f.Overdue != nil {
		if *f.Overdue {
			q = q.Where(overdue, f.Today.String())
		} else {
			q = q.Where("NOT ("+overdue+")", f.Today.String())
		}
	}
	if f.Bucket != "" {
		b, err := invoice.ParseBucket(string(f.Bucket))
		if err != nil {
			return nil, err
		}
		// days overdue = Today - due_date; a range of days is a range of
		// due dates, which the index serves.
		minDays, maxDays := b.Range()
		q = q.Where("status = 'open' AND total > amount_paid")
		if b != invoice.Current {
			q = q.Where("due_date <= ?::date", f.Today.AddDays(-minDays).String())
		}
		if maxDays >= 0 {
			q = q.Where("due_date >= ?::date", f.Today.AddDays(-maxDays).String())
		}
	}
	var rows []invoiceRow
	if err := paginate(q, f.Page).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list invoices: %w", err)
	}
	return toDomain(rows)
}

// invoiceUpsert inserts or updates a batch in one statement: one text[]
// parameter per column, unnested into rows.
const invoiceUpsert = `
INSERT INTO invoices (id, external_id, customer_id, number, currency, issue_date, due_date, total,
	amount_paid, status, description, metadata, created_at, updated_at)
SELECT * FROM unnest(?::text[]::uuid[], ?::text[], ?::text[]::uuid[], ?::text[], ?::text[],
	?::text[]::date[], ?::text[]::date[], ?::text[]::numeric[], ?::text[]::numeric[], ?::text[], ?::text[],
	?::text[]::json[], ?::text[]::timestamptz[], ?::text[]::timestamptz[])
ON CONFLICT (id) DO UPDATE SET
	external_id = EXCLUDED.external_id, customer_id = EXCLUDED.customer_id, number = EXCLUDED.number,
	currency = EXCLUDED.currency, issue_date = EXCLUDED.issue_date, due_date = EXCLUDED.due_date,
	total = EXCLUDED.total, amount_paid = EXCLUDED.amount_paid, status = EXCLUDED.status,
	description = EXCLUDED.description, metadata = EXCLUDED.metadata, updated_at = EXCLUDED.updated_at`

// Save inserts new invoices and updates stored ones (every column but id
// and created_at) in one statement; nothing is sent for none.
func (r *InvoiceRepository) Save(ctx context.Context, invoices ...*invoice.Invoice) error {
	if len(invoices) == 0 {
		return nil
	}
	invoices = lastByID(invoices, (*invoice.Invoice).ID)
	n := len(invoices)
	ids, extIDs, customerIDs, numbers := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	currencies, issued, due := make([]string, n), make([]string, n), make([]string, n)
	totals, paid, statuses := make([]string, n), make([]string, n), make([]string, n)
	descriptions, metas := make([]string, n), make([]string, n)
	created, updated := make([]string, n), make([]string, n)
	for i, inv := range invoices {
		row := toInvoiceRow(inv)
		ids[i], extIDs[i], customerIDs[i], numbers[i] = row.ID.String(), row.ExternalID, row.CustomerID.String(), row.Number
		currencies[i], issued[i], due[i] = row.Currency, inv.IssueDate().String(), inv.DueDate().String()
		totals[i], paid[i], statuses[i] = row.Total.String(), row.AmountPaid.String(), row.Status
		descriptions[i], metas[i] = row.Description, row.Metadata
		created[i], updated[i] = timestampText(row.CreatedAt), timestampText(row.UpdatedAt)
	}
	err := r.db.WithContext(ctx).Exec(invoiceUpsert, textArray(ids), textArray(extIDs), textArray(customerIDs),
		textArray(numbers), textArray(currencies), textArray(issued), textArray(due), textArray(totals),
		textArray(paid), textArray(statuses), textArray(descriptions), textArray(metas), textArray(created),
		textArray(updated)).Error
	if err != nil {
		return fmt.Errorf("save %d invoices: %w", n, err)
	}
	return nil
}
