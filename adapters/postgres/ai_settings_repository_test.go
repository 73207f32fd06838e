package postgres_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/user"
	"github.com/saldocrm/saldo/ports"
)

func assertAISettingsEqual(t testing.TB, want, got ports.AISettings) {
	t.Helper()
	assert.Equal(t, want.Provider, got.Provider, "provider")
	assert.Equal(t, want.SealedKey, got.SealedKey, "sealed key")
	assert.Equal(t, want.Model, got.Model, "model")
	assertTime(t, want.UpdatedAt, got.UpdatedAt, "updated at")
	assert.Equal(t, want.UpdatedBy, got.UpdatedBy, "updated by")
}

func TestAISettingsRepository_RoundTrip(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewAISettingsRepository(db)
	ctx := t.Context()
	manager := newUser(t, "Manager", user.Manager)
	require.NoError(t, postgres.NewUserRepository(db).Create(ctx, manager))

	// None stored: the offline analyzer.
	got, err := repo.Get(ctx)
	require.NoError(t, err)
	assertAISettingsEqual(t, ports.AISettings{Provider: ports.AIProviderOffline, Model: ports.DefaultAIModel}, got)
	assert.Nil(t, got.SealedKey)

	openai := ports.AISettings{
		Provider: ports.AIProviderOpenAI, SealedKey: []byte{1, 0, 0xff, 'k', 'e', 'y', 0}, Model: "gpt-4.1-mini",
		UpdatedAt: now, UpdatedBy: manager.ID(),
	}
	require.NoError(t, repo.Save(ctx, openai))
	got, err = repo.Get(ctx)
	require.NoError(t, err)
	assertAISettingsEqual(t, openai, got)

	// Saved again: the one row is replaced. No key is NULL; no model, the
	// default; no user, NULL.
	offline := ports.AISettings{Provider: ports.AIProviderOffline, SealedKey: []byte{}, UpdatedAt: now.Add(time.Hour)}
	require.NoError(t, repo.Save(ctx, offline))
	got, err = repo.Get(ctx)
	require.NoError(t, err)
	assertAISettingsEqual(t, ports.AISettings{
		Provider: ports.AIProviderOffline, Model: ports.DefaultAIModel, UpdatedAt: now.Add(time.Hour),
	}, got)
	assert.Nil(t, got.SealedKey)
	assert.Equal(t, 1, count(t, db, `SELECT count(*) FROM ai_settings
		WHERE id = 1 AND api_key_sealed IS NULL AND updated_by IS NULL`))

	// A removed user leaves the settings, saved by no one.
	require.NoError(t, repo.Save(ctx, openai))
	require.NoError(t, db.Exec("DELETE FROM users WHERE id = ?", manager.ID()).Error)
	got, err = repo.Get(ctx)
	require.NoError(t, err)
	assert.Equal(t, uuid.Nil, got.UpdatedBy)
	assert.Equal(t, openai.SealedKey, got.SealedKey)
}

func TestAISettingsRepository_Refuses(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewAISettingsRepository(db)
	ctx := t.Context()

	for _, provider := range []string{"", "OpenAI", "anthropic"} {
		err := repo.Save(ctx, ports.AISettings{Provider: provider, Model: "m", UpdatedAt: now})
		assert.Equal(t, domain.KindInvalid, domain.KindOf(err), "%q: got %v", provider, err)
	}
	unknown := uuid.New()
	err := repo.Save(ctx, ports.AISettings{Provider: ports.AIProviderOpenAI, UpdatedAt: now, UpdatedBy: unknown})
	assert.True(t, errors.Is(err, user.ErrNotFound), "got %v", err)
	assert.Contains(t, err.Error(), unknown.String())
	assert.Equal(t, 0, count(t, db, "SELECT count(*) FROM ai_settings"))

	// The table holds one row at most, whatever writes to it.
	require.NoError(t, repo.Save(ctx, ports.AISettings{Provider: ports.AIProviderOffline, UpdatedAt: now}))
	assert.Error(t, db.Exec(`INSERT INTO ai_settings (id, provider, updated_at) VALUES (2, 'offline', now())`).Error)
	assert.Error(t, db.Exec(`UPDATE ai_settings SET provider = 'anthropic'`).Error)
}

// TestAISettingsRepository_ConcurrentSaves has several managers save at
// once: every save succeeds, and one of them is what is stored.
func TestAISettingsRepository_ConcurrentSaves(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewAISettingsRepository(db)
	ctx := t.Context()

	const n = 8
	models := map[string]bool{}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		model := fmt.Sprintf("model-%d", i)
		models[model] = true
		wg.Go(func() {
			errs <- repo.Save(ctx, ports.AISettings{
				Provider: ports.AIProviderOpenAI, SealedKey: []byte(model), Model: model, UpdatedAt: now,
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	got, err := repo.Get(ctx)
	require.NoError(t, err)
	assert.True(t, models[got.Model], "stored %q", got.Model)
	assert.Equal(t, got.Model, string(got.SealedKey), "one save's settings, not a mix")
	assert.Equal(t, 1, count(t, db, "SELECT count(*) FROM ai_settings"))
}
