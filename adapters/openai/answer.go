package openai

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/account"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/insight"
	"github.com/saldocrm/saldo/domain/money"
)

// ErrUnreadableAnswer is returned when the model's answer is empty, cut
// off, refused, not JSON or breaks the schema or the domain's rules. It is
// internal: the caller can retry or fall back, and nothing was stored.
var ErrUnreadableAnswer = domain.Errorf(domain.KindInternal, "ai_answer_unreadable", "the AI answer could not be read: %s")

// schemaName names the response format; OpenAI allows [A-Za-z0-9_-]{1,64}.
const schemaName = "conversation_insight"

// maxTags caps the tags kept from an answer.
const maxTags = 8

// analysisSchema returns the JSON Schema of the answer, in the subset that
// OpenAI's strict mode accepts: every property required, no additional
// properties, optional values as a union with null.
func analysisSchema() map[string]any {
	str := func(desc string) map[string]any { return map[string]any{"type": "string", "description": desc} }
	enum := func(desc string, values []string) map[string]any {
		return map[string]any{"type": "string", "enum": values, "description": desc}
	}
	topics := make([]string, len(insight.Topics))
	for i, t := range insight.Topics {
		topics[i] = string(t)
	}
	actions := make([]string, len(insight.Actions))
	for i, a := range insight.Actions {
		actions[i] = string(a)
	}
	return map[string]any{
		"type": "object",
		"properties": map[string]any{
			"summary": str("What happened and where things stand, in the organization's language."),
			"sentiment": enum("The customer's attitude.",
				[]string{string(insight.Positive), string(insight.Neutral), string(insight.Negative)}),
			"topics": map[string]any{
				"type":        "array",
				"items":       map[string]any{"type": "string", "enum": topics},
				"minItems":    1,
				"description": "Every topic of the taxonomy that applies.",
			},
			"tags": map[string]any{
				"type":        "array",
				"items":       map[string]any{"type": "string"},
				"description": "Short lower-case keywords.",
			},
			"next_action":      enum("The agent's best next step.", actions),
			"next_action_text": str("One sentence for the agent, in the organization's language."),
			"promise": map[string]any{
				"type":        []string{"object", "null"},
				"description": "The customer's commitment to pay, or null.",
				"properties": map[string]any{
					"amount": map[string]any{
						"type":        []string{"string", "null"},
						"pattern":     `^[0-9]+(\.[0-9]+)?$`,
						"description": `Decimal with a point, no thousands separators, e.g. "150000.00"; null when none was said.`,
					},
					"currency": map[string]any{
						"type":        []string{"string", "null"},
						"description": "ISO 4217 code of the amount, or null.",
					},
					"date": map[string]any{
						"type":        "string",
						"pattern":     `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`,
						"description": "The day promised, YYYY-MM-DD.",
					},
				},
				"required":             []string{"amount", "currency", "date"},
				"additionalProperties": false,
			},
		},
		"required":             []string{"summary", "sentiment", "topics", "tags", "next_action", "next_action_text", "promise"},
		"additionalProperties": false,
	}
}

// schemaTokens estimates what the schema adds to the input.
var schemaTokens = func() int {
	b, err := json.Marshal(analysisSchema())
	if err != nil {
		panic(err)
	}
	return estimateTokens(string(b))
}()

// answer is the JSON the model returns. Pointers tell a missing property
// from an empty one.
type answer struct {
	Summary        *string   `json:"summary"`
	Sentiment      *string   `json:"sentiment"`
	Topics         []string  `json:"topics"`
	Tags           []string  `json:"tags"`
	NextAction     *string   `json:"next_action"`
	NextActionText *string   `json:"next_action_text"`
	Promise        *promised `json:"promise"`
}

type promised struct {
	Amount   *string `json:"amount"`
	Currency *string `json:"currency"`
	Date     *string `json:"date"`
}

// parseAnswer reads the model's JSON into an analysis and checks it. acct
// gives the currency of a promise that names none. Any problem makes the
// whole answer unreadable: there is no partial result.
func parseAnswer(content string, acct *account.Summary) (insight.Analysis, error) {
	dec := json.NewDecoder(strings.NewReader(content))
	dec.DisallowUnknownFields()
	var a answer
	if err := dec.Decode(&a); err != nil {
		return insight.Analysis{}, unreadable("not the JSON object asked for (" + jsonProblem(err) + ")")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return insight.Analysis{}, unreadable("text after the JSON object")
	}
	var missing []string
	for name, present := range map[string]bool{
		"summary": a.Summary != nil, "sentiment": a.Sentiment != nil, "topics": a.Topics != nil,
		"next_action": a.NextAction != nil, "next_action_text": a.NextActionText != nil,
	} {
		if !present {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return insight.Analysis{}, unreadable("missing " + strings.Join(missing, ", "))
	}

	out := insight.Analysis{
		Summary:        strings.TrimSpace(*a.Summary),
		Sentiment:      insight.Sentiment(*a.Sentiment),
		NextAction:     insight.Action(*a.NextAction),
		NextActionText: strings.TrimSpace(*a.NextActionText),
		Tags:           tags(a.Tags),
	}
	if s, err := insight.ParseSentiment(*a.Sentiment); err == nil {
		out.Sentiment = s
	}
	if act, err := insight.ParseAction(*a.NextAction); err == nil {
		out.NextAction = act
	}
	for _, raw := range a.Topics {
		t, err := insight.ParseTopic(raw)
		if err != nil {
			t = insight.Topic(raw) // Validate reports it with the others
		}
		if !slices.Contains(out.Topics, t) {
			out.Topics = append(out.Topics, t)
		}
	}
	if a.Promise != nil {
		p, err := promise(*a.Promise, acct)
		if err != nil {
			return insight.Analysis{}, err
		}
		out.Promise = p
	}
	if err := out.Validate(); err != nil {
		var de *domain.Error
		if errors.As(err, &de) {
			return insight.Analysis{}, unreadable(de.Message()).WithDetails(de.Details()...)
		}
		return insight.Analysis{}, unreadable(err.Error())
	}
	return out, nil
}

// promise reads the promised day and amount. The amount is in the currency
// the model gives or, failing that, the account's overdue currency.
func promise(p promised, acct *account.Summary) (*insight.Promise, error) {
	if p.Date == nil {
		return nil, unreadable("the promise has no date")
	}
	d, err := date.Parse(strings.TrimSpace(*p.Date))
	if err != nil {
		return nil, unreadable("the promise date " + quote(*p.Date) + " is not YYYY-MM-DD")
	}
	out := &insight.Promise{Date: d}

	var cur money.Currency
	if p.Currency != nil && strings.TrimSpace(*p.Currency) != "" {
		if cur, err = money.ParseCurrency(*p.Currency); err != nil {
			return nil, unreadable("the promise currency " + quote(*p.Currency) + " is not an ISO 4217 code")
		}
	} else {
		cur = overdueCurrency(acct)
	}

	amount := ""
	if p.Amount != nil {
		amount = strings.TrimSpace(*p.Amount)
	}
	if amount == "" {
		if !cur.IsZero() {
			out.Amount = money.Zero(cur)
		}
		return out, nil
	}
	n, err := decimal.NewFromString(amount)
	if err != nil || n.IsNegative() || strings.ContainsAny(amount, "eE+-") {
		return nil, unreadable("the promise amount " + quote(amount) + " is not a decimal amount")
	}
	if cur.IsZero() {
		return nil, unreadable("the promise amount " + amount + " has no currency, and the account has none to assume")
	}
	m, err := money.New(n, cur)
	if err != nil {
		return nil, unreadable("the promise amount " + amount + " " + cur.Code() + ": " + err.Error())
	}
	out.Amount = m
	return out, nil
}

// overdueCurrency returns the currency of the account's overdue balance
// when there is exactly one, else the only currency of the account, else
// the zero currency.
func overdueCurrency(acct *account.Summary) money.Currency {
	if acct == nil {
		return money.Currency{}
	}
	var overdue []money.Currency
	for _, t := range acct.Totals {
		if t.Overdue.IsPositive() {
			overdue = append(overdue, t.Currency)
		}
	}
	switch {
	case len(overdue) == 1:
		return overdue[0]
	case len(overdue) == 0 && len(acct.Totals) == 1:
		return acct.Totals[0].Currency
	}
	return money.Currency{}
}

// tags trims, lower-cases and de-duplicates the answer's tags, keeping at
// most maxTags.
func tags(in []string) []string {
	out := []string{}
	for _, t := range in {
		t = strings.ToLower(strings.Join(strings.Fields(t), " "))
		if t == "" || slices.Contains(out, t) {
			continue
		}
		if len(out) == maxTags {
			break
		}
		out = append(out, t)
	}
	return out
}

func unreadable(reason string) *domain.Error { return ErrUnreadableAnswer.New(reason) }

// jsonProblem describes a decoding error without quoting the answer.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return "invalid JSON at byte " + strconv.FormatInt(syn.Offset, 10)
	case errors.As(err, &typ):
		return "property " + typ.Field + " should be " + typ.Type.String() + ", not " + typ.Value
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends early"
	}
	return err.Error()
}

// quote writes s quoted and shortened for an error message.
func quote(s string) string {
	const maxRunes = 40
	if r := []rune(s); len(r) > maxRunes {
		s = string(r[:maxRunes]) + "…"
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSpace(b.String())
}
