package postgres_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/ports"
)

func TestReportQueries_Aging(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	cs := saveCustomers(t, postgres.NewCustomerRepository(db), "A", "B", "C", "D")
	a, b, c, d := cs[0].ID(), cs[1].ID(), cs[2].ID(), cs[3].ID()
	ctx := t.Context()

	require.NoError(t, postgres.NewInvoiceRepository(db).Save(ctx,
		// A, USD: 100 current, 150 in 1-30 (200 less 50 paid), 300 in 31-60.
		newInvoice(t, invoiceSpec{externalID: "A1", customer: a, dueInDays: 5, total: "100"}),
		newInvoice(t, invoiceSpec{externalID: "A2", customer: a, dueInDays: -10, total: "200", paid: "50"}),
		newInvoice(t, invoiceSpec{externalID: "A3", customer: a, dueInDays: -45, total: "300"}),
		newInvoice(t, invoiceSpec{externalID: "A4", customer: a, dueInDays: -100, total: "999", status: "paid"}),
		newInvoice(t, invoiceSpec{externalID: "A5", customer: a, dueInDays: -100, total: "999", status: "void"}),
		newInvoice(t, invoiceSpec{externalID: "A6", customer: a, dueInDays: -100, total: "999", status: "uncollectible"}),
		// A, COP: 1,000,000.50 in 90+.
		newInvoice(t, invoiceSpec{externalID: "A7", customer: a, currency: "COP", dueInDays: -95, total: "1000000.50"}),
		// B, USD: 400 in 61-90, 50 in 90+: as overdue as A (450) but older.
		newInvoice(t, invoiceSpec{externalID: "B1", customer: b, dueInDays: -75, total: "400"}),
		newInvoice(t, invoiceSpec{externalID: "B2", customer: b, dueInDays: -120, total: "50"}),
		// C, USD: 150 one day late; COP: 200 due today (current).
		newInvoice(t, invoiceSpec{externalID: "C1", customer: c, dueInDays: -1, total: "150"}),
		newInvoice(t, invoiceSpec{externalID: "C2", customer: c, currency: "COP", dueInDays: 0, total: "200"}),
		// D, USD: nothing overdue, so not a debtor.
		newInvoice(t, invoiceSpec{externalID: "D1", customer: d, dueInDays: 30, total: "500"}),
	))

	report, err := postgres.NewReportQueries(db).Aging(ctx, today, 2)
	require.NoError(t, err)
	assert.True(t, report.AsOf.Equal(today))

	type totals struct {
		buckets        map[invoice.Bucket]string
		total, overdue string
		invoices       int
	}
	want := map[string]totals{
		"COP": {
			buckets: map[invoice.Bucket]string{invoice.Current: "200", invoice.DaysOver90: "1000000.50"},
			total:   "1000200.50", overdue: "1000000.50", invoices: 2,
		},
		"USD": {
			buckets: map[invoice.Bucket]string{
				invoice.Current: "600", invoice.Days1To30: "300", invoice.Days31To60: "300",
				invoice.Days61To90: "400", invoice.DaysOver90: "50",
			},
			total: "1650", overdue: "1050", invoices: 7,
		},
	}
	require.Len(t, report.Totals, 2)
	assert.Equal(t, "COP", report.Totals[0].Currency.Code(), "totals are by currency code")
	for _, got := range report.Totals {
		cur := got.Currency.Code()
		w := want[cur]
		require.Len(t, got.Buckets, len(invoice.Buckets), cur)
		for i, b := range got.Buckets {
			assert.Equal(t, invoice.Buckets[i], b.Bucket, "%s buckets in order", cur)
			amount := w.buckets[b.Bucket]
			if amount == "" {
				amount = "0"
			}
			assertMoney(t, money.MustParse(amount, cur), b.Amount, cur+" "+string(b.Bucket))
		}
		assertMoney(t, money.MustParse(w.total, cur), got.Total, cur+" total")
		assertMoney(t, money.MustParse(w.overdue, cur), got.Overdue, cur+" overdue")
		assert.Equal(t, w.invoices, got.Invoices, cur+" invoices")
	}

	// Per currency, by overdue balance; B and A tie on 450 USD and the
	// older debt comes first; C (150) is cut by top=2.
	debtor := func(id, cur, overdue, balance string, invoices, oldest int) ports.Debtor {
		return ports.Debtor{
			ExternalID: id, Name: "Customer " + id,
			Overdue: money.MustParse(overdue, cur), Balance: money.MustParse(balance, cur),
			OverdueInvoices: invoices, OldestDaysOverdue: oldest,
		}
	}
	wantDebtors := []ports.Debtor{
		debtor("A", "COP", "1000000.50", "1000000.50", 1, 95),
		debtor("B", "USD", "450", "450", 2, 120),
		debtor("A", "USD", "450", "550", 2, 45),
	}
	require.Len(t, report.TopDebtors, len(wantDebtors))
	ids := map[string]ports.Debtor{}
	for _, c := range cs {
		ids[c.ExternalID()] = ports.Debtor{CustomerID: c.ID()}
	}
	for i, w := range wantDebtors {
		got := report.TopDebtors[i]
		assert.Equal(t, ids[w.ExternalID].CustomerID, got.CustomerID, "debtor %d", i)
		assert.Equal(t, w.ExternalID, got.ExternalID, "debtor %d", i)
		assert.Equal(t, w.Name, got.Name, "debtor %d", i)
		assertMoney(t, w.Overdue, got.Overdue, "debtor overdue")
		assertMoney(t, w.Balance, got.Balance, "debtor balance")
		assert.Equal(t, w.OverdueInvoices, got.OverdueInvoices, "debtor %d overdue invoices", i)
		assert.Equal(t, w.OldestDaysOverdue, got.OldestDaysOverdue, "debtor %d oldest days overdue", i)
	}

	// More room lets C in; none leaves the totals alone.
	report, err = postgres.NewReportQueries(db).Aging(ctx, today, 10)
	require.NoError(t, err)
	assert.Len(t, report.TopDebtors, 4)
	report, err = postgres.NewReportQueries(db).Aging(ctx, today, 0)
	require.NoError(t, err)
	assert.Empty(t, report.TopDebtors)
	assert.Len(t, report.Totals, 2)

	// A later day ages everything: on today+30, A1 (due today+5) is 25 days late.
	later, err := postgres.NewReportQueries(db).Aging(ctx, today.AddDays(30), 0)
	require.NoError(t, err)
	assertMoney(t, money.MustParse("100", "USD"), later.Totals[1].Buckets[1].Amount, "A1 after 30 days")
}

func TestReportQueries_AgingEmpty(t *testing.T) {
	t.Parallel()
	report, err := postgres.NewReportQueries(pgtest.New(t)).Aging(t.Context(), today, 5)
	require.NoError(t, err)
	assert.Empty(t, report.Totals)
	assert.Empty(t, report.TopDebtors)
}
