package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
)

func TestClosingAConversationProducesAnInsightTheManagerSees(t *testing.T) {
	t.Parallel()
	c := consoleChannel(t)
	_, convID := payingCustomer(t, c)
	_, err := c.sim.CustomerSends(t.Context(), "573001234567", "María", "Estoy sin trabajo este mes, pero les pago el viernes 100 mil. Gracias por la paciencia")
	require.NoError(t, err)
	eventually(t, "both messages are in", func() bool { return len(c.messages(t, convID)) >= 2 })
	assert.Equal(t, http.StatusNotFound, c.do(http.MethodGet, "/api/v1/conversations/"+convID+"/insight", c.read, nil).status, "not analysed yet")

	closed := c.do(http.MethodPost, "/api/v1/conversations/"+convID+"/close", c.write, nil)
	require.Equal(t, http.StatusOK, closed.status, "%s", closed.body)
	var in map[string]any
	eventually(t, "the insight of the closed conversation", func() bool {
		a := c.do(http.MethodGet, "/api/v1/conversations/"+convID+"/insight", c.read, nil)
		if a.status != http.StatusOK {
			return false
		}
		in = a.json(t)
		return true
	})
	assert.Equal(t, "offline", in["model"])
	assert.NotEmpty(t, in["summary"])
	assert.Contains(t, in["topics"], "promise_to_pay")
	require.NotNil(t, in["promise"], "the promise was detected")
	assert.Equal(t, "record_promise", in["next_action"])

	// The manager's review page lists it; agents may not see the page.
	marcos := newAgentClient(t, c)
	require.Equal(t, http.StatusSeeOther, marcos.signIn("manager@saldo.test", demoPass))
	status, page := marcos.get("/insights?topic=promise_to_pay")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, page, "María Ruiz")
	ana := newAgentClient(t, c)
	require.Equal(t, http.StatusSeeOther, ana.signIn("agent@saldo.test", demoPass))
	status, _ = ana.get("/insights")
	assert.Equal(t, http.StatusForbidden, status)

	review := c.do(http.MethodGet, "/api/v1/insights?topic=promise_to_pay", c.read, nil)
	require.Equal(t, http.StatusOK, review.status, "%s", review.body)
	var rows []map[string]any
	require.NoError(t, json.Unmarshal(review.body, &rows))
	require.Len(t, rows, 1)
	assert.Equal(t, "COP 350000.00", rows[0]["overdue_at_stake"])
}

// fakeOpenAI answers chat completions with a fixed insight, after one 429.
func fakeOpenAI(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		body, _ := io.ReadAll(r.Body)
		if !strings.HasSuffix(r.URL.Path, "/chat/completions") || !strings.Contains(string(body), "json_schema") {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		if n == 1 {
			w.Header().Set("Retry-After", "0")
			http.Error(w, `{"error":{"message":"rate limited","type":"rate_limit"}}`, http.StatusTooManyRequests)
			return
		}
		content := `{"summary":"Resumen del modelo de prueba.","sentiment":"negative","topics":["dispute"],"tags":["factura"],` +
			`"next_action":"escalate","next_action_text":"Escalar al supervisor.","promise":null}`
		resp := map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "created": 1763771000, "model": "gpt-4o-mini-fake",
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": content}}},
			"usage":   map[string]any{"prompt_tokens": 321, "completion_tokens": 45, "total_tokens": 366},
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(resp)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestAnalysisWithOpenAIStoresTheModelsInsight(t *testing.T) {
	t.Parallel()
	fake, calls := fakeOpenAI(t)
	c := startChannel(t, pgtest.URL(t), func(cfg *config) {
		cfg.SecretKey = strings.Repeat("k", 40)
		cfg.AI = aiConfig{BaseURL: fake.URL + "/v1", Model: "gpt-4o-mini"}
	})
	c.startWorker(t)
	_, convID := payingCustomer(t, c)
	// The owner turns OpenAI on with a key, stored sealed.
	require.NoError(t, c.app.aiSettings.Save(t.Context(), "openai", "sk-test-secret", "", uuid.Nil))
	var sealed []byte
	require.NoError(t, c.app.db.Raw("SELECT api_key_sealed FROM ai_settings").Row().Scan(&sealed))
	assert.NotContains(t, string(sealed), "sk-test-secret", "the key is never stored in the clear")

	// The same flow as offline: closing the conversation analyses it.
	require.Equal(t, http.StatusOK, c.do(http.MethodPost, "/api/v1/conversations/"+convID+"/close", c.write, nil).status)
	var in map[string]any
	eventually(t, "the model's insight is stored", func() bool {
		a := c.do(http.MethodGet, "/api/v1/conversations/"+convID+"/insight", c.read, nil)
		if a.status != http.StatusOK {
			return false
		}
		in = a.json(t)
		return true
	})
	assert.Equal(t, "Resumen del modelo de prueba.", in["summary"])
	assert.Equal(t, "negative", in["sentiment"])
	assert.Equal(t, "escalate", in["next_action"])
	assert.Equal(t, "gpt-4o-mini-fake", in["model"])
	assert.Equal(t, 321.0, in["input_tokens"])
	assert.Equal(t, int32(2), calls.Load(), "a 429, then the answer")
	settings, err := c.app.aiSettings.Get(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 366, settings.MonthTokens)
}
