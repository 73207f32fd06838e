package postgres

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/ports"
)

// AudienceQueries resolve campaign audiences and recipients' facts in SQL.
type AudienceQueries struct {
	db *gorm.DB
}

var _ ports.AudienceQueries = (*AudienceQueries)(nil)

// NewAudienceQueries returns the queries over db.
func NewAudienceQueries(db *gorm.DB) *AudienceQueries { return &AudienceQueries{db: db} }

// memberChunk is how many members Members hands over at a time.
const memberChunk = 5000

// Members implements ports.AudienceQueries. A segment is one query over
// open invoices grouped by customer, read with a cursor.
func (q *AudienceQueries) Members(ctx context.Context, a campaign.Audience, today date.Date, fn func([]ports.AudienceMember) error) error {
	var sql string
	var args []any
	if len(a.Groups) > 0 {
		sql = `SELECT c.id, c.name, c.phone, c.phone_key, c.whatsapp_opted_out FROM customers c
			WHERE c.id IN (SELECT customer_id FROM group_members WHERE group_id = ANY(?::uuid[])) ORDER BY c.id`
		args = []any{uuidArray(a.Groups)}
	} else {
		sql, args = segmentSQL(a.Criteria, today)
	}
	rows, err := q.db.WithContext(ctx).Raw(sql, args...).Rows()
	if err != nil {
		return fmt.Errorf("audience: %w", err)
	}
	defer rows.Close()
	chunk := make([]ports.AudienceMember, 0, memberChunk)
	for rows.Next() {
		var m ports.AudienceMember
		if err := rows.Scan(&m.CustomerID, &m.Name, &m.Phone, &m.PhoneKey, &m.OptedOut); err != nil {
			return fmt.Errorf("audience: %w", err)
		}
		chunk = append(chunk, m)
		if len(chunk) == memberChunk {
			if err := fn(chunk); err != nil {
				return err
			}
			chunk = make([]ports.AudienceMember, 0, memberChunk)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("audience: %w", err)
	}
	if len(chunk) > 0 {
		return fn(chunk)
	}
	return nil
}

// undisputed keeps invoices i without an open dispute.
const undisputed = "NOT EXISTS (SELECT 1 FROM invoice_disputes d WHERE d.invoice_id = i.id AND d.resolved_at IS NULL)"

// segmentSQL selects the customers matching c on today. Days overdue are
// today minus the due date, both calendar days in the organization's zone.
func segmentSQL(c campaign.Criteria, today date.Date) (string, []any) {
	day := today.String()
	var where []string
	var args []any
	// A disputed invoice is out of collections until it is resolved: it
	// neither puts a customer in a segment nor counts in what they owe.
	invWhere := "i.status = 'open' AND i.total > i.amount_paid AND " + undisputed
	var invArgs []any
	if !c.Currency.IsZero() {
		invWhere += " AND i.currency = ?"
		invArgs = append(invArgs, c.Currency.Code())
	}
	bucket := "false"
	var bucketArgs []any
	if len(c.Buckets) > 0 {
		var ors []string
		for _, b := range c.Buckets {
			lo, hi := b.Range()
			switch {
			case hi < 0:
				ors = append(ors, "(?::date - i.due_date) >= ?")
				bucketArgs = append(bucketArgs, day, lo)
			case lo == -1<<31:
				ors = append(ors, "(?::date - i.due_date) <= ?")
				bucketArgs = append(bucketArgs, day, hi)
			default:
				ors = append(ors, "(?::date - i.due_date) BETWEEN ? AND ?")
				bucketArgs = append(bucketArgs, day, lo, hi)
			}
		}
		bucket = "(" + strings.Join(ors, " OR ") + ")"
	}
	agg := `SELECT i.customer_id,
			max(?::date - i.due_date) AS max_days,
			coalesce(sum(i.total - i.amount_paid) FILTER (WHERE i.due_date < ?::date), 0) AS overdue,
			bool_or(` + bucket + `) AS in_bucket
		FROM invoices i WHERE ` + invWhere + ` GROUP BY i.customer_id`
	aggArgs := append(append([]any{day, day}, bucketArgs...), invArgs...)
	if c.MinDaysOverdue > 0 {
		where = append(where, "a.max_days >= ?")
		args = append(args, c.MinDaysOverdue)
	}
	if c.MinOverdue.IsPositive() {
		where = append(where, "a.overdue >= ?")
		args = append(args, c.MinOverdue.Amount())
	}
	if len(c.Buckets) > 0 {
		where = append(where, "a.in_bucket")
	}
	if len(c.Tags) > 0 {
		where = append(where, "jsonb_exists_any(c.tags, ?::text[])")
		args = append(args, textArray(c.Tags))
	}
	if c.NoPendingPromise {
		where = append(where, "NOT EXISTS (SELECT 1 FROM promises_to_pay p WHERE p.customer_id = c.id AND p.status = 'pending' AND p.promised_date >= ?::date)")
		args = append(args, day)
	}
	// Without ledger criteria every customer with an open balance matches.
	sql := `SELECT c.id, c.name, c.phone, c.phone_key, c.whatsapp_opted_out
		FROM customers c JOIN (` + agg + `) a ON a.customer_id = c.id`
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	return sql + " ORDER BY c.id", append(aggArgs, args...)
}

// Facts implements ports.AudienceQueries: two queries for any number of customers.
func (q *AudienceQueries) Facts(ctx context.Context, customerIDs []uuid.UUID, today date.Date) (map[uuid.UUID]ports.CustomerFacts, error) {
	out := make(map[uuid.UUID]ports.CustomerFacts, len(customerIDs))
	if len(customerIDs) == 0 {
		return out, nil
	}
	db := q.db.WithContext(ctx)
	var customers []struct {
		ID               uuid.UUID
		Name             string
		ExternalID       string
		Language         string
		WhatsappOptedOut bool
	}
	if err := db.Raw(`SELECT id, name, external_id, language, whatsapp_opted_out FROM customers WHERE id = ANY(?::uuid[])`,
		uuidArray(customerIDs)).Scan(&customers).Error; err != nil {
		return nil, fmt.Errorf("recipient facts: %w", err)
	}
	for _, c := range customers {
		out[c.ID] = ports.CustomerFacts{
			Facts:    campaign.Facts{Name: c.Name, ExternalID: c.ExternalID, Language: customer.Language(c.Language), Today: today},
			OptedOut: c.WhatsappOptedOut,
		}
	}
	var lines []struct {
		CustomerID uuid.UUID
		Currency   string
		Balance    decimal.Decimal
		Overdue    decimal.Decimal
		Count      int
		Oldest     *time.Time
		OldestOpen time.Time
		Numbers    string
	}
	err := db.Raw(`
		SELECT i.customer_id, i.currency, sum(i.total - i.amount_paid) AS balance,
			coalesce(sum(i.total - i.amount_paid) FILTER (WHERE i.due_date < ?::date AND `+undisputed+`), 0) AS overdue,
			count(*) FILTER (WHERE i.due_date < ?::date AND `+undisputed+`) AS count,
			min(i.due_date) FILTER (WHERE i.due_date < ?::date AND `+undisputed+`) AS oldest, min(i.due_date) AS oldest_open,
			coalesce(string_agg(i.number, ', ' ORDER BY i.due_date, i.number) FILTER (WHERE i.due_date < ?::date AND `+undisputed+`), '') AS numbers
		FROM invoices i WHERE i.customer_id = ANY(?::uuid[]) AND i.status = 'open' AND i.total > i.amount_paid
		GROUP BY i.customer_id, i.currency`, today.String(), today.String(), today.String(), today.String(), uuidArray(customerIDs)).Scan(&lines).Error
	if err != nil {
		return nil, fmt.Errorf("recipient balances: %w", err)
	}
	for _, l := range lines {
		f, ok := out[l.CustomerID]
		if !ok {
			continue
		}
		bal, err := moneyFrom(l.Balance, l.Currency)
		if err != nil {
			return nil, err
		}
		f.Balance = append(f.Balance, bal)
		if d := date.FromTime(l.OldestOpen); f.OldestOpenDue.IsZero() || d.Before(f.OldestOpenDue) {
			f.OldestOpenDue = d
		}
		if l.Count > 0 {
			over, err := moneyFrom(l.Overdue, l.Currency)
			if err != nil {
				return nil, err
			}
			f.Overdue = append(f.Overdue, over)
			f.OverdueCount += l.Count
			if l.Oldest != nil {
				if d := date.FromTime(*l.Oldest); f.OldestDue.IsZero() || d.Before(f.OldestDue) {
					f.OldestDue = d
				}
			}
			if l.Numbers != "" {
				f.OverdueInvoices = append(f.OverdueInvoices, strings.Split(l.Numbers, ", ")...)
			}
		}
		out[l.CustomerID] = f
	}
	for id, f := range out {
		sortLargest(f.Overdue)
		sortLargest(f.Balance)
		out[id] = f
	}
	return out, nil
}

// sortLargest orders amounts of different currencies largest first by
// amount, then by currency code, so a message names the main debt first.
func sortLargest(ms []money.Money) {
	sort.SliceStable(ms, func(i, j int) bool {
		if c := ms[i].Amount().Cmp(ms[j].Amount()); c != 0 {
			return c > 0
		}
		return ms[i].Currency().Code() < ms[j].Currency().Code()
	})
}
