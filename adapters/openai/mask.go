package openai

import (
	"regexp"
	"strconv"
	"strings"
)

// The placeholders that replace what must not leave Saldo. The prompts tell
// the model what they mean.
const (
	maskCard     = "[card]"
	maskCVV      = "[cvv]"
	maskEmail    = "[email]"
	maskNumber   = "[number]"
	maskPassword = "[password]"
)

var (
	// A password is the word after "contraseña:", "senha =", "my password
	// is"…; "clave" and "pin" only count with a colon or an equals sign,
	// because "la clave es que…" is common Spanish.
	passwordRe = regexp.MustCompile(`(?i)\b((?:contraseña|contrasena|senha|password|passwd)(?:\s*[:=]\s*|\s+(?:es|é|is)\s+))\S+`)
	pinRe      = regexp.MustCompile(`(?i)\b((?:clave|pin)\s*[:=]\s*)\S+`)
	// A card's security code: three or four digits after its name.
	cvvRe   = regexp.MustCompile(`(?i)\b((?:cvv2?|cvc2?|cvn|c[oó]digo de seguridad|c[oó]digo de seguran[cç]a|security code)\s*[:=]?\s*(?:(?:es|é|is)\s+)?)\d{3,4}\b`)
	emailRe = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
	// An IBAN as printed: country, check digits and groups of four.
	ibanRe = regexp.MustCompile(`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b`)
	// Digit groups joined by single spaces or dashes, the way card numbers
	// are written ("4111 1111 1111 1111", "4111-1111-…").
	digitRunRe = regexp.MustCompile(`\d+(?:[ -]\d+)*`)
	digitsRe   = regexp.MustCompile(`\d+`)
	// Ten or more digits in a row: bank accounts, document numbers. A
	// leading "+" marks a phone number, which is kept.
	longDigitsRe = regexp.MustCompile(`\+?\d{10,}`)
)

// mask hides what must not be sent to the model: card numbers (13 to 19
// digits, spaces or dashes allowed, that pass the Luhn check), security
// codes after "cvv", "cvc" or "código de seguridad", e-mail addresses,
// IBANs and runs of ten or more digits that are not written as a phone
// number (bank accounts, national IDs), and the password after
// "contraseña", "senha" or "password" followed by ":" or "is". Formatted
// phone numbers ("+57 300 123 4567", "+5491123456789"), amounts and dates
// are kept: the model needs them.
func mask(s string) string {
	out, _ := maskKeeping(s)
	return out
}

// hidden maps each placeholder to what it replaced, in order of appearance.
type hidden map[string][]string

// restore puts back, for each kind of placeholder, what it hid in the
// agent's draft, provided text holds exactly as many placeholders of that
// kind as the draft did (otherwise some come from elsewhere and the order
// cannot be trusted, so they stay).
func (h hidden) restore(text string) string {
	for placeholder, originals := range h {
		if strings.Count(text, placeholder) != len(originals) {
			continue
		}
		for _, o := range originals {
			text = strings.Replace(text, placeholder, o, 1)
		}
	}
	return text
}

// Sentinels mark what has been hidden while the passes run, so that a later
// pass cannot match inside an earlier replacement and the originals can be
// listed in the order they appear. They are private-use characters, removed
// from the input first.
const (
	sentinelOpen  = "\uE000"
	sentinelClose = "\uE001"
)

// maskKeeping is mask that also returns what it hid.
func maskKeeping(s string) (string, hidden) {
	// Invalid UTF-8 is replaced first, so that removing the sentinels cannot
	// join stray bytes into a new one.
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.NewReplacer(sentinelOpen, "", sentinelClose, "").Replace(s)
	type secret struct{ placeholder, original string }
	var found []secret
	hide := func(placeholder, original string) string {
		found = append(found, secret{placeholder, original})
		return sentinelOpen + strconv.Itoa(len(found)-1) + sentinelClose
	}
	// afterPrefix hides what follows the first group of re's matches.
	afterPrefix := func(re *regexp.Regexp, placeholder string) {
		s = re.ReplaceAllStringFunc(s, func(m string) string {
			prefix := re.FindStringSubmatch(m)[1]
			return prefix + hide(placeholder, m[len(prefix):])
		})
	}
	whole := func(re *regexp.Regexp, placeholder string) {
		s = re.ReplaceAllStringFunc(s, func(m string) string { return hide(placeholder, m) })
	}

	afterPrefix(passwordRe, maskPassword)
	afterPrefix(pinRe, maskPassword)
	afterPrefix(cvvRe, maskCVV)
	whole(emailRe, maskEmail)
	whole(ibanRe, maskNumber)
	s = digitRunRe.ReplaceAllStringFunc(s, func(run string) string { return maskCards(run, hide) })
	s = longDigitsRe.ReplaceAllStringFunc(s, func(d string) string {
		if strings.HasPrefix(d, "+") {
			return d
		}
		return hide(maskNumber, d)
	})

	if len(found) == 0 {
		return s, nil
	}
	h := hidden{}
	var b strings.Builder
	for {
		i := strings.Index(s, sentinelOpen)
		if i < 0 {
			b.WriteString(s)
			break
		}
		j := strings.Index(s[i:], sentinelClose)
		n, err := strconv.Atoi(s[i+len(sentinelOpen) : i+max(j, 0)])
		if j < 0 || err != nil || n < 0 || n >= len(found) {
			// Cannot happen: the input holds no sentinel. Hide the rest
			// rather than risk sending something unmasked.
			b.WriteString(s[:i])
			b.WriteString(maskNumber)
			break
		}
		b.WriteString(s[:i])
		b.WriteString(found[n].placeholder)
		h[found[n].placeholder] = append(h[found[n].placeholder], found[n].original)
		s = s[i+j+len(sentinelClose):]
	}
	return b.String(), h
}

// maskCards hides, in a run of digit groups, every stretch of whole groups
// that is a card number. It tries the longest stretch first from each
// group, so "4111 1111 1111 1111 123" loses the card and keeps the "123".
func maskCards(run string, hide func(placeholder, original string) string) string {
	groups := digitsRe.FindAllStringIndex(run, -1)
	var b strings.Builder
	last := 0 // end of what has been copied from run
	for i := 0; i < len(groups); {
		j := cardEnd(run, groups, i)
		if j < 0 {
			i++
			continue
		}
		b.WriteString(run[last:groups[i][0]])
		b.WriteString(hide(maskCard, run[groups[i][0]:groups[j][1]]))
		last = groups[j][1]
		i = j + 1
	}
	b.WriteString(run[last:])
	return b.String()
}

// cardEnd returns the last group of the longest card number that starts at
// group i, or -1.
func cardEnd(run string, groups [][]int, i int) int {
	digits := ""
	end := -1
	for j := i; j < len(groups); j++ {
		digits += run[groups[j][0]:groups[j][1]]
		if len(digits) > 19 {
			break
		}
		if len(digits) >= 13 && luhn(digits) {
			end = j
		}
	}
	return end
}

// luhn reports whether the digits pass the Luhn check that every card
// number passes.
func luhn(digits string) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}
