package postgres_test

import (
	"strings"
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
	tables := func(names ...string) int {
		return count(t, db, `SELECT count(*) FROM information_schema.tables
			WHERE table_schema = 'public' AND table_name = ANY(?::text[])`, "{"+strings.Join(names, ",")+"}")
	}
	billing := []string{"customers", "invoices", "payments", "payment_allocations", "api_keys"}
	whatsapp := []string{"whatsapp_numbers", "conversations", "messages", "templates", "webhook_events", "outbox"}
	users := []string{"users", "sessions"}
	require.Equal(t, 5, tables(billing...))
	require.Equal(t, 6, tables(whatsapp...))
	require.Equal(t, 2, tables(users...))
	require.Equal(t, 1, tables("payment_links"))
	insights := []string{"insights", "ai_settings"}
	require.Equal(t, 2, tables(insights...))
	campaigns := []string{"segments", "campaigns", "campaign_recipients"}
	groups := []string{"groups", "group_members", "customer_imports", "customer_import_errors"}
	collections := []string{"promises_to_pay", "invoice_disputes"}
	dunning := []string{"dunning_policies", "dunning_runs", "dunning_escalations", "dunning_links"}
	require.Equal(t, 3, tables(campaigns...))
	require.Equal(t, 4, tables(groups...))
	require.Equal(t, 2, tables(collections...))
	require.Equal(t, 4, tables(dunning...))
	assigneeKey := func() int {
		return count(t, db, `SELECT count(*) FROM pg_constraint WHERE conname = 'conversations_assignee_fkey'`)
	}
	require.Equal(t, 1, assigneeKey())
	refundedAmount := func() int {
		return count(t, db, `SELECT count(*) FROM information_schema.columns
			WHERE table_schema = 'public' AND table_name = 'payments' AND column_name = 'refunded_amount'`)
	}
	require.Equal(t, 1, refundedAmount())

	status, err := postgres.MigrateStatus(ctx, db)
	require.NoError(t, err)
	assert.Regexp(t, `applied\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+00001_billing\.sql`, status)
	assert.Regexp(t, `applied\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+00002_whatsapp\.sql`, status)
	assert.Regexp(t, `applied\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+00003_users\.sql`, status)
	assert.Regexp(t, `applied\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+00004_payment_links\.sql`, status)
	assert.Regexp(t, `applied\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+00005_insights\.sql`, status)
	assert.Regexp(t, `applied\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+00009_dunning\.sql`, status)

	out, err := postgres.MigrateUp(ctx, db)
	require.NoError(t, err, "nothing to apply is not an error")
	assert.Equal(t, "database is up to date (version 10)", out)
	sendClaims := func() int {
		return count(t, db, `SELECT count(*) FROM information_schema.columns
			WHERE table_schema = 'public' AND table_name = 'messages' AND column_name = 'send_claimed_at'`)
	}
	require.Equal(t, 1, sendClaims())
	out, err = postgres.MigrateDown(ctx, db)
	require.NoError(t, err)
	assert.Contains(t, out, "down 00010_message_sends.sql")
	assert.Equal(t, 0, sendClaims())

	// Down one at a time, the latest first.
	for _, step := range []struct {
		file   string
		tables []string
	}{
		{"00009_dunning.sql", dunning},
		{"00008_collections.sql", collections},
		{"00007_groups.sql", groups},
		{"00006_campaigns.sql", campaigns},
	} {
		out, err = postgres.MigrateDown(ctx, db)
		require.NoError(t, err)
		assert.Contains(t, out, "down "+step.file)
		assert.Equal(t, 0, tables(step.tables...), step.file)
		assert.Equal(t, 2, tables(insights...))
	}
	out, err = postgres.MigrateDown(ctx, db)
	require.NoError(t, err)
	assert.Contains(t, out, "down 00005_insights.sql")
	assert.Equal(t, 0, tables(insights...))
	assert.Equal(t, 1, tables("payment_links"))
	assert.Equal(t, 6, tables(whatsapp...))
	out, err = postgres.MigrateDown(ctx, db)
	require.NoError(t, err)
	assert.Contains(t, out, "down 00004_payment_links.sql")
	assert.Equal(t, 0, tables("payment_links"))
	assert.Equal(t, 0, refundedAmount())
	assert.Equal(t, 5, tables(billing...))
	assert.Equal(t, 2, tables(users...))
	out, err = postgres.MigrateDown(ctx, db)
	require.NoError(t, err)
	assert.Contains(t, out, "down 00003_users.sql")
	assert.Equal(t, 0, tables(users...))
	assert.Equal(t, 0, assigneeKey())
	assert.Equal(t, 6, tables(whatsapp...))
	out, err = postgres.MigrateDown(ctx, db)
	require.NoError(t, err)
	assert.Contains(t, out, "down 00002_whatsapp.sql")
	assert.Equal(t, 0, tables(whatsapp...))
	assert.Equal(t, 5, tables(billing...))
	out, err = postgres.MigrateDown(ctx, db)
	require.NoError(t, err)
	assert.Contains(t, out, "down 00001_billing.sql")
	assert.Equal(t, 0, tables(billing...))
	status, err = postgres.MigrateStatus(ctx, db)
	require.NoError(t, err)
	assert.Regexp(t, `pending\s+-\s+00001_billing\.sql`, status)
	assert.Regexp(t, `pending\s+-\s+00002_whatsapp\.sql`, status)
	assert.Regexp(t, `pending\s+-\s+00003_users\.sql`, status)
	assert.Regexp(t, `pending\s+-\s+00004_payment_links\.sql`, status)
	assert.Regexp(t, `pending\s+-\s+00005_insights\.sql`, status)

	out, err = postgres.MigrateDown(ctx, db)
	require.NoError(t, err, "nothing to roll back is not an error")
	assert.Equal(t, "no migration to roll back", out)

	out, err = postgres.MigrateUp(ctx, db)
	require.NoError(t, err)
	assert.Contains(t, out, "up 00001_billing.sql")
	assert.Contains(t, out, "up 00002_whatsapp.sql")
	assert.Contains(t, out, "up 00003_users.sql")
	assert.Contains(t, out, "up 00004_payment_links.sql")
	assert.Contains(t, out, "up 00005_insights.sql")
	assert.Contains(t, out, "up 00009_dunning.sql")
	assert.Contains(t, out, "up 00010_message_sends.sql")
	assert.Equal(t, 1, sendClaims())
	assert.Equal(t, 3, tables(campaigns...))
	assert.Equal(t, 4, tables(groups...))
	assert.Equal(t, 2, tables(collections...))
	assert.Equal(t, 4, tables(dunning...))
	assert.Equal(t, 5, tables(billing...))
	assert.Equal(t, 6, tables(whatsapp...))
	assert.Equal(t, 2, tables(users...))
	assert.Equal(t, 1, tables("payment_links"))
	assert.Equal(t, 2, tables(insights...))
	assert.Equal(t, 1, assigneeKey())
	assert.Equal(t, 1, refundedAmount())

	// The schema works again.
	require.NoError(t, postgres.NewCustomerRepository(db).Save(ctx, newCustomer(t, "C-1")))
	saveNumber(t, db, "1001")
	saveAgent(t, db)
}

func TestPinger(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	require.NoError(t, postgres.NewPinger(db).Ping(t.Context()))
	require.NoError(t, postgres.Close(db))
	assert.Error(t, postgres.NewPinger(db).Ping(t.Context()))
}
