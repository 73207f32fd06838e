package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/apikey"
	"github.com/saldocrm/saldo/ports"
)

// APIKeyRepository stores API keys (their hashes, never the secrets) in the
// api_keys table.
type APIKeyRepository struct {
	db *gorm.DB
}

var _ ports.APIKeyRepository = (*APIKeyRepository)(nil)

// NewAPIKeyRepository returns an APIKeyRepository over db.
func NewAPIKeyRepository(db *gorm.DB) *APIKeyRepository {
	return &APIKeyRepository{db: db}
}

type apiKeyRow struct {
	ID         uuid.UUID  `gorm:"column:id;primaryKey"`
	Name       string     `gorm:"column:name"`
	Hash       string     `gorm:"column:hash"`
	Hint       string     `gorm:"column:hint"`
	Scopes     string     `gorm:"column:scopes"` // comma-separated
	CreatedAt  time.Time  `gorm:"column:created_at;autoCreateTime:false"`
	LastUsedAt *time.Time `gorm:"column:last_used_at"`
	RevokedAt  *time.Time `gorm:"column:revoked_at"`
}

func (apiKeyRow) TableName() string { return "api_keys" }

func toAPIKeyRow(k *apikey.Key) apiKeyRow {
	scopes := make([]string, 0, len(k.Scopes()))
	for _, s := range k.Scopes() {
		scopes = append(scopes, string(s))
	}
	row := apiKeyRow{
		ID: k.ID(), Name: k.Name(), Hash: k.Hash(), Hint: k.Hint(), Scopes: strings.Join(scopes, ","),
		CreatedAt: timestamp(k.CreatedAt()),
	}
	if t := k.LastUsedAt(); t != nil {
		at := timestamp(*t)
		row.LastUsedAt = &at
	}
	if !k.Active() {
		// The key exposes no revocation time; a key stored revoked was
		// never usable, so its creation time stands in.
		at := row.CreatedAt
		row.RevokedAt = &at
	}
	return row
}

func (r apiKeyRow) toDomain() (*apikey.Key, error) {
	scopes, err := apikey.ParseScopes(r.Scopes)
	if err != nil {
		return nil, errCorrupt("API key", r.ID, err)
	}
	utc := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		u := t.UTC()
		return &u
	}
	return apikey.UnmarshalFromDatabase(r.ID, r.Name, r.Hash, r.Hint, scopes, r.CreatedAt.UTC(),
		utc(r.LastUsedAt), utc(r.RevokedAt)), nil
}

// Create stores a new key.
func (r *APIKeyRepository) Create(ctx context.Context, k *apikey.Key) error {
	row := toAPIKeyRow(k)
	err := r.db.WithContext(ctx).Create(&row).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return domain.ErrConflict.New(fmt.Sprintf("API key %s already exists", k.ID()))
	}
	if err != nil {
		return fmt.Errorf("create API key %s: %w", k.ID(), err)
	}
	return nil
}

// ByHash returns the active key whose secret hashes to hash; an unknown or
// revoked key is apikey.ErrUnknownKey.
func (r *APIKeyRepository) ByHash(ctx context.Context, hash string) (*apikey.Key, error) {
	var row apiKeyRow
	err := r.db.WithContext(ctx).Where("hash = ? AND revoked_at IS NULL", hash).Take(&row).Error
	if notFound(err) {
		return nil, apikey.ErrUnknownKey.New()
	}
	if err != nil {
		return nil, fmt.Errorf("get API key by hash: %w", err)
	}
	return row.toDomain()
}

// touchEvery is how stale last_used_at may get: recording every request
// would turn each API read into a write.
const touchEvery = time.Minute

// Touch records that the key was used at at, unless that was already
// recorded less than a minute before.
func (r *APIKeyRepository) Touch(ctx context.Context, id uuid.UUID, at time.Time) error {
	at = timestamp(at)
	err := r.db.WithContext(ctx).Exec(
		"UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
		at, id, at.Add(-touchEvery)).Error
	if err != nil {
		return fmt.Errorf("touch API key %s: %w", id, err)
	}
	return nil
}
