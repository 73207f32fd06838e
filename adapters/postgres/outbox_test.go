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
	"github.com/saldocrm/saldo/ports"
)

func outboxIDs(es []ports.OutboxEntry) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(es))
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func TestOutbox(t *testing.T) {
	t.Parallel()
	outbox := postgres.NewOutbox(pgtest.New(t))
	ctx := t.Context()

	entries := []ports.OutboxEntry{
		{ID: newV7(), Kind: ports.JobSendMessage, Ref: uuid.New(), RunAt: now.Add(2 * time.Second)},
		{ID: newV7(), Kind: ports.JobProcessWebhook, Ref: uuid.New(), RunAt: now},
		{ID: newV7(), Kind: ports.JobSendMessage, Ref: uuid.New(), RunAt: now.Add(time.Second)},
		{ID: newV7(), Kind: ports.JobSendMessage, Ref: uuid.New(), RunAt: now.Add(time.Hour)}, // not due
	}
	for _, e := range entries {
		require.NoError(t, outbox.Add(ctx, e))
	}
	err := outbox.Add(ctx, entries[0])
	assert.Equal(t, domain.KindConflict, domain.KindOf(err), "got %v", err)

	due, err := outbox.Claim(ctx, now.Add(time.Minute), 0)
	require.NoError(t, err)
	require.Len(t, due, 3)
	assert.Equal(t, entries[1], due[0], "the earliest first, read back whole")
	assertTime(t, entries[1].RunAt, due[0].RunAt, "run at")
	assert.Equal(t, []uuid.UUID{entries[1].ID, entries[2].ID, entries[0].ID}, outboxIDs(due))

	limited, err := outbox.Claim(ctx, now.Add(time.Minute), 2)
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{entries[1].ID, entries[2].ID}, outboxIDs(limited))

	require.NoError(t, outbox.Delete(ctx))
	require.NoError(t, outbox.Delete(ctx, entries[1].ID, entries[2].ID, uuid.New()))
	rest, err := outbox.Claim(ctx, now.Add(2*time.Hour), 10)
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{entries[0].ID, entries[3].ID}, outboxIDs(rest))
}

// TestOutbox_ConcurrentClaims has two relays claim at once: the second
// skips what the first holds instead of waiting for it, and gets the rest.
func TestOutbox_ConcurrentClaims(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	uow := postgres.NewUnitOfWork(db)
	ctx := t.Context()
	const total = 10
	for i := range total {
		require.NoError(t, postgres.NewOutbox(db).Add(ctx, ports.OutboxEntry{
			ID: newV7(), Kind: ports.JobSendMessage, Ref: uuid.New(), RunAt: now.Add(time.Duration(i) * time.Second),
		}))
	}

	claimed := make(chan struct{})
	release := make(chan struct{})
	var first, second []ports.OutboxEntry
	errFirst := make(chan error, 1)
	go func() {
		errFirst <- uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
			var err error
			first, err = tx.Outbox().Claim(ctx, now.Add(time.Minute), 4)
			close(claimed)
			if err != nil {
				return err
			}
			<-release // hold the locks while the other relay claims
			return tx.Outbox().Delete(ctx, outboxIDs(first)...)
		})
	}()
	<-claimed
	// A lock wait would hang here: fail fast instead.
	claimCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	err := uow.Do(claimCtx, func(ctx context.Context, tx ports.Repos) error {
		var err error
		second, err = tx.Outbox().Claim(ctx, now.Add(time.Minute), total)
		return err
	})
	close(release)
	require.NoError(t, err)
	require.NoError(t, <-errFirst)

	assert.Len(t, first, 4)
	assert.Len(t, second, total-4)
	seen := map[uuid.UUID]bool{}
	for _, e := range append(first, second...) {
		assert.False(t, seen[e.ID], "entry %s claimed twice", e.ID)
		seen[e.ID] = true
	}
	assert.Len(t, seen, total)
	assert.Equal(t, total-4, count(t, db, "SELECT count(*) FROM outbox"))
}
