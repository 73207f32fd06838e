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
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/promise"
	"github.com/saldocrm/saldo/ports"
)

func newPromise(t testing.TB, customerID uuid.UUID, amount, currency string, days int, at time.Time) *promise.Promise {
	t.Helper()
	p, err := promise.New(newV7(), promise.Details{
		CustomerID: customerID, Amount: money.MustParse(amount, currency), Date: today.AddDays(days), Note: "dijo que el viernes",
	}, today, at)
	require.NoError(t, err)
	return p
}

func noSupersede(t testing.TB) func(*promise.Promise) error {
	return func(p *promise.Promise) error {
		t.Errorf("unexpected pending promise %s", p.ID())
		return nil
	}
}

func TestPromiseRepository_AddGetAndHistory(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := t.Context()
	cust := saveCustomers(t, postgres.NewCustomerRepository(db), "C-P1")[0]
	repo := postgres.NewPromiseRepository(db)

	first := newPromise(t, cust.ID(), "1250000.50", "COP", 3, now)
	require.NoError(t, repo.Add(ctx, first, noSupersede(t)))
	got, err := repo.Get(ctx, first.ID())
	require.NoError(t, err)
	assert.Equal(t, first.CustomerID(), got.CustomerID())
	assertMoney(t, first.Amount(), got.Amount(), "amount")
	assert.True(t, first.Date().Equal(got.Date()), "date %s", got.Date())
	assert.Equal(t, promise.Pending, got.Status())
	assert.Equal(t, "dijo que el viernes", got.Note())
	assert.Equal(t, uuid.Nil, got.CreatedBy())
	assert.True(t, got.CreatedAt().Equal(now))
	assert.True(t, got.ResolvedAt().IsZero())

	// A second promise replaces the pending one, in the same transaction.
	second := newPromise(t, cust.ID(), "300", "USD", 7, now.Add(time.Hour))
	superseded := 0
	require.NoError(t, repo.Add(ctx, second, func(old *promise.Promise) error {
		superseded++
		assert.Equal(t, first.ID(), old.ID())
		return old.Cancel(now.Add(time.Hour))
	}))
	assert.Equal(t, 1, superseded)
	history, err := repo.ByCustomer(ctx, cust.ID(), 10)
	require.NoError(t, err)
	require.Len(t, history, 2)
	assert.Equal(t, second.ID(), history[0].ID(), "newest first")
	assert.Equal(t, promise.Cancelled, history[1].Status())
	assert.True(t, history[1].ResolvedAt().Equal(now.Add(time.Hour)))

	pending, err := repo.Pending(ctx, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, pending, 1)
	assert.Equal(t, second.ID(), pending[0].ID())

	_, err = repo.Get(ctx, uuid.New())
	assert.ErrorIs(t, err, promise.ErrNotFound)
	err = repo.Add(ctx, newPromise(t, uuid.New(), "1", "USD", 0, now), noSupersede(t))
	assert.ErrorIs(t, err, customer.ErrNotFound)
}

func TestPromiseRepository_UpdateKeepsOnlyAValidChange(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := t.Context()
	cust := saveCustomers(t, postgres.NewCustomerRepository(db), "C-P2")[0]
	repo := postgres.NewPromiseRepository(db)
	p := newPromise(t, cust.ID(), "100", "USD", 0, now)
	require.NoError(t, repo.Add(ctx, p, noSupersede(t)))

	require.NoError(t, repo.Update(ctx, p.ID(), func(p *promise.Promise) error { return p.Break(now.Add(time.Minute)) }))
	err := repo.Update(ctx, p.ID(), func(p *promise.Promise) error { return p.Keep(now) })
	assert.ErrorIs(t, err, promise.ErrNotPending)
	got, err := repo.Get(ctx, p.ID())
	require.NoError(t, err)
	assert.Equal(t, promise.Broken, got.Status())
	assert.ErrorIs(t, repo.Update(ctx, uuid.New(), func(*promise.Promise) error { return nil }), promise.ErrNotFound)
}

// Two agents record a promise for the same customer at once: one pending
// promise remains, the other request is a conflict.
func TestPromiseRepository_ConcurrentAddsLeaveOnePending(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	cust := saveCustomers(t, postgres.NewCustomerRepository(db), "C-P3")[0]
	repo := postgres.NewPromiseRepository(db)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = repo.Add(t.Context(), newPromise(t, cust.ID(), "10", "USD", 1, now), func(old *promise.Promise) error { return old.Cancel(now) })
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			assert.Equal(t, domain.KindConflict, domain.KindOf(err), "%v", err)
		}
	}
	pending, err := repo.Pending(t.Context(), ports.Page{Limit: 10})
	require.NoError(t, err)
	assert.Len(t, pending, 1)
}

func TestPromiseRepository_ReceivedSince(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := t.Context()
	cs := saveCustomers(t, postgres.NewCustomerRepository(db), "C-P4", "C-P5")
	payments := postgres.NewPaymentRepository(db)
	for _, p := range []struct {
		customer uuid.UUID
		amount   string
		currency string
		at       time.Time
	}{
		{cs[0].ID(), "100.00", "USD", now.Add(-time.Hour)}, // before
		{cs[0].ID(), "40.50", "USD", now},                  // at: counts
		{cs[0].ID(), "9.50", "USD", now.Add(time.Hour)},
		{cs[0].ID(), "500", "COP", now.Add(time.Hour)}, // another currency
		{cs[1].ID(), "70", "USD", now.Add(time.Hour)},  // another customer
	} {
		require.NoError(t, payments.Create(ctx, newPayment(t, p.customer, p.amount, p.currency, "", p.at)))
	}
	repo := postgres.NewPromiseRepository(db)
	got, err := repo.ReceivedSince(ctx, cs[0].ID(), money.MustCurrency("USD"), now)
	require.NoError(t, err)
	assertMoney(t, money.MustParse("50", "USD"), got, "paid since")
	got, err = repo.ReceivedSince(ctx, cs[1].ID(), money.MustCurrency("MXN"), now)
	require.NoError(t, err)
	assertMoney(t, money.MustParse("0", "MXN"), got, "nothing paid")
}
