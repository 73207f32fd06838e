package application_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/clock"
	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/template"
	"github.com/saldocrm/saldo/ports"
)

// Hand-written fakes: each embeds its port and implements what the queries call.

type cqCampaigns struct {
	ports.CampaignRepository
	rows []ports.CampaignRow
}

func (f *cqCampaigns) Get(_ context.Context, id uuid.UUID) (*campaign.Campaign, error) {
	for _, r := range f.rows {
		if r.Campaign.ID() == id {
			return r.Campaign, nil
		}
	}
	return nil, campaign.ErrNotFound.New(id)
}

func (f *cqCampaigns) List(_ context.Context, filter ports.CampaignFilter) ([]ports.CampaignRow, error) {
	return f.rows[:min(filter.Limit, len(f.rows))], nil
}

func (f *cqCampaigns) Counters(_ context.Context, ids ...uuid.UUID) (map[uuid.UUID]campaign.Counters, error) {
	out := map[uuid.UUID]campaign.Counters{}
	for _, r := range f.rows {
		out[r.Campaign.ID()] = r.Counters
	}
	return out, nil
}

type cqRecipients struct {
	ports.RecipientRepository
	all []campaign.RecipientSnapshot
}

func (f *cqRecipients) List(_ context.Context, filter ports.RecipientFilter) ([]ports.RecipientRow, error) {
	var out []ports.RecipientRow
	for _, r := range f.all {
		if len(out) < filter.Limit {
			out = append(out, ports.RecipientRow{RecipientSnapshot: r})
		}
	}
	return out, nil
}

func (f *cqRecipients) Each(_ context.Context, _ uuid.UUID, fn func(campaign.RecipientSnapshot) error) error {
	for _, r := range f.all {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

type cqCustomers struct {
	ports.CustomerRepository
	ext   map[uuid.UUID]string
	calls int
}

func (f *cqCustomers) ExternalIDs(_ context.Context, ids []uuid.UUID) (map[uuid.UUID]string, error) {
	f.calls++
	out := map[uuid.UUID]string{}
	for _, id := range ids {
		out[id] = f.ext[id]
	}
	return out, nil
}

type cqTemplates struct {
	ports.TemplateRepository
	t *template.Template
}

func (f *cqTemplates) Get(_ context.Context, name, lang string) (*template.Template, error) {
	if f.t.Name() == name && f.t.Language() == lang {
		return f.t, nil
	}
	return nil, template.ErrNotFound.New(name)
}

type cqAudience struct {
	ports.AudienceQueries
	members []ports.AudienceMember
	facts   map[uuid.UUID]ports.CustomerFacts
}

func (f *cqAudience) Members(_ context.Context, _ campaign.Audience, _ date.Date, fn func([]ports.AudienceMember) error) error {
	return fn(f.members)
}

func (f *cqAudience) Facts(_ context.Context, ids []uuid.UUID, _ date.Date) (map[uuid.UUID]ports.CustomerFacts, error) {
	return f.facts, nil
}

type cqSegments struct{ ports.SegmentRepository }

type queriesWorld struct {
	q          *application.CampaignQueries
	campaigns  *cqCampaigns
	recipients *cqRecipients
	customers  *cqCustomers
	audience   *cqAudience
	tpl        *template.Template
}

func newQueriesWorld(t *testing.T) *queriesWorld {
	t.Helper()
	bogota, err := time.LoadLocation("America/Bogota")
	require.NoError(t, err)
	tpl := template.UnmarshalFromDatabase(uuid.Must(uuid.NewV7()), template.Details{
		Name: "recordatorio_pago", Language: "es", Category: template.Utility,
		Body: "Hola {{1}}, tienes {{2}} vencido. {{3}}", Footer: "Responde BAJA", Buttons: []template.Button{{Type: template.QuickReply, Text: "Ya pagué"}},
	}, template.Approved, "", "", now)
	w := &queriesWorld{
		campaigns: &cqCampaigns{}, recipients: &cqRecipients{}, customers: &cqCustomers{ext: map[uuid.UUID]string{}},
		audience: &cqAudience{facts: map[uuid.UUID]ports.CustomerFacts{}}, tpl: tpl,
	}
	w.q = application.NewCampaignQueries(w.campaigns, w.recipients, w.customers, &cqTemplates{t: tpl}, cqSegments{}, w.audience,
		clock.NewFixed(now), application.Org{Location: bogota})
	return w
}

func (w *queriesWorld) campaign(name string, vars []campaign.Variable, n campaign.Counters) *campaign.Campaign {
	c := campaign.UnmarshalFromDatabase(campaign.Snapshot{
		ID: uuid.Must(uuid.NewV7()), Kind: campaign.Broadcast, Status: campaign.Running, CreatedAt: now,
		Details: campaign.Details{
			Name: name, Template: "recordatorio_pago", Language: "es", Variables: vars,
			Audience: campaign.Audience{Groups: []uuid.UUID{uuid.Must(uuid.NewV7())}},
		},
	})
	w.campaigns.rows = append(w.campaigns.rows, ports.CampaignRow{Campaign: c, Counters: n})
	return c
}

func TestCampaignListPagesAndCarriesCounters(t *testing.T) {
	t.Parallel()
	w := newQueriesWorld(t)
	for range 3 {
		w.campaign("x", nil, campaign.Counters{Recipients: 3, Sent: 3, Delivered: 1})
	}
	rows, more, err := w.q.List(context.Background(), ports.CampaignFilter{Limit: 2})
	require.NoError(t, err)
	assert.Len(t, rows, 2)
	assert.True(t, more)
	assert.Equal(t, "33.33% 1/3", rows[0].Counters.DeliveryRate().String())
	rows, more, err = w.q.List(context.Background(), ports.CampaignFilter{Limit: 3})
	require.NoError(t, err)
	assert.Len(t, rows, 3)
	assert.False(t, more)

	_, err = w.q.Get(context.Background(), uuid.Must(uuid.NewV7()))
	require.ErrorIs(t, err, campaign.ErrNotFound)
	_, _, err = w.q.Recipients(context.Background(), ports.RecipientFilter{CampaignID: uuid.Must(uuid.NewV7())})
	require.ErrorIs(t, err, campaign.ErrNotFound, "an unknown campaign is not an empty list")
}

func TestExportWritesEveryRecipientWithTheCustomersERPIDs(t *testing.T) {
	t.Parallel()
	w := newQueriesWorld(t)
	c := w.campaign("Vencidos", nil, campaign.Counters{})
	for i := range 1203 {
		cust := uuid.Must(uuid.NewV7())
		w.customers.ext[cust] = "C-" + string(rune('A'+i%26))
		r := campaign.RecipientSnapshot{
			ID: uuid.Must(uuid.NewV7()), CampaignID: c.ID(), CustomerID: cust, Contact: "=HYPERLINK(\"x\")",
			WaID: "573001234567", Status: campaign.Read, Attempts: 1, WAMID: "wamid.1", SentAt: now, DeliveredAt: now, ReadAt: now, UpdatedAt: now,
		}
		if i == 0 {
			r.Status, r.Attempts, r.Failure = campaign.Failed, 2, &conversation.Failure{Code: 131026, Title: "Message undeliverable", Detail: "not on WhatsApp"}
			r.SentAt, r.DeliveredAt, r.ReadAt = time.Time{}, time.Time{}, time.Time{}
		}
		w.recipients.all = append(w.recipients.all, r)
	}
	var buf bytes.Buffer
	flushes := 0
	require.NoError(t, w.q.WriteCSV(context.Background(), c.ID(), &buf, func() { flushes++ }))
	assert.Equal(t, 3, w.customers.calls, "ERP ids read 500 recipients at a time")
	assert.Equal(t, 2, flushes, "the file streams")
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\ufeff")))).ReadAll()
	require.NoError(t, err)
	require.Len(t, records, 1204)
	assert.Equal(t, application.ExportColumns, records[0])
	assert.Equal(t, []string{
		`'=HYPERLINK("x")`, "+573001234567", "C-A", "failed", "", "2", "wamid.1", "131026", "Message undeliverable — not on WhatsApp",
		"", "", "", "2026-11-21T21:00:00-05:00",
	}, records[1], "formulas defused; times in Bogotá")
	assert.Equal(t, "2026-11-21T21:00:00-05:00", records[2][11])

	err = w.q.WriteCSV(context.Background(), uuid.Must(uuid.NewV7()), &buf, nil)
	require.ErrorIs(t, err, campaign.ErrNotFound)
	assert.Equal(t, "campaign-vencidos-30-d-as-recipients.csv", application.ExportFilename("Vencidos +30 días"))
}

func TestMessagePreviewUsesASampleCustomerOrLabels(t *testing.T) {
	t.Parallel()
	w := newQueriesWorld(t)
	vars := []campaign.Variable{{Source: campaign.FirstName}, {Source: campaign.OverdueTotal}, {Source: campaign.PaymentLink}}
	labels := map[campaign.Source]string{campaign.FirstName: "[Nombre]", campaign.OverdueTotal: "[Total vencido]", campaign.PaymentLink: "[Enlace de pago]"}

	// Nobody to sample: labels.
	p, err := w.q.MessagePreview(context.Background(), application.PreviewRequest{Template: "recordatorio_pago", Language: "es", Variables: vars, Labels: labels})
	require.NoError(t, err)
	assert.Equal(t, "Hola [Nombre], tienes [Total vencido] vencido. [Enlace de pago]", p.Body)
	assert.Empty(t, p.Customer)
	assert.Equal(t, "Responde BAJA", p.Footer)
	assert.Equal(t, []string{"Ya pagué"}, p.Buttons)

	// The first member who can receive it; a payment link keeps its label.
	optedOut, maria := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	w.audience.members = []ports.AudienceMember{{CustomerID: optedOut, Phone: "+573000000000", OptedOut: true}, {CustomerID: maria, Phone: "+573001234567"}}
	w.audience.facts[maria] = ports.CustomerFacts{Facts: campaign.Facts{
		Name: "María Ruiz", Language: customer.Spanish, Overdue: []money.Money{money.MustParse("1250000", "COP")},
	}}
	p, err = w.q.MessagePreview(context.Background(), application.PreviewRequest{
		Template: "recordatorio_pago", Language: "es", Variables: vars, Groups: []uuid.UUID{uuid.Must(uuid.NewV7())}, Labels: labels,
	})
	require.NoError(t, err)
	assert.Equal(t, "Hola María, tienes $ 1.250.000,00 COP vencido. [Enlace de pago]", p.Body)
	assert.Equal(t, "María Ruiz", p.Customer)

	// A stored campaign: its first recipient the message reached.
	c := w.campaign("Nov", vars, campaign.Counters{})
	w.recipients.all = []campaign.RecipientSnapshot{{CustomerID: optedOut, Status: campaign.Skipped}, {CustomerID: maria, Status: campaign.Delivered}}
	p, err = w.q.MessagePreview(context.Background(), application.PreviewRequest{CampaignID: c.ID(), Labels: labels})
	require.NoError(t, err)
	assert.Equal(t, "María Ruiz", p.Customer)

	_, err = w.q.MessagePreview(context.Background(), application.PreviewRequest{Template: "nope", Language: "es"})
	require.ErrorIs(t, err, template.ErrNotFound)
}
