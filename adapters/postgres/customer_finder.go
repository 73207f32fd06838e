package postgres

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/phone"
	"github.com/saldocrm/saldo/ports"
)

// CustomerFinder matches WhatsApp numbers to customers through the
// customers table's phone_key, which CustomerRepository.Save keeps.
type CustomerFinder struct {
	db *gorm.DB
}

var _ ports.CustomerFinder = (*CustomerFinder)(nil)

// NewCustomerFinder returns a CustomerFinder over db.
func NewCustomerFinder(db *gorm.DB) *CustomerFinder {
	return &CustomerFinder{db: db}
}

// ByPhoneKey returns, in id order, the customers whose phone has the
// canonical key key (phone.Number.CanonicalKey); none for "".
func (f *CustomerFinder) ByPhoneKey(ctx context.Context, key string) ([]uuid.UUID, error) {
	ids := []uuid.UUID{}
	if key == "" {
		return ids, nil // customers without a phone store "": they match nobody
	}
	err := f.db.WithContext(ctx).Model(&customerRow{}).Where("phone_key = ?", key).Order("id").Pluck("id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("find customers by phone: %w", err)
	}
	return ids, nil
}

// PhoneOf returns the customer's phone number (the zero Number when none is
// known) and whether they opted out of WhatsApp messages, or
// customer.ErrNotFound.
func (f *CustomerFinder) PhoneOf(ctx context.Context, customerID uuid.UUID) (phone.Number, bool, error) {
	var row struct {
		Phone            string
		WhatsAppOptedOut bool `gorm:"column:whatsapp_opted_out"`
	}
	err := f.db.WithContext(ctx).Model(&customerRow{}).Select("phone, whatsapp_opted_out").
		Where("id = ?", customerID).Take(&row).Error
	if notFound(err) {
		return phone.Number{}, false, customer.ErrNotFound.New(customerID)
	}
	if err != nil {
		return phone.Number{}, false, fmt.Errorf("phone of customer %s: %w", customerID, err)
	}
	if row.Phone == "" {
		return phone.Number{}, row.WhatsAppOptedOut, nil
	}
	n, err := phone.Parse(row.Phone)
	if err != nil {
		return phone.Number{}, false, errCorrupt("customer", customerID, err)
	}
	return n, row.WhatsAppOptedOut, nil
}
