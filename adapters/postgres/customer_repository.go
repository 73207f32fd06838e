package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/ports"
)

// CustomerRepository stores customers in the customers table.
type CustomerRepository struct {
	db *gorm.DB
}

var _ ports.CustomerRepository = (*CustomerRepository)(nil)

// NewCustomerRepository returns a CustomerRepository over db (a connection
// pool or a transaction).
func NewCustomerRepository(db *gorm.DB) *CustomerRepository {
	return &CustomerRepository{db: db}
}

type customerRow struct {
	ID               uuid.UUID `gorm:"column:id;primaryKey"`
	ExternalID       string    `gorm:"column:external_id"`
	Name             string    `gorm:"column:name"`
	Email            string    `gorm:"column:email"`
	Phone            string    `gorm:"column:phone"`
	PhoneKey         string    `gorm:"column:phone_key"`
	TaxID            string    `gorm:"column:tax_id"`
	Tags             string    `gorm:"column:tags;type:jsonb"`
	Language         string    `gorm:"column:language"`
	Metadata         string    `gorm:"column:metadata;type:json"`
	WhatsAppOptedOut bool      `gorm:"column:whatsapp_opted_out"`
	CreatedAt        time.Time `gorm:"column:created_at"`
	UpdatedAt        time.Time `gorm:"column:updated_at"`
}

func (customerRow) TableName() string { return "customers" }

func toCustomerRow(c *customer.Customer) (customerRow, error) {
	tags := c.Tags()
	if tags == nil {
		tags = []string{} // a JSON array, never null
	}
	tagsJSON, err := json.Marshal(tags)
	if err != nil {
		return customerRow{}, fmt.Errorf("encode tags of customer %s: %w", c.ExternalID(), err)
	}
	meta := string(c.Metadata())
	if meta == "" {
		meta = "{}"
	}
	return customerRow{
		ID: c.ID(), ExternalID: c.ExternalID(), Name: c.Name(), Email: c.Email(),
		Phone: c.Phone().String(), PhoneKey: c.Phone().CanonicalKey(), TaxID: c.TaxID(),
		Tags: string(tagsJSON), Language: string(c.Language()), Metadata: meta,
		WhatsAppOptedOut: c.OptedOut(), CreatedAt: timestamp(c.CreatedAt()), UpdatedAt: timestamp(c.UpdatedAt()),
	}, nil
}

func (r customerRow) toDomain() (*customer.Customer, error) {
	var tags []string
	if err := json.Unmarshal([]byte(r.Tags), &tags); err != nil {
		return nil, errCorrupt("customer", r.ID, err)
	}
	// Stored canonical (a json column keeps the text); normalizing again is a
	// guard for rows written by hand.
	meta, err := domain.NormalizeMetadata(json.RawMessage(r.Metadata))
	if err != nil {
		return nil, errCorrupt("customer", r.ID, err)
	}
	c, err := customer.UnmarshalFromDatabase(r.ID, customer.Details{
		ExternalID: r.ExternalID, Name: r.Name, Email: r.Email, Phone: r.Phone, TaxID: r.TaxID,
		Tags: tags, Language: r.Language, Metadata: meta,
	}, r.WhatsAppOptedOut, r.CreatedAt.UTC(), r.UpdatedAt.UTC())
	if err != nil {
		return nil, errCorrupt("customer", r.ID, err)
	}
	return c, nil
}

// Get returns the customer with id, or customer.ErrNotFound.
func (r *CustomerRepository) Get(ctx context.Context, id uuid.UUID) (*customer.Customer, error) {
	var row customerRow
	err := r.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	if notFound(err) {
		return nil, customer.ErrNotFound.New(id)
	}
	if err != nil {
		return nil, fmt.Errorf("get customer %s: %w", id, err)
	}
	return row.toDomain()
}

// GetByExternalID returns the customer with the ERP key externalID, or
// customer.ErrNotFound.
func (r *CustomerRepository) GetByExternalID(ctx context.Context, externalID string) (*customer.Customer, error) {
	var row customerRow
	err := r.db.WithContext(ctx).Where("external_id = ?", externalID).Take(&row).Error
	if notFound(err) {
		return nil, customer.ErrNotFound.New(strconv.Quote(externalID))
	}
	if err != nil {
		return nil, fmt.Errorf("get customer %q: %w", externalID, err)
	}
	return row.toDomain()
}

// ByExternalIDs returns the stored customers among externalIDs, keyed by
// external id, locking their rows (in id order) until the transaction ends.
func (r *CustomerRepository) ByExternalIDs(ctx context.Context, externalIDs []string) (map[string]*customer.Customer, error) {
	out := make(map[string]*customer.Customer, len(externalIDs))
	if len(externalIDs) == 0 {
		return out, nil
	}
	var rows []customerRow
	err := r.db.WithContext(ctx).
		Where("external_id = ANY(?::text[])", textArray(externalIDs)).
		Order("id").Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).
		Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("get customers by external id: %w", err)
	}
	for _, row := range rows {
		c, err := row.toDomain()
		if err != nil {
			return nil, err
		}
		out[c.ExternalID()] = c
	}
	return out, nil
}

// ExternalIDs returns the external ids of the customers with the given ids.
func (r *CustomerRepository) ExternalIDs(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]string, error) {
	return r.column(ctx, ids, "external_id")
}

// Names returns the names of the customers with the given ids.
func (r *CustomerRepository) Names(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]string, error) {
	return r.column(ctx, ids, "name")
}

// column reads one text column of the customers with the given ids.
func (r *CustomerRepository) column(ctx context.Context, ids []uuid.UUID, column string) (map[uuid.UUID]string, error) {
	out := make(map[uuid.UUID]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID    uuid.UUID
		Value string
	}
	err := r.db.WithContext(ctx).Model(&customerRow{}).Select("id, "+column+" AS value").
		Where("id = ANY(?::text[]::uuid[])", uuidArray(ids)).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("get customer %s: %w", column, err)
	}
	for _, row := range rows {
		out[row.ID] = row.Value
	}
	return out, nil
}

// List returns the customers matching f, by id.
func (r *CustomerRepository) List(ctx context.Context, f ports.CustomerFilter) ([]*customer.Customer, error) {
	q := r.db.WithContext(ctx).Model(&customerRow{})
	if s := strings.TrimSpace(f.Search); s != "" {
		p := likePattern(s)
		q = q.Where("(name ILIKE ? OR email ILIKE ? OR phone ILIKE ? OR tax_id ILIKE ? OR external_id ILIKE ?)", p, p, p, p, p)
	}
	var rows []customerRow
	if err := paginate(q, f.Page).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list customers: %w", err)
	}
	return toDomain(rows)
}

// customerUpsert inserts or updates a batch in one statement: one text[]
// parameter per column, unnested into rows.
const customerUpsert = `
INSERT INTO customers (id, external_id, name, email, phone, phone_key, tax_id, tags, language,
	metadata, whatsapp_opted_out, created_at, updated_at)
SELECT * FROM unnest(?::text[]::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
	?::text[]::jsonb[], ?::text[], ?::text[]::json[], ?::text[]::boolean[], ?::text[]::timestamptz[],
	?::text[]::timestamptz[])
ON CONFLICT (id) DO UPDATE SET
	external_id = EXCLUDED.external_id, name = EXCLUDED.name, email = EXCLUDED.email,
	phone = EXCLUDED.phone, phone_key = EXCLUDED.phone_key, tax_id = EXCLUDED.tax_id,
	tags = EXCLUDED.tags, language = EXCLUDED.language, metadata = EXCLUDED.metadata,
	whatsapp_opted_out = EXCLUDED.whatsapp_opted_out, updated_at = EXCLUDED.updated_at`

// Save inserts new customers and updates stored ones (every column but id
// and created_at) in one statement; nothing is sent for none.
func (r *CustomerRepository) Save(ctx context.Context, customers ...*customer.Customer) error {
	if len(customers) == 0 {
		return nil
	}
	customers = lastByID(customers, (*customer.Customer).ID)
	n := len(customers)
	ids, extIDs, names, emails := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	phones, phoneKeys, taxIDs, tags := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	langs, metas, optedOut := make([]string, n), make([]string, n), make([]string, n)
	created, updated := make([]string, n), make([]string, n)
	for i, c := range customers {
		row, err := toCustomerRow(c)
		if err != nil {
			return err
		}
		ids[i], extIDs[i], names[i], emails[i] = row.ID.String(), row.ExternalID, row.Name, row.Email
		phones[i], phoneKeys[i], taxIDs[i], tags[i] = row.Phone, row.PhoneKey, row.TaxID, row.Tags
		langs[i], metas[i], optedOut[i] = row.Language, row.Metadata, strconv.FormatBool(row.WhatsAppOptedOut)
		created[i], updated[i] = timestampText(row.CreatedAt), timestampText(row.UpdatedAt)
	}
	err := r.db.WithContext(ctx).Exec(customerUpsert, textArray(ids), textArray(extIDs), textArray(names),
		textArray(emails), textArray(phones), textArray(phoneKeys), textArray(taxIDs), textArray(tags),
		textArray(langs), textArray(metas), textArray(optedOut), textArray(created), textArray(updated)).Error
	if err != nil {
		return fmt.Errorf("save %d customers: %w", n, err)
	}
	return nil
}
