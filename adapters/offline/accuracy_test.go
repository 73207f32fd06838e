package offline_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/offline"
	"github.com/saldocrm/saldo/domain/account"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/insight"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/ports"
)

// labelled is testdata/labelled.json: conversations labelled by hand
// before the rules were written.
type labelled struct {
	Today         string `json:"today"`
	Conversations []struct {
		ID            string   `json:"id"`
		Language      string   `json:"language"`
		Sentiment     string   `json:"sentiment"`
		Topics        []string `json:"topics"`
		PromiseDate   string   `json:"promise_date"`
		PromiseAmount string   `json:"promise_amount"`
		Note          string   `json:"note"`
		Messages      []struct {
			From string `json:"from"`
			Text string `json:"text"`
		} `json:"messages"`
	} `json:"conversations"`
}

func loadLabelled(t testing.TB, path string) labelled {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var l labelled
	require.NoError(t, json.Unmarshal(b, &l))
	require.NotEmpty(t, l.Conversations)
	return l
}

// labelDate resolves a label's relative day: "+3d", a weekday (the next one
// after today), "day:15" (the next 15th, today counting) or "date:12-15".
func labelDate(t testing.TB, today date.Date, label string) date.Date {
	t.Helper()
	if n, ok := strings.CutPrefix(label, "+"); ok {
		days, err := strconv.Atoi(strings.TrimSuffix(n, "d"))
		require.NoError(t, err, label)
		return today.AddDays(days)
	}
	if n, ok := strings.CutPrefix(label, "day:"); ok {
		day, err := strconv.Atoi(n)
		require.NoError(t, err, label)
		for d := today; ; d = d.AddDays(1) {
			if d.Time().Day() == day {
				return d
			}
		}
	}
	if md, ok := strings.CutPrefix(label, "date:"); ok {
		d, err := date.Parse(today.Time().Format("2006") + "-" + md)
		require.NoError(t, err, label)
		if d.Before(today) {
			d, err = date.Parse(today.AddDays(366).Time().Format("2006") + "-" + md)
			require.NoError(t, err, label)
		}
		return d
	}
	for d := today.AddDays(1); ; d = d.AddDays(1) {
		if strings.EqualFold(d.Time().Weekday().String(), label) {
			return d
		}
		require.True(t, d.Before(today.AddDays(8)), "unknown promise_date label %q", label)
	}
}

// labelledAccount is what each customer owes in the labelled set: an
// overdue total in the currency of the conversation's country.
func labelledAccount(lang string, today date.Date) *account.Summary {
	amount, code, invoices := "1250000", "COP", 2
	switch lang {
	case "pt":
		amount, code, invoices = "1540", "BRL", 3
	case "en":
		amount, code, invoices = "120", "USD", 1
	}
	total := money.MustParse(amount, code)
	s := &account.Summary{Totals: []account.Totals{{Currency: total.Currency(), Balance: total, Overdue: total, Credit: money.Zero(total.Currency())}}}
	for i := range invoices {
		s.OverdueInvoices = append(s.OverdueInvoices, account.OverdueInvoice{
			Number: fmt.Sprintf("F-%d", i+1), DueDate: today.AddDays(-30 * (i + 1)), DaysOverdue: 30 * (i + 1),
			Balance: total, // figures only; the analyzer counts them
		})
	}
	return s
}

func labelledInput(lang string, msgs []ports.AnalysisMessage, today date.Date) ports.AnalysisInput {
	names := map[string]string{"es": "Carlos Rodríguez", "pt": "Ana Souza", "en": "Peter Brown"}
	return ports.AnalysisInput{Language: lang, CustomerName: names[lang], Messages: msgs, Account: labelledAccount(lang, today), Today: today}
}

// tally counts what an analyzer got right on a labelled set.
type tally struct {
	n, sentiment, topic, promises, promiseDate, falsePromise int
	amounts, amountOK                                        int
}

func pct(a, b int) float64 {
	if b == 0 {
		return 100
	}
	return 100 * float64(a) / float64(b)
}

func (x tally) String() string {
	return fmt.Sprintf("n=%2d  sentiment %5.1f%% (%d/%d)  topics %5.1f%% (%d/%d)  promise date %5.1f%% (%d/%d), false promises %d, amounts %d/%d",
		x.n, pct(x.sentiment, x.n), x.sentiment, x.n, pct(x.topic, x.n), x.topic, x.n,
		pct(x.promiseDate, x.promises), x.promiseDate, x.promises, x.falsePromise, x.amountOK, x.amounts)
}

// measure runs the analyzer over the labelled set at path, prints the
// figures (overall and by language) and the misses, and returns the totals.
func measure(t *testing.T, name, path string) tally {
	t.Helper()
	l := loadLabelled(t, path)
	today := date.MustParse(l.Today)
	a := offline.New()
	var total tally
	byLang := map[string]*tally{}
	var misses []string
	for _, c := range l.Conversations {
		msgs := make([]ports.AnalysisMessage, len(c.Messages))
		at := today.StartIn(time.UTC).Add(9 * time.Hour)
		for i, m := range c.Messages {
			msgs[i] = ports.AnalysisMessage{From: ports.Speaker(m.From), Text: m.Text, At: at.Add(time.Duration(i) * time.Minute)}
		}
		got, err := a.Analyze(context.Background(), labelledInput(c.Language, msgs, today))
		require.NoError(t, err, c.ID)
		require.NoError(t, got.Validate(), c.ID)

		tl := byLang[c.Language]
		if tl == nil {
			tl = &tally{}
			byLang[c.Language] = tl
		}
		count := func(f func(x *tally)) { f(&total); f(tl) }
		count(func(x *tally) { x.n++ })
		if string(got.Sentiment) == c.Sentiment {
			count(func(x *tally) { x.sentiment++ })
		} else {
			misses = append(misses, fmt.Sprintf("%s sentiment: got %s, want %s", c.ID, got.Sentiment, c.Sentiment))
		}
		if slices.Contains(got.Topics, insight.Topic(c.Topics[0])) {
			count(func(x *tally) { x.topic++ })
		} else {
			misses = append(misses, fmt.Sprintf("%s topics: got %v, want %v", c.ID, got.Topics, c.Topics))
		}
		switch {
		case c.PromiseDate != "":
			count(func(x *tally) { x.promises++ })
			want := labelDate(t, today, c.PromiseDate)
			if got.Promise != nil && got.Promise.Date.Equal(want) {
				count(func(x *tally) { x.promiseDate++ })
			} else {
				gotDate := "none"
				if got.Promise != nil {
					gotDate = got.Promise.Date.String()
				}
				misses = append(misses, fmt.Sprintf("%s promise: got %s, want %s (%s)", c.ID, gotDate, want, c.PromiseDate))
			}
			if c.PromiseAmount != "" {
				count(func(x *tally) { x.amounts++ })
				want := money.MustParse(c.PromiseAmount, labelledAccount(c.Language, today).Totals[0].Currency.Code())
				if got.Promise != nil && got.Promise.Amount.Equal(want) {
					count(func(x *tally) { x.amountOK++ })
				} else {
					misses = append(misses, fmt.Sprintf("%s promise amount: want %s", c.ID, want))
				}
			}
		case got.Promise != nil:
			count(func(x *tally) { x.falsePromise++ })
			misses = append(misses, fmt.Sprintf("%s promise: got %s, want none", c.ID, got.Promise.Date))
		}
	}
	lines := []string{fmt.Sprintf("%-8s all %s", name, total)}
	for _, lang := range []string{"es", "pt", "en"} {
		if x, ok := byLang[lang]; ok {
			lines = append(lines, fmt.Sprintf("%-8s %s  %s", name, lang, *x))
		}
	}
	for _, m := range misses {
		lines = append(lines, fmt.Sprintf("%-8s miss: %s", name, m))
	}
	for _, s := range lines {
		t.Log(s)
		fmt.Println("offline accuracy:", s)
	}
	return total
}

// TestAccuracy measures the analyzer on the labelled conversations and
// fails below 80 % sentiment and 70 % topic accuracy. A conversation's
// topic counts when its primary expected topic is among the analysis'
// topics. It also prints the figures on the held-out set, which the rules
// were never tuned on, as an estimate for unseen conversations. Run with
// -v to see the figures and the misses.
func TestAccuracy(t *testing.T) {
	t.Parallel()
	total := measure(t, "labelled", "testdata/labelled.json")
	require.GreaterOrEqual(t, total.n, 60)
	if got := pct(total.sentiment, total.n); got < 80 {
		t.Errorf("sentiment accuracy %.1f%% is below 80%%", got)
	}
	if got := pct(total.topic, total.n); got < 70 {
		t.Errorf("topic accuracy %.1f%% is below 70%%", got)
	}
	measure(t, "holdout", "testdata/holdout.json")
}
