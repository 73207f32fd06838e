package money_test

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/money"
)

// wantCode fails the test unless err is a domain error with the given code
// and kind.
func wantCode(t *testing.T, err error, kind domain.Kind, code string) {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("error = %v (%T), want domain error %q", err, err, code)
	}
	if de.Code() != code || de.Kind() != kind {
		t.Fatalf("error = %q code %q kind %v, want code %q kind %v", de, de.Code(), de.Kind(), code, kind)
	}
}

func TestParseCurrency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in        string
		wantCode  string
		wantMinor int32
		wantErr   bool
	}{
		{"COP", "COP", 2, false},
		{"cop", "COP", 2, false},
		{"Usd", "USD", 2, false},
		{" brl ", "BRL", 2, false},
		{"mxn", "MXN", 2, false},
		{"CLP", "CLP", 0, false},
		{"jpy", "JPY", 0, false},
		{"KWD", "KWD", 3, false},
		{"CLF", "CLF", 4, false},
		{"", "", 0, true},
		{"XXX", "", 0, true},
		{"US", "", 0, true},
		{"USDD", "", 0, true},
		{"peso", "", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			c, err := money.ParseCurrency(tt.in)
			if tt.wantErr {
				wantCode(t, err, domain.KindInvalid, "unknown_currency")
				if !errors.Is(err, money.ErrUnknownCurrency) {
					t.Errorf("errors.Is(err, ErrUnknownCurrency) = false")
				}
				if !c.IsZero() {
					t.Errorf("currency = %v, want the zero currency", c)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseCurrency(%q): %v", tt.in, err)
			}
			if c.Code() != tt.wantCode || c.String() != tt.wantCode || c.MinorUnits() != tt.wantMinor || c.IsZero() {
				t.Errorf("ParseCurrency(%q) = %s/%d, want %s/%d", tt.in, c.Code(), c.MinorUnits(), tt.wantCode, tt.wantMinor)
			}
		})
	}
}

func TestParseCurrencyEqualityIgnoresCase(t *testing.T) {
	t.Parallel()
	if money.MustCurrency("usd") != money.MustCurrency("USD") {
		t.Error("usd and USD are different currencies")
	}
}

func TestMustCurrencyPanicsOnUnknownCode(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("MustCurrency(\"ZZZ\") did not panic")
		}
	}()
	money.MustCurrency("ZZZ")
}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		amount    string
		currency  string
		wantFixed string
		wantCode  string // "" when valid
	}{
		{"USD two decimals", "1250.50", "USD", "1250.50", ""},
		{"USD one decimal", "10.5", "USD", "10.50", ""},
		{"USD integer", "10", "USD", "10.00", ""},
		{"USD trailing zeros beyond minor unit", "10.5000", "USD", "10.50", ""},
		{"USD surrounding spaces", " 99.99 ", "usd", "99.99", ""},
		{"USD negative", "-3.25", "USD", "-3.25", ""},
		{"USD zero", "0", "USD", "0.00", ""},
		{"COP large", "1500000.00", "COP", "1500000.00", ""},
		{"CLP integer", "25000", "CLP", "25000", ""},
		{"CLP trailing zero decimals", "25000.000", "CLP", "25000", ""},
		{"KWD three decimals", "1.234", "KWD", "1.234", ""},
		{"KWD trailing zeros", "1.2340000", "KWD", "1.234", ""},
		{"USD three decimals", "10.005", "USD", "", "amount_too_precise"},
		{"USD tiny fraction", "0.001", "USD", "", "amount_too_precise"},
		{"CLP one decimal", "1.5", "CLP", "", "amount_too_precise"},
		{"CLP half peso", "100.50", "CLP", "", "amount_too_precise"},
		{"KWD four decimals", "1.2345", "KWD", "", "amount_too_precise"},
		{"empty", "", "USD", "", "invalid_amount"},
		{"letters", "abc", "USD", "", "invalid_amount"},
		{"thousands separator", "1,000.00", "USD", "", "invalid_amount"},
		{"decimal comma", "10,50", "USD", "", "invalid_amount"},
		{"two points", "1.2.3", "USD", "", "invalid_amount"},
		{"with currency", "10 USD", "USD", "", "invalid_amount"},
		{"currency symbol", "$10", "USD", "", "invalid_amount"},
		{"double sign", "--1", "USD", "", "invalid_amount"},
		{"NaN", "NaN", "USD", "", "invalid_amount"},
		{"unknown currency", "10", "XYZ", "", "unknown_currency"},
		{"empty currency", "10", "", "", "unknown_currency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := money.Parse(tt.amount, tt.currency)
			if tt.wantCode != "" {
				wantCode(t, err, domain.KindInvalid, tt.wantCode)
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q, %q): %v", tt.amount, tt.currency, err)
			}
			if got := m.StringFixed(); got != tt.wantFixed {
				t.Errorf("Parse(%q, %q).StringFixed() = %q, want %q", tt.amount, tt.currency, got, tt.wantFixed)
			}
			if m.Amount().Exponent() < -m.Currency().MinorUnits() {
				t.Errorf("amount %s keeps more decimals than %s allows", m.Amount(), m.Currency())
			}
		})
	}
}

func TestNewRefusesZeroCurrency(t *testing.T) {
	t.Parallel()
	_, err := money.New(decimal.NewFromInt(1), money.Currency{})
	wantCode(t, err, domain.KindInvalid, "unknown_currency")
}

func TestStringFixedPerCurrency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		amount, currency, wantFixed, wantString string
	}{
		{"1250.5", "BRL", "1250.50", "BRL 1250.50"},
		{"1500000", "COP", "1500000.00", "COP 1500000.00"},
		{"0.1", "USD", "0.10", "USD 0.10"},
		{"-0.5", "USD", "-0.50", "USD -0.50"},
		{"25000", "CLP", "25000", "CLP 25000"},
		{"1000", "JPY", "1000", "JPY 1000"},
		{"1.2", "KWD", "1.200", "KWD 1.200"},
		{"7", "BHD", "7.000", "BHD 7.000"},
		{"0", "MXN", "0.00", "MXN 0.00"},
	}
	for _, tt := range tests {
		t.Run(tt.currency+" "+tt.amount, func(t *testing.T) {
			t.Parallel()
			m := money.MustParse(tt.amount, tt.currency)
			if got := m.StringFixed(); got != tt.wantFixed {
				t.Errorf("StringFixed() = %q, want %q", got, tt.wantFixed)
			}
			if got := m.String(); got != tt.wantString {
				t.Errorf("String() = %q, want %q", got, tt.wantString)
			}
		})
	}
}

func TestZero(t *testing.T) {
	t.Parallel()
	z := money.Zero(money.MustCurrency("COP"))
	if !z.IsZero() || z.IsPositive() || z.IsNegative() || z.StringFixed() != "0.00" || z.Currency().Code() != "COP" {
		t.Errorf("Zero(COP) = %v", z)
	}
	if !z.Equal(money.MustParse("0.00", "COP")) {
		t.Errorf("Zero(COP) != 0.00 COP")
	}
	if z.Equal(money.Zero(money.MustCurrency("USD"))) {
		t.Errorf("zero COP equals zero USD")
	}
}

func TestArithmetic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		a, b, currency string
		wantSum        string
		wantDiff       string
		wantCmp        int
		wantMin        string
	}{
		{"USD", "10.25", "0.75", "USD", "11.00", "9.50", 1, "0.75"},
		{"USD negative result", "0.10", "0.20", "USD", "0.30", "-0.10", -1, "0.10"},
		{"USD equal", "5", "5.00", "USD", "10.00", "0.00", 0, "5.00"},
		{"CLP", "1000", "2500", "CLP", "3500", "-1500", -1, "1000"},
		{"KWD", "0.001", "0.999", "KWD", "1.000", "-0.998", -1, "0.001"},
		{"COP large", "123456789012.34", "0.66", "COP", "123456789013.00", "123456789011.68", 1, "0.66"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, b := money.MustParse(tt.a, tt.currency), money.MustParse(tt.b, tt.currency)
			sum, err := a.Add(b)
			if err != nil || sum.StringFixed() != tt.wantSum || sum.Currency() != a.Currency() {
				t.Errorf("Add = %v, %v; want %s", sum, err, tt.wantSum)
			}
			diff, err := a.Sub(b)
			if err != nil || diff.StringFixed() != tt.wantDiff {
				t.Errorf("Sub = %v, %v; want %s", diff, err, tt.wantDiff)
			}
			c, err := a.Cmp(b)
			if err != nil || c != tt.wantCmp {
				t.Errorf("Cmp = %d, %v; want %d", c, err, tt.wantCmp)
			}
			minimum, err := a.Min(b)
			if err != nil || minimum.StringFixed() != tt.wantMin {
				t.Errorf("Min = %v, %v; want %s", minimum, err, tt.wantMin)
			}
			if !a.Neg().Neg().Equal(a) || a.Neg().Equal(a) != a.IsZero() {
				t.Errorf("Neg(Neg(a)) != a")
			}
		})
	}
}

func TestCurrencyMismatch(t *testing.T) {
	t.Parallel()
	usd, cop := money.MustParse("10.00", "USD"), money.MustParse("10.00", "COP")
	ops := []struct {
		name string
		do   func() error
	}{
		{"Add", func() error { _, err := usd.Add(cop); return err }},
		{"Sub", func() error { _, err := usd.Sub(cop); return err }},
		{"Cmp", func() error { _, err := usd.Cmp(cop); return err }},
		{"Min", func() error { _, err := usd.Min(cop); return err }},
		{"Add to zero value", func() error { _, err := money.Money{}.Add(usd); return err }},
		{"Sum", func() error { _, err := money.Sum(usd.Currency(), usd, cop); return err }},
		{"Sum in another currency", func() error { _, err := money.Sum(cop.Currency(), usd); return err }},
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			err := op.do()
			wantCode(t, err, domain.KindInvalid, "currency_mismatch")
			if !errors.Is(err, money.ErrCurrencyMismatch) {
				t.Errorf("errors.Is(err, ErrCurrencyMismatch) = false")
			}
		})
	}
	if usd.SameCurrency(cop) || !usd.SameCurrency(money.MustParse("1", "usd")) {
		t.Errorf("SameCurrency is wrong")
	}
	if usd.Equal(cop) {
		t.Errorf("10 USD equals 10 COP")
	}
}

func TestSum(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		currency string
		amounts  []string
		want     string
	}{
		{"empty is zero", "USD", nil, "0.00"},
		{"one", "USD", []string{"12.34"}, "12.34"},
		{"several", "USD", []string{"0.10", "0.20", "0.30"}, "0.60"},
		{"with negatives", "COP", []string{"1000", "-250.50", "0.50"}, "750.00"},
		{"CLP", "CLP", []string{"1", "2", "3"}, "6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := money.MustCurrency(tt.currency)
			ms := make([]money.Money, 0, len(tt.amounts))
			for _, a := range tt.amounts {
				ms = append(ms, money.MustParse(a, tt.currency))
			}
			got, err := money.Sum(c, ms...)
			if err != nil {
				t.Fatalf("Sum: %v", err)
			}
			if got.StringFixed() != tt.want || got.Currency() != c {
				t.Errorf("Sum = %v, want %s %s", got, tt.currency, tt.want)
			}
		})
	}
}

// TestGeneratedArithmetic checks, over random amounts that respect each
// currency's decimals, that the text form round-trips, that addition and
// subtraction are exact inverses and that Cmp agrees with subtraction.
func TestGeneratedArithmetic(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(20260321, 1))
	codes := []string{"COP", "USD", "CLP", "KWD", "BRL", "MXN", "JPY"}
	for i := range 5000 {
		c := money.MustCurrency(codes[r.IntN(len(codes))])
		a := randomMoney(t, r, c)
		b := randomMoney(t, r, c)

		back, err := money.Parse(a.StringFixed(), c.Code())
		if err != nil || !back.Equal(a) {
			t.Fatalf("#%d: Parse(StringFixed(%v)) = %v, %v", i, a, back, err)
		}
		sum, err := a.Add(b)
		if err != nil {
			t.Fatalf("#%d: %v + %v: %v", i, a, b, err)
		}
		if !sum.Amount().Equal(sum.Amount().Round(c.MinorUnits())) {
			t.Fatalf("#%d: %v + %v = %v has too many decimals", i, a, b, sum)
		}
		diff, _ := sum.Sub(b)
		if !diff.Equal(a) {
			t.Fatalf("#%d: (%v + %v) - %v = %v", i, a, b, b, diff)
		}
		cmp, _ := a.Cmp(b)
		d, _ := a.Sub(b)
		if want := d.Amount().Sign(); cmp != want {
			t.Fatalf("#%d: Cmp(%v, %v) = %d, want %d", i, a, b, cmp, want)
		}
		total, err := money.Sum(c, a, b, a.Neg())
		if err != nil || !total.Equal(b) {
			t.Fatalf("#%d: Sum(a, b, -a) = %v, %v; want %v", i, total, err, b)
		}
	}
}

func randomMoney(t *testing.T, r *rand.Rand, c money.Currency) money.Money {
	t.Helper()
	units := r.Int64N(1_000_000_000_000) - 100_000_000_000
	m, err := money.New(decimal.New(units, -c.MinorUnits()), c)
	if err != nil {
		t.Fatalf("money.New(%d minor units of %s): %v", units, c, err)
	}
	return m
}
