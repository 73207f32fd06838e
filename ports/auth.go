package ports

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/apikey"
)

// APIKeyRepository stores API keys. Not found is apikey.ErrUnknownKey.
type APIKeyRepository interface {
	Create(ctx context.Context, k *apikey.Key) error
	ByHash(ctx context.Context, hash string) (*apikey.Key, error)
	// Touch records that the key was used at at.
	Touch(ctx context.Context, id uuid.UUID, at time.Time) error
}
