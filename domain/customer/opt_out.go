package customer

import (
	"strings"
	"unicode"
)

// Intent is what an inbound message asks of the customer's WhatsApp messages.
type Intent int

// The intents a message can carry.
const (
	NoIntent Intent = iota // an ordinary message
	OptOutIntent
	OptInIntent
)

// The keywords customers actually send (Spanish, Portuguese, English).
var (
	DefaultOptOutKeywords = []string{"STOP", "BAJA", "PARAR", "SAIR", "CANCELAR"}
	DefaultOptInKeywords  = []string{"START", "ALTA"}
)

// Keywords are the messages that opt a customer out of WhatsApp messages or
// back in. A message matches when the whole of it is a keyword, in any case,
// with or without accents, with surrounding spaces and punctuation ignored:
// "  Bája. " is BAJA, "no quiero cancelar la factura" is no keyword.
type Keywords struct {
	optOut map[string]bool
	optIn  map[string]bool
}

// NewKeywords returns the keywords; empty entries are ignored. A word in both
// lists opts out: the safer reading.
func NewKeywords(optOut, optIn []string) Keywords {
	k := Keywords{optOut: map[string]bool{}, optIn: map[string]bool{}}
	for _, w := range optOut {
		if n := NormalizeKeyword(w); n != "" {
			k.optOut[n] = true
		}
	}
	for _, w := range optIn {
		if n := NormalizeKeyword(w); n != "" && !k.optOut[n] {
			k.optIn[n] = true
		}
	}
	return k
}

// DefaultKeywords returns STOP, BAJA, PARAR, SAIR, CANCELAR and START, ALTA.
func DefaultKeywords() Keywords { return NewKeywords(DefaultOptOutKeywords, DefaultOptInKeywords) }

// SplitKeywords reads a comma-separated list ("STOP, BAJA,parar").
func SplitKeywords(s string) []string {
	var out []string
	for _, w := range strings.Split(s, ",") {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// Match tells whether text, the whole message, is an opt-out or opt-in keyword.
func (k Keywords) Match(text string) Intent {
	n := NormalizeKeyword(text)
	switch {
	case n == "":
		return NoIntent
	case k.optOut[n]:
		return OptOutIntent
	case k.optIn[n]:
		return OptInIntent
	}
	return NoIntent
}

// NormalizeKeyword folds s for comparison: accents removed, lower case,
// runs of spaces made one, spaces and punctuation trimmed from both ends.
func NormalizeKeyword(s string) string {
	var b strings.Builder
	for _, r := range s {
		if f, ok := unaccent[r]; ok {
			r = f
		}
		b.WriteRune(unicode.ToLower(r))
	}
	words := strings.Fields(b.String())
	joined := strings.Join(words, " ")
	return strings.TrimFunc(joined, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
}

// unaccent maps the accented letters of Spanish, Portuguese and their
// neighbours to their base letter.
var unaccent = func() map[rune]rune {
	m := map[rune]rune{}
	for base, accented := range map[rune]string{
		'a': "áàâãäåāă", 'A': "ÁÀÂÃÄÅĀĂ",
		'e': "éèêëēė", 'E': "ÉÈÊËĒĖ",
		'i': "íìîïī", 'I': "ÍÌÎÏĪ",
		'o': "óòôõöōø", 'O': "ÓÒÔÕÖŌØ",
		'u': "úùûüū", 'U': "ÚÙÛÜŪ",
		'c': "ç", 'C': "Ç", 'n': "ñ", 'N': "Ñ", 'y': "ýÿ", 'Y': "Ý",
	} {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()
