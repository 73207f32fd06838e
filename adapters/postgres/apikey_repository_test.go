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
	"github.com/saldocrm/saldo/domain/apikey"
)

func TestAPIKeyRepository(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewAPIKeyRepository(db)
	ctx := t.Context()

	key, secret, err := apikey.Generate(uuid.New(), "SAP ERP", []apikey.Scope{apikey.Read, apikey.Write}, now)
	require.NoError(t, err)
	require.NoError(t, repo.Create(ctx, key))

	got, err := repo.ByHash(ctx, apikey.Hash(secret))
	require.NoError(t, err)
	assert.Equal(t, key.ID(), got.ID())
	assert.Equal(t, key.Name(), got.Name())
	assert.Equal(t, key.Hash(), got.Hash())
	assert.Equal(t, key.Hint(), got.Hint())
	assert.Equal(t, key.Scopes(), got.Scopes())
	assert.True(t, key.CreatedAt().Equal(got.CreatedAt()))
	assert.Nil(t, got.LastUsedAt())
	assert.True(t, got.Active())
	var scopes string
	require.NoError(t, db.Raw("SELECT scopes FROM api_keys WHERE id = ?", key.ID()).Scan(&scopes).Error)
	assert.Equal(t, "read,write", scopes)

	_, err = repo.ByHash(ctx, apikey.Hash("saldo_unknown"))
	assert.True(t, errors.Is(err, apikey.ErrUnknownKey), "got %v", err)

	// Touch writes at most once a minute.
	lastUsed := func() time.Time {
		k, err := repo.ByHash(ctx, key.Hash())
		require.NoError(t, err)
		require.NotNil(t, k.LastUsedAt())
		return *k.LastUsedAt()
	}
	require.NoError(t, repo.Touch(ctx, key.ID(), now))
	assert.True(t, lastUsed().Equal(now))
	require.NoError(t, repo.Touch(ctx, key.ID(), now.Add(59*time.Second)))
	assert.True(t, lastUsed().Equal(now), "touched again within a minute")
	require.NoError(t, repo.Touch(ctx, key.ID(), now.Add(61*time.Second)))
	assert.True(t, lastUsed().Equal(now.Add(61*time.Second)))
	require.NoError(t, repo.Touch(ctx, uuid.New(), now), "an unknown key is not an error")

	// A revoked key is unknown.
	require.NoError(t, db.Exec("UPDATE api_keys SET revoked_at = ? WHERE id = ?", now, key.ID()).Error)
	_, err = repo.ByHash(ctx, key.Hash())
	assert.True(t, errors.Is(err, apikey.ErrUnknownKey), "got %v", err)

	// The same key twice is a conflict.
	assert.Error(t, repo.Create(ctx, key))
}
