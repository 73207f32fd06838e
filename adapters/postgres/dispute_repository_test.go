package postgres_test

import (
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/domain/dispute"
	"github.com/saldocrm/saldo/domain/invoice"
)

func TestDisputeRepository_OpenResolveReopen(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := t.Context()
	cs := saveCustomers(t, postgres.NewCustomerRepository(db), "C-D1", "C-D2")
	invoices := postgres.NewInvoiceRepository(db)
	a := newInvoice(t, invoiceSpec{externalID: "D-A", customer: cs[0].ID(), dueInDays: -10, total: "100"})
	b := newInvoice(t, invoiceSpec{externalID: "D-B", customer: cs[0].ID(), dueInDays: -5, total: "100"})
	other := newInvoice(t, invoiceSpec{externalID: "D-C", customer: cs[1].ID(), dueInDays: -5, total: "100"})
	require.NoError(t, invoices.Save(ctx, a, b, other))
	repo := postgres.NewDisputeRepository(db)
	agent := uuid.New()

	open := func(id uuid.UUID, reason string, at time.Time) error {
		return repo.Update(ctx, id, func(d *dispute.Dispute) (*dispute.Dispute, error) {
			if d == nil {
				return dispute.Open(id, reason, agent, at)
			}
			return d, d.Reopen(reason, agent, at)
		})
	}
	require.NoError(t, open(a.ID(), "Cobro duplicado", now))
	require.NoError(t, open(other.ID(), "No recibido", now))
	got, err := repo.Get(ctx, a.ID())
	require.NoError(t, err)
	assert.True(t, got.IsOpen())
	assert.Equal(t, "Cobro duplicado", got.Reason())
	assert.Equal(t, agent, got.OpenedBy())
	assert.True(t, got.OpenedAt().Equal(now))
	assert.ErrorIs(t, open(a.ID(), "otra vez", now), dispute.ErrAlreadyOpen)

	mine, err := repo.OpenByCustomer(ctx, cs[0].ID())
	require.NoError(t, err)
	require.Len(t, mine, 1)
	assert.Equal(t, a.ID(), mine[0].InvoiceID())
	among, err := repo.OpenAmong(ctx, []uuid.UUID{a.ID(), b.ID()})
	require.NoError(t, err)
	assert.Len(t, among, 1)
	assert.NotNil(t, among[a.ID()])

	later := now.Add(time.Hour)
	require.NoError(t, repo.Update(ctx, a.ID(), func(d *dispute.Dispute) (*dispute.Dispute, error) {
		return d, d.Resolve("Nota crédito NC-7", later)
	}))
	got, err = repo.Get(ctx, a.ID())
	require.NoError(t, err)
	assert.False(t, got.IsOpen())
	assert.Equal(t, "Nota crédito NC-7", got.Resolution())
	assert.True(t, got.ResolvedAt().Equal(later))
	mine, err = repo.OpenByCustomer(ctx, cs[0].ID())
	require.NoError(t, err)
	assert.Empty(t, mine, "a resolved dispute is not open")

	// Disputing it again updates the same row.
	require.NoError(t, open(a.ID(), "Sigue mal", later.Add(time.Hour)))
	got, err = repo.Get(ctx, a.ID())
	require.NoError(t, err)
	assert.True(t, got.IsOpen())
	assert.Equal(t, "Sigue mal", got.Reason())
	assert.Empty(t, got.Resolution())

	_, err = repo.Get(ctx, b.ID())
	assert.ErrorIs(t, err, dispute.ErrNotFound)
	assert.ErrorIs(t, open(uuid.New(), "x", now), invoice.ErrNotFound)
}

func TestDisputeRepository_ConcurrentFirstDisputes(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	cs := saveCustomers(t, postgres.NewCustomerRepository(db), "C-D3")
	inv := newInvoice(t, invoiceSpec{externalID: "D-X", customer: cs[0].ID(), dueInDays: -1, total: "100"})
	require.NoError(t, postgres.NewInvoiceRepository(db).Save(t.Context(), inv))
	repo := postgres.NewDisputeRepository(db)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = repo.Update(t.Context(), inv.ID(), func(d *dispute.Dispute) (*dispute.Dispute, error) {
				if d != nil {
					return d, d.Reopen("again", uuid.Nil, now)
				}
				return dispute.Open(inv.ID(), "first", uuid.Nil, now)
			})
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		assert.ErrorIs(t, err, dispute.ErrAlreadyOpen)
	}
	assert.Equal(t, 1, ok)
}
