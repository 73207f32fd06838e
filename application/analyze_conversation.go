package application

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/insight"
	"github.com/saldocrm/saldo/ports"
)

// Errors of conversation analysis.
var (
	ErrAIDisabled       = domain.Errorf(domain.KindConflict, "ai_disabled", "AI is turned off for this conversation")
	ErrNothingToAnalyse = domain.Errorf(domain.KindInvalid, "nothing_to_analyse", "the conversation has no messages to analyse")
)

// AnalysisDelay is how long after a customer's message the conversation is
// analysed: a burst of messages causes one analysis.
const AnalysisDelay = 3 * time.Minute

// AnalyzeConversation analyses a conversation with the configured analyzer
// and stores the insight beside the earlier ones.
type AnalyzeConversation struct {
	conversations ports.ConversationRepository
	messages      ports.MessageRepository
	summary       *CustomerSummary
	insights      ports.InsightRepository
	analyzer      ports.ConversationAnalyzer
	queue         ports.JobQueue
	clock         ports.Clock
	org           Org
	listener      func(context.Context, Change)
}

// OnChange registers a function told when an insight is stored, for live updates.
func (h *AnalyzeConversation) OnChange(fn func(context.Context, Change)) { h.listener = fn }

// NewAnalyzeConversation returns the use case.
func NewAnalyzeConversation(conversations ports.ConversationRepository, messages ports.MessageRepository, summary *CustomerSummary,
	insights ports.InsightRepository, analyzer ports.ConversationAnalyzer, queue ports.JobQueue, clock ports.Clock, org Org,
) *AnalyzeConversation {
	must(conversations, messages, summary, insights, analyzer, queue, clock, org.Location)
	if org.Language == "" {
		org.Language = "es"
	}
	return &AnalyzeConversation{
		conversations: conversations, messages: messages, summary: summary, insights: insights,
		analyzer: analyzer, queue: queue, clock: clock, org: org,
	}
}

// Input gathers what an analyzer reads about conversation id.
func (h *AnalyzeConversation) Input(ctx context.Context, id uuid.UUID) (*conversation.Conversation, ports.AnalysisInput, error) {
	conv, err := h.conversations.Get(ctx, id)
	if err != nil {
		return nil, ports.AnalysisInput{}, err
	}
	msgs, err := h.messages.Latest(ctx, id, 200)
	if err != nil {
		return nil, ports.AnalysisInput{}, err
	}
	now := h.clock.Now()
	in := ports.AnalysisInput{Language: h.org.Language, CustomerName: conv.ContactName(), Today: h.org.Today(now)}
	for _, m := range msgs {
		from := ports.SpeakerAgent
		switch m.Direction() {
		case conversation.Inbound:
			from = ports.SpeakerCustomer
		case conversation.Internal:
			continue // notes and events are the team's, not the conversation
		}
		text := strings.TrimSpace(m.Content().Text)
		if text == "" {
			text = m.Content().Preview()
		}
		at := m.SentAt()
		if at.IsZero() {
			at = m.CreatedAt()
		}
		in.Messages = append(in.Messages, ports.AnalysisMessage{From: from, Text: text, At: at})
	}
	if conv.CustomerID() != uuid.Nil {
		s, err := h.summary.Handle(ctx, conv.CustomerID())
		if err != nil {
			return nil, ports.AnalysisInput{}, err
		}
		in.Account, in.CustomerName = &s.Summary, s.Customer.Name()
	}
	return conv, in, nil
}

// Handle analyses conversation id now.
func (h *AnalyzeConversation) Handle(ctx context.Context, id uuid.UUID) (*insight.Insight, error) {
	conv, in, err := h.Input(ctx, id)
	if err != nil {
		return nil, err
	}
	if !conv.AIEnabled() {
		return nil, ErrAIDisabled
	}
	if len(in.Messages) == 0 {
		return nil, ErrNothingToAnalyse
	}
	a, err := h.analyzer.Analyze(ctx, in)
	if err != nil {
		return nil, err
	}
	ins, err := insight.New(newID(), id, conv.CustomerID(), a, h.clock.Now())
	if err != nil {
		return nil, err
	}
	if err := h.insights.Add(ctx, ins); err != nil {
		return nil, err
	}
	if h.listener != nil {
		h.listener(ctx, Change{ConversationID: id, Kind: "insight"})
	}
	return ins, nil
}

// Schedule asks for an analysis of conversation id after delay; while one
// is waiting, asking again changes nothing (the burst is one analysis). A
// delay of zero (a closed conversation) runs one now, apart from any waiting.
func (h *AnalyzeConversation) Schedule(ctx context.Context, id uuid.UUID, delay time.Duration) error {
	if delay <= 0 {
		return h.queue.Enqueue(ctx, ports.JobAnalyzeNow, id, h.clock.Now())
	}
	return h.queue.Enqueue(ctx, ports.JobAnalyze, id, h.clock.Now().Add(delay))
}

// Run is the background job: an analysis that AI settings or the
// conversation no longer want is skipped.
func (h *AnalyzeConversation) Run(ctx context.Context, id uuid.UUID) error {
	_, err := h.Handle(ctx, id)
	if errors.Is(err, ErrAIDisabled) || errors.Is(err, ErrNothingToAnalyse) || errors.Is(err, conversation.ErrNotFound) {
		return nil
	}
	return err
}

// Draft writes or improves the agent's reply in conversation id.
func (h *AnalyzeConversation) Draft(ctx context.Context, id uuid.UUID, draft string) (string, error) {
	_, in, err := h.Input(ctx, id)
	if err != nil {
		return "", err
	}
	return h.analyzer.Draft(ctx, in, draft)
}
