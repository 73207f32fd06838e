package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/clock"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/adapters/whatsapp/sim"
	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/apikey"
	"github.com/saldocrm/saldo/domain/money"
)

const (
	testPhoneNumberID = "106540352242922"
	testWABA          = "102290129340398"
	testAppSecret     = "e2e-app-secret"
	testToken         = "e2e-token"
)

// redisDBs hands each end-to-end test its own Redis database, so that one
// test's worker never takes another test's tasks.
var redisDBs atomic.Int32

// redisURL returns a fresh, empty Redis database on the test server.
func redisURL(t *testing.T) string {
	t.Helper()
	base := envOr("REDIS_URL", "redis://127.0.0.1:6379/0")
	n := 1 + redisDBs.Add(1)%15
	url := strings.TrimRight(base[:strings.LastIndex(base, "/")+1], "/") + fmt.Sprintf("/%d", n)
	opt, err := redis.ParseURL(url)
	require.NoError(t, err)
	c := redis.NewClient(opt)
	defer c.Close()
	require.NoError(t, c.FlushDB(t.Context()).Err())
	return url
}

// channel is Saldo (HTTP and, when started, its worker) talking over real
// HTTP to the WhatsApp simulator, with its own database and Redis.
type channel struct {
	*saldo
	sim    *sim.Simulator
	simSrv *httptest.Server
	cfg    config
}

// swap is a handler set after the server starts: Saldo and the simulator
// each need the other's address.
type swap struct {
	mu sync.RWMutex
	h  http.Handler
}

func (s *swap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	h := s.h
	s.mu.RUnlock()
	h.ServeHTTP(w, r)
}

func (s *swap) set(h http.Handler) {
	s.mu.Lock()
	s.h = h
	s.mu.Unlock()
}

func startChannel(t *testing.T, dbURL string, options ...func(*config)) *channel {
	t.Helper()
	saldoHandler := &swap{h: http.NotFoundHandler()}
	saldoSrv := httptest.NewServer(saldoHandler)
	t.Cleanup(saldoSrv.Close)

	s, err := sim.New(sim.Config{
		Addr: "127.0.0.1:0", GraphVersion: "v21.0", AccessToken: testToken, AppSecret: testAppSecret,
		WebhookURL: saldoSrv.URL + "/webhooks/whatsapp", PhoneNumberID: testPhoneNumberID, DisplayPhone: "15550783881",
		BusinessAccountID: testWABA, StatusDelay: 30 * time.Millisecond, ReadReceipts: true,
		FailingNumbers: []string{"573009999999"}, TemplateReviewDelay: 50 * time.Millisecond,
		WebhookBackoff: 20 * time.Millisecond,
	})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	simSrv := httptest.NewServer(s.Handler())
	t.Cleanup(simSrv.Close)

	bogota, err := time.LoadLocation("America/Bogota")
	require.NoError(t, err)
	cfg := config{
		DatabaseURL: dbURL, RedisURL: redisURL(t), LogLevel: 8, Concurrency: 4,
		Org: application.Org{Location: bogota, Currency: money.MustCurrency("COP")},
		WhatsApp: whatsAppConfig{
			APIBase: simSrv.URL, APIVersion: "v21.0", Token: testToken, PhoneNumberID: testPhoneNumberID,
			BusinessAccountID: testWABA, AppSecret: testAppSecret, VerifyToken: "e2e-verify", DisplayName: "Cobranzas",
		},
	}
	cfg.BaseURL = saldoSrv.URL
	for _, o := range options {
		o(&cfg)
	}
	a, err := newApp(t.Context(), cfg, clock.System{})
	require.NoError(t, err)
	t.Cleanup(a.close)
	a.sweepEvery, a.sweepGrace = 100*time.Millisecond, 300*time.Millisecond
	require.NoError(t, a.registerNumber(t.Context()))
	saldoHandler.set(a.router())
	c := &channel{saldo: &saldo{t: t, srv: saldoSrv, app: a}, sim: s, simSrv: simSrv, cfg: cfg}
	c.write = c.key(apikey.Read, apikey.Write)
	c.read = c.write
	return c
}

// startWorker runs the app's worker until the test ends.
func (c *channel) startWorker(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.app.worker(ctx) }()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-done)
	})
}

// eventually polls fn until it holds or 10 s pass.
func eventually(t *testing.T, what string, fn func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if fn() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting until %s", what)
}

func (c *channel) conversationOf(t *testing.T, phone string) map[string]any {
	t.Helper()
	items := c.do(http.MethodGet, "/api/v1/conversations?phone="+phone, c.read, nil).json(t)["items"].([]any)
	if len(items) == 0 {
		return nil
	}
	return items[0].(map[string]any)
}

func (c *channel) messages(t *testing.T, convID string) []map[string]any {
	t.Helper()
	a := c.do(http.MethodGet, "/api/v1/conversations/"+convID+"/messages", c.read, nil)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	var out []map[string]any
	for _, m := range a.json(t)["items"].([]any) {
		out = append(out, m.(map[string]any))
	}
	return out
}

func TestWhatsAppEndToEndWithTheSimulator(t *testing.T) {
	t.Parallel()
	c := startChannel(t, pgtest.URL(t))
	c.startWorker(t)
	ctx := t.Context()

	// The ERP knows María by her number as she typed it into the ERP.
	cu := c.do(http.MethodPut, "/api/v1/customers/external/C-1", c.write, customerJSON("C-1", "María Fernanda Ruiz", "+57 300 123 4567"))
	require.Equal(t, http.StatusCreated, cu.status, "%s", cu.body)
	customerID := cu.json(t)["id"]

	// She writes from WhatsApp: a conversation appears, linked to her.
	_, err := c.sim.CustomerSends(ctx, "573001234567", "María", "Buenas tardes, ¿cuánto debo?")
	require.NoError(t, err)
	var conv map[string]any
	eventually(t, "the conversation appears", func() bool { conv = c.conversationOf(t, "573001234567"); return conv != nil })
	assert.Equal(t, customerID, conv["customer_id"], "linked to the customer by phone")
	assert.Equal(t, "María", conv["contact_name"])
	assert.Equal(t, true, conv["window_open"])
	assert.Equal(t, 1.0, conv["unread"])
	convID := conv["id"].(string)
	msgs := c.messages(t, convID)
	require.Len(t, msgs, 1)
	assert.Equal(t, "in", msgs[0]["direction"])
	assert.Equal(t, "Buenas tardes, ¿cuánto debo?", msgs[0]["text"])

	// The agent answers inside the window; the reply reaches her phone and comes back read.
	reply := c.do(http.MethodPost, "/api/v1/conversations/"+convID+"/messages", c.write,
		map[string]any{"type": "text", "text": "Hola María, su saldo vencido es $1.250.000."})
	require.Equal(t, http.StatusAccepted, reply.status, "%s", reply.body)
	assert.Equal(t, "pending", reply.json(t)["status"])
	replyID := reply.json(t)["id"].(string)
	eventually(t, "the reply reaches the simulator", func() bool { return len(c.sim.Sent("573001234567")) == 1 })
	assert.Equal(t, "Hola María, su saldo vencido es $1.250.000.", c.sim.Sent("573001234567")[0].Body)
	eventually(t, "the reply is read", func() bool {
		for _, m := range c.messages(t, convID) {
			if m["id"] == replyID {
				return m["status"] == "read" && m["wamid"] != nil && m["delivered_at"] != nil
			}
		}
		return false
	})

	// Templates come from WhatsApp; outside the window only they can be sent.
	sync := c.do(http.MethodPost, "/api/v1/templates/sync", c.write, nil)
	require.Equal(t, http.StatusOK, sync.status, "%s", sync.body)
	assert.GreaterOrEqual(t, sync.json(t)["templates"], 3.0)

	other := c.do(http.MethodPut, "/api/v1/customers/external/C-2", c.write, customerJSON("C-2", "Ferretería Andina", "+52 55 1234 5678"))
	require.Equal(t, http.StatusCreated, other.status)
	otherID := other.json(t)["id"].(string)
	text := c.do(http.MethodPost, "/api/v1/messages", c.write, map[string]any{"customer_id": otherID, "type": "text"})
	assert.Equal(t, http.StatusUnprocessableEntity, text.status)
	assert.Equal(t, "template_required", text.errorCode(t))
	wrong := c.do(http.MethodPost, "/api/v1/messages", c.write, map[string]any{
		"customer_id": otherID, "type": "template",
		"template": map[string]any{"name": "recordatorio_pago", "language": "es", "parameters": []string{"only one"}},
	})
	assert.Equal(t, http.StatusUnprocessableEntity, wrong.status)
	assert.Equal(t, "template_parameters", wrong.errorCode(t))
	tmpl := c.do(http.MethodPost, "/api/v1/messages", c.write, map[string]any{
		"customer_id": otherID, "type": "template",
		"template": map[string]any{"name": "recordatorio_pago", "language": "es", "parameters": []string{"Ferretería", "$ 4.500 MXN", "15/11/2026"}},
	})
	require.Equal(t, http.StatusAccepted, tmpl.status, "%s", tmpl.body)
	otherConv := tmpl.json(t)["conversation_id"].(string)
	eventually(t, "the template reaches the simulator", func() bool { return len(c.sim.Sent("525512345678")) == 1 })
	assert.Contains(t, c.sim.Sent("525512345678")[0].Body, "$ 4.500 MXN")

	// In that conversation free text is refused: the customer never wrote.
	free := c.do(http.MethodPost, "/api/v1/conversations/"+otherConv+"/messages", c.write, map[string]any{"type": "text", "text": "¿Me confirma?"})
	assert.Equal(t, http.StatusUnprocessableEntity, free.status)
	assert.Equal(t, "window_closed", free.errorCode(t))
	assert.Contains(t, free.json(t)["error"].(map[string]any)["message"], "template")
	conv2 := c.do(http.MethodGet, "/api/v1/conversations/"+otherConv, c.read, nil).json(t)
	assert.Equal(t, otherID, conv2["customer_id"], "started for the customer, linked to them")

	// A number WhatsApp cannot deliver to: the failure and Meta's reason are kept.
	bad := c.do(http.MethodPut, "/api/v1/customers/external/C-3", c.write, customerJSON("C-3", "Número Malo", "+57 300 999 9999"))
	require.Equal(t, http.StatusCreated, bad.status)
	failing := c.do(http.MethodPost, "/api/v1/messages", c.write, map[string]any{
		"customer_id": bad.json(t)["id"], "type": "template",
		"template": map[string]any{"name": "recordatorio_pago", "language": "es", "parameters": []string{"a", "b", "c"}},
	})
	require.Equal(t, http.StatusAccepted, failing.status, "%s", failing.body)
	failedConv := failing.json(t)["conversation_id"].(string)
	eventually(t, "the failure is recorded", func() bool {
		ms := c.messages(t, failedConv)
		return len(ms) == 1 && ms[0]["status"] == "failed"
	})
	failure := c.messages(t, failedConv)[0]["error"].(map[string]any)
	assert.Equal(t, 131026.0, failure["code"])
	assert.NotEmpty(t, failure["title"])
}

func TestWebhookSignatureAndRedelivery(t *testing.T) {
	t.Parallel()
	c := startChannel(t, pgtest.URL(t))
	c.startWorker(t)
	body, err := os.ReadFile("../../adapters/whatsapp/testdata/inbound-text.json")
	require.NoError(t, err)
	post := func(body []byte, signature string) int {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, c.srv.URL+"/webhooks/whatsapp", strings.NewReader(string(body)))
		require.NoError(t, err)
		if signature != "" {
			req.Header.Set(sim.SignatureHeader, signature)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	events := func() int {
		var n int
		require.NoError(t, c.app.db.Raw("SELECT count(*) FROM webhook_events").Scan(&n).Error)
		return n
	}
	altered := append([]byte(nil), body...)
	altered[len(altered)-3] ^= 1

	assert.Equal(t, http.StatusUnauthorized, post(body, ""), "missing signature")
	assert.Equal(t, http.StatusUnauthorized, post(body, "sha256=00"), "wrong signature")
	assert.Equal(t, http.StatusUnauthorized, post(body, sim.Sign(body, "another-secret")), "signed with another secret")
	assert.Equal(t, http.StatusUnauthorized, post(altered, sim.Sign(body, testAppSecret)), "body altered by one byte")
	assert.Equal(t, 0, events(), "a refused webhook leaves no trace")

	junk := []byte(`{"object":"page","entry":[]}`)
	assert.Equal(t, http.StatusBadRequest, post(junk, sim.Sign(junk, testAppSecret)), "signed but not a WhatsApp webhook")
	assert.Equal(t, 0, events())

	assert.Equal(t, http.StatusOK, post(body, sim.Sign(body, testAppSecret)))
	assert.Equal(t, http.StatusOK, post(body, sim.Sign(body, testAppSecret)), "Meta redelivers")
	assert.Equal(t, 2, events(), "both deliveries are stored")
	var conv map[string]any
	eventually(t, "the message is processed", func() bool { conv = c.conversationOf(t, "573001234567"); return conv != nil })
	eventually(t, "both deliveries are processed", func() bool {
		var n int
		require.NoError(t, c.app.db.Raw("SELECT count(*) FROM webhook_events WHERE processed_at IS NOT NULL").Scan(&n).Error)
		return n == 2
	})
	assert.Len(t, c.messages(t, conv["id"].(string)), 1, "the same message twice is one message")
	assert.Equal(t, 1.0, c.conversationOf(t, "573001234567")["unread"])

	// Verification handshake.
	ok := c.do(http.MethodGet, "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=e2e-verify&hub.challenge=1158201444", "", nil)
	assert.Equal(t, http.StatusOK, ok.status)
	assert.Equal(t, "1158201444", string(ok.body))
	no := c.do(http.MethodGet, "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1", "", nil)
	assert.Equal(t, http.StatusForbidden, no.status)
}

func TestStatusesOutOfOrderAndRedeliveredOnlyMoveForward(t *testing.T) {
	t.Parallel()
	c := startChannel(t, pgtest.URL(t))
	c.startWorker(t)
	ctx := t.Context()
	_, err := c.sim.CustomerSends(ctx, "573001234567", "María", "hola")
	require.NoError(t, err)
	var conv map[string]any
	eventually(t, "the conversation appears", func() bool { conv = c.conversationOf(t, "573001234567"); return conv != nil })
	reply := c.do(http.MethodPost, "/api/v1/conversations/"+conv["id"].(string)+"/messages", c.write, map[string]any{"type": "text", "text": "hola"})
	require.Equal(t, http.StatusAccepted, reply.status)
	replyID := reply.json(t)["id"].(string)
	var wamid string
	eventually(t, "the reply is read", func() bool {
		for _, m := range c.messages(t, conv["id"].(string)) {
			if m["id"] == replyID && m["status"] == "read" {
				wamid = m["wamid"].(string)
				return true
			}
		}
		return false
	})

	// Meta redelivers "delivered" and a late "sent" after "read": nothing moves back.
	for _, st := range []string{"delivered", "sent", "delivered"} {
		body := []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":%q,"changes":[{"field":"messages","value":{
			"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":%q},
			"statuses":[{"id":%q,"status":%q,"timestamp":"%d","recipient_id":"573001234567"}]}}]}]}`,
			testWABA, testPhoneNumberID, wamid, st, time.Now().Unix()))
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.srv.URL+"/webhooks/whatsapp", strings.NewReader(string(body)))
		require.NoError(t, err)
		req.Header.Set(sim.SignatureHeader, sim.Sign(body, testAppSecret))
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}
	eventually(t, "every delivery is processed", func() bool {
		var n int
		require.NoError(t, c.app.db.Raw("SELECT count(*) FROM webhook_events WHERE processed_at IS NULL").Scan(&n).Error)
		return n == 0
	})
	for _, m := range c.messages(t, conv["id"].(string)) {
		if m["id"] == replyID {
			assert.Equal(t, "read", m["status"])
		}
	}
}
