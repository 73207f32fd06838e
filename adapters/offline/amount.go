package offline

import (
	"strings"

	"github.com/shopspring/decimal"
)

// amountHit is an amount of money a message names.
type amountHit struct {
	start, end int
	value      decimal.Decimal // the amount; zero for a share
	cur        string          // the ISO code the text named ("R$", "reais", "US$"), "" when none
	share      decimal.Decimal // "la mitad" (0.5), "todo" (1): a share of what is owed; zero otherwise
	weak       bool            // a bare small number ("pago 300"): an amount only next to a promise
}

var (
	thousand = decimal.NewFromInt(1000)
	million  = decimal.NewFromInt(1_000_000)
	// tooLarge bounds what is read as an amount (phone numbers, IDs).
	tooLarge = decimal.NewFromInt(1_000_000_000_000)
)

// multipliers follow a number: "500 mil", "1,5 millones", "300k", "20 lucas".
var multipliers = map[string]decimal.Decimal{
	"mil": thousand, "k": thousand, "lucas": thousand, "luquitas": thousand,
	"millon": million, "millones": million, "milhao": million, "milhoes": million, "million": million,
	"millions": million, "mm": million, "palos": million,
}

// currencyWords name a currency after or before a number; "" is the
// account's own ("pesos" is COP, MXN, CLP or ARS).
var currencyWords = map[string]string{
	"pesos": "", "peso": "", "reais": "BRL", "real": "BRL", "brl": "BRL", "dolares": "USD", "dolar": "USD",
	"dollars": "USD", "dollar": "USD", "bucks": "USD", "usd": "USD", "cop": "COP", "mxn": "MXN", "euros": "EUR", "eur": "EUR",
}

// notAmount are words before a number that make it an identifier.
var notAmount = set(`factura fatura invoice número numero nro no n ref referencia cuenta conta documento cédula cedula cc nit cpf cnpj pedido order`)

// spokenAmounts are amounts said in words.
var spokenAmounts = []struct {
	pat   pattern
	value decimal.Decimal
}{
	{compile("medio millón"), decimal.NewFromInt(500_000)},
	{compile("meio milhão"), decimal.NewFromInt(500_000)},
	{compile("half a million"), decimal.NewFromInt(500_000)},
	{compile("un millón"), million},
	{compile("um milhão"), million},
	{compile("a million"), million},
	{compile("one million"), million},
}

// shares are parts of what is owed said instead of an amount.
var shares = []struct {
	pat   pattern
	share decimal.Decimal
}{
	{compile("la mitad"), decimal.NewFromFloat(0.5)},
	{compile("metade"), decimal.NewFromFloat(0.5)},
	{compile("half"), decimal.NewFromFloat(0.5)},
	{compile("todo"), decimal.NewFromInt(1)},
	{compile("tudo"), decimal.NewFromInt(1)},
	{compile("el total"), decimal.NewFromInt(1)},
	{compile("el saldo"), decimal.NewFromInt(1)},
	{compile("the full"), decimal.NewFromInt(1)},
	{compile("in full"), decimal.NewFromInt(1)},
	{compile("everything"), decimal.NewFromInt(1)},
	{compile("the whole"), decimal.NewFromInt(1)},
}

// findAmounts returns the amounts toks name, in order.
func findAmounts(toks []token) []amountHit {
	var out []amountHit
	for i := 0; i < len(toks); i++ {
		if h, ok := amountAt(toks, i); ok {
			out = append(out, h)
			i = h.end - 1
		}
	}
	return out
}

func amountAt(toks []token, i int) (amountHit, bool) {
	word := func(k int) string {
		if k < 0 || k >= len(toks) || !toks[k].word() {
			return ""
		}
		return toks[k].text
	}
	t := toks[i]
	if !t.num {
		for _, s := range spokenAmounts {
			if end, ok := s.pat.matchAt(toks, i); ok {
				h := amountHit{start: i, end: end, value: s.value}
				if c, ok := currencyWords[word(end)]; ok {
					h.cur, h.end = c, end+1
				}
				return h, true
			}
		}
		for _, s := range shares {
			if end, ok := s.pat.matchAt(toks, i); ok {
				return amountHit{start: i, end: end, share: s.share}, true
			}
		}
		return amountHit{}, false
	}
	if strings.ContainsAny(t.text, "/:-") {
		return amountHit{}, false
	}
	value, grouped, ok := parseNumber(t.text)
	if !ok {
		return amountHit{}, false
	}
	h := amountHit{start: i, end: i + 1, value: value}
	marked := false
	// A sign or code before: "$ 500", "R$300,00", "US$ 20", "COP 1.000.000".
	switch prev := word(i - 1); {
	case prev == "$" || prev == "€" || prev == "£":
		marked, h.start = true, i-1
		switch {
		case prev == "€":
			h.cur = "EUR"
		case prev == "£":
			h.cur = "GBP"
		case word(i-2) == "r" && toks[i-1].glued:
			h.cur, h.start = "BRL", i-2
		case word(i-2) == "us" && toks[i-1].glued:
			h.cur, h.start = "USD", i-2
		}
	case currencyWords[prev] != "":
		marked, h.cur, h.start = true, currencyWords[prev], i-1
	case notAmount[prev] || (i > 0 && t.glued && toks[i-1].word() && !toks[i-1].num):
		return amountHit{}, false // "factura 2231", "FV-2231"
	}
	if ordinalSuffix[word(i+1)] && i+1 < len(toks) && toks[i+1].glued {
		return amountHit{}, false // "15th", "1º"
	}
	multiplied := false
	if m, ok := multipliers[word(h.end)]; ok {
		h.value, h.end, multiplied = h.value.Mul(m), h.end+1, true
		if m.Equal(thousand) && (word(h.end) == "millones" || word(h.end) == "milhoes") {
			h.value, h.end = h.value.Mul(million), h.end+1
		}
	}
	if _, ok := currencyWords[word(h.end+1)]; ok && word(h.end) == "de" {
		h.end++ // "500 mil de pesos"
	}
	if c, ok := currencyWords[word(h.end)]; ok {
		marked, h.end = true, h.end+1
		if c != "" {
			h.cur = c
		}
	}
	if !marked && !multiplied && !grouped {
		// A bare number: not a year nor a phone; below a thousand, a weak
		// amount unless it counts days, shares or instalments ("el 15",
		// "3 cuotas", "10 %").
		digits := len(strings.TrimLeft(t.text, "0"))
		year := value.GreaterThanOrEqual(decimal.NewFromInt(1900)) && value.LessThanOrEqual(decimal.NewFromInt(2100)) && value.IsInteger()
		if year || digits >= 8 {
			return amountHit{}, false
		}
		if value.LessThan(thousand) {
			if dayWords[word(i-1)] || notDay[word(h.end)] {
				return amountHit{}, false
			}
			h.weak = true
		}
	}
	if !h.value.IsPositive() || h.value.GreaterThan(tooLarge) {
		return amountHit{}, false
	}
	return h, true
}

// parseNumber reads "1.250.000", "1,250.50", "300,00", "1.5", "2500".
// grouped tells whether thousands were separated, which marks an amount.
func parseNumber(s string) (value decimal.Decimal, grouped, ok bool) {
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	var intPart, frac string
	switch {
	case dots > 0 && commas > 0:
		point := "."
		thousands := ","
		if strings.LastIndex(s, ",") > strings.LastIndex(s, ".") {
			point, thousands = ",", "."
		}
		var found bool
		intPart, frac, found = strings.Cut(s, point)
		if !found || strings.Contains(frac, thousands) || strings.Contains(frac, point) {
			return decimal.Decimal{}, false, false
		}
		if !groupsOfThree(intPart, thousands) {
			return decimal.Decimal{}, false, false
		}
		intPart, grouped = strings.ReplaceAll(intPart, thousands, ""), true
	case dots+commas > 1:
		sep := "."
		if commas > 0 {
			sep = ","
		}
		if !groupsOfThree(s, sep) {
			return decimal.Decimal{}, false, false
		}
		intPart, grouped = strings.ReplaceAll(s, sep, ""), true
	case dots+commas == 1:
		sep := "."
		if commas > 0 {
			sep = ","
		}
		before, after, _ := strings.Cut(s, sep)
		if len(after) == 3 && before != "0" {
			intPart, grouped = before+after, true
		} else {
			intPart, frac = before, after
		}
	default:
		intPart = s
	}
	n := intPart
	if frac != "" {
		n += "." + frac
	}
	d, err := decimal.NewFromString(n)
	if err != nil {
		return decimal.Decimal{}, false, false
	}
	return d, grouped, true
}

// groupsOfThree reports whether s is digits grouped by sep in threes after
// the first group ("1.250.000").
func groupsOfThree(s, sep string) bool {
	parts := strings.Split(s, sep)
	if len(parts[0]) == 0 || len(parts[0]) > 3 {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return false
		}
	}
	return true
}
