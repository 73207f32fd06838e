package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/insight"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/user"
	"github.com/saldocrm/saldo/ports"
)

// newInsight makes (without storing) an insight of conversation convID
// about customerID (uuid.Nil: none) at createdAt: a neutral one about a
// payment, changed by edit.
func newInsight(t testing.TB, convID, customerID uuid.UUID, createdAt time.Time, edit ...func(*insight.Analysis)) *insight.Insight {
	t.Helper()
	a := insight.Analysis{
		Summary: "El cliente pregunta por su saldo.", Sentiment: insight.Neutral, Topics: []insight.Topic{insight.Payment},
		NextAction: insight.SendPaymentLink, Model: "offline",
	}
	for _, e := range edit {
		e(&a)
	}
	in, err := insight.New(newV7(), convID, customerID, a, createdAt)
	require.NoError(t, err)
	return in
}

func sentiment(s insight.Sentiment, topics ...insight.Topic) func(*insight.Analysis) {
	return func(a *insight.Analysis) {
		a.Sentiment = s
		if len(topics) > 0 {
			a.Topics = topics
		}
	}
}

func tokens(in, out int) func(*insight.Analysis) {
	return func(a *insight.Analysis) { a.InputTokens, a.OutputTokens = in, out }
}

func assertInsightEqual(t testing.TB, want, got *insight.Insight) {
	t.Helper()
	assert.Equal(t, want.ID, got.ID, "id")
	assert.Equal(t, want.ConversationID, got.ConversationID, "conversation id")
	assert.Equal(t, want.CustomerID, got.CustomerID, "customer id")
	assert.Equal(t, want.Summary, got.Summary, "summary")
	assert.Equal(t, want.Sentiment, got.Sentiment, "sentiment")
	assert.Equal(t, want.Topics, got.Topics, "topics")
	if len(want.Tags) == 0 {
		assert.Empty(t, got.Tags, "tags")
		assert.NotNil(t, got.Tags, "no tags is an empty list")
	} else {
		assert.Equal(t, want.Tags, got.Tags, "tags")
	}
	assert.Equal(t, want.NextAction, got.NextAction, "next action")
	assert.Equal(t, want.NextActionText, got.NextActionText, "next action text")
	if want.Promise == nil {
		assert.Nil(t, got.Promise, "promise")
	} else if assert.NotNil(t, got.Promise, "promise") {
		assert.True(t, want.Promise.Date.Equal(got.Promise.Date), "promise date: want %s, got %s", want.Promise.Date, got.Promise.Date)
		if want.Promise.Amount.Currency().IsZero() {
			assert.Equal(t, money.Money{}, got.Promise.Amount, "no amount promised")
		} else {
			assertMoney(t, want.Promise.Amount, got.Promise.Amount, "promise amount")
		}
	}
	assert.Equal(t, want.Model, got.Model, "model")
	assert.Equal(t, want.InputTokens, got.InputTokens, "input tokens")
	assert.Equal(t, want.OutputTokens, got.OutputTokens, "output tokens")
	assertTime(t, want.CreatedAt, got.CreatedAt, "created at")
}

func insightIDs(ins []*insight.Insight) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(ins))
	for _, in := range ins {
		out = append(out, in.ID)
	}
	return out
}

func addInsights(t testing.TB, repo *postgres.InsightRepository, ins ...*insight.Insight) {
	t.Helper()
	for _, in := range ins {
		require.NoError(t, repo.Add(t.Context(), in))
	}
}

func TestInsightRepository_RoundTrip(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewInsightRepository(db)
	ctx := t.Context()
	cust := saveCustomers(t, postgres.NewCustomerRepository(db), "C-1")[0]
	conv := storedConversation(t, db, "573001234567")

	// Every field set; tags PostgreSQL must quote in an array's text form.
	full := newInsight(t, conv.ID(), cust.ID(), now, func(a *insight.Analysis) {
		a.Summary = "  Promete pagar el viernes; pide un plazo.  "
		a.Sentiment = insight.Negative
		a.Topics = []insight.Topic{insight.PromiseToPay, insight.PaymentDifficulty, insight.Dispute}
		a.Tags = []string{
			"plain", "two words", `say "hi"`, `back\slash`, `\"`, "{braces}", "comma,inside", "NULL", "null", "",
			" lead", "ñandú ✓", "tab\there", "new\nline",
		}
		a.NextAction = insight.RecordPromise
		a.NextActionText = "Registrar la promesa de pago del viernes."
		a.Promise = &insight.Promise{Amount: money.MustParse("1250000.50", "COP"), Date: date.MustParse("2026-03-13")}
		a.Model = "gpt-4o-mini"
		a.InputTokens, a.OutputTokens = 1834, 212
	})
	// A promise of no amount, a three-decimal currency, no customer.
	noAmount := newInsight(t, conv.ID(), uuid.Nil, now.Add(time.Minute), func(a *insight.Analysis) {
		a.Topics = []insight.Topic{insight.PromiseToPay}
		a.NextAction = insight.Wait
		a.Promise = &insight.Promise{Date: date.MustParse("2026-04-01")}
	})
	kwd := newInsight(t, conv.ID(), cust.ID(), now.Add(2*time.Minute), func(a *insight.Analysis) {
		a.Promise = &insight.Promise{Amount: money.MustParse("10.125", "KWD"), Date: date.MustParse("2026-12-31")}
	})
	// No promise, no tags: the offline analyzer's.
	bare := newInsight(t, conv.ID(), uuid.Nil, now.Add(3*time.Minute), sentiment(insight.Positive, insight.Other))
	addInsights(t, repo, full, noAmount, kwd, bare)

	history, err := repo.History(ctx, conv.ID(), 0)
	require.NoError(t, err)
	want := []*insight.Insight{bare, kwd, noAmount, full}
	require.Equal(t, insightIDs(want), insightIDs(history), "newest first")
	for i := range want {
		assertInsightEqual(t, want[i], history[i])
	}
	assert.Equal(t, "Promete pagar el viernes; pide un plazo.", history[3].Summary, "insight.New trims the summary")

	latest, err := repo.Latest(ctx, conv.ID())
	require.NoError(t, err)
	assertInsightEqual(t, bare, latest)

	history, err = repo.History(ctx, conv.ID(), 2)
	require.NoError(t, err)
	assert.Equal(t, insightIDs(want[:2]), insightIDs(history), "limit 2")

	// What the domain leaves unset is NULL; arrays are real text[].
	assert.Equal(t, 1, count(t, db, `SELECT count(*) FROM insights
		WHERE promise_amount IS NULL AND promise_currency IS NULL AND promise_date = '2026-04-01'
		AND customer_id IS NULL AND id = ?`, noAmount.ID))
	assert.Equal(t, 1, count(t, db, `SELECT count(*) FROM insights
		WHERE promise_amount IS NULL AND promise_currency IS NULL AND promise_date IS NULL
		AND customer_id IS NULL AND tags = '{}' AND id = ?`, bare.ID))
	assert.Equal(t, 1, count(t, db, `SELECT count(*) FROM insights
		WHERE topics = ARRAY['promise_to_pay', 'payment_difficulty', 'dispute'] AND cardinality(tags) = 14
		AND tags[3] = 'say "hi"' AND tags[10] = '' AND promise_amount = 1250000.5 AND promise_currency = 'COP'
		AND promise_date = '2026-03-13'`))
}

// TestInsightRepository_SameInstant checks that insights made at the same
// instant come back in a stable order: the later UUIDv7 first.
func TestInsightRepository_SameInstant(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewInsightRepository(db)
	conv := storedConversation(t, db, "573001234567")
	first := newInsight(t, conv.ID(), uuid.Nil, now)
	second := newInsight(t, conv.ID(), uuid.Nil, now)
	addInsights(t, repo, second, first)

	latest, err := repo.Latest(t.Context(), conv.ID())
	require.NoError(t, err)
	assert.Equal(t, second.ID, latest.ID)
	history, err := repo.History(t.Context(), conv.ID(), 10)
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{second.ID, first.ID}, insightIDs(history))
}

func TestInsightRepository_NotFound(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewInsightRepository(db)
	ctx := t.Context()
	conv := storedConversation(t, db, "573001234567")

	_, err := repo.Latest(ctx, conv.ID())
	assert.True(t, errors.Is(err, insight.ErrNotFound), "got %v", err)
	assert.Equal(t, domain.KindNotFound, domain.KindOf(err))
	assert.Contains(t, err.Error(), conv.ID().String())

	history, err := repo.History(ctx, conv.ID(), 10)
	require.NoError(t, err)
	assert.NotNil(t, history)
	assert.Empty(t, history)

	err = repo.Add(ctx, newInsight(t, uuid.New(), uuid.Nil, now))
	assert.Equal(t, domain.KindNotFound, domain.KindOf(err), "an unknown conversation: got %v", err)
	err = repo.Add(ctx, newInsight(t, conv.ID(), uuid.New(), now))
	assert.Equal(t, domain.KindNotFound, domain.KindOf(err), "an unknown customer: got %v", err)

	in := newInsight(t, conv.ID(), uuid.Nil, now)
	require.NoError(t, repo.Add(ctx, in))
	err = repo.Add(ctx, in)
	assert.Equal(t, domain.KindConflict, domain.KindOf(err), "the same insight twice: got %v", err)
	assert.Equal(t, 1, count(t, db, "SELECT count(*) FROM insights"))

	// A conversation deleted takes its insights with it.
	require.NoError(t, db.Exec("DELETE FROM conversations WHERE id = ?", conv.ID()).Error)
	assert.Equal(t, 0, count(t, db, "SELECT count(*) FROM insights"))
}

// TestInsightRepository_Schema checks that the table refuses what the
// domain never makes, and that a row the domain cannot load is reported,
// not loaded.
func TestInsightRepository_Schema(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewInsightRepository(db)
	ctx := t.Context()
	conv := storedConversation(t, db, "573001234567")
	in := newInsight(t, conv.ID(), uuid.Nil, now, func(a *insight.Analysis) {
		a.Promise = &insight.Promise{Amount: money.MustParse("10", "USD"), Date: date.MustParse("2026-03-13")}
	})
	require.NoError(t, repo.Add(ctx, in))

	for name, set := range map[string]string{
		"unknown sentiment":       "sentiment = 'angry'",
		"no topics":               "topics = '{}'",
		"a NULL topic":            "topics = ARRAY[NULL]::text[]",
		"a NULL tag":              "tags = ARRAY['a', NULL]",
		"an amount, no currency":  "promise_currency = NULL",
		"an amount, no date":      "promise_date = NULL",
		"negative tokens":         "input_tokens = -1",
		"NULL tags":               "tags = NULL",
		"an unknown conversation": "conversation_id = gen_random_uuid()",
	} {
		err := db.Exec("UPDATE insights SET "+set+" WHERE id = ?", in.ID).Error
		assert.Error(t, err, name)
	}

	for name, set := range map[string]string{
		"unknown topic":   "topics = '{payment,gossip}'",
		"unknown action":  "next_action = 'shrug'",
		"bad currency":    "promise_currency = 'XXZ'",
		"tags not from 1": "tags = '[0:1]={a,b}'::text[]",
	} {
		t.Run(name, func(t *testing.T) {
			require.EqualError(t, db.Transaction(func(tx *gorm.DB) error {
				if err := tx.Exec("UPDATE insights SET "+set+" WHERE id = ?", in.ID).Error; err != nil {
					return err
				}
				_, err := postgres.NewInsightRepository(tx).Latest(ctx, conv.ID())
				require.Error(t, err)
				assert.Equal(t, domain.KindInternal, domain.KindOf(err), "corrupt data is not the caller's fault: %v", err)
				return errors.New("roll back")
			}), "roll back", "the update went through and was rolled back")
		})
	}
}

// reviewFixture is four conversations with insights, and one without, of
// customers owing more and less.
type reviewFixture struct {
	numbers    [2]conversation.BusinessNumber
	ana, bruno *user.User
	big, small uuid.UUID // customers with overdue invoices
	none       uuid.UUID // a customer with nothing overdue
	convs      [5]*conversation.Conversation
	latest     [4]*insight.Insight // the latest of each conversation analysed
	older      *insight.Insight    // conversation 0's insight before its latest
	names      [4]string           // the customer's name of each conversation analysed
}

func storeReviewFixture(t testing.TB, db *gorm.DB) reviewFixture {
	t.Helper()
	ctx := context.Background()
	var f reviewFixture
	f.numbers = [2]conversation.BusinessNumber{saveNumber(t, db, "1001"), saveNumber(t, db, "1002")}
	f.ana, f.bruno = newUser(t, "Ana", user.Agent), newUser(t, "Bruno", user.Agent)
	for _, u := range []*user.User{f.ana, f.bruno} {
		require.NoError(t, postgres.NewUserRepository(db).Create(ctx, u))
	}
	custs := saveCustomers(t, postgres.NewCustomerRepository(db), "BIG", "SMALL", "NONE")
	f.big, f.small, f.none = custs[0].ID(), custs[1].ID(), custs[2].ID()

	// Overdue is due before the database's current_date, whatever the
	// tests' today: due a year before it, or a century after it.
	const past, future = -400, 36500
	invoices := postgres.NewInvoiceRepository(db)
	for _, s := range []invoiceSpec{
		{externalID: "BIG-1", customer: f.big, currency: "COP", dueInDays: past, total: "1000000"},
		{externalID: "BIG-2", customer: f.big, currency: "COP", dueInDays: past, total: "300000", paid: "50000"},
		{externalID: "BIG-3", customer: f.big, currency: "USD", dueInDays: past, total: "10"},
		{externalID: "SMALL-1", customer: f.small, dueInDays: past, total: "600", paid: "100"},
		{externalID: "SMALL-2", customer: f.small, dueInDays: future, total: "99999"}, // not due
		{externalID: "SMALL-3", customer: f.small, dueInDays: past, total: "70000", paid: "70000"},
		{externalID: "NONE-1", customer: f.none, dueInDays: future, total: "5000000"},
		{externalID: "NONE-2", customer: f.none, dueInDays: past, total: "5000000", status: "void"},
	} {
		require.NoError(t, invoices.Save(ctx, newInvoice(t, s)))
	}

	convs := postgres.NewConversationRepository(db)
	for i, spec := range []struct {
		number   int
		customer uuid.UUID
		assignee uuid.UUID
	}{
		{0, f.small, f.ana.ID()},
		{1, f.big, f.bruno.ID()},
		{0, f.none, uuid.Nil},
		{1, uuid.Nil, f.ana.ID()},
		{0, f.big, f.ana.ID()}, // never analysed
	} {
		c := startConversation(t, f.numbers[spec.number].ID, fmt.Sprintf("5730000000%02d", i))
		if spec.customer != uuid.Nil {
			c.LinkCustomer(spec.customer, now)
		}
		if spec.assignee != uuid.Nil {
			c.Assign(newV7(), spec.assignee, spec.assignee, now)
		}
		require.NoError(t, convs.Save(ctx, c))
		f.convs[i] = c
	}
	f.names = [4]string{custs[1].Name(), custs[0].Name(), custs[2].Name(), ""}

	repo := postgres.NewInsightRepository(db)
	hour := func(n int) time.Time { return now.Add(time.Duration(n) * time.Hour) }
	f.older = newInsight(t, f.convs[0].ID(), f.small, hour(0), sentiment(insight.Positive, insight.Payment))
	f.latest = [4]*insight.Insight{
		newInsight(t, f.convs[0].ID(), f.small, hour(1), sentiment(insight.Negative, insight.Dispute)),
		newInsight(t, f.convs[1].ID(), f.big, hour(2), sentiment(insight.Neutral, insight.PromiseToPay, insight.Payment)),
		newInsight(t, f.convs[2].ID(), f.none, hour(3), sentiment(insight.Negative, insight.PaymentDifficulty)),
		newInsight(t, f.convs[3].ID(), uuid.Nil, hour(4), sentiment(insight.Positive, insight.Support, insight.Payment)),
	}
	addInsights(t, repo, f.older)
	addInsights(t, repo, f.latest[:]...)
	return f
}

func reviewConversations(rows []ports.InsightRow) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.Insight.ConversationID)
	}
	return out
}

func TestInsightRepository_Review(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewInsightRepository(db)
	ctx := t.Context()
	f := storeReviewFixture(t, db)
	conv := func(i ...int) []uuid.UUID {
		out := make([]uuid.UUID, 0, len(i))
		for _, n := range i {
			out = append(out, f.convs[n].ID())
		}
		return out
	}

	// The most overdue first (COP and USD added up, then USD), then the
	// newest of those with nothing overdue; one row per conversation, its
	// latest insight; the conversation never analysed is not listed.
	rows, err := repo.Review(ctx, ports.InsightFilter{})
	require.NoError(t, err)
	require.Equal(t, conv(1, 0, 3, 2), reviewConversations(rows))
	byConv := map[uuid.UUID]ports.InsightRow{}
	for _, r := range rows {
		byConv[r.Insight.ConversationID] = r
	}
	for i, c := range f.convs[:4] {
		r := byConv[c.ID()]
		assertInsightEqual(t, f.latest[i], &r.Insight)
		assert.Equal(t, c.ContactName(), r.ContactName, "conversation %d", i)
		assert.Equal(t, f.names[i], r.CustomerName, "conversation %d", i)
	}
	want := []struct {
		assignee, number, overdue string
		rank                      float64
	}{
		{"Ana", "Cobranzas 1001", "USD 500.00", 500},
		{"Bruno", "Cobranzas 1002", "COP 1250000.00; USD 10.00", 1250010},
		{"", "Cobranzas 1001", "", 0},
		{"Ana", "Cobranzas 1002", "", 0},
	}
	for i, w := range want {
		r := byConv[f.convs[i].ID()]
		assert.Equal(t, w.assignee, r.AssigneeName, "conversation %d assignee", i)
		assert.Equal(t, w.number, r.NumberName, "conversation %d number", i)
		assert.Equal(t, w.overdue, r.OverdueAmount, "conversation %d overdue", i)
	}

	for name, tc := range map[string]struct {
		filter ports.InsightFilter
		want   []uuid.UUID
	}{
		// Conversation 0's older insight is positive and about a payment:
		// only the latest insight counts.
		"negative":      {ports.InsightFilter{Sentiment: insight.Negative}, conv(0, 2)},
		"positive":      {ports.InsightFilter{Sentiment: insight.Positive}, conv(3)},
		"neutral":       {ports.InsightFilter{Sentiment: insight.Neutral}, conv(1)},
		"dispute":       {ports.InsightFilter{Topic: insight.Dispute}, conv(0)},
		"payment":       {ports.InsightFilter{Topic: insight.Payment}, conv(1, 3)},
		"no such topic": {ports.InsightFilter{Topic: insight.WrongCustomer}, conv()},
		"Ana's":         {ports.InsightFilter{AssigneeID: f.ana.ID()}, conv(0, 3)},
		"Bruno's":       {ports.InsightFilter{AssigneeID: f.bruno.ID()}, conv(1)},
		"number 1002":   {ports.InsightFilter{NumberID: f.numbers[1].ID}, conv(1, 3)},
		"from":          {ports.InsightFilter{From: now.Add(2 * time.Hour)}, conv(1, 3, 2)},
		"to, excluded":  {ports.InsightFilter{To: now.Add(2 * time.Hour)}, conv(0)},
		"from and to":   {ports.InsightFilter{From: now.Add(2 * time.Hour), To: now.Add(4 * time.Hour)}, conv(1, 2)},
		"older only":    {ports.InsightFilter{To: now.Add(time.Hour)}, conv()},
		"limit":         {ports.InsightFilter{Limit: 2}, conv(1, 0)},
		"all filters": {ports.InsightFilter{
			Sentiment: insight.Negative, Topic: insight.Dispute, AssigneeID: f.ana.ID(), NumberID: f.numbers[0].ID,
			From: now, To: now.Add(2 * time.Hour), Limit: 10,
		}, conv(0)},
	} {
		rows, err := repo.Review(ctx, tc.filter)
		require.NoError(t, err, name)
		assert.NotNil(t, rows, name)
		assert.Equal(t, tc.want, reviewConversations(rows), name)
	}

	// A newer insight replaces the conversation's row, and paying the
	// overdue invoices moves the customer down the list.
	newer := newInsight(t, f.convs[0].ID(), f.small, now.Add(5*time.Hour), sentiment(insight.Positive, insight.Payment))
	addInsights(t, repo, newer)
	require.NoError(t, db.Exec("UPDATE invoices SET amount_paid = total, status = 'paid' WHERE customer_id = ?", f.big).Error)
	rows, err = repo.Review(ctx, ports.InsightFilter{})
	require.NoError(t, err)
	assert.Equal(t, conv(0, 3, 2, 1), reviewConversations(rows))
	assert.Equal(t, newer.ID, rows[0].Insight.ID)
}

func TestInsightRepository_NegativeTrend(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewInsightRepository(db)
	ctx := t.Context()
	conv := storedConversation(t, db, "573001234567")

	// now is Tuesday 2026-03-10; its week began on Monday 2026-03-09.
	at := func(s string) time.Time {
		t.Helper()
		ts, err := time.Parse(time.RFC3339Nano, s)
		require.NoError(t, err)
		return ts
	}
	add := func(s insight.Sentiment, when time.Time) {
		t.Helper()
		addInsights(t, repo, newInsight(t, conv.ID(), uuid.Nil, when, sentiment(s)))
	}
	add(insight.Negative, at("2026-02-15T23:59:59.999999Z")) // the Sunday before the four weeks
	add(insight.Negative, at("2026-02-16T00:00:00Z"))        // their first instant
	// Nothing the week of 2026-02-23.
	add(insight.Neutral, at("2026-03-02T09:00:00Z"))
	add(insight.Neutral, at("2026-03-04T18:00:00Z"))
	add(insight.Negative, at("2026-03-08T23:59:59.999999Z"))
	add(insight.Negative, at("2026-03-09T00:00:00Z"))
	add(insight.Positive, now) // up to now, included
	add(insight.Negative, now.Add(time.Microsecond))

	week := func(s string, negative, total int) ports.WeekCount {
		return ports.WeekCount{Week: date.MustParse(s), Negative: negative, Total: total}
	}
	got, err := repo.NegativeTrend(ctx, 4, now)
	require.NoError(t, err)
	assert.Equal(t, []ports.WeekCount{
		week("2026-02-16", 1, 1), week("2026-02-23", 0, 0), week("2026-03-02", 1, 3), week("2026-03-09", 1, 2),
	}, got)

	// The same instant seen from Bogotá is the same weeks (in UTC).
	bogota := time.FixedZone("COT", -5*60*60)
	got, err = repo.NegativeTrend(ctx, 4, now.In(bogota))
	require.NoError(t, err)
	assert.Len(t, got, 4)
	assert.Equal(t, week("2026-03-09", 1, 2), got[3])

	got, err = repo.NegativeTrend(ctx, 1, now)
	require.NoError(t, err)
	assert.Equal(t, []ports.WeekCount{week("2026-03-09", 1, 2)}, got)

	// Weeks before any insight count zero.
	got, err = repo.NegativeTrend(ctx, 12, at("2026-01-05T00:00:00Z"))
	require.NoError(t, err)
	require.Len(t, got, 12)
	assert.Equal(t, date.MustParse("2025-10-20"), got[0].Week)
	for _, w := range got {
		assert.Zero(t, w.Total, w.Week.String())
		assert.Equal(t, time.Monday, w.Week.Time().Weekday())
	}

	for _, weeks := range []int{0, -1} {
		got, err = repo.NegativeTrend(ctx, weeks, now)
		require.NoError(t, err)
		assert.NotNil(t, got)
		assert.Empty(t, got)
	}
}

func TestInsightRepository_TokensSince(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewInsightRepository(db)
	ctx := t.Context()
	conv := storedConversation(t, db, "573001234567")

	n, err := repo.TokensSince(ctx, time.Time{})
	require.NoError(t, err)
	assert.Zero(t, n, "no insight")

	addInsights(t, repo,
		newInsight(t, conv.ID(), uuid.Nil, now.Add(-time.Hour), tokens(100, 20)),
		newInsight(t, conv.ID(), uuid.Nil, now, tokens(300, 40)),
		newInsight(t, conv.ID(), uuid.Nil, now.Add(time.Hour), tokens(5, 0)),
		newInsight(t, conv.ID(), uuid.Nil, now.Add(2*time.Hour)), // offline: no tokens
		newInsight(t, conv.ID(), uuid.Nil, now.Add(3*time.Hour), tokens(2_000_000_000, 2_000_000_000)),
	)
	for _, tc := range []struct {
		since time.Time
		want  int
	}{
		{time.Time{}, 4_000_000_465},
		{now, 4_000_000_345}, // at t, included
		{now.Add(time.Microsecond), 4_000_000_005},
		{now.Add(3 * time.Hour), 4_000_000_000}, // beyond int32
		{now.Add(4 * time.Hour), 0},
	} {
		n, err := repo.TokensSince(ctx, tc.since)
		require.NoError(t, err)
		assert.Equal(t, tc.want, n, "since %s", tc.since)
	}
}
