package postgres

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/domain/account"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/ports"
)

// ReportQueries answers reports with SQL aggregates, without loading
// aggregates.
type ReportQueries struct {
	db *gorm.DB
}

var _ ports.ReportQueries = (*ReportQueries)(nil)

// NewReportQueries returns ReportQueries over db.
func NewReportQueries(db *gorm.DB) *ReportQueries {
	return &ReportQueries{db: db}
}

// agingQuery sums the open balances by currency and aging bucket. The
// buckets are invoice.BucketFor's: days overdue = today - due date. The one
// parameter is today.
const agingQuery = `
SELECT currency,
	CASE WHEN days <= 0 THEN 'current' WHEN days <= 30 THEN '1-30' WHEN days <= 60 THEN '31-60'
		WHEN days <= 90 THEN '61-90' ELSE '90+' END AS bucket,
	sum(balance) AS amount,
	count(*) AS invoices
FROM (
	SELECT i.currency, i.total - i.amount_paid AS balance, p.today - i.due_date AS days
	FROM invoices i, (SELECT ?::date AS today) p
	WHERE i.status = 'open' AND i.total > i.amount_paid
) open_invoices
GROUP BY 1, 2`

// debtorsQuery ranks, per currency, the customers by overdue balance (the
// older debt first on a tie) and keeps the first few of each. The
// parameters are today and how many to keep.
const debtorsQuery = `
WITH per_customer AS (
	SELECT i.customer_id, i.currency,
		sum(i.total - i.amount_paid) AS balance,
		coalesce(sum(i.total - i.amount_paid) FILTER (WHERE i.due_date < p.today), 0) AS overdue,
		count(*) FILTER (WHERE i.due_date < p.today) AS overdue_invoices,
		coalesce(max(p.today - i.due_date) FILTER (WHERE i.due_date < p.today), 0) AS oldest_days_overdue
	FROM invoices i, (SELECT ?::date AS today) p
	WHERE i.status = 'open' AND i.total > i.amount_paid
	GROUP BY i.customer_id, i.currency
), ranked AS (
	SELECT *, row_number() OVER (PARTITION BY currency
		ORDER BY overdue DESC, oldest_days_overdue DESC, customer_id) AS rank
	FROM per_customer
	WHERE overdue > 0
)
SELECT r.customer_id, c.external_id, c.name, r.currency, r.balance, r.overdue,
	r.overdue_invoices, r.oldest_days_overdue
FROM ranked r
JOIN customers c ON c.id = r.customer_id
WHERE r.rank <= ?
ORDER BY r.currency, r.rank`

// Aging computes the organization's receivables by aging bucket on today,
// per currency, and the top debtors of each currency by overdue balance.
func (q *ReportQueries) Aging(ctx context.Context, today date.Date, top int) (ports.AgingReport, error) {
	report := ports.AgingReport{AsOf: today, Totals: []ports.AgingTotals{}, TopDebtors: []ports.Debtor{}}
	db := q.db.WithContext(ctx)
	day := today.String()

	var buckets []struct {
		Currency string
		Bucket   string
		Amount   decimal.Decimal
		Invoices int
	}
	if err := db.Raw(agingQuery, day).Scan(&buckets).Error; err != nil {
		return ports.AgingReport{}, fmt.Errorf("aging report: %w", err)
	}
	byCurrency := map[string]*ports.AgingTotals{}
	for _, b := range buckets {
		t, ok := byCurrency[b.Currency]
		if !ok {
			cur, err := money.ParseCurrency(b.Currency)
			if err != nil {
				return ports.AgingReport{}, errReport(err)
			}
			t = &ports.AgingTotals{Currency: cur, Total: money.Zero(cur), Overdue: money.Zero(cur)}
			for _, name := range invoice.Buckets {
				t.Buckets = append(t.Buckets, account.BucketAmount{Bucket: name, Amount: money.Zero(cur)})
			}
			byCurrency[b.Currency] = t
		}
		amount, err := moneyFrom(b.Amount, b.Currency)
		if err != nil {
			return ports.AgingReport{}, errReport(err)
		}
		bucket, err := invoice.ParseBucket(b.Bucket)
		if err != nil {
			return ports.AgingReport{}, errReport(err)
		}
		for i := range t.Buckets {
			if t.Buckets[i].Bucket == bucket {
				t.Buckets[i].Amount, _ = t.Buckets[i].Amount.Add(amount)
			}
		}
		t.Total, _ = t.Total.Add(amount)
		if bucket != invoice.Current {
			t.Overdue, _ = t.Overdue.Add(amount)
		}
		t.Invoices += b.Invoices
	}
	for _, t := range byCurrency {
		report.Totals = append(report.Totals, *t)
	}
	slices.SortFunc(report.Totals, func(a, b ports.AgingTotals) int {
		return cmp.Compare(a.Currency.Code(), b.Currency.Code())
	})

	if top <= 0 {
		return report, nil
	}
	var debtors []struct {
		CustomerID        uuid.UUID
		ExternalID        string
		Name              string
		Currency          string
		Balance           decimal.Decimal
		Overdue           decimal.Decimal
		OverdueInvoices   int
		OldestDaysOverdue int
	}
	if err := db.Raw(debtorsQuery, day, top).Scan(&debtors).Error; err != nil {
		return ports.AgingReport{}, fmt.Errorf("aging report top debtors: %w", err)
	}
	for _, d := range debtors {
		balance, err := moneyFrom(d.Balance, d.Currency)
		if err != nil {
			return ports.AgingReport{}, errCorrupt("balance of customer", d.CustomerID, err)
		}
		overdue, err := moneyFrom(d.Overdue, d.Currency)
		if err != nil {
			return ports.AgingReport{}, errCorrupt("balance of customer", d.CustomerID, err)
		}
		report.TopDebtors = append(report.TopDebtors, ports.Debtor{
			CustomerID: d.CustomerID, ExternalID: d.ExternalID, Name: d.Name,
			Overdue: overdue, Balance: balance,
			OverdueInvoices: d.OverdueInvoices, OldestDaysOverdue: d.OldestDaysOverdue,
		})
	}
	return report, nil
}

// errReport reports stored figures that do not make money (an unknown
// currency, an amount finer than its minor unit): a fault of the data, so
// the domain error is flattened rather than wrapped (see errCorrupt).
func errReport(cause error) error {
	return fmt.Errorf("postgres: aging report: stored invoices do not load: %s", cause.Error())
}

// Balances implements ports.ReportQueries.
func (q *ReportQueries) Balances(ctx context.Context, customerIDs []uuid.UUID) (map[uuid.UUID][]money.Money, error) {
	out := make(map[uuid.UUID][]money.Money, len(customerIDs))
	if len(customerIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		CustomerID uuid.UUID
		Currency   string
		Balance    decimal.Decimal
	}
	err := q.db.WithContext(ctx).Raw(`SELECT customer_id, currency, sum(total - amount_paid) AS balance
		FROM invoices WHERE status = 'open' AND customer_id = ANY(?::text[]::uuid[]) AND total > amount_paid
		GROUP BY customer_id, currency ORDER BY customer_id, currency`, uuidArray(customerIDs)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("customer balances: %w", err)
	}
	for _, r := range rows {
		m, err := moneyFrom(r.Balance, r.Currency)
		if err != nil {
			return nil, err
		}
		out[r.CustomerID] = append(out[r.CustomerID], m)
	}
	return out, nil
}
