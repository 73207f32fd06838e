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
	"github.com/saldocrm/saldo/domain/user"
	"github.com/saldocrm/saldo/ports/mocks"
)

func TestAuthenticateSession(t *testing.T) {
	t.Parallel()
	ttl := application.SessionTTL
	cases := []struct {
		name        string
		age         time.Duration // since the session was opened
		lastSeen    time.Duration // before now
		userGone    bool
		wantErr     error
		wantDelete  bool
		wantTouch   bool
		wantExpires time.Duration // after the session was opened, when no error
	}{
		{name: "fresh", age: 10 * time.Second, lastSeen: 10 * time.Second, wantExpires: ttl},
		{name: "seen within a minute: no write", age: time.Hour, lastSeen: 30 * time.Second, wantExpires: ttl},
		{name: "seen a while ago: last seen written", age: time.Hour, lastSeen: 5 * time.Minute, wantTouch: true, wantExpires: ttl},
		{name: "half the lifetime left: not extended yet", age: ttl / 2, lastSeen: ttl / 2, wantTouch: true, wantExpires: ttl},
		{name: "less than half left: extended", age: ttl/2 + time.Minute, lastSeen: 30 * time.Second, wantTouch: true, wantExpires: ttl/2 + time.Minute + ttl},
		{name: "expired: ended", age: ttl, lastSeen: ttl, wantErr: user.ErrSessionExpired, wantDelete: true},
		{name: "user gone", age: time.Hour, lastSeen: time.Hour, userGone: true, wantErr: user.ErrSessionExpired},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			users, sessions := mocks.NewUserRepository(t), mocks.NewSessionRepository(t)
			u := storedUser(t, 0, time.Time{})
			opened := now.Add(-tc.age)
			s, token, err := user.NewSession(u.ID(), opened, ttl)
			require.NoError(t, err)
			s.LastSeenAt = now.Add(-tc.lastSeen)
			sessions.EXPECT().ByTokenHash(mock.Anything, user.HashToken(token)).Return(s, nil).Once()
			if tc.wantDelete {
				sessions.EXPECT().Delete(mock.Anything, s.TokenHash).Return(nil).Once()
			} else if tc.userGone {
				users.EXPECT().Get(mock.Anything, u.ID()).Return(nil, user.ErrNotFound.New(u.ID())).Once()
			} else {
				users.EXPECT().Get(mock.Anything, u.ID()).Return(u, nil).Once()
			}
			if tc.wantTouch {
				sessions.EXPECT().Touch(mock.Anything, s.TokenHash, now, opened.Add(tc.wantExpires)).Return(nil).Once()
			}

			got, gotSession, err := application.NewAuthenticateSession(users, sessions, clock.NewFixed(now)).Handle(context.Background(), token)

			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Same(t, u, got)
			assert.Equal(t, opened.Add(tc.wantExpires), gotSession.ExpiresAt)
			if tc.wantTouch {
				assert.Equal(t, now, gotSession.LastSeenAt)
			}
			assert.Equal(t, s.CSRFToken, gotSession.CSRFToken)
		})
	}
}

func TestAuthenticateSessionUnknownToken(t *testing.T) {
	t.Parallel()
	users, sessions := mocks.NewUserRepository(t), mocks.NewSessionRepository(t)
	h := application.NewAuthenticateSession(users, sessions, clock.NewFixed(now))

	_, _, err := h.Handle(context.Background(), "")
	require.ErrorIs(t, err, user.ErrSessionExpired, "no token: no lookup")

	sessions.EXPECT().ByTokenHash(mock.Anything, user.HashToken("forged")).Return(user.Session{}, user.ErrSessionExpired.New()).Once()
	_, _, err = h.Handle(context.Background(), "forged")
	require.ErrorIs(t, err, user.ErrSessionExpired)

	outage := errors.New("connection refused")
	sessions.EXPECT().ByTokenHash(mock.Anything, user.HashToken("t")).Return(user.Session{UserID: uuid.New(), ExpiresAt: now.Add(time.Hour), LastSeenAt: now}, nil).Once()
	users.EXPECT().Get(mock.Anything, mock.Anything).Return(nil, outage).Once()
	_, _, err = h.Handle(context.Background(), "t")
	require.ErrorIs(t, err, outage)
	assert.NotErrorIs(t, err, user.ErrSessionExpired)
}

func TestSignOut(t *testing.T) {
	t.Parallel()
	sessions := mocks.NewSessionRepository(t)
	sessions.EXPECT().Delete(mock.Anything, user.HashToken("the-token")).Return(nil).Once()
	h := application.NewSignOut(sessions)
	require.NoError(t, h.Handle(context.Background(), "the-token"))
	require.NoError(t, h.Handle(context.Background(), ""), "no token: nothing to end, no call")
}
