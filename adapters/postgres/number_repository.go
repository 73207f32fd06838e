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
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/ports"
)

// NumberRepository stores the organization's WhatsApp business numbers in
// the whatsapp_numbers table.
type NumberRepository struct {
	db *gorm.DB
}

var _ ports.NumberRepository = (*NumberRepository)(nil)

// NewNumberRepository returns a NumberRepository over db (a connection pool
// or a transaction).
func NewNumberRepository(db *gorm.DB) *NumberRepository {
	return &NumberRepository{db: db}
}

// defaultNumberColor is the color of a number saved without one: the
// column's default, WhatsApp green.
const defaultNumberColor = "#25d366"

type numberRow struct {
	ID                uuid.UUID `gorm:"column:id;primaryKey"`
	PhoneNumberID     string    `gorm:"column:phone_number_id"`
	BusinessAccountID string    `gorm:"column:business_account_id"`
	DisplayPhone      string    `gorm:"column:display_phone"`
	DisplayName       string    `gorm:"column:display_name"`
	Color             string    `gorm:"column:color"`
	CreatedAt         time.Time `gorm:"column:created_at;->"` // read only: set by the database on insert
}

func (numberRow) TableName() string { return "whatsapp_numbers" }

func toNumberRow(n conversation.BusinessNumber) numberRow {
	row := numberRow{
		ID: n.ID, PhoneNumberID: n.PhoneNumberID, BusinessAccountID: n.BusinessAccountID,
		DisplayPhone: n.DisplayPhone, DisplayName: n.DisplayName, Color: n.Color,
	}
	if row.ID == uuid.Nil {
		row.ID = conversation.NumberIDFor(n.PhoneNumberID)
	}
	if row.Color == "" {
		row.Color = defaultNumberColor
	}
	return row
}

func (r numberRow) toDomain() conversation.BusinessNumber {
	return conversation.BusinessNumber{
		ID: r.ID, PhoneNumberID: r.PhoneNumberID, BusinessAccountID: r.BusinessAccountID,
		DisplayPhone: r.DisplayPhone, DisplayName: r.DisplayName, Color: r.Color,
	}
}

// Get returns the number with Saldo's id id, or conversation.ErrNumberNotFound.
func (r *NumberRepository) Get(ctx context.Context, id uuid.UUID) (conversation.BusinessNumber, error) {
	return takeNumber(r.db.WithContext(ctx).Where("id = ?", id), id.String())
}

// ByPhoneNumberID returns the number with Meta's id phoneNumberID, or
// conversation.ErrNumberNotFound.
func (r *NumberRepository) ByPhoneNumberID(ctx context.Context, phoneNumberID string) (conversation.BusinessNumber, error) {
	return takeNumber(r.db.WithContext(ctx).Where("phone_number_id = ?", phoneNumberID), phoneNumberID)
}

// Default returns the number configured first (numbers saved in one
// transaction count in id order), or conversation.ErrNumberNotFound when
// there is none.
func (r *NumberRepository) Default(ctx context.Context) (conversation.BusinessNumber, error) {
	return takeNumber(r.db.WithContext(ctx).Order("created_at, id"), "default")
}

func takeNumber(q *gorm.DB, what string) (conversation.BusinessNumber, error) {
	var row numberRow
	err := q.Take(&row).Error
	if notFound(err) {
		return conversation.BusinessNumber{}, conversation.ErrNumberNotFound.New(what)
	}
	if err != nil {
		return conversation.BusinessNumber{}, fmt.Errorf("get WhatsApp number %s: %w", what, err)
	}
	return row.toDomain(), nil
}

// Save inserts the number or updates the stored one with its id. A number
// without an id gets conversation.NumberIDFor(its PhoneNumberID); one
// without a color, WhatsApp green; a color must be #rrggbb. Meta's id
// stored under another id is a conflict.
func (r *NumberRepository) Save(ctx context.Context, n conversation.BusinessNumber) error {
	row := toNumberRow(n)
	err := r.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{
			"phone_number_id", "business_account_id", "display_phone", "display_name", "color",
		}),
	}).Create(&row).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return domain.ErrConflict.New(fmt.Sprintf("WhatsApp number %s is already configured", n.PhoneNumberID))
	}
	if errors.Is(err, gorm.ErrCheckConstraintViolated) { // the only check is the color's
		return domain.Invalid("invalid_color", "color %q is not #rrggbb", n.Color)
	}
	if err != nil {
		return fmt.Errorf("save WhatsApp number %s: %w", n.PhoneNumberID, err)
	}
	return nil
}

// List returns every number, the one configured first first.
func (r *NumberRepository) List(ctx context.Context) ([]conversation.BusinessNumber, error) {
	var rows []numberRow
	if err := r.db.WithContext(ctx).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list WhatsApp numbers: %w", err)
	}
	out := make([]conversation.BusinessNumber, 0, len(rows))
	for _, row := range rows {
		out = append(out, row.toDomain())
	}
	return out, nil
}
