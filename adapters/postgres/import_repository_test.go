package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/ports"
)

func TestImportRepository(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewImportRepository(db)
	uow := postgres.NewUnitOfWork(db)
	ctx := t.Context()

	imp := ports.CustomerImport{ID: uuid.New(), Status: ports.ImportQueued, FileName: "clientes.csv", Total: 3, CreatedAt: now, UpdatedAt: now}
	require.NoError(t, repo.Create(ctx, imp, []byte("external_id,name\n")))
	got, err := repo.Get(ctx, imp.ID)
	require.NoError(t, err)
	assert.Equal(t, imp, got)
	file, err := repo.File(ctx, imp.ID)
	require.NoError(t, err)
	assert.Equal(t, "external_id,name\n", string(file))

	// Progress and errors are written with the batch, in its transaction.
	err = uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		locked, err := tx.Imports().Lock(ctx, imp.ID)
		if err != nil {
			return err
		}
		locked.Status, locked.Processed, locked.Created, locked.Failed = ports.ImportRunning, 2, 1, 1
		return tx.Imports().Record(ctx, locked, []ports.ImportRowError{{Line: 3, Column: "email", Message: "bad"}, {Line: 2, Message: "row"}})
	})
	require.NoError(t, err)
	// A batch run again reports its errors once.
	got, err = repo.Get(ctx, imp.ID)
	require.NoError(t, err)
	require.NoError(t, repo.Record(ctx, got, []ports.ImportRowError{{Line: 3, Column: "email", Message: "bad"}}))
	errs, err := repo.Errors(ctx, imp.ID, 0)
	require.NoError(t, err)
	assert.Equal(t, []ports.ImportRowError{{Line: 2, Message: "row"}, {Line: 3, Column: "email", Message: "bad"}}, errs)
	errs, err = repo.Errors(ctx, imp.ID, 1)
	require.NoError(t, err)
	assert.Len(t, errs, 1)

	// Ending drops the file.
	got.Status, got.Processed, got.FinishedAt = ports.ImportDone, 3, now.Add(time.Minute)
	require.NoError(t, repo.Record(ctx, got, nil))
	file, err = repo.File(ctx, imp.ID)
	require.NoError(t, err)
	assert.Nil(t, file)
	got, err = repo.Get(ctx, imp.ID)
	require.NoError(t, err)
	assert.Equal(t, ports.ImportDone, got.Status)
	assert.True(t, got.FinishedAt.Equal(now.Add(time.Minute)))

	_, err = repo.Get(ctx, uuid.New())
	assert.Equal(t, domain.KindNotFound, domain.KindOf(err))
}

func TestImportRepository_ExternalIDsByPhone(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := t.Context()
	withPhone := func(p string) func(*customer.Details) { return func(d *customer.Details) { d.Phone = p } }
	require.NoError(t, postgres.NewCustomerRepository(db).Save(ctx,
		newCustomer(t, "C-1", withPhone("+52 1 55 1234 5678")), newCustomer(t, "C-2", withPhone("+525512345678")),
		newCustomer(t, "C-3", withPhone("+573001234567")), newCustomer(t, "C-4")))
	got, err := postgres.NewImportRepository(db).ExternalIDsByPhone(ctx, []string{"525512345678", "573001234567", "5511999999999", ""})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"C-1", "C-2"}, got["525512345678"], "Mexican numbers with and without the 1 are one")
	assert.Equal(t, []string{"C-3"}, got["573001234567"])
	assert.NotContains(t, got, "5511999999999")
	assert.NotContains(t, got, "", "customers without a phone match nothing")
}
