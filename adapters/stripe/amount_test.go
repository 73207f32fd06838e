package stripe_test

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/stripe"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/money"
)

// wantDomainError fails unless err is the domain error want (same code)
// of kind invalid, and returns its code.
func wantDomainError(t *testing.T, err, want error) string {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, want)
	var de *domain.Error
	require.True(t, errors.As(err, &de), "%T is not a domain error", err)
	assert.Equal(t, domain.KindInvalid, de.Kind(), "kind of %q", err)
	return de.Code()
}

func TestMinorUnits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		amount  money.Money
		want    int64
		wantErr error
	}{
		{name: "COP", amount: money.MustParse("1500000.50", "COP"), want: 150000050},
		{name: "COP whole", amount: money.MustParse("350000", "COP"), want: 35000000},
		{name: "USD", amount: money.MustParse("200.75", "USD"), want: 20075},
		{name: "USD cent", amount: money.MustParse("0.01", "USD"), want: 1},
		{name: "BRL", amount: money.MustParse("1250.5", "BRL"), want: 125050},
		{name: "MXN", amount: money.MustParse("999999.99", "MXN"), want: 99999999},
		{name: "CLP zero-decimal", amount: money.MustParse("25000", "CLP"), want: 25000},
		{name: "JPY zero-decimal", amount: money.MustParse("1000", "JPY"), want: 1000},
		{name: "KWD three-decimal ending in 0", amount: money.MustParse("5.12", "KWD"), want: 5120},
		{name: "BHD whole", amount: money.MustParse("7", "BHD"), want: 7000},
		{name: "ISK is sent in hundredths", amount: money.MustParse("5", "ISK"), want: 500},
		{name: "HUF fractions are chargeable", amount: money.MustParse("10.45", "HUF"), want: 1045},
		{name: "TWD", amount: money.MustParse("300", "TWD"), want: 30000},
		{name: "MGA is zero-decimal at Stripe", amount: money.MustParse("1000", "MGA"), want: 1000},
		{name: "negative", amount: money.MustParse("-3.25", "USD"), want: -325},
		{name: "zero", amount: money.Zero(money.MustCurrency("USD")), want: 0},

		{name: "KWD third decimal", amount: money.MustParse("5.124", "KWD"), wantErr: stripe.ErrTooPrecise},
		{name: "OMR third decimal", amount: money.MustParse("0.001", "OMR"), wantErr: stripe.ErrTooPrecise},
		{name: "MGA fraction", amount: money.MustParse("100.50", "MGA"), wantErr: stripe.ErrTooPrecise},
		{name: "unknown currency", amount: money.Money{}, wantErr: stripe.ErrUnsupportedCurrency},
		{name: "IQD: three ISO decimals, no Stripe format", amount: money.MustParse("1000", "IQD"), wantErr: stripe.ErrUnsupportedCurrency},
		{name: "CLF: four ISO decimals", amount: money.MustParse("1.5", "CLF"), wantErr: stripe.ErrUnsupportedCurrency},
		// money refuses amounts of 10^15 and more, so the largest always fits an int64 of minor units.
		{name: "the largest amount, in KWD fils", amount: money.MustParse("999999999999999.990", "KWD"), want: 999999999999999990},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := stripe.MinorUnits(tt.amount)
			if tt.wantErr != nil {
				wantDomainError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)

			back, err := stripe.FromMinorUnits(got, tt.amount.Currency().Code())
			require.NoError(t, err)
			assert.True(t, back.Equal(tt.amount), "round trip: %s became %d became %s", tt.amount, got, back)
		})
	}
}

func TestFromMinorUnits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		amount              int64
		currency            string
		wantFixed, wantCode string
		wantErr             error
	}{
		{amount: 20075, currency: "usd", wantFixed: "200.75", wantCode: "USD"},
		{amount: 150000050, currency: "cop", wantFixed: "1500000.50", wantCode: "COP"},
		{amount: 25000, currency: "clp", wantFixed: "25000", wantCode: "CLP"},
		{amount: 1000, currency: "JPY", wantFixed: "1000", wantCode: "JPY"},
		{amount: 5120, currency: "kwd", wantFixed: "5.120", wantCode: "KWD"},
		{amount: 5121, currency: "kwd", wantFixed: "5.121", wantCode: "KWD"}, // what Stripe reports is what happened
		{amount: 9990, currency: "brl", wantFixed: "99.90", wantCode: "BRL"},
		{amount: 99999999, currency: "mxn", wantFixed: "999999.99", wantCode: "MXN"},
		{amount: 500, currency: "isk", wantFixed: "5", wantCode: "ISK"},
		{amount: 1000, currency: "mga", wantFixed: "1000.00", wantCode: "MGA"},
		{amount: 1045, currency: "huf", wantFixed: "10.45", wantCode: "HUF"},
		{amount: 0, currency: "usd", wantFixed: "0.00", wantCode: "USD"},

		{amount: 1050, currency: "isk", wantErr: money.ErrTooPrecise}, // 10.50 ISK: no such amount
		{amount: 100, currency: "xyz", wantErr: money.ErrUnknownCurrency},
		{amount: 100, currency: "", wantErr: money.ErrUnknownCurrency},
		{amount: 100, currency: "lyd", wantErr: stripe.ErrUnsupportedCurrency},
	}
	for _, tt := range tests {
		t.Run(tt.currency+" "+decimal.NewFromInt(tt.amount).String(), func(t *testing.T) {
			t.Parallel()
			m, err := stripe.FromMinorUnits(tt.amount, tt.currency)
			if tt.wantErr != nil {
				wantDomainError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantCode, m.Currency().Code())
			assert.Equal(t, tt.wantFixed, m.StringFixed())
		})
	}
}
