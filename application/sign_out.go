package application

import (
	"context"

	"github.com/saldocrm/saldo/domain/user"
	"github.com/saldocrm/saldo/ports"
)

// SignOut ends a console session.
type SignOut struct {
	sessions ports.SessionRepository
}

// NewSignOut returns the use case.
func NewSignOut(sessions ports.SessionRepository) *SignOut {
	must(sessions)
	return &SignOut{sessions: sessions}
}

// Handle ends the session of token. Signing out twice, or with a token
// that opens no session, is not an error.
func (h *SignOut) Handle(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return h.sessions.Delete(ctx, user.HashToken(token))
}
