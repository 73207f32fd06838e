package application_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/clock"
	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/user"
	"github.com/saldocrm/saldo/ports"
	"github.com/saldocrm/saldo/ports/mocks"
)

// fakeHasher "hashes" by prefixing, and refuses what bcrypt refuses; it
// remembers what it hashed.
type fakeHasher struct{ hashed []string }

var _ ports.PasswordHasher = (*fakeHasher)(nil)

func (f *fakeHasher) Hash(password string) (string, error) {
	if len(password) > 72 {
		return "", user.ErrPasswordTooLong.New(72)
	}
	f.hashed = append(f.hashed, password)
	return "hashed:" + password, nil
}

func (f *fakeHasher) Verify(hash, password string) bool { return hash == "hashed:"+password }

func TestCreateUser(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name          string
		email         string
		password      string
		language      string
		wantErr       error
		wantCode      string // the domain error's code, when wantErr is nil but an error is expected
		wantGenerated bool
	}{
		{name: "with a password", email: "Ana@Saldo.Demo", password: "saldo-demo-2026", language: "pt"},
		{name: "eight characters, accents count once", email: "ana@saldo.demo", password: "contraña"},
		{name: "no password: one is made up", email: "ana@saldo.demo", wantGenerated: true},
		{name: "seven characters", email: "ana@saldo.demo", password: "1234567", wantErr: user.ErrPasswordTooShort},
		{name: "too long for bcrypt", email: "ana@saldo.demo", password: strings.Repeat("x", 73), wantErr: user.ErrPasswordTooLong},
		{name: "invalid user", email: "not an email", password: "saldo-demo-2026", wantCode: "invalid_user"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			users, hasher := mocks.NewUserRepository(t), &fakeHasher{}
			var created *user.User
			if tc.wantErr == nil && tc.wantCode == "" {
				users.EXPECT().Create(mock.Anything, mock.Anything).RunAndReturn(func(_ context.Context, u *user.User) error {
					created = u
					return nil
				}).Once()
			}

			u, generated, err := application.NewCreateUser(users, hasher, clock.NewFixed(now)).
				Handle(context.Background(), tc.email, "Ana Agente", user.Agent, tc.language, tc.password)

			switch {
			case tc.wantErr != nil:
				require.ErrorIs(t, err, tc.wantErr)
				assert.Equal(t, domain.KindInvalid, domain.KindOf(err))
			case tc.wantCode != "":
				var de *domain.Error
				require.ErrorAs(t, err, &de)
				assert.Equal(t, tc.wantCode, de.Code())
			}
			if err != nil {
				assert.Nil(t, u)
				assert.Empty(t, generated)
				if errors.Is(tc.wantErr, user.ErrPasswordTooShort) {
					assert.Empty(t, hasher.hashed, "a short password is refused before hashing")
				}
				return
			}
			require.NoError(t, err)
			assert.Same(t, created, u)
			assert.Equal(t, strings.ToLower(tc.email), u.Email())
			assert.Equal(t, user.Agent, u.Role())
			assert.Equal(t, now, u.CreatedAt())
			if tc.language == "pt" {
				assert.Equal(t, customer.Portuguese, u.Language())
			} else {
				assert.Equal(t, customer.Spanish, u.Language())
			}
			if !tc.wantGenerated {
				assert.Empty(t, generated)
				assert.Equal(t, "hashed:"+tc.password, u.PasswordHash())
				return
			}
			assert.Len(t, generated, 16)
			assert.Equal(t, "hashed:"+generated, u.PasswordHash())
		})
	}
}

func TestCreateUserGeneratesStrongPasswords(t *testing.T) {
	t.Parallel()
	users, hasher := mocks.NewUserRepository(t), &fakeHasher{}
	users.EXPECT().Create(mock.Anything, mock.Anything).Return(nil)
	h := application.NewCreateUser(users, hasher, clock.NewFixed(now))
	seen := map[string]bool{}
	var all strings.Builder
	for range 200 {
		_, pw, err := h.Handle(context.Background(), "ana@saldo.demo", "Ana", user.Agent, "", "")
		require.NoError(t, err)
		require.Len(t, pw, 16)
		for _, r := range pw {
			require.True(t, r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9', "%q in %q", r, pw)
		}
		require.False(t, seen[pw], "password %q made twice", pw)
		seen[pw] = true
		all.WriteString(pw)
	}
	// 3,200 characters over 62 symbols: each appears (about 52 times each).
	for _, r := range "AZaz09" {
		assert.Contains(t, all.String(), string(r))
	}
}

func TestCreateUserEmailTaken(t *testing.T) {
	t.Parallel()
	users := mocks.NewUserRepository(t)
	users.EXPECT().Create(mock.Anything, mock.Anything).Return(user.ErrEmailTaken.New("ana@saldo.demo"))
	_, _, err := application.NewCreateUser(users, &fakeHasher{}, clock.NewFixed(now)).
		Handle(context.Background(), "ana@saldo.demo", "Ana", user.Agent, "", "saldo-demo-2026")
	require.ErrorIs(t, err, user.ErrEmailTaken)
	assert.Equal(t, domain.KindConflict, domain.KindOf(err))
}
