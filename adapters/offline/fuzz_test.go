package offline_test

import (
	"context"
	"testing"

	"github.com/saldocrm/saldo/adapters/offline"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/ports"
)

// FuzzAnalyze feeds the analyzer arbitrary customer text (a message is
// outside input): it must never panic nor fail, the analysis must pass
// Validate with any promise dated today or later, and Draft must tidy the
// same text without failing.
func FuzzAnalyze(f *testing.F) {
	for _, path := range []string{"testdata/labelled.json", "testdata/holdout.json"} {
		for _, c := range loadLabelled(f, path).Conversations {
			for _, m := range c.Messages {
				f.Add(m.Text, c.Language)
			}
		}
	}
	for _, s := range []string{
		"", " ", "\n\n", "!!!???", "$", "R$", "US$", "1.2.3.4", "99999999999999999999999999 mil millones",
		"el 31 de febrero", "el 0", "dia 32", "12/31/9999", "0000-00-00", "el 15 de diciembre de 1999",
		"'''", "no no no no no", "jajaja sí claro 🙄🙄🙄", "\xff\xfe\xfd", "ç̧̧ã̃", "ＡＢＣ", "١٢٣ mil",
		"mañana mañana mañana pasado mañana", "segunda-feira segunda via", "$ ,5", "R$ 1.,0", ".5k", "5,,5",
	} {
		f.Add(s, "es")
	}
	today := date.MustParse("2026-12-30")
	a := offline.New()
	f.Fuzz(func(t *testing.T, text, lang string) {
		in := ports.AnalysisInput{
			Language: lang, CustomerName: "Ana", Today: today, Account: usd,
			Messages: []ports.AnalysisMessage{{From: ports.SpeakerAgent, Text: "¿Puede pagar el viernes?"}, {From: ports.SpeakerCustomer, Text: text}},
		}
		for _, acc := range []bool{true, false} {
			if !acc {
				in.Account = nil
			}
			got, err := a.Analyze(context.Background(), in)
			if err != nil {
				t.Fatalf("Analyze(%q): %v", text, err)
			}
			if err := got.Validate(); err != nil {
				t.Fatalf("Analyze(%q) is invalid: %v", text, err)
			}
			if got.Promise != nil && got.Promise.Date.Before(today) {
				t.Fatalf("Analyze(%q) promised for %s, before today", text, got.Promise.Date)
			}
			if _, err := a.Draft(context.Background(), in, text); err != nil {
				t.Fatalf("Draft(%q): %v", text, err)
			}
		}
	})
}
