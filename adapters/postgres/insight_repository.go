package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/insight"
	"github.com/saldocrm/saldo/ports"
)

// InsightRepository stores the analyses of conversations in the insights
// table, every one kept: the newest is a conversation's current insight.
type InsightRepository struct {
	db *gorm.DB
}

var _ ports.InsightRepository = (*InsightRepository)(nil)

// NewInsightRepository returns an InsightRepository over db (a connection
// pool or a transaction).
func NewInsightRepository(db *gorm.DB) *InsightRepository {
	return &InsightRepository{db: db}
}

// Review list sizes: when the filter gives none, and at most.
const (
	defaultReviewLimit = 100
	maxReviewLimit     = 500
)

type insightRow struct {
	ID              uuid.UUID        `gorm:"column:id;primaryKey"`
	ConversationID  uuid.UUID        `gorm:"column:conversation_id"`
	CustomerID      *uuid.UUID       `gorm:"column:customer_id"` // NULL when the conversation was not linked
	Summary         string           `gorm:"column:summary"`
	Sentiment       string           `gorm:"column:sentiment"`
	Topics          string           `gorm:"column:topics;type:text[];->"` // read only, in PostgreSQL's text form {…}; Add binds a text[]
	Tags            string           `gorm:"column:tags;type:text[];->"`   // likewise
	NextAction      string           `gorm:"column:next_action"`
	NextActionText  string           `gorm:"column:next_action_text"`
	PromiseAmount   *decimal.Decimal `gorm:"column:promise_amount;type:numeric(20,4)"` // NULL: no promise, or none said
	PromiseCurrency *string          `gorm:"column:promise_currency;type:char(3)"`     // NULL with the amount
	PromiseDate     *time.Time       `gorm:"column:promise_date;type:date"`            // NULL: no promise
	Model           string           `gorm:"column:model"`
	InputTokens     int              `gorm:"column:input_tokens"`
	OutputTokens    int              `gorm:"column:output_tokens"`
	CreatedAt       time.Time        `gorm:"column:created_at;autoCreateTime:false"`
}

func (insightRow) TableName() string { return "insights" }

func (r insightRow) toDomain() (*insight.Insight, error) {
	sentiment, err := insight.ParseSentiment(r.Sentiment)
	if err != nil {
		return nil, errCorrupt("insight", r.ID, err)
	}
	action, err := insight.ParseAction(r.NextAction)
	if err != nil {
		return nil, errCorrupt("insight", r.ID, err)
	}
	names, err := parseTextArray(r.Topics)
	if err != nil {
		return nil, errCorrupt("insight", r.ID, err)
	}
	topics := make([]insight.Topic, len(names))
	for i, name := range names {
		if topics[i], err = insight.ParseTopic(name); err != nil {
			return nil, errCorrupt("insight", r.ID, err)
		}
	}
	tags, err := parseTextArray(r.Tags)
	if err != nil {
		return nil, errCorrupt("insight", r.ID, err)
	}
	var promise *insight.Promise
	if r.PromiseDate != nil {
		promise = &insight.Promise{Date: date.FromTime(*r.PromiseDate)}
		if r.PromiseAmount != nil {
			if promise.Amount, err = moneyFrom(*r.PromiseAmount, stringOf(r.PromiseCurrency)); err != nil {
				return nil, errCorrupt("insight", r.ID, err)
			}
		}
	}
	return &insight.Insight{
		ID: r.ID, ConversationID: r.ConversationID, CustomerID: uuidOf(r.CustomerID),
		Analysis: insight.Analysis{
			Summary: r.Summary, Sentiment: sentiment, Topics: topics, Tags: tags,
			NextAction: action, NextActionText: r.NextActionText, Promise: promise,
			Model: r.Model, InputTokens: r.InputTokens, OutputTokens: r.OutputTokens,
		},
		CreatedAt: r.CreatedAt.UTC(),
	}, nil
}

// parseTextArray reads a text[] column. database/sql gets arrays from pgx
// in PostgreSQL's text form: "{a,b}", where an element that is empty, holds
// a space, a comma, a brace, a quote or a backslash, or reads NULL, comes
// in double quotes with its quotes and backslashes escaped by a backslash:
// {plain,"two words","say \"hi\"",""}. The columns hold no NULL element
// and one dimension, so anything else is refused.
func parseTextArray(s string) ([]string, error) {
	inner, ok := strings.CutPrefix(s, "{")
	if ok {
		inner, ok = strings.CutSuffix(inner, "}")
	}
	if !ok {
		return nil, fmt.Errorf("not a text array: %q", s)
	}
	out := []string{}
	if inner == "" {
		return out, nil
	}
	for i := 0; ; {
		var el string
		if inner[i] == '"' {
			var b strings.Builder
			for i++; ; i++ {
				if i == len(inner) {
					return nil, fmt.Errorf("text array element %d: no closing quote in %q", len(out)+1, s)
				}
				c := inner[i]
				if c == '"' {
					i++
					break
				}
				if c == '\\' {
					if i++; i == len(inner) {
						return nil, fmt.Errorf("text array element %d: ends with a backslash in %q", len(out)+1, s)
					}
					c = inner[i]
				}
				b.WriteByte(c)
			}
			el = b.String()
		} else {
			end := strings.IndexByte(inner[i:], ',')
			if end < 0 {
				end = len(inner) - i
			}
			el = inner[i : i+end]
			i += end
			// PostgreSQL quotes all of these; unquoted, they are a NULL, a
			// nested array or a malformed value.
			if el == "" || strings.EqualFold(el, "NULL") || strings.ContainsAny(el, "{}\"\\") {
				return nil, fmt.Errorf("text array element %d: unexpected %q in %q", len(out)+1, el, s)
			}
		}
		out = append(out, el)
		if i == len(inner) {
			return out, nil
		}
		if inner[i] != ',' {
			return nil, fmt.Errorf("text array element %d: want a comma after it in %q", len(out), s)
		}
		i++
		if i == len(inner) {
			return nil, fmt.Errorf("text array: ends with a comma: %q", s)
		}
	}
}

// insightInsert stores an insight; topics and tags travel as text[]
// parameters (see textArray).
const insightInsert = `
INSERT INTO insights (id, conversation_id, customer_id, summary, sentiment, topics, tags, next_action,
	next_action_text, promise_amount, promise_currency, promise_date, model, input_tokens, output_tokens, created_at)
VALUES (?, ?, ?, ?, ?, ?::text[], ?::text[], ?, ?, ?::numeric, ?, ?::date, ?, ?, ?, ?)`

// Add stores a new insight. An insight already stored is a conflict; one of
// a conversation or customer that is not stored is not found.
func (r *InsightRepository) Add(ctx context.Context, in *insight.Insight) error {
	topics := make([]string, len(in.Topics))
	for i, t := range in.Topics {
		topics[i] = string(t)
	}
	var promiseAmount, promiseCurrency, promiseDate *string
	if p := in.Promise; p != nil {
		promiseDate = nullString(p.Date.String())
		// A promise without an amount has the zero Money, of no currency.
		if c := p.Amount.Currency(); !c.IsZero() {
			promiseAmount, promiseCurrency = nullString(p.Amount.Amount().String()), nullString(c.Code())
		}
	}
	err := r.db.WithContext(ctx).Exec(insightInsert, in.ID, in.ConversationID, nullUUID(in.CustomerID),
		in.Summary, string(in.Sentiment), textArray(topics), textArray(in.Tags), string(in.NextAction),
		in.NextActionText, promiseAmount, promiseCurrency, promiseDate, in.Model, in.InputTokens, in.OutputTokens,
		timestamp(in.CreatedAt)).Error
	switch {
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return domain.ErrConflict.New(fmt.Sprintf("insight %s is already stored", in.ID))
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		what := "conversation " + in.ConversationID.String()
		if in.CustomerID != uuid.Nil {
			what += " or customer " + in.CustomerID.String()
		}
		return domain.ErrNotFound.New(what)
	case err != nil:
		return fmt.Errorf("add insight of conversation %s: %w", in.ConversationID, err)
	}
	return nil
}

// newestFirst orders a conversation's insights; two made at the same
// instant sort by id, the larger (the later UUIDv7) first.
const newestFirst = "created_at DESC, id DESC"

// Latest returns the conversation's newest insight, or insight.ErrNotFound.
func (r *InsightRepository) Latest(ctx context.Context, conversationID uuid.UUID) (*insight.Insight, error) {
	var row insightRow
	err := r.db.WithContext(ctx).Where("conversation_id = ?", conversationID).Order(newestFirst).Take(&row).Error
	if notFound(err) {
		return nil, insight.ErrNotFound.New(conversationID)
	}
	if err != nil {
		return nil, fmt.Errorf("latest insight of conversation %s: %w", conversationID, err)
	}
	return row.toDomain()
}

// History returns the conversation's insights, newest first, at most n of
// them (all when n is zero or less); none is an empty list.
func (r *InsightRepository) History(ctx context.Context, conversationID uuid.UUID, n int) ([]*insight.Insight, error) {
	q := r.db.WithContext(ctx).Where("conversation_id = ?", conversationID).Order(newestFirst)
	var rows []insightRow
	if err := limit(q, n).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("insights of conversation %s: %w", conversationID, err)
	}
	return toDomain(rows)
}

// reviewQuery lists the latest insight of each conversation (the lateral
// subquery, one probe of insights_conversation_created per conversation)
// with the conversation's people and number, and the overdue balance of the
// customer the conversation is linked to now, per currency (overdue, JSON)
// and summed over every currency (overdue_rank). %s are the conditions and
// the limit.
//
// Overdue is an approximation: open invoices with a balance, due before
// the database server's current_date, not the organization's today (the
// two differ for a few hours a day in time zones far from the server's).
const reviewQuery = `
SELECT i.*, c.contact_name, cu.name AS customer_name, u.name AS assignee_name, n.display_name AS number_name,
	coalesce(od.overdue, '[]') AS overdue, coalesce(od.rank, 0) AS overdue_rank
FROM conversations c
CROSS JOIN LATERAL (
	SELECT * FROM insights li WHERE li.conversation_id = c.id ORDER BY li.created_at DESC, li.id DESC LIMIT 1
) i
JOIN whatsapp_numbers n ON n.id = c.number_id
LEFT JOIN customers cu ON cu.id = c.customer_id
LEFT JOIN users u ON u.id = c.assignee_id
LEFT JOIN LATERAL (
	SELECT json_agg(json_build_object('currency', b.currency, 'amount', b.balance::text) ORDER BY b.currency)::text AS overdue,
		sum(b.balance) AS rank
	FROM (
		SELECT inv.currency, sum(inv.total - inv.amount_paid) AS balance
		FROM invoices inv
		WHERE inv.customer_id = c.customer_id AND inv.status = 'open' AND inv.total > inv.amount_paid
			AND inv.due_date < current_date
		GROUP BY inv.currency
	) b
) od ON true
WHERE %s
ORDER BY overdue_rank DESC, i.created_at DESC, i.id DESC
LIMIT %d`

type insightReviewRow struct {
	Insight      insightRow `gorm:"embedded"` // gorm skips an anonymous field of an unexported type
	ContactName  string
	CustomerName sql.NullString // NULL: no customer linked
	AssigneeName sql.NullString // NULL: unassigned
	NumberName   string
	Overdue      string // JSON: [{"currency": "USD", "amount": "10.0000"}, …]
	OverdueRank  decimal.Decimal
}

// Review lists the latest insight of each conversation, kept when it
// matches f (its sentiment, a topic among its topics, made in [f.From,
// f.To)) and the conversation does too (f.AssigneeID, f.NumberID). The
// conversation whose customer has the most overdue comes first (the
// overdue balances of every currency added up, as ports.InsightRow's
// OverdueRank), then the newest insight; at most f.Limit rows (100 when
// zero or less, 500 at most). The customer is the one the conversation is
// linked to now, which may not be the insight's.
func (r *InsightRepository) Review(ctx context.Context, f ports.InsightFilter) ([]ports.InsightRow, error) {
	conds := []string{"true"}
	var args []any
	if f.Sentiment != "" {
		conds = append(conds, "i.sentiment = ?")
		args = append(args, string(f.Sentiment))
	}
	if f.Topic != "" {
		conds = append(conds, "?::text = ANY(i.topics)")
		args = append(args, string(f.Topic))
	}
	if f.AssigneeID != uuid.Nil {
		conds = append(conds, "c.assignee_id = ?")
		args = append(args, f.AssigneeID)
	}
	if f.NumberID != uuid.Nil {
		conds = append(conds, "c.number_id = ?")
		args = append(args, f.NumberID)
	}
	if !f.From.IsZero() {
		conds = append(conds, "i.created_at >= ?")
		args = append(args, timestamp(f.From))
	}
	if !f.To.IsZero() {
		conds = append(conds, "i.created_at < ?")
		args = append(args, timestamp(f.To))
	}
	n := f.Limit
	if n <= 0 {
		n = defaultReviewLimit
	}
	n = min(n, maxReviewLimit)
	query := fmt.Sprintf(reviewQuery, strings.Join(conds, " AND "), n)
	var rows []insightReviewRow
	if err := r.db.WithContext(ctx).Raw(query, args...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("review insights: %w", err)
	}
	out := make([]ports.InsightRow, 0, len(rows))
	for _, row := range rows {
		in, err := row.Insight.toDomain()
		if err != nil {
			return nil, err
		}
		overdue, err := formatOverdue(row.Overdue)
		if err != nil {
			return nil, errCorrupt("overdue balance of conversation", in.ConversationID, err)
		}
		out = append(out, ports.InsightRow{
			Insight: *in, ContactName: row.ContactName, CustomerName: row.CustomerName.String,
			AssigneeName: row.AssigneeName.String, NumberName: row.NumberName,
			OverdueAmount: overdue,
		})
	}
	return out, nil
}

// formatOverdue writes the overdue balances reviewQuery lists as
// "COP 1250000.00; USD 10.00", each amount to its currency's minor unit;
// "" when nothing is overdue.
func formatOverdue(raw string) (string, error) {
	var balances []struct {
		Currency string          `json:"currency"`
		Amount   decimal.Decimal `json:"amount"`
	}
	if err := json.Unmarshal([]byte(raw), &balances); err != nil {
		return "", err
	}
	parts := make([]string, 0, len(balances))
	for _, b := range balances {
		m, err := moneyFrom(b.Amount, b.Currency)
		if err != nil {
			return "", err
		}
		parts = append(parts, m.String())
	}
	return strings.Join(parts, "; "), nil
}

// negativeTrendQuery counts the insights of each of the last weeks weeks
// (Monday to Monday, in UTC) up to now, and the negative ones; a week
// without insights counts zero. The parameters are now (twice) and weeks.
const negativeTrendQuery = `
WITH p AS (
	SELECT date_trunc('week', ?::timestamptz AT TIME ZONE 'UTC') AS this_week, ?::timestamptz AS now, ?::int AS weeks
)
SELECT w.week::date AS week,
	count(i.id) FILTER (WHERE i.sentiment = 'negative') AS negative,
	count(i.id) AS total
FROM p
CROSS JOIN LATERAL generate_series(p.this_week - (p.weeks - 1) * interval '1 week', p.this_week, interval '1 week') AS w(week)
LEFT JOIN insights i ON i.created_at >= w.week AT TIME ZONE 'UTC'
	AND i.created_at < (w.week + interval '1 week') AT TIME ZONE 'UTC'
	AND i.created_at <= p.now
GROUP BY w.week
ORDER BY w.week`

// NegativeTrend counts, for each of the last weeks weeks up to now (the
// week of now last), the insights made and the negative ones. Weeks start
// on Monday at midnight UTC. weeks zero or less is an empty list.
func (r *InsightRepository) NegativeTrend(ctx context.Context, weeks int, now time.Time) ([]ports.WeekCount, error) {
	if weeks <= 0 {
		return []ports.WeekCount{}, nil
	}
	var rows []struct {
		Week     time.Time
		Negative int
		Total    int
	}
	at := timestamp(now)
	if err := r.db.WithContext(ctx).Raw(negativeTrendQuery, at, at, weeks).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("negative insights trend: %w", err)
	}
	out := make([]ports.WeekCount, len(rows))
	for i, row := range rows {
		out[i] = ports.WeekCount{Week: date.FromTime(row.Week), Negative: row.Negative, Total: row.Total}
	}
	return out, nil
}

// TokensSince adds up the input and output tokens of the insights made at
// or after t.
func (r *InsightRepository) TokensSince(ctx context.Context, t time.Time) (int, error) {
	var n int64
	err := r.db.WithContext(ctx).
		Raw("SELECT coalesce(sum(input_tokens::bigint + output_tokens), 0)::bigint FROM insights WHERE created_at >= ?", timestamp(t)).
		Scan(&n).Error
	if err != nil {
		return 0, fmt.Errorf("tokens used since %s: %w", t.Format(time.RFC3339), err)
	}
	return int(n), nil
}
