package offline

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFindAmounts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text  string
		value string // "" when no amount
		cur   string
		share string
		weak  bool
	}{
		{"le pago 500 mil", "500000", "", "", false},
		{"le consigno $ 1.250.000 el viernes", "1250000", "", "", false},
		{"los 300.000", "300000", "", "", false},
		{"1,5 millones", "1500000", "", "", false},
		{"2.5 millones", "2500000", "", "", false},
		{"medio millón", "500000", "", "", false},
		{"300k", "300000", "", "", false},
		{"20 lucas", "20000", "", "", false},
		{"COP 1.000.000", "1000000", "COP", "", false},
		{"500 mil pesos", "500000", "", "", false},
		{"R$ 300,00", "300", "BRL", "", false},
		{"R$300,50", "300.5", "BRL", "", false},
		{"1.540,50 reais", "1540.5", "BRL", "", false},
		{"2 mil reais", "2000", "BRL", "", false},
		{"meio milhão", "500000", "", "", false},
		{"$1,250.50", "1250.5", "", "", false},
		{"US$ 1,250.50", "1250.5", "USD", "", false},
		{"300 dollars", "300", "USD", "", false},
		{"1.5k", "1500", "", "", false},
		{"€ 20", "20", "EUR", "", false},
		{"la mitad", "", "", "0.5", false},
		{"metade", "", "", "0.5", false},
		{"todo", "", "", "1", false},
		// Not amounts.
		{"la factura 2231", "", "", "", false},
		{"FV-2231", "", "", "", false},
		{"el 15", "", "", "", false},
		{"en 2026", "", "", "", false},
		{"llámeme al 3001234567", "", "", "", false},
		{"el 15/04", "", "", "", false},
		{"a las 15:30", "", "", "", false},
		{"el 15th", "", "", "", false},
		{"pago 50", "50", "", "", true},
		{"le pago los 300", "300", "", "", true},
		{"3 cuotas", "", "", "", false},
		{"el 10 %", "", "", "", false},
		{"1.2.3", "", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			got := findAmounts(tokenize(tt.text))
			if tt.value == "" && tt.share == "" {
				assert.Empty(t, got)
				return
			}
			if !assert.Len(t, got, 1) {
				return
			}
			if tt.share != "" {
				assert.Equal(t, tt.share, got[0].share.String())
				return
			}
			assert.Equal(t, tt.value, got[0].value.String())
			assert.Equal(t, tt.cur, got[0].cur)
			assert.Equal(t, tt.weak, got[0].weak)
		})
	}
}

func TestParseNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    string
		grouped bool
		ok      bool
	}{
		{"1.250.000", "1250000", true, true},
		{"1,250,000", "1250000", true, true},
		{"1.250.000,50", "1250000.5", true, true},
		{"1,250,000.50", "1250000.5", true, true},
		{"300,00", "300", false, true},
		{"1.250", "1250", true, true},
		{"0.500", "0.5", false, true},
		{"12.5", "12.5", false, true},
		{"2500", "2500", false, true},
		{"1.25.000", "", false, false},
		{"1,250.000,00", "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, grouped, ok := parseNumber(tt.in)
			assert.Equal(t, tt.ok, ok)
			if ok {
				assert.Equal(t, tt.want, got.String())
				assert.Equal(t, tt.grouped, grouped)
			}
		})
	}
}
