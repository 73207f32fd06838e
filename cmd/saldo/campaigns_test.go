package main

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/user"
)

// campaignChannel is Saldo with the simulator, a worker that sweeps
// campaigns every 100 ms, the approved templates synced, and a manager and
// an agent who can sign in to the console.
func campaignChannel(t *testing.T) *channel {
	t.Helper()
	c := startChannel(t, pgtest.URL(t), func(cfg *config) {
		cfg.Campaigns = campaignsConfig{SendRate: 80, Dispatchers: 2, InDoubtGrace: 10 * time.Second, SweepEvery: 100 * time.Millisecond}
	})
	c.startWorker(t)
	create := application.NewCreateUser(c.app.users, c.app.hasher, c.app.clock)
	for _, u := range []struct {
		email, name string
		role        user.Role
	}{{"agent@saldo.test", "Ana Agente", user.Agent}, {"manager@saldo.test", "Marcos Gerente", user.Manager}} {
		_, _, err := create.Handle(t.Context(), u.email, u.name, u.role, "es", demoPass)
		require.NoError(t, err)
	}
	sync := c.do(http.MethodPost, "/api/v1/templates/sync", c.write, nil)
	require.Equal(t, http.StatusOK, sync.status, "%s", sync.body)
	return c
}

// overdueCustomer syncs a customer with one open invoice due daysAgo days
// before today in Bogotá.
func overdueCustomer(t *testing.T, c *channel, ext, name, phone string, daysAgo int, total string) {
	t.Helper()
	bogota, err := time.LoadLocation("America/Bogota")
	require.NoError(t, err)
	today := time.Now().In(bogota)
	due := today.AddDate(0, 0, -daysAgo)
	cu := customerJSON(ext, name, phone)
	if phone == "" {
		delete(cu, "phone")
	}
	a := c.do(http.MethodPut, "/api/v1/customers/external/"+ext, c.write, cu)
	require.Equal(t, http.StatusCreated, a.status, "%s", a.body)
	inv := c.do(http.MethodPut, "/api/v1/invoices/external/F-"+ext, c.write,
		invoiceJSON("F-"+ext, ext, "COP", due.AddDate(0, 0, -30).Format("2006-01-02"), due.Format("2006-01-02"), total))
	require.Equal(t, http.StatusCreated, inv.status, "%s", inv.body)
}

func counters(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	cs, ok := m["counters"].(map[string]any)
	require.True(t, ok, "campaign has counters: %v", m)
	return cs
}

func TestCampaignToAnOverdueSegmentFromTheAPIAndTheConsole(t *testing.T) {
	t.Parallel()
	c := campaignChannel(t)
	overdueCustomer(t, c, "C-1", "María Fernanda Ruiz", "+57 300 123 4567", 45, "1250000")
	overdueCustomer(t, c, "C-2", "Número Malo", "+57 300 999 9999", 60, "800000")
	overdueCustomer(t, c, "C-3", "Sin Teléfono", "", 40, "300000")
	overdueCustomer(t, c, "C-4", "Al Día Reciente", "+57 301 555 0000", 10, "900000") // only 10 days overdue

	// The segment "overdue more than 30 days"; bad criteria are explained.
	bad := c.do(http.MethodPost, "/api/v1/segments", c.write, map[string]any{"name": "x", "criteria": map[string]any{"min_days_overdue": -1}})
	assert.Equal(t, http.StatusUnprocessableEntity, bad.status, "%s", bad.body)
	noCur := c.do(http.MethodPost, "/api/v1/segments", c.write, map[string]any{"name": "x", "criteria": map[string]any{"min_overdue": "100"}})
	assert.Equal(t, http.StatusUnprocessableEntity, noCur.status, "%s", noCur.body)
	assert.Contains(t, string(noCur.body), "currency")
	assert.Equal(t, http.StatusBadRequest, c.do(http.MethodPost, "/api/v1/segments", c.write, `{"name":`).status)
	seg := c.do(http.MethodPost, "/api/v1/segments", c.write, map[string]any{
		"name": "Vencidos más de 30 días", "criteria": map[string]any{"min_days_overdue": 31, "min_overdue": "100000", "currency": "COP"},
	})
	require.Equal(t, http.StatusCreated, seg.status, "%s", seg.body)
	segID := seg.json(t)["id"].(string)
	assert.Equal(t, "100000.00", seg.json(t)["criteria"].(map[string]any)["min_overdue"])
	dup := c.do(http.MethodPost, "/api/v1/segments", c.write, map[string]any{"name": "Vencidos más de 30 días", "criteria": map[string]any{}})
	assert.Equal(t, http.StatusConflict, dup.status, "%s", dup.body)
	list := c.do(http.MethodGet, "/api/v1/segments", c.read, nil)
	require.Equal(t, http.StatusOK, list.status)
	assert.Len(t, list.json(t)["items"], 1)

	// The audience preview: three customers, two reachable, one without a number.
	prev := c.do(http.MethodPost, "/api/v1/audience/preview", c.read, map[string]any{"segment_id": segID})
	require.Equal(t, http.StatusOK, prev.status, "%s", prev.body)
	p := prev.json(t)
	assert.Equal(t, 3.0, p["customers"])
	assert.Equal(t, 2.0, p["will_receive"])
	assert.Equal(t, map[string]any{"no_phone": 1.0}, p["skipped"])
	both := c.do(http.MethodPost, "/api/v1/audience/preview", c.read, map[string]any{"segment_id": segID, "criteria": map[string]any{"min_days_overdue": 1}})
	assert.Equal(t, http.StatusUnprocessableEntity, both.status, "%s", both.body)

	// Wrong campaigns are refused with the reason.
	vars := []map[string]any{{"source": "customer.first_name"}, {"source": "account.overdue_total"}, {"source": "account.oldest_due_date"}}
	for name, tc := range map[string]struct {
		body   map[string]any
		status int
	}{
		"unknown template":  {map[string]any{"name": "x", "template": "nope", "language": "es", "variables": vars, "segment_id": segID}, http.StatusNotFound},
		"wrong var count":   {map[string]any{"name": "x", "template": "recordatorio_pago", "language": "es", "variables": vars[:1], "segment_id": segID}, http.StatusUnprocessableEntity},
		"unknown source":    {map[string]any{"name": "x", "template": "recordatorio_pago", "language": "es", "variables": []map[string]any{{"source": "customer.shoe_size"}}, "segment_id": segID}, http.StatusUnprocessableEntity},
		"no audience":       {map[string]any{"name": "x", "template": "recordatorio_pago", "language": "es", "variables": vars}, http.StatusUnprocessableEntity},
		"bad time":          {map[string]any{"name": "x", "template": "recordatorio_pago", "language": "es", "variables": vars, "segment_id": segID, "scheduled_at": "mañana"}, http.StatusBadRequest},
		"bad retries":       {map[string]any{"name": "x", "template": "recordatorio_pago", "language": "es", "variables": vars, "segment_id": segID, "retry_intervals": []string{"soon"}}, http.StatusUnprocessableEntity},
		"bad segment id":    {map[string]any{"name": "x", "template": "recordatorio_pago", "language": "es", "variables": vars, "segment_id": "nope"}, http.StatusBadRequest},
		"unknown segment":   {map[string]any{"name": "x", "template": "recordatorio_pago", "language": "es", "variables": vars, "segment_id": "0194a3c0-7a1e-7d2b-9f00-3c1e7a016f1c"}, http.StatusNotFound},
		"past scheduled at": {map[string]any{"name": "x", "template": "recordatorio_pago", "language": "es", "variables": vars, "segment_id": segID, "scheduled_at": "2020-01-01T09:00:00-05:00"}, http.StatusUnprocessableEntity},
	} {
		a := c.do(http.MethodPost, "/api/v1/campaigns", c.write, tc.body)
		assert.Equal(t, tc.status, a.status, "%s: %s", name, a.body)
	}

	// Send now to the segment.
	created := c.do(http.MethodPost, "/api/v1/campaigns", c.write, map[string]any{
		"name": "Vencidos +30 noviembre", "template": "recordatorio_pago", "language": "es", "variables": vars, "segment_id": segID,
	})
	require.Equal(t, http.StatusCreated, created.status, "%s", created.body)
	id := created.json(t)["id"].(string)
	assert.Equal(t, "Vencidos más de 30 días", created.json(t)["audience"].(map[string]any)["segment_name"])
	assert.Equal(t, []any{"1h", "3h", "6h"}, created.json(t)["retry_intervals"])

	var cmp map[string]any
	eventuallyOr(t, "the campaign finishes with the read and the failure counted", func() bool {
		cmp = c.do(http.MethodGet, "/api/v1/campaigns/"+id, c.read, nil).json(t)
		n := counters(t, cmp)
		return cmp["status"] == "finished" && n["read"] == 1.0 && n["failed"] == 1.0
	}, func() { t.Logf("campaign: %v", cmp) })
	n := counters(t, cmp)
	assert.Equal(t, 3.0, n["recipients"])
	assert.Equal(t, 2.0, n["messages"])
	assert.Equal(t, 1.0, n["delivered"])
	assert.Equal(t, 1.0, n["skipped"])
	assert.Equal(t, 0.0, n["pending"])
	assert.Equal(t, "50.00% 1/2", n["delivery_rate"])
	assert.Equal(t, "50.00% 1/2", n["read_rate"])
	assert.Contains(t, cmp["preview"], "Hola María")

	sent := c.sim.Sent("573001234567")
	require.Len(t, sent, 1, "one message to María")
	assert.Contains(t, sent[0].Body, "Hola María, te recordamos que tienes $ 1.250.000")
	assert.Empty(t, c.sim.Sent("573015550000"), "not overdue enough: not in the segment")

	// The list, with search and status filters.
	all := c.do(http.MethodGet, "/api/v1/campaigns?search=noviembre", c.read, nil)
	require.Equal(t, http.StatusOK, all.status, "%s", all.body)
	items := all.json(t)["items"].([]any)
	require.Len(t, items, 1)
	assert.Equal(t, "50.00% 1/2", items[0].(map[string]any)["counters"].(map[string]any)["delivery_rate"])
	assert.Empty(t, c.do(http.MethodGet, "/api/v1/campaigns?status=cancelled", c.read, nil).json(t)["items"])
	assert.Equal(t, http.StatusBadRequest, c.do(http.MethodGet, "/api/v1/campaigns?status=lost", c.read, nil).status)

	// Failed recipients say why.
	failed := c.do(http.MethodGet, "/api/v1/campaigns/"+id+"/recipients?status=failed", c.read, nil)
	require.Equal(t, http.StatusOK, failed.status, "%s", failed.body)
	fs := failed.json(t)["items"].([]any)
	require.Len(t, fs, 1)
	f := fs[0].(map[string]any)
	assert.Equal(t, "Número Malo", f["contact"])
	assert.Equal(t, "+573009999999", f["phone"])
	assert.Equal(t, 131026.0, f["error"].(map[string]any)["code"])
	assert.NotEmpty(t, f["error"].(map[string]any)["title"])
	page1 := c.do(http.MethodGet, "/api/v1/campaigns/"+id+"/recipients?limit=2", c.read, nil).json(t)
	assert.Len(t, page1["items"], 2)
	require.NotEmpty(t, page1["next_cursor"])
	page2 := c.do(http.MethodGet, "/api/v1/campaigns/"+id+"/recipients?limit=2&cursor="+page1["next_cursor"].(string), c.read, nil).json(t)
	assert.Len(t, page2["items"], 1)
	assert.Empty(t, page2["next_cursor"])
	assert.Equal(t, http.StatusNotFound, c.do(http.MethodGet, "/api/v1/campaigns/0194a3c0-7a1e-7d2b-9f00-3c1e7a016f1c/recipients", c.read, nil).status)

	// The CSV export has every recipient.
	exp := c.do(http.MethodGet, "/api/v1/campaigns/"+id+"/recipients.csv", c.read, nil)
	require.Equal(t, http.StatusOK, exp.status, "%s", exp.body)
	records := readCSV(t, exp.body)
	require.Len(t, records, 4)
	assert.Equal(t, application.ExportColumns, records[0])
	byContact := map[string][]string{}
	for _, r := range records[1:] {
		byContact[r[0]] = r
	}
	maria := byContact["María Fernanda Ruiz"]
	require.NotNil(t, maria)
	assert.Equal(t, []string{"+573001234567", "C-1", "read", "", "1"}, maria[1:6])
	assert.True(t, strings.HasSuffix(maria[12], "-05:00"), "times in Bogotá: %s", maria[12])
	assert.Equal(t, "131026", byContact["Número Malo"][7])
	assert.NotEmpty(t, byContact["Número Malo"][8])
	assert.Equal(t, "no_phone", byContact["Sin Teléfono"][4])

	// A finished campaign cannot be paused, resumed or cancelled.
	for _, act := range []string{"pause", "resume", "cancel"} {
		a := c.do(http.MethodPost, "/api/v1/campaigns/"+id+"/"+act, c.write, nil)
		assert.Equal(t, http.StatusConflict, a.status, "%s: %s", act, a.body)
		assert.Equal(t, "campaign_state", a.errorCode(t))
	}

	// A campaign for tomorrow waits; it can be cancelled once.
	later := c.do(http.MethodPost, "/api/v1/campaigns", c.write, map[string]any{
		"name": "Mañana", "template": "recordatorio_pago", "language": "es", "variables": vars, "segment_id": segID,
		"scheduled_at": time.Now().Add(24 * time.Hour).Format(time.RFC3339), "retry_intervals": []string{},
	})
	require.Equal(t, http.StatusCreated, later.status, "%s", later.body)
	laterID := later.json(t)["id"].(string)
	assert.Equal(t, "scheduled", later.json(t)["status"])
	assert.Equal(t, []any{}, later.json(t)["retry_intervals"])
	assert.Equal(t, http.StatusConflict, c.do(http.MethodPost, "/api/v1/campaigns/"+laterID+"/pause", c.write, nil).status)
	cancelled := c.do(http.MethodPost, "/api/v1/campaigns/"+laterID+"/cancel", c.write, nil)
	require.Equal(t, http.StatusOK, cancelled.status, "%s", cancelled.body)
	assert.Equal(t, "cancelled", cancelled.json(t)["status"])
	assert.Equal(t, http.StatusConflict, c.do(http.MethodPost, "/api/v1/campaigns/"+laterID+"/cancel", c.write, nil).status)

	// The console: finance sees it all; agents may not.
	agent := newAgentClient(t, c)
	require.Equal(t, http.StatusSeeOther, agent.signIn("agent@saldo.test", demoPass))
	for _, path := range []string{"/campaigns", "/campaigns/new", "/campaigns/" + id, "/segments", "/campaigns/" + id + "/recipients.csv"} {
		status, _ := agent.get(path)
		assert.Equal(t, http.StatusForbidden, status, path)
	}
	status, _ := agent.post("/campaigns/"+id+"/cancel", url.Values{"_csrf": {agent.csrf}}, nil)
	assert.Equal(t, http.StatusForbidden, status)

	mgr := newAgentClient(t, c)
	require.Equal(t, http.StatusSeeOther, mgr.signIn("manager@saldo.test", demoPass))
	status, body := mgr.get("/campaigns")
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, "Vencidos &#43;30 noviembre")
	assert.Contains(t, body, "50.00% 1/2")
	assert.Contains(t, body, "Finalizada")
	assert.Contains(t, body, "Cancelada")
	assert.Contains(t, body, `href="/campaigns"`, "the nav links to campaigns")

	status, body = mgr.get("/campaigns/" + id + "?status=failed")
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, "Número Malo")
	assert.Contains(t, body, "131026")
	assert.NotContains(t, body, "María Fernanda Ruiz</a>", "the failed filter shows only failures")
	assert.Contains(t, body, "Hola María", "the message preview")
	status, body = mgr.get("/campaigns/" + id)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Sin WhatsApp válido", "skip reasons in words")
	assert.Contains(t, body, "/campaigns/"+id+"/recipients.csv")

	status, body = mgr.get("/campaigns/" + id + "/live")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `"delivery_rate":"50.00% 1/2"`)
	assert.Contains(t, body, `"live":true`, "a campaign finished today still gets deliveries and reads")

	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, c.srv.URL+"/campaigns/"+id+"/recipients.csv", nil)
	require.NoError(t, err)
	resp, err := mgr.http.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Disposition"), `attachment; filename="campaign-vencidos-30-noviembre-recipients.csv"`)

	// The new campaign form: refused input is explained and kept.
	status, body = mgr.get("/campaigns/new")
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, "recordatorio_pago (es)")
	assert.Contains(t, body, "Vencidos más de 30 días")
	assert.Contains(t, body, "America/Bogota")
	status, body = mgr.post("/campaigns", url.Values{"_csrf": {mgr.csrf}, "name": {"Mi campaña"}, "audience": {"segment"}, "when": {"now"}, "retries": {"pronto"}}, nil)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "Elija una plantilla aprobada.")
	assert.Contains(t, body, "Elija uno o más grupos, o un segmento.")
	assert.Contains(t, body, "Los reintentos son esperas")
	assert.Contains(t, body, `value="Mi campaña"`)

	// The audience and message previews the form asks for.
	form := url.Values{
		"_csrf": {mgr.csrf}, "audience": {"segment"}, "segment_id": {segID}, "template": {"recordatorio_pago|es"},
		"var_source_1": {"customer.first_name"}, "var_source_2": {"account.overdue_total"}, "var_source_3": {"text"}, "var_text_3": {"hoy"},
	}
	status, body = mgr.post("/campaigns/audience", form, map[string]string{"Accept": "application/json"})
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, "3 clientes: 2 recibirán el mensaje.")
	assert.Contains(t, body, "Sin WhatsApp válido: 1")
	status, body = mgr.post("/campaigns/preview", form, map[string]string{"Accept": "application/json"})
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, "te recordamos que tienes $ ")
	assert.Contains(t, body, "vencimiento hoy.", "fixed text fills {{3}}")
	assert.Contains(t, body, `"note":"Como lo verá `, "for a customer of the segment")

	// A segment saved from the form's builder, then a campaign from the console.
	seg2 := url.Values{"_csrf": {mgr.csrf}, "seg_name": {"Más de 50 días"}, "seg_min_days": {"51"}, "seg_bucket": {"31-60", "61-90"}}
	status, body = mgr.post("/segments", seg2, map[string]string{"Accept": "application/json"})
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, "≥ 51 días de mora")
	status, body = mgr.post("/segments", url.Values{"_csrf": {mgr.csrf}, "seg_name": {"Malo"}, "seg_min_days": {"-3"}}, nil)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "Los días de mora son un número entero")

	form.Set("name", "Desde la consola")
	form.Set("when", "later")
	form.Set("scheduled_at", time.Now().Add(48*time.Hour).In(c.cfg.Org.Location).Format("2006-01-02T15:04"))
	form.Set("retries", "2h, 90m")
	status, _ = mgr.post("/campaigns", form, nil)
	require.Equal(t, http.StatusSeeOther, status)
	made := c.do(http.MethodGet, "/api/v1/campaigns?search=consola", c.read, nil).json(t)["items"].([]any)
	require.Len(t, made, 1)
	m := made[0].(map[string]any)
	assert.Equal(t, "scheduled", m["status"])
	assert.Equal(t, []any{"2h", "90m"}, m["retry_intervals"])
	assert.Equal(t, "text", m["variables"].([]any)[2].(map[string]any)["source"])

	status, _ = mgr.post("/campaigns/"+m["id"].(string)+"/pause", url.Values{"_csrf": {mgr.csrf}}, nil)
	assert.Equal(t, http.StatusSeeOther, status, "a refused pause comes back to the page with the reason")
	status, _ = mgr.post("/campaigns/"+m["id"].(string)+"/cancel", url.Values{"_csrf": {mgr.csrf}}, nil)
	assert.Equal(t, http.StatusSeeOther, status)
	assert.Equal(t, "cancelled", c.do(http.MethodGet, "/api/v1/campaigns/"+m["id"].(string), c.read, nil).json(t)["status"])
}

// eventuallyOr is eventually with something to tell when it times out.
func eventuallyOr(t *testing.T, what string, fn func() bool, tell func()) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if fn() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tell()
	t.Fatalf("timed out waiting until %s", what)
}

func TestAReplyToACampaignShowsTheCampaignInTheChat(t *testing.T) {
	t.Parallel()
	c := campaignChannel(t)
	overdueCustomer(t, c, "C-1", "María Fernanda Ruiz", "+57 300 123 4567", 45, "1250000")
	seg := c.do(http.MethodPost, "/api/v1/segments", c.write, map[string]any{"name": "Vencidos", "criteria": map[string]any{"min_days_overdue": 31}})
	require.Equal(t, http.StatusCreated, seg.status, "%s", seg.body)
	created := c.do(http.MethodPost, "/api/v1/campaigns", c.write, map[string]any{
		"name": "Cobro noviembre", "template": "recordatorio_pago", "language": "es", "segment_id": seg.json(t)["id"],
		"variables": []map[string]any{{"source": "customer.first_name"}, {"source": "account.overdue_total"}, {"source": "account.oldest_due_date"}},
	})
	require.Equal(t, http.StatusCreated, created.status, "%s", created.body)
	id := created.json(t)["id"].(string)
	var cmp map[string]any
	eventuallyOr(t, "the campaign is read", func() bool {
		cmp = c.do(http.MethodGet, "/api/v1/campaigns/"+id, c.read, nil).json(t)
		return counters(t, cmp)["read"] == 1.0
	}, func() { t.Logf("campaign: %v", cmp) })

	_, err := c.sim.CustomerSends(t.Context(), "573001234567", "María", "Ya voy a pagar")
	require.NoError(t, err)
	var conv map[string]any
	eventually(t, "her reply arrives", func() bool {
		if conv = c.conversationOf(t, "573001234567"); conv == nil {
			return false
		}
		for _, m := range c.messages(t, conv["id"].(string)) {
			if m["direction"] == "in" {
				return true
			}
		}
		return false
	})
	mgr := newAgentClient(t, c)
	require.Equal(t, http.StatusSeeOther, mgr.signIn("manager@saldo.test", demoPass))
	status, body := mgr.get("/inbox/c/" + conv["id"].(string) + "/chat")
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, "Respuesta a la campaña «Cobro noviembre»")
	assert.Contains(t, body, `href="/campaigns/`+id+`"`)
}

func readCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	require.True(t, bytes.HasPrefix(body, []byte("\ufeff")), "a byte order mark for spreadsheets")
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
	require.NoError(t, err)
	return records
}
