// Package phone implements Number, a phone number in E.164 form, and the
// matching rules WhatsApp needs: a wa_id is the number's digits without "+",
// Mexican mobiles may carry a "1" after the country code, and some Brazilian
// mobiles arrive without their ninth digit.
package phone

import (
	"strings"

	"github.com/saldocrm/saldo/domain"
)

// ErrInvalid is returned for input that is not a phone number in
// international form.
var ErrInvalid = domain.Errorf(domain.KindInvalid, "invalid_phone", "%q is not a phone number in international form, e.g. +573001234567")

// Number is a phone number in E.164 form ("+" and 8 to 15 digits). The zero
// value means "no number".
type Number struct {
	e164 string
}

// Parse reads a number written in international form, with or without "+",
// tolerating spaces, dots, dashes and parentheses: "+55 (11) 91234-5678",
// "573001234567". A leading "00" international prefix is accepted.
func Parse(s string) (Number, error) {
	raw := strings.TrimSpace(s)
	var b strings.Builder
	for i, r := range raw {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return Number{}, ErrInvalid.New(s)
		}
	}
	digits := b.String()
	if !strings.HasPrefix(raw, "+") && strings.HasPrefix(digits, "00") {
		digits = digits[2:]
	}
	if len(digits) < 8 || len(digits) > 15 || digits[0] == '0' {
		return Number{}, ErrInvalid.New(s)
	}
	return Number{e164: "+" + digits}, nil
}

// FromWhatsAppID returns the number of a WhatsApp wa_id (digits without "+").
func FromWhatsAppID(waID string) (Number, error) {
	if strings.HasPrefix(waID, "+") {
		return Number{}, ErrInvalid.New(waID)
	}
	return Parse(waID)
}

// String returns the E.164 form, e.g. "+573001234567", or "" for the zero value.
func (n Number) String() string { return n.e164 }

// IsZero reports whether n is the zero value.
func (n Number) IsZero() bool { return n.e164 == "" }

// Digits returns the number without "+", which is also its WhatsApp wa_id.
func (n Number) Digits() string { return strings.TrimPrefix(n.e164, "+") }

// CanonicalKey returns one form per subscriber: Mexican numbers without the
// "1", Brazilian mobiles with the ninth digit. Store it beside the number to
// match a WhatsApp sender to a customer with one indexed lookup.
func (n Number) CanonicalKey() string {
	d := n.Digits()
	switch {
	case strings.HasPrefix(d, "521") && len(d) == 13:
		return "52" + d[3:]
	case strings.HasPrefix(d, "55") && len(d) == 12 && d[4] >= '6':
		return d[:4] + "9" + d[4:]
	}
	return d
}
