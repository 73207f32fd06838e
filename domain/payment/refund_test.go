package payment_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/payment"
)

func TestRefundTakesCreditFirstThenTheLatestAllocations(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	cust := uuid.New()
	mk := func(ext, due, total string) *invoice.Invoice {
		inv, err := invoice.New(invoice.Details{
			ExternalID: ext, CustomerID: cust, Number: ext, Currency: "USD",
			IssueDate: "2026-01-01", DueDate: due, Total: total,
		}, at)
		require.NoError(t, err)
		return inv
	}
	older, newer := mk("A", "2026-02-01", "100"), mk("B", "2026-03-01", "100")
	p, err := payment.New(uuid.New(), payment.Details{
		CustomerID: cust, Amount: money.MustParse("230", "USD"), Method: payment.Stripe,
		ProviderReference: "pi_1", ReceivedAt: at,
	}, at)
	require.NoError(t, err)
	_, err = p.AllocateOldestFirst([]*invoice.Invoice{older, newer}, at)
	require.NoError(t, err)
	require.Equal(t, "30.00", p.Unallocated().StringFixed())
	byID := map[uuid.UUID]*invoice.Invoice{older.ID(): older, newer.ID(): newer}

	// 20 refunded: all from the credit.
	changed, err := p.RefundTo(money.MustParse("20", "USD"), byID, at)
	require.NoError(t, err)
	assert.Empty(t, changed)
	assert.Equal(t, "10.00", p.Unallocated().StringFixed())
	assert.Equal(t, invoice.Paid, newer.Status())

	// The same total again (a redelivered event): nothing.
	changed, err = p.RefundTo(money.MustParse("20", "USD"), byID, at)
	require.NoError(t, err)
	assert.Empty(t, changed)

	// Up to 70: the other 10 of credit, then 40 from the latest invoice.
	changed, err = p.RefundTo(money.MustParse("70", "USD"), byID, at)
	require.NoError(t, err)
	assert.Equal(t, []*invoice.Invoice{newer}, changed)
	assert.Equal(t, "0.00", p.Unallocated().StringFixed())
	assert.Equal(t, invoice.Open, newer.Status(), "it owes again")
	assert.Equal(t, "40.00", newer.Balance().StringFixed())
	assert.Equal(t, invoice.Paid, older.Status())

	// All of it back: both invoices owe everything, no allocation is left.
	changed, err = p.RefundTo(money.MustParse("230", "USD"), byID, at)
	require.NoError(t, err)
	assert.Len(t, changed, 2)
	assert.Equal(t, "100.00", older.Balance().StringFixed())
	assert.Equal(t, "100.00", newer.Balance().StringFixed())
	assert.Empty(t, p.Allocations())
	assert.Equal(t, "230.00", p.Refunded().StringFixed())

	_, err = p.RefundTo(money.MustParse("231", "USD"), byID, at)
	assert.ErrorIs(t, err, payment.ErrRefundTooLarge)
	_, err = p.RefundTo(money.MustParse("231", "COP"), byID, at)
	assert.Error(t, err, "another currency")
}
