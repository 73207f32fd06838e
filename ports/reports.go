package ports

import (
	"context"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/account"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/money"
)

// AgingTotals are the open balances of one currency by aging bucket.
type AgingTotals struct {
	Currency money.Currency
	Buckets  []account.BucketAmount // in invoice.Buckets order
	Total    money.Money
	Overdue  money.Money
	Invoices int
}

// Debtor is a customer with an overdue balance in one currency.
type Debtor struct {
	CustomerID        uuid.UUID
	ExternalID        string
	Name              string
	Overdue           money.Money
	Balance           money.Money
	OverdueInvoices   int
	OldestDaysOverdue int
}

// AgingReport is the organization's receivables by aging bucket on a day.
type AgingReport struct {
	AsOf       date.Date
	Totals     []AgingTotals // by currency code
	TopDebtors []Debtor      // by overdue balance, largest first, per currency
}

// ReportQueries answers the reports, straight from the database.
type ReportQueries interface {
	// Aging computes the aging report on today, with up to top debtors per currency.
	Aging(ctx context.Context, today date.Date, top int) (AgingReport, error)
	// Balances returns the open balance per currency of each of the customers.
	Balances(ctx context.Context, customerIDs []uuid.UUID) (map[uuid.UUID][]money.Money, error)
}
