package openai

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/account"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/insight"
	"github.com/saldocrm/saldo/domain/money"
)

func readFixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// copAccount owes COP, overdue.
func copAccount() *account.Summary {
	return &account.Summary{Totals: []account.Totals{{
		Currency: money.MustCurrency("COP"),
		Balance:  money.MustParse("1250000", "COP"), Overdue: money.MustParse("1000000", "COP"),
		Credit: money.Zero(money.MustCurrency("COP")),
	}}}
}

func wantUnreadable(t *testing.T, err error, contains string) {
	t.Helper()
	if !errors.Is(err, ErrUnreadableAnswer) {
		t.Fatalf("error = %v, want ErrUnreadableAnswer", err)
	}
	if domain.KindOf(err) != domain.KindInternal {
		t.Errorf("kind = %v, want internal", domain.KindOf(err))
	}
	if !strings.HasPrefix(err.Error(), "the AI answer could not be read: ") {
		t.Errorf("message = %q, want it to start with \"the AI answer could not be read: \"", err)
	}
	if !strings.Contains(err.Error(), contains) {
		t.Errorf("message = %q, want it to mention %q", err, contains)
	}
}

func TestParseAnswerPromise(t *testing.T) {
	t.Parallel()
	a, err := parseAnswer(readFixture(t, "answer_promise.json"), copAccount())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a.Summary, "Ana reconoce") || a.Sentiment != insight.Positive || a.NextAction != insight.RecordPromise ||
		!strings.HasPrefix(a.NextActionText, "Registra") {
		t.Errorf("analysis = %+v", a)
	}
	if want := []insight.Topic{insight.PromiseToPay, insight.PaymentDifficulty}; !slices.Equal(a.Topics, want) {
		t.Errorf("topics = %v, want %v (duplicates dropped)", a.Topics, want)
	}
	if want := []string{"abono parcial", "fin de mes"}; !slices.Equal(a.Tags, want) {
		t.Errorf("tags = %q, want %q", a.Tags, want)
	}
	if a.Promise == nil || !a.Promise.Amount.Equal(money.MustParse("500000", "COP")) || a.Promise.Date != date.MustParse("2026-05-15") {
		t.Errorf("promise = %+v, want COP 500000.00 on 2026-05-15", a.Promise)
	}
}

func TestParseAnswerPromiseCurrency(t *testing.T) {
	t.Parallel()
	two := &account.Summary{Totals: []account.Totals{
		{Currency: money.MustCurrency("COP"), Overdue: money.MustParse("10", "COP")},
		{Currency: money.MustCurrency("USD"), Overdue: money.Zero(money.MustCurrency("USD"))},
	}}
	both := &account.Summary{Totals: []account.Totals{
		{Currency: money.MustCurrency("COP"), Overdue: money.MustParse("10", "COP")},
		{Currency: money.MustCurrency("USD"), Overdue: money.MustParse("10", "USD")},
	}}
	notDue := &account.Summary{Totals: []account.Totals{{Currency: money.MustCurrency("BRL"), Overdue: money.Zero(money.MustCurrency("BRL"))}}}
	const head = `{"summary":"s","sentiment":"neutral","topics":["promise_to_pay"],"tags":[],"next_action":"wait","next_action_text":"t","promise":`
	tests := []struct {
		name    string
		promise string
		acct    *account.Summary
		want    money.Money
		wantErr string
	}{
		{"currency given", `{"amount":"20.5","currency":"usd","date":"2026-06-01"}`, copAccount(), money.MustParse("20.50", "USD"), ""},
		{"the overdue currency", `{"amount":"300000","currency":null,"date":"2026-06-01"}`, copAccount(), money.MustParse("300000", "COP"), ""},
		{"the one overdue currency of two", `{"amount":"5","currency":null,"date":"2026-06-01"}`, two, money.MustParse("5", "COP"), ""},
		{"the only currency, nothing overdue", `{"amount":"5","currency":"","date":"2026-06-01"}`, notDue, money.MustParse("5", "BRL"), ""},
		{"no amount: zero in the overdue currency", `{"amount":null,"currency":null,"date":"2026-06-01"}`, copAccount(), money.Zero(money.MustCurrency("COP")), ""},
		{"no amount, no account: the zero value", `{"amount":null,"currency":null,"date":"2026-06-01"}`, nil, money.Money{}, ""},
		{"amount, no currency to assume", `{"amount":"5","currency":null,"date":"2026-06-01"}`, nil, money.Money{}, "has no currency"},
		{"amount, two overdue currencies", `{"amount":"5","currency":null,"date":"2026-06-01"}`, both, money.Money{}, "has no currency"},
		{"unknown currency", `{"amount":"5","currency":"pesos","date":"2026-06-01"}`, copAccount(), money.Money{}, `"pesos" is not an ISO 4217 code`},
		{"too precise", `{"amount":"5.001","currency":"USD","date":"2026-06-01"}`, nil, money.Money{}, "more decimals"},
		{"thousands separator", `{"amount":"1.000.000","currency":"COP","date":"2026-06-01"}`, nil, money.Money{}, "not a decimal amount"},
		{"negative", `{"amount":"-5","currency":"COP","date":"2026-06-01"}`, nil, money.Money{}, "not a decimal amount"},
		{"exponent", `{"amount":"1e6","currency":"COP","date":"2026-06-01"}`, nil, money.Money{}, "not a decimal amount"},
		{"bad date", `{"amount":null,"currency":null,"date":"el viernes"}`, nil, money.Money{}, `"el viernes" is not YYYY-MM-DD`},
		{"impossible date", `{"amount":null,"currency":null,"date":"2026-02-30"}`, nil, money.Money{}, "is not YYYY-MM-DD"},
		{"missing date", `{"amount":null,"currency":null}`, nil, money.Money{}, "no date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, err := parseAnswer(head+tt.promise+"}", tt.acct)
			if tt.wantErr != "" {
				wantUnreadable(t, err, tt.wantErr)
				if a.Promise != nil || a.Summary != "" {
					t.Errorf("partial result %+v", a)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Promise == nil || !a.Promise.Amount.Equal(tt.want) || a.Promise.Date != date.MustParse("2026-06-01") {
				t.Errorf("promise = %+v, want %v on 2026-06-01", a.Promise, tt.want)
			}
		})
	}
}

func TestParseAnswerRejects(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 2001)
	tests := []struct {
		name, content, want string
	}{
		{"garbage", readFixture(t, "answer_garbage.txt"), "not the JSON object asked for"},
		{"enum violations", readFixture(t, "answer_bad_enum.json"), "sentiment angry is not positive"},
		{"empty object", `{}`, "missing next_action, next_action_text, sentiment, summary, topics"},
		{"null", `null`, "missing"},
		{"array", `[]`, "not the JSON object asked for"},
		{"cut off", `{"summary":"El cliente`, "the JSON ends early"},
		{"unknown property", `{"summary":"s","sentiment":"neutral","topics":["other"],"tags":[],"next_action":"wait","next_action_text":"t","promise":null,"mood":"x"}`, `unknown field "mood"`},
		{"wrong type", `{"summary":1}`, "property summary should be string"},
		{"text after", `{"summary":"s","sentiment":"neutral","topics":["other"],"tags":[],"next_action":"wait","next_action_text":"t","promise":null} and more`, "text after"},
		{"no topic", `{"summary":"s","sentiment":"neutral","topics":[],"tags":[],"next_action":"wait","next_action_text":"t","promise":null}`, "at least one topic"},
		{"blank summary", `{"summary":"  ","sentiment":"neutral","topics":["other"],"tags":[],"next_action":"wait","next_action_text":"t","promise":null}`, "summary is required"},
		{"summary too long", `{"summary":"` + long + `","sentiment":"neutral","topics":["other"],"tags":[],"next_action":"wait","next_action_text":"t","promise":null}`, "at most 2,000 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, err := parseAnswer(tt.content, copAccount())
			wantUnreadable(t, err, tt.want)
			if a.Summary != "" || a.Topics != nil || a.Promise != nil {
				t.Errorf("partial result %+v", a)
			}
		})
	}
}

func TestParseAnswerReportsEveryProblem(t *testing.T) {
	t.Parallel()
	_, err := parseAnswer(readFixture(t, "answer_bad_enum.json"), nil)
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("error = %v, want a domain error", err)
	}
	if len(de.Details()) != 3 {
		t.Errorf("details = %q, want the sentiment, the topic and the action", de.Details())
	}
}

func TestSchemaIsStrict(t *testing.T) {
	t.Parallel()
	var check func(path string, s map[string]any)
	check = func(path string, s map[string]any) {
		props, ok := s["properties"].(map[string]any)
		if !ok {
			return
		}
		if s["additionalProperties"] != false {
			t.Errorf("%s: additionalProperties is not false", path)
		}
		req, _ := s["required"].([]string)
		for name, p := range props {
			if !slices.Contains(req, name) {
				t.Errorf("%s.%s is not required", path, name)
			}
			check(path+"."+name, p.(map[string]any))
		}
		if len(req) != len(props) {
			t.Errorf("%s: required %v, properties %d", path, req, len(props))
		}
	}
	check("$", analysisSchema())
}

// FuzzParseAnswer feeds the reader arbitrary answers: it never panics, and
// it either fails with ErrUnreadableAnswer or returns a valid analysis.
func FuzzParseAnswer(f *testing.F) {
	files, err := filepath.Glob("testdata/answer_*")
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures in testdata: %v", err)
	}
	for _, name := range files {
		f.Add(readFixture(f, filepath.Base(name)))
	}
	for _, s := range []string{
		``, `null`, `{}`, `[]`, `{"promise":{}}`, `{"promise":{"amount":"1e400","currency":"USD","date":"2026-01-01"}}`,
		`{"summary":"s","sentiment":"neutral","topics":["other"],"tags":null,"next_action":"wait","next_action_text":"t","promise":{"amount":"99999999999999999999999999.99","currency":"COP","date":"9999-12-31"}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, content string) {
		a, err := parseAnswer(content, copAccount())
		if err != nil {
			if !errors.Is(err, ErrUnreadableAnswer) {
				t.Fatalf("error %v is not ErrUnreadableAnswer", err)
			}
			return
		}
		if err := a.Validate(); err != nil {
			t.Fatalf("accepted an invalid analysis: %v", err)
		}
	})
}
