package application_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/payment"
)

func openInvoice(t *testing.T, c *customer.Customer, ext, due, total string) *invoice.Invoice {
	t.Helper()
	inv, err := invoice.New(invoice.Details{
		ExternalID: ext, CustomerID: c.ID(), Number: ext, Currency: "COP",
		IssueDate: "2026-01-01", DueDate: due, Total: total,
	}, now)
	require.NoError(t, err)
	return inv
}

func paymentCmd(c *customer.Customer, amount, ref string) application.RecordPaymentCommand {
	return application.RecordPaymentCommand{
		CustomerID: c.ID(), Amount: money.MustParse(amount, "COP"),
		Method: payment.Transfer, ProviderReference: ref, ReceivedAt: now.Add(-time.Hour),
	}
}

func TestRecordPaymentSettlesOldestInvoicesFirstAndKeepsCredit(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.transactions(1)
	c := acme(t)
	newer := openInvoice(t, c, "I-2", "2026-10-15", "300")
	older := openInvoice(t, c, "I-1", "2026-09-15", "200")
	w.customers.EXPECT().Get(mock.Anything, c.ID()).Return(c, nil)
	w.payments.EXPECT().GetByReference(mock.Anything, "BANK-1").Return(nil, payment.ErrNotFound.New("BANK-1"))
	w.invoices.EXPECT().LockOpenByCustomer(mock.Anything, c.ID(), money.MustCurrency("COP")).Return([]*invoice.Invoice{newer, older}, nil)
	var created *payment.Payment
	w.payments.EXPECT().Create(mock.Anything, mock.Anything).RunAndReturn(func(_ context.Context, p *payment.Payment) error {
		created = p
		return nil
	})
	w.invoices.EXPECT().Save(mock.Anything, older, newer).Return(nil)

	res, err := application.NewRecordPayment(w.uow, w.customers, w.clock).Handle(context.Background(), paymentCmd(c, "600", "BANK-1"))

	require.NoError(t, err)
	assert.True(t, res.Created)
	assert.Same(t, created, res.Payment)
	assert.Equal(t, invoice.Paid, older.Status())
	assert.Equal(t, invoice.Paid, newer.Status())
	assert.Equal(t, "100.00", res.Payment.Unallocated().StringFixed(), "the excess stays as credit")
}

func TestRecordPaymentWithKnownReferenceRecordsNothingNew(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.transactions(1)
	c := acme(t)
	cmd := paymentCmd(c, "600", "BANK-1")
	stored, err := payment.New(uuid.New(), payment.Details{
		CustomerID: c.ID(), Amount: cmd.Amount, Method: cmd.Method,
		ProviderReference: "BANK-1", ReceivedAt: cmd.ReceivedAt,
	}, now)
	require.NoError(t, err)
	w.customers.EXPECT().Get(mock.Anything, c.ID()).Return(c, nil)
	w.payments.EXPECT().GetByReference(mock.Anything, "BANK-1").Return(stored, nil)
	// No invoice is locked, no payment created: the mocks fail on any other call.

	res, err := application.NewRecordPayment(w.uow, w.customers, w.clock).Handle(context.Background(), cmd)

	require.NoError(t, err)
	assert.False(t, res.Created)
	assert.Equal(t, stored.ID(), res.Payment.ID())
}

func TestRecordPaymentWithReferenceOfAnotherPaymentConflicts(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.transactions(1)
	c := acme(t)
	stored, err := payment.New(uuid.New(), payment.Details{
		CustomerID: c.ID(), Amount: money.MustParse("999", "COP"),
		Method: payment.Transfer, ProviderReference: "BANK-1", ReceivedAt: now,
	}, now)
	require.NoError(t, err)
	w.customers.EXPECT().Get(mock.Anything, c.ID()).Return(c, nil)
	w.payments.EXPECT().GetByReference(mock.Anything, "BANK-1").Return(stored, nil)

	_, err = application.NewRecordPayment(w.uow, w.customers, w.clock).Handle(context.Background(), paymentCmd(c, "600", "BANK-1"))

	require.ErrorIs(t, err, payment.ErrReferenceConflict)
}

func TestRecordPaymentLosingARaceAnswersTheWinner(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.transactions(2)
	c := acme(t)
	cmd := paymentCmd(c, "600", "BANK-1")
	winner, err := payment.New(uuid.New(), payment.Details{
		CustomerID: c.ID(), Amount: cmd.Amount, Method: cmd.Method,
		ProviderReference: "BANK-1", ReceivedAt: cmd.ReceivedAt,
	}, now)
	require.NoError(t, err)
	w.customers.EXPECT().Get(mock.Anything, c.ID()).Return(c, nil)
	w.payments.EXPECT().GetByReference(mock.Anything, "BANK-1").Return(nil, payment.ErrNotFound.New("BANK-1")).Once()
	w.invoices.EXPECT().LockOpenByCustomer(mock.Anything, c.ID(), mock.Anything).Return(nil, nil)
	w.payments.EXPECT().Create(mock.Anything, mock.Anything).Return(payment.ErrDuplicateReference.New("BANK-1"))
	w.payments.EXPECT().GetByReference(mock.Anything, "BANK-1").Return(winner, nil).Once()

	res, err := application.NewRecordPayment(w.uow, w.customers, w.clock).Handle(context.Background(), cmd)

	require.NoError(t, err)
	assert.False(t, res.Created)
	assert.Equal(t, winner.ID(), res.Payment.ID())
}

func TestRecordPaymentExplicitAllocationsReportEveryProblem(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.transactions(1)
	c := acme(t)
	inv := openInvoice(t, c, "I-1", "2026-09-15", "200")
	w.customers.EXPECT().Get(mock.Anything, c.ID()).Return(c, nil)
	w.invoices.EXPECT().LockByIDs(mock.Anything, []uuid.UUID{invoice.IDFor("I-1"), invoice.IDFor("I-404")}).Return([]*invoice.Invoice{inv}, nil)
	cmd := paymentCmd(c, "600", "")
	cmd.Allocations = []application.AllocationRequest{
		{InvoiceExternalID: "I-1", Amount: money.MustParse("250", "COP")}, // more than its balance
		{InvoiceExternalID: "I-404", Amount: money.MustParse("10", "COP")},
	}

	_, err := application.NewRecordPayment(w.uow, w.customers, w.clock).Handle(context.Background(), cmd)

	require.Error(t, err)
	assert.Contains(t, err.Error(), "allocations[0]")
	assert.Contains(t, err.Error(), "exceeds the balance")
	assert.Contains(t, err.Error(), "allocations[1]: invoice I-404 does not exist")
}
