// Package money implements Money: a decimal amount in an ISO 4217 currency.
// There is no float anywhere; arithmetic across currencies is an error.
package money

import (
	"strings"

	"github.com/shopspring/decimal"

	"github.com/saldocrm/saldo/domain"
)

// Errors returned by money operations.
var (
	ErrCurrencyMismatch = domain.Errorf(domain.KindInvalid, "currency_mismatch", "cannot combine %s with %s")
	ErrInvalidAmount    = domain.Errorf(domain.KindInvalid, "invalid_amount", "%q is not a decimal amount")
	ErrTooPrecise       = domain.Errorf(domain.KindInvalid, "amount_too_precise", "%s has more decimals than %s allows (%d)")
	ErrTooLarge         = domain.Errorf(domain.KindInvalid, "amount_too_large", "%s is too large: amounts have at most 15 digits before the decimal point")
)

// limit bounds every amount: 10^15.
var limit = decimal.New(1, 15)

// Money is an amount in a currency. The zero value has no currency; use Zero
// or New.
type Money struct {
	amount   decimal.Decimal
	currency Currency
}

// New returns amount in currency c. It refuses amounts with more decimals
// than the currency's minor unit (e.g. 10.005 USD, or 1.5 CLP).
func New(amount decimal.Decimal, c Currency) (Money, error) {
	if c.IsZero() {
		return Money{}, ErrUnknownCurrency.New("")
	}
	if !amount.Equal(amount.Round(c.minor)) {
		return Money{}, ErrTooPrecise.New(amount.String(), c.code, c.minor)
	}
	if amount.Abs().Cmp(limit) >= 0 { // what numeric(20,4) columns hold, with room for sums
		return Money{}, ErrTooLarge.New(amount.String())
	}
	return Money{amount: amount.Round(c.minor), currency: c}, nil
}

// Parse reads a decimal string and a currency code, e.g. Parse("1250.50", "BRL").
func Parse(amount, currency string) (Money, error) {
	c, err := ParseCurrency(currency)
	if err != nil {
		return Money{}, err
	}
	d, err := decimal.NewFromString(strings.TrimSpace(amount))
	if err != nil {
		return Money{}, ErrInvalidAmount.New(amount)
	}
	return New(d, c)
}

// MustParse is Parse for literals in tests and seeds; it panics on error.
func MustParse(amount, currency string) Money {
	m, err := Parse(amount, currency)
	if err != nil {
		panic(err)
	}
	return m
}

// Zero returns zero in currency c.
func Zero(c Currency) Money { return Money{amount: decimal.Zero, currency: c} }

// Amount returns the decimal amount.
func (m Money) Amount() decimal.Decimal { return m.amount }

// Currency returns the currency.
func (m Money) Currency() Currency { return m.currency }

// StringFixed returns the amount with exactly the currency's decimals, e.g. "1250.50".
func (m Money) StringFixed() string { return m.amount.StringFixed(m.currency.minor) }

// String returns e.g. "BRL 1250.50".
func (m Money) String() string { return m.currency.code + " " + m.StringFixed() }

// IsZero reports whether the amount is zero.
func (m Money) IsZero() bool { return m.amount.IsZero() }

// IsPositive reports whether the amount is greater than zero.
func (m Money) IsPositive() bool { return m.amount.IsPositive() }

// IsNegative reports whether the amount is less than zero.
func (m Money) IsNegative() bool { return m.amount.IsNegative() }

// SameCurrency reports whether m and o are in the same currency.
func (m Money) SameCurrency(o Money) bool { return m.currency == o.currency }

func (m Money) check(o Money) error {
	if m.currency != o.currency {
		return ErrCurrencyMismatch.New(m.currency.code, o.currency.code)
	}
	return nil
}

// Add returns m + o; the currencies must match.
func (m Money) Add(o Money) (Money, error) {
	if err := m.check(o); err != nil {
		return Money{}, err
	}
	return Money{amount: m.amount.Add(o.amount), currency: m.currency}, nil
}

// Sub returns m - o; the currencies must match.
func (m Money) Sub(o Money) (Money, error) {
	if err := m.check(o); err != nil {
		return Money{}, err
	}
	return Money{amount: m.amount.Sub(o.amount), currency: m.currency}, nil
}

// Cmp compares m and o: -1, 0 or +1; the currencies must match.
func (m Money) Cmp(o Money) (int, error) {
	if err := m.check(o); err != nil {
		return 0, err
	}
	return m.amount.Cmp(o.amount), nil
}

// Equal reports whether m and o have the same currency and amount.
func (m Money) Equal(o Money) bool {
	return m.currency == o.currency && m.amount.Equal(o.amount)
}

// Min returns the smaller of m and o; the currencies must match.
func (m Money) Min(o Money) (Money, error) {
	c, err := m.Cmp(o)
	if err != nil {
		return Money{}, err
	}
	if c <= 0 {
		return m, nil
	}
	return o, nil
}

// Neg returns -m.
func (m Money) Neg() Money { return Money{amount: m.amount.Neg(), currency: m.currency} }

// Sum adds amounts of one currency; an empty list sums to zero in c.
func Sum(c Currency, ms ...Money) (Money, error) {
	total := Zero(c)
	for _, m := range ms {
		var err error
		if total, err = total.Add(m); err != nil {
			return Money{}, err
		}
	}
	return total, nil
}
