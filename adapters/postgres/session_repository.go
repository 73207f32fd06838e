package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/user"
	"github.com/saldocrm/saldo/ports"
)

// SessionRepository stores the console's sign-in sessions in the sessions
// table, by the hash of their token.
type SessionRepository struct {
	db *gorm.DB
}

var _ ports.SessionRepository = (*SessionRepository)(nil)

// NewSessionRepository returns a SessionRepository over db.
func NewSessionRepository(db *gorm.DB) *SessionRepository {
	return &SessionRepository{db: db}
}

type sessionRow struct {
	TokenHash  string    `gorm:"column:token_hash;primaryKey"`
	UserID     uuid.UUID `gorm:"column:user_id"`
	CSRFToken  string    `gorm:"column:csrf_token"`
	CreatedAt  time.Time `gorm:"column:created_at;autoCreateTime:false"`
	LastSeenAt time.Time `gorm:"column:last_seen_at"`
	ExpiresAt  time.Time `gorm:"column:expires_at"`
}

func (sessionRow) TableName() string { return "sessions" }

func toSessionRow(s user.Session) sessionRow {
	return sessionRow{
		TokenHash: s.TokenHash, UserID: s.UserID, CSRFToken: s.CSRFToken,
		CreatedAt: timestamp(s.CreatedAt), LastSeenAt: timestamp(s.LastSeenAt), ExpiresAt: timestamp(s.ExpiresAt),
	}
}

func (r sessionRow) toDomain() user.Session {
	return user.Session{
		TokenHash: r.TokenHash, UserID: r.UserID, CSRFToken: r.CSRFToken,
		CreatedAt: r.CreatedAt.UTC(), LastSeenAt: r.LastSeenAt.UTC(), ExpiresAt: r.ExpiresAt.UTC(),
	}
}

// Create stores a new session. A session for a user that does not exist is
// user.ErrNotFound.
func (r *SessionRepository) Create(ctx context.Context, s user.Session) error {
	row := toSessionRow(s)
	err := r.db.WithContext(ctx).Create(&row).Error
	switch {
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return user.ErrNotFound.New(s.UserID)
	case errors.Is(err, gorm.ErrDuplicatedKey):
		// 256 random bits do not collide: a caller stored the same session twice.
		return domain.ErrConflict.New("the session already exists")
	case err != nil:
		return fmt.Errorf("create session for user %s: %w", s.UserID, err)
	}
	return nil
}

// ByTokenHash returns the session whose token hashes to hash, expired or
// not; an unknown one is user.ErrSessionExpired (the browser's cookie
// outlived it).
func (r *SessionRepository) ByTokenHash(ctx context.Context, hash string) (user.Session, error) {
	var row sessionRow
	err := r.db.WithContext(ctx).Where("token_hash = ?", hash).Take(&row).Error
	if notFound(err) {
		return user.Session{}, user.ErrSessionExpired.New()
	}
	if err != nil {
		return user.Session{}, fmt.Errorf("get session: %w", err)
	}
	return row.toDomain(), nil
}

// Touch moves the session's last-seen and expiry times forward to the
// given ones. It writes only when one of them moves: concurrent requests
// of one browser never move them back, and a repeated touch costs no
// write. An unknown session is not an error.
func (r *SessionRepository) Touch(ctx context.Context, hash string, lastSeen, expiresAt time.Time) error {
	lastSeen, expiresAt = timestamp(lastSeen), timestamp(expiresAt)
	err := r.db.WithContext(ctx).Exec(`
		UPDATE sessions SET last_seen_at = greatest(last_seen_at, ?), expires_at = greatest(expires_at, ?)
		WHERE token_hash = ? AND (last_seen_at < ? OR expires_at < ?)`,
		lastSeen, expiresAt, hash, lastSeen, expiresAt).Error
	if err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// Delete ends the session whose token hashes to hash; an unknown one is not
// an error.
func (r *SessionRepository) Delete(ctx context.Context, hash string) error {
	if err := r.db.WithContext(ctx).Exec("DELETE FROM sessions WHERE token_hash = ?", hash).Error; err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteExpired removes the sessions expired at now and returns how many.
func (r *SessionRepository) DeleteExpired(ctx context.Context, now time.Time) (int, error) {
	res := r.db.WithContext(ctx).Exec("DELETE FROM sessions WHERE expires_at <= ?", timestamp(now))
	if res.Error != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}
