package application_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/invoice"
)

func acme(t *testing.T) *customer.Customer {
	t.Helper()
	c, err := customer.New(customer.Details{ExternalID: "C-1", Name: "Acme", Phone: "+573001112233"}, now)
	require.NoError(t, err)
	return c
}

func invoiceRecord(ext, total string) application.InvoiceRecord {
	return application.InvoiceRecord{CustomerExternalID: "C-1", Details: invoice.Details{
		ExternalID: ext, Number: "N-" + ext, Currency: "COP", IssueDate: "2026-10-01", DueDate: "2026-10-31", Total: total,
	}}
}

func TestSyncInvoicesReportsEachItemAndSavesOnlyValidOnes(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.transactions(1)
	c := acme(t)
	w.customers.EXPECT().ByExternalIDs(mock.Anything, []string{"C-1", "C-404"}).Return(map[string]*customer.Customer{"C-1": c}, nil)
	w.invoices.EXPECT().ByExternalIDs(mock.Anything, []string{"I-1", "I-2", "I-3"}).Return(map[string]*invoice.Invoice{}, nil)
	w.invoices.EXPECT().Save(mock.Anything, mock.MatchedBy(func(inv *invoice.Invoice) bool {
		return inv.ExternalID() == "I-1" && inv.CustomerID() == c.ID()
	})).Return(nil).Once()

	unknown := invoiceRecord("I-2", "100")
	unknown.CustomerExternalID = "C-404"
	results, err := application.NewSyncInvoices(w.uow, w.clock).Handle(context.Background(),
		[]application.InvoiceRecord{invoiceRecord("I-1", "1500.50"), unknown, invoiceRecord("I-3", "-5")})

	require.NoError(t, err)
	require.Len(t, results, 3)
	assert.Equal(t, application.Created, results[0].Outcome)
	assert.Equal(t, invoice.IDFor("I-1"), results[0].ID)
	assert.Equal(t, application.Failed, results[1].Outcome)
	assert.ErrorIs(t, results[1].Err, application.ErrUnknownCustomer)
	assert.Equal(t, application.Failed, results[2].Outcome)
	assert.Contains(t, results[2].Err.Error(), "total must not be negative")
}

func TestSyncInvoicesWritesNothingForUnchangedRecords(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.transactions(1)
	c := acme(t)
	rec := invoiceRecord("I-1", "1500.50")
	rec.CustomerID = c.ID()
	stored, err := invoice.New(rec.Details, now)
	require.NoError(t, err)
	w.customers.EXPECT().ByExternalIDs(mock.Anything, mock.Anything).Return(map[string]*customer.Customer{"C-1": c}, nil)
	w.invoices.EXPECT().ByExternalIDs(mock.Anything, mock.Anything).Return(map[string]*invoice.Invoice{"I-1": stored}, nil)
	w.invoices.EXPECT().Save(mock.Anything).Return(nil).Once() // nothing to save

	results, err := application.NewSyncInvoices(w.uow, w.clock).Handle(context.Background(), []application.InvoiceRecord{invoiceRecord("I-1", "1500.5")})

	require.NoError(t, err)
	assert.Equal(t, application.Unchanged, results[0].Outcome)
}

func TestSyncInvoicesSameExternalIDTwiceInOneBatch(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.transactions(1)
	w.customers.EXPECT().ByExternalIDs(mock.Anything, mock.Anything).Return(map[string]*customer.Customer{"C-1": acme(t)}, nil)
	w.invoices.EXPECT().ByExternalIDs(mock.Anything, []string{"I-1"}).Return(map[string]*invoice.Invoice{}, nil)
	w.invoices.EXPECT().Save(mock.Anything, mock.MatchedBy(func(inv *invoice.Invoice) bool {
		return inv.Total().StringFixed() == "200.00" // the last version wins, saved once
	})).Return(nil).Once()

	results, err := application.NewSyncInvoices(w.uow, w.clock).Handle(context.Background(),
		[]application.InvoiceRecord{invoiceRecord("I-1", "100"), invoiceRecord("I-1", "200")})

	require.NoError(t, err)
	assert.Equal(t, application.Created, results[0].Outcome)
	assert.Equal(t, application.Created, results[1].Outcome)
}

func TestSyncRefusesEmptyAndOversizedBatches(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, application.MaxBatchSize + 1} {
		w := newWorld(t) // no unit of work may start
		items := make([]customer.Details, n)
		_, err := application.NewSyncCustomers(w.uow, w.clock).Handle(context.Background(), items)
		require.ErrorIs(t, err, application.ErrBatchSize, "n=%d", n)
		assert.Equal(t, domain.KindInvalid, domain.KindOf(err))
	}
}

func TestSyncCustomersRollsBackOnStorageError(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.transactions(1)
	boom := errors.New("connection reset")
	w.customers.EXPECT().ByExternalIDs(mock.Anything, []string{"C-1"}).Return(map[string]*customer.Customer{}, nil)
	w.customers.EXPECT().Save(mock.Anything, mock.Anything).Return(boom)

	_, err := application.NewSyncCustomers(w.uow, w.clock).Handle(context.Background(), []customer.Details{{ExternalID: "C-1", Name: "Acme"}})

	require.ErrorIs(t, err, boom)
}
