package sim

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testToken  = "EAAG-test-token"
	testSecret = "app-secret-for-tests"
	phoneID    = "106540352242922"
	wabaID     = "102290129340398"
	customer   = "573001234567"
)

// ---------------------------------------------------------------- fake Saldo

// fakeSaldo is Saldo's webhook endpoint: it checks every signature with the
// app secret, as Saldo must, and records the bodies it accepted.
type fakeSaldo struct {
	t   *testing.T
	srv *httptest.Server

	mu         sync.Mutex
	attempts   int
	failNext   int  // answer 500 to this many next posts
	alwaysFail bool // answer 500 to every post
	bodies     [][]byte
}

func newFakeSaldo(t *testing.T) *fakeSaldo {
	f := &fakeSaldo{t: t}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSaldo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		f.t.Errorf("read webhook: %v", err)
		return
	}
	mac := hmac.New(sha256.New, []byte(testSecret))
	mac.Write(body)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	if got := r.Header.Get("X-Hub-Signature-256"); !hmac.Equal([]byte(got), []byte(want)) {
		f.t.Errorf("webhook signature %q, want %q", got, want)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/webhooks/whatsapp" || r.Header.Get("Content-Type") != "application/json" {
		f.t.Errorf("webhook %s %s with Content-Type %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attempts++
	if f.alwaysFail || f.failNext > 0 {
		f.failNext--
		http.Error(w, "boom", http.StatusInternalServerError)
		return
	}
	f.bodies = append(f.bodies, body)
}

func (f *fakeSaldo) snapshot() (attempts int, bodies [][]byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.attempts, slices.Clone(f.bodies)
}

// waitFor polls the accepted webhooks until match selects n of them.
func (f *fakeSaldo) waitFor(t *testing.T, n int, match func(h hook) bool) []hook {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, bodies := f.snapshot()
		var got []hook
		for _, b := range bodies {
			h := parseHook(t, b)
			if match(h) {
				got = append(got, h)
			}
		}
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %d matching webhooks, want %d; all: %s", len(got), n, bytes.Join(bodies, []byte("\n")))
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// hook is the test's own reading of a webhook, independent of the simulator's structs.
type hook struct {
	raw    []byte
	Object string `json:"object"`
	Entry  []struct {
		ID      string `json:"id"`
		Time    int64  `json:"time"`
		Changes []struct {
			Field string          `json:"field"`
			Value json.RawMessage `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

type hookValue struct {
	MessagingProduct string `json:"messaging_product"`
	Metadata         struct {
		DisplayPhoneNumber string `json:"display_phone_number"`
		PhoneNumberID      string `json:"phone_number_id"`
	} `json:"metadata"`
	Contacts []struct {
		Profile struct {
			Name string `json:"name"`
		} `json:"profile"`
		WaID string `json:"wa_id"`
	} `json:"contacts"`
	Messages []struct {
		Context *struct {
			From string `json:"from"`
			ID   string `json:"id"`
		} `json:"context"`
		From      string `json:"from"`
		ID        string `json:"id"`
		Timestamp string `json:"timestamp"`
		Type      string `json:"type"`
		Text      *struct {
			Body string `json:"body"`
		} `json:"text"`
		Button *struct {
			Payload string `json:"payload"`
			Text    string `json:"text"`
		} `json:"button"`
		Interactive *struct {
			Type        string `json:"type"`
			ButtonReply *struct {
				ID    string `json:"id"`
				Title string `json:"title"`
			} `json:"button_reply"`
		} `json:"interactive"`
	} `json:"messages"`
	Statuses []struct {
		ID          string `json:"id"`
		Status      string `json:"status"`
		Timestamp   string `json:"timestamp"`
		RecipientID string `json:"recipient_id"`
		Pricing     *struct {
			Billable     bool   `json:"billable"`
			PricingModel string `json:"pricing_model"`
			Category     string `json:"category"`
			Type         string `json:"type"`
		} `json:"pricing"`
		Errors []struct {
			Code    int    `json:"code"`
			Title   string `json:"title"`
			Message string `json:"message"`
		} `json:"errors"`
	} `json:"statuses"`
	// template status update
	Event      string `json:"event"`
	TemplateID int64  `json:"message_template_id"`
	Name       string `json:"message_template_name"`
	Language   string `json:"message_template_language"`
	Reason     string `json:"reason"`
}

func parseHook(t *testing.T, b []byte) hook {
	t.Helper()
	var h hook
	require.NoError(t, json.Unmarshal(b, &h), "webhook body %s", b)
	h.raw = b
	return h
}

func (h hook) field() string {
	if len(h.Entry) != 1 || len(h.Entry[0].Changes) != 1 {
		return ""
	}
	return h.Entry[0].Changes[0].Field
}

func (h hook) value(t *testing.T) hookValue {
	t.Helper()
	require.Len(t, h.Entry, 1)
	require.Len(t, h.Entry[0].Changes, 1)
	var v hookValue
	require.NoError(t, json.Unmarshal(h.Entry[0].Changes[0].Value, &v))
	return v
}

// statusesOf selects status webhooks of wamid.
func statusesOf(t *testing.T, wamid string) func(h hook) bool {
	return func(h hook) bool {
		if h.field() != "messages" {
			return false
		}
		v := h.value(t)
		return len(v.Statuses) == 1 && v.Statuses[0].ID == wamid
	}
}

func inboundWith(t *testing.T, wamid string) func(h hook) bool {
	return func(h hook) bool {
		if h.field() != "messages" {
			return false
		}
		v := h.value(t)
		return len(v.Messages) == 1 && v.Messages[0].ID == wamid
	}
}

// ---------------------------------------------------------------- environment

type env struct {
	sim   *Simulator
	api   *httptest.Server
	saldo *fakeSaldo
}

func newEnv(t *testing.T, mutate ...func(*Config)) *env {
	t.Helper()
	saldo := newFakeSaldo(t)
	cfg := Config{
		AccessToken:         testToken,
		AppSecret:           testSecret,
		WebhookURL:          saldo.srv.URL + "/webhooks/whatsapp",
		StatusDelay:         3 * time.Millisecond,
		TemplateReviewDelay: 10 * time.Millisecond,
		WebhookBackoff:      3 * time.Millisecond,
		WebhookAttempts:     3,
		ReadReceipts:        true,
		Log:                 slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, m := range mutate {
		m(&cfg)
	}
	s, err := New(cfg)
	require.NoError(t, err)
	api := httptest.NewServer(s.Handler())
	t.Cleanup(api.Close)
	t.Cleanup(s.Close) // runs first: no webhook is posted after the test
	return &env{sim: s, api: api, saldo: saldo}
}

// call sends a request to the simulator; body is JSON-encoded unless it is a string.
func (e *env) call(t *testing.T, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		require.NoError(t, err)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, e.api.URL+path, rd)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e.api.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(raw, &out), "answer %s", raw)
	return resp.StatusCode, out
}

func (e *env) send(t *testing.T, body any) (int, map[string]any) {
	t.Helper()
	return e.call(t, http.MethodPost, "/v21.0/"+phoneID+"/messages", testToken, body)
}

func textMessage(to, body string) map[string]any {
	return map[string]any{
		"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
		"type": "text", "text": map[string]any{"body": body},
	}
}

func templateMessage(to, name, lang string, params ...string) map[string]any {
	ps := make([]map[string]any, 0, len(params))
	for _, p := range params {
		ps = append(ps, map[string]any{"type": "text", "text": p})
	}
	return map[string]any{
		"messaging_product": "whatsapp", "to": to, "type": "template",
		"template": map[string]any{
			"name": name, "language": map[string]any{"code": lang},
			"components": []any{map[string]any{"type": "body", "parameters": ps}},
		},
	}
}

func errorCode(t *testing.T, answer map[string]any) int {
	t.Helper()
	e, ok := answer["error"].(map[string]any)
	require.True(t, ok, "answer has no error object: %v", answer)
	code, ok := e["code"].(float64)
	require.True(t, ok, "error has no numeric code: %v", e)
	return int(code)
}

func wamidOf(t *testing.T, answer map[string]any) string {
	t.Helper()
	msgs, ok := answer["messages"].([]any)
	require.True(t, ok, "answer has no messages: %v", answer)
	require.Len(t, msgs, 1)
	id, _ := msgs[0].(map[string]any)["id"].(string)
	require.True(t, strings.HasPrefix(id, "wamid."), "id %q", id)
	return id
}

// ---------------------------------------------------------------- fixture shapes

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// shape maps every JSON path of v (arrays collapsed to []) to its JSON type.
func shape(t *testing.T, raw []byte) map[string]string {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(raw, &v))
	out := map[string]string{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			out[path] = "object"
			for k, c := range x {
				walk(path+"."+k, c)
			}
		case []any:
			out[path] = "array"
			for _, c := range x {
				walk(path+"[]", c)
			}
		case string:
			out[path] = "string"
		case float64:
			out[path] = "number"
		case bool:
			out[path] = "bool"
		default:
			out[path] = "null"
		}
	}
	walk("", v)
	return out
}

// assertShapeWithin checks that every path of got exists in the fixture with
// the same JSON type (a field the fixture does not know, or a number where it
// has a string, is a wire-format mistake), and that the required paths are there.
func assertShapeWithin(t *testing.T, got []byte, fixture string, required ...string) {
	t.Helper()
	want := shape(t, readFixture(t, fixture))
	have := shape(t, got)
	for path, typ := range have {
		wantTyp, ok := want[path]
		if assert.True(t, ok, "path %s of %s is not in %s", path, got, fixture) {
			assert.Equal(t, wantTyp, typ, "type of %s", path)
		}
	}
	for _, path := range required {
		assert.Contains(t, have, path, "required path missing from %s", got)
	}
}

var envelopePaths = []string{
	".object", ".entry[].id", ".entry[].changes[].field",
	".entry[].changes[].value.messaging_product",
	".entry[].changes[].value.metadata.display_phone_number",
	".entry[].changes[].value.metadata.phone_number_id",
}

// ---------------------------------------------------------------- tests

func TestSendTextInsideWindow_StatusSequence(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, err := e.sim.CustomerSends(t.Context(), customer, "María Fernanda", "Buenas tardes, ¿cuánto debo?")
	require.NoError(t, err)

	status, answer := e.send(t, textMessage(customer, "Debes $1.250.000"))
	require.Equal(t, http.StatusOK, status, "answer %v", answer)
	assert.Equal(t, "whatsapp", answer["messaging_product"])
	assert.Equal(t, []any{map[string]any{"input": customer, "wa_id": customer}}, answer["contacts"])
	wamid := wamidOf(t, answer)
	assert.NotContains(t, answer["messages"].([]any)[0], "message_status", "message_status is for templates")

	hooks := e.saldo.waitFor(t, 3, statusesOf(t, wamid))
	var seq []string
	for _, h := range hooks {
		assertShapeWithin(t, h.raw, "statuses.json", append(envelopePaths,
			".entry[].changes[].value.statuses[].id", ".entry[].changes[].value.statuses[].status",
			".entry[].changes[].value.statuses[].timestamp", ".entry[].changes[].value.statuses[].recipient_id")...)
		v := h.value(t)
		assert.Equal(t, "whatsapp_business_account", h.Object)
		assert.Equal(t, wabaID, h.Entry[0].ID)
		assert.Equal(t, phoneID, v.Metadata.PhoneNumberID)
		assert.Equal(t, "15550783881", v.Metadata.DisplayPhoneNumber)
		st := v.Statuses[0]
		seq = append(seq, st.Status)
		assert.Equal(t, customer, st.RecipientID)
		assert.Regexp(t, `^\d{10}$`, st.Timestamp)
		if st.Status == StatusRead {
			assert.Nil(t, st.Pricing)
		} else if assert.NotNil(t, st.Pricing) {
			assert.Equal(t, "PMP", st.Pricing.PricingModel)
			assert.Equal(t, "service", st.Pricing.Category)
			assert.False(t, st.Pricing.Billable, "a reply inside the window is free")
		}
	}
	assert.Equal(t, []string{StatusSent, StatusDelivered, StatusRead}, seq)

	sent := e.sim.Sent(customer)
	require.Len(t, sent, 1)
	assert.Equal(t, wamid, sent[0].ID)
	assert.Equal(t, "Debes $1.250.000", sent[0].Body)
	assert.Equal(t, StatusRead, sent[0].Status)
	assert.Equal(t, 1, e.sim.SentCount())
}

func TestSendTextOutsideWindow_ExactlyLikeFixture(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	want := map[string]any{}
	require.NoError(t, json.Unmarshal(readFixture(t, "send-error.json"), &want))

	check := func(t *testing.T, to string) {
		status, answer := e.send(t, textMessage(to, "hola"))
		assert.Equal(t, http.StatusBadRequest, status)
		gotErr := answer["error"].(map[string]any)
		assert.Regexp(t, `^[A-Za-z0-9]{8,}$`, gotErr["fbtrace_id"])
		gotErr["fbtrace_id"] = "A1b2C3d4E5f6G7h8"
		assert.Equal(t, want, answer)
	}
	t.Run("never wrote", func(t *testing.T) { check(t, "573009999999") })
	t.Run("wrote more than 24 hours ago", func(t *testing.T) {
		_, err := e.sim.CustomerSends(t.Context(), customer, "María", "hola")
		require.NoError(t, err)
		e.sim.advanceClock(24*time.Hour + time.Second)
		check(t, customer)
	})
	assert.Equal(t, 0, e.sim.SentCount())
}

func TestWindowRenewedAndClosed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, err := e.sim.CustomerSends(t.Context(), customer, "María", "hola")
	require.NoError(t, err)
	e.sim.advanceClock(23 * time.Hour)
	status, answer := e.send(t, textMessage(customer, "still open"))
	require.Equal(t, http.StatusOK, status, "answer %v", answer)

	e.sim.CloseWindow(customer)
	status, answer = e.send(t, textMessage(customer, "closed"))
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, 131047, errorCode(t, answer))

	// A template goes through a closed window.
	status, answer = e.send(t, templateMessage(customer, "recordatorio_pago", "es", "María", "$1.250.000", "15/11/2026"))
	assert.Equal(t, http.StatusOK, status, "answer %v", answer)
}

func TestAsyncWindowErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.AsyncWindowErrors = true })
	status, answer := e.send(t, textMessage(customer, "hola"))
	require.Equal(t, http.StatusOK, status)
	wamid := wamidOf(t, answer)
	h := e.saldo.waitFor(t, 1, statusesOf(t, wamid))[0]
	st := h.value(t).Statuses[0]
	assert.Equal(t, StatusFailed, st.Status)
	require.Len(t, st.Errors, 1)
	assert.Equal(t, 131047, st.Errors[0].Code)
}

func TestSendTemplate_FixtureRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	status, answer := e.send(t, readFixture(t, "send-template-request.json"))
	require.Equal(t, http.StatusOK, status, "answer %v", answer)
	wamid := wamidOf(t, answer)
	assert.Equal(t, "accepted", answer["messages"].([]any)[0].(map[string]any)["message_status"])

	hooks := e.saldo.waitFor(t, 3, statusesOf(t, wamid))
	delivered := hooks[1].value(t).Statuses[0]
	require.Equal(t, StatusDelivered, delivered.Status)
	require.NotNil(t, delivered.Pricing)
	assert.Equal(t, "utility", delivered.Pricing.Category)
	assert.True(t, delivered.Pricing.Billable, "a template outside the window is charged")
	assert.Equal(t, "regular", delivered.Pricing.Type)

	sent := e.sim.Sent(customer)
	require.Len(t, sent, 1)
	assert.Equal(t, "recordatorio_vencido", sent[0].Template)
	assert.Contains(t, sent[0].Body, "Hola María, tu saldo de $1.250.000 venció el 15/11/2026.")
	require.Len(t, sent[0].Buttons, 1)
	assert.Equal(t, "https://pagos.saldo.test/p/pl_8Kd92", sent[0].Buttons[0].URL)
}

func TestSendTemplate_Errors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	withoutURLParam := templateMessage(customer, "recordatorio_vencido", "es", "María", "$1", "15/11")
	tests := []struct {
		name string
		body map[string]any
		code int
	}{
		{"too few body parameters", templateMessage(customer, "recordatorio_pago", "es", "María", "$1.250.000"), 132000},
		{"too many body parameters", templateMessage(customer, "recordatorio_pago", "es", "a", "b", "c", "d"), 132000},
		{"missing url button parameter", withoutURLParam, 132000},
		{"unknown template", templateMessage(customer, "no_existe", "es", "a"), 132001},
		{"wrong language", templateMessage(customer, "recordatorio_pago", "pt_BR", "a", "b", "c"), 132001},
		{"new line in a parameter", templateMessage(customer, "recordatorio_pago", "es", "María\nFernanda", "b", "c"), 100},
		{"empty parameter", templateMessage(customer, "recordatorio_pago", "es", "", "b", "c"), 131008},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, answer := e.send(t, tt.body)
			assert.Equal(t, http.StatusBadRequest, status)
			assert.Equal(t, tt.code, errorCode(t, answer), "answer %v", answer)
			errObj := answer["error"].(map[string]any)
			assert.Equal(t, "OAuthException", errObj["type"])
			assert.Equal(t, "whatsapp", errObj["error_data"].(map[string]any)["messaging_product"])
		})
	}
	status, answer := e.send(t, templateMessage(customer, "no_existe", "es"))
	require.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "(#132001) Template name does not exist in the translation", answer["error"].(map[string]any)["message"])
	assert.Equal(t, 0, e.sim.SentCount())
}

func TestFailingNumber_FailedStatus131026(t *testing.T) {
	t.Parallel()
	const failing = "573009999999"
	e := newEnv(t, func(c *Config) { c.FailingNumbers = []string{failing} })
	status, answer := e.send(t, templateMessage(failing, "recordatorio_pago", "es", "a", "b", "c"))
	require.Equal(t, http.StatusOK, status, "the failure comes later, by webhook")
	wamid := wamidOf(t, answer)

	h := e.saldo.waitFor(t, 1, statusesOf(t, wamid))[0]
	assertShapeWithin(t, h.raw, "statuses.json", ".entry[].changes[].value.statuses[].errors[].error_data.details")
	st := h.value(t).Statuses[0]
	assert.Equal(t, StatusFailed, st.Status)
	require.Len(t, st.Errors, 1)
	assert.Equal(t, 131026, st.Errors[0].Code)
	assert.Equal(t, "Message undeliverable", st.Errors[0].Title)

	time.Sleep(20 * time.Millisecond) // nothing else follows a failure
	_, bodies := e.saldo.snapshot()
	assert.Len(t, bodies, 1)
	sent := e.sim.Sent(failing)
	require.Len(t, sent, 1)
	assert.Equal(t, StatusFailed, sent[0].Status)
	assert.Equal(t, 131026, sent[0].ErrorCode)
}

func TestFailureRate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.FailureRate = 1 })
	status, answer := e.send(t, templateMessage(customer, "recordatorio_pago", "es", "a", "b", "c"))
	require.Equal(t, http.StatusOK, status)
	st := e.saldo.waitFor(t, 1, statusesOf(t, wamidOf(t, answer)))[0].value(t).Statuses[0]
	assert.Equal(t, StatusFailed, st.Status)
	assert.Equal(t, 131000, st.Errors[0].Code)
}

func TestAuth(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	paths := []struct{ method, path string }{
		{http.MethodPost, "/v21.0/" + phoneID + "/messages"},
		{http.MethodGet, "/v21.0/" + wabaID + "/message_templates"},
		{http.MethodPost, "/v21.0/" + wabaID + "/message_templates"},
		{http.MethodDelete, "/v21.0/" + wabaID + "/message_templates?name=recordatorio_pago"},
	}
	for _, p := range paths {
		for _, token := range []string{"", "wrong-token"} {
			t.Run(p.method+" "+p.path+" token="+token, func(t *testing.T) {
				status, answer := e.call(t, p.method, p.path, token, textMessage(customer, "x"))
				assert.Equal(t, http.StatusUnauthorized, status)
				assert.Equal(t, 190, errorCode(t, answer))
				assert.Equal(t, "OAuthException", answer["error"].(map[string]any)["type"])
				assert.NotEmpty(t, answer["error"].(map[string]any)["fbtrace_id"])
			})
		}
	}
	// The token also works as Graph's access_token query parameter.
	status, _ := e.call(t, http.MethodGet, "/v21.0/"+wabaID+"/message_templates?access_token="+testToken, "", nil)
	assert.Equal(t, http.StatusOK, status)
	assert.Len(t, e.sim.Templates(), 7, "nothing was deleted")
}

func TestWrongVersionAndNode(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	status, answer := e.call(t, http.MethodPost, "/v20.0/"+phoneID+"/messages", testToken, textMessage(customer, "x"))
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, answer["error"].(map[string]any)["message"], "v21.0")

	status, answer = e.call(t, http.MethodPost, "/v21.0/999999/messages", testToken, textMessage(customer, "x"))
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, 100, errorCode(t, answer))
	assert.Equal(t, "GraphMethodException", answer["error"].(map[string]any)["type"])
}

func TestSendValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, err := e.sim.CustomerSends(t.Context(), customer, "María", "hola")
	require.NoError(t, err)

	buttons := func(titles ...string) map[string]any {
		bs := []any{}
		for i, title := range titles {
			bs = append(bs, map[string]any{"type": "reply", "reply": map[string]any{"id": fmt.Sprint("b", i), "title": title}})
		}
		return map[string]any{
			"messaging_product": "whatsapp", "to": customer, "type": "interactive",
			"interactive": map[string]any{"type": "button", "body": map[string]any{"text": "¿Cuándo pagas?"}, "action": map[string]any{"buttons": bs}},
		}
	}
	list := func(rows int) map[string]any {
		rs := []any{}
		for i := range rows {
			rs = append(rs, map[string]any{"id": fmt.Sprint("r", i), "title": fmt.Sprint("Opción ", i)})
		}
		return map[string]any{
			"messaging_product": "whatsapp", "to": customer, "type": "interactive",
			"interactive": map[string]any{
				"type": "list", "body": map[string]any{"text": "Elige"},
				"action": map[string]any{"button": "Ver opciones", "sections": []any{map[string]any{"title": "Pagos", "rows": rs}}},
			},
		}
	}
	wrongProduct := textMessage(customer, "x")
	wrongProduct["messaging_product"] = "sms"
	noProduct := textMessage(customer, "x")
	delete(noProduct, "messaging_product")
	unknownKey := textMessage(customer, "x")
	unknownKey["recipient-type"] = "individual"
	noObject := textMessage(customer, "x")
	delete(noObject, "text")
	toAsNumber := textMessage(customer, "x")
	toAsNumber["to"] = 573001234567

	tests := []struct {
		name string
		body any
		code int
	}{
		{"not JSON", "to=573001234567", 100},
		{"messaging_product missing", noProduct, 100},
		{"messaging_product not whatsapp", wrongProduct, 100},
		{"unknown top-level key", unknownKey, 100},
		{"to is a number", toAsNumber, 100},
		{"to with symbols", textMessage("+57 300 123 4567", "x"), 100},
		{"unknown type", map[string]any{"messaging_product": "whatsapp", "to": customer, "type": "sms", "sms": map[string]any{}}, 100},
		{"type object missing", noObject, 100},
		{"empty text", textMessage(customer, ""), 100},
		{"text too long", textMessage(customer, strings.Repeat("a", 4097)), 100},
		{"four reply buttons", buttons("a", "b", "c", "d"), 131009},
		{"button title over 20", buttons("Pago el viernes sin falta"), 131009},
		{"eleven list rows", list(11), 131009},
		{"image without id or link", map[string]any{"messaging_product": "whatsapp", "to": customer, "type": "image", "image": map[string]any{"caption": "x"}}, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, answer := e.send(t, tt.body)
			assert.Equal(t, http.StatusBadRequest, status)
			assert.Equal(t, tt.code, errorCode(t, answer), "answer %v", answer)
		})
	}

	t.Run("JSON without Content-Type", func(t *testing.T) {
		b, err := json.Marshal(textMessage(customer, "x"))
		require.NoError(t, err)
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, e.api.URL+"/v21.0/"+phoneID+"/messages", bytes.NewReader(b))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := e.api.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var answer map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&answer))
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.Equal(t, 100, errorCode(t, answer))
	})

	ok := []struct {
		name string
		body any
	}{
		{"text exactly 4096", textMessage(customer, strings.Repeat("ñ", 4096))},
		{"to with +", textMessage("+"+customer, "x")},
		{"three buttons", buttons("Pago hoy", "Pago el viernes", "Ya pagué")},
		{"ten rows", list(10)},
		{"image by link", map[string]any{"messaging_product": "whatsapp", "to": customer, "type": "image", "image": map[string]any{"link": "https://example.com/a.png", "caption": "recibo"}}},
		{"reaction", map[string]any{"messaging_product": "whatsapp", "to": customer, "type": "reaction", "reaction": map[string]any{"message_id": "wamid.x", "emoji": "👍"}}},
		{"location", map[string]any{"messaging_product": "whatsapp", "to": customer, "type": "location", "location": map[string]any{"latitude": 4.6, "longitude": -74.08, "name": "Oficina"}}},
		{"type omitted means text", map[string]any{"messaging_product": "whatsapp", "to": customer, "text": map[string]any{"body": "x"}}},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			status, answer := e.send(t, tt.body)
			assert.Equal(t, http.StatusOK, status, "answer %v", answer)
		})
	}
}

func TestMarkRead(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	first, err := e.sim.CustomerSends(t.Context(), customer, "María", "hola")
	require.NoError(t, err)
	second, err := e.sim.CustomerSends(t.Context(), customer, "María", "¿me oyes?")
	require.NoError(t, err)

	status, answer := e.send(t, map[string]any{"messaging_product": "whatsapp", "status": "read", "message_id": second})
	require.Equal(t, http.StatusOK, status, "answer %v", answer)
	assert.Equal(t, map[string]any{"success": true}, answer)
	assert.True(t, e.sim.BusinessRead(first), "earlier messages count as read")
	assert.True(t, e.sim.BusinessRead(second))

	status, answer = e.send(t, map[string]any{"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.unknown"})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, 100, errorCode(t, answer))
	assert.Equal(t, 0, e.sim.SentCount())
}

func createTemplate(name string) map[string]any {
	return map[string]any{
		"name": name, "language": "es", "category": "UTILITY",
		"components": []any{
			map[string]any{"type": "BODY", "text": "Hola {{1}}, tu factura {{2}} está lista.", "example": map[string]any{"body_text": [][]string{{"Ana", "FV-1"}}}},
			map[string]any{"type": "BUTTONS", "buttons": []any{map[string]any{"type": "QUICK_REPLY", "text": "Gracias"}}},
		},
	}
}

func TestTemplateCreate_PendingThenApproved(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.TemplateReviewDelay = 50 * time.Millisecond })
	status, answer := e.call(t, http.MethodPost, "/v21.0/"+wabaID+"/message_templates", testToken, createTemplate("factura_lista"))
	require.Equal(t, http.StatusOK, status, "answer %v", answer)
	assert.Equal(t, "PENDING", answer["status"])
	assert.Equal(t, "UTILITY", answer["category"])
	id, _ := answer["id"].(string)
	require.Regexp(t, `^\d+$`, id)
	for _, tpl := range e.sim.Templates() {
		if tpl.Name != "factura_lista" {
			assert.NotEqual(t, tpl.ID, id, "ids are unique across the catalog")
		}
	}

	// Pending: listed as such, and not sendable yet.
	_, list := e.call(t, http.MethodGet, "/v21.0/"+wabaID+"/message_templates?name=factura_lista", testToken, nil)
	require.Len(t, list["data"], 1)
	assert.Equal(t, "PENDING", list["data"].([]any)[0].(map[string]any)["status"])
	status, answer = e.send(t, templateMessage(customer, "factura_lista", "es", "Ana", "FV-1"))
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, 132001, errorCode(t, answer))

	h := e.saldo.waitFor(t, 1, func(h hook) bool { return h.field() == "message_template_status_update" })[0]
	assertShapeWithin(t, h.raw, "template-status.json", ".entry[].time",
		".entry[].changes[].value.event", ".entry[].changes[].value.message_template_id",
		".entry[].changes[].value.message_template_name", ".entry[].changes[].value.message_template_language",
		".entry[].changes[].value.reason")
	v := h.value(t)
	assert.Equal(t, wabaID, h.Entry[0].ID)
	assert.Equal(t, "APPROVED", v.Event)
	assert.Equal(t, id, fmt.Sprint(v.TemplateID))
	assert.Equal(t, "factura_lista", v.Name)
	assert.Equal(t, "es", v.Language)

	_, list = e.call(t, http.MethodGet, "/v21.0/"+wabaID+"/message_templates?name=factura_lista", testToken, nil)
	assert.Equal(t, "APPROVED", list["data"].([]any)[0].(map[string]any)["status"])
	status, answer = e.send(t, templateMessage(customer, "factura_lista", "es", "Ana", "FV-1"))
	assert.Equal(t, http.StatusOK, status, "answer %v", answer)
}

func TestTemplateCreate_HeaderURLAndCopyCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	status, answer := e.call(t, http.MethodPost, "/v21.0/"+wabaID+"/message_templates", testToken, map[string]any{
		"name": "codigo_descuento", "language": "es_MX", "category": "marketing",
		"components": []any{
			map[string]any{"type": "HEADER", "format": "TEXT", "text": "Hola {{1}}", "example": map[string]any{"header_text": []string{"Ana"}}},
			map[string]any{"type": "BODY", "text": "Paga antes del {{1}} y obtén un descuento.", "example": map[string]any{"body_text": [][]string{{"30 de noviembre"}}}},
			map[string]any{"type": "FOOTER", "text": "Saldo"},
			map[string]any{"type": "BUTTONS", "buttons": []any{
				map[string]any{"type": "URL", "text": "Pagar", "url": "https://pagos.saldo.test/p/{{1}}", "example": []string{"https://pagos.saldo.test/p/x1"}},
				map[string]any{"type": "COPY_CODE", "example": "DESC10"},
			}},
		},
	})
	require.Equal(t, http.StatusOK, status, "answer %v", answer)
	assert.Equal(t, "MARKETING", answer["category"])
	e.saldo.waitFor(t, 1, func(h hook) bool { return h.field() == "message_template_status_update" })

	status, answer = e.send(t, map[string]any{
		"messaging_product": "whatsapp", "to": customer, "type": "template",
		"template": map[string]any{
			"name": "codigo_descuento", "language": map[string]any{"code": "es_MX", "policy": "deterministic"},
			"components": []any{
				map[string]any{"type": "header", "parameters": []any{map[string]any{"type": "text", "text": "Ana"}}},
				map[string]any{"type": "body", "parameters": []any{map[string]any{"type": "date_time", "date_time": map[string]any{"fallback_value": "30 de noviembre"}}}},
				map[string]any{"type": "button", "sub_type": "url", "index": 0, "parameters": []any{map[string]any{"type": "text", "text": "pl_1"}}},
				map[string]any{"type": "button", "sub_type": "copy_code", "index": "1", "parameters": []any{map[string]any{"type": "coupon_code", "coupon_code": "DESC10"}}},
			},
		},
	})
	require.Equal(t, http.StatusOK, status, "answer %v", answer)
	sent := e.sim.Sent(customer)[0]
	assert.Equal(t, "Hola Ana", sent.Header)
	assert.Equal(t, "Paga antes del 30 de noviembre y obtén un descuento.", sent.Body)
	assert.Equal(t, "marketing", sent.Category)
	assert.Equal(t, []Button{
		{Kind: "url", Text: "Pagar", URL: "https://pagos.saldo.test/p/pl_1"},
		{Kind: "copy_code", Text: "Copy offer code", Payload: "DESC10"},
	}, sent.Buttons)
}

func TestTemplateCreate_Rejected(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	status, answer := e.call(t, http.MethodPost, "/v21.0/"+wabaID+"/message_templates", testToken, createTemplate("please_reject_me"))
	require.Equal(t, http.StatusOK, status, "answer %v", answer)
	h := e.saldo.waitFor(t, 1, func(h hook) bool { return h.field() == "message_template_status_update" })[0]
	v := h.value(t)
	assert.Equal(t, "REJECTED", v.Event)
	assert.Equal(t, "INVALID_FORMAT", v.Reason)
	assertShapeWithin(t, h.raw, "template-status.json")

	_, list := e.call(t, http.MethodGet, "/v21.0/"+wabaID+"/message_templates?name=please_reject_me&fields=name,status,rejected_reason", testToken, nil)
	require.Len(t, list["data"], 1)
	assert.Equal(t, map[string]any{"id": answer["id"], "name": "please_reject_me", "status": "REJECTED", "rejected_reason": "INVALID_FORMAT"}, list["data"].([]any)[0])
}

func TestTemplateCreate_Validation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	withBody := func(name, body string) map[string]any {
		c := createTemplate(name)
		c["components"] = []any{map[string]any{"type": "BODY", "text": body}}
		return c
	}
	badCategory := createTemplate("ok_name")
	badCategory["category"] = "TRANSACTIONAL"
	tests := []struct {
		name string
		body map[string]any
	}{
		{"upper case name", createTemplate("Factura")},
		{"name with dash", createTemplate("factura-lista")},
		{"name too long", createTemplate(strings.Repeat("a", 513))},
		{"duplicate of a seed", func() map[string]any { c := createTemplate("recordatorio_pago"); return c }()},
		{"body too long", withBody("largo", "Hola {{1}} "+strings.Repeat("x", 1024))},
		{"variables not sequential", withBody("salto", "Hola {{1}} y {{3}}.")},
		{"variable at the end", withBody("al_final", "Tu saldo es {{1}}")},
		{"bad category", badCategory},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, answer := e.call(t, http.MethodPost, "/v21.0/"+wabaID+"/message_templates", testToken, tt.body)
			assert.Equal(t, http.StatusBadRequest, status)
			assert.Equal(t, 100, errorCode(t, answer), "answer %v", answer)
		})
	}
	assert.Len(t, e.sim.Templates(), 7)
}

func TestTemplateListAndDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	status, list := e.call(t, http.MethodGet, "/v21.0/"+wabaID+"/message_templates", testToken, nil)
	require.Equal(t, http.StatusOK, status)
	data := list["data"].([]any)
	require.Len(t, data, 7)
	first := data[0].(map[string]any)
	for _, k := range []string{"name", "language", "status", "category", "id", "components"} {
		assert.Contains(t, first, k)
	}
	assert.Contains(t, list, "paging")

	// name= matches part of the name, as Graph does.
	_, list = e.call(t, http.MethodGet, "/v21.0/"+wabaID+"/message_templates?name=recordatorio", testToken, nil)
	assert.Len(t, list["data"], 3)

	// limit and the next page.
	_, list = e.call(t, http.MethodGet, "/v21.0/"+wabaID+"/message_templates?limit=3&fields=name,status", testToken, nil)
	require.Len(t, list["data"], 3)
	assert.Equal(t, []string{"id", "name", "status"}, sortedKeys(list["data"].([]any)[0].(map[string]any)))
	next := list["paging"].(map[string]any)["next"].(string)
	nextPath := strings.TrimPrefix(next, e.api.URL)
	_, list = e.call(t, http.MethodGet, nextPath, testToken, nil)
	assert.Len(t, list["data"], 3)

	status, answer := e.call(t, http.MethodDelete, "/v21.0/"+wabaID+"/message_templates?name=payment_reminder", testToken, nil)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, map[string]any{"success": true}, answer)
	assert.Len(t, e.sim.Templates(), 6)

	status, answer = e.call(t, http.MethodDelete, "/v21.0/"+wabaID+"/message_templates?name=payment_reminder", testToken, nil)
	assert.Equal(t, http.StatusNotFound, status)
	assert.Equal(t, 100, errorCode(t, answer))
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func TestCustomerSends_InboundWebhookLikeFixture(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wamid, err := e.sim.CustomerSends(t.Context(), customer, "María Fernanda", "Buenas tardes, ¿cuánto debo?")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(wamid, "wamid."))

	h := e.saldo.waitFor(t, 1, inboundWith(t, wamid))[0]
	assertShapeWithin(t, h.raw, "inbound-text.json", append(envelopePaths,
		".entry[].changes[].value.contacts[].profile.name", ".entry[].changes[].value.contacts[].wa_id",
		".entry[].changes[].value.messages[].from", ".entry[].changes[].value.messages[].id",
		".entry[].changes[].value.messages[].timestamp", ".entry[].changes[].value.messages[].type",
		".entry[].changes[].value.messages[].text.body")...)
	v := h.value(t)
	assert.Equal(t, "María Fernanda", v.Contacts[0].Profile.Name)
	assert.Equal(t, customer, v.Contacts[0].WaID)
	m := v.Messages[0]
	assert.Equal(t, customer, m.From)
	assert.Equal(t, "text", m.Type)
	assert.Equal(t, "Buenas tardes, ¿cuánto debo?", m.Text.Body)
	assert.Regexp(t, `^\d{10}$`, m.Timestamp)
}

func TestCustomerTapsButton_LikeFixture(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	body := templateMessage(customer, "recordatorio_pago", "es", "María", "$1.250.000", "15/11/2026")
	tpl := body["template"].(map[string]any)
	tpl["components"] = append(tpl["components"].([]any), map[string]any{
		"type": "button", "sub_type": "quick_reply", "index": "0",
		"parameters": []any{map[string]any{"type": "payload", "payload": "PAY_NOW"}},
	})
	status, answer := e.send(t, body)
	require.Equal(t, http.StatusOK, status, "answer %v", answer)
	sentID := wamidOf(t, answer)
	sent := e.sim.Sent(customer)[0]
	require.Len(t, sent.Buttons, 2)
	assert.Equal(t, Button{Kind: "quick_reply", Text: "Pagar ahora", Payload: "PAY_NOW"}, sent.Buttons[0])
	assert.Equal(t, "Ya pagué", sent.Buttons[1].Payload, "a button sent without payload answers with its text")

	wamid, err := e.sim.CustomerTapsButton(t.Context(), customer, "María", sentID, "PAY_NOW", "Pagar ahora")
	require.NoError(t, err)
	h := e.saldo.waitFor(t, 1, inboundWith(t, wamid))[0]
	assertShapeWithin(t, h.raw, "inbound-button-reply.json",
		".entry[].changes[].value.messages[].context.from", ".entry[].changes[].value.messages[].context.id",
		".entry[].changes[].value.messages[].button.payload", ".entry[].changes[].value.messages[].button.text")
	m := h.value(t).Messages[0]
	assert.Equal(t, "button", m.Type)
	assert.Equal(t, sentID, m.Context.ID)
	assert.Equal(t, "15550783881", m.Context.From)
	assert.Equal(t, "PAY_NOW", m.Button.Payload)
	assert.Equal(t, "Pagar ahora", m.Button.Text)

	// The tap opened the window: a free-form answer now goes through.
	status, _ = e.send(t, textMessage(customer, "¡Gracias!"))
	assert.Equal(t, http.StatusOK, status)

	_, err = e.sim.CustomerTapsButton(t.Context(), customer, "María", "wamid.unknown", "PAY_NOW", "Pagar ahora")
	assert.Error(t, err)
}

func TestCustomerSelectsReply_Interactive(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, err := e.sim.CustomerSends(t.Context(), customer, "João", "oi")
	require.NoError(t, err)
	status, answer := e.send(t, map[string]any{
		"messaging_product": "whatsapp", "to": customer, "type": "interactive",
		"interactive": map[string]any{
			"type": "button", "body": map[string]any{"text": "¿Cuándo pagas?"},
			"action": map[string]any{"buttons": []any{
				map[string]any{"type": "reply", "reply": map[string]any{"id": "promise_friday", "title": "Pago el viernes"}},
			}},
		},
	})
	require.Equal(t, http.StatusOK, status, "answer %v", answer)
	sentID := wamidOf(t, answer)

	wamid, err := e.sim.CustomerSelectsReply(t.Context(), customer, "", sentID, "promise_friday")
	require.NoError(t, err)
	h := e.saldo.waitFor(t, 1, inboundWith(t, wamid))[0]
	assertShapeWithin(t, h.raw, "inbound-button-reply.json", ".entry[].changes[].value.messages[].interactive.button_reply.id")
	v := h.value(t)
	assert.Equal(t, "João", v.Contacts[0].Profile.Name, "the profile name is remembered")
	m := v.Messages[0]
	assert.Equal(t, "interactive", m.Type)
	assert.Equal(t, "button_reply", m.Interactive.Type)
	assert.Equal(t, "Pago el viernes", m.Interactive.ButtonReply.Title)
}

func TestWebhookRetry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.saldo.failNext = 1
	wamid, err := e.sim.CustomerSends(t.Context(), customer, "María", "hola")
	require.NoError(t, err, "the second attempt succeeds")
	attempts, bodies := e.saldo.snapshot()
	assert.Equal(t, 2, attempts)
	require.Len(t, bodies, 1)
	assert.Equal(t, wamid, parseHook(t, bodies[0]).value(t).Messages[0].ID)
}

func TestWebhookGivesUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.saldo.alwaysFail = true
	wamid, err := e.sim.CustomerSends(t.Context(), customer, "María", "hola")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "500")
	attempts, _ := e.saldo.snapshot()
	assert.Equal(t, 3, attempts, "WebhookAttempts")
	// The message still happened: it shows on the page and opens the window.
	view := e.sim.chatView(customer)
	require.Len(t, view.Messages, 1)
	assert.Equal(t, wamid, view.Messages[0].ID)
	assert.NotEmpty(t, view.Messages[0].DeliveryError)
	assert.Equal(t, "failed", view.Messages[0].Delivery)
	status, _ := e.send(t, textMessage(customer, "x"))
	assert.Equal(t, http.StatusOK, status)
}

func TestWebhookUnreachable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.saldo.srv.Close()
	_, err := e.sim.CustomerSends(t.Context(), customer, "María", "hola")
	assert.Error(t, err)
}

func TestPhoneQuirks(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.PhoneQuirks = true })
	const mx, mxWaID = "525512345678", "5215512345678"
	_, err := e.sim.CustomerSends(t.Context(), mx, "Lucía", "hola")
	require.NoError(t, err)
	status, answer := e.send(t, textMessage(mx, "hola Lucía"))
	require.Equal(t, http.StatusOK, status, "the window is the same customer's in either form")
	assert.Equal(t, []any{map[string]any{"input": mx, "wa_id": mxWaID}}, answer["contacts"])
	st := e.saldo.waitFor(t, 1, statusesOf(t, wamidOf(t, answer)))[0].value(t).Statuses[0]
	assert.Equal(t, mxWaID, st.RecipientID)
	assert.Len(t, e.sim.Sent(mx), 1)
	assert.Len(t, e.sim.Sent(mxWaID), 1)

	status, answer = e.send(t, templateMessage("5511987654321", "lembrete_pagamento", "pt_BR", "João", "R$ 10,00", "15/11"))
	require.Equal(t, http.StatusOK, status, "answer %v", answer)
	assert.Equal(t, "551187654321", answer["contacts"].([]any)[0].(map[string]any)["wa_id"])
}

func TestNoReadReceipts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *Config) { c.ReadReceipts = false })
	status, answer := e.send(t, templateMessage(customer, "payment_reminder", "en", "Mary", "$10", "11/15"))
	require.Equal(t, http.StatusOK, status)
	wamid := wamidOf(t, answer)
	e.saldo.waitFor(t, 2, statusesOf(t, wamid))
	time.Sleep(20 * time.Millisecond)
	_, bodies := e.saldo.snapshot()
	assert.Len(t, bodies, 2, "sent and delivered only")
	assert.Equal(t, StatusDelivered, e.sim.Sent(customer)[0].Status)
}

func TestPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, e.api.URL+"/", nil)
	require.NoError(t, err)
	resp, err := e.api.Client().Do(req)
	require.NoError(t, err)
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/html")
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "script-src 'nonce-")
	assert.Contains(t, string(page), "Enviar")
	assert.Contains(t, string(page), "setInterval(refresh, 1000)")

	// The customer writes from the page: recorded at once, webhook in the background.
	name := `<script>alert("x")</script>`
	status, answer := e.call(t, http.MethodPost, "/sim/chats/"+customer+"/messages", "", map[string]any{"name": name, "text": "hola <b>"})
	require.Equal(t, http.StatusAccepted, status, "answer %v", answer)
	h := e.saldo.waitFor(t, 1, inboundWith(t, answer["id"].(string)))[0]
	assert.Equal(t, name, h.value(t).Contacts[0].Profile.Name)

	// The business answers with reply buttons; the customer taps one on the page.
	status, answer = e.send(t, map[string]any{
		"messaging_product": "whatsapp", "to": customer, "type": "interactive",
		"interactive": map[string]any{
			"type": "button", "body": map[string]any{"text": "¿Cuándo pagas?"},
			"action": map[string]any{"buttons": []any{
				map[string]any{"type": "reply", "reply": map[string]any{"id": "today", "title": "Hoy"}},
				map[string]any{"type": "reply", "reply": map[string]any{"id": "friday", "title": "El viernes"}},
			}},
		},
	})
	require.Equal(t, http.StatusOK, status)
	sentID := wamidOf(t, answer)
	status, answer = e.call(t, http.MethodPost, "/sim/chats/"+customer+"/buttons", "", map[string]any{"message_id": sentID, "index": 1})
	require.Equal(t, http.StatusAccepted, status, "answer %v", answer)
	m := e.saldo.waitFor(t, 1, inboundWith(t, answer["id"].(string)))[0].value(t).Messages[0]
	assert.Equal(t, "friday", m.Interactive.ButtonReply.ID)

	// The page marks a message delivered once Saldo's answer to its webhook
	// is back, a moment after Saldo has it.
	var chat map[string]any
	var msgs []any
	deadline := time.Now().Add(5 * time.Second)
	for {
		status, chat = e.call(t, http.MethodGet, "/sim/chats/"+customer, "", nil)
		require.Equal(t, http.StatusOK, status)
		msgs = chat["messages"].([]any)
		if len(msgs) == 3 && msgs[0].(map[string]any)["delivery"] == "delivered" || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	assert.Equal(t, name, chat["name"])
	assert.Equal(t, true, chat["window_open"])
	require.Len(t, msgs, 3)
	assert.Equal(t, "in", msgs[0].(map[string]any)["direction"])
	assert.Equal(t, "delivered", msgs[0].(map[string]any)["delivery"])
	assert.Equal(t, "out", msgs[1].(map[string]any)["direction"])
	assert.Equal(t, "¿Cuándo pagas?", msgs[2].(map[string]any)["reply_to_text"])

	status, chats := e.call(t, http.MethodGet, "/sim/chats", "", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Len(t, chats["chats"], 1)

	// A form post from another site is refused; so is a bad number.
	req, err = http.NewRequestWithContext(t.Context(), http.MethodPost, e.api.URL+"/sim/chats/"+customer+"/messages", strings.NewReader("text=hi"))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = e.api.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnsupportedMediaType, resp.StatusCode)
	status, _ = e.call(t, http.MethodGet, "/sim/chats/12ab", "", nil)
	assert.Equal(t, http.StatusBadRequest, status)

	status, chat = e.call(t, http.MethodPost, "/sim/chats/"+customer+"/window/close", "", map[string]any{})
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, false, chat["window_open"])
}

func TestVerifyWebhook(t *testing.T) {
	t.Parallel()
	var mode, token string
	saldo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		mode, token = q.Get("hub.mode"), q.Get("hub.verify_token")
		if token != "verify-me" {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		_, _ = io.WriteString(w, q.Get("hub.challenge"))
	}))
	t.Cleanup(saldo.Close)
	for _, tt := range []struct {
		token   string
		wantErr bool
	}{{"verify-me", false}, {"other", true}} {
		s, err := New(Config{AccessToken: "t", AppSecret: "s", WebhookURL: saldo.URL, VerifyToken: tt.token})
		require.NoError(t, err)
		err = s.VerifyWebhook(t.Context())
		s.Close()
		assert.Equal(t, tt.wantErr, err != nil, "token %s: %v", tt.token, err)
		assert.Equal(t, "subscribe", mode)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	good := Config{AccessToken: "t", AppSecret: "s", WebhookURL: "http://127.0.0.1:8080/webhooks/whatsapp"}
	s, err := New(good)
	require.NoError(t, err)
	s.Close()
	for name, mutate := range map[string]func(*Config){
		"no token":          func(c *Config) { c.AccessToken = "" },
		"no secret":         func(c *Config) { c.AppSecret = "" },
		"relative webhook":  func(c *Config) { c.WebhookURL = "/webhooks/whatsapp" },
		"failure rate > 1":  func(c *Config) { c.FailureRate = 1.5 },
		"letters in number": func(c *Config) { c.FailingNumbers = []string{"57abc"} },
		"bad version":       func(c *Config) { c.GraphVersion = "21.0" },
	} {
		t.Run(name, func(t *testing.T) {
			c := good
			mutate(&c)
			_, err := New(c)
			assert.Error(t, err)
		})
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	s, err := New(Config{Addr: "127.0.0.1:0", AccessToken: "t", AppSecret: "s", WebhookURL: "http://127.0.0.1:1/x"})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}

func TestWamidShape(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 200 {
		id := newWamid(customer, false)
		require.False(t, seen[id])
		seen[id] = true
		require.Regexp(t, `^wamid\.HBg[A-Za-z0-9+/]+=*$`, id)
	}
}

// FuzzMessages feeds arbitrary bodies to the send endpoint: it never panics,
// never answers 5xx, and always answers JSON.
func FuzzMessages(f *testing.F) {
	for _, name := range []string{"send-template-request.json", "send-error.json", "statuses.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"messaging_product":"whatsapp","to":"573001234567","type":"interactive","interactive":{"type":"list","body":{"text":"x"},"action":{"button":"b","sections":[{"rows":[{"id":"1","title":"t"}]}]}}}`))
	f.Add([]byte(`{"messaging_product":"whatsapp","status":"read","message_id":"wamid.x"}`))
	f.Add([]byte(`null`))
	s, err := New(Config{AccessToken: "t", AppSecret: "s", WebhookURL: "http://127.0.0.1:1/x", StatusDelay: time.Hour})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(s.Close)
	h := s.Handler()
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/v21.0/"+phoneID+"/messages", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer t")
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q", rec.Code, body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("answer is not JSON: %q", rec.Body.String())
		}
	})
}
