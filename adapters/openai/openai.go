// Package openai implements ports.ConversationAnalyzer with OpenAI's Chat
// Completions API through openai-go: Analyze asks for one JSON object under
// a strict JSON Schema (Structured Outputs) and reads it into an
// insight.Analysis; Draft asks for a plain reply. Card numbers, security
// codes, e-mail addresses, account numbers and passwords are masked before
// anything leaves Saldo, and the transcript is cut to a token budget,
// keeping the newest messages. The client reads no environment variable:
// everything comes from Config.
package openai

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	oai "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"

	"github.com/saldocrm/saldo/domain/insight"
	"github.com/saldocrm/saldo/ports"
)

// The defaults of Config.
const (
	DefaultModel       = "gpt-4o-mini"
	DefaultBaseURL     = "https://api.openai.com/v1"
	DefaultTimeout     = 30 * time.Second
	DefaultMaxRetries  = 3
	DefaultTokenBudget = 6000
)

// The limits on what the model writes back, in tokens: an analysis is a
// few sentences of JSON, a reply three or four sentences.
const (
	analysisMaxTokens = 1000
	draftMaxTokens    = 400
)

// Config configures an Analyzer. Only APIKey is required.
type Config struct {
	// APIKey is the OpenAI API key (sk-…). It is sent as a bearer token and
	// never logged or written into an error.
	APIKey string
	// Model is the chat model. Default: DefaultModel. It must support
	// Structured Outputs (gpt-4o-mini, gpt-4o and later).
	Model string
	// BaseURL replaces https://api.openai.com/v1 (OPENAI_BASE_URL): a proxy,
	// an OpenAI-compatible server, or a fake in tests.
	BaseURL string
	// Timeout bounds each attempt of a request. Default: DefaultTimeout. The
	// caller's context bounds the whole call, retries included.
	Timeout time.Duration
	// MaxRetries is how many times a request is retried after a connection
	// error, a 408, 409, 429 or 5xx answer. 0 means DefaultMaxRetries; a
	// negative number, no retries.
	MaxRetries int
	// MaxRetryDelay caps the wait between attempts. Default: openai-go's, an
	// exponential backoff from 0.5 s capped at 8 s, or the Retry-After the
	// server asks for up to 2 minutes. A server asking for longer than the
	// cap ends the retries.
	MaxRetryDelay time.Duration
	// TokenBudget is the estimated input tokens a request may use (see
	// estimateTokens): the system prompt, the account and the draft always
	// go; older messages are left out first. Default: DefaultTokenBudget.
	TokenBudget int
	// HTTPClient makes the calls. Optional: http.DefaultClient.
	HTTPClient *http.Client
}

// String describes c without its API key, for logs.
func (c Config) String() string {
	return fmt.Sprintf("openai.Config{Model: %q, BaseURL: %q, Timeout: %s, MaxRetries: %d, TokenBudget: %d, APIKey: %s}",
		c.Model, c.BaseURL, c.Timeout, c.MaxRetries, c.TokenBudget, redacted(c.APIKey))
}

// GoString is String, so %#v does not print the key either.
func (c Config) GoString() string { return c.String() }

// LogValue keeps the key out of slog records.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("model", c.Model), slog.String("base_url", c.BaseURL),
		slog.Duration("timeout", c.Timeout), slog.Int("max_retries", c.MaxRetries),
		slog.Int("token_budget", c.TokenBudget), slog.String("api_key", redacted(c.APIKey)),
	)
}

func redacted(key string) string {
	if key == "" {
		return "unset"
	}
	return "redacted"
}

// Analyzer analyses conversations and drafts replies with an OpenAI model.
// It is safe for concurrent use.
type Analyzer struct {
	chat   oai.ChatCompletionService
	model  string
	budget int
}

var _ ports.ConversationAnalyzer = (*Analyzer)(nil)

// New returns an Analyzer for cfg, filling in the defaults. It fails when
// the API key is missing or the base URL is not an http(s) URL.
func New(cfg Config) (*Analyzer, error) {
	key := strings.TrimSpace(cfg.APIKey)
	if key == "" {
		return nil, errors.New("openai: an API key is required")
	}
	model := strings.TrimSpace(cfg.Model)
	if model == "" {
		model = DefaultModel
	}
	base := strings.TrimSpace(cfg.BaseURL)
	if base == "" {
		base = DefaultBaseURL
	}
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("openai: the base URL is not an http(s) URL")
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	retries := cfg.MaxRetries
	switch {
	case retries == 0:
		retries = DefaultMaxRetries
	case retries < 0:
		retries = 0
	}
	budget := cfg.TokenBudget
	if budget <= 0 {
		budget = DefaultTokenBudget
	}

	opts := []option.RequestOption{
		option.WithBaseURL(base),
		option.WithAPIKey(key),
		option.WithMaxRetries(retries),
		option.WithRequestTimeout(timeout),
	}
	if cfg.MaxRetryDelay > 0 {
		opts = append(opts, option.WithMaxRetryDelay(cfg.MaxRetryDelay))
	}
	if cfg.HTTPClient != nil {
		opts = append(opts, option.WithHTTPClient(cfg.HTTPClient))
	}
	// The service, unlike oai.NewClient, reads no OPENAI_* variable: the
	// configuration is all in cfg.
	return &Analyzer{chat: oai.NewChatCompletionService(opts...), model: model, budget: budget}, nil
}

// Analyze reads the conversation and the account and returns what the
// model concludes: summary, sentiment, topics, tags, next action and the
// customer's promise, with the model and the tokens used. A failed call
// returns the openai-go error wrapped (context errors stay visible to
// errors.Is); an answer that cannot be read returns ErrUnreadableAnswer.
func (a *Analyzer) Analyze(ctx context.Context, in ports.AnalysisInput) (insight.Analysis, error) {
	system := analysisSystem(in.Language)
	schema := analysisSchema()
	// The schema is part of the input OpenAI counts.
	fixed := estimateTokens(system) + schemaTokens
	user, _ := userContent(in, fixed, "", a.budget, false)
	params := oai.ChatCompletionNewParams{
		Model:               a.model,
		Messages:            []oai.ChatCompletionMessageParamUnion{oai.SystemMessage(system), oai.UserMessage(user)},
		MaxCompletionTokens: oai.Int(analysisMaxTokens),
		ResponseFormat: oai.ChatCompletionNewParamsResponseFormatUnion{
			OfJSONSchema: &shared.ResponseFormatJSONSchemaParam{
				JSONSchema: shared.ResponseFormatJSONSchemaJSONSchemaParam{
					Name:        schemaName,
					Description: oai.String("What a collections conversation concludes."),
					Strict:      oai.Bool(true),
					Schema:      schema,
				},
			},
		},
	}
	res, err := a.chat.New(ctx, params)
	if err != nil {
		return insight.Analysis{}, fmt.Errorf("openai: analyze conversation: %w", err)
	}
	content, err := reply(res)
	if err != nil {
		return insight.Analysis{}, err
	}
	out, err := parseAnswer(content, in.Account)
	if err != nil {
		return insight.Analysis{}, err
	}
	out.Model = res.Model
	if out.Model == "" {
		out.Model = a.model
	}
	out.InputTokens = int(res.Usage.PromptTokens)
	out.OutputTokens = int(res.Usage.CompletionTokens)
	return out, nil
}

// Draft writes the agent's next reply to the customer or, when draft is not
// empty, improves it. Sensitive data is masked on the way out as in
// Analyze; what the agent's own draft held comes back in place when the
// model keeps its placeholders.
func (a *Analyzer) Draft(ctx context.Context, in ports.AnalysisInput, draft string) (string, error) {
	draft = strings.TrimSpace(draft)
	masked, secrets := maskKeeping(draft)
	masked = cut(masked, maxDraftRunes)
	improving := draft != ""
	system := draftSystem(in.Language, improving)
	extra := ""
	if improving {
		extra = "The agent's draft, to improve:\n" + masked + "\n"
	}
	user, _ := userContent(in, estimateTokens(system), extra, a.budget, true)
	res, err := a.chat.New(ctx, oai.ChatCompletionNewParams{
		Model:               a.model,
		Messages:            []oai.ChatCompletionMessageParamUnion{oai.SystemMessage(system), oai.UserMessage(user)},
		MaxCompletionTokens: oai.Int(draftMaxTokens),
	})
	if err != nil {
		return "", fmt.Errorf("openai: draft reply: %w", err)
	}
	text, err := reply(res)
	if err != nil {
		return "", err
	}
	text = unquote(strings.TrimSpace(text))
	if text == "" {
		return "", unreadable("the reply is empty")
	}
	return secrets.restore(text), nil
}

// unquote removes the quotes a model sometimes puts around a whole reply.
func unquote(s string) string {
	for _, q := range [][2]string{{`"`, `"`}, {"“", "”"}, {"«", "»"}} {
		if len(s) >= len(q[0])+len(q[1]) && strings.HasPrefix(s, q[0]) && strings.HasSuffix(s, q[1]) {
			inner := s[len(q[0]) : len(s)-len(q[1])]
			if !strings.Contains(inner, q[0]) && !strings.Contains(inner, q[1]) {
				return strings.TrimSpace(inner)
			}
		}
	}
	return s
}

// reply returns the text of the first choice, refusing an answer that was
// refused, filtered or cut off.
func reply(res *oai.ChatCompletion) (string, error) {
	if res == nil || len(res.Choices) == 0 {
		return "", unreadable("the answer has no choices")
	}
	c := res.Choices[0]
	switch {
	case strings.TrimSpace(c.Message.Refusal) != "":
		return "", unreadable("the model refused: " + quote(c.Message.Refusal))
	case c.FinishReason == "length":
		return "", unreadable("the answer was cut off at the token limit")
	case c.FinishReason == "content_filter":
		return "", unreadable("the answer was withheld by OpenAI's content filter")
	case strings.TrimSpace(c.Message.Content) == "":
		return "", unreadable("the answer is empty")
	}
	return c.Message.Content, nil
}
