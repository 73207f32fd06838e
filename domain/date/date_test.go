package date_test

import (
	"errors"
	"testing"
	"time"
	_ "time/tzdata" // the zones below must exist wherever the tests run

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/date"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    date.Date
		wantErr bool
	}{
		{"2026-03-21", date.New(2026, time.March, 21), false},
		{"2024-02-29", date.New(2024, time.February, 29), false},
		{"2026-12-31", date.New(2026, time.December, 31), false},
		{"2026-02-30", date.Date{}, true},
		{"2025-02-29", date.Date{}, true},
		{"2026-04-31", date.Date{}, true},
		{"2026-13-01", date.Date{}, true},
		{"2026-00-10", date.Date{}, true},
		{"26-1-1", date.Date{}, true},
		{"2026-1-1", date.Date{}, true},
		{"21/03/2026", date.Date{}, true},
		{"2026-03-21T10:00:00Z", date.Date{}, true},
		{" 2026-03-21", date.Date{}, true},
		{"", date.Date{}, true},
		{"tomorrow", date.Date{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := date.Parse(tt.in)
			if tt.wantErr {
				var de *domain.Error
				if !errors.As(err, &de) || de.Code() != "invalid_date" || de.Kind() != domain.KindInvalid {
					t.Fatalf("Parse(%q) = %v, %v; want invalid_date", tt.in, got, err)
				}
				if !errors.Is(err, date.ErrInvalid) {
					t.Errorf("errors.Is(err, ErrInvalid) = false")
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if !got.Equal(tt.want) || got.String() != tt.in {
				t.Errorf("Parse(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestOfAcrossTimeZones(t *testing.T) {
	t.Parallel()
	bogota, err := time.LoadLocation("America/Bogota")
	if err != nil {
		t.Fatal(err)
	}
	saoPaulo, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Fatal(err)
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	// 02:30 UTC on the 22nd is 21:30 on the 21st in Bogotá (UTC-5).
	lateEvening := time.Date(2026, time.March, 22, 2, 30, 0, 0, time.UTC)
	tests := []struct {
		name    string
		instant time.Time
		loc     *time.Location
		want    string
	}{
		{"still the 21st in Bogota", lateEvening, bogota, "2026-03-21"},
		{"already the 22nd in UTC", lateEvening, time.UTC, "2026-03-22"},
		{"still the 21st in Sao Paulo", lateEvening, saoPaulo, "2026-03-21"},
		{"the 22nd in Tokyo", lateEvening, tokyo, "2026-03-22"},
		{"instant given in another zone", lateEvening.In(tokyo), bogota, "2026-03-21"},
		{"new year in Bogota happens later", time.Date(2027, time.January, 1, 4, 59, 0, 0, time.UTC), bogota, "2026-12-31"},
		{"new year in Bogota", time.Date(2027, time.January, 1, 5, 0, 0, 0, time.UTC), bogota, "2027-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := date.Of(tt.instant, tt.loc).String(); got != tt.want {
				t.Errorf("Of(%v, %v) = %s, want %s", tt.instant, tt.loc, got, tt.want)
			}
		})
	}
	if got, want := date.MustParse("2026-03-21").StartIn(bogota), time.Date(2026, time.March, 21, 5, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("StartIn(Bogota) = %v, want %v", got, want)
	}
	if got := date.FromTime(lateEvening.In(bogota)).String(); got != "2026-03-21" {
		t.Errorf("FromTime(Bogota wall clock) = %s, want 2026-03-21", got)
	}
}

func TestDaysSince(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d, o string
		want int
	}{
		{"2026-03-21", "2026-03-21", 0},
		{"2026-03-22", "2026-03-21", 1},
		{"2026-03-20", "2026-03-21", -1},
		{"2026-03-01", "2026-02-01", 28},
		{"2024-03-01", "2024-02-01", 29},
		{"2026-01-01", "2025-12-31", 1},
		{"2027-01-01", "2026-01-01", 365},
		{"2025-01-01", "2024-01-01", 366},
		{"2026-04-01", "2026-01-01", 90},
		{"2026-01-01", "2026-04-01", -90},
		// A DST change in the organization's zone does not matter: dates are days.
		{"2026-03-09", "2026-03-07", 2},
		{"2026-11-02", "2026-10-31", 2},
	}
	for _, tt := range tests {
		t.Run(tt.d+" since "+tt.o, func(t *testing.T) {
			t.Parallel()
			if got := date.MustParse(tt.d).DaysSince(date.MustParse(tt.o)); got != tt.want {
				t.Errorf("DaysSince = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestAddDays(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-03-21", 0, "2026-03-21"},
		{"2026-01-31", 1, "2026-02-01"},
		{"2026-02-28", 1, "2026-03-01"},
		{"2024-02-28", 1, "2024-02-29"},
		{"2024-02-29", 1, "2024-03-01"},
		{"2026-12-31", 1, "2027-01-01"},
		{"2026-03-01", -1, "2026-02-28"},
		{"2024-03-01", -1, "2024-02-29"},
		{"2026-01-01", -1, "2025-12-31"},
		{"2026-01-31", 30, "2026-03-02"},
		{"2026-01-15", 90, "2026-04-15"},
	}
	for _, tt := range tests {
		t.Run(tt.from, func(t *testing.T) {
			t.Parallel()
			from := date.MustParse(tt.from)
			got := from.AddDays(tt.n)
			if got.String() != tt.want {
				t.Errorf("%s.AddDays(%d) = %s, want %s", tt.from, tt.n, got, tt.want)
			}
			if back := got.DaysSince(from); back != tt.n {
				t.Errorf("DaysSince after AddDays(%d) = %d", tt.n, back)
			}
		})
	}
}

func TestComparisons(t *testing.T) {
	t.Parallel()
	a, b := date.MustParse("2026-03-21"), date.MustParse("2026-03-22")
	if !a.Before(b) || a.After(b) || !b.After(a) || a.Equal(b) || !a.Equal(date.New(2026, time.March, 21)) {
		t.Error("Before/After/Equal disagree with the calendar")
	}
	var zero date.Date
	if !zero.IsZero() || zero.String() != "" || a.IsZero() {
		t.Errorf("zero date: IsZero=%v String=%q", zero.IsZero(), zero.String())
	}
	if got := a.Time(); !got.Equal(time.Date(2026, time.March, 21, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Time() = %v, want midnight UTC", got)
	}
}
