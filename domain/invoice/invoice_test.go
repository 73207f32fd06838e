package invoice_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
)

var (
	t0       = time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)
	t1       = t0.Add(time.Hour)
	t2       = t0.Add(2 * time.Hour)
	customer = uuid.MustParse("8a1d5c7e-2f3b-4a6c-9d8e-0f1a2b3c4d5e")
)

func ptr(s string) *string { return &s }

func details() invoice.Details {
	return invoice.Details{
		ExternalID:  "INV-EXT-1",
		CustomerID:  customer,
		Number:      "FE-1001",
		Currency:    "USD",
		IssueDate:   "2026-01-05",
		DueDate:     "2026-02-04",
		Total:       "1000.00",
		Description: "Servicios de enero",
		Metadata:    json.RawMessage(`{"b": 2, "a": 1}`),
	}
}

func mustNew(t *testing.T, d invoice.Details) *invoice.Invoice {
	t.Helper()
	inv, err := invoice.New(d, t0)
	if err != nil {
		t.Fatalf("invoice.New: %v", err)
	}
	return inv
}

func usd(s string) money.Money { return money.MustParse(s, "USD") }

func domainErr(t *testing.T, err error) *domain.Error {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("error = %v (%T), want a domain error", err, err)
	}
	return de
}

func TestNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		edit        func(*invoice.Details)
		wantStatus  invoice.Status
		wantPaid    string
		wantBalance string
		wantDetails []string // substrings of the expected problems; nil when valid
	}{
		{"open, nothing paid", func(*invoice.Details) {}, invoice.Open, "0.00", "1000.00", nil},
		{"open, partially paid", func(d *invoice.Details) { d.AmountPaid = ptr("250.50") }, invoice.Open, "250.50", "749.50", nil},
		{"open with full payment becomes paid", func(d *invoice.Details) { d.AmountPaid = ptr("1000"); d.Status = "open" }, invoice.Paid, "1000.00", "0.00", nil},
		{"status omitted with full payment is paid", func(d *invoice.Details) { d.AmountPaid = ptr("1000.00") }, invoice.Paid, "1000.00", "0.00", nil},
		{"paid with amount_paid omitted pays the total", func(d *invoice.Details) { d.Status = "paid" }, invoice.Paid, "1000.00", "0.00", nil},
		{"status in upper case", func(d *invoice.Details) { d.Status = "PAID" }, invoice.Paid, "1000.00", "0.00", nil},
		{"paid with full amount_paid", func(d *invoice.Details) { d.Status = "paid"; d.AmountPaid = ptr("1000") }, invoice.Paid, "1000.00", "0.00", nil},
		{"void keeps a zero balance", func(d *invoice.Details) { d.Status = "void" }, invoice.Void, "0.00", "0.00", nil},
		{"uncollectible has no balance", func(d *invoice.Details) { d.Status = "uncollectible"; d.AmountPaid = ptr("100") }, invoice.Uncollectible, "100.00", "0.00", nil},
		{"zero total is paid", func(d *invoice.Details) { d.Total = "0" }, invoice.Paid, "0.00", "0.00", nil},
		{"due on the issue date", func(d *invoice.Details) { d.DueDate = d.IssueDate }, invoice.Open, "0.00", "1000.00", nil},
		{"currency in lower case", func(d *invoice.Details) { d.Currency = "cop"; d.Total = "1500000" }, invoice.Open, "0.00", "1500000.00", nil},
		{"CLP", func(d *invoice.Details) { d.Currency = "CLP"; d.Total = "250000" }, invoice.Open, "0", "250000", nil},

		{"negative total", func(d *invoice.Details) { d.Total = "-1.00" }, "", "", "", []string{"total must not be negative"}},
		{"negative amount paid", func(d *invoice.Details) { d.AmountPaid = ptr("-5") }, "", "", "", []string{"amount_paid must not be negative"}},
		{"due before issue", func(d *invoice.Details) { d.DueDate = "2026-01-04" }, "", "", "", []string{"due_date 2026-01-04 is before issue_date 2026-01-05"}},
		{"unknown currency", func(d *invoice.Details) { d.Currency = "XYZ" }, "", "", "", []string{`unknown currency "XYZ"`}},
		{"bad issue date", func(d *invoice.Details) { d.IssueDate = "2026-02-30" }, "", "", "", []string{`"2026-02-30" is not a date`}},
		{"bad due date", func(d *invoice.Details) { d.DueDate = "26-1-1" }, "", "", "", []string{`"26-1-1" is not a date`}},
		{"total too precise for USD", func(d *invoice.Details) { d.Total = "10.005" }, "", "", "", []string{"more decimals than USD allows"}},
		{"total too precise for CLP", func(d *invoice.Details) { d.Currency = "CLP"; d.Total = "100.5" }, "", "", "", []string{"more decimals than CLP allows"}},
		{"total not a number", func(d *invoice.Details) { d.Total = "mil" }, "", "", "", []string{`"mil" is not a decimal amount`}},
		{"paid more than total", func(d *invoice.Details) { d.AmountPaid = ptr("1000.01") }, "", "", "", []string{"amount_paid 1000.01 exceeds total 1000.00"}},
		{"status paid with partial amount", func(d *invoice.Details) { d.Status = "paid"; d.AmountPaid = ptr("400") }, "", "", "", []string{"status paid needs amount_paid equal to total (400.00 of 1000.00 paid)"}},
		{"unknown status", func(d *invoice.Details) { d.Status = "overdue" }, "", "", "", []string{`status "overdue" is not one of`}},
		{"missing customer", func(d *invoice.Details) { d.CustomerID = uuid.Nil }, "", "", "", []string{"customer is required"}},
		{"missing number", func(d *invoice.Details) { d.Number = " " }, "", "", "", []string{"number is required"}},
		{"number too long", func(d *invoice.Details) { d.Number = strings.Repeat("9", 101) }, "", "", "", []string{"number is required"}},
		{"missing external id", func(d *invoice.Details) { d.ExternalID = "" }, "", "", "", []string{"external_id is required"}},
		{"metadata not an object", func(d *invoice.Details) { d.Metadata = json.RawMessage(`[]`) }, "", "", "", []string{"metadata must be a JSON object"}},
		{"every problem at once", func(d *invoice.Details) {
			d.ExternalID, d.CustomerID, d.Number = "", uuid.Nil, ""
			d.IssueDate, d.DueDate, d.Total, d.Status = "2026-02-30", "tomorrow", "x", "late"
			d.Metadata = json.RawMessage(`1`)
		}, "", "", "", []string{
			"external_id is required", "customer is required", "number is required",
			`"2026-02-30" is not a date`, `"tomorrow" is not a date`, `"x" is not a decimal amount`,
			`status "late"`, "metadata must be a JSON object",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := details()
			tt.edit(&d)
			inv, err := invoice.New(d, t0)
			if tt.wantDetails != nil {
				if inv != nil {
					t.Errorf("New returned an invoice along with the error")
				}
				de := domainErr(t, err)
				if de.Code() != "invalid_invoice" || de.Kind() != domain.KindInvalid {
					t.Errorf("code/kind = %q/%v, want invalid_invoice/invalid", de.Code(), de.Kind())
				}
				if len(de.Details()) != len(tt.wantDetails) {
					t.Errorf("details = %q, want %d problems", de.Details(), len(tt.wantDetails))
				}
				for _, w := range tt.wantDetails {
					if !slices.ContainsFunc(de.Details(), func(s string) bool { return strings.Contains(s, w) }) {
						t.Errorf("details %q lack %q", de.Details(), w)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if inv.Status() != tt.wantStatus {
				t.Errorf("status = %q, want %q", inv.Status(), tt.wantStatus)
			}
			if got := inv.AmountPaid().StringFixed(); got != tt.wantPaid {
				t.Errorf("amount paid = %s, want %s", got, tt.wantPaid)
			}
			if got := inv.Balance().StringFixed(); got != tt.wantBalance {
				t.Errorf("balance = %s, want %s", got, tt.wantBalance)
			}
			if inv.AmountPaid().Currency() != inv.Currency() || inv.Balance().Currency() != inv.Currency() {
				t.Errorf("amounts in mixed currencies: total %v paid %v balance %v", inv.Total(), inv.AmountPaid(), inv.Balance())
			}
		})
	}
}

func TestNewFields(t *testing.T) {
	t.Parallel()
	d := details()
	d.ExternalID, d.Number, d.Description = "  INV-EXT-1 ", " FE-1001 ", "  Servicios de enero "
	inv := mustNew(t, d)
	if inv.ID() != invoice.IDFor("INV-EXT-1") || inv.ExternalID() != "INV-EXT-1" || inv.Number() != "FE-1001" ||
		inv.CustomerID() != customer || inv.Description() != "Servicios de enero" {
		t.Errorf("fields: %v %q %q %v %q", inv.ID(), inv.ExternalID(), inv.Number(), inv.CustomerID(), inv.Description())
	}
	if inv.IssueDate().String() != "2026-01-05" || inv.DueDate().String() != "2026-02-04" || inv.Currency().Code() != "USD" ||
		!inv.Total().Equal(usd("1000")) || string(inv.Metadata()) != `{"a":1,"b":2}` {
		t.Errorf("fields: %v %v %v %v %s", inv.IssueDate(), inv.DueDate(), inv.Currency(), inv.Total(), inv.Metadata())
	}
	if !inv.CreatedAt().Equal(t0) || !inv.UpdatedAt().Equal(t0) {
		t.Errorf("times: %v %v", inv.CreatedAt(), inv.UpdatedAt())
	}
	again := mustNew(t, details())
	if again.ID() != inv.ID() || invoice.IDFor("INV-EXT-1") == invoice.IDFor("INV-EXT-2") {
		t.Errorf("IDFor is not a stable function of the external id")
	}
}

func TestSyncKeepsSaldoAmountPaidWhenOmitted(t *testing.T) {
	t.Parallel()
	inv := mustNew(t, details())
	if err := inv.ApplyPayment(usd("300"), t1); err != nil {
		t.Fatalf("ApplyPayment: %v", err)
	}
	changed, err := inv.Sync(details(), t2)
	if err != nil || changed {
		t.Fatalf("Sync(same details, amount_paid omitted) = %v, %v; want false, nil", changed, err)
	}
	if !inv.AmountPaid().Equal(usd("300")) || !inv.Balance().Equal(usd("700")) || inv.Status() != invoice.Open {
		t.Errorf("after sync: paid %v balance %v status %q; want 300.00 / 700.00 / open", inv.AmountPaid(), inv.Balance(), inv.Status())
	}
	if !inv.UpdatedAt().Equal(t1) {
		t.Errorf("updatedAt = %v, want %v (untouched by an unchanged sync)", inv.UpdatedAt(), t1)
	}

	// The ERP raises the total: Saldo's 300 stays paid.
	d := details()
	d.Total = "1200.00"
	changed, err = inv.Sync(d, t2)
	if err != nil || !changed {
		t.Fatalf("Sync(new total) = %v, %v; want true, nil", changed, err)
	}
	if !inv.AmountPaid().Equal(usd("300")) || !inv.Balance().Equal(usd("900")) || !inv.UpdatedAt().Equal(t2) {
		t.Errorf("after new total: paid %v balance %v updated %v", inv.AmountPaid(), inv.Balance(), inv.UpdatedAt())
	}
}

func TestSyncKeepsSaldoSettlement(t *testing.T) {
	t.Parallel()
	inv := mustNew(t, details())
	if err := inv.ApplyPayment(usd("1000"), t1); err != nil {
		t.Fatalf("ApplyPayment: %v", err)
	}
	changed, err := inv.Sync(details(), t2)
	if err != nil || changed {
		t.Fatalf("Sync after full payment = %v, %v; want false, nil", changed, err)
	}
	if inv.Status() != invoice.Paid || !inv.Balance().IsZero() {
		t.Errorf("status %q balance %v; want paid and zero", inv.Status(), inv.Balance())
	}
}

func TestSync(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		edit        func(*invoice.Details)
		wantChanged bool
		wantStatus  invoice.Status
		wantBalance string
	}{
		{"identical details", func(*invoice.Details) {}, false, invoice.Open, "1000.00"},
		{"metadata keys in another order", func(d *invoice.Details) { d.Metadata = json.RawMessage(`{"a":1,"b":2}`) }, false, invoice.Open, "1000.00"},
		{"total written differently", func(d *invoice.Details) { d.Total = "1000" }, false, invoice.Open, "1000.00"},
		{"currency in lower case", func(d *invoice.Details) { d.Currency = "usd" }, false, invoice.Open, "1000.00"},
		{"explicit open status", func(d *invoice.Details) { d.Status = "open" }, false, invoice.Open, "1000.00"},
		{"explicit zero amount paid", func(d *invoice.Details) { d.AmountPaid = ptr("0") }, false, invoice.Open, "1000.00"},
		{"description changes", func(d *invoice.Details) { d.Description = "Servicios de enero (corregida)" }, true, invoice.Open, "1000.00"},
		{"due date changes", func(d *invoice.Details) { d.DueDate = "2026-02-28" }, true, invoice.Open, "1000.00"},
		{"number changes", func(d *invoice.Details) { d.Number = "FE-1001-A" }, true, invoice.Open, "1000.00"},
		{"metadata changes", func(d *invoice.Details) { d.Metadata = json.RawMessage(`{"a":1}`) }, true, invoice.Open, "1000.00"},
		{"customer changes", func(d *invoice.Details) { d.CustomerID = uuid.MustParse("11111111-2222-4333-8444-555555555555") }, true, invoice.Open, "1000.00"},
		{"ERP records a partial payment", func(d *invoice.Details) { d.AmountPaid = ptr("400") }, true, invoice.Open, "600.00"},
		{"ERP marks it paid", func(d *invoice.Details) { d.Status = "paid" }, true, invoice.Paid, "0.00"},
		{"ERP voids it", func(d *invoice.Details) { d.Status = "void" }, true, invoice.Void, "0.00"},
		{"currency changes", func(d *invoice.Details) { d.Currency = "COP"; d.Total = "4000000" }, true, invoice.Open, "4000000.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inv := mustNew(t, details())
			d := details()
			tt.edit(&d)
			changed, err := inv.Sync(d, t1)
			if err != nil {
				t.Fatalf("Sync: %v", err)
			}
			if changed != tt.wantChanged {
				t.Errorf("changed = %v, want %v", changed, tt.wantChanged)
			}
			wantUpdated := t0
			if tt.wantChanged {
				wantUpdated = t1
			}
			if !inv.UpdatedAt().Equal(wantUpdated) {
				t.Errorf("updatedAt = %v, want %v", inv.UpdatedAt(), wantUpdated)
			}
			if inv.Status() != tt.wantStatus || inv.Balance().StringFixed() != tt.wantBalance {
				t.Errorf("status %q balance %s, want %q %s", inv.Status(), inv.Balance().StringFixed(), tt.wantStatus, tt.wantBalance)
			}
			if inv.ID() != invoice.IDFor("INV-EXT-1") || !inv.CreatedAt().Equal(t0) {
				t.Errorf("Sync changed the id or creation time")
			}
		})
	}
}

func TestSyncVoidStaysVoidWhenStatusOmitted(t *testing.T) {
	t.Parallel()
	d := details()
	d.Status = "void"
	inv := mustNew(t, d)
	changed, err := inv.Sync(details(), t1)
	if err != nil || changed {
		t.Fatalf("Sync without status = %v, %v; want false, nil", changed, err)
	}
	if inv.Status() != invoice.Void || !inv.Balance().IsZero() {
		t.Errorf("status %q balance %v; want void with zero balance", inv.Status(), inv.Balance())
	}
}

func TestSyncRefusalsLeaveInvoiceUntouched(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		edit     func(*invoice.Details)
		wantCode string
	}{
		{"external id change", func(d *invoice.Details) { d.ExternalID = "INV-EXT-2" }, "external_id_immutable"},
		{"invalid details", func(d *invoice.Details) { d.Total = "-1" }, "invalid_invoice"},
		// Saldo recorded 300 paid: a total below it cannot be applied.
		{"total below what Saldo recorded as paid", func(d *invoice.Details) { d.Total = "200" }, "invalid_invoice"},
		{"paid status with Saldo's partial payment given back as amount_paid", func(d *invoice.Details) { d.Status = "paid"; d.AmountPaid = ptr("300") }, "invalid_invoice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inv := mustNew(t, details())
			if err := inv.ApplyPayment(usd("300"), t1); err != nil {
				t.Fatalf("ApplyPayment: %v", err)
			}
			d := details()
			d.Description = "must not be applied"
			tt.edit(&d)
			changed, err := inv.Sync(d, t2)
			de := domainErr(t, err)
			if de.Code() != tt.wantCode || de.Kind() != domain.KindInvalid || changed {
				t.Errorf("Sync = %v, %q (%q); want false and %q", changed, de, de.Code(), tt.wantCode)
			}
			if inv.ExternalID() != "INV-EXT-1" || inv.Description() != "Servicios de enero" || !inv.Total().Equal(usd("1000")) ||
				!inv.AmountPaid().Equal(usd("300")) || inv.Status() != invoice.Open || !inv.UpdatedAt().Equal(t1) {
				t.Errorf("invoice changed by a refused sync: %q %q total %v paid %v %q %v",
					inv.ExternalID(), inv.Description(), inv.Total(), inv.AmountPaid(), inv.Status(), inv.UpdatedAt())
			}
		})
	}
}

func TestDaysOverdueAndBucket(t *testing.T) {
	t.Parallel()
	due := date.MustParse("2026-02-04")
	tests := []struct {
		days       int // today - due date
		wantDays   int
		wantBucket invoice.Bucket
	}{
		{-10, 0, invoice.Current},
		{-1, 0, invoice.Current},
		{0, 0, invoice.Current},
		{1, 1, invoice.Days1To30},
		{30, 30, invoice.Days1To30},
		{31, 31, invoice.Days31To60},
		{60, 60, invoice.Days31To60},
		{61, 61, invoice.Days61To90},
		{90, 90, invoice.Days61To90},
		{91, 91, invoice.DaysOver90},
		{400, 400, invoice.DaysOver90},
	}
	for _, tt := range tests {
		t.Run(due.AddDays(tt.days).String(), func(t *testing.T) {
			t.Parallel()
			today := due.AddDays(tt.days)
			d := details()
			d.AmountPaid = ptr("1.00") // a partial payment does not stop the clock
			inv := mustNew(t, d)
			if got := inv.DaysOverdue(today); got != tt.wantDays {
				t.Errorf("DaysOverdue = %d, want %d", got, tt.wantDays)
			}
			if got := inv.Bucket(today); got != tt.wantBucket {
				t.Errorf("Bucket = %q, want %q", got, tt.wantBucket)
			}
			if inv.IsOverdue(today) != (tt.wantDays > 0) {
				t.Errorf("IsOverdue = %v", inv.IsOverdue(today))
			}
			if got := invoice.BucketFor(tt.wantDays); got != tt.wantBucket {
				t.Errorf("BucketFor(%d) = %q, want %q", tt.wantDays, got, tt.wantBucket)
			}
			lo, hi := tt.wantBucket.Range()
			if tt.wantDays < lo || (hi >= 0 && tt.wantDays > hi) {
				t.Errorf("%d days is outside %q's range [%d, %d]", tt.wantDays, tt.wantBucket, lo, hi)
			}
		})
	}
}

func TestDaysOverdueIsZeroWithoutBalance(t *testing.T) {
	t.Parallel()
	today := date.MustParse("2026-06-01") // 117 days after the due date
	tests := []struct {
		name string
		edit func(*invoice.Details)
	}{
		{"paid", func(d *invoice.Details) { d.Status = "paid" }},
		{"paid through amount_paid", func(d *invoice.Details) { d.AmountPaid = ptr("1000") }},
		{"void", func(d *invoice.Details) { d.Status = "void" }},
		{"uncollectible", func(d *invoice.Details) { d.Status = "uncollectible" }},
		{"zero total", func(d *invoice.Details) { d.Total = "0" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := details()
			tt.edit(&d)
			inv := mustNew(t, d)
			if got := inv.DaysOverdue(today); got != 0 {
				t.Errorf("DaysOverdue = %d, want 0", got)
			}
			if got := inv.Bucket(today); got != invoice.Current {
				t.Errorf("Bucket = %q, want current", got)
			}
			if inv.IsOverdue(today) {
				t.Errorf("IsOverdue = true")
			}
		})
	}
}

func TestApplyPayment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      string // of the invoice before the payment
		prior       string // applied before the payment under test; "" for none
		amount      money.Money
		wantCode    string
		wantKind    domain.Kind
		wantStatus  invoice.Status
		wantPaid    string
		wantBalance string
	}{
		{"partial", "", "", usd("400.25"), "", 0, invoice.Open, "400.25", "599.75"},
		{"exact settlement", "", "", usd("1000"), "", 0, invoice.Paid, "1000.00", "0.00"},
		{"second payment settles", "", "400", usd("600"), "", 0, invoice.Paid, "1000.00", "0.00"},
		{"second payment partial", "", "400", usd("599.99"), "", 0, invoice.Open, "999.99", "0.01"},
		{"wrong currency", "", "", money.MustParse("100", "COP"), "currency_mismatch", domain.KindInvalid, invoice.Open, "0.00", "1000.00"},
		{"more than the balance", "", "", usd("1000.01"), "allocation_exceeds_balance", domain.KindInvalid, invoice.Open, "0.00", "1000.00"},
		{"more than what is left", "", "999", usd("1.01"), "allocation_exceeds_balance", domain.KindInvalid, invoice.Open, "999.00", "1.00"},
		{"zero", "", "", usd("0"), "non_positive_amount", domain.KindInvalid, invoice.Open, "0.00", "1000.00"},
		{"negative", "", "", usd("-10"), "non_positive_amount", domain.KindInvalid, invoice.Open, "0.00", "1000.00"},
		{"paid invoice", "paid", "", usd("1"), "invoice_not_payable", domain.KindConflict, invoice.Paid, "1000.00", "0.00"},
		{"void invoice", "void", "", usd("1"), "invoice_not_payable", domain.KindConflict, invoice.Void, "0.00", "0.00"},
		{"uncollectible invoice", "uncollectible", "", usd("1"), "invoice_not_payable", domain.KindConflict, invoice.Uncollectible, "0.00", "0.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := details()
			d.Status = tt.status
			inv := mustNew(t, d)
			if tt.prior != "" {
				if err := inv.ApplyPayment(usd(tt.prior), t1); err != nil {
					t.Fatalf("prior ApplyPayment: %v", err)
				}
			}
			before := inv.UpdatedAt()
			err := inv.ApplyPayment(tt.amount, t2)
			if tt.wantCode != "" {
				de := domainErr(t, err)
				if de.Code() != tt.wantCode || de.Kind() != tt.wantKind {
					t.Errorf("error %q code %q kind %v, want %q %v", de, de.Code(), de.Kind(), tt.wantCode, tt.wantKind)
				}
				if !inv.UpdatedAt().Equal(before) {
					t.Errorf("a refused payment touched updatedAt")
				}
			} else {
				if err != nil {
					t.Fatalf("ApplyPayment: %v", err)
				}
				if !inv.UpdatedAt().Equal(t2) {
					t.Errorf("updatedAt = %v, want %v", inv.UpdatedAt(), t2)
				}
			}
			if inv.Status() != tt.wantStatus || inv.AmountPaid().StringFixed() != tt.wantPaid || inv.Balance().StringFixed() != tt.wantBalance {
				t.Errorf("status %q paid %s balance %s; want %q %s %s", inv.Status(), inv.AmountPaid().StringFixed(),
					inv.Balance().StringFixed(), tt.wantStatus, tt.wantPaid, tt.wantBalance)
			}
			if inv.PartiallyPaid() != (tt.wantStatus == invoice.Open && tt.wantPaid != "0.00") {
				t.Errorf("PartiallyPaid = %v", inv.PartiallyPaid())
			}
		})
	}
}

func TestParseStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    invoice.Status
		wantErr bool
	}{
		{"open", invoice.Open, false},
		{"PAID", invoice.Paid, false},
		{" Void ", invoice.Void, false},
		{"uncollectible", invoice.Uncollectible, false},
		{"partially_paid", "", true},
		{"overdue", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := invoice.ParseStatus(tt.in)
			if tt.wantErr {
				if !errors.Is(err, invoice.ErrInvalidStatus) || domain.KindOf(err) != domain.KindInvalid {
					t.Fatalf("ParseStatus(%q) = %q, %v; want invalid_status", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseStatus(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseBucket(t *testing.T) {
	t.Parallel()
	for _, b := range invoice.Buckets {
		if got, err := invoice.ParseBucket(string(b)); err != nil || got != b {
			t.Errorf("ParseBucket(%q) = %q, %v", b, got, err)
		}
	}
	for _, bad := range []string{"", "0-30", "90-", "over90", "CURRENT"} {
		if _, err := invoice.ParseBucket(bad); !errors.Is(err, invoice.ErrInvalidBucket) {
			t.Errorf("ParseBucket(%q) error = %v, want invalid_aging_bucket", bad, err)
		}
	}
}

func TestBucketRangesTileTheDays(t *testing.T) {
	t.Parallel()
	for days := -5; days <= 200; days++ {
		b := invoice.BucketFor(days)
		lo, hi := b.Range()
		if days < lo || (hi >= 0 && days > hi) {
			t.Errorf("BucketFor(%d) = %q whose range is [%d, %d]", days, b, lo, hi)
		}
	}
	if !slices.Equal(invoice.Buckets, []invoice.Bucket{invoice.Current, invoice.Days1To30, invoice.Days31To60, invoice.Days61To90, invoice.DaysOver90}) {
		t.Errorf("Buckets = %q, not youngest first", invoice.Buckets)
	}
}
