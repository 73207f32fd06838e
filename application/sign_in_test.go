package application_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/clock"
	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/user"
	"github.com/saldocrm/saldo/ports/mocks"
)

// storedUser returns an agent as the repository would, with failures
// consecutive failed sign-ins and locked until lockedUntil (zero: not).
func storedUser(t *testing.T, failures int, lockedUntil time.Time) *user.User {
	t.Helper()
	u, err := user.UnmarshalFromDatabase(uuid.Must(uuid.NewV7()), "ana@saldo.demo", "Ana Agente", "agent", "es",
		"hash-of-right", failures, lockedUntil, time.Time{}, now.Add(-time.Hour), now.Add(-time.Hour))
	require.NoError(t, err)
	return u
}

func TestSignIn(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		failures    int       // stored before
		lockedUntil time.Time // stored before
		password    string
		verified    bool // whether the password is checked at all
		wantErr     error
		wantSaved   int // failed logins saved; -1: not saved
		wantLocked  time.Duration
	}{
		{name: "right password", password: "right", verified: true, wantSaved: 0},
		{name: "right password forgets earlier failures", failures: 4, password: "right", verified: true, wantSaved: 0},
		{name: "right password once a lock is over", failures: 5, lockedUntil: now, password: "right", verified: true, wantSaved: 0},
		{name: "wrong password", password: "wrong", verified: true, wantErr: user.ErrBadCredentials, wantSaved: 1},
		{name: "fifth failure locks", failures: 4, password: "wrong", verified: true, wantErr: user.ErrLocked, wantSaved: 5, wantLocked: 30 * time.Second},
		{name: "sixth failure locks longer", failures: 5, lockedUntil: now.Add(-time.Second), password: "wrong", verified: true, wantErr: user.ErrLocked, wantSaved: 6, wantLocked: time.Minute},
		{name: "locked: the password is not checked", failures: 5, lockedUntil: now.Add(10 * time.Second), password: "right", wantErr: user.ErrLocked, wantSaved: -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			users, sessions, hasher := mocks.NewUserRepository(t), mocks.NewSessionRepository(t), mocks.NewPasswordHasher(t)
			u := storedUser(t, tc.failures, tc.lockedUntil)
			users.EXPECT().ByEmail(mock.Anything, "Ana@Saldo.demo").Return(u, nil).Once()
			if tc.verified {
				hasher.EXPECT().Verify("hash-of-right", tc.password).Return(tc.password == "right").Once()
			}
			var saved struct{ failures int }
			if tc.wantSaved >= 0 {
				// The outcome is applied to the row as the store has it, locked.
				users.EXPECT().Update(mock.Anything, u.ID(), mock.Anything).RunAndReturn(func(_ context.Context, _ uuid.UUID, fn func(*user.User) error) (*user.User, error) {
					if err := fn(u); err != nil {
						return nil, err
					}
					saved.failures = u.FailedLogins()
					return u, nil
				}).Once()
			}
			var created user.Session
			if tc.wantErr == nil {
				sessions.EXPECT().Create(mock.Anything, mock.Anything).RunAndReturn(func(_ context.Context, s user.Session) error {
					created = s
					return nil
				}).Once()
			}

			res, err := application.NewSignIn(users, sessions, hasher, clock.NewFixed(now)).Handle(context.Background(), "Ana@Saldo.demo", tc.password)

			if tc.wantSaved >= 0 {
				assert.Equal(t, tc.wantSaved, saved.failures, "failed logins saved")
			}
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				assert.Equal(t, application.SignInResult{}, res)
				if tc.wantLocked > 0 {
					assert.Equal(t, now.Add(tc.wantLocked), u.LockedUntil())
					assert.Equal(t, "too many failed sign-ins: try again in "+tc.wantLocked.String(), err.Error())
				}
				return
			}
			require.NoError(t, err)
			assert.Same(t, u, res.User)
			assert.Equal(t, now, u.LastLoginAt())
			assert.True(t, u.LockedUntil().IsZero())
			assert.Equal(t, created, res.Session)
			assert.Equal(t, u.ID(), res.Session.UserID)
			assert.Equal(t, user.HashToken(res.Token), res.Session.TokenHash)
			assert.NotEqual(t, res.Token, res.Session.TokenHash)
			assert.Equal(t, now.Add(application.SessionTTL), res.Session.ExpiresAt)
			assert.Equal(t, 12*time.Hour, application.SessionTTL)
		})
	}
}

// TestSignInUnknownEmail checks that an unknown email costs a password
// verification too, against a hash the hasher made once, and answers like
// a wrong password.
func TestSignInUnknownEmail(t *testing.T) {
	t.Parallel()
	users, sessions, hasher := mocks.NewUserRepository(t), mocks.NewSessionRepository(t), mocks.NewPasswordHasher(t)
	users.EXPECT().ByEmail(mock.Anything, mock.Anything).Return(nil, user.ErrNotFound.New("x")).Times(3)
	hasher.EXPECT().Hash(mock.Anything).Return("dummy-hash", nil).Once()
	hasher.EXPECT().Verify("dummy-hash", mock.Anything).Return(false).Times(3)
	h := application.NewSignIn(users, sessions, hasher, clock.NewFixed(now))

	for _, email := range []string{"nobody@saldo.demo", "", "not an email"} {
		_, err := h.Handle(context.Background(), email, "saldo-demo-2026")
		require.ErrorIs(t, err, user.ErrBadCredentials)
		assert.Equal(t, "email or password is wrong", err.Error())
		assert.Equal(t, domain.KindUnauthorized, domain.KindOf(err))
	}
}

func TestSignInFailures(t *testing.T) {
	t.Parallel()
	outage := errors.New("connection refused")
	t.Run("lookup fails", func(t *testing.T) {
		t.Parallel()
		users, sessions, hasher := mocks.NewUserRepository(t), mocks.NewSessionRepository(t), mocks.NewPasswordHasher(t)
		users.EXPECT().ByEmail(mock.Anything, mock.Anything).Return(nil, outage)
		_, err := application.NewSignIn(users, sessions, hasher, clock.NewFixed(now)).Handle(context.Background(), "a@b.co", "x")
		require.ErrorIs(t, err, outage)
		assert.NotErrorIs(t, err, user.ErrBadCredentials)
	})
	t.Run("recording a failure fails", func(t *testing.T) {
		t.Parallel()
		users, sessions, hasher := mocks.NewUserRepository(t), mocks.NewSessionRepository(t), mocks.NewPasswordHasher(t)
		users.EXPECT().ByEmail(mock.Anything, mock.Anything).Return(storedUser(t, 0, time.Time{}), nil)
		hasher.EXPECT().Verify(mock.Anything, mock.Anything).Return(false)
		users.EXPECT().Update(mock.Anything, mock.Anything, mock.Anything).Return(nil, outage)
		_, err := application.NewSignIn(users, sessions, hasher, clock.NewFixed(now)).Handle(context.Background(), "a@b.co", "x")
		require.ErrorIs(t, err, outage)
	})
	t.Run("storing the session fails", func(t *testing.T) {
		t.Parallel()
		users, sessions, hasher := mocks.NewUserRepository(t), mocks.NewSessionRepository(t), mocks.NewPasswordHasher(t)
		users.EXPECT().ByEmail(mock.Anything, mock.Anything).Return(storedUser(t, 0, time.Time{}), nil)
		hasher.EXPECT().Verify(mock.Anything, mock.Anything).Return(true)
		stored := storedUser(t, 0, time.Time{})
		users.EXPECT().Update(mock.Anything, mock.Anything, mock.Anything).Return(stored, nil)
		sessions.EXPECT().Create(mock.Anything, mock.Anything).Return(outage)
		res, err := application.NewSignIn(users, sessions, hasher, clock.NewFixed(now)).Handle(context.Background(), "a@b.co", "right")
		require.ErrorIs(t, err, outage)
		assert.Empty(t, res.Token)
	})
}
