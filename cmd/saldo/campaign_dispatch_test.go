package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
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
	"github.com/saldocrm/saldo/adapters/whatsapp"
	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/dispute"
	"github.com/saldocrm/saldo/domain/group"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/template"
	"github.com/saldocrm/saldo/ports"
)

// scriptedGateway is WhatsApp for dispatch tests: it answers each number as
// scripted (a list of answers, used in turn; the last repeats) and counts
// what it was sent.
type scriptedGateway struct {
	mu      sync.Mutex
	script  map[string][]error
	sent    map[string]int
	refs    map[string]string
	params  map[string][]string
	counter int
}

func newScriptedGateway() *scriptedGateway {
	return &scriptedGateway{script: map[string][]error{}, sent: map[string]int{}, refs: map[string]string{}, params: map[string][]string{}}
}

func (g *scriptedGateway) Send(_ context.Context, _ conversation.BusinessNumber, waID string, c conversation.Content, ref string) (string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if s := g.script[waID]; len(s) > 0 {
		err := s[0]
		if len(s) > 1 {
			g.script[waID] = s[1:]
		}
		if err != nil {
			return "", err
		}
	}
	g.sent[waID]++
	g.refs[waID] = ref
	if c.Template != nil {
		g.params[waID] = c.Template.BodyParams
	}
	g.counter++
	return fmt.Sprintf("wamid.%s.%d", waID, g.counter), nil
}

func (g *scriptedGateway) MarkRead(context.Context, conversation.BusinessNumber, string) error {
	return nil
}

func (g *scriptedGateway) count(waID string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.sent[waID]
}

// unlimited grants every send slot at once.
type unlimited struct{}

func (unlimited) Take(_ context.Context, _ string, n int) (int, time.Duration, error) {
	return n, 0, nil
}

// campaignFixture is a database with a business number, an approved
// template and customers owing money, and the campaign use cases over it.
type campaignFixture struct {
	db       *gorm.DB
	clock    *clock.Fixed
	uow      *postgres.UnitOfWork
	repo     *postgres.CampaignRepository
	gateway  *scriptedGateway
	start    *application.StartCampaign
	dispatch *application.DispatchCampaign
	number   conversation.BusinessNumber
	org      application.Org
}

func newCampaignFixture(t *testing.T) *campaignFixture {
	t.Helper()
	db := pgtest.New(t)
	bogota, err := time.LoadLocation("America/Bogota")
	require.NoError(t, err)
	f := &campaignFixture{
		db: db, clock: clock.NewFixed(time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC)), uow: postgres.NewUnitOfWork(db),
		repo: postgres.NewCampaignRepository(db), gateway: newScriptedGateway(),
		org: application.Org{Location: bogota, Currency: money.MustCurrency("COP"), Language: "es"},
	}
	f.number = conversation.BusinessNumber{ID: conversation.NumberIDFor(testPhoneNumberID), PhoneNumberID: testPhoneNumberID, BusinessAccountID: testWABA, Color: "#25d366"}
	numbers := postgres.NewNumberRepository(db)
	require.NoError(t, numbers.Save(t.Context(), f.number))
	tpl, err := template.New(uuid.New(), template.Details{
		Name: "saldo_vencido", Language: "es", Category: template.Utility,
		Body: "Hola {{1}}, tiene {{2}} vencido.", Examples: []string{"Ana", "$ 100"},
	}, f.clock.Now())
	require.NoError(t, err)
	tpl.Review("APPROVED", "", f.clock.Now())
	require.NoError(t, postgres.NewTemplateRepository(db).Save(t.Context(), tpl))
	audience := postgres.NewAudienceQueries(db)
	log := slog.New(slog.DiscardHandler)
	f.start = application.NewStartCampaign(f.uow, audience, f.clock, f.org, log)
	f.dispatch = application.NewDispatchCampaign(f.uow, f.repo, numbers, audience, f.gateway, unlimited{}, postgres.NewWebhookInbox(db),
		f.clock, f.org, log, application.DispatchConfig{Batch: 7, Parallel: 4, InDoubtGrace: time.Minute})
	return f
}

// customer stores a customer with phone and an invoice due dueDaysAgo days
// before today (not overdue when 0 or less).
func (f *campaignFixture) customer(t *testing.T, ext, name, phone string, dueDaysAgo int, optedOut bool) uuid.UUID {
	t.Helper()
	now := f.clock.Now()
	c, err := customer.New(customer.Details{ExternalID: ext, Name: name, Phone: phone}, now)
	require.NoError(t, err)
	if optedOut {
		c.OptOut(now)
	}
	require.NoError(t, postgres.NewCustomerRepository(f.db).Save(t.Context(), c))
	today := f.org.Today(now)
	inv, err := invoice.New(invoice.Details{
		ExternalID: "INV-" + ext, CustomerID: c.ID(), Number: "F-" + ext, Currency: "COP",
		IssueDate: today.AddDays(-dueDaysAgo - 30).String(), DueDate: today.AddDays(-dueDaysAgo).String(), Total: "150000",
	}, now)
	require.NoError(t, err)
	require.NoError(t, postgres.NewInvoiceRepository(f.db).Save(t.Context(), inv))
	return c.ID()
}

// webhook stores a WhatsApp webhook body and applies it, as the worker does.
func (f *campaignFixture) webhook(t *testing.T, body string) {
	t.Helper()
	inbox := postgres.NewWebhookInbox(f.db)
	id := uuid.Must(uuid.NewV7())
	require.NoError(t, inbox.Store(t.Context(), ports.WebhookEvent{ID: id, Source: "whatsapp", Body: []byte(body), ReceivedAt: f.clock.Now()}))
	process := application.NewProcessWhatsAppWebhook(whatsapp.Decoder{}, inbox, postgres.NewNumberRepository(f.db),
		postgres.NewCustomerFinder(f.db), f.uow, f.clock, slog.New(slog.DiscardHandler))
	require.NoError(t, process.Handle(t.Context(), id))
	e, err := inbox.Get(t.Context(), id)
	require.NoError(t, err)
	require.False(t, e.ProcessedAt.IsZero(), "the webhook was applied: %s", e.LastError)
}

func (f *campaignFixture) campaign(t *testing.T, d campaign.Details) *campaign.Campaign {
	t.Helper()
	tpl, err := postgres.NewTemplateRepository(f.db).Get(t.Context(), "saldo_vencido", "es")
	require.NoError(t, err)
	d.NumberID = f.number.ID
	d.Variables = []campaign.Variable{{Source: campaign.FirstName}, {Source: campaign.OverdueTotal}}
	c, err := campaign.New(uuid.Must(uuid.NewV7()), campaign.Broadcast, d, tpl, f.clock.Now())
	require.NoError(t, err)
	require.NoError(t, f.repo.Save(t.Context(), c))
	return c
}

func (f *campaignFixture) recipients(t *testing.T, id uuid.UUID) map[string]campaign.RecipientSnapshot {
	t.Helper()
	out := map[string]campaign.RecipientSnapshot{}
	require.NoError(t, postgres.NewRecipientRepository(f.db).Each(t.Context(), id, func(s campaign.RecipientSnapshot) error {
		out[s.Contact] = s
		return nil
	}))
	return out
}

func TestCampaignSnapshotSkipsAndCountsWhy(t *testing.T) {
	t.Parallel()
	f := newCampaignFixture(t)
	f.customer(t, "C1", "Ana Gómez", "+573001110001", 45, false)
	f.customer(t, "C2", "Beto Ruiz", "+573001110002", 40, true)  // opted out
	f.customer(t, "C3", "Caro Díaz", "+573001110001", 35, false) // Ana's number again
	f.customer(t, "C4", "Dani Paz", "", 60, false)               // no phone
	f.customer(t, "C5", "Eva Luna", "+573001110005", 10, false)  // overdue, but not 31 days
	f.customer(t, "C6", "Fer Soto", "+573001110006", -5, false)  // not due yet
	c := f.campaign(t, campaign.Details{Name: "Vencidas +30", Audience: campaign.Audience{
		SegmentID: uuid.New(), Criteria: campaign.Criteria{MinDaysOverdue: 31},
	}})

	preview, err := application.NewPreviewAudience(postgres.NewAudienceQueries(f.db), postgres.NewSegmentRepository(f.db), f.clock, f.org).
		Handle(t.Context(), nil, uuid.Nil, &campaign.Criteria{MinDaysOverdue: 31})
	require.NoError(t, err)
	assert.Equal(t, 4, preview.Customers)
	assert.Equal(t, 1, preview.WillReceive)
	assert.Equal(t, map[string]int{campaign.SkipOptedOut: 1, campaign.SkipDuplicate: 1, campaign.SkipNoPhone: 1}, preview.Skipped)

	n, err := f.start.Handle(t.Context(), c.ID())
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	n, err = f.start.Handle(t.Context(), c.ID()) // a redelivered start task
	require.NoError(t, err)
	assert.Zero(t, n, "a started campaign is not snapshotted again")
	counts, err := f.repo.Counters(t.Context(), c.ID())
	require.NoError(t, err)
	assert.Equal(t, campaign.Counters{Recipients: 4, Skipped: 3, Pending: 1}, counts[c.ID()])

	_, err = f.dispatch.Handle(t.Context(), c.ID())
	require.NoError(t, err)
	assert.Equal(t, 1, f.gateway.count("573001110001"), "one message per number")
	assert.Zero(t, f.gateway.count("573001110002"), "opted out")
	rs := f.recipients(t, c.ID())
	sent, dup := rs["Ana Gómez"], rs["Caro Díaz"]
	if sent.Status != campaign.Sent {
		sent, dup = dup, sent
	}
	first, _, _ := strings.Cut(sent.Contact, " ")
	assert.Equal(t, campaign.Sent, sent.Status)
	assert.Equal(t, campaign.Skipped, dup.Status)
	assert.Equal(t, campaign.SkipDuplicate, dup.SkipReason)
	assert.Equal(t, []string{first, money.MustParse("150000", "COP").Format("es")}, f.gateway.params["573001110001"])
	assert.Equal(t, application.RecipientRef(sent.ID), f.gateway.refs["573001110001"])
	assert.Equal(t, campaign.SkipOptedOut, rs["Beto Ruiz"].SkipReason)
	assert.Equal(t, campaign.SkipNoPhone, rs["Dani Paz"].SkipReason)
}

func TestCampaignRetriesAtItsIntervalsThenMovesToTheFailureGroup(t *testing.T) {
	t.Parallel()
	f := newCampaignFixture(t)
	f.customer(t, "C1", "Ana Gómez", "+573001110001", 45, false)
	flaky := f.customer(t, "C2", "Beto Ruiz", "+573001110002", 45, false)
	gone := f.customer(t, "C3", "Caro Díaz", "+573001110003", 45, false)
	limited := &ports.SendError{Failure: conversation.Failure{Code: 130429, Title: "Rate limit hit"}, Retryable: true}
	f.gateway.script["573001110002"] = []error{limited, limited, limited, limited}
	f.gateway.script["573001110003"] = []error{&ports.SendError{Failure: conversation.Failure{Code: 131026, Title: "Message undeliverable"}}}
	groups := postgres.NewGroupRepository(f.db)
	g, err := group.New(uuid.New(), "Sin contacto", "", f.clock.Now())
	require.NoError(t, err)
	require.NoError(t, groups.Save(t.Context(), g))
	c := f.campaign(t, campaign.Details{Name: "Vencidas", FailureGroupID: g.ID(), Audience: campaign.Audience{
		SegmentID: uuid.New(), Criteria: campaign.Criteria{MinDaysOverdue: 1},
	}})
	_, err = f.start.Handle(t.Context(), c.ID())
	require.NoError(t, err)

	run := func() {
		t.Helper()
		_, err := f.dispatch.Handle(t.Context(), c.ID())
		require.NoError(t, err)
	}
	run()
	rs := f.recipients(t, c.ID())
	assert.Equal(t, campaign.Sent, rs["Ana Gómez"].Status)
	assert.Equal(t, campaign.Failed, rs["Caro Díaz"].Status, "131026 is not retried")
	assert.Equal(t, 131026, rs["Caro Díaz"].Failure.Code)
	beto := rs["Beto Ruiz"]
	assert.Equal(t, campaign.Pending, beto.Status)
	assert.Equal(t, f.clock.Now().Add(time.Hour), beto.NextAttemptAt, "first retry an hour later")

	for i, wait := range []time.Duration{time.Hour, 3 * time.Hour, 6 * time.Hour} {
		f.clock.Advance(wait - time.Minute)
		run()
		assert.Equal(t, campaign.Pending, f.recipients(t, c.ID())["Beto Ruiz"].Status)
		assert.Equal(t, i+1, f.recipients(t, c.ID())["Beto Ruiz"].Attempts, "no attempt before the interval is over")
		f.clock.Advance(time.Minute)
		run()
		assert.Equal(t, i+2, f.recipients(t, c.ID())["Beto Ruiz"].Attempts)
	}
	beto = f.recipients(t, c.ID())["Beto Ruiz"]
	assert.Equal(t, campaign.Failed, beto.Status, "after the third retry it fails for good")
	assert.Equal(t, 130429, beto.Failure.Code)
	members, err := groups.MemberIDs(t.Context(), g.ID())
	require.NoError(t, err)
	assert.ElementsMatch(t, []uuid.UUID{flaky, gone}, members, "customers that failed for good join the failure group")
	assert.Equal(t, 1, f.gateway.count("573001110001"), "the delivered one is never sent again")
}

func TestTwoDispatchersSendEachRecipientOnce(t *testing.T) {
	t.Parallel()
	f := newCampaignFixture(t)
	for i := range 60 {
		f.customer(t, fmt.Sprintf("C%02d", i), fmt.Sprintf("Cliente %02d", i), fmt.Sprintf("+5730011100%02d", i), 40, false)
	}
	c := f.campaign(t, campaign.Details{Name: "Todos", Audience: campaign.Audience{SegmentID: uuid.New(), Criteria: campaign.Criteria{MinDaysOverdue: 1}}})
	_, err := f.start.Handle(t.Context(), c.ID())
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			_, err := f.dispatch.Handle(t.Context(), c.ID())
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	for i := range 60 {
		assert.Equal(t, 1, f.gateway.count(fmt.Sprintf("5730011100%02d", i)), "recipient %d", i)
	}
}

func TestSendsInDoubtAreSettledByTheirWebhookOrSentAgain(t *testing.T) {
	t.Parallel()
	f := newCampaignFixture(t)
	f.customer(t, "C1", "Ana Gómez", "+573001110001", 45, false)
	f.customer(t, "C2", "Beto Ruiz", "+573001110002", 45, false)
	lost := &ports.SendError{Failure: conversation.Failure{Title: "timeout calling the Graph API"}, Retryable: true}
	// Both answers are lost; WhatsApp took Ana's message (a webhook says so) but not Beto's.
	f.gateway.script["573001110001"] = []error{lost, nil}
	f.gateway.script["573001110002"] = []error{lost, nil}
	c := f.campaign(t, campaign.Details{Name: "Dudas", Audience: campaign.Audience{SegmentID: uuid.New(), Criteria: campaign.Criteria{MinDaysOverdue: 1}}})
	_, err := f.start.Handle(t.Context(), c.ID())
	require.NoError(t, err)
	_, err = f.dispatch.Handle(t.Context(), c.ID())
	require.NoError(t, err)
	rs := f.recipients(t, c.ID())
	require.Equal(t, campaign.Sending, rs["Ana Gómez"].Status, "an unanswered send stays in doubt")

	// Ana's "sent" webhook names her recipient, not a wamid Saldo knows.
	f.webhook(t, fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":%q,"changes":[{"field":"messages","value":{
		"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":%q},
		"statuses":[{"id":"wamid.ana","status":"sent","timestamp":"%d","recipient_id":"573001110001","biz_opaque_callback_data":%q}]}}]}]}`,
		testWABA, testPhoneNumberID, f.clock.Now().Unix(), application.RecipientRef(rs["Ana Gómez"].ID)))

	_, err = f.dispatch.Handle(t.Context(), c.ID())
	require.NoError(t, err)
	assert.Equal(t, campaign.Sending, f.recipients(t, c.ID())["Beto Ruiz"].Status, "not sent again within the grace")
	f.clock.Advance(2 * time.Minute)
	_, err = f.dispatch.Handle(t.Context(), c.ID())
	require.NoError(t, err)
	rs = f.recipients(t, c.ID())
	assert.Equal(t, campaign.Sent, rs["Ana Gómez"].Status)
	assert.Equal(t, "wamid.ana", rs["Ana Gómez"].WAMID)
	assert.Equal(t, campaign.Sent, rs["Beto Ruiz"].Status)
	assert.Zero(t, f.gateway.count("573001110001"), "Ana's message, taken by WhatsApp, is not sent again")
	assert.Equal(t, 1, f.gateway.count("573001110002"), "Beto's, never taken, is sent after the grace")
}

func TestRecipientStatusWebhooksRedeliveredAndOutOfOrderOnlyMoveForward(t *testing.T) {
	t.Parallel()
	f := newCampaignFixture(t)
	f.customer(t, "C1", "Ana Gómez", "+573001110001", 45, false)
	c := f.campaign(t, campaign.Details{Name: "Estados", Audience: campaign.Audience{SegmentID: uuid.New(), Criteria: campaign.Criteria{MinDaysOverdue: 1}}})
	_, err := f.start.Handle(t.Context(), c.ID())
	require.NoError(t, err)
	_, err = f.dispatch.Handle(t.Context(), c.ID())
	require.NoError(t, err)
	wamid := f.recipients(t, c.ID())["Ana Gómez"].WAMID
	require.NotEmpty(t, wamid)
	status := func(st string, at time.Time, extra string) string {
		return fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":%q,"changes":[{"field":"messages","value":{
			"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":%q},
			"statuses":[{"id":%q,"status":%q,"timestamp":"%d","recipient_id":"573001110001"%s}]}}]}]}`,
			testWABA, testPhoneNumberID, wamid, st, at.Unix(), extra)
	}
	now := f.clock.Now()
	f.webhook(t, status("read", now.Add(2*time.Second), ""))    // read arrives first
	f.webhook(t, status("delivered", now.Add(time.Second), "")) // then the delivered it implied
	f.webhook(t, status("read", now.Add(2*time.Second), ""))    // and read again, redelivered
	f.webhook(t, status("sent", now, ""))                       // and the sent that came last
	f.webhook(t, status("failed", now.Add(3*time.Second), `,"errors":[{"code":131026,"title":"Message undeliverable"}]`))
	r := f.recipients(t, c.ID())["Ana Gómez"]
	assert.Equal(t, campaign.Read, r.Status, "read stays read")
	assert.Nil(t, r.Failure, "a failure after read is news of nothing")
	assert.False(t, r.DeliveredAt.IsZero(), "read implies delivered")
	counts, err := f.repo.Counters(t.Context(), c.ID())
	require.NoError(t, err)
	assert.Equal(t, campaign.Counters{Recipients: 1, Sent: 1, Delivered: 1, Read: 1}, counts[c.ID()])
}

func TestALateRetryableFailureReopensAFinishedCampaign(t *testing.T) {
	t.Parallel()
	f := newCampaignFixture(t)
	f.customer(t, "C1", "Ana Gómez", "+573001110001", 45, false)
	c := f.campaign(t, campaign.Details{Name: "Tarde", Audience: campaign.Audience{SegmentID: uuid.New(), Criteria: campaign.Criteria{MinDaysOverdue: 1}}})
	_, err := f.start.Handle(t.Context(), c.ID())
	require.NoError(t, err)
	_, err = f.dispatch.Handle(t.Context(), c.ID())
	require.NoError(t, err)
	sweep := application.NewSweepCampaigns(f.repo, f.uow, nopQueue{}, nopQueue{}, f.clock, slog.New(slog.DiscardHandler), 1)
	require.NoError(t, sweep.Handle(t.Context()))
	got, err := f.repo.Get(t.Context(), c.ID())
	require.NoError(t, err)
	require.Equal(t, campaign.Finished, got.Status(), "everyone was accepted")

	// WhatsApp then reports the message failed for a reason that may pass.
	wamid := f.recipients(t, c.ID())["Ana Gómez"].WAMID
	f.webhook(t, fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":%q,"changes":[{"field":"messages","value":{
		"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":%q},
		"statuses":[{"id":%q,"status":"failed","timestamp":"%d","recipient_id":"573001110001",
		"errors":[{"code":131000,"title":"Something went wrong"}]}]}}]}]}`, testWABA, testPhoneNumberID, wamid, f.clock.Now().Unix()))
	r := f.recipients(t, c.ID())["Ana Gómez"]
	assert.Equal(t, campaign.Pending, r.Status, "retried later")
	assert.Equal(t, f.clock.Now().Add(time.Hour), r.NextAttemptAt)
	got, err = f.repo.Get(t.Context(), c.ID())
	require.NoError(t, err)
	assert.Equal(t, campaign.Running, got.Status(), "the campaign runs again for the retry")

	f.clock.Advance(time.Hour)
	_, err = f.dispatch.Handle(t.Context(), c.ID())
	require.NoError(t, err)
	assert.Equal(t, 2, f.gateway.count("573001110001"), "sent again after an hour")
}

// nopQueue takes jobs and runs none: the test runs the use cases itself.
type nopQueue struct{}

func (nopQueue) Enqueue(context.Context, string, uuid.UUID, time.Time) error   { return nil }
func (nopQueue) EnqueueShard(context.Context, string, uuid.UUID, string) error { return nil }

func TestAnAgentsMessageInDoubtIsSettledByItsWebhookOrSentAgain(t *testing.T) {
	t.Parallel()
	f := newCampaignFixture(t)
	deliver := application.NewDeliverMessage(postgres.NewMessageRepository(f.db), postgres.NewConversationRepository(f.db),
		postgres.NewNumberRepository(f.db), f.gateway, f.uow, f.clock)
	deliver.InDoubt(postgres.NewWebhookInbox(f.db), time.Minute)
	send := application.NewSendMessage(f.uow, nopQueue{}, f.clock, slog.New(slog.DiscardHandler))
	lost := &ports.SendError{Failure: conversation.Failure{Title: "timeout calling the Graph API"}, Retryable: true}
	messageTo := func(waID string) uuid.UUID {
		t.Helper()
		f.webhook(t, fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":%q,"changes":[{"field":"messages","value":{
			"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":%q},
			"contacts":[{"profile":{"name":"Cliente"},"wa_id":%q}],
			"messages":[{"from":%q,"id":"wamid.in.%s","timestamp":"%d","type":"text","text":{"body":"Hola"}}]}}]}]}`,
			testWABA, testPhoneNumberID, waID, waID, waID, f.clock.Now().Unix()))
		convs, err := postgres.NewConversationRepository(f.db).List(t.Context(), ports.ConversationFilter{WaID: waID, Page: ports.Page{Limit: 1}})
		require.NoError(t, err)
		require.Len(t, convs, 1)
		m, err := send.Handle(t.Context(), application.SendMessageCommand{
			ConversationID: convs[0].ID(),
			Content:        conversation.Content{Type: conversation.Text, Text: "Su saldo es $ 150.000"},
		})
		require.NoError(t, err)
		return m.ID()
	}
	taken, never := messageTo("573001110001"), messageTo("573001110002")
	// Both answers are lost; WhatsApp took the first message (its webhook says so), not the second.
	f.gateway.script["573001110001"] = []error{lost, nil}
	f.gateway.script["573001110002"] = []error{lost, nil}
	for _, id := range []uuid.UUID{taken, never} {
		require.Error(t, deliver.Handle(t.Context(), id), "no answer: the job is retried")
		assert.ErrorIs(t, deliver.Handle(t.Context(), id), application.ErrSendInDoubt, "and waits while the outcome is unknown")
	}
	f.webhook(t, fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":%q,"changes":[{"field":"messages","value":{
		"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":%q},
		"statuses":[{"id":"wamid.taken","status":"delivered","timestamp":"%d","recipient_id":"573001110001","biz_opaque_callback_data":%q}]}}]}]}`,
		testWABA, testPhoneNumberID, f.clock.Now().Unix(), application.MessageRef(taken)))
	m, err := postgres.NewMessageRepository(f.db).Get(t.Context(), taken)
	require.NoError(t, err)
	assert.Equal(t, "wamid.taken", m.WAMID(), "the webhook told its WhatsApp id")
	assert.Equal(t, conversation.Delivered, m.Status())

	f.clock.Advance(2 * time.Minute)
	require.NoError(t, deliver.Handle(t.Context(), taken))
	require.NoError(t, deliver.Handle(t.Context(), never))
	assert.Zero(t, f.gateway.count("573001110001"), "the message WhatsApp took is not sent again")
	assert.Equal(t, 1, f.gateway.count("573001110002"), "the one it never took is sent after the grace")
	m, err = postgres.NewMessageRepository(f.db).Get(t.Context(), never)
	require.NoError(t, err)
	assert.Equal(t, conversation.Sent, m.Status())
}

func TestADisputedInvoiceIsOutOfCampaignSegmentsAndTotals(t *testing.T) {
	t.Parallel()
	f := newCampaignFixture(t)
	f.customer(t, "C1", "Ana Gómez", "+573001110001", 45, false)
	disputed := f.customer(t, "C2", "Beto Ruiz", "+573001110002", 45, false)
	invs, err := postgres.NewInvoiceRepository(f.db).OpenByCustomer(t.Context(), disputed)
	require.NoError(t, err)
	require.Len(t, invs, 1)
	err = postgres.NewDisputeRepository(f.db).Update(t.Context(), invs[0].ID(), func(*dispute.Dispute) (*dispute.Dispute, error) {
		return dispute.Open(invs[0].ID(), "El cliente no recibió la mercancía", uuid.Nil, f.clock.Now())
	})
	require.NoError(t, err)

	preview, err := application.NewPreviewAudience(postgres.NewAudienceQueries(f.db), postgres.NewSegmentRepository(f.db), f.clock, f.org).
		Handle(t.Context(), nil, uuid.Nil, &campaign.Criteria{MinDaysOverdue: 31})
	require.NoError(t, err)
	assert.Equal(t, 1, preview.Customers, "the disputed invoice puts nobody in the segment")
	assert.Equal(t, []string{"Ana Gómez"}, preview.Sample)

	facts, err := postgres.NewAudienceQueries(f.db).Facts(t.Context(), []uuid.UUID{disputed}, f.org.Today(f.clock.Now()))
	require.NoError(t, err)
	assert.Empty(t, facts[disputed].Overdue, "nothing overdue to tell the customer about")
	assert.Len(t, facts[disputed].Balance, 1, "the balance still counts it, as reports do")
}

func TestAFailureGroupDeletedMeanwhileDoesNotHoldTheBatch(t *testing.T) {
	t.Parallel()
	f := newCampaignFixture(t)
	f.customer(t, "C1", "Ana Gómez", "+573001110001", 45, false)
	f.customer(t, "C3", "Caro Díaz", "+573001110003", 45, false)
	f.gateway.script["573001110003"] = []error{&ports.SendError{Failure: conversation.Failure{Code: 131026, Title: "Message undeliverable"}}}
	groups := postgres.NewGroupRepository(f.db)
	g, err := group.New(uuid.New(), "Sin contacto", "", f.clock.Now())
	require.NoError(t, err)
	require.NoError(t, groups.Save(t.Context(), g))
	c := f.campaign(t, campaign.Details{Name: "Grupo borrado", FailureGroupID: g.ID(), Audience: campaign.Audience{
		SegmentID: uuid.New(), Criteria: campaign.Criteria{MinDaysOverdue: 1},
	}})
	require.NoError(t, groups.Delete(t.Context(), g.ID()))
	_, err = f.start.Handle(t.Context(), c.ID())
	require.NoError(t, err)
	_, err = f.dispatch.Handle(t.Context(), c.ID())
	require.NoError(t, err, "the batch is recorded")
	rs := f.recipients(t, c.ID())
	assert.Equal(t, campaign.Sent, rs["Ana Gómez"].Status)
	assert.Equal(t, campaign.Failed, rs["Caro Díaz"].Status)
}
