package user

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"github.com/google/uuid"
)

// seenEvery is how stale a session's last-seen time may get: recording
// every request would turn each page view into a write.
const seenEvery = time.Minute

// Session is a browser signed in as a user. The browser holds a random
// token; only its SHA-256 is stored, so a copy of the database opens no
// session. (The token is a 256-bit random secret: a slow password hash would
// add nothing but latency.)
type Session struct {
	TokenHash  string // HashToken of the browser's token
	UserID     uuid.UUID
	CSRFToken  string // echoed by the console's forms and unsafe requests
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
}

// NewSession opens a session for userID lasting ttl from now, and returns
// it with the token to give the browser, which is not stored.
func NewSession(userID uuid.UUID, now time.Time, ttl time.Duration) (Session, string, error) {
	if userID == uuid.Nil || ttl <= 0 {
		return Session{}, "", errors.New("user: a session needs a user and a positive lifetime")
	}
	token, err := randomToken()
	if err != nil {
		return Session{}, "", err
	}
	csrf, err := randomToken()
	if err != nil {
		return Session{}, "", err
	}
	return Session{
		TokenHash: HashToken(token), UserID: userID, CSRFToken: csrf,
		CreatedAt: now, ExpiresAt: now.Add(ttl), LastSeenAt: now,
	}, token, nil
}

// randomToken returns 32 random bytes, base64url-encoded without padding.
func randomToken() (string, error) {
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(buf), nil
}

// HashToken returns the stored form of a session token: its SHA-256, hex.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Expired reports whether the session has ended at now.
func (s Session) Expired(now time.Time) bool { return !now.Before(s.ExpiresAt) }

// Refresh returns the session as a request at now leaves it, and whether
// that changed anything worth storing. The session slides: once less than
// half of ttl is left, it lasts ttl from now again. The last-seen time moves
// at most once a minute, or with the expiry. Call it on a session that has
// not expired.
func (s Session) Refresh(now time.Time, ttl time.Duration) (Session, bool) {
	changed := false
	if s.ExpiresAt.Sub(now) < ttl/2 {
		s.ExpiresAt = now.Add(ttl)
		changed = true
	}
	if changed || now.Sub(s.LastSeenAt) >= seenEvery {
		s.LastSeenAt = now
		changed = true
	}
	return s, changed
}
