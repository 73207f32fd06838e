package main

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/template"
	"github.com/saldocrm/saldo/domain/user"
)

var payLink = regexp.MustCompile(`https?://\S+/pay/[A-Za-z0-9_-]+`)

// TestDunningRemindersReachTheSimulator boots Saldo with the WhatsApp
// simulator: running the planner sends the overdue customer a reminder with
// a payment link, and nobody who paid, promised or opted out; a payment
// through that link stops the next step's reminder just before it goes.
func TestDunningRemindersReachTheSimulator(t *testing.T) {
	t.Parallel()
	c := startChannel(t, pgtest.URL(t), func(cfg *config) {
		cfg.Campaigns = campaignsConfig{SendRate: 80, Dispatchers: 1, InDoubtGrace: time.Minute, SweepEvery: 100 * time.Millisecond}
		cfg.Dunning = dunningConfig{Every: time.Hour, Template: "recordatorio_pago", Language: "es"}
	})
	c.startWorker(t)
	ctx := t.Context()

	// Templates: the simulator's approved "recordatorio_pago", and one with
	// the payment link in its body, which the simulator approves.
	_, err := application.NewCreateTemplate(c.app.gateway, c.app.numbers, c.app.templates, c.app.clock).Handle(ctx, template.Details{
		Name: "recordatorio_enlace", Language: "es", Category: template.Utility,
		Body: "Hola {{1}}, tu saldo vencido es {{2}}. Paga aquí: {{3}} . Gracias.", Examples: []string{"Ana", "$ 100.000", "https://pagos.saldo.test/p/x"},
	})
	require.NoError(t, err)
	eventually(t, "the templates are approved in Saldo", func() bool {
		if _, err := c.app.syncTemplates.Handle(ctx); err != nil {
			return false
		}
		tpl, err := c.app.templates.Get(ctx, "recordatorio_enlace", "es")
		return err == nil && tpl.Status() == template.Approved
	})

	// Every hour of every day, so that the test passes whenever it runs.
	vars := func(last string) []map[string]any {
		return []map[string]any{{"source": "customer.first_name"}, {"source": "account.overdue_total"}, {"source": last}}
	}
	policy := c.do(http.MethodPut, "/api/v1/dunning/policy", c.write, map[string]any{
		"send_from": "00:00", "send_until": "24:00", "weekdays": []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"},
		"steps": []map[string]any{
			{"offset": 0, "template": "recordatorio_pago", "language": "es", "variables": vars("account.oldest_due_date")},
			{"offset": 7, "template": "recordatorio_enlace", "language": "es", "variables": vars("payment_link")},
			{"offset": 15, "template": "recordatorio_enlace", "language": "es", "variables": vars("payment_link")},
		},
	})
	require.Equal(t, http.StatusOK, policy.status, "%s", policy.body)
	bad := c.do(http.MethodPut, "/api/v1/dunning/policy", c.write, map[string]any{
		"send_from": "08:00", "send_until": "20:00", "weekdays": []string{"mon"},
		"steps": []map[string]any{{"offset": 7, "template": "no_such_template", "language": "es", "variables": vars("payment_link")}},
	})
	assert.Equal(t, http.StatusUnprocessableEntity, bad.status, "%s", bad.body)

	today := c.cfg.Org.Today(time.Now())
	due := today.AddDays(-7).String()
	customers := map[string]string{"overdue": "+573001110001", "paid": "+573001110002", "promised": "+573001110003", "optedout": "+573001110004"}
	for name, phone := range customers {
		a := c.do(http.MethodPut, "/api/v1/customers/external/D-"+name, c.write, customerJSON("D-"+name, "Cliente "+name, phone))
		require.Less(t, a.status, 300, "%s", a.body)
		inv := invoiceJSON("INV-"+name, "D-"+name, "COP", today.AddDays(-37).String(), due, "350000")
		if name == "paid" {
			inv["status"] = "paid"
		}
		a = c.do(http.MethodPut, "/api/v1/invoices/external/INV-"+name, c.write, inv)
		require.Less(t, a.status, 300, "%s", a.body)
	}
	a := c.do(http.MethodPost, "/api/v1/customers/D-promised/promises", c.write,
		map[string]any{"amount": "350000", "currency": "COP", "promised_date": today.AddDays(2).String()})
	require.Equal(t, http.StatusCreated, a.status, "%s", a.body)
	a = c.do(http.MethodPut, "/api/v1/customers/D-optedout/whatsapp-opt-out", c.write, map[string]any{"opted_out": true})
	require.Less(t, a.status, 300, "%s", a.body)

	run := c.do(http.MethodPost, "/api/v1/dunning/run", c.write, nil)
	require.Equal(t, http.StatusOK, run.status, "%s", run.body)
	counts := run.json(t)["counts"].(map[string]any)["D+7"].(map[string]any)
	assert.EqualValues(t, 4, counts["reached"])
	assert.EqualValues(t, 1, counts["enqueued"])
	assert.EqualValues(t, 1, counts["paid"])
	assert.EqualValues(t, 1, counts["promise_pending"])
	assert.EqualValues(t, 1, counts["opted_out"])

	var link string
	eventually(t, "the reminder reaches the overdue customer", func() bool {
		for _, m := range c.sim.Sent("573001110001") {
			if m.Template == "recordatorio_enlace" {
				link = payLink.FindString(m.Body)
				return true
			}
		}
		return false
	})
	require.NotEmpty(t, link, "the reminder carries a payment link")
	for _, name := range []string{"paid", "promised", "optedout"} {
		assert.Empty(t, c.sim.Sent(strings.TrimPrefix(customers[name], "+")), "%s gets no reminder", name)
	}
	again := c.do(http.MethodPost, "/api/v1/dunning/run", c.write, nil)
	require.Equal(t, http.StatusOK, again.status)
	assert.EqualValues(t, 0, again.json(t)["enqueued"], "a second run sends nothing twice")

	eventually(t, "the customer's history shows the reminder delivered", func() bool {
		h := c.do(http.MethodGet, "/api/v1/customers/external/D-overdue", c.read, nil).json(t)
		items := c.do(http.MethodGet, fmt.Sprintf("/api/v1/customers/%s/reminders", h["id"]), c.read, nil).json(t)["items"].([]any)
		if len(items) != 1 {
			return false
		}
		r := items[0].(map[string]any)
		return r["step"] == "D+7" && (r["status"] == "delivered" || r["status"] == "read")
	})

	// Eight days pass for the invoice (the clock is the machine's): it
	// reaches D+15 on a day the customer already got a reminder, so the next
	// one waits for tomorrow...
	require.NoError(t, c.app.db.Exec(`UPDATE invoices SET due_date = ?::date WHERE external_id = 'INV-overdue'`, today.AddDays(-15).String()).Error)
	run = c.do(http.MethodPost, "/api/v1/dunning/run", c.write, nil)
	assert.EqualValues(t, 1, run.json(t)["enqueued"])
	// ...and meanwhile the customer pays through the D+7 reminder's link.
	status, body := payOnPage(t, c.srv.URL+link[strings.Index(link, "/pay/"):])
	require.Less(t, status, 400, "%s", body)
	eventually(t, "the payment settles the invoice", func() bool {
		var st []string
		require.NoError(t, c.app.db.Raw(`SELECT status FROM invoices WHERE external_id = 'INV-overdue'`).Scan(&st).Error)
		return len(st) == 1 && st[0] == "paid"
	})
	// Tomorrow comes: the reminder is due, and the guard stops it.
	require.NoError(t, c.app.db.Exec(`UPDATE campaign_recipients SET next_attempt_at = now() WHERE status = 'pending'`).Error)
	eventually(t, "the next step is skipped because the customer paid", func() bool {
		var reasons []string
		require.NoError(t, c.app.db.Raw(`SELECT skip_reason FROM campaign_recipients WHERE status = 'skipped'`).Scan(&reasons).Error)
		return len(reasons) == 1 && reasons[0] == "paid"
	})
	assert.Len(t, c.sim.Sent("573001110001"), 1, "only the first reminder went out")

	results := c.do(http.MethodGet, "/api/v1/dunning/results", c.read, nil)
	require.Equal(t, http.StatusOK, results.status)
	for _, it := range results.json(t)["items"].([]any) {
		r := it.(map[string]any)
		if r["step"] == "D+7" {
			assert.EqualValues(t, 1, r["sent"])
			assert.EqualValues(t, 1, r["paid_within_7_days"])
			assert.NotEmpty(t, r["amount_recovered"])
		}
	}
	runs := c.do(http.MethodGet, "/api/v1/dunning/runs", c.read, nil)
	assert.GreaterOrEqual(t, len(runs.json(t)["items"].([]any)), 3, "the runs above, and the worker's periodic ones")

	// The console: owners and managers see the dunning page, agents do not.
	create := application.NewCreateUser(c.app.users, c.app.hasher, c.app.clock)
	for _, u := range []struct {
		email string
		role  user.Role
	}{{"agent@saldo.test", user.Agent}, {"manager@saldo.test", user.Manager}} {
		_, _, err := create.Handle(ctx, u.email, "Usuario", u.role, "es", demoPass)
		require.NoError(t, err)
	}
	agent := newAgentClient(t, c)
	require.Equal(t, http.StatusSeeOther, agent.signIn("agent@saldo.test", demoPass))
	status, _ = agent.get("/dunning")
	assert.Equal(t, http.StatusForbidden, status)
	manager := newAgentClient(t, c)
	require.Equal(t, http.StatusSeeOther, manager.signIn("manager@saldo.test", demoPass))
	status, page := manager.get("/dunning")
	require.Equal(t, http.StatusOK, status, "%s", page)
	for _, want := range []string{"Cobranza automática", "Ejecutar planificador ahora", "D&#43;7", "D&#43;15", "promesa de pago: 1", "dado de baja: 1", "recordatorio_enlace"} {
		assert.Contains(t, page, want)
	}
	status, _ = manager.post("/dunning/run", url.Values{"_csrf": {manager.csrf}}, nil)
	assert.Equal(t, http.StatusSeeOther, status)
	status, page = manager.post("/dunning/policy", url.Values{
		"_csrf": {manager.csrf}, "rows": {"1"}, "offset_0": {"5"}, "kind_0": {"message"}, "template_0": {""},
		"send_from": {"08:00"}, "send_until": {"20:00"}, "weekday": {"mon"},
	}, nil)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, page, "D&#43;5")
	id := c.do(http.MethodGet, "/api/v1/customers/external/D-overdue", c.read, nil).json(t)["id"].(string)
	status, page = manager.get("/customers/" + id)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, page, "Recordatorios")
	assert.Contains(t, page, "no enviado</span> · pagado", "the D+15 reminder was stopped because the customer paid")
}
