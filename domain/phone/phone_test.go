package phone_test

import (
	"errors"
	"testing"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/phone"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string // E.164; "" when the input must be refused
	}{
		{"Colombian mobile with spaces", "+57 300 123 4567", "+573001234567"},
		{"Brazilian mobile with parentheses and dash", "+55 (11) 91234-5678", "+5511912345678"},
		{"00 international prefix", "0057 300 123 4567", "+573001234567"},
		{"digits only, no plus", "573001234567", "+573001234567"},
		{"dots", "+52.55.1234.5678", "+525512345678"},
		{"surrounding spaces", "  +573001234567 ", "+573001234567"},
		{"shortest: 8 digits", "+12345678", "+12345678"},
		{"longest: 15 digits", "+123456789012345", "+123456789012345"},
		{"letters", "+57 300 ABC 4567", ""},
		{"vanity letters", "1-800-FLOWERS", ""},
		{"too short", "+57 300", ""},
		{"7 digits", "1234567", ""},
		{"too long: 16 digits", "+1234567890123456", ""},
		{"plus then zero", "+0573001234567", ""},
		{"plus then 00", "+00573001234567", ""},
		{"00 with too few digits left", "001234567", ""},
		{"plus in the middle", "57+3001234567", ""},
		{"two pluses", "++573001234567", ""},
		{"slash", "+57/3001234567", ""},
		{"extension", "+573001234567 ext 12", ""},
		{"empty", "", ""},
		{"blank", "   ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n, err := phone.Parse(tt.in)
			if tt.want == "" {
				var de *domain.Error
				if !errors.As(err, &de) || de.Code() != "invalid_phone" || de.Kind() != domain.KindInvalid {
					t.Fatalf("Parse(%q) = %q, %v; want invalid_phone", tt.in, n, err)
				}
				if !n.IsZero() {
					t.Errorf("refused number is %q, want the zero Number", n)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if n.String() != tt.want || n.Digits() != tt.want[1:] || n.IsZero() {
				t.Errorf("Parse(%q) = %q (digits %q), want %q", tt.in, n, n.Digits(), tt.want)
			}
		})
	}
}

func TestFromWhatsAppID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"573001234567", "+573001234567"},
		{"5215512345678", "+5215512345678"},
		{"+573001234567", ""},
		{"57300abc", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			n, err := phone.FromWhatsAppID(tt.in)
			if tt.want == "" {
				if !errors.Is(err, phone.ErrInvalid) {
					t.Fatalf("FromWhatsAppID(%q) = %q, %v; want invalid_phone", tt.in, n, err)
				}
				return
			}
			if err != nil || n.String() != tt.want {
				t.Fatalf("FromWhatsAppID(%q) = %q, %v; want %q", tt.in, n, err, tt.want)
			}
		})
	}
}

func TestCanonicalKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a, b string // two forms of one subscriber; b may be "" to check a alone
		want string
	}{
		{"Mexican mobile with and without the 1", "+52 1 55 1234 5678", "+52 55 1234 5678", "525512345678"},
		{"Mexican wa_id forms", "5213312345678", "523312345678", "523312345678"},
		{"Brazilian mobile with and without the ninth digit", "+55 11 97123-4567", "+55 11 7123-4567", "5511971234567"},
		{"Brazilian mobile starting 8 without the ninth digit", "+55 21 98765-4321", "+55 21 8765-4321", "5521987654321"},
		{"Brazilian mobile starting 6", "+55 31 96123-4567", "+55 31 6123-4567", "5531961234567"},
		{"Brazilian old mobile starting 9", "+55 11 99123-4567", "+55 11 9123-4567", "5511991234567"},
		{"Brazilian landline starting 2 unchanged", "+55 11 2345-6789", "", "551123456789"},
		{"Brazilian landline starting 3 unchanged", "+55 11 3456-7890", "", "551134567890"},
		{"Brazilian landline starting 4 unchanged", "+55 21 4002-8922", "", "552140028922"},
		{"Brazilian landline starting 5 unchanged", "+55 61 5555-1234", "", "556155551234"},
		{"Colombian number unchanged", "+57 300 123 4567", "", "573001234567"},
		{"US number unchanged", "+1 415 555 0100", "", "14155550100"},
		{"zero value", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			key := func(s string) string {
				if s == "" {
					return phone.Number{}.CanonicalKey()
				}
				n, err := phone.Parse(s)
				if err != nil {
					t.Fatalf("Parse(%q): %v", s, err)
				}
				return n.CanonicalKey()
			}
			if got := key(tt.a); got != tt.want {
				t.Errorf("CanonicalKey(%q) = %q, want %q", tt.a, got, tt.want)
			}
			if tt.b != "" {
				if got := key(tt.b); got != tt.want {
					t.Errorf("CanonicalKey(%q) = %q, want %q", tt.b, got, tt.want)
				}
			}
		})
	}
}

func TestCanonicalKeyKeepsDifferentSubscribersApart(t *testing.T) {
	t.Parallel()
	pairs := [][2]string{
		{"+525512345678", "+525512345679"},
		{"+5511912345678", "+5511912345679"},
		{"+551123456789", "+5511923456789"}, // a landline and a mobile are different lines
		{"+525512345678", "+5511912345678"},
	}
	for _, p := range pairs {
		a, b := mustParse(t, p[0]), mustParse(t, p[1])
		if a.CanonicalKey() == b.CanonicalKey() {
			t.Errorf("%s and %s share the key %s", p[0], p[1], a.CanonicalKey())
		}
	}
}

func mustParse(t *testing.T, s string) phone.Number {
	t.Helper()
	n, err := phone.Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return n
}
