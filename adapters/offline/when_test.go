package offline

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/saldocrm/saldo/domain/date"
)

// date0 is a fixed today for the unit tests: Wednesday 18 March 2026.
var date0 = date.MustParse("2026-03-18")

func firstDate(text string, today date.Date, lng string) string {
	ws := findDates(tokenize(text), today, lng)
	if len(ws) == 0 {
		return ""
	}
	return ws[0].d.String()
}

func TestFindDates(t *testing.T) {
	t.Parallel()
	const (
		monthEnd = "2026-01-30" // a Friday, the day before the last of January
		yearEnd  = "2026-12-30" // a Wednesday
		leapYear = "2028-02-27" // a Sunday, before a 29 February
	)
	tests := []struct {
		today, lng, text, want string
	}{
		// Across a month end.
		{monthEnd, es, "hoy", "2026-01-30"},
		{monthEnd, es, "mañana", "2026-01-31"},
		{monthEnd, es, "pasado mañana", "2026-02-01"},
		{monthEnd, es, "el lunes", "2026-02-02"},
		{monthEnd, es, "el viernes", "2026-02-06"},
		{monthEnd, es, "este viernes", "2026-01-30"},
		{monthEnd, es, "el próximo martes", "2026-02-03"},
		{monthEnd, es, "el 2", "2026-02-02"},
		{monthEnd, es, "el 30", "2026-01-30"},
		{monthEnd, es, "el 29", "2026-02-28"}, // February 2026 has no 29th: its end
		{monthEnd, es, "el 15 de febrero", "2026-02-15"},
		{monthEnd, es, "a fin de mes", "2026-01-31"},
		{monthEnd, es, "en 3 días", "2026-02-02"},
		{monthEnd, es, "la próxima semana", "2026-02-02"},
		{monthEnd, es, "la quincena", "2026-01-31"},
		{monthEnd, pt, "amanhã", "2026-01-31"},
		{monthEnd, pt, "depois de amanhã", "2026-02-01"},
		{monthEnd, pt, "na sexta-feira", "2026-02-06"},
		{monthEnd, pt, "na próxima segunda", "2026-02-02"},
		{monthEnd, pt, "dia 5", "2026-02-05"},
		{monthEnd, pt, "no fim do mês", "2026-01-31"},
		{monthEnd, en, "tomorrow", "2026-01-31"},
		{monthEnd, en, "next Monday", "2026-02-02"},
		{monthEnd, en, "on the 3rd", "2026-02-03"},
		{monthEnd, en, "Feb 10", "2026-02-10"},
		{monthEnd, en, "on 2/10", "2026-02-10"},
		{monthEnd, es, "el 10/02", "2026-02-10"},
		// Across a year end.
		{yearEnd, es, "hoy", "2026-12-30"},
		{yearEnd, es, "mañana", "2026-12-31"},
		{yearEnd, es, "pasado mañana", "2027-01-01"},
		{yearEnd, es, "el viernes", "2027-01-01"},
		{yearEnd, es, "este miércoles", "2026-12-30"},
		{yearEnd, es, "el miércoles", "2027-01-06"},
		{yearEnd, es, "el 5", "2027-01-05"},
		{yearEnd, es, "el 15 de diciembre", "2027-12-15"},
		{yearEnd, es, "el 15/01", "2027-01-15"},
		{yearEnd, es, "la semana que viene", "2027-01-04"},
		{yearEnd, es, "el mes que viene", "2027-01-01"},
		{yearEnd, pt, "dia 2", "2027-01-02"},
		{yearEnd, pt, "2 de janeiro", "2027-01-02"},
		{yearEnd, pt, "sexta-feira", "2027-01-01"},
		{yearEnd, en, "Dec 15", "2027-12-15"},
		{yearEnd, en, "December 15th, 2027", "2027-12-15"},
		{yearEnd, en, "on January 4th", "2027-01-04"},
		{yearEnd, en, "next week", "2027-01-04"},
		{yearEnd, en, "on 1/15", "2027-01-15"},
		{yearEnd, en, "on 12/31/2026", "2026-12-31"},
		{yearEnd, en, "2027-01-08", "2027-01-08"},
		// A leap year.
		{leapYear, es, "pasado mañana", "2028-02-29"},
		{leapYear, es, "el 30", "2028-02-29"},
		{leapYear, pt, "29 de fevereiro", "2028-02-29"},
		// Not days, or days gone.
		{monthEnd, es, "esta mañana", ""},
		{monthEnd, es, "por la mañana", ""},
		{monthEnd, es, "el 10%", ""},
		{monthEnd, es, "los 15 mil", ""},
		{monthEnd, es, "en 3 cuotas", ""},
		{monthEnd, pt, "a segunda via do boleto", ""},
		{monthEnd, pt, "a quinta parcela", ""},
		{monthEnd, es, "el 15 de enero de 2025", ""},
		{monthEnd, en, "on 12/31/2025", ""},
		{monthEnd, es, "hace 2 días", ""},
		{monthEnd, es, "31/02", ""},
		{monthEnd, es, "a las 15:30", ""},
	}
	for _, tt := range tests {
		t.Run(tt.today+" "+tt.text, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, firstDate(tt.text, date.MustParse(tt.today), tt.lng))
		})
	}
}

func TestFindDatesCorrection(t *testing.T) {
	t.Parallel()
	ws := findDates(tokenize("el viernes, no, mejor el lunes"), date0, es)
	if assert.Len(t, ws, 2) {
		assert.False(t, ws[0].corrected)
		assert.True(t, ws[1].corrected)
		assert.Equal(t, "2026-03-23", ws[1].d.String())
	}
}
