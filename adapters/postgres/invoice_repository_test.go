package postgres_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/ports"
)

// saveCustomers stores customers with the given external ids and returns them.
func saveCustomers(t testing.TB, repo *postgres.CustomerRepository, externalIDs ...string) []*customer.Customer {
	t.Helper()
	out := make([]*customer.Customer, 0, len(externalIDs))
	for _, id := range externalIDs {
		out = append(out, newCustomer(t, id))
	}
	require.NoError(t, repo.Save(t.Context(), out...))
	return out
}

func TestInvoiceRepository_SaveAndGet(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	cust := saveCustomers(t, postgres.NewCustomerRepository(db), "C-1")[0]
	repo := postgres.NewInvoiceRepository(db)
	ctx := t.Context()

	paid := "250.50"
	details := invoice.Details{
		ExternalID: "INV-1", CustomerID: cust.ID(), Number: "FV-0001", Currency: "cop",
		IssueDate: "2026-01-31", DueDate: "2026-03-02", Total: "1250000.75", AmountPaid: &paid,
		Description: "Mercancía enero", Metadata: rawJSON(`{"z": [3, 2, 1], "a": {"nested": true, "amount": 10.10}}`),
	}
	inv, err := invoice.New(details, now)
	require.NoError(t, err)
	// A zero-decimal currency and a three-decimal one round-trip exactly too.
	clp := newInvoice(t, invoiceSpec{externalID: "INV-CLP", customer: cust.ID(), currency: "CLP", total: "150000"})
	kwd := newInvoice(t, invoiceSpec{externalID: "INV-KWD", customer: cust.ID(), currency: "KWD", total: "12.345", paid: "0.005"})
	require.NoError(t, repo.Save(ctx, inv, clp, kwd))

	for _, want := range []*invoice.Invoice{inv, clp, kwd} {
		got, err := repo.Get(ctx, want.ID())
		require.NoError(t, err)
		assertInvoiceEqual(t, want, got)
	}

	got, err := repo.Get(ctx, inv.ID())
	require.NoError(t, err)
	changed, err := got.Sync(details, now.Add(time.Hour))
	require.NoError(t, err)
	assert.False(t, changed, "an unchanged record read back from the database must not be a change")
}

func TestInvoiceRepository_SaveUpdates(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	cust := saveCustomers(t, postgres.NewCustomerRepository(db), "C-1")[0]
	repo := postgres.NewInvoiceRepository(db)
	ctx := t.Context()

	inv := newInvoice(t, invoiceSpec{externalID: "INV-1", customer: cust.ID(), dueInDays: -3, total: "100.00"})
	require.NoError(t, repo.Save(ctx, inv))

	stored, err := repo.Get(ctx, inv.ID())
	require.NoError(t, err)
	later := now.Add(2 * time.Hour)
	require.NoError(t, stored.ApplyPayment(money.MustParse("100", "USD"), later))
	require.NoError(t, repo.Save(ctx, stored))

	got, err := repo.Get(ctx, inv.ID())
	require.NoError(t, err)
	assertInvoiceEqual(t, stored, got)
	assert.Equal(t, invoice.Paid, got.Status())
	assert.True(t, got.CreatedAt().Equal(now), "created_at must not change")
	assert.True(t, got.UpdatedAt().Equal(later))

	// An ERP sync changing every field it owns.
	require.NoError(t, repo.Save(ctx), "saving nothing")
	other := saveCustomers(t, postgres.NewCustomerRepository(db), "C-2")[0]
	_, err = got.Sync(invoice.Details{
		ExternalID: "INV-1", CustomerID: other.ID(), Number: "FV-9", Currency: "BRL",
		IssueDate: "2026-02-01", DueDate: "2026-02-28", Total: "80.00", Status: "void",
		Description: "anulada", Metadata: rawJSON(`{"reason":"duplicate"}`),
	}, later.Add(time.Hour))
	require.NoError(t, err)
	require.NoError(t, repo.Save(ctx, got))
	again, err := repo.Get(ctx, inv.ID())
	require.NoError(t, err)
	assertInvoiceEqual(t, got, again)
	assert.Equal(t, 1, count(t, db, "SELECT count(*) FROM invoices"))
}

func TestInvoiceRepository_NotFound(t *testing.T) {
	t.Parallel()
	repo := postgres.NewInvoiceRepository(pgtest.New(t))
	inv, err := repo.Get(t.Context(), uuid.New())
	assert.Nil(t, inv)
	assert.True(t, errors.Is(err, invoice.ErrNotFound), "got %v", err)
}

func TestInvoiceRepository_Lookups(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	cs := saveCustomers(t, postgres.NewCustomerRepository(db), "A", "B")
	a, b := cs[0].ID(), cs[1].ID()
	repo := postgres.NewInvoiceRepository(db)
	ctx := t.Context()

	invs := []*invoice.Invoice{
		newInvoice(t, invoiceSpec{externalID: "A-USD-1", customer: a, dueInDays: -10, total: "10"}),
		newInvoice(t, invoiceSpec{externalID: "A-USD-2", customer: a, dueInDays: 5, total: "20", paid: "5"}),
		newInvoice(t, invoiceSpec{externalID: "A-USD-paid", customer: a, total: "30", status: "paid"}),
		newInvoice(t, invoiceSpec{externalID: "A-USD-void", customer: a, total: "30", status: "void"}),
		newInvoice(t, invoiceSpec{externalID: "A-COP-1", customer: a, currency: "COP", dueInDays: -40, total: "5000"}),
		newInvoice(t, invoiceSpec{externalID: "B-USD-1", customer: b, total: "40"}),
	}
	require.NoError(t, repo.Save(ctx, invs...))
	byExt := map[string]*invoice.Invoice{}
	for _, inv := range invs {
		byExt[inv.ExternalID()] = inv
	}

	t.Run("ByExternalIDs", func(t *testing.T) {
		got, err := repo.ByExternalIDs(ctx, []string{"A-USD-1", "B-USD-1", "missing"})
		require.NoError(t, err)
		require.Len(t, got, 2)
		assertInvoiceEqual(t, byExt["A-USD-1"], got["A-USD-1"])
		assertInvoiceEqual(t, byExt["B-USD-1"], got["B-USD-1"])
	})
	t.Run("LockOpenByCustomer", func(t *testing.T) {
		got, err := repo.LockOpenByCustomer(ctx, a, money.MustCurrency("USD"))
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{"A-USD-1", "A-USD-2"}, invoiceExternalIDs(got))
		assertSortedByID(t, got)
		got, err = repo.LockOpenByCustomer(ctx, a, money.MustCurrency("MXN"))
		require.NoError(t, err)
		assert.Empty(t, got)
	})
	t.Run("LockByIDs", func(t *testing.T) {
		got, err := repo.LockByIDs(ctx, []uuid.UUID{byExt["A-COP-1"].ID(), byExt["A-USD-paid"].ID(), uuid.New()})
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{"A-COP-1", "A-USD-paid"}, invoiceExternalIDs(got))
		assertSortedByID(t, got)
		for _, inv := range got {
			assertInvoiceEqual(t, byExt[inv.ExternalID()], inv)
		}
		none, err := repo.LockByIDs(ctx, nil)
		require.NoError(t, err)
		assert.Empty(t, none)
	})
	t.Run("OpenByCustomer", func(t *testing.T) {
		got, err := repo.OpenByCustomer(ctx, a)
		require.NoError(t, err)
		// Every currency, oldest due first.
		assert.Equal(t, []string{"A-COP-1", "A-USD-1", "A-USD-2"}, invoiceExternalIDs(got))
	})
}

func TestInvoiceRepository_List(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	cs := saveCustomers(t, postgres.NewCustomerRepository(db), "A", "B")
	a, b := cs[0].ID(), cs[1].ID()
	repo := postgres.NewInvoiceRepository(db)
	ctx := t.Context()

	// Days overdue on today: -5 (due in five days), 0 (due today), 1, 30,
	// 31, 60, 61, 90, 91 — every bucket edge.
	invs := []*invoice.Invoice{
		newInvoice(t, invoiceSpec{externalID: "due-in-5", customer: a, dueInDays: 5, total: "100"}),
		newInvoice(t, invoiceSpec{externalID: "due-today", customer: a, dueInDays: 0, total: "100"}),
		newInvoice(t, invoiceSpec{externalID: "late-1", customer: a, dueInDays: -1, total: "100"}),
		newInvoice(t, invoiceSpec{externalID: "late-30", customer: a, dueInDays: -30, total: "100", paid: "40"}),
		newInvoice(t, invoiceSpec{externalID: "late-31", customer: a, dueInDays: -31, total: "100"}),
		newInvoice(t, invoiceSpec{externalID: "late-60", customer: a, dueInDays: -60, total: "100"}),
		newInvoice(t, invoiceSpec{externalID: "late-61", customer: a, dueInDays: -61, total: "100"}),
		newInvoice(t, invoiceSpec{externalID: "late-90", customer: a, dueInDays: -90, total: "100"}),
		newInvoice(t, invoiceSpec{externalID: "late-91", customer: a, dueInDays: -91, total: "100"}),
		newInvoice(t, invoiceSpec{externalID: "paid-late", customer: a, dueInDays: -45, total: "100", status: "paid"}),
		newInvoice(t, invoiceSpec{externalID: "void-late", customer: a, dueInDays: -45, total: "100", status: "void"}),
		newInvoice(t, invoiceSpec{externalID: "uncollectible", customer: a, dueInDays: -200, total: "100", status: "uncollectible"}),
		newInvoice(t, invoiceSpec{externalID: "b-late-5", customer: b, dueInDays: -5, total: "100"}),
	}
	require.NoError(t, repo.Save(ctx, invs...))

	yes, no := true, false
	all := invoiceExternalIDs(invs)
	overdue := []string{"late-1", "late-30", "late-31", "late-60", "late-61", "late-90", "late-91", "b-late-5"}
	tests := []struct {
		name   string
		filter ports.InvoiceFilter
		want   []string
	}{
		{"everything", ports.InvoiceFilter{}, all},
		{"customer", ports.InvoiceFilter{CustomerID: b}, []string{"b-late-5"}},
		{"status", ports.InvoiceFilter{Status: invoice.Void}, []string{"void-late"}},
		{"overdue", ports.InvoiceFilter{Overdue: &yes, Today: today}, overdue},
		{"not overdue", ports.InvoiceFilter{Overdue: &no, Today: today}, without(all, overdue...)},
		{"overdue of a customer", ports.InvoiceFilter{CustomerID: a, Overdue: &yes, Today: today}, without(overdue, "b-late-5")},
		{"due before, inclusive", ports.InvoiceFilter{DueBefore: today.AddDays(-90)}, []string{"late-90", "late-91", "uncollectible"}},
		{"due after, inclusive", ports.InvoiceFilter{DueAfter: today}, []string{"due-in-5", "due-today"}},
		{"due between", ports.InvoiceFilter{DueAfter: today.AddDays(-31), DueBefore: today.AddDays(-30)}, []string{"late-30", "late-31"}},
		{"bucket current", ports.InvoiceFilter{Bucket: invoice.Current, Today: today}, []string{"due-in-5", "due-today"}},
		{"bucket 1-30", ports.InvoiceFilter{Bucket: invoice.Days1To30, Today: today}, []string{"late-1", "late-30", "b-late-5"}},
		{"bucket 31-60", ports.InvoiceFilter{Bucket: invoice.Days31To60, Today: today}, []string{"late-31", "late-60"}},
		{"bucket 61-90", ports.InvoiceFilter{Bucket: invoice.Days61To90, Today: today}, []string{"late-61", "late-90"}},
		{"bucket 90+", ports.InvoiceFilter{Bucket: invoice.DaysOver90, Today: today}, []string{"late-91"}},
		{"bucket and customer", ports.InvoiceFilter{Bucket: invoice.Days1To30, CustomerID: b, Today: today}, []string{"b-late-5"}},
		{"status open and not overdue", ports.InvoiceFilter{Status: invoice.Open, Overdue: &no, Today: today}, []string{"due-in-5", "due-today"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := repo.List(ctx, tt.filter)
			require.NoError(t, err)
			assert.ElementsMatch(t, tt.want, invoiceExternalIDs(got))
			assertSortedByID(t, got)
			// The database agrees with the domain's own rules.
			for _, inv := range got {
				if tt.filter.Bucket != "" {
					assert.Equal(t, tt.filter.Bucket, inv.Bucket(today), inv.ExternalID())
				}
				if tt.filter.Overdue != nil {
					assert.Equal(t, *tt.filter.Overdue, inv.IsOverdue(today), inv.ExternalID())
				}
			}
		})
	}

	t.Run("pages", func(t *testing.T) {
		var seen []string
		after := uuid.Nil
		for range 20 {
			page, err := repo.List(ctx, ports.InvoiceFilter{CustomerID: a, Page: ports.Page{After: after, Limit: 3}})
			require.NoError(t, err)
			require.LessOrEqual(t, len(page), 3)
			if len(page) == 0 {
				break
			}
			assertSortedByID(t, page)
			seen = append(seen, invoiceExternalIDs(page)...)
			after = page[len(page)-1].ID()
		}
		assert.ElementsMatch(t, without(all, "b-late-5"), seen)
	})
	t.Run("Overdue and Bucket need Today", func(t *testing.T) {
		_, err := repo.List(ctx, ports.InvoiceFilter{Overdue: &yes})
		assert.Error(t, err)
		_, err = repo.List(ctx, ports.InvoiceFilter{Bucket: invoice.Current})
		assert.Error(t, err)
	})
	t.Run("unknown bucket", func(t *testing.T) {
		_, err := repo.List(ctx, ports.InvoiceFilter{Bucket: "120+", Today: today})
		assert.True(t, errors.Is(err, invoice.ErrInvalidBucket), "got %v", err)
	})
}

func without(list []string, drop ...string) []string {
	return slices.DeleteFunc(slices.Clone(list), func(s string) bool { return slices.Contains(drop, s) })
}

// BenchmarkInvoiceSave1000 measures saving an HTTP batch of 1,000 invoices:
// new ones (insert) and the same ones again (update).
func BenchmarkInvoiceSave1000(b *testing.B) {
	db := pgtest.New(b)
	cust := saveCustomers(b, postgres.NewCustomerRepository(db), "C-1")[0]
	repo := postgres.NewInvoiceRepository(db)
	ctx := b.Context()
	batch := func(prefix string) []*invoice.Invoice {
		invs := make([]*invoice.Invoice, 1000)
		for i := range invs {
			invs[i] = newInvoice(b, invoiceSpec{
				externalID: fmt.Sprintf("%s-%04d", prefix, i), customer: cust.ID(),
				dueInDays: i%120 - 60, total: fmt.Sprintf("%d.%02d", 100+i, i%100),
			})
		}
		return invs
	}

	b.Run("insert", func(b *testing.B) {
		n := 0
		for b.Loop() {
			b.StopTimer()
			invs := batch(fmt.Sprintf("I%d", n))
			n++
			b.StartTimer()
			if err := repo.Save(ctx, invs...); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("update", func(b *testing.B) {
		invs := batch("U")
		require.NoError(b, repo.Save(ctx, invs...))
		for b.Loop() {
			if err := repo.Save(ctx, invs...); err != nil {
				b.Fatal(err)
			}
		}
	})
}
