package ports

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/account"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/insight"
)

// Speaker says who wrote a message an analyzer reads.
type Speaker string

// The speakers.
const (
	SpeakerCustomer Speaker = "customer"
	SpeakerAgent    Speaker = "agent"
)

// AnalysisMessage is one message of a conversation, as an analyzer reads it.
type AnalysisMessage struct {
	From Speaker
	Text string
	At   time.Time
}

// AnalysisInput is what an analyzer is given: the conversation and what
// the customer owes.
type AnalysisInput struct {
	Language     string // the organization's: es, pt or en; the summary is written in it
	CustomerName string
	Messages     []AnalysisMessage // oldest first
	Account      *account.Summary  // nil when the conversation is not linked to a customer
	Today        date.Date         // the organization's today, for relative dates ("el viernes")
}

// ConversationAnalyzer reads a conversation and concludes an analysis.
type ConversationAnalyzer interface {
	Analyze(ctx context.Context, in AnalysisInput) (insight.Analysis, error)
	// Draft writes or improves a reply for the agent (draft may be empty).
	Draft(ctx context.Context, in AnalysisInput, draft string) (string, error)
}

// InsightFilter narrows the manager's review list.
type InsightFilter struct {
	Sentiment  insight.Sentiment
	Topic      insight.Topic
	AssigneeID uuid.UUID
	NumberID   uuid.UUID
	From, To   time.Time // created in [From, To)
	Limit      int
}

// InsightRow is the latest insight of a conversation, for the review list.
type InsightRow struct {
	Insight       insight.Insight
	ContactName   string
	CustomerName  string
	AssigneeName  string
	NumberName    string
	OverdueAmount string // the customer's overdue balance, formatted by currency (e.g. "COP 1250000.00; USD 10.00")
}

// WeekCount is how many insights of a week were negative, of all.
type WeekCount struct {
	Week     date.Date // the Monday
	Negative int
	Total    int
}

// InsightRepository stores insights with their history.
type InsightRepository interface {
	Add(ctx context.Context, in *insight.Insight) error
	// Latest returns the conversation's newest insight (insight.ErrNotFound when none).
	Latest(ctx context.Context, conversationID uuid.UUID) (*insight.Insight, error)
	History(ctx context.Context, conversationID uuid.UUID, limit int) ([]*insight.Insight, error)
	// Review lists the latest insight of each conversation matching f, the
	// largest overdue amount at stake first.
	Review(ctx context.Context, f InsightFilter) ([]InsightRow, error)
	// NegativeTrend counts the negative insights per week, the last weeks weeks.
	NegativeTrend(ctx context.Context, weeks int, now time.Time) ([]WeekCount, error)
	// TokensSince adds up the tokens used since t.
	TokensSince(ctx context.Context, t time.Time) (int, error)
}
