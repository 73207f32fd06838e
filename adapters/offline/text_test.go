package offline

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"  Ya PAGUÉ   la factura!! ", "ya pague la factura"},
		{"Não reconheço essa cobrança", "nao reconheco essa cobranca"},
		{"¿Cuánto debo?\n\nGracias", "cuanto debo gracias"},
		{"I'll pay, don’t worry", "ill pay dont worry"},
		{"sexta-feira", "sexta feira"},
		{"Señor Muñoz", "senor munoz"},
		{"R$ 1.540,00", "r $ 1.540,00"},
		{"de\u0301bito", "debito"}, // a decomposed accent
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, normalize(tt.in))
		})
	}
}

func TestTokenize(t *testing.T) {
	t.Parallel()
	toks := tokenize("Pagué FV-2231, 15/04 y $1.250.000!")
	var texts []string
	for _, tk := range toks {
		texts = append(texts, tk.text)
	}
	assert.Equal(t, []string{"pague", "fv", "2231", ",", "15/04", "y", "$", "1.250.000", "!"}, texts)
	assert.Equal(t, "pagué", toks[0].acc, "the accent is kept where the tense hides")
	assert.True(t, toks[2].glued, "FV-2231 is one identifier")
	assert.True(t, toks[7].glued && toks[7].num, "$1.250.000 is one amount")
	assert.True(t, toks[8].sentenceEnd())
	assert.True(t, toks[3].brk == ',' && !toks[3].sentenceEnd())
}

func TestDetect(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, want string }{
		{"Hola, le pago el viernes sin falta", es},
		{"Ya pagué, les mando el comprobante", es},
		{"Oi, vou pagar dia 25 quando cair meu salário", pt},
		{"Não reconheço essa cobrança", pt},
		{"Sem problemas", pt},
		{"I'll pay next Monday, is that ok?", en},
		{"Thanks for the reminder!", en},
		{"ok", ""},
		{"👍", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, detect(tokenize(tt.text)))
		})
	}
}

func TestPatternMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, text string
		want          bool
	}{
		{"no ~ reconozco", "no la reconozco", true},
		{"no ~ reconozco", "no reconozco", true},
		{"no ~ reconozco", "no, la reconozco", false}, // a clause break stops a phrase
		{"no ~ reconozco", "no se si la reconozco", false},
		{"jaja* si claro", "jajajaja sí claro", true},
		{"=pagué", "pagué", true},
		{"=pagué", "pague", false},
		{"pago #", "pago 500", true},
		{"i'll pay", "Ill pay", true},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+"/"+tt.text, func(t *testing.T) {
			t.Parallel()
			_, ok := compile(tt.pattern).matchAt(tokenize(tt.text), 0)
			assert.Equal(t, tt.want, ok)
		})
	}
}

// TestSentimentScore checks the weights a message gets: intensifiers,
// negation, exclamation and capitals.
func TestSentimentScore(t *testing.T) {
	t.Parallel()
	score := func(text, lng string) float64 {
		return read("customer", text, tokenize(text), lng, date0).score
	}
	assert.Less(t, score("estoy muy molesto", es), score("estoy molesto", es), "an intensifier strengthens")
	assert.Greater(t, score("no estoy molesto", es), 0.0, "a negated complaint is a little good")
	assert.Less(t, score("no estoy molesto", es), 0.75, "but not positive")
	assert.Less(t, score("no estoy contento", es), 0.0, "negated praise is negative")
	assert.Less(t, score("ESTO ES UN ABUSO!!", es), score("esto es un abuso", es), "shouting makes a complaint worse")
	assert.Equal(t, score("gracias", es), score("GRACIAS!!", es), "shouting a thank-you changes nothing")
	assert.Greater(t, score("no, gracias", es), 0.0, "a clause break stops a negation")
	assert.Less(t, score("Wow, great service, charged twice again", en), 0.0, "praise next to a complaint is sarcasm")
}
