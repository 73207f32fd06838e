package application_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/adapters/clock"
	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/dunning"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/template"
	"github.com/saldocrm/saldo/ports"
)

// dunningEnv is the planner on a real PostgreSQL with a fixed clock.
type dunningEnv struct {
	t        *testing.T
	db       *gorm.DB
	clock    *clock.Fixed
	org      application.Org
	repo     *postgres.DunningRepository
	policies *application.DunningPolicies
	plan     *application.PlanReminders
	guard    *application.ReminderGuard
	n        int
}

type nopQueue struct{}

func (nopQueue) Enqueue(context.Context, string, uuid.UUID, time.Time) error { return nil }

func newDunningEnv(t *testing.T, zone string, now time.Time) *dunningEnv {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	require.NoError(t, err)
	db := pgtest.New(t)
	ctx := t.Context()
	clk := clock.NewFixed(now)
	org := application.Org{Location: loc, Currency: money.MustCurrency("COP"), Language: "es"}
	numbers := postgres.NewNumberRepository(db)
	require.NoError(t, numbers.Save(ctx, conversation.BusinessNumber{
		ID: conversation.NumberIDFor("1065"), PhoneNumberID: "1065", BusinessAccountID: "1022", DisplayPhone: "15550783881", Color: "#25d366",
	}))
	templates := postgres.NewTemplateRepository(db)
	require.NoError(t, templates.Save(ctx, template.UnmarshalFromDatabase(uuid.New(), template.Details{
		Name: "recordatorio_pago", Language: "es", Category: template.Utility,
		Body: "Hola {{1}}, tienes {{2}} pendiente con vencimiento {{3}}.",
	}, template.Approved, "", "1", now)))
	uow := postgres.NewUnitOfWork(db)
	repo := postgres.NewDunningRepository(db)
	users := postgres.NewUserRepository(db)
	policies := application.NewDunningPolicies(repo, templates, numbers, uow, clk, application.DunningDefaults{
		Template: "recordatorio_pago", Language: "es",
		Variables: []campaign.Variable{{Source: campaign.FirstName}, {Source: campaign.BalanceTotal}, {Source: campaign.DueDate}},
	})
	manage := application.NewManageConversation(uow, postgres.NewCustomerRepository(db), users, clk)
	log := slog.New(slog.DiscardHandler)
	plan := application.NewPlanReminders(policies, repo, repo, repo, uow, postgres.NewConversationRepository(db), users, manage, nopQueue{}, clk, org, log)
	return &dunningEnv{
		t: t, db: db, clock: clk, org: org, repo: repo, policies: policies, plan: plan,
		guard: application.NewReminderGuard(repo, repo, org),
	}
}

func (e *dunningEnv) today() date.Date { return e.org.Today(e.clock.Now()) }

// customer adds a customer with a Colombian mobile number.
func (e *dunningEnv) customer(name string) uuid.UUID {
	e.t.Helper()
	e.n++
	id := uuid.New()
	phone := fmt.Sprintf("+57300%07d", e.n)
	require.NoError(e.t, e.db.Exec(`INSERT INTO customers (id, external_id, name, phone, phone_key, language, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 'es', now(), now())`, id, "C-"+name, name, phone, phone[1:]).Error)
	return id
}

// invoice adds an open invoice of total COP due dueIn days from today (paid
// in full when paid).
func (e *dunningEnv) invoice(customerID uuid.UUID, dueIn int, total string, paid bool) uuid.UUID {
	e.t.Helper()
	e.n++
	id := uuid.New()
	due := e.today().AddDays(dueIn)
	status, amountPaid := "open", "0"
	if paid {
		status, amountPaid = "paid", total
	}
	require.NoError(e.t, e.db.Exec(`INSERT INTO invoices (id, external_id, customer_id, number, currency, issue_date, due_date, total, amount_paid, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, 'COP', ?::date, ?::date, ?, ?, ?, now(), now())`,
		id, fmt.Sprintf("INV-%d", e.n), customerID, fmt.Sprintf("FV-%d", e.n), due.AddDays(-30).String(), due.String(), total, amountPaid, status).Error)
	return id
}

func (e *dunningEnv) run() ports.DunningRun {
	e.t.Helper()
	r, err := e.plan.Handle(e.t.Context())
	require.NoError(e.t, err)
	return r
}

type plannedReminder struct {
	CampaignID uuid.UUID `gorm:"column:campaign_id"`
	CustomerID uuid.UUID `gorm:"column:customer_id"`
	DedupeKey  string    `gorm:"column:dedupe_key"`
	WaID       string    `gorm:"column:wa_id"`
	Due        time.Time `gorm:"column:next_attempt_at"`
}

func (e *dunningEnv) reminders(customerID uuid.UUID) []plannedReminder {
	e.t.Helper()
	var out []plannedReminder
	require.NoError(e.t, e.db.Raw(`SELECT campaign_id, customer_id, dedupe_key, wa_id, next_attempt_at FROM campaign_recipients
		WHERE customer_id = ? ORDER BY created_at, id`, customerID).Scan(&out).Error)
	return out
}

func (e *dunningEnv) stepCampaign(offset int) uuid.UUID {
	e.t.Helper()
	p, err := e.repo.Get(e.t.Context())
	require.NoError(e.t, err)
	s, ok := p.Step(offset)
	require.True(e.t, ok)
	return s.CampaignID
}

// TestStepsFireOnTheLocalDayAcrossZones: the same instant is a different
// day in Bogotá, Mexico City and São Paulo; a step fires on the customer's
// step day in the organization's zone, due at the next allowed minute.
func TestStepsFireOnTheLocalDayAcrossZones(t *testing.T) {
	t.Parallel()
	// 2026-11-23 03:30 UTC: Sunday 22:30 in Bogotá, 21:30 in Mexico City,
	// Monday 00:30 in São Paulo. The invoice is due on Thursday 26th.
	at := time.Date(2026, 11, 23, 3, 30, 0, 0, time.UTC)
	tests := []struct {
		zone    string
		fires   bool
		dueUTC  time.Time // when it fires now: 08:00 local on Monday
		nextDay time.Time // the instant the org's Monday begins, when it does not fire now
	}{
		{zone: "America/Bogota", nextDay: time.Date(2026, 11, 23, 5, 0, 0, 0, time.UTC), dueUTC: time.Date(2026, 11, 23, 13, 0, 0, 0, time.UTC)},
		{zone: "America/Mexico_City", nextDay: time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC), dueUTC: time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)},
		{zone: "America/Sao_Paulo", fires: true, dueUTC: time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			t.Parallel()
			e := newDunningEnv(t, tt.zone, at)
			c := e.customer("Ferretería")
			loc := e.org.Location
			due := date.New(2026, 11, 26)
			inv := due.DaysSince(e.today())
			e.invoice(c, inv, "500000", false)
			r := e.run()
			if !tt.fires {
				assert.Empty(t, e.reminders(c), "Sunday in %s: the D-3 day has not come", tt.zone)
				assert.Zero(t, r.Enqueued)
				e.clock.Set(tt.nextDay)
				r = e.run()
			}
			assert.Equal(t, 1, r.Enqueued)
			assert.Equal(t, 1, r.Counts[-3][application.CountEnqueued])
			got := e.reminders(c)
			require.Len(t, got, 1)
			assert.Equal(t, e.stepCampaign(-3), got[0].CampaignID)
			assert.Equal(t, c.String()+":2026-11-26", got[0].DedupeKey)
			assert.True(t, tt.dueUTC.Equal(got[0].Due), "due %s, want %s (08:00 local)", got[0].Due.In(loc), tt.dueUTC.In(loc))
		})
	}
}

// TestQuietHoursAndOneReminderADay: a reminder planned inside the sending
// hours is due at once; a second one the same day waits for the next
// allowed day, and a Saturday evening's for Monday.
func TestQuietHoursAndOneReminderADay(t *testing.T) {
	t.Parallel()
	bogota, _ := time.LoadLocation("America/Bogota")
	saturday := time.Date(2026, 11, 28, 10, 0, 0, 0, bogota)
	e := newDunningEnv(t, "America/Bogota", saturday)
	c := e.customer("Panadería")
	e.invoice(c, 3, "300000", false)
	e.run()
	got := e.reminders(c)
	require.Len(t, got, 1)
	assert.True(t, saturday.Equal(got[0].Due), "inside the hours: due now, got %s", got[0].Due.In(bogota))

	// The same day, an older invoice reaches D+7: a second reminder today
	// would be too many, so it waits for Monday (Sunday is quiet).
	e.invoice(c, -7, "200000", false)
	e.clock.Set(saturday.Add(5 * time.Hour))
	r := e.run()
	assert.Equal(t, 1, r.Counts[7][application.CountEnqueued])
	got = e.reminders(c)
	require.Len(t, got, 2)
	assert.Equal(t, e.stepCampaign(7), got[1].CampaignID)
	assert.True(t, time.Date(2026, 11, 30, 8, 0, 0, 0, bogota).Equal(got[1].Due), "got %s", got[1].Due.In(bogota))

	// Running again changes nothing.
	r = e.run()
	assert.Zero(t, r.Enqueued)
	assert.Equal(t, 1, r.Counts[7][application.CountAlready])
	assert.Len(t, e.reminders(c), 2)

	// A customer reached at 21:00 on Saturday hears from us on Monday at 08:00.
	late := e.customer("Textiles")
	e.invoice(late, 0, "100000", false)
	e.clock.Set(time.Date(2026, 11, 28, 21, 0, 0, 0, bogota))
	e.run()
	got = e.reminders(late)
	require.Len(t, got, 1)
	assert.True(t, time.Date(2026, 11, 30, 8, 0, 0, 0, bogota).Equal(got[0].Due), "got %s", got[0].Due.In(bogota))
}

// TestSkipsAndWhy: customers who reached a step but should not hear from us
// get no reminder, and the run counts why.
func TestSkipsAndWhy(t *testing.T) {
	t.Parallel()
	bogota, _ := time.LoadLocation("America/Bogota")
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, bogota)
	e := newDunningEnv(t, "America/Bogota", now)
	ctx := t.Context()
	owes := e.customer("Debe")
	e.invoice(owes, -7, "900000", false)
	paid := e.customer("Pagó")
	e.invoice(paid, -7, "900000", true)
	optedOut := e.customer("Baja")
	e.invoice(optedOut, -7, "900000", false)
	require.NoError(t, e.db.Exec(`UPDATE customers SET whatsapp_opted_out = true WHERE id = ?`, optedOut).Error)
	promised := e.customer("Promete")
	e.invoice(promised, -7, "900000", false)
	require.NoError(t, e.db.Exec(`INSERT INTO promises_to_pay (id, customer_id, amount, currency, promised_date, status, created_at)
		VALUES (?, ?, 900000, 'COP', ?::date, 'pending', now())`, uuid.New(), promised, e.today().AddDays(3).String()).Error)
	disputed := e.customer("Disputa")
	dinv := e.invoice(disputed, -7, "900000", false)
	require.NoError(t, e.db.Exec(`INSERT INTO invoice_disputes (invoice_id, reason, opened_at) VALUES (?, 'no recibido', now())`, dinv).Error)
	small := e.customer("Poquito")
	e.invoice(small, -7, "1000", false)
	talking := e.customer("Conversa")
	e.invoice(talking, -7, "900000", false)
	agent := uuid.New()
	require.NoError(t, e.db.Exec(`INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at)
		VALUES (?, 'ana@saldo.test', 'Ana', 'agent', 'x', now(), now())`, agent).Error)
	conv := uuid.New()
	require.NoError(t, e.db.Exec(`INSERT INTO conversations (id, number_id, wa_id, customer_id, status, assignee_id, priority, created_at, updated_at)
		VALUES (?, ?, '573009999001', ?, 'open', ?, 'normal', now(), now())`, conv, conversation.NumberIDFor("1065"), talking, agent).Error)
	require.NoError(t, e.db.Exec(`INSERT INTO messages (id, conversation_id, direction, type, content, status, author_id, created_at, updated_at)
		VALUES (?, ?, 'out', 'text', '{"text":"hola"}', 'sent', ?, ?, ?)`, uuid.New(), conv, agent, now.Add(-3*time.Hour), now.Add(-3*time.Hour)).Error)

	// The minimum applies to D+7 only.
	p, err := e.policies.Ready(ctx)
	require.NoError(t, err)
	d := p.Details()
	for i := range d.Steps {
		if d.Steps[i].Offset == 7 {
			d.Steps[i].MinBalance = money.MustParse("50000", "COP")
		}
	}
	_, err = e.policies.Save(ctx, d)
	require.NoError(t, err)

	r := e.run()
	c := r.Counts[7]
	assert.Equal(t, 7, c[application.CountReached])
	assert.Equal(t, 1, c[application.CountEnqueued])
	for _, reason := range []string{dunning.SkipPaid, dunning.SkipOptedOut, dunning.SkipPromise, dunning.SkipDisputed, dunning.SkipBelowMinimum, dunning.SkipAgentActive} {
		assert.Equal(t, 1, c[reason], reason)
	}
	assert.Len(t, e.reminders(owes), 1)
	for _, id := range []uuid.UUID{paid, optedOut, promised, disputed, small, talking} {
		assert.Empty(t, e.reminders(id))
	}
	runs, err := e.repo.List(ctx, 5)
	require.NoError(t, err)
	require.Len(t, runs, 1)
	assert.Equal(t, r.Counts, runs[0].Counts)
	assert.Equal(t, e.today(), runs[0].AsOf)
}

// TestPromisePausesAndResumes: a pending promise pauses the step; once its
// date has passed unpaid, the next run (within the catch-up days) sends it.
func TestPromisePausesAndResumes(t *testing.T) {
	t.Parallel()
	bogota, _ := time.LoadLocation("America/Bogota")
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, bogota) // Tuesday
	e := newDunningEnv(t, "America/Bogota", start)
	c := e.customer("Promete")
	e.invoice(c, -7, "700000", false)
	require.NoError(t, e.db.Exec(`INSERT INTO promises_to_pay (id, customer_id, amount, currency, promised_date, status, created_at)
		VALUES (?, ?, 700000, 'COP', ?::date, 'pending', now())`, uuid.New(), c, e.today().AddDays(1).String()).Error)
	r := e.run()
	assert.Equal(t, 1, r.Counts[7][dunning.SkipPromise])
	assert.Empty(t, e.reminders(c))

	e.clock.Set(start.Add(24 * time.Hour)) // the promised day: still paused
	r = e.run()
	assert.Equal(t, 1, r.Counts[7][dunning.SkipPromise])
	assert.Empty(t, e.reminders(c))

	e.clock.Set(start.Add(48 * time.Hour)) // the day after: broken, reminders resume
	r = e.run()
	assert.Equal(t, 1, r.Counts[7][application.CountEnqueued])
	got := e.reminders(c)
	require.Len(t, got, 1)
	assert.Equal(t, e.stepCampaign(7), got[0].CampaignID)
}

// TestTwoPlannersAtOnceAddOneReminder: two runs side by side (two worker
// processes) add each customer's reminder once.
func TestTwoPlannersAtOnceAddOneReminder(t *testing.T) {
	t.Parallel()
	bogota, _ := time.LoadLocation("America/Bogota")
	e := newDunningEnv(t, "America/Bogota", time.Date(2026, 11, 24, 9, 0, 0, 0, bogota))
	var customers []uuid.UUID
	for i := range 40 {
		c := e.customer(fmt.Sprintf("Cliente %d", i))
		e.invoice(c, []int{3, 0, -7, -15, -30}[i%5], "250000", false)
		customers = append(customers, c)
	}
	_, err := e.policies.Ready(t.Context()) // both see the step campaigns
	require.NoError(t, err)
	var wg sync.WaitGroup
	runs := make([]ports.DunningRun, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runs[i], errs[i] = e.plan.Handle(t.Context())
		}()
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	assert.Equal(t, 40, runs[0].Enqueued+runs[1].Enqueued)
	for _, c := range customers {
		assert.Len(t, e.reminders(c), 1)
	}
}

// TestGuardStopsAReminderAfterAPayment: a reminder planned before the
// customer paid is skipped just before sending.
func TestGuardStopsAReminderAfterAPayment(t *testing.T) {
	t.Parallel()
	bogota, _ := time.LoadLocation("America/Bogota")
	e := newDunningEnv(t, "America/Bogota", time.Date(2026, 11, 24, 9, 0, 0, 0, bogota))
	ctx := t.Context()
	payer, other := e.customer("Paga"), e.customer("Sigue")
	inv := e.invoice(payer, 0, "400000", false)
	e.invoice(other, 0, "400000", false)
	e.run()
	id := e.stepCampaign(0)
	camp, err := postgres.NewCampaignRepository(e.db).Get(ctx, id)
	require.NoError(t, err)
	var rs []campaign.RecipientSnapshot
	require.NoError(t, postgres.NewRecipientRepository(e.db).Each(ctx, id, func(s campaign.RecipientSnapshot) error {
		rs = append(rs, s)
		return nil
	}))
	require.Len(t, rs, 2)
	skips, err := e.guard.Check(ctx, camp, rs, e.clock.Now())
	require.NoError(t, err)
	assert.Empty(t, skips)

	require.NoError(t, e.db.Exec(`UPDATE invoices SET amount_paid = total, status = 'paid' WHERE id = ?`, inv).Error)
	skips, err = e.guard.Check(ctx, camp, rs, e.clock.Now())
	require.NoError(t, err)
	require.Len(t, skips, 1)
	for _, r := range rs {
		if r.CustomerID == payer {
			assert.Equal(t, dunning.SkipPaid, skips[r.ID])
		}
	}
}

// TestEscalationAssignsRoundRobinOnce: the last step hands each customer's
// conversation to the next agent with a note, once per key.
func TestEscalationAssignsRoundRobinOnce(t *testing.T) {
	t.Parallel()
	bogota, _ := time.LoadLocation("America/Bogota")
	e := newDunningEnv(t, "America/Bogota", time.Date(2026, 11, 24, 9, 0, 0, 0, bogota))
	ctx := t.Context()
	agents := []uuid.UUID{uuid.MustParse("00000000-0000-7000-8000-00000000000a"), uuid.MustParse("00000000-0000-7000-8000-00000000000b")}
	for i, a := range agents {
		require.NoError(t, e.db.Exec(`INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at)
			VALUES (?, ?, ?, 'agent', 'x', now(), now())`, a, fmt.Sprintf("a%d@saldo.test", i), fmt.Sprintf("Agente %d", i)).Error)
	}
	p, err := e.policies.Ready(ctx)
	require.NoError(t, err)
	d := p.Details()
	d.Steps = append(d.Steps, dunning.Step{Offset: 45, Kind: dunning.Escalate})
	_, err = e.policies.Save(ctx, d)
	require.NoError(t, err)

	var convs []uuid.UUID
	for i := range 3 {
		c := e.customer(fmt.Sprintf("Moroso %d", i))
		e.invoice(c, -45, "1200000", false)
		conv := uuid.New()
		require.NoError(t, e.db.Exec(`INSERT INTO conversations (id, number_id, wa_id, customer_id, status, priority, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'open', 'normal', now(), now())`, conv, conversation.NumberIDFor("1065"), fmt.Sprintf("57300888%04d", i), c).Error)
		convs = append(convs, conv)
	}
	r := e.run()
	assert.Equal(t, 3, r.Escalated)
	assert.Equal(t, 3, r.Counts[45][application.CountEscalated])
	assigned := map[uuid.UUID]int{}
	for _, conv := range convs {
		var assignee []string
		require.NoError(t, e.db.Raw(`SELECT assignee_id::text FROM conversations WHERE id = ?`, conv).Scan(&assignee).Error)
		require.Len(t, assignee, 1)
		assigned[uuid.MustParse(assignee[0])]++
		var notes []string
		require.NoError(t, e.db.Raw(`SELECT content->>'text' FROM messages WHERE conversation_id = ? AND type = 'note'`, conv).Scan(&notes).Error)
		require.Len(t, notes, 1)
		assert.Contains(t, notes[0], "Escalated by dunning: 45 days overdue, balance")
	}
	assert.Len(t, assigned, 2, "both agents get escalations")
	r = e.run()
	assert.Zero(t, r.Escalated, "once per customer and invoices")
}
