package postgres_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/domain/user"
)

func TestSessionRepository(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewSessionRepository(db)
	ctx := t.Context()
	agent := saveAgent(t, db)

	s, token, err := user.NewSession(agent, now, 12*time.Hour)
	require.NoError(t, err)
	require.NoError(t, repo.Create(ctx, s))
	assert.Equal(t, 0, count(t, db, "SELECT count(*) FROM sessions WHERE token_hash = ?", token), "the token is not stored")

	got, err := repo.ByTokenHash(ctx, user.HashToken(token))
	require.NoError(t, err)
	assertSessionEqual(t, s, got)

	_, err = repo.ByTokenHash(ctx, user.HashToken("forged"))
	assert.True(t, errors.Is(err, user.ErrSessionExpired), "got %v", err)

	// Storing it twice is a conflict; a session of no user is refused.
	assert.Error(t, repo.Create(ctx, s))
	ghost, _, err := user.NewSession(uuid.New(), now, time.Hour)
	require.NoError(t, err)
	assert.True(t, errors.Is(repo.Create(ctx, ghost), user.ErrNotFound))

	// Touch moves the times forward, never back.
	hash := s.TokenHash
	stored := func() user.Session {
		got, err := repo.ByTokenHash(ctx, hash)
		require.NoError(t, err)
		return got
	}
	seen, expires := now.Add(time.Minute), now.Add(13*time.Hour)
	require.NoError(t, repo.Touch(ctx, hash, seen, expires))
	got = stored()
	assertTime(t, seen, got.LastSeenAt, "last seen")
	assertTime(t, expires, got.ExpiresAt, "expires")
	require.NoError(t, repo.Touch(ctx, hash, now, now.Add(time.Hour)), "a late concurrent touch")
	got = stored()
	assertTime(t, seen, got.LastSeenAt, "last seen after a late touch")
	assertTime(t, expires, got.ExpiresAt, "expires after a late touch")
	require.NoError(t, repo.Touch(ctx, hash, seen.Add(time.Minute), expires))
	got = stored()
	assertTime(t, seen.Add(time.Minute), got.LastSeenAt, "last seen alone")
	assertTime(t, expires, got.ExpiresAt, "expires unchanged")
	require.NoError(t, repo.Touch(ctx, user.HashToken("gone"), seen, expires), "an unknown session is not an error")

	// Delete, twice.
	require.NoError(t, repo.Delete(ctx, hash))
	_, err = repo.ByTokenHash(ctx, hash)
	assert.True(t, errors.Is(err, user.ErrSessionExpired), "got %v", err)
	require.NoError(t, repo.Delete(ctx, hash))
}

// TestSessionRepository_TouchWritesOnlyChanges checks that a touch that
// moves nothing leaves the row alone (no new row version).
func TestSessionRepository_TouchWritesOnlyChanges(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewSessionRepository(db)
	ctx := t.Context()
	s, _, err := user.NewSession(saveAgent(t, db), now, time.Hour)
	require.NoError(t, err)
	require.NoError(t, repo.Create(ctx, s))
	version := func() string {
		var xmin string
		require.NoError(t, db.Raw("SELECT xmin::text FROM sessions WHERE token_hash = ?", s.TokenHash).Scan(&xmin).Error)
		return xmin
	}
	before := version()
	require.NoError(t, repo.Touch(ctx, s.TokenHash, s.LastSeenAt, s.ExpiresAt))
	require.NoError(t, repo.Touch(ctx, s.TokenHash, s.LastSeenAt.Add(-time.Second), s.ExpiresAt))
	assert.Equal(t, before, version(), "touched without a change")
	require.NoError(t, repo.Touch(ctx, s.TokenHash, s.LastSeenAt.Add(time.Second), s.ExpiresAt))
	assert.NotEqual(t, before, version(), "a change is written")
}

func TestSessionRepository_DeleteExpired(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewSessionRepository(db)
	ctx := t.Context()
	agent := saveAgent(t, db)
	var live []string
	for _, ttl := range []time.Duration{time.Minute, time.Hour, 2 * time.Hour, 3 * time.Hour} {
		s, _, err := user.NewSession(agent, now, ttl)
		require.NoError(t, err)
		require.NoError(t, repo.Create(ctx, s))
		if ttl > time.Hour {
			live = append(live, s.TokenHash)
		}
	}

	n, err := repo.DeleteExpired(ctx, now.Add(time.Hour)) // the one-hour session ends exactly then
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	for _, h := range live {
		_, err := repo.ByTokenHash(ctx, h)
		assert.NoError(t, err)
	}
	n, err = repo.DeleteExpired(ctx, now.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 0, n)
}

func assertSessionEqual(t testing.TB, want, got user.Session) {
	t.Helper()
	assert.Equal(t, want.TokenHash, got.TokenHash, "token hash")
	assert.Equal(t, want.UserID, got.UserID, "user id")
	assert.Equal(t, want.CSRFToken, got.CSRFToken, "csrf token")
	assertTime(t, want.CreatedAt, got.CreatedAt, "created at")
	assertTime(t, want.LastSeenAt, got.LastSeenAt, "last seen at")
	assertTime(t, want.ExpiresAt, got.ExpiresAt, "expires at")
}
