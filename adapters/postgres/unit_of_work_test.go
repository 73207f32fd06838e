package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/payment"
	"github.com/saldocrm/saldo/ports"
)

func TestUnitOfWork_RollsBackOnError(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	cust := saveCustomers(t, postgres.NewCustomerRepository(db), "C-1")[0]
	inv := newInvoice(t, invoiceSpec{externalID: "INV-1", customer: cust.ID(), dueInDays: -5, total: "100"})
	require.NoError(t, postgres.NewInvoiceRepository(db).Save(t.Context(), inv))
	uow := postgres.NewUnitOfWork(db)
	ctx := t.Context()

	var p *payment.Payment
	boom := errors.New("boom")
	err := uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		open, err := tx.Invoices().LockOpenByCustomer(ctx, cust.ID(), money.MustCurrency("USD"))
		if err != nil {
			return err
		}
		p = newPayment(t, cust.ID(), "100", "USD", "ref-1", now)
		changed, err := p.AllocateOldestFirst(open, now)
		if err != nil {
			return err
		}
		if err := tx.Invoices().Save(ctx, changed...); err != nil {
			return err
		}
		if err := tx.Payments().Create(ctx, p); err != nil {
			return err
		}
		return fmt.Errorf("after the writes: %w", boom)
	})
	require.ErrorIs(t, err, boom)

	got, err := postgres.NewInvoiceRepository(db).Get(ctx, inv.ID())
	require.NoError(t, err)
	assertInvoiceEqual(t, inv, got)
	_, err = postgres.NewPaymentRepository(db).Get(ctx, p.ID())
	assert.True(t, errors.Is(err, payment.ErrNotFound), "got %v", err)
	assert.Equal(t, 0, count(t, db, "SELECT count(*) FROM payment_allocations"))

	// A panic rolls back too, and goes on up.
	assert.Panics(t, func() {
		_ = uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
			if err := tx.Payments().Create(ctx, newPayment(t, cust.ID(), "1", "USD", "", now)); err != nil {
				return err
			}
			panic("in the middle")
		})
	})
	assert.Equal(t, 0, count(t, db, "SELECT count(*) FROM payments"))
}

func TestUnitOfWork_Commits(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	uow := postgres.NewUnitOfWork(db)
	ctx := t.Context()

	c := newCustomer(t, "C-1")
	inv := newInvoice(t, invoiceSpec{externalID: "INV-1", customer: c.ID(), total: "100"})
	err := uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		if err := tx.Customers().Save(ctx, c); err != nil {
			return err
		}
		if err := tx.Invoices().Save(ctx, inv); err != nil {
			return err
		}
		// The transaction sees its own writes.
		got, err := tx.Customers().ByExternalIDs(ctx, []string{"C-1"})
		if err != nil {
			return err
		}
		if len(got) != 1 {
			return fmt.Errorf("want the customer inside the transaction, got %d", len(got))
		}
		return nil
	})
	require.NoError(t, err)
	_, err = postgres.NewInvoiceRepository(db).Get(ctx, inv.ID())
	require.NoError(t, err)
}

// TestUnitOfWork_ConcurrentPayments applies payments of one customer from
// several transactions at once, the way recording a payment does: lock the
// open invoices, allocate, save the invoices, create the payment. Locks
// serialize them, so no update is lost and no invoice is overpaid.
func TestUnitOfWork_ConcurrentPayments(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	cust := saveCustomers(t, postgres.NewCustomerRepository(db), "C-1")[0]
	var invs []*invoice.Invoice
	for i := range 4 {
		invs = append(invs, newInvoice(t, invoiceSpec{
			externalID: fmt.Sprintf("INV-%d", i), customer: cust.ID(), dueInDays: -10 * i, total: "100.00",
		}))
	}
	require.NoError(t, postgres.NewInvoiceRepository(db).Save(t.Context(), invs...))
	uow := postgres.NewUnitOfWork(db)
	ctx := t.Context()

	amounts := []string{"70.00", "90.00", "45.50", "60.25"} // 265.75 of 400
	payments := make([]*payment.Payment, len(amounts))
	for i, a := range amounts {
		payments[i] = newPayment(t, cust.ID(), a, "USD", "", now)
	}
	start := make(chan struct{})
	errs := make([]error, len(payments))
	var wg sync.WaitGroup
	for i, p := range payments {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
				open, err := tx.Invoices().LockOpenByCustomer(ctx, cust.ID(), p.Amount().Currency())
				if err != nil {
					return err
				}
				changed, err := p.AllocateOldestFirst(open, now)
				if err != nil {
					return err
				}
				if err := tx.Invoices().Save(ctx, changed...); err != nil {
					return err
				}
				return tx.Payments().Create(ctx, p)
			})
		}()
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}

	var paid, allocated decimal.Decimal
	require.NoError(t, db.Raw("SELECT sum(amount_paid) FROM invoices").Scan(&paid).Error)
	require.NoError(t, db.Raw("SELECT sum(amount) FROM payment_allocations").Scan(&allocated).Error)
	want := decimal.RequireFromString("265.75")
	assert.True(t, want.Equal(paid), "amount paid: want %s, got %s", want, paid)
	assert.True(t, want.Equal(allocated), "allocated: want %s, got %s", want, allocated)

	// Oldest first: the two oldest invoices are paid, the rest is on the third.
	stored, err := postgres.NewInvoiceRepository(db).LockByIDs(ctx, []uuid.UUID{invs[0].ID(), invs[1].ID(), invs[2].ID(), invs[3].ID()})
	require.NoError(t, err)
	status := map[string]string{}
	for _, inv := range stored {
		status[inv.ExternalID()] = fmt.Sprintf("%s %s", inv.Status(), inv.AmountPaid().StringFixed())
	}
	assert.Equal(t, map[string]string{
		"INV-3": "paid 100.00", "INV-2": "paid 100.00", "INV-1": "open 65.75", "INV-0": "open 0.00",
	}, status)
}

// TestUnitOfWork_LockingReadsLock checks that every locking read keeps its
// rows locked until the unit of work ends.
func TestUnitOfWork_LockingReadsLock(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	cust := saveCustomers(t, postgres.NewCustomerRepository(db), "C-1")[0]
	inv := newInvoice(t, invoiceSpec{externalID: "INV-1", customer: cust.ID(), total: "100"})
	require.NoError(t, postgres.NewInvoiceRepository(db).Save(t.Context(), inv))
	uow := postgres.NewUnitOfWork(db)
	ctx := t.Context()

	locked := func(table string, id uuid.UUID) bool {
		err := db.Exec("SELECT 1 FROM "+table+" WHERE id = ? FOR UPDATE NOWAIT", id).Error
		return err != nil // 55P03 lock_not_available
	}
	reads := map[string]func(ctx context.Context, tx ports.Repos) (string, uuid.UUID, error){
		"customers by external id": func(ctx context.Context, tx ports.Repos) (string, uuid.UUID, error) {
			_, err := tx.Customers().ByExternalIDs(ctx, []string{"C-1"})
			return "customers", cust.ID(), err
		},
		"invoices by external id": func(ctx context.Context, tx ports.Repos) (string, uuid.UUID, error) {
			_, err := tx.Invoices().ByExternalIDs(ctx, []string{"INV-1"})
			return "invoices", inv.ID(), err
		},
		"invoices by id": func(ctx context.Context, tx ports.Repos) (string, uuid.UUID, error) {
			_, err := tx.Invoices().LockByIDs(ctx, []uuid.UUID{inv.ID()})
			return "invoices", inv.ID(), err
		},
		"open invoices of a customer": func(ctx context.Context, tx ports.Repos) (string, uuid.UUID, error) {
			_, err := tx.Invoices().LockOpenByCustomer(ctx, cust.ID(), money.MustCurrency("USD"))
			return "invoices", inv.ID(), err
		},
	}
	for name, read := range reads {
		var table string
		var id uuid.UUID
		err := uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
			var err error
			if table, id, err = read(ctx, tx); err != nil {
				return err
			}
			if !locked(table, id) {
				return fmt.Errorf("%s: the row is not locked inside the unit of work", name)
			}
			return nil
		})
		require.NoError(t, err, name)
		assert.False(t, locked(table, id), "%s: the row is still locked after the unit of work", name)
	}
}

// TestUnitOfWork_MessagingLocksLock checks that the messaging
// repositories' locking reads keep their rows locked until the unit of
// work ends.
func TestUnitOfWork_MessagingLocksLock(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := t.Context()
	c := storedConversation(t, db, "573001234567")
	m := receiveText(c, "wamid.locked", "hola", now)
	_, err := postgres.NewMessageRepository(db).Add(ctx, m)
	require.NoError(t, err)
	require.NoError(t, postgres.NewConversationRepository(db).Save(ctx, c))
	uow := postgres.NewUnitOfWork(db)

	locked := func(table string, id uuid.UUID) bool {
		err := db.Exec("SELECT 1 FROM "+table+" WHERE id = ? FOR UPDATE NOWAIT", id).Error
		return err != nil // 55P03 lock_not_available
	}
	reads := map[string]func(ctx context.Context, tx ports.Repos) (string, uuid.UUID, error){
		"conversation by id": func(ctx context.Context, tx ports.Repos) (string, uuid.UUID, error) {
			_, err := tx.Conversations().Lock(ctx, c.ID())
			return "conversations", c.ID(), err
		},
		"conversation thread": func(ctx context.Context, tx ports.Repos) (string, uuid.UUID, error) {
			_, err := tx.Conversations().LockThread(ctx, c.NumberID(), c.WaID(), nil)
			return "conversations", c.ID(), err
		},
		"message by id": func(ctx context.Context, tx ports.Repos) (string, uuid.UUID, error) {
			_, err := tx.Messages().Lock(ctx, m.ID())
			return "messages", m.ID(), err
		},
		"message by wamid": func(ctx context.Context, tx ports.Repos) (string, uuid.UUID, error) {
			_, err := tx.Messages().LockByWAMID(ctx, "wamid.locked")
			return "messages", m.ID(), err
		},
	}
	for name, read := range reads {
		var table string
		var id uuid.UUID
		err := uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
			var err error
			if table, id, err = read(ctx, tx); err != nil {
				return err
			}
			if !locked(table, id) {
				return fmt.Errorf("%s: the row is not locked inside the unit of work", name)
			}
			return nil
		})
		require.NoError(t, err, name)
		assert.False(t, locked(table, id), "%s: the row is still locked after the unit of work", name)
	}

	// The messaging repositories of a unit of work write in its transaction.
	boom := errors.New("boom")
	err = uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		if err := tx.Templates().Save(ctx, newTemplate(t, "hello", "es")); err != nil {
			return err
		}
		if err := tx.Outbox().Add(ctx, ports.OutboxEntry{ID: newV7(), Kind: ports.JobSendMessage, Ref: m.ID(), RunAt: now}); err != nil {
			return err
		}
		if _, err := tx.Messages().Add(ctx, receiveText(c, "wamid.rolled-back", "x", now)); err != nil {
			return err
		}
		if err := tx.Conversations().Save(ctx, c); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	assert.Equal(t, 0, count(t, db, "SELECT count(*) FROM templates")+count(t, db, "SELECT count(*) FROM outbox")+
		count(t, db, "SELECT count(*) FROM messages WHERE wamid = 'wamid.rolled-back'"))
	got, err := postgres.NewConversationRepository(db).Get(ctx, c.ID())
	require.NoError(t, err)
	assert.Equal(t, 2, got.Unread(), "the conversation as saved before the unit of work")
}
