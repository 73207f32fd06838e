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
	"github.com/saldocrm/saldo/domain/apikey"
	"github.com/saldocrm/saldo/ports/mocks"
)

func TestAuthenticateAPIKey(t *testing.T) {
	t.Parallel()
	recently := now.Add(-10 * time.Second)
	longAgo := now.Add(-time.Hour)
	revoked := now.Add(-time.Minute)
	cases := []struct {
		name      string
		scopes    []apikey.Scope
		lastUsed  *time.Time
		revokedAt *time.Time
		want      apikey.Scope
		wantErr   error
		wantTouch bool
	}{
		{name: "first use is recorded", scopes: []apikey.Scope{apikey.Read}, want: apikey.Read, wantTouch: true},
		{name: "use within a minute is not written again", scopes: []apikey.Scope{apikey.Read}, lastUsed: &recently, want: apikey.Read},
		{name: "use after an hour is recorded", scopes: []apikey.Scope{apikey.Write}, lastUsed: &longAgo, want: apikey.Read, wantTouch: true},
		{name: "read key cannot write", scopes: []apikey.Scope{apikey.Read}, want: apikey.Write, wantErr: apikey.ErrMissingScope},
		{name: "revoked key is unknown", scopes: []apikey.Scope{apikey.Write}, revokedAt: &revoked, want: apikey.Read, wantErr: apikey.ErrUnknownKey},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			keys := mocks.NewAPIKeyRepository(t)
			secret := apikey.Prefix + "secret-for-test"
			id := uuid.New()
			keys.EXPECT().ByHash(mock.Anything, apikey.Hash(secret)).
				Return(apikey.UnmarshalFromDatabase(id, "erp", apikey.Hash(secret), "saldo_sec", tc.scopes, longAgo, tc.lastUsed, tc.revokedAt), nil)
			if tc.wantTouch {
				keys.EXPECT().Touch(mock.Anything, id, now).Return(nil).Once()
			}

			k, err := application.NewAuthenticateAPIKey(keys, clock.NewFixed(now)).Handle(context.Background(), secret, tc.want)

			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, id, k.ID())
		})
	}
}

func TestAuthenticateAPIKeyRejectsForeignSecretsWithoutALookup(t *testing.T) {
	t.Parallel()
	keys := mocks.NewAPIKeyRepository(t) // any call fails the test
	_, err := application.NewAuthenticateAPIKey(keys, clock.NewFixed(now)).Handle(context.Background(), "sk_live_123", apikey.Read)
	require.ErrorIs(t, err, apikey.ErrUnknownKey)
}
