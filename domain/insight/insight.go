// Package insight implements what an analysis of a conversation concludes:
// a summary, the customer's sentiment, the topics, the next action for the
// agent and, when the customer promised to pay, how much and when.
package insight

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/money"
)

// Sentiment is how the customer feels in the conversation.
type Sentiment string

// The sentiments.
const (
	Positive Sentiment = "positive"
	Neutral  Sentiment = "neutral"
	Negative Sentiment = "negative"
)

// Topic is what a conversation is about, from a fixed taxonomy.
type Topic string

// The topics.
const (
	Payment           Topic = "payment"
	PromiseToPay      Topic = "promise_to_pay"
	Dispute           Topic = "dispute"
	PaymentDifficulty Topic = "payment_difficulty"
	WrongCustomer     Topic = "wrong_customer"
	Support           Topic = "support"
	Other             Topic = "other"
)

// Topics lists the taxonomy in order.
var Topics = []Topic{Payment, PromiseToPay, Dispute, PaymentDifficulty, WrongCustomer, Support, Other}

// Action is the next step suggested to the agent.
type Action string

// The actions.
const (
	SendPaymentLink Action = "send_payment_link"
	RecordPromise   Action = "record_promise"
	Escalate        Action = "escalate"
	Call            Action = "call"
	Close           Action = "close"
	Wait            Action = "wait"
)

// Actions lists the actions in order.
var Actions = []Action{SendPaymentLink, RecordPromise, Escalate, Call, Close, Wait}

// Errors about insights.
var (
	ErrNotFound        = domain.Errorf(domain.KindNotFound, "insight_not_found", "conversation %s has not been analysed yet")
	ErrInvalidAnalysis = domain.Errorf(domain.KindInvalid, "invalid_analysis", "%s")
)

// ParseSentiment reads a sentiment.
func ParseSentiment(s string) (Sentiment, error) {
	switch v := Sentiment(strings.ToLower(strings.TrimSpace(s))); v {
	case Positive, Neutral, Negative:
		return v, nil
	}
	return "", ErrInvalidAnalysis.New("sentiment " + s + " is not positive, neutral or negative")
}

// ParseTopic reads a topic of the taxonomy.
func ParseTopic(s string) (Topic, error) {
	t := Topic(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(Topics, t) {
		return t, nil
	}
	return "", ErrInvalidAnalysis.New("topic " + s + " is not in the taxonomy")
}

// ParseAction reads a next action.
func ParseAction(s string) (Action, error) {
	a := Action(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(Actions, a) {
		return a, nil
	}
	return "", ErrInvalidAnalysis.New("next action " + s + " is not one of " + joinActions())
}

func joinActions() string {
	out := make([]string, len(Actions))
	for i, a := range Actions {
		out[i] = string(a)
	}
	return strings.Join(out, ", ")
}

// Promise is what the customer promised: an amount (zero when none was
// said) and the day they will pay by.
type Promise struct {
	Amount money.Money
	Date   date.Date
}

// Analysis is what an analyzer concludes, before it is stored.
type Analysis struct {
	Summary        string
	Sentiment      Sentiment
	Topics         []Topic
	Tags           []string
	NextAction     Action
	NextActionText string
	Promise        *Promise
	Model          string // the model, or "offline"
	InputTokens    int
	OutputTokens   int
}

// Validate checks an analysis an analyzer returned, reporting every problem.
func (a Analysis) Validate() error {
	var problems []string
	if strings.TrimSpace(a.Summary) == "" || utf8.RuneCountInString(a.Summary) > 2000 {
		problems = append(problems, "summary is required and at most 2,000 characters")
	}
	if _, err := ParseSentiment(string(a.Sentiment)); err != nil {
		problems = append(problems, err.Error())
	}
	if len(a.Topics) == 0 {
		problems = append(problems, "at least one topic")
	}
	for _, t := range a.Topics {
		if _, err := ParseTopic(string(t)); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if _, err := ParseAction(string(a.NextAction)); err != nil {
		problems = append(problems, err.Error())
	}
	if a.Promise != nil && a.Promise.Date.IsZero() {
		problems = append(problems, "a promise needs a date")
	}
	if len(problems) > 0 {
		return ErrInvalidAnalysis.New(strings.Join(problems, "; ")).WithDetails(problems...)
	}
	return nil
}

// Insight is a stored analysis of a conversation at a moment.
type Insight struct {
	ID             uuid.UUID
	ConversationID uuid.UUID
	CustomerID     uuid.UUID // Nil when the conversation is not linked
	Analysis
	CreatedAt time.Time
}

// New stores analysis a of conversation convID.
func New(id, convID, customerID uuid.UUID, a Analysis, now time.Time) (*Insight, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	a.Summary = strings.TrimSpace(a.Summary)
	a.Topics = slices.Compact(slices.Clone(a.Topics))
	return &Insight{ID: id, ConversationID: convID, CustomerID: customerID, Analysis: a, CreatedAt: now}, nil
}
