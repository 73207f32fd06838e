package postgres_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
)

func TestMigrations_UpDownUp(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t) // migrated to the latest version
	ctx := t.Context()
	tables := func() int {
		return count(t, db, `SELECT count(*) FROM information_schema.tables
			WHERE table_schema = 'public' AND table_name IN ('customers', 'invoices', 'payments', 'payment_allocations', 'api_keys')`)
	}
	require.Equal(t, 5, tables())

	status, err := postgres.MigrateStatus(ctx, db)
	require.NoError(t, err)
	assert.Regexp(t, `applied\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+00001_billing\.sql`, status)

	out, err := postgres.MigrateUp(ctx, db)
	require.NoError(t, err, "nothing to apply is not an error")
	assert.Equal(t, "database is up to date (version 1)", out)

	out, err = postgres.MigrateDown(ctx, db)
	require.NoError(t, err)
	assert.Contains(t, out, "down 00001_billing.sql")
	assert.Equal(t, 0, tables())
	status, err = postgres.MigrateStatus(ctx, db)
	require.NoError(t, err)
	assert.Regexp(t, `pending\s+-\s+00001_billing\.sql`, status)

	out, err = postgres.MigrateDown(ctx, db)
	require.NoError(t, err, "nothing to roll back is not an error")
	assert.Equal(t, "no migration to roll back", out)

	out, err = postgres.MigrateUp(ctx, db)
	require.NoError(t, err)
	assert.Contains(t, out, "up 00001_billing.sql")
	assert.Equal(t, 5, tables())

	// The schema works again.
	require.NoError(t, postgres.NewCustomerRepository(db).Save(ctx, newCustomer(t, "C-1")))
}

func TestPinger(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	require.NoError(t, postgres.NewPinger(db).Ping(t.Context()))
	require.NoError(t, postgres.Close(db))
	assert.Error(t, postgres.NewPinger(db).Ping(t.Context()))
}
