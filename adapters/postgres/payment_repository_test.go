package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/payment"
	"github.com/saldocrm/saldo/ports"
)

func TestPaymentRepository_CreateWithAllocations(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	cust := saveCustomers(t, postgres.NewCustomerRepository(db), "C-1")[0]
	invoices := postgres.NewInvoiceRepository(db)
	repo := postgres.NewPaymentRepository(db)
	ctx := t.Context()

	// The older invoice has the larger id: allocations must come back in
	// the order the payment settled them, not by id.
	older := newInvoice(t, invoiceSpec{externalID: "INV-A", customer: cust.ID(), dueInDays: -20, total: "100.00"})
	newer := newInvoice(t, invoiceSpec{externalID: "INV-B", customer: cust.ID(), dueInDays: -5, total: "80.00"})
	require.True(t, uuidLess(newer.ID(), older.ID()))
	require.NoError(t, invoices.Save(ctx, older, newer))

	p := newPayment(t, cust.ID(), "150.25", "USD", "stripe_pi_123", now.Add(-time.Hour))
	changed, err := p.AllocateOldestFirst([]*invoice.Invoice{newer, older}, now)
	require.NoError(t, err)
	require.Len(t, changed, 2)
	require.NoError(t, invoices.Save(ctx, changed...))
	require.NoError(t, repo.Create(ctx, p))

	got, err := repo.Get(ctx, p.ID())
	require.NoError(t, err)
	assertPaymentEqual(t, p, got)
	require.Len(t, got.Allocations(), 2)
	assert.Equal(t, older.ID(), got.Allocations()[0].InvoiceID())
	assert.True(t, got.Unallocated().IsZero())

	byRef, err := repo.GetByReference(ctx, "stripe_pi_123")
	require.NoError(t, err)
	assertPaymentEqual(t, p, byRef)

	// A payment without allocations, nor reference, is all credit.
	credit := newPayment(t, cust.ID(), "10", "USD", "", now)
	require.NoError(t, repo.Create(ctx, credit))
	got, err = repo.Get(ctx, credit.ID())
	require.NoError(t, err)
	assertPaymentEqual(t, credit, got)
	assert.Empty(t, got.Allocations())
}

func TestPaymentRepository_NotFound(t *testing.T) {
	t.Parallel()
	repo := postgres.NewPaymentRepository(pgtest.New(t))
	ctx := t.Context()

	p, err := repo.Get(ctx, uuid.New())
	assert.Nil(t, p)
	assert.True(t, errors.Is(err, payment.ErrNotFound), "got %v", err)
	for _, ref := range []string{"nope", ""} {
		p, err = repo.GetByReference(ctx, ref)
		assert.Nil(t, p)
		assert.True(t, errors.Is(err, payment.ErrNotFound), "reference %q: got %v", ref, err)
	}
	p, err = repo.Last(ctx, uuid.New())
	assert.Nil(t, p)
	assert.True(t, errors.Is(err, payment.ErrNotFound), "got %v", err)
}

func TestPaymentRepository_DuplicateReference(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	cust := saveCustomers(t, postgres.NewCustomerRepository(db), "C-1")[0]
	repo := postgres.NewPaymentRepository(db)
	ctx := t.Context()

	first := newPayment(t, cust.ID(), "50", "USD", "bank-ref-1", now)
	require.NoError(t, repo.Create(ctx, first))
	again := newPayment(t, cust.ID(), "50", "USD", "bank-ref-1", now)
	err := repo.Create(ctx, again)
	assert.True(t, errors.Is(err, payment.ErrDuplicateReference), "got %v", err)
	assert.Equal(t, 1, count(t, db, "SELECT count(*) FROM payments"))

	// Creating the very same payment twice is a conflict too.
	err = repo.Create(ctx, first)
	assert.Error(t, err)

	// No reference is no reference: never a duplicate.
	require.NoError(t, repo.Create(ctx, newPayment(t, cust.ID(), "1", "USD", "", now)))
	require.NoError(t, repo.Create(ctx, newPayment(t, cust.ID(), "1", "USD", "", now)))
	assert.Equal(t, 3, count(t, db, "SELECT count(*) FROM payments"))

	// Inside a unit of work the refusal leaves the transaction usable.
	uow := postgres.NewUnitOfWork(db)
	err = uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		err := tx.Payments().Create(ctx, newPayment(t, cust.ID(), "50", "USD", "bank-ref-1", now))
		if !errors.Is(err, payment.ErrDuplicateReference) {
			return err
		}
		_, err = tx.Payments().GetByReference(ctx, "bank-ref-1")
		return err
	})
	require.NoError(t, err)
}

// TestPaymentRepository_ConcurrentSameReference records one provider
// payment from two transactions at once: the second waits for the first
// and is refused when it commits, or records it when it rolls back.
func TestPaymentRepository_ConcurrentSameReference(t *testing.T) {
	t.Parallel()
	for _, firstCommits := range []bool{true, false} {
		name := map[bool]string{true: "first commits", false: "first rolls back"}[firstCommits]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db := pgtest.New(t)
			cust := saveCustomers(t, postgres.NewCustomerRepository(db), "C-1")[0]
			uow := postgres.NewUnitOfWork(db)
			ctx := t.Context()
			errRollback := errors.New("rollback")

			first := newPayment(t, cust.ID(), "70", "USD", "pi_same", now)
			second := newPayment(t, cust.ID(), "70", "USD", "pi_same", now)
			created, release := make(chan struct{}), make(chan struct{})
			var createdOnce sync.Once
			signalCreated := func() { createdOnce.Do(func() { close(created) }) }
			var wg sync.WaitGroup
			var firstErr, secondErr error
			wg.Add(2)
			go func() {
				defer wg.Done()
				defer signalCreated() // even when Create fails, so that nothing waits forever
				firstErr = uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
					if err := tx.Payments().Create(ctx, first); err != nil {
						return err
					}
					signalCreated()
					<-release
					if !firstCommits {
						return errRollback
					}
					return nil
				})
			}()
			go func() {
				defer wg.Done()
				<-created
				secondErr = uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
					// Blocks on the unique index until the first transaction ends.
					return tx.Payments().Create(ctx, second)
				})
			}()
			<-created
			time.Sleep(100 * time.Millisecond) // let the second insert reach the index and wait
			close(release)
			wg.Wait()

			if firstCommits {
				require.NoError(t, firstErr)
				assert.True(t, errors.Is(secondErr, payment.ErrDuplicateReference), "got %v", secondErr)
			} else {
				assert.ErrorIs(t, firstErr, errRollback)
				require.NoError(t, secondErr)
			}
			assert.Equal(t, 1, count(t, db, "SELECT count(*) FROM payments WHERE provider_reference = 'pi_same'"))
		})
	}
}

func TestPaymentRepository_Credit(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	cs := saveCustomers(t, postgres.NewCustomerRepository(db), "A", "B")
	a, b := cs[0].ID(), cs[1].ID()
	invoices := postgres.NewInvoiceRepository(db)
	repo := postgres.NewPaymentRepository(db)
	ctx := t.Context()

	usdInv := newInvoice(t, invoiceSpec{externalID: "USD-1", customer: a, total: "60.00"})
	brlInv := newInvoice(t, invoiceSpec{externalID: "BRL-1", customer: a, currency: "BRL", total: "30.00"})
	require.NoError(t, invoices.Save(ctx, usdInv, brlInv))

	// USD: 100 paid, 60 allocated, plus 0.50 unallocated: 40.50 credit.
	usd := newPayment(t, a, "100.00", "USD", "", now)
	_, err := usd.AllocateOldestFirst([]*invoice.Invoice{usdInv}, now)
	require.NoError(t, err)
	// BRL: fully allocated, no credit.
	brl := newPayment(t, a, "30.00", "BRL", "", now)
	_, err = brl.AllocateOldestFirst([]*invoice.Invoice{brlInv}, now)
	require.NoError(t, err)
	for _, p := range []*payment.Payment{
		usd, brl,
		newPayment(t, a, "0.50", "USD", "", now),
		newPayment(t, a, "5000", "COP", "", now),
		newPayment(t, b, "999", "USD", "", now), // another customer's
	} {
		require.NoError(t, repo.Create(ctx, p))
	}
	require.NoError(t, invoices.Save(ctx, usdInv, brlInv))

	credit, err := repo.Credit(ctx, a)
	require.NoError(t, err)
	require.Len(t, credit, 2)
	assertMoney(t, money.MustParse("5000", "COP"), credit[0], "COP credit")
	assertMoney(t, money.MustParse("40.50", "USD"), credit[1], "USD credit")

	none, err := repo.Credit(ctx, uuid.New())
	require.NoError(t, err)
	assert.Empty(t, none)
}

func TestPaymentRepository_LastAndList(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	cs := saveCustomers(t, postgres.NewCustomerRepository(db), "A", "B")
	a, b := cs[0].ID(), cs[1].ID()
	repo := postgres.NewPaymentRepository(db)
	ctx := t.Context()

	received := now.Add(-48 * time.Hour)
	mk := func(customerID uuid.UUID, receivedAt, createdAt time.Time) *payment.Payment {
		p, err := payment.New(uuid.New(), payment.Details{
			CustomerID: customerID, Amount: money.MustParse("10", "USD"), Method: payment.Cash, ReceivedAt: receivedAt,
		}, createdAt)
		require.NoError(t, err)
		require.NoError(t, repo.Create(ctx, p))
		return p
	}
	oldest := mk(a, received, now.Add(-3*time.Hour))
	latest1 := mk(a, received.Add(time.Hour), now.Add(-2*time.Hour))
	latest2 := mk(a, received.Add(time.Hour), now.Add(-time.Hour)) // same received_at: the higher id wins
	other := mk(b, received.Add(5*time.Hour), now)

	last, err := repo.Last(ctx, a)
	require.NoError(t, err)
	wantLast := latest1
	if uuidLess(latest1.ID(), latest2.ID()) {
		wantLast = latest2
	}
	assertPaymentEqual(t, wantLast, last)

	ids := func(ps []*payment.Payment) []uuid.UUID {
		out := make([]uuid.UUID, 0, len(ps))
		for _, p := range ps {
			out = append(out, p.ID())
		}
		return out
	}
	tests := []struct {
		name   string
		filter ports.PaymentFilter
		want   []*payment.Payment
	}{
		{"all", ports.PaymentFilter{}, []*payment.Payment{oldest, latest1, latest2, other}},
		{"customer", ports.PaymentFilter{CustomerID: b}, []*payment.Payment{other}},
		{"since, inclusive", ports.PaymentFilter{Since: now.Add(-2 * time.Hour)}, []*payment.Payment{latest1, latest2, other}},
		{"customer since", ports.PaymentFilter{CustomerID: a, Since: now.Add(-90 * time.Minute)}, []*payment.Payment{latest2}},
	}
	for _, tt := range tests {
		got, err := repo.List(ctx, tt.filter)
		require.NoError(t, err, tt.name)
		assert.ElementsMatch(t, ids(tt.want), ids(got), tt.name)
		assertSortedByID(t, got)
	}

	var seen []uuid.UUID
	after := uuid.Nil
	for range 10 {
		page, err := repo.List(ctx, ports.PaymentFilter{Page: ports.Page{After: after, Limit: 3}})
		require.NoError(t, err)
		if len(page) == 0 {
			break
		}
		seen = append(seen, ids(page)...)
		after = page[len(page)-1].ID()
	}
	assert.ElementsMatch(t, ids([]*payment.Payment{oldest, latest1, latest2, other}), seen)
}

func uuidLess(a, b uuid.UUID) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}
