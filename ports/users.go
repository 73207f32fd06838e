package ports

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/user"
)

// UserRepository stores the console's users. Not found is user.ErrNotFound.
type UserRepository interface {
	// Create stores a new user; an email already taken is user.ErrEmailTaken.
	Create(ctx context.Context, u *user.User) error
	Get(ctx context.Context, id uuid.UUID) (*user.User, error)
	// ByEmail finds a user by email, whatever its case.
	ByEmail(ctx context.Context, email string) (*user.User, error)
	// Save updates a stored user.
	Save(ctx context.Context, u *user.User) error
	// Update applies fn to the user with the row locked, and saves the result:
	// concurrent updates (sign-in failures) never overwrite each other.
	Update(ctx context.Context, id uuid.UUID, fn func(*user.User) error) (*user.User, error)
	// List returns every user by name.
	List(ctx context.Context) ([]*user.User, error)
}

// SessionRepository stores the console's sign-in sessions, by the hash of
// their token. Not found is user.ErrSessionExpired.
type SessionRepository interface {
	Create(ctx context.Context, s user.Session) error
	// ByTokenHash returns the session, expired or not.
	ByTokenHash(ctx context.Context, hash string) (user.Session, error)
	// Touch moves a session's last-seen and expiry times forward (never back).
	Touch(ctx context.Context, hash string, lastSeen, expiresAt time.Time) error
	// Delete ends a session; ending one that does not exist is not an error.
	Delete(ctx context.Context, hash string) error
	// DeleteExpired removes the sessions expired at now and says how many.
	DeleteExpired(ctx context.Context, now time.Time) (int, error)
}

// PasswordHasher hashes passwords with a slow, salted hash. A password it
// cannot hash (too long) is an error of kind invalid.
type PasswordHasher interface {
	Hash(password string) (string, error)
	// Verify reports whether password is the one hash was made from.
	Verify(hash, password string) bool
}
