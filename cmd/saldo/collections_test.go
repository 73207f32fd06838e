package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/adapters/whatsapp/sim"
	"github.com/saldocrm/saldo/application"
)

// postInbound delivers a signed webhook with the customer's text message
// wamid, as Meta does (and redelivers).
func (c *channel) postInbound(t *testing.T, waID, wamid, text string) {
	t.Helper()
	body := []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":%q,"changes":[{"field":"messages","value":{
		"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":%q},
		"contacts":[{"profile":{"name":"María"},"wa_id":%q}],
		"messages":[{"from":%q,"id":%q,"timestamp":"%d","type":"text","text":{"body":%q}}]}}]}]}`,
		testWABA, testPhoneNumberID, waID, waID, wamid, time.Now().Unix(), text))
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, c.srv.URL+"/webhooks/whatsapp", strings.NewReader(string(body)))
	require.NoError(t, err)
	req.Header.Set(sim.SignatureHeader, sim.Sign(body, testAppSecret))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

func (c *channel) allWebhooksProcessed(t *testing.T) {
	t.Helper()
	eventually(t, "every webhook is processed", func() bool {
		var n int
		require.NoError(t, c.app.db.Raw("SELECT count(*) FROM webhook_events WHERE processed_at IS NULL").Scan(&n).Error)
		return n == 0
	})
}

func TestOptOutKeywordWithTheSimulator(t *testing.T) {
	t.Parallel()
	c := startChannel(t, pgtest.URL(t))
	c.startWorker(t)
	const waID = "573001234567"
	cu := c.do(http.MethodPut, "/api/v1/customers/external/C-1", c.write, customerJSON("C-1", "María Ruiz", "+57 300 123 4567"))
	require.Equal(t, http.StatusCreated, cu.status, "%s", cu.body)
	customerPath := "/api/v1/customers/" + cu.json(t)["id"].(string)
	optedOut := func() bool {
		return c.do(http.MethodGet, customerPath, c.read, nil).json(t)["whatsapp_opted_out"].(bool)
	}

	// María says hello through WhatsApp (the simulator opens her window),
	// then writes "Bája."; Meta delivers that webhook twice.
	_, err := c.sim.CustomerSends(t.Context(), waID, "María", "Hola")
	require.NoError(t, err)
	eventually(t, "the conversation appears", func() bool { return c.conversationOf(t, waID) != nil })
	c.postInbound(t, waID, "wamid.OPTOUT-1", "Bája.")
	c.postInbound(t, waID, "wamid.OPTOUT-1", "Bája.")
	eventually(t, "María is opted out", optedOut)
	eventually(t, "the confirmation reaches her", func() bool { return len(c.sim.Sent(waID)) >= 1 })
	c.allWebhooksProcessed(t)
	time.Sleep(500 * time.Millisecond) // room for a second confirmation, were there one
	sent := c.sim.Sent(waID)
	require.Len(t, sent, 1, "one confirmation, even though the webhook came twice")
	assert.Equal(t, "text", sent[0].Type)
	assert.Contains(t, sent[0].Body, "no le enviaremos más mensajes", "in her language (es)")
	assert.Contains(t, sent[0].Body, "ALTA", "she is told how to come back")

	conv := c.conversationOf(t, waID)
	require.NotNil(t, conv)
	var events []string
	for _, m := range c.messages(t, conv["id"].(string)) {
		if m["type"] == "system" {
			events = append(events, fmt.Sprint(m["text"]))
		}
	}
	assert.Equal(t, []string{"opted_out"}, events, "the agents see that she opted out")

	// A message that merely contains a keyword changes nothing.
	_, err = c.sim.CustomerSends(t.Context(), waID, "María", "no quiero cancelar la factura, ya la pagué")
	require.NoError(t, err)
	c.allWebhooksProcessed(t)
	eventually(t, "the message arrives", func() bool { return len(c.messages(t, conv["id"].(string))) >= 5 })
	assert.True(t, optedOut())
	assert.Len(t, c.sim.Sent(waID), 1)

	// Starting a conversation with an opted-out customer is refused.
	start := c.do(http.MethodPost, "/api/v1/messages", c.write, map[string]any{
		"customer_id": cu.json(t)["id"], "type": "template",
		"template": map[string]any{"name": "recordatorio_pago", "language": "es", "parameters": []string{"a", "b", "c"}},
	})
	assert.Equal(t, http.StatusConflict, start.status, "%s", start.body)

	// The ERP syncs her again: her choice stays.
	again := customerJSON("C-1", "María Fernanda Ruiz", "+57 300 123 4567")
	require.Equal(t, http.StatusOK, c.do(http.MethodPut, "/api/v1/customers/external/C-1", c.write, again).status)
	assert.True(t, optedOut(), "an ERP sync never resets the opt-out")

	// "alta" opts her back in, with its own confirmation.
	c.postInbound(t, waID, "wamid.OPTIN-1", "alta")
	eventually(t, "María is opted back in", func() bool { return !optedOut() })
	eventually(t, "the second confirmation", func() bool { return len(c.sim.Sent(waID)) == 2 })
	assert.Contains(t, c.sim.Sent(waID)[1].Body, "volverá a recibir")
}

func TestPromisesDisputesAndOptOutThroughTheAPI(t *testing.T) {
	t.Parallel()
	s := startSaldo(t) // today is 2026-11-21 in Bogotá
	require.Equal(t, http.StatusCreated, s.do(http.MethodPut, "/api/v1/customers/external/C-9", s.write, customerJSON("C-9", "Ana", "+57 300 555 0000")).status)
	b := s.do(http.MethodPost, "/api/v1/invoices/batch", s.write, map[string]any{"items": []any{
		invoiceJSON("F-1", "C-9", "COP", "2026-09-01", "2026-10-01", "400000"),
		invoiceJSON("F-2", "C-9", "COP", "2026-10-01", "2026-11-01", "100000"),
	}})
	require.Equal(t, http.StatusOK, b.status, "%s", b.body)

	// Promises: validated, one pending at a time.
	bad := s.do(http.MethodPost, "/api/v1/customers/C-9/promises", s.write, map[string]any{"amount": "100", "currency": "COP", "promised_date": "2026-11-20"})
	assert.Equal(t, http.StatusUnprocessableEntity, bad.status, "%s", bad.body)
	assert.Equal(t, "invalid_promise", bad.errorCode(t))
	assert.Equal(t, http.StatusUnprocessableEntity, s.do(http.MethodPost, "/api/v1/customers/C-9/promises", s.write,
		map[string]any{"amount": "0", "currency": "COP", "promised_date": "2026-11-25"}).status)
	assert.Equal(t, http.StatusNotFound, s.do(http.MethodPost, "/api/v1/customers/NOPE/promises", s.write,
		map[string]any{"amount": "1", "currency": "COP", "promised_date": "2026-11-25"}).status)
	first := s.do(http.MethodPost, "/api/v1/customers/C-9/promises", s.write, map[string]any{"amount": "500000", "currency": "COP", "promised_date": "2026-11-21", "note": "hoy"})
	require.Equal(t, http.StatusCreated, first.status, "%s", first.body)
	assert.Equal(t, "pending", first.json(t)["status"])
	assert.Equal(t, "500000.00", first.json(t)["amount"])
	second := s.do(http.MethodPost, "/api/v1/customers/C-9/promises", s.write, map[string]any{"amount": 300000, "currency": "COP", "promised_date": "2026-11-28"})
	require.Equal(t, http.StatusCreated, second.status, "%s", second.body)
	list := s.do(http.MethodGet, "/api/v1/customers/C-9/promises", s.read, nil).json(t)["items"].([]any)
	require.Len(t, list, 2)
	assert.Equal(t, "pending", list[0].(map[string]any)["status"])
	assert.Equal(t, "cancelled", list[1].(map[string]any)["status"], "the new promise replaced the first")
	secondID := second.json(t)["id"].(string)
	cancel := s.do(http.MethodPost, "/api/v1/promises/"+secondID+"/cancel", s.write, nil)
	require.Equal(t, http.StatusOK, cancel.status, "%s", cancel.body)
	assert.Equal(t, "cancelled", cancel.json(t)["status"])
	assert.Equal(t, http.StatusConflict, s.do(http.MethodPost, "/api/v1/promises/"+secondID+"/cancel", s.write, nil).status)

	// Evaluation: kept once paid enough since the day it was made; broken after its date.
	kept := s.do(http.MethodPost, "/api/v1/customers/C-9/promises", s.write, map[string]any{"amount": "150000", "currency": "COP", "promised_date": "2026-11-30"})
	require.Equal(t, http.StatusCreated, kept.status)
	evaluate := application.NewEvaluatePromises(postgres.NewPromiseRepository(s.app.db), postgres.NewPromiseRepository(s.app.db), s.clock, s.app.cfg.Org, s.app.log)
	out, err := evaluate.Handle(t.Context())
	require.NoError(t, err)
	assert.Equal(t, application.PromiseOutcome{}, out, "nothing paid yet, date not passed")
	pay := s.do(http.MethodPost, "/api/v1/payments", s.write, map[string]any{
		"customer_external_id": "C-9", "amount": "150000", "currency": "COP", "method": "transfer", "received_at": "2026-11-21T09:00:00-05:00",
	})
	require.Equal(t, http.StatusCreated, pay.status, "%s", pay.body)
	out, err = evaluate.Handle(t.Context())
	require.NoError(t, err)
	assert.Equal(t, application.PromiseOutcome{Kept: 1}, out)
	assert.Equal(t, "kept", s.do(http.MethodGet, "/api/v1/customers/C-9/promises?limit=1", s.read, nil).json(t)["items"].([]any)[0].(map[string]any)["status"])
	// A promise made days ago for yesterday, unpaid since: broken.
	require.Equal(t, http.StatusCreated, s.do(http.MethodPut, "/api/v1/customers/external/C-10", s.write, customerJSON("C-10", "Beto", "+57 300 555 0001")).status)
	require.NoError(t, s.app.db.Exec(`INSERT INTO promises_to_pay (id, customer_id, amount, currency, promised_date, status, created_at)
		VALUES (gen_random_uuid(), (SELECT id FROM customers WHERE external_id = 'C-10'), 1000000, 'COP', '2026-11-20', 'pending', '2026-11-18 15:00:00+00')`).Error)
	out, err = evaluate.Handle(t.Context())
	require.NoError(t, err)
	assert.Equal(t, application.PromiseOutcome{Broken: 1}, out)

	// Disputes: by the ERP's invoice id; the invoice stays in the aging report.
	agingBefore := s.do(http.MethodGet, "/api/v1/reports/aging", s.read, nil)
	require.Equal(t, http.StatusOK, agingBefore.status)
	assert.Equal(t, http.StatusUnprocessableEntity, s.do(http.MethodPost, "/api/v1/invoices/F-1/dispute", s.write, map[string]any{"reason": " "}).status)
	assert.Equal(t, http.StatusNotFound, s.do(http.MethodPost, "/api/v1/invoices/NOPE/dispute", s.write, map[string]any{"reason": "x"}).status)
	d := s.do(http.MethodPost, "/api/v1/invoices/F-1/dispute", s.write, map[string]any{"reason": "Cobro duplicado"})
	require.Equal(t, http.StatusOK, d.status, "%s", d.body)
	assert.Equal(t, true, d.json(t)["disputed"])
	assert.Equal(t, "Cobro duplicado", d.json(t)["reason"])
	assert.Equal(t, http.StatusConflict, s.do(http.MethodPost, "/api/v1/invoices/F-1/dispute", s.write, map[string]any{"reason": "otra"}).status)
	assert.JSONEq(t, string(agingBefore.body), string(s.do(http.MethodGet, "/api/v1/reports/aging", s.read, nil).body), "disputed invoices stay in reports")
	r := s.do(http.MethodPost, "/api/v1/invoices/F-1/dispute/resolve", s.write, map[string]any{"resolution": "NC-45"})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, false, r.json(t)["disputed"])
	assert.Equal(t, "NC-45", r.json(t)["resolution"])
	assert.Equal(t, http.StatusConflict, s.do(http.MethodPost, "/api/v1/invoices/F-1/dispute/resolve", s.write, map[string]any{}).status)
	assert.Equal(t, http.StatusNotFound, s.do(http.MethodPost, "/api/v1/invoices/F-2/dispute/resolve", s.write, map[string]any{}).status)
	reopened := s.do(http.MethodPost, "/api/v1/invoices/F-1/dispute", s.write, map[string]any{"reason": "Sigue mal"})
	require.Equal(t, http.StatusOK, reopened.status)
	assert.Equal(t, "", reopened.json(t)["resolution"])

	// Opt-out through the API; an ERP sync keeps it.
	assert.Equal(t, http.StatusBadRequest, s.do(http.MethodPut, "/api/v1/customers/C-9/whatsapp-opt-out", s.write, map[string]any{}).status)
	o := s.do(http.MethodPut, "/api/v1/customers/C-9/whatsapp-opt-out", s.write, map[string]any{"opted_out": true})
	require.Equal(t, http.StatusOK, o.status, "%s", o.body)
	assert.Equal(t, true, o.json(t)["whatsapp_opted_out"])
	require.Equal(t, http.StatusOK, s.do(http.MethodPut, "/api/v1/customers/external/C-9", s.write, customerJSON("C-9", "Ana María", "+57 300 555 0000")).status)
	assert.Equal(t, true, s.do(http.MethodGet, "/api/v1/customers/external/C-9", s.read, nil).json(t)["whatsapp_opted_out"])
	assert.Equal(t, http.StatusUnauthorized, s.do(http.MethodPut, "/api/v1/customers/C-9/whatsapp-opt-out", "", map[string]any{"opted_out": false}).status)
	assert.Equal(t, http.StatusForbidden, s.do(http.MethodPut, "/api/v1/customers/C-9/whatsapp-opt-out", s.read, map[string]any{"opted_out": false}).status)
}

func TestConsoleCollectionsBesideTheChatAndOnTheCustomerPage(t *testing.T) {
	t.Parallel()
	c := consoleChannel(t)
	customerID, convID := payingCustomer(t, c)
	ana := newAgentClient(t, c)
	require.Equal(t, http.StatusSeeOther, ana.signIn("agent@saldo.test", demoPass))
	fetch := map[string]string{"X-Requested-With": "fetch"}

	status, panel := ana.get("/inbox/c/" + convID + "/panel")
	require.Equal(t, http.StatusOK, status, panel)
	assert.Contains(t, panel, "Sin promesa de pago")
	assert.Contains(t, panel, `name="currency" value="COP"`, "the overdue currency is the default")
	assert.Contains(t, panel, "Recibe mensajes")

	// An agent records a promise beside the chat.
	status, body := ana.post("/inbox/c/"+convID+"/promise", url.Values{
		"_csrf": {ana.csrf}, "amount": {"350.000"}, "currency": {"COP"}, "date": {"2026-12-31"}, "note": {"con la prima"},
	}, fetch)
	require.Equal(t, http.StatusOK, status, body)
	_, panel = ana.get("/inbox/c/" + convID + "/panel")
	assert.Contains(t, panel, `data-promise="pending"`)
	assert.Contains(t, panel, "350.000")
	assert.Contains(t, panel, "31 dic 2026")

	// A date in the past is explained, not a 500.
	status, body = ana.post("/inbox/c/"+convID+"/promise", url.Values{
		"_csrf": {ana.csrf}, "amount": {"1"}, "currency": {"COP"}, "date": {"2020-01-01"},
	}, fetch)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "Revise la promesa")

	// Dispute the oldest overdue invoice; it gets a badge on the customer page.
	var invoiceID string
	require.NoError(t, c.app.db.Raw("SELECT id::text FROM invoices WHERE external_id = 'I-1'").Scan(&invoiceID).Error)
	status, body = ana.post("/inbox/c/"+convID+"/dispute", url.Values{"_csrf": {ana.csrf}, "invoice_id": {invoiceID}, "reason": {"Ya pagada en efectivo"}}, fetch)
	require.Equal(t, http.StatusOK, status, body)
	_, panel = ana.get("/inbox/c/" + convID + "/panel")
	assert.Contains(t, panel, `data-disputed="`+invoiceID+`"`)
	assert.Contains(t, panel, "Ya pagada en efectivo")
	status, page := ana.get("/customers/" + customerID)
	require.Equal(t, http.StatusOK, status, page)
	assert.Contains(t, page, "data-disputed-badge")
	assert.Contains(t, page, `data-promise="pending"`)

	// Another customer's invoice cannot be disputed from this conversation.
	other := c.do(http.MethodPut, "/api/v1/customers/external/C-X", c.write, customerJSON("C-X", "Otro", "+57 300 000 1111"))
	require.Equal(t, http.StatusCreated, other.status)
	require.Equal(t, http.StatusOK, c.do(http.MethodPost, "/api/v1/invoices/batch", c.write, map[string]any{"items": []any{
		invoiceJSON("X-1", "C-X", "COP", "2026-01-01", "2026-02-01", "1000"),
	}}).status)
	var foreign string
	require.NoError(t, c.app.db.Raw("SELECT id::text FROM invoices WHERE external_id = 'X-1'").Scan(&foreign).Error)
	status, _ = ana.post("/inbox/c/"+convID+"/dispute", url.Values{"_csrf": {ana.csrf}, "invoice_id": {foreign}, "reason": {"x"}}, fetch)
	assert.NotEqual(t, http.StatusOK, status)
	var disputes int
	require.NoError(t, c.app.db.Raw("SELECT count(*) FROM invoice_disputes").Scan(&disputes).Error)
	assert.Equal(t, 1, disputes)

	// On the customer page: resolve the dispute, cancel the promise, opt her out.
	status, _ = ana.post("/customers/"+customerID+"/dispute/resolve", url.Values{"_csrf": {ana.csrf}, "invoice_id": {invoiceID}, "resolution": {"Recibo encontrado"}}, nil)
	assert.Equal(t, http.StatusSeeOther, status)
	var promiseID string
	require.NoError(t, c.app.db.Raw("SELECT id::text FROM promises_to_pay WHERE status = 'pending'").Scan(&promiseID).Error)
	status, _ = ana.post("/customers/"+customerID+"/promises/cancel", url.Values{"_csrf": {ana.csrf}, "promise_id": {promiseID}}, nil)
	assert.Equal(t, http.StatusSeeOther, status)
	status, _ = ana.post("/customers/"+customerID+"/opt-out", url.Values{"_csrf": {ana.csrf}, "opted_out": {"true"}}, nil)
	assert.Equal(t, http.StatusSeeOther, status)
	_, page = ana.get("/customers/" + customerID)
	assert.NotContains(t, page, "data-disputed-badge")
	assert.Contains(t, page, `data-promise="cancelled"`)
	assert.Contains(t, page, "Dado de baja")
	assert.Equal(t, true, c.do(http.MethodGet, "/api/v1/customers/"+customerID, c.read, nil).json(t)["whatsapp_opted_out"])

	// A refused action comes back to the page with the reason.
	status, _ = ana.post("/customers/"+customerID+"/dispute", url.Values{"_csrf": {ana.csrf}, "invoice_id": {invoiceID}, "reason": {""}}, nil)
	assert.Equal(t, http.StatusSeeOther, status)
	_, page = ana.get("/customers/" + customerID + "?error=" + url.QueryEscape("Escriba el motivo de la disputa."))
	assert.Contains(t, page, "Escriba el motivo de la disputa.")
	// Without the CSRF token nothing happens.
	status, _ = ana.post("/customers/"+customerID+"/opt-out", url.Values{"opted_out": {"false"}}, nil)
	assert.Equal(t, http.StatusForbidden, status)
}
