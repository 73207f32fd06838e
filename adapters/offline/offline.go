// Package offline implements the conversation analyzer Saldo runs when no
// OpenAI key is set: rules and word lists for Spanish, Portuguese and
// English that read the customer's sentiment, the topics, a promise to pay
// with its amount and day, and suggest the agent's next action and reply.
// It is deterministic and needs no network.
//
// What it reads: sentiment from the customer's messages only (the agent's
// are context), the latest messages weighing more; negation ("no estoy
// contento", "não gostei", "not happy") turns praise around; praise next to
// a complaint is read as sarcasm. A promise is a day (today or later, in
// the organization's calendar) named next to a verb of paying that is not
// negated, past or asked ("¿puedo pagar el viernes?" proposes, it does not
// promise); the latest one counts, a refusal withdraws it, and a "sí" to
// the agent's "¿le queda bien el viernes?" makes the agent's day the
// customer's promise.
//
// Amounts of a promise are stated in the account's currency (the first
// with an overdue total, else with a balance), zero when none was said.
// Without an account only an amount said with its currency ("R$ 300",
// "US$ 50") is kept; otherwise the promise carries the zero Money{}, which
// the insight repository stores as "no amount".
package offline

import (
	"context"
	"fmt"

	"github.com/saldocrm/saldo/domain/insight"
	"github.com/saldocrm/saldo/ports"
)

// Model is the model name offline analyses carry.
const Model = "offline"

// Analyzer is the offline ports.ConversationAnalyzer. The zero value is
// ready to use and safe for concurrent use.
type Analyzer struct{}

var _ ports.ConversationAnalyzer = (*Analyzer)(nil)

// New returns an offline analyzer.
func New() *Analyzer { return &Analyzer{} }

// Analyze reads the conversation and concludes an analysis; the summary and
// the next action are written in the organization's language.
func (a *Analyzer) Analyze(ctx context.Context, in ports.AnalysisInput) (insight.Analysis, error) {
	if err := ctx.Err(); err != nil {
		return insight.Analysis{}, fmt.Errorf("offline analysis: %w", err)
	}
	f := gather(in)
	out := insight.Analysis{
		Summary:   f.summary(),
		Sentiment: f.sentiment,
		Topics:    f.topics,
		Tags:      f.tags,
		Model:     Model,
	}
	out.NextAction, out.NextActionText = f.nextAction()
	if f.promise != nil {
		amount, _ := f.promiseAmount()
		out.Promise = &insight.Promise{Amount: amount, Date: f.promise.d}
	}
	if err := out.Validate(); err != nil {
		return insight.Analysis{}, fmt.Errorf("offline analysis: %w", err)
	}
	return out, nil
}

// Draft tidies the agent's draft (capitals, spaces, a closing courtesy);
// when the draft is empty it writes a reply for the situation in the
// customer's language, with the account's figures.
func (a *Analyzer) Draft(ctx context.Context, in ports.AnalysisInput, draft string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("offline draft: %w", err)
	}
	f := gather(in)
	if s := tidy(draft, f.custLang); s != "" {
		return s, nil
	}
	return f.reply(), nil
}
