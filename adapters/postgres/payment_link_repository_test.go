package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/paymentlink"
	"github.com/saldocrm/saldo/ports"
)

// newPaymentLink starts (without storing) a link of customerID for amount
// covering invoiceIDs, made at createdAt.
func newPaymentLink(t testing.TB, customerID uuid.UUID, invoiceIDs []uuid.UUID, amount, currency string, createdAt time.Time) *paymentlink.Link {
	t.Helper()
	l, err := paymentlink.New(newV7(), customerID, invoiceIDs, money.MustParse(amount, currency), "sandbox",
		paymentlink.DefaultLifetime, createdAt)
	require.NoError(t, err)
	return l
}

// linkFixture stores a customer and invoices for links to cover.
type linkFixture struct {
	customer uuid.UUID
	invoices []uuid.UUID
}

func storeLinkFixture(t testing.TB, db *gorm.DB, externalID string, invoices int) linkFixture {
	t.Helper()
	cust := saveCustomers(t, postgres.NewCustomerRepository(db), externalID)[0]
	f := linkFixture{customer: cust.ID()}
	repo := postgres.NewInvoiceRepository(db)
	for i := range invoices {
		inv := newInvoice(t, invoiceSpec{externalID: fmt.Sprintf("%s-INV-%d", externalID, i), customer: cust.ID(), total: "500.00"})
		require.NoError(t, repo.Save(t.Context(), inv))
		f.invoices = append(f.invoices, inv.ID())
	}
	return f
}

func assertPaymentLinkEqual(t testing.TB, want, got *paymentlink.Link) {
	t.Helper()
	assert.Equal(t, want.ID(), got.ID(), "id")
	assert.Equal(t, want.CustomerID(), got.CustomerID(), "customer id")
	assert.Equal(t, want.InvoiceIDs(), got.InvoiceIDs(), "invoice ids")
	assertMoney(t, want.Amount(), got.Amount(), "amount")
	assert.Equal(t, want.Provider(), got.Provider(), "provider")
	assert.Equal(t, want.ProviderID(), got.ProviderID(), "provider id")
	assert.Equal(t, want.URL(), got.URL(), "url")
	assert.Equal(t, want.Token(), got.Token(), "token")
	assert.Equal(t, want.Status(), got.Status(), "status")
	assert.Equal(t, want.ConversationID(), got.ConversationID(), "conversation id")
	assert.Equal(t, want.PaymentID(), got.PaymentID(), "payment id")
	assertTime(t, want.ExpiresAt(), got.ExpiresAt(), "expires at")
	assertTime(t, want.PaidAt(), got.PaidAt(), "paid at")
	assertTime(t, want.CreatedAt(), got.CreatedAt(), "created at")
	assertTime(t, want.UpdatedAt(), got.UpdatedAt(), "updated at")
}

func TestPaymentLinkRepository_RoundTrip(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewPaymentLinkRepository(db)
	ctx := t.Context()
	f := storeLinkFixture(t, db, "C-1", 3)

	// The invoices in an order that is not their id order: it must survive.
	invoiceIDs := []uuid.UUID{f.invoices[2], f.invoices[0], f.invoices[1]}
	links := []*paymentlink.Link{
		newPaymentLink(t, f.customer, invoiceIDs, "1234.56", "USD", now),
		newPaymentLink(t, f.customer, f.invoices[1:2], "10.125", "KWD", now.Add(time.Second)), // three decimals
		newPaymentLink(t, f.customer, f.invoices[:1], "0.01", "USD", now.Add(2*time.Second)),
	}
	for _, l := range links {
		require.NoError(t, repo.Create(ctx, l))
	}
	for _, l := range links {
		got, err := repo.Get(ctx, l.ID())
		require.NoError(t, err)
		assertPaymentLinkEqual(t, l, got)

		byToken, err := repo.ByToken(ctx, l.Token())
		require.NoError(t, err)
		assertPaymentLinkEqual(t, l, byToken)
	}
	// What the domain leaves unset is NULL (or '' where the column says so).
	assert.Equal(t, len(links), count(t, db, `SELECT count(*) FROM payment_links
		WHERE conversation_id IS NULL AND payment_id IS NULL AND paid_at IS NULL AND provider_id = '' AND url = ''`))
	var stored string
	require.NoError(t, db.Raw("SELECT invoice_ids::text FROM payment_links WHERE id = ?", links[0].ID()).Scan(&stored).Error)
	assert.Equal(t, fmt.Sprintf("{%s,%s,%s}", invoiceIDs[0], invoiceIDs[1], invoiceIDs[2]), stored, "a real uuid[]")
}

// TestPaymentLinkRepository_Save follows links through their life, saving
// and reading back after every step.
func TestPaymentLinkRepository_Save(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewPaymentLinkRepository(db)
	ctx := t.Context()
	f := storeLinkFixture(t, db, "C-1", 2)
	conv := storedConversation(t, db, "573001234567")

	saveAndCheck := func(l *paymentlink.Link, step string) {
		t.Helper()
		require.NoError(t, repo.Save(ctx, l), step)
		got, err := repo.Get(ctx, l.ID())
		require.NoError(t, err, step)
		assertPaymentLinkEqual(t, l, got)
	}

	paid := newPaymentLink(t, f.customer, f.invoices, "250.75", "USD", now)
	require.NoError(t, repo.Create(ctx, paid))
	paid.Opened("cs_test_a1", "https://checkout.stripe.com/c/pay/cs_test_a1", now.Add(time.Second))
	saveAndCheck(paid, "opened")
	paid.SentIn(conv.ID(), now.Add(2*time.Second))
	saveAndCheck(paid, "sent")
	p := newPayment(t, f.customer, "250.75", "USD", "pi_a1", now.Add(time.Hour))
	require.NoError(t, postgres.NewPaymentRepository(db).Create(ctx, p))
	require.True(t, paid.MarkPaid(p.ID(), now.Add(time.Hour+123*time.Microsecond)))
	saveAndCheck(paid, "paid")

	expired := newPaymentLink(t, f.customer, f.invoices[:1], "99.99", "USD", now)
	require.NoError(t, repo.Create(ctx, expired))
	expired.Opened("cs_test_b2", "https://checkout.stripe.com/c/pay/cs_test_b2", now.Add(time.Second))
	saveAndCheck(expired, "opened")
	require.True(t, expired.Expire(now.Add(paymentlink.DefaultLifetime)))
	saveAndCheck(expired, "expired")

	failed := newPaymentLink(t, f.customer, f.invoices[1:], "5", "USD", now)
	require.NoError(t, repo.Create(ctx, failed))
	require.True(t, failed.Fail(now.Add(time.Second)))
	saveAndCheck(failed, "failed")

	// Deleting the conversation keeps the link and forgets where it was sent.
	require.NoError(t, db.Exec("DELETE FROM conversations WHERE id = ?", conv.ID()).Error)
	got, err := repo.Get(ctx, paid.ID())
	require.NoError(t, err)
	assert.Equal(t, uuid.Nil, got.ConversationID())
	assert.Equal(t, paymentlink.Paid, got.Status())
}

// TestPaymentLinkRepository_LockBlocks has two units of work lock the same
// link, the way a webhook and the sandbox pay page can: the second waits
// until the first commits, then reads what it saved.
func TestPaymentLinkRepository_LockBlocks(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewPaymentLinkRepository(db)
	uow := postgres.NewUnitOfWork(db)
	ctx := t.Context()
	f := storeLinkFixture(t, db, "C-1", 1)
	l := newPaymentLink(t, f.customer, f.invoices, "80.00", "USD", now)
	l.Opened("cs_test_lock", "https://checkout.stripe.com/c/pay/cs_test_lock", now)
	require.NoError(t, repo.Create(ctx, l))
	p := newPayment(t, f.customer, "80.00", "USD", "pi_lock", now)
	require.NoError(t, postgres.NewPaymentRepository(db).Create(ctx, p))

	locked, release := make(chan struct{}), make(chan struct{})
	errFirst := make(chan error, 1)
	go func() {
		defer close(locked) // even when Lock fails, so that nothing waits forever
		errFirst <- uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
			mine, err := tx.PaymentLinks().Lock(ctx, l.ID())
			if err != nil {
				return err
			}
			locked <- struct{}{}
			<-release // hold the lock while the other unit of work asks for it
			mine.MarkPaid(p.ID(), now.Add(time.Minute))
			return tx.PaymentLinks().Save(ctx, mine)
		})
	}()
	<-locked

	type result struct {
		status paymentlink.Status
		err    error
	}
	second := make(chan result, 1)
	go func() {
		var status paymentlink.Status
		err := uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
			theirs, err := tx.PaymentLinks().Lock(ctx, l.ID())
			if err != nil {
				return err
			}
			status = theirs.Status()
			return nil
		})
		second <- result{status, err}
	}()
	select {
	case r := <-second:
		close(release)
		t.Fatalf("the second Lock returned while the first unit of work held the link: %+v", r)
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	require.NoError(t, <-errFirst)
	select {
	case r := <-second:
		require.NoError(t, r.err)
		assert.Equal(t, paymentlink.Paid, r.status, "the second Lock reads what the first committed")
	case <-time.After(10 * time.Second):
		t.Fatal("the second Lock still waits after the first unit of work committed")
	}
}

func TestPaymentLinkRepository_ByCustomer(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewPaymentLinkRepository(db)
	ctx := t.Context()
	a := storeLinkFixture(t, db, "A", 1)
	b := storeLinkFixture(t, db, "B", 1)

	// Stored out of order; two made at the same instant sort by id, the
	// larger first.
	var want []*paymentlink.Link
	for _, minutes := range []int{1, 3, 0, 2} {
		want = append(want, newPaymentLink(t, a.customer, a.invoices, "10", "USD", now.Add(time.Duration(minutes)*time.Minute)))
	}
	tied := newPaymentLink(t, a.customer, a.invoices, "10", "USD", now.Add(3*time.Minute))
	want = append(want, tied)
	for _, l := range want {
		require.NoError(t, repo.Create(ctx, l))
	}
	require.NoError(t, repo.Create(ctx, newPaymentLink(t, b.customer, b.invoices, "10", "USD", now.Add(time.Hour))))
	// newest first: 3 minutes (tied, the later UUIDv7 first), 2, 1, 0.
	order := []uuid.UUID{tied.ID(), want[1].ID(), want[3].ID(), want[0].ID(), want[2].ID()}

	got, err := repo.ByCustomer(ctx, a.customer, 0)
	require.NoError(t, err)
	assert.Equal(t, order, linkIDs(got), "no limit")
	for _, l := range got {
		if l.ID() == want[0].ID() {
			assertPaymentLinkEqual(t, want[0], l)
		}
	}

	got, err = repo.ByCustomer(ctx, a.customer, 2)
	require.NoError(t, err)
	assert.Equal(t, order[:2], linkIDs(got), "limit 2")

	got, err = repo.ByCustomer(ctx, a.customer, 50)
	require.NoError(t, err)
	assert.Len(t, got, len(order), "a limit above the count")

	got, err = repo.ByCustomer(ctx, uuid.New(), 10)
	require.NoError(t, err)
	assert.NotNil(t, got)
	assert.Empty(t, got)
}

func linkIDs(ls []*paymentlink.Link) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(ls))
	for _, l := range ls {
		out = append(out, l.ID())
	}
	return out
}

func TestPaymentLinkRepository_NotFound(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewPaymentLinkRepository(db)
	ctx := t.Context()
	f := storeLinkFixture(t, db, "C-1", 1)
	unstored := newPaymentLink(t, f.customer, f.invoices, "10", "USD", now)

	assertNotFound := func(err error, what string) {
		t.Helper()
		assert.True(t, errors.Is(err, paymentlink.ErrNotFound), "%s: got %v", what, err)
		assert.Equal(t, domain.KindNotFound, domain.KindOf(err), what)
	}
	_, err := repo.Get(ctx, unstored.ID())
	assertNotFound(err, "get")
	_, err = repo.ByToken(ctx, unstored.Token())
	assertNotFound(err, "by token")
	assert.NotContains(t, err.Error(), unstored.Token(), "the token is a secret")
	_, err = repo.ByToken(ctx, "")
	assertNotFound(err, "by empty token")
	err = repo.Save(ctx, unstored)
	assertNotFound(err, "save")
	err = postgres.NewUnitOfWork(db).Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		_, err := tx.PaymentLinks().Lock(ctx, unstored.ID())
		return err
	})
	assertNotFound(err, "lock")
	assert.Equal(t, 0, count(t, db, "SELECT count(*) FROM payment_links"), "Save inserts nothing")
}

func TestPaymentLinkRepository_Conflicts(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewPaymentLinkRepository(db)
	ctx := t.Context()
	f := storeLinkFixture(t, db, "C-1", 1)

	first := newPaymentLink(t, f.customer, f.invoices, "10", "USD", now)
	require.NoError(t, repo.Create(ctx, first))
	err := repo.Create(ctx, first)
	assert.Equal(t, domain.KindConflict, domain.KindOf(err), "the same link twice: got %v", err)

	// Tokens are unique: give the stored link the next one's token.
	second := newPaymentLink(t, f.customer, f.invoices, "20", "USD", now)
	require.NoError(t, db.Exec("UPDATE payment_links SET token = ? WHERE id = ?", second.Token(), first.ID()).Error)
	err = repo.Create(ctx, second)
	assert.Equal(t, domain.KindConflict, domain.KindOf(err), "the same token twice: got %v", err)
	_, err = repo.Get(ctx, second.ID())
	assert.True(t, errors.Is(err, paymentlink.ErrNotFound), "got %v", err)

	// Provider ids are unique once set; many links have none yet.
	third := newPaymentLink(t, f.customer, f.invoices, "30", "USD", now)
	fourth := newPaymentLink(t, f.customer, f.invoices, "40", "USD", now)
	require.NoError(t, repo.Create(ctx, third))
	require.NoError(t, repo.Create(ctx, fourth))
	third.Opened("cs_test_same", "https://checkout.stripe.com/c/pay/cs_test_same", now)
	require.NoError(t, repo.Save(ctx, third))
	fourth.Opened("cs_test_same", "https://checkout.stripe.com/c/pay/cs_test_same", now)
	err = repo.Save(ctx, fourth)
	assert.Equal(t, domain.KindConflict, domain.KindOf(err), "the same provider id twice: got %v", err)
	assert.Equal(t, 1, count(t, db, "SELECT count(*) FROM payment_links WHERE provider_id = 'cs_test_same'"))
}

// TestPaymentLinkRepository_Schema checks that the table refuses what the
// domain never makes, and that a row the domain cannot load is reported,
// not loaded.
func TestPaymentLinkRepository_Schema(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewPaymentLinkRepository(db)
	ctx := t.Context()
	f := storeLinkFixture(t, db, "C-1", 1)
	l := newPaymentLink(t, f.customer, f.invoices, "10", "USD", now)
	require.NoError(t, repo.Create(ctx, l))

	for name, set := range map[string]string{
		"no invoices":    "invoice_ids = '{}'",
		"a NULL invoice": "invoice_ids = ARRAY[NULL]::uuid[]",
		"zero amount":    "amount = 0",
		"unknown status": "status = 'refunded'",
		"empty token":    "token = ''",
	} {
		err := db.Exec("UPDATE payment_links SET "+set+" WHERE id = ?", l.ID()).Error
		assert.Error(t, err, name)
	}

	// A status the domain no longer knows (the check constraint dropped, as
	// a later migration might) does not load.
	require.NoError(t, db.Exec("ALTER TABLE payment_links DROP CONSTRAINT payment_links_status_check").Error)
	require.NoError(t, db.Exec("UPDATE payment_links SET status = 'refunded' WHERE id = ?", l.ID()).Error)
	_, err := repo.Get(ctx, l.ID())
	require.Error(t, err)
	assert.Equal(t, domain.KindInternal, domain.KindOf(err), "corrupt data is not the caller's fault: %v", err)

	// Payments have a refunded amount, none yet.
	p := newPayment(t, f.customer, "10", "USD", "", now)
	require.NoError(t, postgres.NewPaymentRepository(db).Create(ctx, p))
	var refunded decimal.Decimal
	require.NoError(t, db.Raw("SELECT refunded_amount FROM payments WHERE id = ?", p.ID()).Scan(&refunded).Error)
	assert.True(t, refunded.IsZero(), "refunded amount: %s", refunded)
	assert.Error(t, db.Exec("UPDATE payments SET refunded_amount = amount + 1 WHERE id = ?", p.ID()).Error,
		"more refunded than paid")
}
