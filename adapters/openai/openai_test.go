package openai_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	oai "github.com/openai/openai-go/v3"

	"github.com/saldocrm/saldo/adapters/openai"
	"github.com/saldocrm/saldo/domain/account"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/insight"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/ports"
)

const apiKey = "sk-test-0123456789abcdef"

// step is one answer of the fake server.
type step struct {
	status  int
	header  map[string]string
	body    string
	content string // when body is empty: a chat completion with this content
	refusal string
	finish  string
	hang    bool // wait for the client to give up
}

// fakeOpenAI serves POST /chat/completions the way OpenAI does, answering
// each request with the next step (the last one repeats), and records the
// requests.
type fakeOpenAI struct {
	t     *testing.T
	srv   *httptest.Server
	mu    sync.Mutex
	steps []step
	reqs  [][]byte
	seen  chan struct{} // receives once per request
}

func newFake(t *testing.T, steps ...step) *fakeOpenAI {
	t.Helper()
	f := &fakeOpenAI{t: t, steps: steps, seen: make(chan struct{}, 16)}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeOpenAI) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/chat/completions" {
		http.Error(w, `{"error":{"message":"not found","type":"invalid_request_error"}}`, http.StatusNotFound)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+apiKey {
		http.Error(w, `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`, http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		f.t.Errorf("read request: %v", err)
	}
	f.mu.Lock()
	n := len(f.reqs)
	f.reqs = append(f.reqs, body)
	s := f.steps[min(n, len(f.steps)-1)]
	f.mu.Unlock()
	select {
	case f.seen <- struct{}{}:
	default:
	}

	if s.hang {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
		return
	}
	for k, v := range s.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	status := s.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	if s.body != "" {
		_, _ = io.WriteString(w, s.body)
		return
	}
	_, _ = w.Write(completion(f.t, s))
}

// completion writes a chat completion the way the API does.
func completion(t *testing.T, s step) []byte {
	t.Helper()
	finish := s.finish
	if finish == "" {
		finish = "stop"
	}
	var refusal any
	if s.refusal != "" {
		refusal = s.refusal
	}
	b, err := json.Marshal(map[string]any{
		"id": "chatcmpl-test", "object": "chat.completion", "created": 1778400000, "model": "gpt-4o-mini-2024-07-18",
		"choices": []any{map[string]any{
			"index": 0, "finish_reason": finish, "logprobs": nil,
			"message": map[string]any{"role": "assistant", "content": s.content, "refusal": refusal},
		}},
		"usage":              map[string]any{"prompt_tokens": 812, "completion_tokens": 143, "total_tokens": 955},
		"system_fingerprint": "fp_test",
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (f *fakeOpenAI) requests() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.reqs)
}

// analyzer returns an Analyzer on the fake with tiny backoff.
func (f *fakeOpenAI) analyzer(t *testing.T, mod ...func(*openai.Config)) *openai.Analyzer {
	t.Helper()
	cfg := openai.Config{APIKey: apiKey, BaseURL: f.srv.URL, MaxRetryDelay: time.Millisecond, Timeout: 5 * time.Second}
	for _, m := range mod {
		m(&cfg)
	}
	a, err := openai.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// input is a Colombian customer who owes COP and promises to pay.
func input() ports.AnalysisInput {
	cop := money.MustCurrency("COP")
	at := func(day, h, m int) time.Time { return time.Date(2026, 5, day, h, m, 0, 0, time.UTC) }
	return ports.AnalysisInput{
		Language:     "es",
		CustomerName: "Ana Pérez",
		Today:        date.MustParse("2026-05-11"),
		Account: &account.Summary{
			Totals: []account.Totals{{
				Currency: cop, Balance: money.MustParse("1250000", "COP"), Overdue: money.MustParse("1000000", "COP"), Credit: money.Zero(cop),
			}},
			OverdueInvoices: []account.OverdueInvoice{{
				Number: "F-1001", DueDate: date.MustParse("2026-04-01"), DaysOverdue: 40, Balance: money.MustParse("1000000", "COP"),
			}},
		},
		Messages: []ports.AnalysisMessage{
			{From: ports.SpeakerAgent, Text: "Hola Ana, tienes un saldo vencido de $ 1.000.000. ¿Cuándo podrías pagar?", At: at(11, 9, 0)},
			{From: ports.SpeakerCustomer, Text: "Me pagaron tarde. Te abono 500 mil el viernes", At: at(11, 9, 12)},
			{From: ports.SpeakerCustomer, Text: "Si quieres cárgalo a mi tarjeta 4111 1111 1111 1111 cvv 123, o escríbeme a ana.perez@gmail.com", At: at(11, 9, 13)},
		},
	}
}

func TestNewRequiresAnAPIKey(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"", "   "} {
		if _, err := openai.New(openai.Config{APIKey: key}); err == nil {
			t.Errorf("New with API key %q succeeded", key)
		}
	}
	_, err := openai.New(openai.Config{APIKey: apiKey, BaseURL: "ftp://example.com"})
	if err == nil || strings.Contains(err.Error(), apiKey) {
		t.Errorf("New with an ftp base URL: %v", err)
	}
	if _, err := openai.New(openai.Config{APIKey: apiKey}); err != nil {
		t.Errorf("New with defaults: %v", err)
	}
}

func TestConfigNeverPrintsTheKey(t *testing.T) {
	t.Parallel()
	cfg := openai.Config{APIKey: apiKey, Model: "gpt-4o-mini"}
	for _, s := range []string{cfg.String(), cfg.GoString(), cfg.LogValue().String()} {
		if strings.Contains(s, apiKey) || !strings.Contains(s, "redacted") {
			t.Errorf("config printed as %q", s)
		}
	}
}

func TestAnalyzeSendsTheConversationUnderAStrictSchema(t *testing.T) {
	t.Parallel()
	f := newFake(t, step{content: fixture(t, "answer_promise.json")})
	if _, err := f.analyzer(t).Analyze(context.Background(), input()); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	raw := string(reqs[0])
	for _, secret := range []string{"4111", "ana.perez@gmail.com", "cvv 123", apiKey} {
		if strings.Contains(raw, secret) {
			t.Errorf("the request body holds %q", secret)
		}
	}

	var req struct {
		Model    string `json:"model"`
		Messages []struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"messages"`
		MaxCompletionTokens int `json:"max_completion_tokens"`
		ResponseFormat      struct {
			Type       string `json:"type"`
			JSONSchema struct {
				Name   string         `json:"name"`
				Strict bool           `json:"strict"`
				Schema map[string]any `json:"schema"`
			} `json:"json_schema"`
		} `json:"response_format"`
	}
	if err := json.Unmarshal(reqs[0], &req); err != nil {
		t.Fatal(err)
	}
	if req.Model != "gpt-4o-mini" || req.MaxCompletionTokens <= 0 {
		t.Errorf("model %q, max_completion_tokens %d", req.Model, req.MaxCompletionTokens)
	}
	if len(req.Messages) != 2 || req.Messages[0].Role != "system" || req.Messages[1].Role != "user" {
		t.Fatalf("messages = %+v, want system then user", req.Messages)
	}
	system, user := req.Messages[0].Content, req.Messages[1].Content
	for _, want := range []string{"collections", "Write it in Spanish", "promise_to_pay", "wrong_customer", "from the date of the message"} {
		if !strings.Contains(system, want) {
			t.Errorf("the system prompt lacks %q", want)
		}
	}
	for _, want := range []string{
		"Today: 2026-05-11",
		"Customer name: Ana Pérez",
		"overdue COP 1000000.00",
		"invoice F-1001: due 2026-04-01, 40 days overdue",
		"[2026-05-11 09:00] Agent: Hola Ana, tienes un saldo vencido",
		"[2026-05-11 09:12] Customer: Me pagaron tarde. Te abono 500 mil el viernes",
		"Customer: Si quieres cárgalo a mi tarjeta [card] cvv [cvv], o escríbeme a [email]",
	} {
		if !strings.Contains(user, want) {
			t.Errorf("the user message lacks %q:\n%s", want, user)
		}
	}

	rf := req.ResponseFormat
	if rf.Type != "json_schema" || rf.JSONSchema.Name != "conversation_insight" || !rf.JSONSchema.Strict {
		t.Fatalf("response_format = %+v, want a strict json_schema named conversation_insight", rf)
	}
	props := rf.JSONSchema.Schema["properties"].(map[string]any)
	enum := func(v any) []string {
		var out []string
		for _, e := range v.([]any) {
			out = append(out, e.(string))
		}
		return out
	}
	sentiment := props["sentiment"].(map[string]any)
	if got := enum(sentiment["enum"]); !slices.Equal(got, []string{"positive", "neutral", "negative"}) {
		t.Errorf("sentiment enum = %v", got)
	}
	topics := props["topics"].(map[string]any)
	wantTopics := []string{"payment", "promise_to_pay", "dispute", "payment_difficulty", "wrong_customer", "support", "other"}
	if got := enum(topics["items"].(map[string]any)["enum"]); !slices.Equal(got, wantTopics) || topics["minItems"] != 1.0 {
		t.Errorf("topics = %v", topics)
	}
	wantActions := []string{"send_payment_link", "record_promise", "escalate", "call", "close", "wait"}
	if got := enum(props["next_action"].(map[string]any)["enum"]); !slices.Equal(got, wantActions) {
		t.Errorf("next_action enum = %v", got)
	}
	if rf.JSONSchema.Schema["additionalProperties"] != false || len(rf.JSONSchema.Schema["required"].([]any)) != len(props) {
		t.Errorf("the schema is not strict: %v", rf.JSONSchema.Schema)
	}
	promise := props["promise"].(map[string]any)
	if got := enum(promise["type"]); !slices.Equal(got, []string{"object", "null"}) || promise["additionalProperties"] != false {
		t.Errorf("promise = %v, want a nullable closed object", promise)
	}
}

func TestAnalyzeReadsEveryField(t *testing.T) {
	t.Parallel()
	f := newFake(t, step{content: fixture(t, "answer_promise.json")})
	got, err := f.analyzer(t).Analyze(context.Background(), input())
	if err != nil {
		t.Fatal(err)
	}
	want := insight.Analysis{
		Summary:        "Ana reconoce la deuda de COP 1.000.000 vencida y dice que le pagaron tarde. Promete pagar 500.000 el viernes 15 de mayo y el resto a fin de mes.",
		Sentiment:      insight.Positive,
		Topics:         []insight.Topic{insight.PromiseToPay, insight.PaymentDifficulty},
		Tags:           []string{"abono parcial", "fin de mes"},
		NextAction:     insight.RecordPromise,
		NextActionText: "Registra la promesa de pago de 500.000 COP para el 15 de mayo y recuérdale el saldo restante.",
		Model:          "gpt-4o-mini-2024-07-18",
		InputTokens:    812,
		OutputTokens:   143,
	}
	if got.Summary != want.Summary || got.Sentiment != want.Sentiment || !slices.Equal(got.Topics, want.Topics) ||
		!slices.Equal(got.Tags, want.Tags) || got.NextAction != want.NextAction || got.NextActionText != want.NextActionText ||
		got.Model != want.Model || got.InputTokens != want.InputTokens || got.OutputTokens != want.OutputTokens {
		t.Errorf("analysis =\n%+v\nwant\n%+v", got, want)
	}
	if got.Promise == nil || !got.Promise.Amount.Equal(money.MustParse("500000", "COP")) || got.Promise.Date != date.MustParse("2026-05-15") {
		t.Errorf("promise = %+v, want COP 500000.00 on 2026-05-15", got.Promise)
	}
	if err := got.Validate(); err != nil {
		t.Error(err)
	}
}

func TestAnalyzeWithoutPromise(t *testing.T) {
	t.Parallel()
	f := newFake(t, step{content: fixture(t, "answer_no_promise.json")})
	in := input()
	in.Account = nil
	got, err := f.analyzer(t, func(c *openai.Config) { c.Model = "gpt-4o" }).Analyze(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if got.Promise != nil || got.Sentiment != insight.Negative || !slices.Equal(got.Topics, []insight.Topic{insight.Dispute}) ||
		got.NextAction != insight.Escalate || len(got.Tags) != 0 {
		t.Errorf("analysis = %+v", got)
	}
	var req struct {
		Model string `json:"model"`
	}
	_ = json.Unmarshal(f.requests()[0], &req)
	if req.Model != "gpt-4o" {
		t.Errorf("model sent = %q, want the configured gpt-4o", req.Model)
	}
}

func TestAnalyzeRetries(t *testing.T) {
	t.Parallel()
	good := step{content: fixture(t, "answer_promise.json")}
	rateLimited := step{
		status: http.StatusTooManyRequests,
		header: map[string]string{"Retry-After-Ms": "5"}, // what OpenAI sends with a 429
		body:   `{"error":{"message":"Rate limit reached for gpt-4o-mini","type":"requests","code":"rate_limit_exceeded"}}`,
	}
	serverError := step{status: http.StatusInternalServerError, body: `{"error":{"message":"The server had an error","type":"server_error"}}`}
	overloaded := step{status: http.StatusServiceUnavailable, body: `upstream connect error`}
	rateLimitedNoHint := rateLimited
	rateLimitedNoHint.header = nil
	// The server's Retry-After-Ms is honoured up to MaxRetryDelay (default
	// 2 minutes); without one, the backoff is capped by MaxRetryDelay.
	serverPaced := func(c *openai.Config) { c.MaxRetryDelay = 0 }
	tests := []struct {
		name  string
		steps []step
		cfg   func(*openai.Config)
		calls int
	}{
		{"429 then success", []step{rateLimited, good}, serverPaced, 2},
		{"429 without Retry-After then success", []step{rateLimitedNoHint, good}, nil, 2},
		{"500 twice then success", []step{serverError, serverError, good}, nil, 3},
		{"503 then 429 then success", []step{overloaded, rateLimitedNoHint, good}, nil, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, tt.steps...)
			mod := []func(*openai.Config){}
			if tt.cfg != nil {
				mod = append(mod, tt.cfg)
			}
			got, err := f.analyzer(t, mod...).Analyze(context.Background(), input())
			if err != nil {
				t.Fatalf("Analyze: %v", err)
			}
			if got.Sentiment != insight.Positive || got.Promise == nil {
				t.Errorf("analysis = %+v", got)
			}
			if n := len(f.requests()); n != tt.calls {
				t.Errorf("%d requests, want %d", n, tt.calls)
			}
		})
	}
}

func TestAnalyzeGivesUp(t *testing.T) {
	t.Parallel()
	t.Run("after MaxRetries", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, step{status: http.StatusInternalServerError, body: `{"error":{"message":"boom","type":"server_error"}}`})
		_, err := f.analyzer(t, func(c *openai.Config) { c.MaxRetries = 2 }).Analyze(context.Background(), input())
		var apiErr *oai.Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusInternalServerError {
			t.Fatalf("error = %v, want the API's 500", err)
		}
		if n := len(f.requests()); n != 3 {
			t.Errorf("%d requests, want 1 + 2 retries", n)
		}
		if strings.Contains(err.Error(), apiKey) {
			t.Errorf("the error holds the API key: %v", err)
		}
	})
	t.Run("429 asking to wait longer than MaxRetryDelay", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, step{status: http.StatusTooManyRequests, header: map[string]string{"Retry-After": "20"}, body: `{"error":{"message":"slow down"}}`},
			step{content: fixture(t, "answer_promise.json")})
		_, err := f.analyzer(t, func(c *openai.Config) { c.MaxRetryDelay = time.Second }).Analyze(context.Background(), input())
		var apiErr *oai.Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusTooManyRequests || len(f.requests()) != 1 {
			t.Errorf("error %v after %d requests, want the 429 after 1", err, len(f.requests()))
		}
	})
	t.Run("no retries", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, step{status: http.StatusTooManyRequests, body: `{"error":{"message":"quota","type":"insufficient_quota"}}`})
		_, err := f.analyzer(t, func(c *openai.Config) { c.MaxRetries = -1 }).Analyze(context.Background(), input())
		if err == nil || len(f.requests()) != 1 {
			t.Errorf("error %v after %d requests, want an error after 1", err, len(f.requests()))
		}
	})
	t.Run("bad key is not retried nor repeated", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, step{content: "{}"})
		a, err := openai.New(openai.Config{APIKey: "sk-wrong-key-42", BaseURL: f.srv.URL, MaxRetryDelay: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		_, err = a.Analyze(context.Background(), input())
		var apiErr *oai.Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
			t.Fatalf("error = %v, want a 401", err)
		}
		if strings.Contains(err.Error(), "sk-wrong-key-42") {
			t.Errorf("the error holds the API key: %v", err)
		}
	})
}

func TestAnalyzeRejectsUnreadableAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		step step
		want string
	}{
		{"garbage", step{content: fixture(t, "answer_garbage.txt")}, "not the JSON object asked for"},
		{"enum violation", step{content: fixture(t, "answer_bad_enum.json")}, "sentiment angry is not positive, neutral or negative"},
		{"empty content", step{content: ""}, "the answer is empty"},
		{"refusal", step{refusal: "I'm sorry, I can't help with that."}, "the model refused"},
		{"cut off", step{content: `{"summary":"Ana promete`, finish: "length"}, "cut off"},
		{"content filter", step{content: "", finish: "content_filter"}, "content filter"},
		{"no choices", step{body: `{"id":"x","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[]}`}, "no choices"},
		{"not JSON at all", step{body: `<html>bad gateway</html>`}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, tt.step)
			got, err := f.analyzer(t).Analyze(context.Background(), input())
			if err == nil {
				t.Fatalf("no error; analysis %+v", got)
			}
			if got.Summary != "" || got.Topics != nil || got.Promise != nil || got.Model != "" {
				t.Errorf("partial result %+v", got)
			}
			if tt.want == "" {
				return
			}
			if !errors.Is(err, openai.ErrUnreadableAnswer) || !strings.HasPrefix(err.Error(), "the AI answer could not be read: ") ||
				!strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want ErrUnreadableAnswer about %q", err, tt.want)
			}
		})
	}
}

func TestAnalyzeTimesOut(t *testing.T) {
	t.Parallel()
	f := newFake(t, step{hang: true})
	a := f.analyzer(t, func(c *openai.Config) { c.Timeout = 50 * time.Millisecond })
	start := time.Now()
	_, err := a.Analyze(context.Background(), input())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error = %v, want a deadline exceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s", d)
	}
}

func TestAnalyzeStopsWhenTheContextEnds(t *testing.T) {
	t.Parallel()
	f := newFake(t, step{hang: true})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-f.seen
		cancel()
	}()
	_, err := f.analyzer(t).Analyze(ctx, input())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}

	// Already cancelled: no request at all.
	g := newFake(t, step{content: fixture(t, "answer_promise.json")})
	_, err = g.analyzer(t).Analyze(ctx, input())
	if !errors.Is(err, context.Canceled) || len(g.requests()) != 0 {
		t.Errorf("error %v after %d requests, want context.Canceled and none", err, len(g.requests()))
	}
}

func TestAnalyzeCutsTheTranscriptToTheBudget(t *testing.T) {
	t.Parallel()
	in := input()
	in.Messages = nil
	for i := range 200 {
		in.Messages = append(in.Messages, ports.AnalysisMessage{
			From: ports.SpeakerCustomer,
			Text: "mensaje" + strings.Repeat(" relleno", 20) + " #" + strconv.Itoa(i),
			At:   time.Date(2026, 5, 1, 0, i, 0, 0, time.UTC),
		})
	}
	f := newFake(t, step{content: fixture(t, "answer_promise.json")})
	if _, err := f.analyzer(t, func(c *openai.Config) { c.TokenBudget = 3000 }).Analyze(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	var req struct {
		Messages []struct{ Content string } `json:"messages"`
	}
	if err := json.Unmarshal(f.requests()[0], &req); err != nil {
		t.Fatal(err)
	}
	user := req.Messages[1].Content
	if !strings.Contains(user, "(earlier messages omitted)") || !strings.Contains(user, " #199\n") || strings.Contains(user, " #0\n") {
		t.Errorf("the transcript is not cut to its newest messages:\n%s", user)
	}
	if !strings.Contains(user, "overdue COP 1000000.00") {
		t.Error("the account block was cut")
	}
	if n := len(req.Messages[0].Content+user) / 4; n > 3000 {
		t.Errorf("about %d tokens sent, over the budget", n)
	}
}

func TestDraft(t *testing.T) {
	t.Parallel()
	f := newFake(t, step{content: "  \"Hola Ana, gracias por avisar. Quedo atenta a tu abono de $ 500.000 el viernes; puedes consignar a la cuenta [number].\"  "})
	got, err := f.analyzer(t).Draft(context.Background(), input(), "hola ana consigna a la cuenta 0123456789012 los 500 mil")
	if err != nil {
		t.Fatal(err)
	}
	if want := "Hola Ana, gracias por avisar. Quedo atenta a tu abono de $ 500.000 el viernes; puedes consignar a la cuenta 0123456789012."; got != want {
		t.Errorf("draft = %q\nwant    %q", got, want)
	}

	raw := string(f.requests()[0])
	for _, secret := range []string{"0123456789012", "4111", "ana.perez@gmail.com"} {
		if strings.Contains(raw, secret) {
			t.Errorf("the request body holds %q", secret)
		}
	}
	var req struct {
		Messages []struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"messages"`
		ResponseFormat json.RawMessage `json:"response_format"`
	}
	if err := json.Unmarshal(f.requests()[0], &req); err != nil {
		t.Fatal(err)
	}
	if req.ResponseFormat != nil {
		t.Errorf("a draft asks for response_format %s", req.ResponseFormat)
	}
	if len(req.Messages) != 2 || req.Messages[0].Role != "system" || req.Messages[1].Role != "user" {
		t.Fatalf("messages = %+v", req.Messages)
	}
	if !strings.Contains(req.Messages[0].Content, "Improve the agent's draft") {
		t.Error("the system prompt does not ask to improve the draft")
	}
	for _, want := range []string{
		"The agent's draft, to improve:\nhola ana consigna a la cuenta [number] los 500 mil",
		"overdue COP 1000000.00 (written $ 1.000.000,00 COP)",
		"Customer: Me pagaron tarde",
	} {
		if !strings.Contains(req.Messages[1].Content, want) {
			t.Errorf("the user message lacks %q:\n%s", want, req.Messages[1].Content)
		}
	}
}

func TestDraftFromScratch(t *testing.T) {
	t.Parallel()
	f := newFake(t, step{status: http.StatusTooManyRequests, body: `{"error":{"message":"slow down"}}`}, step{content: "Hola Ana, ¡gracias! Te espero el viernes."})
	got, err := f.analyzer(t).Draft(context.Background(), input(), "   ")
	if err != nil {
		t.Fatal(err)
	}
	if got != "Hola Ana, ¡gracias! Te espero el viernes." {
		t.Errorf("draft = %q", got)
	}
	if body := string(f.requests()[1]); !strings.Contains(body, "Write the agent's next reply") || strings.Contains(body, "The agent's draft") {
		t.Error("a draft from scratch was sent as an improvement")
	}
}

func TestDraftErrors(t *testing.T) {
	t.Parallel()
	for name, s := range map[string]step{
		"blank":   {content: " \"\" "},
		"refusal": {refusal: "I can't help with that."},
		"cut off": {content: "Hola Ana, te recuerdo que", finish: "length"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, s)
			got, err := f.analyzer(t).Draft(context.Background(), input(), "")
			if !errors.Is(err, openai.ErrUnreadableAnswer) || got != "" {
				t.Errorf("Draft = %q, %v; want ErrUnreadableAnswer", got, err)
			}
		})
	}
}
