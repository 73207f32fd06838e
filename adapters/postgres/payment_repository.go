package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/payment"
	"github.com/saldocrm/saldo/ports"
)

// PaymentRepository stores payments in the payments table and their
// allocations in payment_allocations.
type PaymentRepository struct {
	db *gorm.DB
}

var _ ports.PaymentRepository = (*PaymentRepository)(nil)

// NewPaymentRepository returns a PaymentRepository over db (a connection
// pool or a transaction).
func NewPaymentRepository(db *gorm.DB) *PaymentRepository {
	return &PaymentRepository{db: db}
}

type paymentRow struct {
	ID                uuid.UUID       `gorm:"column:id;primaryKey"`
	CustomerID        uuid.UUID       `gorm:"column:customer_id"`
	Amount            decimal.Decimal `gorm:"column:amount;type:numeric(20,4)"`
	Currency          string          `gorm:"column:currency;type:char(3)"`
	Method            string          `gorm:"column:method"`
	ProviderReference *string         `gorm:"column:provider_reference"` // NULL when none
	ReceivedAt        time.Time       `gorm:"column:received_at"`
	CreatedAt         time.Time       `gorm:"column:created_at"`
	RefundedAmount    decimal.Decimal `gorm:"column:refunded_amount;type:numeric(20,4);->"` // written by Save only
}

func (paymentRow) TableName() string { return "payments" }

type allocationRow struct {
	PaymentID uuid.UUID       `gorm:"column:payment_id;primaryKey"`
	InvoiceID uuid.UUID       `gorm:"column:invoice_id;primaryKey"`
	Amount    decimal.Decimal `gorm:"column:amount;type:numeric(20,4)"`
	Position  int             `gorm:"column:position"`
}

func (allocationRow) TableName() string { return "payment_allocations" }

func toPaymentRow(p *payment.Payment) paymentRow {
	row := paymentRow{
		ID: p.ID(), CustomerID: p.CustomerID(), Amount: p.Amount().Amount(), Currency: p.Amount().Currency().Code(),
		Method: string(p.Method()), ReceivedAt: timestamp(p.ReceivedAt()), CreatedAt: timestamp(p.CreatedAt()),
	}
	if ref := p.ProviderReference(); ref != "" {
		row.ProviderReference = &ref
	}
	return row
}

func (r paymentRow) toDomain(allocs []allocationRow) (*payment.Payment, error) {
	amount, err := moneyFrom(r.Amount, r.Currency)
	if err != nil {
		return nil, errCorrupt("payment", r.ID, err)
	}
	method, err := payment.ParseMethod(r.Method)
	if err != nil {
		return nil, errCorrupt("payment", r.ID, err)
	}
	var ref string
	if r.ProviderReference != nil {
		ref = *r.ProviderReference
	}
	allocations := make([]payment.Allocation, 0, len(allocs))
	for _, a := range allocs {
		m, err := moneyFrom(a.Amount, r.Currency)
		if err != nil {
			return nil, errCorrupt("payment", r.ID, err)
		}
		allocations = append(allocations, payment.UnmarshalAllocation(a.InvoiceID, m))
	}
	refunded, err := moneyFrom(r.RefundedAmount, r.Currency)
	if err != nil {
		return nil, errCorrupt("payment", r.ID, err)
	}
	return payment.UnmarshalFromDatabase(r.ID, payment.Details{
		CustomerID: r.CustomerID, Amount: amount, Method: method, ProviderReference: ref,
		ReceivedAt: r.ReceivedAt.UTC(),
	}, allocations, refunded, r.CreatedAt.UTC()), nil
}

// load rebuilds payments from their rows, reading the allocations of all of
// them in one query.
func (r *PaymentRepository) load(ctx context.Context, rows []paymentRow) ([]*payment.Payment, error) {
	out := make([]*payment.Payment, 0, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]uuid.UUID, len(rows))
	for i, row := range rows {
		ids[i] = row.ID
	}
	var allocs []allocationRow
	err := r.db.WithContext(ctx).
		Where("payment_id = ANY(?::text[]::uuid[])", uuidArray(ids)).
		Order("payment_id, position").Find(&allocs).Error
	if err != nil {
		return nil, fmt.Errorf("get allocations of %d payments: %w", len(rows), err)
	}
	byPayment := make(map[uuid.UUID][]allocationRow, len(rows))
	for _, a := range allocs {
		byPayment[a.PaymentID] = append(byPayment[a.PaymentID], a)
	}
	for _, row := range rows {
		p, err := row.toDomain(byPayment[row.ID])
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func (r *PaymentRepository) loadOne(ctx context.Context, row paymentRow) (*payment.Payment, error) {
	ps, err := r.load(ctx, []paymentRow{row})
	if err != nil {
		return nil, err
	}
	return ps[0], nil
}

// Get returns the payment with id and its allocations, or payment.ErrNotFound.
func (r *PaymentRepository) Get(ctx context.Context, id uuid.UUID) (*payment.Payment, error) {
	var row paymentRow
	err := r.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if notFound(err) {
		return nil, payment.ErrNotFound.New(id)
	}
	if err != nil {
		return nil, fmt.Errorf("get payment %s: %w", id, err)
	}
	return r.loadOne(ctx, row)
}

// GetByReference returns the payment recorded with providerReference, or
// payment.ErrNotFound.
func (r *PaymentRepository) GetByReference(ctx context.Context, providerReference string) (*payment.Payment, error) {
	what := "with provider_reference " + strconv.Quote(providerReference)
	if providerReference == "" {
		return nil, payment.ErrNotFound.New(what) // no reference is stored as NULL: it never matches
	}
	var row paymentRow
	err := r.db.WithContext(ctx).Where("provider_reference = ?", providerReference).Take(&row).Error
	if notFound(err) {
		return nil, payment.ErrNotFound.New(what)
	}
	if err != nil {
		return nil, fmt.Errorf("get payment %s: %w", what, err)
	}
	return r.loadOne(ctx, row)
}

// LockByReference returns the payment with the provider reference, locked
// until the unit of work ends.
func (r *PaymentRepository) LockByReference(ctx context.Context, providerReference string) (*payment.Payment, error) {
	what := "with provider_reference " + strconv.Quote(providerReference)
	var row paymentRow
	err := r.db.WithContext(ctx).Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).
		Where("provider_reference = ?", providerReference).Take(&row).Error
	if notFound(err) || providerReference == "" {
		return nil, payment.ErrNotFound.New(what)
	}
	if err != nil {
		return nil, fmt.Errorf("lock payment %s: %w", what, err)
	}
	return r.loadOne(ctx, row)
}

// Save stores a payment's refunded amount and its allocations as they are now.
func (r *PaymentRepository) Save(ctx context.Context, p *payment.Payment) error {
	db := r.db.WithContext(ctx)
	res := db.Exec("UPDATE payments SET refunded_amount = ? WHERE id = ?", p.Refunded().Amount(), p.ID())
	if res.Error != nil {
		return fmt.Errorf("save payment %s: %w", p.ID(), res.Error)
	}
	if res.RowsAffected == 0 {
		return payment.ErrNotFound.New(p.ID())
	}
	if err := db.Exec("DELETE FROM payment_allocations WHERE payment_id = ?", p.ID()).Error; err != nil {
		return fmt.Errorf("save allocations of payment %s: %w", p.ID(), err)
	}
	for i, a := range p.Allocations() {
		err := db.Exec("INSERT INTO payment_allocations (payment_id, invoice_id, amount, position) VALUES (?, ?, ?, ?)",
			p.ID(), a.InvoiceID(), a.Amount().Amount(), i).Error
		if err != nil {
			return fmt.Errorf("save allocations of payment %s: %w", p.ID(), err)
		}
	}
	return nil
}

// paymentInsert stores a payment and its allocations in one statement. A
// provider reference already stored inserts nothing (ON CONFLICT DO
// NOTHING) instead of failing, so a transaction recording a redelivered
// payment is not aborted; the count of inserted payments tells the two
// apart. A concurrent insert of the same reference waits for the first
// transaction and then inserts nothing, or everything if it rolled back.
const paymentInsert = `
WITH p AS (
	INSERT INTO payments (id, customer_id, amount, currency, method, provider_reference, received_at, created_at)
	VALUES (?, ?, ?::numeric, ?, ?, ?, ?, ?)
	ON CONFLICT (provider_reference) WHERE provider_reference IS NOT NULL DO NOTHING
	RETURNING id
), a AS (
	INSERT INTO payment_allocations (payment_id, invoice_id, amount, position)
	SELECT p.id, x.invoice_id, x.amount, x.position
	FROM p, unnest(?::text[]::uuid[], ?::text[]::numeric[]) WITH ORDINALITY AS x(invoice_id, amount, position)
)
SELECT count(*) FROM p`

// Create stores a new payment and its allocations. A provider reference
// already stored is refused with payment.ErrDuplicateReference.
func (r *PaymentRepository) Create(ctx context.Context, p *payment.Payment) error {
	row := toPaymentRow(p)
	allocs := p.Allocations()
	invoiceIDs, amounts := make([]string, len(allocs)), make([]string, len(allocs))
	for i, a := range allocs {
		invoiceIDs[i], amounts[i] = a.InvoiceID().String(), a.Amount().Amount().String()
	}
	var inserted int
	err := r.db.WithContext(ctx).Raw(paymentInsert, row.ID, row.CustomerID, row.Amount.String(), row.Currency,
		row.Method, row.ProviderReference, row.ReceivedAt, row.CreatedAt, textArray(invoiceIDs), textArray(amounts)).
		Scan(&inserted).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return domain.ErrConflict.New(fmt.Sprintf("payment %s is already recorded", p.ID()))
	}
	if err != nil {
		return fmt.Errorf("create payment %s: %w", p.ID(), err)
	}
	if inserted == 0 {
		return payment.ErrDuplicateReference.New(p.ProviderReference())
	}
	return nil
}

// List returns the payments matching f with their allocations, by id.
func (r *PaymentRepository) List(ctx context.Context, f ports.PaymentFilter) ([]*payment.Payment, error) {
	q := r.db.WithContext(ctx).Model(&paymentRow{})
	if f.CustomerID != uuid.Nil {
		q = q.Where("customer_id = ?", f.CustomerID)
	}
	if !f.Since.IsZero() {
		q = q.Where("created_at >= ?", timestamp(f.Since))
	}
	var rows []paymentRow
	if err := paginate(q, f.Page).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list payments: %w", err)
	}
	return r.load(ctx, rows)
}

// Last returns the customer's most recently received payment, or
// payment.ErrNotFound when there is none.
func (r *PaymentRepository) Last(ctx context.Context, customerID uuid.UUID) (*payment.Payment, error) {
	var row paymentRow
	err := r.db.WithContext(ctx).Where("customer_id = ?", customerID).
		Order("received_at DESC, id DESC").Take(&row).Error
	if notFound(err) {
		return nil, payment.ErrNotFound.New("of customer " + customerID.String())
	}
	if err != nil {
		return nil, fmt.Errorf("last payment of customer %s: %w", customerID, err)
	}
	return r.loadOne(ctx, row)
}

// unallocatedQuery sums, per currency, what the customer's payments did
// not allocate; a lateral join reads only each payment's own allocations.
const unallocatedQuery = `
SELECT p.currency, sum(p.amount - p.refunded_amount - coalesce(a.allocated, 0)) AS credit
FROM payments p
LEFT JOIN LATERAL (
	SELECT sum(pa.amount) AS allocated FROM payment_allocations pa WHERE pa.payment_id = p.id
) a ON true
WHERE p.customer_id = ?
GROUP BY p.currency
HAVING sum(p.amount - p.refunded_amount - coalesce(a.allocated, 0)) > 0
ORDER BY p.currency`

// Credit returns, per currency (by code), what the customer's payments
// left unallocated; currencies without credit are left out.
func (r *PaymentRepository) Credit(ctx context.Context, customerID uuid.UUID) ([]money.Money, error) {
	var rows []struct {
		Currency string
		Credit   decimal.Decimal
	}
	if err := r.db.WithContext(ctx).Raw(unallocatedQuery, customerID).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("credit of customer %s: %w", customerID, err)
	}
	out := make([]money.Money, 0, len(rows))
	for _, row := range rows {
		m, err := moneyFrom(row.Credit, row.Currency)
		if err != nil {
			return nil, errCorrupt("credit of customer", customerID, err)
		}
		out = append(out, m)
	}
	return out, nil
}
