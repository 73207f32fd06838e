package money

import "strings"

var symbols = map[string]string{"COP": "$", "MXN": "$", "USD": "US$", "BRL": "R$", "EUR": "€", "CLP": "$", "PEN": "S/", "ARS": "$", "GBP": "£"}

// Format writes m the way a reader of lang ("es", "pt" or "en") expects:
// "$ 1.250.000,00 COP", "R$ 1.234,50", "US$1,234.50". Currencies that
// share the "$" sign carry their code, so a Colombian and a Mexican amount
// are never confused.
func (m Money) Format(lang string) string {
	code := m.currency.code
	num := groupDigits(m.amount.Abs().StringFixed(m.currency.minor), lang)
	sign := ""
	if m.IsNegative() {
		sign = "-"
	}
	sym, ok := symbols[code]
	if !ok {
		return sign + num + " " + code
	}
	sep := " "
	if lang == "en" {
		sep = ""
	}
	out := sign + sym + sep + num
	if sym == "$" {
		out += " " + code
	}
	return out
}

func groupDigits(s, lang string) string {
	thousands, point := ".", ","
	if lang == "en" {
		thousands, point = ",", "."
	}
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		return b.String() + point + frac
	}
	return b.String()
}
