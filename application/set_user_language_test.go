package application_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/clock"
	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/user"
	"github.com/saldocrm/saldo/ports/mocks"
)

func TestSetUserLanguage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		lang     string
		want     customer.Language
		wantSave bool
		wantErr  error
	}{
		{name: "changed", lang: "pt-BR", want: customer.Portuguese, wantSave: true},
		{name: "the same: nothing written", lang: "es", want: customer.Spanish},
		{name: "unsupported", lang: "fr", wantErr: customer.ErrInvalidLanguage},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			users := mocks.NewUserRepository(t)
			u := storedUser(t, 0, time.Time{})
			users.EXPECT().Get(mock.Anything, u.ID()).Return(u, nil).Once()
			if tc.wantSave {
				users.EXPECT().Save(mock.Anything, u).Return(nil).Once()
			}
			got, err := application.NewSetUserLanguage(users, clock.NewFixed(now)).Handle(context.Background(), u.ID(), tc.lang)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.Language())
			if tc.wantSave {
				assert.Equal(t, now, got.UpdatedAt())
			}
		})
	}
}

func TestSetUserLanguageUnknownUser(t *testing.T) {
	t.Parallel()
	users := mocks.NewUserRepository(t)
	id := uuid.New()
	users.EXPECT().Get(mock.Anything, id).Return(nil, user.ErrNotFound.New(id)).Once()
	_, err := application.NewSetUserLanguage(users, clock.NewFixed(now)).Handle(context.Background(), id, "pt")
	require.ErrorIs(t, err, user.ErrNotFound)
}
