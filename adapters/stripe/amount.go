package stripe

import (
	"strings"

	"github.com/shopspring/decimal"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/money"
)

// Errors of amount conversion.
var (
	ErrUnsupportedCurrency = domain.Errorf(domain.KindInvalid, "currency_not_supported_by_stripe",
		"Stripe documents no amount format for %q")
	ErrTooPrecise = domain.Errorf(domain.KindInvalid, "amount_too_precise_for_stripe",
		"%s cannot be charged through Stripe: %s amounts must be multiples of %s")
	ErrAmountTooLarge = domain.Errorf(domain.KindInvalid, "amount_too_large", "%s is too large to send to Stripe")
)

// The currencies whose amounts Stripe does not write in hundredths, from
// https://docs.stripe.com/currencies ("Zero-decimal currencies" and
// "Three-decimal currencies").
var (
	zeroDecimal = map[string]bool{
		"BIF": true, "CLP": true, "DJF": true, "GNF": true, "JPY": true, "KMF": true, "KRW": true, "MGA": true,
		"PYG": true, "RWF": true, "UGX": true, "VND": true, "VUV": true, "XAF": true, "XOF": true, "XPF": true,
	}
	threeDecimal = map[string]bool{"BHD": true, "JOD": true, "KWD": true, "OMR": true, "TND": true}
)

// unit is how Stripe writes amounts of one currency: an integer that is the
// amount times 10^exponent, and the smallest step it charges, 10^-step.
type unit struct {
	exponent int32
	step     int32
}

// unitOf returns Stripe's unit for c. Stripe's rule is "two decimals unless
// noted"; the exceptions are the zero- and three-decimal lists above, and
// the special cases:
//
//   - ISK is zero-decimal for ISO 4217 and for the card networks, but the
//     Stripe API kept it two-decimal: 5 ISK is sent as 500 and every amount
//     must be a multiple of 100 (enforced since 14 April 2023). Saldo's ISK
//     amounts are whole (ISO says 0 decimals), so ×100 always meets that.
//   - HUF and TWD are two-decimal for charges, and Stripe accepts fractional
//     amounts; payouts in them are whole units only (a multiple of 100), so
//     fractions stay in the Stripe balance until they add up to a unit.
//   - Three-decimal amounts must end in 0 for Stripe's payment partners:
//     Saldo refuses an amount with a third decimal rather than rounding it,
//     because the customer would pay a different amount than the invoices
//     say and the payment would not reconcile to the fils.
//
// Currencies that ISO gives 3 or 4 decimals but Stripe does not list (IQD,
// LYD, CLF, UYW) have no documented format and are refused.
func unitOf(c money.Currency) (unit, error) {
	switch code := c.Code(); {
	case c.IsZero():
		return unit{}, ErrUnsupportedCurrency.New("")
	case zeroDecimal[code]:
		return unit{exponent: 0, step: 0}, nil
	case threeDecimal[code]:
		return unit{exponent: 3, step: 2}, nil
	case c.MinorUnits() == 0: // ISK (and UYI): whole units, written ×100
		return unit{exponent: 2, step: 0}, nil
	case c.MinorUnits() == 2:
		return unit{exponent: 2, step: 2}, nil
	default:
		return unit{}, ErrUnsupportedCurrency.New(code)
	}
}

// MinorUnits returns m as the integer the Stripe API expects for its
// currency: 200.75 USD is 20075, 25000 CLP is 25000, 5.12 KWD is 5120 and
// 5 ISK is 500. It refuses an amount finer than what Stripe charges in that
// currency (0.50 CLP, 100.50 MGA, 5.124 KWD) instead of rounding it.
func MinorUnits(m money.Money) (int64, error) {
	u, err := unitOf(m.Currency())
	if err != nil {
		return 0, err
	}
	a := m.Amount()
	if !a.Equal(a.Round(u.step)) {
		step := decimal.New(1, -u.step).StringFixed(u.step)
		return 0, ErrTooPrecise.New(m.String(), m.Currency().Code(), step)
	}
	n := a.Shift(u.exponent).BigInt()
	if !n.IsInt64() {
		return 0, ErrAmountTooLarge.New(m.String())
	}
	return n.Int64(), nil
}

// FromMinorUnits reads an amount as Stripe reports it, with its currency
// code in any case ("usd"): 20075 usd is 200.75 USD. It fails on a
// currency Saldo or Stripe does not know, and on an amount the currency
// cannot hold (1050 isk would be 10.50 ISK).
func FromMinorUnits(amount int64, currency string) (money.Money, error) {
	c, err := money.ParseCurrency(strings.TrimSpace(currency))
	if err != nil {
		return money.Money{}, err
	}
	u, err := unitOf(c)
	if err != nil {
		return money.Money{}, err
	}
	return money.New(decimal.New(amount, -u.exponent), c)
}
