package application

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/apikey"
	"github.com/saldocrm/saldo/ports"
)

// CreateAPIKey makes a new API key and returns its secret, shown once.
type CreateAPIKey struct {
	keys  ports.APIKeyRepository
	clock ports.Clock
}

// NewCreateAPIKey returns the use case.
func NewCreateAPIKey(keys ports.APIKeyRepository, clock ports.Clock) *CreateAPIKey {
	must(keys, clock)
	return &CreateAPIKey{keys: keys, clock: clock}
}

// Handle creates a key named name with the given scopes.
func (h *CreateAPIKey) Handle(ctx context.Context, name string, scopes []apikey.Scope) (*apikey.Key, string, error) {
	k, secret, err := apikey.Generate(uuid.Must(uuid.NewV7()), name, scopes, h.clock.Now())
	if err != nil {
		return nil, "", err
	}
	if err := h.keys.Create(ctx, k); err != nil {
		return nil, "", err
	}
	return k, secret, nil
}

// AuthenticateAPIKey resolves a presented secret to an active key that has a
// scope, and records its use.
type AuthenticateAPIKey struct {
	keys  ports.APIKeyRepository
	clock ports.Clock
}

// NewAuthenticateAPIKey returns the use case.
func NewAuthenticateAPIKey(keys ports.APIKeyRepository, clock ports.Clock) *AuthenticateAPIKey {
	must(keys, clock)
	return &AuthenticateAPIKey{keys: keys, clock: clock}
}

// Handle returns the key for secret if it allows scope.
func (h *AuthenticateAPIKey) Handle(ctx context.Context, secret string, scope apikey.Scope) (*apikey.Key, error) {
	if !strings.HasPrefix(secret, apikey.Prefix) {
		return nil, apikey.ErrUnknownKey
	}
	k, err := h.keys.ByHash(ctx, apikey.Hash(secret))
	if err != nil {
		return nil, err
	}
	if !k.Active() {
		return nil, apikey.ErrUnknownKey
	}
	if !k.Allows(scope) {
		return nil, apikey.ErrMissingScope.New(scope)
	}
	// Record use at most once a minute: no write on every request.
	now := h.clock.Now()
	if last := k.LastUsedAt(); last == nil || now.Sub(*last) > time.Minute {
		if err := h.keys.Touch(ctx, k.ID(), now); err != nil {
			return nil, err
		}
	}
	return k, nil
}
