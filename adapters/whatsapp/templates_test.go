package whatsapp_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/whatsapp"
	"github.com/saldocrm/saldo/adapters/whatsapp/sim"
	"github.com/saldocrm/saldo/domain/template"
	"github.com/saldocrm/saldo/ports"
)

// simCatalog is the real client talking to the WhatsApp simulator; hooks
// collects the webhooks the simulator posts.
type simCatalog struct {
	client *whatsapp.Client
	sim    *sim.Simulator
	mu     sync.Mutex
	hooks  []json.RawMessage
}

func newSimCatalog(t *testing.T) *simCatalog {
	t.Helper()
	c := &simCatalog{}
	hooks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body json.RawMessage
		_ = json.NewDecoder(r.Body).Decode(&body)
		c.mu.Lock()
		c.hooks = append(c.hooks, body)
		c.mu.Unlock()
	}))
	t.Cleanup(hooks.Close)
	s, err := sim.New(sim.Config{
		AccessToken: testToken, AppSecret: "secret", WebhookURL: hooks.URL, BusinessAccountID: wabaID,
		TemplateReviewDelay: 10 * time.Millisecond, WebhookBackoff: time.Millisecond,
	})
	require.NoError(t, err)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	t.Cleanup(s.Close)
	c.sim = s
	c.client, err = whatsapp.NewClient(whatsapp.Config{BaseURL: srv.URL, Version: "v21.0", Token: testToken, MaxAttempts: 1})
	require.NoError(t, err)
	return c
}

func (c *simCatalog) find(t *testing.T, name, language string) ports.RemoteTemplate {
	t.Helper()
	all, err := c.client.List(t.Context(), wabaID)
	require.NoError(t, err)
	for _, r := range all {
		if r.Details.Name == name && r.Details.Language == language {
			return r
		}
	}
	t.Fatalf("%s (%s) is not in the catalog", name, language)
	return ports.RemoteTemplate{}
}

// full is a template with every part Saldo can create, normalized as the
// domain keeps it.
func full(t *testing.T) template.Details {
	t.Helper()
	d := template.Details{
		Name: "factura_vencida", Language: "es_MX", Category: template.Marketing,
		HeaderFormat: template.HeaderText, Header: "Factura {{1}}", HeaderExample: "F-1001",
		Body:     "Hola {{1}}, su factura por {{2}} venció el {{3}}. Use el código para un descuento.",
		Examples: []string{"Lucía", "$4.800 MXN", "01/11/2026"},
		Footer:   "Saldo · cobranza",
		Buttons: []template.Button{
			{Type: template.URL, Text: "Pagar", URL: "https://pagos.saldo.test/p/{{1}}", Example: "pl_8Kd92"},
			{Type: template.URL, Text: "Portal", URL: "https://saldo.test/portal"},
			{Type: template.PhoneNumber, Text: "Llamar", Phone: "+525512345678"},
			{Type: template.CopyCode, Example: "PAGA10"},
			{Type: template.QuickReply, Text: "Ya pagué"},
			{Type: template.QuickReply, Text: "Hablar con alguien"},
		},
	}
	tpl, err := template.New([16]byte{1}, d, time.Now())
	require.NoError(t, err, "the fixture follows Meta's rules")
	return tpl.Details()
}

func TestTemplateRoundTripThroughTheSimulator(t *testing.T) {
	t.Parallel()
	c := newSimCatalog(t)
	d := full(t)
	id, err := c.client.Create(t.Context(), wabaID, d)
	require.NoError(t, err)
	assert.NotEmpty(t, id)

	got := c.find(t, d.Name, d.Language)
	assert.Equal(t, id, got.ProviderID)
	assert.Equal(t, template.Pending, got.Status)
	want := d
	want.Buttons = append([]template.Button(nil), d.Buttons...)
	want.Buttons[3].Text = "" // WhatsApp labels copy-code buttons itself
	assert.Equal(t, want, got.Details, "what Saldo submits comes back the same from the catalog")

	// The simulator reviews it and the catalog says so.
	require.Eventually(t, func() bool { return c.find(t, d.Name, d.Language).Status == template.Approved }, 5*time.Second, 10*time.Millisecond)
}

func TestMediaHeaderTemplateThroughTheSimulator(t *testing.T) {
	t.Parallel()
	c := newSimCatalog(t)
	for _, f := range []template.HeaderFormat{template.HeaderImage, template.HeaderVideo, template.HeaderDocument} {
		d := template.Details{
			Name: "con_archivo_" + strings.ToLower(string(f)), Language: "pt_BR", Category: template.Utility,
			HeaderFormat: f, HeaderMediaURL: "https://cdn.saldo.test/exemplo",
			Body: "Olá {{1}}, segue a sua fatura.", Examples: []string{"João"},
		}
		_, err := c.client.Create(t.Context(), wabaID, d)
		require.NoError(t, err, "%s", f)
		got := c.find(t, d.Name, d.Language)
		assert.Equal(t, d, got.Details, "%s", f)
	}
	// The simulator keeps the wire shape Meta documents.
	for _, st := range c.sim.Templates() {
		if st.Name == "con_archivo_image" {
			assert.Equal(t, "HEADER", st.Components[0].Type)
			assert.Equal(t, "IMAGE", st.Components[0].Format)
			assert.JSONEq(t, `{"header_handle":["https://cdn.saldo.test/exemplo"]}`, string(st.Components[0].Example))
			assert.JSONEq(t, `{"body_text":[["João"]]}`, string(st.Components[1].Example))
		}
	}
}

func TestRefusedTemplateCarriesMetasMessage(t *testing.T) {
	t.Parallel()
	c := newSimCatalog(t)
	d := full(t)
	_, err := c.client.Create(t.Context(), wabaID, d)
	require.NoError(t, err)
	// The same name and language again: Meta refuses and says why.
	_, err = c.client.Create(t.Context(), wabaID, d)
	var se *ports.SendError
	require.ErrorAs(t, err, &se)
	assert.False(t, se.Retryable)
	assert.Equal(t, 100, se.Failure.Code)
	assert.Contains(t, se.Failure.Detail, "already", "Meta's message for people travels in the failure")

	// A media header without its example file is refused by the simulator as by Meta.
	_, err = c.client.Create(t.Context(), wabaID, template.Details{
		Name: "sin_ejemplo", Language: "es", Category: template.Utility, HeaderFormat: template.HeaderImage, Body: "Hola.",
	})
	require.ErrorAs(t, err, &se)
	assert.Contains(t, se.Failure.Detail, "header_handle")
}

func TestDeleteTemplateThroughTheSimulator(t *testing.T) {
	t.Parallel()
	c := newSimCatalog(t)
	require.NoError(t, c.client.Delete(t.Context(), wabaID, "recordatorio_pago", ""))
	all, err := c.client.List(t.Context(), wabaID)
	require.NoError(t, err)
	for _, r := range all {
		assert.NotEqual(t, "recordatorio_pago", r.Details.Name)
	}
	err = c.client.Delete(t.Context(), wabaID, "recordatorio_pago", "")
	assert.ErrorIs(t, err, template.ErrNotFound, "deleting twice: not found")
	// A name that only prefixes others is not found either.
	assert.ErrorIs(t, c.client.Delete(t.Context(), wabaID, "recordatorio", ""), template.ErrNotFound)
	assert.NotEmpty(t, c.find(t, "recordatorio_vencido", "es").ProviderID, "the others stay")

	// With Meta's id only that language goes.
	d := full(t)
	d.Language = "es"
	esID, err := c.client.Create(t.Context(), wabaID, d)
	require.NoError(t, err)
	d.Language = "en_US"
	_, err = c.client.Create(t.Context(), wabaID, d)
	require.NoError(t, err)
	require.NoError(t, c.client.Delete(t.Context(), wabaID, d.Name, esID))
	assert.NotEmpty(t, c.find(t, d.Name, "en_US").ProviderID, "the other language stays")
	assert.ErrorIs(t, c.client.Delete(t.Context(), wabaID, d.Name, esID), template.ErrNotFound)
}
