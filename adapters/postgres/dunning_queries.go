package postgres

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/ports"
)

type dunningReachRow struct {
	CustomerID uuid.UUID  `gorm:"column:customer_id"`
	Offset     int        `gorm:"column:offset_days"`
	KeyDue     *time.Time `gorm:"column:key_due"`
	Disputed   bool       `gorm:"column:disputed"`
	LaterSent  bool       `gorm:"column:later_sent"`
}

// reachedSQL finds, per customer, the latest step whose window holds one of
// their open or paid invoices' due dates, with the oldest due date still
// owing (undisputed) among them: the reminder's key. Invoices are found by
// due date (invoices_due_date_open_paid_idx), one range per step.
const reachedSQL = `
WITH steps AS (
	SELECT s.offset_days, NULLIF(s.campaign_id, '')::uuid AS campaign_id
	FROM unnest(?::integer[], ?::text[]) AS s(offset_days, campaign_id)
), reach AS (
	SELECT s.offset_days, i.customer_id, i.due_date,
		i.status = 'open' AND i.total > i.amount_paid AS owed,
		EXISTS (SELECT 1 FROM invoice_disputes d WHERE d.invoice_id = i.id AND d.resolved_at IS NULL) AS disputed
	FROM steps s
	JOIN invoices i ON i.status IN ('open', 'paid')
		AND i.due_date BETWEEN ?::date - s.offset_days - ?::integer AND ?::date - s.offset_days
), grouped AS (
	SELECT customer_id, offset_days,
		min(due_date) FILTER (WHERE owed AND NOT disputed) AS key_due,
		bool_or(owed AND disputed) AS disputed
	FROM reach GROUP BY customer_id, offset_days
), latest AS (
	SELECT DISTINCT ON (customer_id) customer_id, offset_days, key_due, disputed
	FROM grouped ORDER BY customer_id, key_due IS NOT NULL DESC, offset_days DESC
)
SELECT l.customer_id, l.offset_days, l.key_due, l.disputed AND l.key_due IS NULL AS disputed,
	l.key_due IS NOT NULL AND (
		EXISTS (SELECT 1 FROM campaign_recipients r JOIN steps s2 ON r.campaign_id = s2.campaign_id
			WHERE s2.offset_days > l.offset_days AND r.customer_id = l.customer_id
				AND r.dedupe_key = l.customer_id::text || ':' || to_char(l.key_due, 'YYYY-MM-DD'))
		OR EXISTS (SELECT 1 FROM dunning_escalations e WHERE e.customer_id = l.customer_id AND e.step_offset > l.offset_days
				AND e.key = l.customer_id::text || ':' || to_char(l.key_due, 'YYYY-MM-DD'))
	) AS later_sent
FROM latest l
ORDER BY l.customer_id`

// Reached implements ports.DunningPlanQueries.
func (r *DunningRepository) Reached(ctx context.Context, steps []ports.DunningStepWindow, today date.Date, catchUp int) ([]ports.DunningReach, error) {
	if len(steps) == 0 {
		return nil, nil
	}
	offsets, campaigns := make([]string, len(steps)), make([]string, len(steps))
	for i, s := range steps {
		offsets[i] = strconv.Itoa(s.Offset)
		if s.CampaignID != uuid.Nil {
			campaigns[i] = s.CampaignID.String()
		}
	}
	var rows []dunningReachRow
	err := r.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`SET LOCAL jit = off`).Error; err != nil { // see standings
			return err
		}
		return tx.Raw(reachedSQL, textArray(offsets), textArray(campaigns), today.String(), max(catchUp, 0), today.String()).Scan(&rows).Error
	})
	if err != nil {
		return nil, fmt.Errorf("customers reaching dunning steps: %w", err)
	}
	out := make([]ports.DunningReach, len(rows))
	for i, row := range rows {
		out[i] = ports.DunningReach{CustomerID: row.CustomerID, Offset: row.Offset, Disputed: row.Disputed, LaterSent: row.LaterSent}
		if row.KeyDue != nil {
			out[i].KeyDue = date.FromTime(*row.KeyDue)
		}
	}
	return out, nil
}

type standingRow struct {
	CustomerID  uuid.UUID `gorm:"column:customer_id"`
	Name        string    `gorm:"column:name"`
	Phone       string    `gorm:"column:phone"`
	OptedOut    bool      `gorm:"column:whatsapp_opted_out"`
	Promised    bool      `gorm:"column:promised"`
	AgentActive bool      `gorm:"column:agent_active"`
}

type lastReminderRow struct {
	CustomerID   uuid.UUID  `gorm:"column:customer_id"`
	LastReminder *time.Time `gorm:"column:last_reminder"`
}

type dueRow struct {
	CustomerID uuid.UUID       `gorm:"column:customer_id"`
	Currency   string          `gorm:"column:currency"`
	Disputed   bool            `gorm:"column:disputed"`
	Amount     decimal.Decimal `gorm:"column:amount"`
}

// standingsBatch bounds the customers of one standings query.
const standingsBatch = 5000

// Standings implements ports.DunningPlanQueries.
func (r *DunningRepository) Standings(ctx context.Context, qs []ports.StandingQuery, today date.Date, now time.Time) (map[uuid.UUID]ports.CustomerStanding, error) {
	out := make(map[uuid.UUID]ports.CustomerStanding, len(qs))
	for start := 0; start < len(qs); start += standingsBatch {
		if err := r.standings(ctx, qs[start:min(start+standingsBatch, len(qs))], today, now, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (r *DunningRepository) standings(ctx context.Context, qs []ports.StandingQuery, today date.Date, now time.Time, out map[uuid.UUID]ports.CustomerStanding) error {
	ids, dues := make([]string, len(qs)), make([]string, len(qs))
	for i, q := range qs {
		ids[i], dues[i] = q.CustomerID.String(), q.DueBy.String()
	}
	var rows []standingRow
	var due []dueRow
	var last []lastReminderRow
	err := r.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Compiling these plans (JIT) costs more than running them.
		if err := tx.Exec(`SET LOCAL jit = off`).Error; err != nil {
			return err
		}
		err := tx.Raw(`
			SELECT c.id AS customer_id, c.name, c.phone, c.whatsapp_opted_out,
				EXISTS (SELECT 1 FROM promises_to_pay p WHERE p.customer_id = c.id AND p.status = 'pending' AND p.promised_date >= ?::date) AS promised,
				EXISTS (SELECT 1 FROM conversations cv JOIN messages m ON m.conversation_id = cv.id
					WHERE cv.customer_id = c.id AND cv.assignee_id IS NOT NULL AND m.created_at >= ?
						AND (m.direction = 'in' OR (m.direction = 'out' AND m.author_id IS NOT NULL))) AS agent_active
			FROM customers c WHERE c.id = ANY(?::text[]::uuid[])`,
			today.String(), timestamp(now.Add(-24*time.Hour)), textArray(ids)).Scan(&rows).Error
		if err != nil {
			return fmt.Errorf("dunning standings: %w", err)
		}
		err = tx.Raw(`
			SELECT r.customer_id, max(coalesce(r.sent_at, r.next_attempt_at)) AS last_reminder
			FROM campaign_recipients r
			WHERE r.customer_id = ANY(?::text[]::uuid[]) AND r.status NOT IN ('skipped', 'failed')
				AND r.campaign_id = ANY(ARRAY(SELECT id FROM campaigns WHERE kind = 'dunning'))
			GROUP BY r.customer_id`, textArray(ids)).Scan(&last).Error
		if err != nil {
			return fmt.Errorf("dunning latest reminders: %w", err)
		}
		err = tx.Raw(`
			WITH q AS (SELECT q.customer_id::uuid AS customer_id, q.due_by::date AS due_by FROM unnest(?::text[], ?::text[]) AS q(customer_id, due_by))
			SELECT q.customer_id, i.currency, d.invoice_id IS NOT NULL AS disputed, sum(i.total - i.amount_paid) AS amount
			FROM q JOIN invoices i ON i.customer_id = q.customer_id AND i.status = 'open' AND i.due_date <= q.due_by AND i.total > i.amount_paid
			LEFT JOIN invoice_disputes d ON d.invoice_id = i.id AND d.resolved_at IS NULL
			GROUP BY 1, 2, 3`, textArray(ids), textArray(dues)).Scan(&due).Error
		if err != nil {
			return fmt.Errorf("dunning balances: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	lastOf := make(map[uuid.UUID]time.Time, len(last))
	for _, l := range last {
		if l.LastReminder != nil {
			lastOf[l.CustomerID] = l.LastReminder.UTC()
		}
	}
	for _, row := range rows {
		s := ports.CustomerStanding{Name: row.Name, Phone: row.Phone}
		s.OptedOut, s.HasPhone, s.PromisePending, s.AgentActive = row.OptedOut, row.Phone != "", row.Promised, row.AgentActive
		s.LastReminder = lastOf[row.CustomerID]
		out[row.CustomerID] = s
	}
	sort.Slice(due, func(i, j int) bool { return due[i].Amount.GreaterThan(due[j].Amount) })
	for _, d := range due {
		s, ok := out[d.CustomerID]
		if !ok {
			continue
		}
		if d.Disputed {
			s.Disputed = true
		} else {
			m, err := moneyFrom(d.Amount, d.Currency)
			if err != nil {
				return errCorrupt("invoice balance of customer", d.CustomerID, err)
			}
			s.Due = append(s.Due, m)
		}
		out[d.CustomerID] = s
	}
	return nil
}

type resultRow struct {
	CampaignID uuid.UUID `gorm:"column:campaign_id"`
	Reminders  int       `gorm:"column:reminders"`
	Skipped    int       `gorm:"column:skipped"`
	Pending    int       `gorm:"column:pending"`
	Sent       int       `gorm:"column:sent"`
	Delivered  int       `gorm:"column:delivered"`
	Read       int       `gorm:"column:read"`
	Failed     int       `gorm:"column:failed"`
}

type paidRow struct {
	CampaignID uuid.UUID       `gorm:"column:campaign_id"`
	Currency   string          `gorm:"column:currency"`
	Amount     decimal.Decimal `gorm:"column:amount"`
	Customers  int             `gorm:"column:customers"`
}

// paidSQL finds the payments received within the window after one of a
// step's reminders was sent, each payment once per step.
const paidSQL = `
WITH sent AS (
	SELECT campaign_id, customer_id, sent_at FROM campaign_recipients
	WHERE campaign_id = ANY(?::text[]::uuid[]) AND sent_at IS NOT NULL AND status IN ('sent', 'delivered', 'read')
), paid AS (
	SELECT DISTINCT s.campaign_id, p.id, p.customer_id, p.currency, p.amount - p.refunded_amount AS amount
	FROM sent s JOIN payments p ON p.customer_id = s.customer_id AND p.received_at >= s.sent_at AND p.received_at < s.sent_at + ?::interval
)`

// Results implements ports.DunningResultQueries.
func (r *DunningRepository) Results(ctx context.Context, campaignIDs []uuid.UUID, window time.Duration) (map[uuid.UUID]ports.DunningStepResult, error) {
	out := make(map[uuid.UUID]ports.DunningStepResult, len(campaignIDs))
	if len(campaignIDs) == 0 {
		return out, nil
	}
	var rows []resultRow
	err := r.db.WithContext(ctx).Raw(`SELECT campaign_id, count(*) AS reminders,
			count(*) FILTER (WHERE status = 'skipped') AS skipped,
			count(*) FILTER (WHERE status IN ('pending', 'sending')) AS pending,
			count(*) FILTER (WHERE status IN ('sent', 'delivered', 'read')) AS sent,
			count(*) FILTER (WHERE status IN ('delivered', 'read')) AS delivered,
			count(*) FILTER (WHERE status = 'read') AS read,
			count(*) FILTER (WHERE status = 'failed') AS failed
		FROM campaign_recipients WHERE campaign_id = ANY(?::text[]::uuid[]) GROUP BY campaign_id`, uuidArray(campaignIDs)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("dunning results: %w", err)
	}
	for _, row := range rows {
		out[row.CampaignID] = ports.DunningStepResult{
			Reminders: row.Reminders, Skipped: row.Skipped, Pending: row.Pending, Sent: row.Sent,
			Delivered: row.Delivered, Read: row.Read, Failed: row.Failed,
		}
	}
	interval := fmt.Sprintf("%d seconds", int64(window/time.Second))
	var customers []paidRow
	err = r.db.WithContext(ctx).Raw(paidSQL+` SELECT campaign_id, count(DISTINCT customer_id) AS customers FROM paid GROUP BY campaign_id`,
		uuidArray(campaignIDs), interval).Scan(&customers).Error
	if err != nil {
		return nil, fmt.Errorf("dunning results: %w", err)
	}
	for _, row := range customers {
		res := out[row.CampaignID]
		res.Paid = row.Customers
		out[row.CampaignID] = res
	}
	var sums []paidRow
	err = r.db.WithContext(ctx).Raw(paidSQL+` SELECT campaign_id, currency, sum(amount) AS amount FROM paid
		GROUP BY campaign_id, currency ORDER BY campaign_id, amount DESC`, uuidArray(campaignIDs), interval).Scan(&sums).Error
	if err != nil {
		return nil, fmt.Errorf("dunning results: %w", err)
	}
	for _, row := range sums {
		m, err := moneyFrom(row.Amount, row.Currency)
		if err != nil {
			return nil, err
		}
		if !m.IsPositive() {
			continue
		}
		res := out[row.CampaignID]
		res.Recovered = append(res.Recovered, m)
		out[row.CampaignID] = res
	}
	return out, nil
}
