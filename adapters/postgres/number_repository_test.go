package postgres_test

import (
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/conversation"
)

func TestNumberRepository(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewNumberRepository(db)
	ctx := t.Context()

	_, err := repo.Default(ctx)
	assert.True(t, errors.Is(err, conversation.ErrNumberNotFound), "no number yet: got %v", err)
	list, err := repo.List(ctx)
	require.NoError(t, err)
	assert.Empty(t, list)

	first := conversation.BusinessNumber{
		ID: conversation.NumberIDFor("106540352242922"), PhoneNumberID: "106540352242922", BusinessAccountID: "102290129340398",
		DisplayPhone: "+57 300 123 4567", DisplayName: "Cobranzas Andina", Color: "#1F6FEB",
	}
	require.NoError(t, repo.Save(ctx, first))
	// Saved later, in another statement: not the default. No id and no
	// color: both derived.
	second := conversation.BusinessNumber{PhoneNumberID: "2002", BusinessAccountID: "102290129340398"}
	require.NoError(t, repo.Save(ctx, second))

	got, err := repo.Get(ctx, first.ID)
	require.NoError(t, err)
	assert.Equal(t, first, got)
	got, err = repo.ByPhoneNumberID(ctx, "2002")
	require.NoError(t, err)
	assert.Equal(t, conversation.NumberIDFor("2002"), got.ID)
	assert.Equal(t, "#25d366", got.Color)
	got, err = repo.Default(ctx)
	require.NoError(t, err)
	assert.Equal(t, first, got)

	// Updated in place; still the default.
	first.DisplayName, first.Color = "Cobranzas", "#000000"
	require.NoError(t, repo.Save(ctx, first))
	list, err = repo.List(ctx)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, first, list[0])
	assert.Equal(t, "2002", list[1].PhoneNumberID)

	// Meta's id under another id; a color that is not #rrggbb.
	err = repo.Save(ctx, conversation.BusinessNumber{ID: uuid.New(), PhoneNumberID: "2002", BusinessAccountID: "x"})
	assert.Equal(t, domain.KindConflict, domain.KindOf(err), "got %v", err)
	err = repo.Save(ctx, conversation.BusinessNumber{PhoneNumberID: "3003", BusinessAccountID: "x", Color: "green"})
	assert.Equal(t, domain.KindInvalid, domain.KindOf(err), "got %v", err)

	_, err = repo.Get(ctx, uuid.New())
	assert.True(t, errors.Is(err, conversation.ErrNumberNotFound), "got %v", err)
	_, err = repo.ByPhoneNumberID(ctx, "999")
	assert.True(t, errors.Is(err, conversation.ErrNumberNotFound), "got %v", err)
}
