package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
)

// templateOf returns the listed template name in language, or nil.
func (c *channel) templateOf(t *testing.T, name, language string) map[string]any {
	t.Helper()
	a := c.do(http.MethodGet, "/api/v1/templates", c.read, nil)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	var list []map[string]any
	require.NoError(t, json.Unmarshal(a.body, &list))
	for _, tpl := range list {
		if tpl["name"] == name && tpl["language"] == language {
			return tpl
		}
	}
	return nil
}

func TestTemplateCreatedReviewedByWebhookAndDeleted(t *testing.T) {
	t.Parallel()
	c := startChannel(t, pgtest.URL(t))
	c.startWorker(t)

	req := map[string]any{
		"name": "aviso_factura", "language": "es", "category": "UTILITY",
		"header_format": "DOCUMENT", "header_media_url": "https://cdn.saldo.test/factura.pdf",
		"body":     "Hola {{1}}, adjuntamos la factura {{2}} por {{3}}.",
		"examples": []string{"María", "FV-1001", "$ 1.250.000"},
		"footer":   "Saldo · cobranza",
		"buttons": []map[string]any{
			{"type": "URL", "text": "Pagar", "url": "https://pagos.saldo.test/p/{{1}}", "example": "pl_8Kd92"},
			{"type": "QUICK_REPLY", "text": "Ya pagué"},
		},
	}
	created := c.do(http.MethodPost, "/api/v1/templates", c.write, req)
	require.Equal(t, http.StatusCreated, created.status, "%s", created.body)
	body := created.json(t)
	assert.Equal(t, "PENDING", body["status"])
	assert.Equal(t, "DOCUMENT", body["header_format"])
	assert.Equal(t, "Hola María, adjuntamos la factura FV-1001 por $ 1.250.000.", body["preview"])
	assert.NotEmpty(t, body["provider_id"])

	// WhatsApp has it as submitted, in Meta's wire format.
	var found bool
	for _, st := range c.sim.Templates() {
		if st.Name == "aviso_factura" {
			found = true
			assert.Equal(t, "DOCUMENT", st.Components[0].Format)
			assert.JSONEq(t, `{"header_handle":["https://cdn.saldo.test/factura.pdf"]}`, string(st.Components[0].Example))
		}
	}
	require.True(t, found, "the simulator holds the template")

	// The simulator approves it and says so by webhook: the list shows APPROVED.
	eventually(t, "the review reaches Saldo", func() bool {
		tpl := c.templateOf(t, "aviso_factura", "es")
		return tpl != nil && tpl["status"] == "APPROVED"
	})

	// A second create of the same name and language is a conflict.
	again := c.do(http.MethodPost, "/api/v1/templates", c.write, req)
	assert.Equal(t, http.StatusConflict, again.status, "%s", again.body)
	assert.Equal(t, "template_exists", again.errorCode(t))

	// Delete: gone at WhatsApp and in Saldo; a second delete is not found.
	del := c.do(http.MethodDelete, "/api/v1/templates/aviso_factura?language=es", c.write, nil)
	require.Equal(t, http.StatusNoContent, del.status, "%s", del.body)
	assert.Nil(t, c.templateOf(t, "aviso_factura", "es"))
	for _, st := range c.sim.Templates() {
		assert.NotEqual(t, "aviso_factura", st.Name)
	}
	del = c.do(http.MethodDelete, "/api/v1/templates/aviso_factura?language=es", c.write, nil)
	assert.Equal(t, http.StatusNotFound, del.status, "%s", del.body)
	noLang := c.do(http.MethodDelete, "/api/v1/templates/aviso_factura", c.write, nil)
	assert.Equal(t, http.StatusBadRequest, noLang.status, "%s", noLang.body)
}

func TestRejectedTemplateShowsTheReasonAndSyncKeepsIt(t *testing.T) {
	t.Parallel()
	c := startChannel(t, pgtest.URL(t))
	c.startWorker(t)
	// The simulator rejects templates whose name says so.
	created := c.do(http.MethodPost, "/api/v1/templates", c.write, map[string]any{
		"name": "please_reject_me", "language": "es", "category": "MARKETING", "body": "Hola, tenemos una oferta.",
	})
	require.Equal(t, http.StatusCreated, created.status, "%s", created.body)
	eventually(t, "the rejection reaches Saldo", func() bool {
		tpl := c.templateOf(t, "please_reject_me", "es")
		return tpl != nil && tpl["status"] == "REJECTED"
	})
	assert.Equal(t, "INVALID_FORMAT", c.templateOf(t, "please_reject_me", "es")["reason"])

	sync := c.do(http.MethodPost, "/api/v1/templates/sync", c.write, nil)
	require.Equal(t, http.StatusOK, sync.status, "%s", sync.body)
	assert.GreaterOrEqual(t, sync.json(t)["templates"], 7.0, "the six seeds and ours")
	assert.Equal(t, "REJECTED", c.templateOf(t, "please_reject_me", "es")["status"])
	assert.Equal(t, "APPROVED", c.templateOf(t, "recordatorio_pago", "es")["status"])
}

func TestInvalidTemplateIs422WithOneDetailPerField(t *testing.T) {
	t.Parallel()
	c := startChannel(t, pgtest.URL(t))
	bad := c.do(http.MethodPost, "/api/v1/templates", c.write, map[string]any{
		"name": "Aviso Factura", "language": "es", "category": "UTILITY",
		"header_format": "TEXT", "header": "Factura {{1}}",
		"body":   "Hola {{1}}, debe {{3}}.",
		"footer": strings.Repeat("x", 61),
		"buttons": []map[string]any{
			{"type": "QUICK_REPLY", "text": "Sí"},
			{"type": "URL", "text": "Pagar", "url": "http://pagos.saldo.test"},
			{"type": "QUICK_REPLY", "text": "No"},
		},
	})
	require.Equal(t, http.StatusUnprocessableEntity, bad.status, "%s", bad.body)
	assert.Equal(t, "invalid_template", bad.errorCode(t))
	var details []string
	for _, d := range bad.json(t)["error"].(map[string]any)["details"].([]any) {
		details = append(details, d.(string))
	}
	for _, prefix := range []string{"name: ", "header_example: ", "body: ", "footer: ", "buttons[1].url: ", "buttons: "} {
		var ok bool
		for _, d := range details {
			ok = ok || strings.HasPrefix(d, prefix)
		}
		assert.True(t, ok, "a detail for %q in %v", prefix, details)
	}
	assert.Nil(t, c.templateOf(t, "aviso_factura", "es"), "nothing stored")
	for _, st := range c.sim.Templates() {
		assert.NotEqual(t, "aviso_factura", st.Name, "nothing submitted")
	}

	// Meta's own refusal (the simulator's catalog already has this name) is a 422 quoting it.
	refused := c.do(http.MethodPost, "/api/v1/templates", c.write, map[string]any{
		"name": "recordatorio_pago", "language": "es", "category": "UTILITY", "body": "Hola, le recordamos su pago.",
	})
	require.Equal(t, http.StatusUnprocessableEntity, refused.status, "%s", refused.body)
	assert.Equal(t, "template_refused", refused.errorCode(t))
	assert.Contains(t, string(refused.body), "already")
}
