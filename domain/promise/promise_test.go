package promise_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/promise"
)

var (
	now      = time.Date(2026, time.March, 10, 15, 0, 0, 0, time.UTC)
	today    = date.MustParse("2026-03-10")
	customer = uuid.MustParse("8a1d5c7e-2f3b-4a6c-9d8e-0f1a2b3c4d5e")
)

func details() promise.Details {
	return promise.Details{CustomerID: customer, Amount: money.MustParse("500000", "COP"), Date: today.AddDays(5), Note: " pagará el viernes "}
}

func mustNew(t *testing.T, d promise.Details) *promise.Promise {
	t.Helper()
	p, err := promise.New(uuid.New(), d, today, now)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p
}

func TestNewRecordsAPendingPromise(t *testing.T) {
	t.Parallel()
	p := mustNew(t, details())
	if p.Status() != promise.Pending || p.Note() != "pagará el viernes" || !p.ResolvedAt().IsZero() ||
		!p.Date().Equal(today.AddDays(5)) || p.Amount().String() != "COP 500000.00" || !p.CreatedAt().Equal(now) {
		t.Errorf("got status %s note %q resolved %v date %s amount %s", p.Status(), p.Note(), p.ResolvedAt(), p.Date(), p.Amount())
	}
	// Today itself is a valid date: the customer pays before the day ends.
	d := details()
	d.Date = today
	mustNew(t, d)
}

func TestNewRefusesBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*promise.Details)
		want string
	}{
		{"zero amount", func(d *promise.Details) { d.Amount = money.MustParse("0", "COP") }, "greater than zero"},
		{"negative amount", func(d *promise.Details) { d.Amount = money.MustParse("-1", "USD") }, "greater than zero"},
		{"no amount at all", func(d *promise.Details) { d.Amount = money.Money{} }, "greater than zero"},
		{"date yesterday", func(d *promise.Details) { d.Date = today.AddDays(-1) }, "before today"},
		{"no date", func(d *promise.Details) { d.Date = date.Date{} }, "date is required"},
		{"note too long", func(d *promise.Details) { d.Note = strings.Repeat("ñ", 501) }, "at most 500"},
		{"no customer", func(d *promise.Details) { d.CustomerID = uuid.Nil }, "customer is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := details()
			tt.edit(&d)
			p, err := promise.New(uuid.New(), d, today, now)
			var de *domain.Error
			if p != nil || !errors.As(err, &de) || de.Kind() != domain.KindInvalid || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New = %v, %v; want an invalid error containing %q", p, err, tt.want)
			}
		})
	}
	d := details()
	d.Note = strings.Repeat("ñ", 500) // 500 characters, 1,000 bytes: allowed
	mustNew(t, d)
}

func TestActsOnlyFromPending(t *testing.T) {
	t.Parallel()
	acts := map[string]func(*promise.Promise, time.Time) error{
		"keep": (*promise.Promise).Keep, "break": (*promise.Promise).Break, "cancel": (*promise.Promise).Cancel,
	}
	want := map[string]promise.Status{"keep": promise.Kept, "break": promise.Broken, "cancel": promise.Cancelled}
	for name, act := range acts {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := mustNew(t, details())
			later := now.Add(time.Hour)
			if err := act(p, later); err != nil {
				t.Fatal(err)
			}
			if p.Status() != want[name] || !p.ResolvedAt().Equal(later) || p.PausesOn(today) {
				t.Errorf("status %s resolved %v pauses %v", p.Status(), p.ResolvedAt(), p.PausesOn(today))
			}
			for other, again := range acts {
				if err := again(p, later); !errors.Is(err, promise.ErrNotPending) || domain.KindOf(err) != domain.KindConflict {
					t.Errorf("%s after %s: %v, want a conflict", other, name, err)
				}
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	due := today.AddDays(5)
	tests := []struct {
		name    string
		paid    string
		today   date.Date
		changed bool
		want    promise.Status
	}{
		{"nothing paid before the date", "0", today, false, promise.Pending},
		{"part paid on the date", "499999", due, false, promise.Pending},
		{"paid in full early", "500000", today, true, promise.Kept},
		{"paid more", "750000", due, true, promise.Kept},
		{"date passed unpaid", "0", due.AddDays(1), true, promise.Broken},
		{"date passed partly paid", "100000", due.AddDays(1), true, promise.Broken},
		{"date passed but paid", "500000", due.AddDays(3), true, promise.Kept},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := mustNew(t, details())
			changed, err := p.Evaluate(money.MustParse(tt.paid, "COP"), tt.today, now)
			if err != nil || changed != tt.changed || p.Status() != tt.want {
				t.Errorf("Evaluate = %v, %v; status %s; want %v, %s", changed, err, p.Status(), tt.changed, tt.want)
			}
		})
	}
	p := mustNew(t, details())
	if _, err := p.Evaluate(money.MustParse("10", "USD"), today, now); err == nil {
		t.Error("paid in another currency must not compare")
	}
	_ = p.Cancel(now)
	if changed, err := p.Evaluate(money.MustParse("1000000", "COP"), today, now); changed || err != nil || p.Status() != promise.Cancelled {
		t.Errorf("a cancelled promise changed: %v %v %s", changed, err, p.Status())
	}
}

func TestPausesUntilTheEndOfThePromisedDay(t *testing.T) {
	t.Parallel()
	p := mustNew(t, details())
	for _, tc := range []struct {
		day  date.Date
		want bool
	}{{today, true}, {today.AddDays(5), true}, {today.AddDays(6), false}} {
		if got := p.PausesOn(tc.day); got != tc.want {
			t.Errorf("PausesOn(%s) = %v, want %v", tc.day, got, tc.want)
		}
	}
}
