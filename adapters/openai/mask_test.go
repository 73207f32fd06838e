package openai

import (
	"strings"
	"testing"
)

func TestMask(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		// Cards: 13 to 19 digits, Luhn-valid, with or without separators.
		{"card with spaces", "mi tarjeta es 4111 1111 1111 1111 gracias", "mi tarjeta es [card] gracias"},
		{"card with dashes", "4111-1111-1111-1111", "[card]"},
		{"card contiguous", "cartão 5555555555554444.", "cartão [card]."},
		{"amex grouping", "amex 3782 822463 10005", "amex [card]"},
		{"13-digit card", "4222222222222", "[card]"},
		{"19-digit card", "6221 2600 0000 0000 001", "[card]"},
		{"card then unlabelled code", "4111 1111 1111 1111 123", "[card] 123"},
		{"two cards", "4111111111111111 o 4532015112830366", "[card] o [card]"},
		{"not Luhn, grouped: kept", "ref 1234 5678 9012 3456", "ref 1234 5678 9012 3456"},
		{"not Luhn, contiguous: a long number", "4111111111111112", "[number]"},

		// Security codes.
		{"cvv", "el cvv 123", "el cvv [cvv]"},
		{"CVV with colon", "CVV: 1234", "CVV: [cvv]"},
		{"cvc", "cvc2 999", "cvc2 [cvv]"},
		{"código de seguridad", "el código de seguridad es 456", "el código de seguridad es [cvv]"},
		{"código de segurança", "o código de segurança é 789", "o código de segurança é [cvv]"},
		{"security code", "security code 321", "security code [cvv]"},

		// E-mail addresses.
		{"email", "escríbeme a ana.perez+pagos@gmail.com por favor", "escríbeme a [email] por favor"},
		{"email with subdomain", "joao@empresa.com.br", "[email]"},

		// Passwords.
		{"contraseña colon", "contraseña: Hunter2!", "contraseña: [password]"},
		{"contraseña es", "mi contraseña es abc123", "mi contraseña es [password]"},
		{"senha é", "minha senha é 4321xyz", "minha senha é [password]"},
		{"Password equals", "Password=xyz", "Password=[password]"},
		{"password is", "my password is s3cret and that's it", "my password is [password] and that's it"},
		{"clave colon", "clave: 9876", "clave: [password]"},
		{"pin colon", "PIN: 0000", "PIN: [password]"},
		{"clave in a sentence: kept", "la clave es que no tengo plata", "la clave es que no tengo plata"},
		{"contraseña without a value: kept", "la contraseña no funciona", "la contraseña no funciona"},

		// Bank accounts, IBANs, document numbers.
		{"IBAN printed", "IBAN ES91 2100 0418 4502 0005 1332 ok", "IBAN [number] ok"},
		{"IBAN compact", "DE89370400440532013000", "[number]"},
		{"account number", "cuenta 0123456789012 Bancolombia", "cuenta [number] Bancolombia"},
		{"ten digits", "cédula 1020304050", "cédula [number]"},
		{"unformatted mobile is a long number", "llámame al 3001234567", "llámame al [number]"},

		// What the model needs stays.
		{"international phone", "+57 300 123 4567", "+57 300 123 4567"},
		{"international phone compact", "+573001234567", "+573001234567"},
		{"dashed phone", "300-123-4567", "300-123-4567"},
		{"Brazilian phone", "(11) 98765-4321", "(11) 98765-4321"},
		{"amounts and dates", "pago $1.250.000 el 2026-05-15 a las 10:30", "pago $1.250.000 el 2026-05-15 a las 10:30"},
		{"reais", "R$ 1.234,50 até dia 10", "R$ 1.234,50 até dia 10"},
		{"plain amount", "te pago 150000 el viernes", "te pago 150000 el viernes"},
		{"invoice number", "factura F-2024-0001", "factura F-2024-0001"},
		{"empty", "", ""},

		// Sentinel characters in the input cannot fool the bookkeeping.
		{"private-use characters", "a\uE0000\uE001b 4111111111111111", "a0b [card]"},
		{"stray bytes around a sentinel", "4111111111111111 \xEE\x80\uE001\x80 ok", "[card] \uFFFD\uFFFD ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := mask(tt.in); got != tt.want {
				t.Errorf("mask(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMaskIsIdempotent(t *testing.T) {
	t.Parallel()
	in := "tarjeta 4111 1111 1111 1111 cvv 123, ana@x.co, senha: abc, cuenta 0123456789012"
	once := mask(in)
	if twice := mask(once); twice != once {
		t.Errorf("mask(mask(s)) = %q, want %q", twice, once)
	}
}

func TestHiddenRestore(t *testing.T) {
	t.Parallel()
	masked, h := maskKeeping("Consigna a la cuenta 0123456789012 y manda el soporte a pagos@empresa.co o a cobros@empresa.co")
	want := "Consigna a la cuenta [number] y manda el soporte a [email] o a [email]"
	if masked != want {
		t.Fatalf("masked = %q, want %q", masked, want)
	}

	got := h.restore("Hola Ana, puedes consignar a la cuenta [number]; envía el soporte a [email] o a [email].")
	if want := "Hola Ana, puedes consignar a la cuenta 0123456789012; envía el soporte a pagos@empresa.co o a cobros@empresa.co."; got != want {
		t.Errorf("restore = %q, want %q", got, want)
	}

	// One [email] too many: the model took one from elsewhere; the e-mails
	// stay hidden, the account number comes back.
	got = h.restore("[email] [email] [email] cuenta [number]")
	if want := "[email] [email] [email] cuenta 0123456789012"; got != want {
		t.Errorf("restore with a mismatched count = %q, want %q", got, want)
	}

	if _, h := maskKeeping("nada que ocultar"); h.restore("[card]") != "[card]" {
		t.Error("restore without secrets changed the text")
	}
}

func TestLuhn(t *testing.T) {
	t.Parallel()
	for digits, want := range map[string]bool{
		"4111111111111111": true, "4111111111111112": false, "378282246310005": true,
		"4222222222222": true, "6221260000000000001": true, "0": true, "18": true, "19": false,
	} {
		if got := luhn(digits); got != want {
			t.Errorf("luhn(%s) = %v, want %v", digits, got, want)
		}
	}
}

// FuzzMask checks that whatever comes in, no card number, e-mail address or
// long digit run goes out, and that masking never panics.
func FuzzMask(f *testing.F) {
	for _, s := range []string{
		"4111 1111 1111 1111", "cvv 123", "ana@x.co", "contraseña: x", "ES91 2100 0418 4502 0005 1332",
		"0123456789012", "+573001234567", "\uE000\uE001", "\uE0001\uE001 4111111111111111", "pin:",
		"4111111111111111 \xEE\x80\uE001\x80",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := mask(s)
		if strings.ContainsAny(out, sentinelOpen+sentinelClose) {
			t.Fatalf("mask(%q) = %q holds a sentinel", s, out)
		}
		if emailRe.MatchString(out) {
			t.Fatalf("mask(%q) = %q still holds an e-mail address", s, out)
		}
		for _, m := range longDigitsRe.FindAllString(out, -1) {
			if !strings.HasPrefix(m, "+") {
				t.Fatalf("mask(%q) = %q still holds the long number %s", s, out, m)
			}
		}
		for _, run := range digitRunRe.FindAllString(out, -1) {
			groups := digitsRe.FindAllStringIndex(run, -1)
			for i := range groups {
				if cardEnd(run, groups, i) >= 0 {
					t.Fatalf("mask(%q) = %q still holds a card number in %q", s, out, run)
				}
			}
		}
	})
}
