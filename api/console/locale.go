package console

import (
	"fmt"
	"strings"
	"time"

	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/money"
)

// Lang is a console language: es (default), pt or en.
type Lang string

// The console languages.
const (
	ES Lang = "es"
	PT Lang = "pt"
	EN Lang = "en"
)

func parseLang(s string) Lang {
	switch Lang(strings.ToLower(strings.TrimSpace(s))) {
	case PT:
		return PT
	case EN:
		return EN
	}
	return ES
}

func (l Lang) index() int {
	switch l {
	case PT:
		return 1
	case EN:
		return 2
	}
	return 0
}

// T translates key into l, formatting args into it when it has verbs. An
// unknown key shows itself, so a missing string is visible, not blank.
func T(l Lang, key string, args ...any) string {
	e, ok := catalog[key]
	if !ok {
		return key
	}
	s := e[l.index()]
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Money formats m for l: "$ 1.250.000,00 COP", "R$ 1.234,50", "US$1,234.50".
func Money(l Lang, m money.Money) string { return m.Format(string(l)) }

var months = [3][12]string{
	{"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"},
	{"jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"},
	{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
}

// Date formats a calendar date for l: "21 nov 2026" or "Nov 21, 2026".
func Date(l Lang, d date.Date) string {
	if d.IsZero() {
		return ""
	}
	t := d.Time()
	m := months[l.index()][t.Month()-1]
	if l == EN {
		return fmt.Sprintf("%s %d, %d", m, t.Day(), t.Year())
	}
	return fmt.Sprintf("%d %s %d", t.Day(), m, t.Year())
}

// Clock formats the time of day of t in loc: "14:05", or "2:05 PM" in English.
func Clock(l Lang, t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	if l == EN {
		return t.In(loc).Format("3:04 PM")
	}
	return t.In(loc).Format("15:04")
}

// When formats an instant for lists: the time today, "ayer", or the date.
func When(l Lang, t, now time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	day, today := date.Of(t, loc), date.Of(now, loc)
	switch {
	case day.Equal(today):
		return Clock(l, t, loc)
	case day.Equal(today.AddDays(-1)):
		return T(l, "yesterday")
	}
	return Date(l, day)
}

// Duration formats a time left: "23 h 12 min", "12 min".
func Duration(d time.Duration) string {
	if d <= 0 {
		return "0 min"
	}
	h := int(d.Hours())
	m := int(d.Minutes()) % 60
	if h == 0 {
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d h %02d min", h, m)
}
