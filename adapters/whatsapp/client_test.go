package whatsapp_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/whatsapp"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/template"
	"github.com/saldocrm/saldo/ports"
)

const (
	testToken     = "EAAG-test-token-0123456789"
	phoneNumberID = "106540352242922"
	wabaID        = "102290129340398"
	messagesPath  = "/v21.0/" + phoneNumberID + "/messages"
	templatesPath = "/v21.0/" + wabaID + "/message_templates"
	acceptedWamid = "wamid.HBgMNTczMDAxMjM0NTY3FQIAERgSQkE5RDJFQTY3MjlBNDBFQjhFAA=="
	acceptedReply = `{"messaging_product":"whatsapp","contacts":[{"input":"573001234567","wa_id":"573001234567"}],"messages":[{"id":"` + acceptedWamid + `"}]}`
)

var number = conversation.BusinessNumber{PhoneNumberID: phoneNumberID, BusinessAccountID: wabaID}

// request is what the fake Graph API received.
type request struct {
	Method, Path, Auth, ContentType string
	Query                           map[string][]string
	Body                            []byte
}

// graph is a fake Graph API: answer decides each reply; every request is kept.
type graph struct {
	mu       sync.Mutex
	requests []request
	answer   func(n int, r request) (int, string) // n counts from 1
	srv      *httptest.Server
}

func newGraph(t *testing.T, answer func(n int, r request) (int, string)) *graph {
	t.Helper()
	g := &graph{answer: answer}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := request{
			Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization"),
			ContentType: r.Header.Get("Content-Type"), Query: r.URL.Query(), Body: body,
		}
		g.mu.Lock()
		g.requests = append(g.requests, req)
		n := len(g.requests)
		g.mu.Unlock()
		status, reply := g.answer(n, req)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, reply)
	}))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *graph) received() []request {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]request(nil), g.requests...)
}

func (g *graph) client(t *testing.T, edit ...func(*whatsapp.Config)) *whatsapp.Client {
	t.Helper()
	cfg := whatsapp.Config{BaseURL: g.srv.URL, Token: testToken, Backoff: time.Millisecond}
	for _, e := range edit {
		e(&cfg)
	}
	c, err := whatsapp.NewClient(cfg)
	require.NoError(t, err)
	return c
}

// accept answers every request as the Graph API accepts a message.
func accept(int, request) (int, string) { return http.StatusOK, acceptedReply }

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return b
}

func TestNewClient(t *testing.T) {
	t.Parallel()
	_, err := whatsapp.NewClient(whatsapp.Config{})
	require.Error(t, err, "a token is required")
	_, err = whatsapp.NewClient(whatsapp.Config{Token: testToken, BaseURL: "graph.facebook.com"})
	require.Error(t, err, "the base URL needs a scheme")
	_, err = whatsapp.NewClient(whatsapp.Config{Token: testToken, MaxAttempts: -1})
	require.Error(t, err)
	c, err := whatsapp.NewClient(whatsapp.Config{Token: testToken})
	require.NoError(t, err)
	require.NotNil(t, c)
}

func TestSendMessageKinds(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		content conversation.Content
		want    string // the whole request body
	}{
		{
			name:    "text",
			content: conversation.Content{Type: conversation.Text, Text: "Hola María, ¿cómo está?"},
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"573001234567","type":"text",
				"text":{"body":"Hola María, ¿cómo está?","preview_url":false}}`,
		},
		{
			name:    "text with a link",
			content: conversation.Content{Type: conversation.Text, Text: "Pague aquí: https://pay.saldo.app/pl_8Kd92"},
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"573001234567","type":"text",
				"text":{"body":"Pague aquí: https://pay.saldo.app/pl_8Kd92","preview_url":true}}`,
		},
		{
			name: "template with header and quick reply",
			content: conversation.Content{Type: conversation.Template, Template: &conversation.TemplateContent{
				Name: "promesa_pago", Language: "pt_BR", HeaderParams: []string{"Fatura 123"}, BodyParams: []string{"João"},
				Buttons: []conversation.TemplateButtonParam{{Index: 1, SubType: "quick_reply", Text: "PAY_NOW"}},
			}},
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"573001234567","type":"template",
				"template":{"name":"promesa_pago","language":{"code":"pt_BR"},"components":[
					{"type":"header","parameters":[{"type":"text","text":"Fatura 123"}]},
					{"type":"body","parameters":[{"type":"text","text":"João"}]},
					{"type":"button","sub_type":"quick_reply","index":"1","parameters":[{"type":"payload","payload":"PAY_NOW"}]}]}}`,
		},
		{
			name: "template without variables",
			content: conversation.Content{Type: conversation.Template, Template: &conversation.TemplateContent{
				Name: "hello_world", Language: "en_US",
			}},
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"573001234567","type":"template",
				"template":{"name":"hello_world","language":{"code":"en_US"}}}`,
		},
		{
			name: "reply buttons",
			content: conversation.Content{Type: conversation.Interactive, Interactive: &conversation.InteractiveContent{
				Header: "Factura F-1001", Body: "¿Cuándo podrá pagar?", Footer: "Saldo",
				Buttons: []conversation.ReplyButton{{ID: "pay_today", Title: "Hoy"}, {ID: "promise_friday", Title: "El viernes"}},
			}},
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"573001234567","type":"interactive",
				"interactive":{"type":"button","header":{"type":"text","text":"Factura F-1001"},
					"body":{"text":"¿Cuándo podrá pagar?"},"footer":{"text":"Saldo"},
					"action":{"buttons":[{"type":"reply","reply":{"id":"pay_today","title":"Hoy"}},
						{"type":"reply","reply":{"id":"promise_friday","title":"El viernes"}}]}}}`,
		},
		{
			name: "list",
			content: conversation.Content{Type: conversation.Interactive, Interactive: &conversation.InteractiveContent{
				Body: "Elija una factura", ListButton: "Facturas",
				Rows: []conversation.ListRow{{ID: "inv_1", Title: "F-1001", Description: "$1.250.000, vencida"}, {ID: "inv_2", Title: "F-1002"}},
			}},
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"573001234567","type":"interactive",
				"interactive":{"type":"list","body":{"text":"Elija una factura"},
					"action":{"button":"Facturas","sections":[{"rows":[
						{"id":"inv_1","title":"F-1001","description":"$1.250.000, vencida"},{"id":"inv_2","title":"F-1002"}]}]}}}`,
		},
		{
			name: "image by link",
			content: conversation.Content{Type: conversation.Image, Media: &conversation.Media{
				Link: "https://cdn.saldo.app/estado.png", Caption: "Estado de cuenta",
			}},
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"573001234567","type":"image",
				"image":{"link":"https://cdn.saldo.app/estado.png","caption":"Estado de cuenta"}}`,
		},
		{
			name: "document by id",
			content: conversation.Content{Type: conversation.Document, Media: &conversation.Media{
				ID: "1234567890123456", Link: "https://ignored.example/x.pdf", Caption: "Factura", Filename: "F-1001.pdf",
			}},
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"573001234567","type":"document",
				"document":{"id":"1234567890123456","caption":"Factura","filename":"F-1001.pdf"}}`,
		},
		{
			name: "audio drops the caption",
			content: conversation.Content{Type: conversation.Audio, Media: &conversation.Media{
				Link: "https://cdn.saldo.app/nota.ogg", Caption: "no caption on audio", Filename: "nota.ogg",
			}},
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"573001234567","type":"audio",
				"audio":{"link":"https://cdn.saldo.app/nota.ogg"}}`,
		},
		{
			name:    "video",
			content: conversation.Content{Type: conversation.Video, Media: &conversation.Media{ID: "998877", Caption: "Cómo pagar"}},
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"573001234567","type":"video",
				"video":{"id":"998877","caption":"Cómo pagar"}}`,
		},
		{
			name: "location",
			content: conversation.Content{Type: conversation.Location, Location: &conversation.Place{
				Latitude: 19.4326, Longitude: -99.1332, Name: "Oficina", Address: "Av. Reforma 222, CDMX",
			}},
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"573001234567","type":"location",
				"location":{"latitude":19.4326,"longitude":-99.1332,"name":"Oficina","address":"Av. Reforma 222, CDMX"}}`,
		},
		{
			name: "reaction",
			content: conversation.Content{Type: conversation.Reaction, Reaction: &conversation.ReactionContent{
				MessageWAMID: "wamid.IN", Emoji: "👍",
			}},
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"573001234567","type":"reaction",
				"reaction":{"message_id":"wamid.IN","emoji":"👍"}}`,
		},
		{
			name: "reaction removed",
			content: conversation.Content{Type: conversation.Reaction, Reaction: &conversation.ReactionContent{
				MessageWAMID: "wamid.IN",
			}},
			want: `{"messaging_product":"whatsapp","recipient_type":"individual","to":"573001234567","type":"reaction",
				"reaction":{"message_id":"wamid.IN","emoji":""}}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newGraph(t, accept)
			wamid, err := g.client(t).Send(t.Context(), number, "573001234567", tc.content, "")
			require.NoError(t, err)
			assert.Equal(t, acceptedWamid, wamid)
			reqs := g.received()
			require.Len(t, reqs, 1)
			assert.Equal(t, http.MethodPost, reqs[0].Method)
			assert.Equal(t, messagesPath, reqs[0].Path)
			assert.Equal(t, "Bearer "+testToken, reqs[0].Auth)
			assert.Equal(t, "application/json", reqs[0].ContentType)
			assert.JSONEq(t, tc.want, string(reqs[0].Body))
		})
	}
}

func TestSendTemplateMatchesFixture(t *testing.T) {
	t.Parallel()
	g := newGraph(t, accept)
	content := conversation.Content{Type: conversation.Template, Template: &conversation.TemplateContent{
		Name: "recordatorio_vencido", Language: "es",
		BodyParams: []string{"María", "$1.250.000", "15/11/2026"},
		Buttons:    []conversation.TemplateButtonParam{{Index: 0, SubType: "url", Text: "pl_8Kd92"}},
	}}
	_, err := g.client(t).Send(t.Context(), number, "573001234567", content, "")
	require.NoError(t, err)

	var want, got map[string]any
	require.NoError(t, json.Unmarshal(readFixture(t, "send-template-request.json"), &want))
	require.NoError(t, json.Unmarshal(g.received()[0].Body, &got))
	assert.Equal(t, want, got)
}

func TestSendRefusesWhatCannotBeSent(t *testing.T) {
	t.Parallel()
	g := newGraph(t, accept)
	c := g.client(t)
	for _, content := range []conversation.Content{
		{Type: conversation.Note, Text: "internal"},
		{Type: conversation.Unsupported},
		{Type: conversation.Text, Text: "  "},
		{Type: conversation.Image},
		{Type: conversation.Template, Template: &conversation.TemplateContent{
			Name: "x", Language: "es", Buttons: []conversation.TemplateButtonParam{{SubType: "flow"}},
		}},
	} {
		_, err := c.Send(t.Context(), number, "573001234567", content, "")
		var se *ports.SendError
		require.ErrorAs(t, err, &se, "content %v", content.Type)
		assert.False(t, se.Retryable)
	}
	_, err := c.Send(t.Context(), conversation.BusinessNumber{PhoneNumberID: "1065/../x"}, "573001234567",
		conversation.Content{Type: conversation.Text, Text: "hola"}, "")
	require.Error(t, err, "an id that is not a Graph id never reaches a URL")
	assert.Empty(t, g.received())
}

func TestSendWithoutMessageIDFails(t *testing.T) {
	t.Parallel()
	g := newGraph(t, func(int, request) (int, string) {
		return http.StatusOK, `{"messaging_product":"whatsapp","messages":[]}`
	})
	_, err := g.client(t).Send(t.Context(), number, "573001234567", conversation.Content{Type: conversation.Text, Text: "hola"}, "")
	var se *ports.SendError
	require.ErrorAs(t, err, &se)
	assert.False(t, se.Retryable, "the message may have been accepted: a retry could send it twice")
	assert.Len(t, g.received(), 1)
}

func TestMarkRead(t *testing.T) {
	t.Parallel()
	g := newGraph(t, func(int, request) (int, string) { return http.StatusOK, `{"success":true}` })
	require.NoError(t, g.client(t).MarkRead(t.Context(), number, "wamid.IN"))
	reqs := g.received()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodPost, reqs[0].Method)
	assert.Equal(t, messagesPath, reqs[0].Path)
	assert.Equal(t, "Bearer "+testToken, reqs[0].Auth)
	assert.JSONEq(t, `{"messaging_product":"whatsapp","status":"read","message_id":"wamid.IN"}`, string(reqs[0].Body))
}

func TestSendErrorFixture(t *testing.T) {
	t.Parallel()
	fixture := string(readFixture(t, "send-error.json"))
	g := newGraph(t, func(int, request) (int, string) { return http.StatusBadRequest, fixture })
	_, err := g.client(t).Send(t.Context(), number, "573001234567", conversation.Content{Type: conversation.Text, Text: "hola"}, "")
	var se *ports.SendError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, conversation.Failure{
		Code:   131047,
		Title:  "(#131047) Re-engagement message",
		Detail: "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
	}, se.Failure)
	assert.False(t, se.Retryable)
	assert.Len(t, g.received(), 1, "a closed window is not retried")
}

func graphError(code int, message string) string {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{
		"message": message, "type": "OAuthException", "code": code,
		"error_data": map[string]any{"messaging_product": "whatsapp", "details": message + " (details)"},
		"fbtrace_id": "A1b2C3",
	}})
	return string(b)
}

func TestSendRetriesUnavailable(t *testing.T) {
	t.Parallel()
	g := newGraph(t, func(n int, _ request) (int, string) {
		switch n {
		case 1:
			return http.StatusServiceUnavailable, graphError(2, "Service temporarily unavailable")
		case 2:
			return http.StatusServiceUnavailable, "<html>upstream down</html>"
		}
		return http.StatusOK, acceptedReply
	})
	wamid, err := g.client(t).Send(t.Context(), number, "573001234567", conversation.Content{Type: conversation.Text, Text: "hola"}, "")
	require.NoError(t, err)
	assert.Equal(t, acceptedWamid, wamid)
	reqs := g.received()
	require.Len(t, reqs, 3)
	assert.Equal(t, reqs[0].Body, reqs[2].Body, "every attempt sends the same body")
}

func TestSendDoesNotRetryUndeliverable(t *testing.T) {
	t.Parallel()
	g := newGraph(t, func(int, request) (int, string) {
		return http.StatusBadRequest, graphError(131026, "Message undeliverable")
	})
	_, err := g.client(t).Send(t.Context(), number, "573001234567", conversation.Content{Type: conversation.Text, Text: "hola"}, "")
	var se *ports.SendError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 131026, se.Failure.Code)
	assert.Equal(t, "Message undeliverable (details)", se.Failure.Detail)
	assert.False(t, se.Retryable)
	assert.Len(t, g.received(), 1)
}

func TestSendGivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	g := newGraph(t, func(int, request) (int, string) {
		return http.StatusBadRequest, graphError(130429, "Rate limit hit")
	})
	_, err := g.client(t, func(c *whatsapp.Config) { c.MaxAttempts = 4 }).
		Send(t.Context(), number, "573001234567", conversation.Content{Type: conversation.Text, Text: "hola"}, "")
	var se *ports.SendError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 130429, se.Failure.Code)
	assert.True(t, se.Retryable, "the caller may still retry later")
	assert.Len(t, g.received(), 4)
}

func TestSendSlowDownErrorsSayWhy(t *testing.T) {
	t.Parallel()
	for _, code := range []int{131048, 131049} {
		g := newGraph(t, func(int, request) (int, string) { return http.StatusBadRequest, graphError(code, "Limit") })
		_, err := g.client(t).Send(t.Context(), number, "573001234567", conversation.Content{Type: conversation.Text, Text: "hola"}, "")
		var se *ports.SendError
		require.ErrorAs(t, err, &se)
		assert.False(t, se.Retryable)
		assert.Contains(t, se.Failure.Title, "not retried now")
		assert.Len(t, g.received(), 1)
	}
}

func TestSendCancelStopsRetries(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	g := newGraph(t, func(int, request) (int, string) {
		cancel() // the worker shuts down while the first attempt is answered
		return http.StatusServiceUnavailable, ""
	})
	c := g.client(t, func(c *whatsapp.Config) { c.MaxAttempts = 10; c.Backoff = time.Minute })
	start := time.Now()
	_, err := c.Send(ctx, number, "573001234567", conversation.Content{Type: conversation.Text, Text: "hola"}, "")
	require.ErrorIs(t, err, context.Canceled)
	var se *ports.SendError
	require.ErrorAs(t, err, &se)
	assert.True(t, se.Retryable)
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.Len(t, g.received(), 1)
}

func TestSendCancelDuringBackoff(t *testing.T) {
	t.Parallel()
	first := make(chan struct{})
	var once sync.Once
	g := newGraph(t, func(int, request) (int, string) {
		once.Do(func() { close(first) })
		return http.StatusServiceUnavailable, graphError(131057, "Service unavailable")
	})
	c := g.client(t, func(c *whatsapp.Config) { c.MaxAttempts = 10; c.Backoff = time.Minute })
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		<-first
		time.Sleep(20 * time.Millisecond) // the client is waiting to retry by now
		cancel()
	}()
	start := time.Now()
	_, err := c.Send(ctx, number, "573001234567", conversation.Content{Type: conversation.Text, Text: "hola"}, "")
	require.ErrorIs(t, err, context.Canceled)
	var se *ports.SendError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 131057, se.Failure.Code, "the provider's error is kept")
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.Len(t, g.received(), 1)
}

func TestSendNetworkError(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close() // nothing listens there any more
	c, err := whatsapp.NewClient(whatsapp.Config{BaseURL: srv.URL, Token: testToken, Backoff: time.Millisecond})
	require.NoError(t, err)
	_, err = c.Send(t.Context(), number, "573001234567", conversation.Content{Type: conversation.Text, Text: "hola"}, "")
	var se *ports.SendError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 0, se.Failure.Code)
	assert.Equal(t, "network error calling the Graph API", se.Failure.Title)
	assert.True(t, se.Retryable)
	assert.NotContains(t, err.Error(), testToken)
}

func TestSendTimeout(t *testing.T) {
	t.Parallel()
	g := newGraph(t, func(int, request) (int, string) {
		time.Sleep(200 * time.Millisecond)
		return http.StatusOK, acceptedReply
	})
	c := g.client(t, func(c *whatsapp.Config) {
		c.HTTPClient = &http.Client{Timeout: 20 * time.Millisecond}
		c.MaxAttempts = 2
	})
	_, err := c.Send(t.Context(), number, "573001234567", conversation.Content{Type: conversation.Text, Text: "hola"}, "")
	var se *ports.SendError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "timeout calling the Graph API", se.Failure.Title)
	assert.True(t, se.Retryable)
	assert.Len(t, g.received(), 2)
}

func TestErrorsNeverCarryTheToken(t *testing.T) {
	t.Parallel()
	g := newGraph(t, func(int, request) (int, string) {
		return http.StatusUnauthorized, graphError(190, "Invalid OAuth access token "+testToken)
	})
	_, err := g.client(t).Send(t.Context(), number, "573001234567", conversation.Content{Type: conversation.Text, Text: "hola"}, "")
	var se *ports.SendError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 190, se.Failure.Code)
	assert.False(t, se.Retryable)
	assert.NotContains(t, err.Error(), testToken)
}

func TestClassify(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		code   int
		status int
		retry  bool
	}{
		{"throughput limit", 130429, 400, true},
		{"pair rate limit", 131056, 400, true},
		{"service unavailable", 131057, 503, true},
		{"unknown API error", 1, 400, true},
		{"temporary API error", 2, 503, true},
		{"undeliverable", 131026, 400, false},
		{"window closed", 131047, 400, false},
		{"template parameters", 132000, 400, false},
		{"template name", 132001, 404, false},
		{"template format", 132012, 400, false},
		{"payment", 131042, 400, false},
		{"account locked", 131031, 400, false},
		{"policy", 368, 400, false},
		{"auth", 190, 401, false},
		{"invalid parameter", 100, 400, false},
		{"spam limit: slow down", 131048, 400, false},
		{"marketing limit: much later", 131049, 400, false},
		{"other code", 131009, 400, false},
		{"other code on a 5xx", 131009, 500, true},
		{"something went wrong: try again later", 131000, 400, true},
		{"no code, 5xx", 0, 502, true},
		{"no code, 429", 0, 429, true},
		{"no code, 404", 0, 404, false},
		{"network error or timeout", 0, 0, true},
		{"non-retryable code on a 5xx", 131026, 500, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.retry, whatsapp.Classify(tc.code, tc.status))
		})
	}
}

func TestListTemplatesFollowsPages(t *testing.T) {
	t.Parallel()
	var g *graph
	g = newGraph(t, func(n int, r request) (int, string) {
		if n == 1 {
			next := g.srv.URL + templatesPath + "?access_token=LEAKED&limit=100&after=QVFIUm1"
			return http.StatusOK, `{"data":[
				{"name":"recordatorio_vencido","parameter_format":"POSITIONAL","language":"es","status":"APPROVED","category":"UTILITY","id":"594425479261596",
				 "components":[
					{"type":"HEADER","format":"TEXT","text":"Factura {{1}}","example":{"header_text":["F-1001"]}},
					{"type":"BODY","text":"Hola {{1}}, su saldo de {{2}} vence el {{3}}.","example":{"body_text":[["María","$1.250.000","15/11/2026"]]}},
					{"type":"FOOTER","text":"Saldo"},
					{"type":"BUTTONS","buttons":[
						{"type":"URL","text":"Pagar","url":"https://pay.saldo.app/{{1}}","example":["https://pay.saldo.app/pl_8Kd92"]},
						{"type":"PHONE_NUMBER","text":"Llamar","phone_number":"+573001234567"},
						{"type":"QUICK_REPLY","text":"Ya pagué"},
						{"type":"COPY_CODE","text":"Copy offer code","example":"REF-77"}]}]},
				{"name":"aviso_imagen","language":"pt_BR","status":"REJECTED","rejected_reason":"INVALID_FORMAT","category":"MARKETING","id":"777",
				 "components":[{"type":"HEADER","format":"IMAGE","example":{"header_handle":["4::aW1h"]}},{"type":"BODY","text":"Oi"}]}],
				"paging":{"cursors":{"before":"QVFIUk5","after":"QVFIUm1"},"next":"` + next + `"}}`
		}
		return http.StatusOK, `{"data":[{"name":"pausada","language":"en_US","status":"PAUSED","category":"MARKETING","id":"888",
			"components":[{"type":"BODY","text":"Hi"}]},
			{"name":"borrandose","language":"es","status":"PENDING_DELETION","category":"UTILITY","id":"999","components":[]}],
			"paging":{"cursors":{"before":"QVFIUm1","after":"QVFIUkx"}}}`
	})
	got, err := g.client(t).List(t.Context(), wabaID)
	require.NoError(t, err)

	reqs := g.received()
	require.Len(t, reqs, 2)
	for _, r := range reqs {
		assert.Equal(t, http.MethodGet, r.Method)
		assert.Equal(t, templatesPath, r.Path)
		assert.Equal(t, "Bearer "+testToken, r.Auth)
		assert.NotContains(t, r.Query, "access_token", "the token travels in the header only")
	}
	assert.NotContains(t, reqs[0].Query, "after")
	assert.Equal(t, []string{"QVFIUm1"}, reqs[1].Query["after"])

	want := []ports.RemoteTemplate{
		{
			ProviderID: "594425479261596", Status: template.Approved,
			Details: template.Details{
				Name: "recordatorio_vencido", Language: "es", Category: template.Utility,
				HeaderFormat: template.HeaderText, Header: "Factura {{1}}", HeaderExample: "F-1001", Body: "Hola {{1}}, su saldo de {{2}} vence el {{3}}.", Footer: "Saldo",
				Examples: []string{"María", "$1.250.000", "15/11/2026"},
				Buttons: []template.Button{
					{Type: template.URL, Text: "Pagar", URL: "https://pay.saldo.app/{{1}}", Example: "pl_8Kd92"},
					{Type: template.PhoneNumber, Text: "Llamar", Phone: "+573001234567"},
					{Type: template.QuickReply, Text: "Ya pagué"},
					{Type: template.CopyCode, Text: "Copy offer code", Example: "REF-77"},
				},
			},
		},
		{
			ProviderID: "777", Status: template.Rejected, Reason: "INVALID_FORMAT",
			Details: template.Details{
				Name: "aviso_imagen", Language: "pt_BR", Category: template.Marketing,
				HeaderFormat: template.HeaderImage, HeaderMediaURL: "4::aW1h", Body: "Oi",
			},
		},
		{
			ProviderID: "888", Status: template.Paused,
			Details: template.Details{Name: "pausada", Language: "en_US", Category: template.Marketing, Body: "Hi"},
		},
		{
			ProviderID: "999", Status: template.Disabled, Reason: "PENDING_DELETION",
			Details: template.Details{Name: "borrandose", Language: "es", Category: template.Utility},
		},
	}
	assert.Equal(t, want, got)
}

func TestCreateTemplate(t *testing.T) {
	t.Parallel()
	g := newGraph(t, func(int, request) (int, string) {
		return http.StatusOK, `{"id":"594425479261596","status":"PENDING","category":"UTILITY"}`
	})
	id, err := g.client(t).Create(t.Context(), wabaID, template.Details{
		Name: "recordatorio_vencido", Language: "es", Category: template.Utility,
		Header: "Recordatorio de pago", Body: "Hola {{1}}, su saldo de {{2}} vence el {{3}}.", Footer: "Saldo",
		Examples: []string{"María", "$1.250.000", "15/11/2026"},
		Buttons: []template.Button{
			{Type: template.URL, Text: "Pagar", URL: "https://pay.saldo.app/{{1}}", Example: "pl_8Kd92"},
			{Type: template.URL, Text: "Portal", URL: "https://saldo.app/portal"},
			{Type: template.PhoneNumber, Text: "Llamar", Phone: "+573001234567"},
			{Type: template.QuickReply, Text: "Ya pagué"},
			{Type: template.CopyCode, Text: "Copiar", Example: "REF-77"},
		},
	})
	require.NoError(t, err)
	assert.Equal(t, "594425479261596", id)
	reqs := g.received()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodPost, reqs[0].Method)
	assert.Equal(t, templatesPath, reqs[0].Path)
	assert.Equal(t, "Bearer "+testToken, reqs[0].Auth)
	assert.JSONEq(t, `{"name":"recordatorio_vencido","language":"es","category":"UTILITY","components":[
		{"type":"HEADER","format":"TEXT","text":"Recordatorio de pago"},
		{"type":"BODY","text":"Hola {{1}}, su saldo de {{2}} vence el {{3}}.","example":{"body_text":[["María","$1.250.000","15/11/2026"]]}},
		{"type":"FOOTER","text":"Saldo"},
		{"type":"BUTTONS","buttons":[
			{"type":"URL","text":"Pagar","url":"https://pay.saldo.app/{{1}}","example":["https://pay.saldo.app/pl_8Kd92"]},
			{"type":"URL","text":"Portal","url":"https://saldo.app/portal"},
			{"type":"PHONE_NUMBER","text":"Llamar","phone_number":"+573001234567"},
			{"type":"QUICK_REPLY","text":"Ya pagué"},
			{"type":"COPY_CODE","example":"REF-77"}]}]}`, string(reqs[0].Body))
}

func TestCreateTemplateRefused(t *testing.T) {
	t.Parallel()
	g := newGraph(t, func(int, request) (int, string) {
		return http.StatusBadRequest, graphError(100, "Invalid parameter")
	})
	_, err := g.client(t).Create(t.Context(), wabaID, template.Details{Name: "x", Language: "es", Category: template.Utility, Body: "Hi"})
	var se *ports.SendError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 100, se.Failure.Code)
	assert.False(t, se.Retryable)
	assert.Len(t, g.received(), 1)
}

func TestDeleteTemplate(t *testing.T) {
	t.Parallel()
	g := newGraph(t, func(int, request) (int, string) { return http.StatusOK, `{"success":true}` })
	require.NoError(t, g.client(t).Delete(t.Context(), wabaID, "recordatorio_vencido", ""))
	reqs := g.received()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodDelete, reqs[0].Method)
	assert.Equal(t, templatesPath, reqs[0].Path)
	assert.Equal(t, "Bearer "+testToken, reqs[0].Auth)
	assert.Equal(t, map[string][]string{"name": {"recordatorio_vencido"}}, reqs[0].Query)
	assert.Empty(t, reqs[0].Body)

	refused := newGraph(t, func(int, request) (int, string) { return http.StatusOK, `{"success":false}` })
	err := refused.client(t).Delete(t.Context(), wabaID, "recordatorio_vencido", "")
	var se *ports.SendError
	require.True(t, errors.As(err, &se))
}
