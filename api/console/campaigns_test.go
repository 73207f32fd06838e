package console

import (
	"bytes"
	"html/template"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/ports"
)

func campaignPages(t *testing.T) *template.Template {
	t.Helper()
	bogota, err := time.LoadLocation("America/Bogota")
	require.NoError(t, err)
	return template.Must(template.New("").Funcs(funcs(application.Org{Location: bogota})).Funcs((&console{}).campaignFuncs()).
		ParseFS(templateFS, "templates/*.html"))
}

func TestCampaignListShowsRatesAndStatusesInWords(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 21, 15, 0, 0, 0, time.UTC)
	c := campaign.UnmarshalFromDatabase(campaign.Snapshot{
		ID: uuid.Must(uuid.NewV7()), Kind: campaign.Broadcast, Status: campaign.Running, CreatedAt: now,
		Details: campaign.Details{Name: "Vencidos noviembre", Template: "recordatorio_pago", Language: "es"},
	})
	v := CampaignsView{Rows: []ports.CampaignRow{{Campaign: c, Counters: campaign.Counters{Recipients: 4, Skipped: 1, Sent: 3, Delivered: 1, Read: 1}}}}
	for l, status := range map[Lang]string{ES: "En curso", PT: "Em andamento", EN: "In progress"} {
		var out bytes.Buffer
		require.NoError(t, campaignPages(t).ExecuteTemplate(&out, "campaigns.html", page{L: l, Data: v}))
		assert.Contains(t, out.String(), "33.33% 1/3", "delivery and read rates")
		assert.Contains(t, out.String(), `cmp-status-running">`+status+"<")
		assert.Contains(t, out.String(), "Vencidos noviembre")
		assert.Contains(t, out.String(), "21 nov 2026"[:2], "created, in Bogotá")
	}
}

func TestAnInboundReplyToACampaignShowsItsChip(t *testing.T) {
	t.Parallel()
	id := uuid.Must(uuid.NewV7())
	campaignNames.Store(id, "Cobro noviembre")
	m := conversation.UnmarshalMessageFromDatabase(conversation.MessageRecord{
		ID: uuid.Must(uuid.NewV7()), CampaignID: id, Direction: conversation.Inbound,
		Content: conversation.Content{Type: conversation.Text, Text: "Ya pagué"}, CreatedAt: time.Now(),
	})
	var out bytes.Buffer
	require.NoError(t, campaignPages(t).ExecuteTemplate(&out, "message", MessageView{L: ES, M: m, Campaigns: true}))
	assert.Contains(t, out.String(), `href="/campaigns/`+id.String()+`"`, "a manager can open the campaign")
	assert.Contains(t, out.String(), "Respuesta a la campaña «Cobro noviembre»")
	out.Reset()
	require.NoError(t, campaignPages(t).ExecuteTemplate(&out, "message", MessageView{L: ES, M: m}))
	assert.NotContains(t, out.String(), `href="/campaigns/`, "an agent, who may not open campaigns, gets no link")
	assert.Contains(t, out.String(), "Respuesta a la campaña «Cobro noviembre»", "but sees what the reply answers")

	plain := conversation.UnmarshalMessageFromDatabase(conversation.MessageRecord{
		ID: uuid.Must(uuid.NewV7()), Direction: conversation.Inbound, Content: conversation.Content{Type: conversation.Text, Text: "hola"}, CreatedAt: time.Now(),
	})
	out.Reset()
	require.NoError(t, campaignPages(t).ExecuteTemplate(&out, "message", MessageView{L: ES, M: plain}))
	assert.NotContains(t, out.String(), "campaign-chip")
}

func TestCampaignFormChecksWhatFinanceTyped(t *testing.T) {
	t.Parallel()
	bogota, err := time.LoadLocation("America/Bogota")
	require.NoError(t, err)
	c := &console{Deps: Deps{Org: application.Org{Location: bogota}}}
	seg := uuid.Must(uuid.NewV7()).String()

	_, problems := c.command(ES, CampaignForm{Audience: "segment", Retries: "pronto", When: "later", Sources: []string{"text"}, Texts: []string{" "}})
	assert.Equal(t, []string{
		"Escriba un nombre para la campaña.", "Elija una plantilla aprobada.", "Elija uno o más grupos, o un segmento.",
		"Escriba el texto fijo de la variable {{1}}.", "Indique fecha y hora del envío (o envíe ahora).",
		"Los reintentos son esperas como 1h, 90m o 6h separadas por comas.",
	}, problems)

	cmd, problems := c.command(EN, CampaignForm{
		Name: "Nov", Template: "recordatorio_pago|es", Audience: "segment", SegmentID: seg, When: "later", ScheduledAt: "2026-11-25T09:30",
		Retries: "1h, 90m,6 h", Sources: []string{"customer.first_name", "text"}, Texts: []string{"", "Cartera"},
	})
	require.Empty(t, problems)
	assert.Equal(t, "recordatorio_pago", cmd.Template)
	assert.Equal(t, "es", cmd.Language)
	assert.Equal(t, seg, cmd.SegmentID.String())
	assert.Equal(t, time.Date(2026, 11, 25, 14, 30, 0, 0, time.UTC), cmd.ScheduledAt.UTC(), "09:30 in Bogotá")
	assert.Equal(t, []time.Duration{time.Hour, 90 * time.Minute, 6 * time.Hour}, cmd.RetryIntervals)
	assert.Equal(t, []campaign.Variable{{Source: campaign.FirstName}, {Source: campaign.Text, Text: "Cartera"}}, cmd.Variables)

	cmd, problems = c.command(ES, CampaignForm{Name: "x", Template: "a|es", Audience: "groups", Groups: []string{seg}, SegmentID: seg, When: "now", Retries: ""})
	require.Empty(t, problems)
	assert.Equal(t, uuid.Nil, cmd.SegmentID, "groups chosen: the segment select is ignored")
	assert.Len(t, cmd.Groups, 1)
	assert.Equal(t, []time.Duration{}, cmd.RetryIntervals, "empty: no retries")
	assert.True(t, cmd.ScheduledAt.IsZero(), "send now")
}

func TestSegmentFormAndCriteriaInWords(t *testing.T) {
	t.Parallel()
	cr, problems := SegmentForm{MinDays: "31", MinOverdue: "500000", Currency: "COP", Buckets: []string{"31-60", "61-90"}, Tags: "vip, mayorista", NoPromise: true}.criteria(ES)
	require.Empty(t, problems)
	assert.Equal(t, 31, cr.MinDaysOverdue)
	assert.Equal(t, money.MustParse("500000", "COP"), cr.MinOverdue)
	assert.Equal(t, []invoice.Bucket{invoice.Days31To60, invoice.Days61To90}, cr.Buckets)
	assert.Equal(t, "≥ 31 días de mora · vencido ≥ $ 500.000,00 COP · 31–60 días, 61–90 días · etiquetas: vip, mayorista · sin promesa pendiente",
		describeCriteria(ES, cr))
	assert.Equal(t, "Every customer", describeCriteria(EN, campaign.Criteria{}))

	_, problems = SegmentForm{MinDays: "-1", MinOverdue: "abc", Currency: "COP"}.criteria(ES)
	assert.Equal(t, []string{"Los días de mora son un número entero de 0 a 3.650.", "El saldo mínimo debe ser un número como 500000 o 1250.50."}, problems)
	_, problems = SegmentForm{MinOverdue: "100"}.criteria(PT)
	assert.Equal(t, []string{"Escolha a moeda do saldo mínimo."}, problems)
}

func TestRetryIntervalsReadAndWrittenAsPeopleDo(t *testing.T) {
	t.Parallel()
	for in, want := range map[time.Duration]string{time.Hour: "1h", 90 * time.Minute: "90m", 6 * time.Hour: "6h", 90 * time.Second: "1m30s"} {
		assert.Equal(t, want, formatInterval(in))
	}
	_, ok := parseIntervals("1h, luego")
	assert.False(t, ok)
}
