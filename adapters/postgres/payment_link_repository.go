package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/paymentlink"
	"github.com/saldocrm/saldo/ports"
)

// PaymentLinkRepository stores payment links in the payment_links table.
type PaymentLinkRepository struct {
	db *gorm.DB
}

var _ ports.PaymentLinkRepository = (*PaymentLinkRepository)(nil)

// NewPaymentLinkRepository returns a PaymentLinkRepository over db (a
// connection pool or a transaction).
func NewPaymentLinkRepository(db *gorm.DB) *PaymentLinkRepository {
	return &PaymentLinkRepository{db: db}
}

type paymentLinkRow struct {
	ID             uuid.UUID       `gorm:"column:id;primaryKey"`
	CustomerID     uuid.UUID       `gorm:"column:customer_id"`
	InvoiceIDs     string          `gorm:"column:invoice_ids;type:uuid[];->"` // read only, in PostgreSQL's text form {…}; Create binds a text[]
	Amount         decimal.Decimal `gorm:"column:amount;type:numeric(20,4)"`
	Currency       string          `gorm:"column:currency;type:char(3)"`
	Provider       string          `gorm:"column:provider"`
	ProviderID     string          `gorm:"column:provider_id"` // '' until the provider creates the page
	URL            string          `gorm:"column:url"`
	Token          string          `gorm:"column:token"`
	Status         string          `gorm:"column:status"`
	ConversationID *uuid.UUID      `gorm:"column:conversation_id"` // NULL when not sent
	PaymentID      *uuid.UUID      `gorm:"column:payment_id"`      // NULL until paid
	ExpiresAt      time.Time       `gorm:"column:expires_at"`
	PaidAt         *time.Time      `gorm:"column:paid_at"` // NULL until paid
	CreatedAt      time.Time       `gorm:"column:created_at;autoCreateTime:false"`
	UpdatedAt      time.Time       `gorm:"column:updated_at;autoUpdateTime:false"`
}

func (paymentLinkRow) TableName() string { return "payment_links" }

func toPaymentLinkRow(l *paymentlink.Link) paymentLinkRow {
	return paymentLinkRow{
		ID: l.ID(), CustomerID: l.CustomerID(), Amount: l.Amount().Amount(), Currency: l.Amount().Currency().Code(),
		Provider: l.Provider(), ProviderID: l.ProviderID(), URL: l.URL(), Token: l.Token(), Status: string(l.Status()),
		ConversationID: nullUUID(l.ConversationID()), PaymentID: nullUUID(l.PaymentID()),
		ExpiresAt: timestamp(l.ExpiresAt()), PaidAt: nullTime(l.PaidAt()),
		CreatedAt: timestamp(l.CreatedAt()), UpdatedAt: timestamp(l.UpdatedAt()),
	}
}

func (r paymentLinkRow) toDomain() (*paymentlink.Link, error) {
	invoiceIDs, err := parseUUIDArray(r.InvoiceIDs)
	if err != nil {
		return nil, errCorrupt("payment link", r.ID, err)
	}
	amount, err := moneyFrom(r.Amount, r.Currency)
	if err != nil {
		return nil, errCorrupt("payment link", r.ID, err)
	}
	l, err := paymentlink.UnmarshalFromDatabase(paymentlink.Record{
		ID: r.ID, CustomerID: r.CustomerID, ConversationID: uuidOf(r.ConversationID), PaymentID: uuidOf(r.PaymentID),
		InvoiceIDs: invoiceIDs, Amount: amount, Provider: r.Provider, ProviderID: r.ProviderID, URL: r.URL,
		Token: r.Token, Status: paymentlink.Status(r.Status),
		ExpiresAt: r.ExpiresAt.UTC(), PaidAt: timeOf(r.PaidAt), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	})
	if err != nil {
		return nil, errCorrupt("payment link", r.ID, err)
	}
	return l, nil
}

// parseUUIDArray reads a uuid[] column. database/sql gets arrays from pgx
// in PostgreSQL's text form, "{a,b}"; uuids need no quoting and the column
// holds no NULL, so splitting on commas reads every element.
func parseUUIDArray(s string) ([]uuid.UUID, error) {
	inner, ok := strings.CutPrefix(s, "{")
	if ok {
		inner, ok = strings.CutSuffix(inner, "}")
	}
	if !ok {
		return nil, fmt.Errorf("not a uuid array: %q", s)
	}
	if inner == "" {
		return []uuid.UUID{}, nil
	}
	parts := strings.Split(inner, ",")
	ids := make([]uuid.UUID, len(parts))
	for i, p := range parts {
		id, err := uuid.Parse(p)
		if err != nil {
			return nil, fmt.Errorf("uuid array element %d: %w", i+1, err)
		}
		ids[i] = id
	}
	return ids, nil
}

// paymentLinkInsert stores a new link; the invoice ids travel as one text[]
// parameter (see textArray).
const paymentLinkInsert = `
INSERT INTO payment_links (id, customer_id, invoice_ids, amount, currency, provider, provider_id, url, token,
	status, conversation_id, payment_id, expires_at, paid_at, created_at, updated_at)
VALUES (?, ?, ?::text[]::uuid[], ?::numeric, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// Create stores a new link. A link whose id, token or provider id is
// already stored is a conflict.
func (r *PaymentLinkRepository) Create(ctx context.Context, l *paymentlink.Link) error {
	row := toPaymentLinkRow(l)
	err := r.db.WithContext(ctx).Exec(paymentLinkInsert, row.ID, row.CustomerID, uuidArray(l.InvoiceIDs()),
		row.Amount.String(), row.Currency, row.Provider, row.ProviderID, row.URL, row.Token, row.Status,
		row.ConversationID, row.PaymentID, row.ExpiresAt, row.PaidAt, row.CreatedAt, row.UpdatedAt).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		// The token is 144 random bits: a duplicate is the same link stored twice.
		return domain.ErrConflict.New(fmt.Sprintf("payment link %s is already stored", l.ID()))
	}
	if err != nil {
		return fmt.Errorf("create payment link %s: %w", l.ID(), err)
	}
	return nil
}

// Get returns the link with id, or paymentlink.ErrNotFound.
func (r *PaymentLinkRepository) Get(ctx context.Context, id uuid.UUID) (*paymentlink.Link, error) {
	return takePaymentLink(r.db.WithContext(ctx).Where("id = ?", id), id.String())
}

// ByToken returns the link with the public token, or
// paymentlink.ErrNotFound. The token is a secret: errors do not repeat it.
func (r *PaymentLinkRepository) ByToken(ctx context.Context, token string) (*paymentlink.Link, error) {
	return takePaymentLink(r.db.WithContext(ctx).Where("token = ?", token), "with this token")
}

// Lock returns the link with id, locked until the transaction ends, or
// paymentlink.ErrNotFound.
func (r *PaymentLinkRepository) Lock(ctx context.Context, id uuid.UUID) (*paymentlink.Link, error) {
	return takePaymentLink(r.db.WithContext(ctx).Where("id = ?", id).Clauses(forUpdate), id.String())
}

func takePaymentLink(q *gorm.DB, what string) (*paymentlink.Link, error) {
	var row paymentLinkRow
	err := q.Take(&row).Error
	if notFound(err) {
		return nil, paymentlink.ErrNotFound.New(what)
	}
	if err != nil {
		return nil, fmt.Errorf("get payment link %s: %w", what, err)
	}
	return row.toDomain()
}

// Save writes what a stored link's life changes: its status, provider id,
// URL, conversation, payment, payment time and update time. A link that is
// not stored is paymentlink.ErrNotFound; a provider id stored on another
// link is a conflict.
func (r *PaymentLinkRepository) Save(ctx context.Context, l *paymentlink.Link) error {
	row := toPaymentLinkRow(l)
	res := r.db.WithContext(ctx).Model(&paymentLinkRow{}).Where("id = ?", row.ID).Updates(map[string]any{
		"status": row.Status, "provider_id": row.ProviderID, "url": row.URL, "conversation_id": row.ConversationID,
		"payment_id": row.PaymentID, "paid_at": row.PaidAt, "updated_at": row.UpdatedAt,
	})
	if errors.Is(res.Error, gorm.ErrDuplicatedKey) {
		return domain.ErrConflict.New(fmt.Sprintf("another payment link has provider id %q", l.ProviderID()))
	}
	if res.Error != nil {
		return fmt.Errorf("save payment link %s: %w", l.ID(), res.Error)
	}
	if res.RowsAffected == 0 {
		return paymentlink.ErrNotFound.New(l.ID())
	}
	return nil
}

// ByCustomer returns the customer's links, newest first (created_at DESC,
// then id DESC), at most n of them (all when n is zero or less).
func (r *PaymentLinkRepository) ByCustomer(ctx context.Context, customerID uuid.UUID, n int) ([]*paymentlink.Link, error) {
	q := r.db.WithContext(ctx).Where("customer_id = ?", customerID).Order("created_at DESC, id DESC")
	var rows []paymentLinkRow
	if err := limit(q, n).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("payment links of customer %s: %w", customerID, err)
	}
	return toDomain(rows)
}
