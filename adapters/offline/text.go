package offline

import (
	"strings"
	"unicode"
)

// token is a word, a number, a symbol or a clause break of a message.
type token struct {
	text  string // lower case, accents stripped ("pagué" → "pague")
	acc   string // lower case with accents, where the tense hides ("pagué" vs "pague")
	brk   rune   // for a clause break: '.', ',', '?', '!', ';', ':', and '¿' '¡' opening one (0 otherwise)
	num   bool   // starts with a digit
	glued bool   // written right after the previous token, without a space
}

func (t token) word() bool { return t.brk == 0 }

// sentenceEnd reports whether t ends a sentence (a comma only ends a clause).
func (t token) sentenceEnd() bool {
	switch t.brk {
	case '.', '?', '!', ';', '¿', '¡':
		return true
	}
	return false
}

// maxRunes bounds the text read from one message: long pastes (a contract,
// a chain letter) say nothing more about a collection than their start.
const maxRunes = 4000

// fold maps a lower-case rune to its letter without the accent.
func fold(r rune) rune {
	switch r {
	case 'á', 'à', 'â', 'ã', 'ä', 'å':
		return 'a'
	case 'é', 'è', 'ê', 'ë':
		return 'e'
	case 'í', 'ì', 'î', 'ï':
		return 'i'
	case 'ó', 'ò', 'ô', 'õ', 'ö':
		return 'o'
	case 'ú', 'ù', 'û', 'ü':
		return 'u'
	case 'ç':
		return 'c'
	case 'ñ':
		return 'n'
	}
	return r
}

// normalize returns s in lower case, without accents, with its words
// separated by single spaces; punctuation is dropped.
func normalize(s string) string {
	toks := tokenize(s)
	words := make([]string, 0, len(toks))
	for _, t := range toks {
		if t.word() {
			words = append(words, t.text)
		}
	}
	return strings.Join(words, " ")
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == '`' }

// isEmoji reports whether r is a pictograph worth a token of its own.
func isEmoji(r rune) bool {
	return unicode.Is(unicode.So, r) || (r >= 0x1F000 && r <= 0x1FAFF)
}

// breaks are the punctuation marks that end a clause; ¿ and ¡ open one.
const breaks = ".,;:!?¿¡…()"

// tokenize splits s into tokens. Numbers keep their inner separators
// ("1.250.000", "300,00", "15/04"); apostrophes inside words are dropped
// ("I'll" → "ill"); a line break ends a sentence.
func tokenize(s string) []token {
	rs := []rune(s)
	if len(rs) > maxRunes {
		rs = rs[:maxRunes]
	}
	var toks []token
	spaced := true
	add := func(t token) {
		t.glued = !spaced && len(toks) > 0
		toks = append(toks, t)
		spaced = false
	}
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case r == '\n':
			add(token{text: ".", brk: '.'})
			spaced = true
			i++
		case unicode.IsSpace(r):
			spaced = true
			i++
		case isDigit(r):
			j := i + 1
			for j < len(rs) && (isDigit(rs[j]) || (strings.ContainsRune(".,:/-", rs[j]) && j+1 < len(rs) && isDigit(rs[j+1]))) {
				j++
			}
			n := string(rs[i:j])
			add(token{text: n, acc: n, num: true})
			i = j
		case unicode.IsLetter(r):
			var plain, accented strings.Builder
			j := i
		word:
			for ; j < len(rs); j++ {
				switch c := rs[j]; {
				case unicode.IsLetter(c):
					lc := unicode.ToLower(c)
					accented.WriteRune(lc)
					plain.WriteRune(fold(lc))
				case unicode.Is(unicode.Mn, c):
					// A combining accent (decomposed text): part of the letter.
				case isApostrophe(c) && j+1 < len(rs) && unicode.IsLetter(rs[j+1]):
					// "don't", "I'll": one word without the apostrophe.
				default:
					break word
				}
			}
			add(token{text: plain.String(), acc: accented.String()})
			i = j
		case strings.ContainsRune(breaks, r):
			b := r
			if r == '…' || r == '(' || r == ')' {
				b = '.'
			}
			add(token{text: string(b), brk: b})
			i++
		case r == '$' || r == '€' || r == '£' || r == '%' || r == '#' || isEmoji(r):
			add(token{text: string(r), acc: string(r)})
			i++
		default:
			// Quotes, dashes, slashes, variation selectors: no token, and
			// no space either ("FV-2231" stays glued).
			i++
		}
	}
	return toks
}

// pword is one word of a pattern.
type pword struct {
	s      string
	prefix bool // "pag*": any word starting with "pag"
	gap    bool // "~": zero to two words
	num    bool // "#": any number
	exact  bool // "=pagué": the word with its accents
}

func (w pword) matches(t token) bool {
	switch {
	case w.num:
		return t.num
	case w.exact:
		return t.acc == w.s
	case w.prefix:
		return strings.HasPrefix(t.text, w.s)
	}
	return t.text == w.s
}

// pattern is a phrase to look for: words as they are normalised, with "*"
// ending a prefix, "~" for up to two words in between, "#" for a number and
// "=" starting a word whose accents matter ("=pagué", past, is not "pague").
type pattern []pword

// compile reads a pattern written naturally ("não reconheço", "i'll pay",
// "ya ~ pagué").
func compile(p string) pattern {
	var out pattern
	for f := range strings.FieldsSeq(p) {
		switch f {
		case "~":
			out = append(out, pword{gap: true})
			continue
		case "#":
			out = append(out, pword{num: true})
			continue
		}
		if exact, ok := strings.CutPrefix(f, "="); ok {
			out = append(out, pword{s: strings.ToLower(exact), exact: true})
			continue
		}
		prefix := strings.HasSuffix(f, "*")
		for _, t := range tokenize(strings.TrimSuffix(f, "*")) {
			if t.word() {
				out = append(out, pword{s: t.text})
			}
		}
		if prefix && len(out) > 0 {
			out[len(out)-1].prefix = true
		}
	}
	return out
}

// matchAt reports where the pattern ends when it matches toks at i. A match
// never crosses a clause break.
func (p pattern) matchAt(toks []token, i int) (int, bool) {
	if len(p) == 0 {
		return i, true
	}
	w := p[0]
	if w.gap {
		for skip := 0; skip <= 2; skip++ {
			if end, ok := p[1:].matchAt(toks, i+skip); ok {
				return end, true
			}
			if i+skip >= len(toks) || !toks[i+skip].word() {
				break
			}
		}
		return 0, false
	}
	if i >= len(toks) || !toks[i].word() || !w.matches(toks[i]) {
		return 0, false
	}
	return p[1:].matchAt(toks, i+1)
}

// The languages an analysis reads and writes.
const (
	es = "es"
	pt = "pt"
	en = "en"
)

var languages = []string{es, pt, en}

// lang returns l when it is a supported language, Spanish otherwise.
func lang(l string) string {
	switch l = strings.ToLower(strings.TrimSpace(l)); l {
	case es, pt, en:
		return l
	}
	if strings.HasPrefix(l, "pt") {
		return pt
	}
	if strings.HasPrefix(l, "en") {
		return en
	}
	return es
}

// detect returns the language most of the words of toks belong to, counting
// only words that belong to one language; "" when no language leads.
func detect(toks []token) string {
	score := map[string]int{}
	for _, t := range toks {
		if !t.word() || t.num {
			continue
		}
		if l, ok := vocabulary[t.text]; ok && l != "" {
			score[l]++
		}
	}
	best, bestN, tie := "", 0, false
	for _, l := range languages {
		switch n := score[l]; {
		case n > bestN:
			best, bestN, tie = l, n, false
		case n == bestN && n > 0:
			tie = true
		}
	}
	if tie {
		return ""
	}
	return best
}
