// Package date implements Date, a calendar day without a time or a zone:
// invoices are issued and fall due on dates, and "today" is a date in the
// organization's time zone.
package date

import (
	"time"

	"github.com/saldocrm/saldo/domain"
)

// ErrInvalid is returned for a string that is not a YYYY-MM-DD date.
var ErrInvalid = domain.Errorf(domain.KindInvalid, "invalid_date", "%q is not a date in the form YYYY-MM-DD")

// Layout is the ISO 8601 calendar date layout.
const Layout = "2006-01-02"

// Date is a calendar day. The zero value is the zero date (IsZero).
type Date struct {
	t time.Time // midnight UTC of the day
}

// New returns the date year-month-day; out-of-range values normalize as in time.Date.
func New(year int, month time.Month, day int) Date {
	return Date{t: time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// Parse reads a YYYY-MM-DD date.
func Parse(s string) (Date, error) {
	t, err := time.Parse(Layout, s)
	if err != nil {
		return Date{}, ErrInvalid.New(s)
	}
	return Date{t: t}, nil
}

// MustParse is Parse for literals; it panics on error.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Of returns the calendar date of instant t as seen in loc.
func Of(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return New(y, m, d)
}

// FromTime returns the date of t's own year, month and day, ignoring its zone;
// adapters use it to read DATE columns.
func FromTime(t time.Time) Date {
	y, m, d := t.Date()
	return New(y, m, d)
}

// Time returns midnight UTC of the date, for storage.
func (d Date) Time() time.Time { return d.t }

// StartIn returns the first instant of the date in loc.
func (d Date) StartIn(loc *time.Location) time.Time {
	y, m, dd := d.t.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, loc)
}

// IsZero reports whether d is the zero date.
func (d Date) IsZero() bool { return d.t.IsZero() }

// String returns YYYY-MM-DD.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(Layout)
}

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.t.Before(o.t) }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.t.After(o.t) }

// Equal reports whether d and o are the same day.
func (d Date) Equal(o Date) bool { return d.t.Equal(o.t) }

// AddDays returns the date n days after d (before, when n is negative).
func (d Date) AddDays(n int) Date { return Date{t: d.t.AddDate(0, 0, n)} }

// DaysSince returns the number of days from o to d (negative when d is before o).
func (d Date) DaysSince(o Date) int {
	return int(d.t.Sub(o.t).Hours() / 24)
}
