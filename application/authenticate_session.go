package application

import (
	"context"
	"errors"
	"fmt"

	"github.com/saldocrm/saldo/domain/user"
	"github.com/saldocrm/saldo/ports"
)

// AuthenticateSession resolves the token a browser presents to its user
// and session, and keeps the session alive.
type AuthenticateSession struct {
	users    ports.UserRepository
	sessions ports.SessionRepository
	clock    ports.Clock
}

// NewAuthenticateSession returns the use case.
func NewAuthenticateSession(users ports.UserRepository, sessions ports.SessionRepository, clock ports.Clock) *AuthenticateSession {
	must(users, sessions, clock)
	return &AuthenticateSession{users: users, sessions: sessions, clock: clock}
}

// Handle returns the signed-in user and the session of token. A missing,
// unknown or expired token, or one whose user is gone, is
// user.ErrSessionExpired. The session slides: once less than half of
// SessionTTL is left it lasts SessionTTL again; its last-seen time is
// written at most once a minute.
func (h *AuthenticateSession) Handle(ctx context.Context, token string) (*user.User, user.Session, error) {
	if token == "" {
		return nil, user.Session{}, user.ErrSessionExpired.New()
	}
	hash := user.HashToken(token)
	s, err := h.sessions.ByTokenHash(ctx, hash)
	if err != nil {
		return nil, user.Session{}, err
	}
	now := h.clock.Now()
	if s.Expired(now) {
		if err := h.sessions.Delete(ctx, hash); err != nil {
			return nil, user.Session{}, fmt.Errorf("end expired session: %w", err)
		}
		return nil, user.Session{}, user.ErrSessionExpired.New()
	}
	u, err := h.users.Get(ctx, s.UserID)
	if errors.Is(err, user.ErrNotFound) {
		// Removing a user removes their sessions; this one raced it.
		return nil, user.Session{}, user.ErrSessionExpired.New()
	}
	if err != nil {
		return nil, user.Session{}, fmt.Errorf("authenticate session: %w", err)
	}
	if next, changed := s.Refresh(now, SessionTTL); changed {
		if err := h.sessions.Touch(ctx, hash, next.LastSeenAt, next.ExpiresAt); err != nil {
			return nil, user.Session{}, fmt.Errorf("keep session alive: %w", err)
		}
		s = next
	}
	return u, s, nil
}
