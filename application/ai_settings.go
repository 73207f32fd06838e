package application

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/insight"
	"github.com/saldocrm/saldo/ports"
)

// Errors of the AI settings.
var (
	ErrInvalidProvider = domain.Errorf(domain.KindInvalid, "invalid_provider", "provider %q is not offline or openai")
	ErrNoAPIKey        = domain.Errorf(domain.KindInvalid, "missing_api_key", "OpenAI needs an API key")
)

// OpenAIFactory builds an OpenAI analyzer for a key and a model.
type OpenAIFactory func(apiKey, model string) (ports.ConversationAnalyzer, error)

// AIAnalyzer is the analyzer the owner chose: OpenAI with the stored key
// (or OPENAI_API_KEY), or the offline one. It reads the settings at each
// analysis, so a change applies at once in every process.
type AIAnalyzer struct {
	settings ports.AISettingsRepository
	box      ports.SecretBox
	offline  ports.ConversationAnalyzer
	factory  OpenAIFactory
	envKey   string

	mu     sync.Mutex
	cached ports.ConversationAnalyzer
	cacheK string
}

var _ ports.ConversationAnalyzer = (*AIAnalyzer)(nil)

// NewAIAnalyzer returns the chooser; envKey is OPENAI_API_KEY (may be empty).
func NewAIAnalyzer(settings ports.AISettingsRepository, box ports.SecretBox, offline ports.ConversationAnalyzer, factory OpenAIFactory, envKey string) *AIAnalyzer {
	must(settings, box, offline, factory)
	return &AIAnalyzer{settings: settings, box: box, offline: offline, factory: factory, envKey: envKey}
}

func (a *AIAnalyzer) current(ctx context.Context) (ports.ConversationAnalyzer, error) {
	s, err := a.settings.Get(ctx)
	if err != nil {
		return nil, err
	}
	key := a.envKey
	if len(s.SealedKey) > 0 {
		plain, err := a.box.Open(s.SealedKey)
		if err != nil {
			return nil, err
		}
		key = string(plain)
	}
	if s.Provider != "openai" || key == "" {
		return a.offline, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if ck := key + "\x00" + s.Model; a.cached == nil || a.cacheK != ck {
		an, err := a.factory(key, s.Model)
		if err != nil {
			return nil, err
		}
		a.cached, a.cacheK = an, ck
	}
	return a.cached, nil
}

// Analyze implements ports.ConversationAnalyzer.
func (a *AIAnalyzer) Analyze(ctx context.Context, in ports.AnalysisInput) (insight.Analysis, error) {
	an, err := a.current(ctx)
	if err != nil {
		return insight.Analysis{}, err
	}
	return an.Analyze(ctx, in)
}

// Draft implements ports.ConversationAnalyzer.
func (a *AIAnalyzer) Draft(ctx context.Context, in ports.AnalysisInput, draft string) (string, error) {
	an, err := a.current(ctx)
	if err != nil {
		return "", err
	}
	return an.Draft(ctx, in, draft)
}

// AISettingsView is what the owner's settings page shows: never the key.
type AISettingsView struct {
	Provider    string
	Model       string
	HasKey      bool
	MonthTokens int
	UpdatedAt   time.Time
}

// AISettings reads and changes the AI provider (owner only, checked by the caller).
type AISettings struct {
	settings ports.AISettingsRepository
	box      ports.SecretBox
	insights ports.InsightRepository
	clock    ports.Clock
	org      Org
}

// NewAISettings returns the use case.
func NewAISettings(settings ports.AISettingsRepository, box ports.SecretBox, insights ports.InsightRepository, clock ports.Clock, org Org) *AISettings {
	must(settings, box, insights, clock, org.Location)
	return &AISettings{settings: settings, box: box, insights: insights, clock: clock, org: org}
}

// Get returns the settings and this month's token usage.
func (h *AISettings) Get(ctx context.Context) (AISettingsView, error) {
	s, err := h.settings.Get(ctx)
	if err != nil {
		return AISettingsView{}, err
	}
	now := h.clock.Now().In(h.org.Location)
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, h.org.Location)
	tokens, err := h.insights.TokensSince(ctx, month)
	if err != nil {
		return AISettingsView{}, err
	}
	return AISettingsView{Provider: s.Provider, Model: s.Model, HasKey: len(s.SealedKey) > 0, MonthTokens: tokens, UpdatedAt: s.UpdatedAt}, nil
}

// Save sets the provider and model, and the API key when apiKey is not
// empty (empty keeps the stored one); the key is stored sealed.
func (h *AISettings) Save(ctx context.Context, provider, apiKey, model string, by uuid.UUID) error {
	provider = strings.ToLower(strings.TrimSpace(provider))
	if provider != "offline" && provider != "openai" {
		return ErrInvalidProvider.New(provider)
	}
	s, err := h.settings.Get(ctx)
	if err != nil {
		return err
	}
	if k := strings.TrimSpace(apiKey); k != "" {
		if s.SealedKey, err = h.box.Seal([]byte(k)); err != nil {
			return err
		}
	}
	if provider == "openai" && len(s.SealedKey) == 0 {
		return ErrNoAPIKey
	}
	if m := strings.TrimSpace(model); m != "" {
		s.Model = m
	}
	s.Provider, s.UpdatedAt, s.UpdatedBy = provider, h.clock.Now(), by
	return h.settings.Save(ctx, s)
}

// InsightQueries reads insights for the panel, the API and the review page.
type InsightQueries struct {
	insights ports.InsightRepository
	clock    ports.Clock
}

// NewInsightQueries returns the queries.
func NewInsightQueries(insights ports.InsightRepository, clock ports.Clock) *InsightQueries {
	must(insights, clock)
	return &InsightQueries{insights: insights, clock: clock}
}

// Latest returns conversation id's newest insight.
func (q *InsightQueries) Latest(ctx context.Context, id uuid.UUID) (*insight.Insight, error) {
	return q.insights.Latest(ctx, id)
}

// History returns conversation id's insights, newest first.
func (q *InsightQueries) History(ctx context.Context, id uuid.UUID) ([]*insight.Insight, error) {
	return q.insights.History(ctx, id, 50)
}

// Review returns the review list and the negative trend of the last 8 weeks.
func (q *InsightQueries) Review(ctx context.Context, f ports.InsightFilter) ([]ports.InsightRow, []ports.WeekCount, error) {
	rows, err := q.insights.Review(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	trend, err := q.insights.NegativeTrend(ctx, 8, q.clock.Now())
	return rows, trend, err
}
