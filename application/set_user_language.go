package application

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/user"
	"github.com/saldocrm/saldo/ports"
)

// SetUserLanguage changes the language the console speaks to a user.
type SetUserLanguage struct {
	users ports.UserRepository
	clock ports.Clock
}

// NewSetUserLanguage returns the use case.
func NewSetUserLanguage(users ports.UserRepository, clock ports.Clock) *SetUserLanguage {
	must(users, clock)
	return &SetUserLanguage{users: users, clock: clock}
}

// Handle sets user userID's language to lang ("es", "pt", "en", "pt-BR", …)
// and returns the user.
func (h *SetUserLanguage) Handle(ctx context.Context, userID uuid.UUID, lang string) (*user.User, error) {
	u, err := h.users.Get(ctx, userID)
	if err != nil {
		return nil, err
	}
	before := u.Language()
	if err := u.SetLanguage(lang, h.clock.Now()); err != nil {
		return nil, err
	}
	if u.Language() == before {
		return u, nil
	}
	if err := h.users.Save(ctx, u); err != nil {
		return nil, fmt.Errorf("set language of user %s: %w", userID, err)
	}
	return u, nil
}
