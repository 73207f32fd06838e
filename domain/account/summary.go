// Package account computes what a customer's account looks like on a given
// day: balance and credit per currency, what is overdue, the aging of the
// open balance and the last payment.
package account

import (
	"cmp"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/payment"
)

// OverdueInvoice is an open invoice past due.
type OverdueInvoice struct {
	InvoiceID   uuid.UUID
	ExternalID  string
	Number      string
	DueDate     date.Date
	DaysOverdue int
	Balance     money.Money
}

// BucketAmount is the open balance in one aging bucket.
type BucketAmount struct {
	Bucket invoice.Bucket
	Amount money.Money
}

// Totals are a customer's figures in one currency.
type Totals struct {
	Currency money.Currency
	Balance  money.Money // open invoice balances
	Overdue  money.Money // the part of Balance past due
	Credit   money.Money // payments not allocated to any invoice
	Aging    []BucketAmount
}

// LastPayment is the most recent payment received.
type LastPayment struct {
	PaymentID  uuid.UUID
	ReceivedAt time.Time
	Amount     money.Money
	Method     payment.Method
}

// Summary is a customer's account on a day.
type Summary struct {
	Totals          []Totals         // one per currency with a balance or credit, by currency code
	OverdueInvoices []OverdueInvoice // oldest due first
	LastPayment     *LastPayment     // nil when none
}

// Summarize computes the summary on today from the customer's invoices, the
// credit left in each currency and the last payment (nil when none).
func Summarize(invoices []*invoice.Invoice, credit []money.Money, last *payment.Payment, today date.Date) Summary {
	byCur := map[money.Currency]*Totals{}
	totals := func(c money.Currency) *Totals {
		t, ok := byCur[c]
		if !ok {
			t = &Totals{Currency: c, Balance: money.Zero(c), Overdue: money.Zero(c), Credit: money.Zero(c)}
			for _, b := range invoice.Buckets {
				t.Aging = append(t.Aging, BucketAmount{Bucket: b, Amount: money.Zero(c)})
			}
			byCur[c] = t
		}
		return t
	}

	var s Summary
	open := slices.Clone(invoices)
	payment.SortOldestFirst(open)
	for _, inv := range open {
		bal := inv.Balance()
		if !bal.IsPositive() {
			continue
		}
		t := totals(inv.Currency())
		t.Balance, _ = t.Balance.Add(bal)
		for i := range t.Aging {
			if t.Aging[i].Bucket == inv.Bucket(today) {
				t.Aging[i].Amount, _ = t.Aging[i].Amount.Add(bal)
			}
		}
		if days := inv.DaysOverdue(today); days > 0 {
			t.Overdue, _ = t.Overdue.Add(bal)
			s.OverdueInvoices = append(s.OverdueInvoices, OverdueInvoice{
				InvoiceID: inv.ID(), ExternalID: inv.ExternalID(), Number: inv.Number(),
				DueDate: inv.DueDate(), DaysOverdue: days, Balance: bal,
			})
		}
	}
	for _, c := range credit {
		if c.IsPositive() {
			t := totals(c.Currency())
			t.Credit, _ = t.Credit.Add(c)
		}
	}
	for _, t := range byCur {
		s.Totals = append(s.Totals, *t)
	}
	slices.SortFunc(s.Totals, func(a, b Totals) int { return cmp.Compare(a.Currency.Code(), b.Currency.Code()) })
	if last != nil {
		s.LastPayment = &LastPayment{PaymentID: last.ID(), ReceivedAt: last.ReceivedAt(), Amount: last.Amount(), Method: last.Method()}
	}
	return s
}
