package account_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/account"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/payment"
)

var (
	t0       = time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)
	customer = uuid.MustParse("8a1d5c7e-2f3b-4a6c-9d8e-0f1a2b3c4d5e")
	today    = date.MustParse("2026-04-15")
)

type inv struct {
	number, currency, due, total, paid, status string
}

func newInvoice(t *testing.T, s inv) *invoice.Invoice {
	t.Helper()
	d := invoice.Details{
		ExternalID: "ext-" + s.number, CustomerID: customer, Number: s.number, Currency: s.currency,
		IssueDate: "2025-10-01", DueDate: s.due, Total: s.total, Status: s.status,
	}
	if s.paid != "" {
		d.AmountPaid = &s.paid
	}
	i, err := invoice.New(d, t0)
	if err != nil {
		t.Fatalf("invoice.New(%+v): %v", s, err)
	}
	return i
}

// customerInvoices returns, for today 2026-04-15, invoices in every aging
// bucket in COP and USD, plus settled ones that must not count.
func customerInvoices(t *testing.T) []*invoice.Invoice {
	t.Helper()
	return []*invoice.Invoice{
		newInvoice(t, inv{"C-CUR", "COP", "2026-04-30", "1000000", "", ""}),      // current
		newInvoice(t, inv{"C-TODAY", "COP", "2026-04-15", "500000", "", ""}),     // due today: current
		newInvoice(t, inv{"C-90", "COP", "2026-01-15", "2000000", "500000", ""}), // 90 days: 61-90, balance 1,500,000
		newInvoice(t, inv{"C-91", "COP", "2026-01-14", "300000.50", "", ""}),     // 91 days: 90+
		newInvoice(t, inv{"U-1", "USD", "2026-04-14", "100.00", "", ""}),         // 1 day: 1-30
		newInvoice(t, inv{"U-30", "USD", "2026-03-16", "200.00", "50.25", ""}),   // 30 days: 1-30, balance 149.75
		newInvoice(t, inv{"U-31", "USD", "2026-03-15", "300.00", "", ""}),        // 31 days: 31-60
		newInvoice(t, inv{"U-61", "USD", "2026-02-13", "400.00", "", ""}),        // 61 days: 61-90
		newInvoice(t, inv{"U-PAID", "USD", "2025-12-01", "999.00", "", "paid"}),  // settled
		newInvoice(t, inv{"U-VOID", "USD", "2025-12-01", "999.00", "", "void"}),  // void
		newInvoice(t, inv{"U-BAD", "USD", "2025-12-01", "999.00", "", "uncollectible"}),
	}
}

func TestSummarizeTotals(t *testing.T) {
	t.Parallel()
	credit := []money.Money{
		money.MustParse("25.50", "USD"),
		money.MustParse("10000", "CLP"), // a currency with credit only
		money.MustParse("0", "COP"),     // zero credit adds nothing
		money.MustParse("4.50", "USD"),
	}
	s := account.Summarize(customerInvoices(t), credit, nil, today)

	var codes []string
	for _, tot := range s.Totals {
		codes = append(codes, tot.Currency.Code())
	}
	if want := []string{"CLP", "COP", "USD"}; !slices.Equal(codes, want) {
		t.Fatalf("totals currencies = %v, want %v", codes, want)
	}
	tests := []struct {
		code                     string
		balance, overdue, credit string
		aging                    map[invoice.Bucket]string
	}{
		{"CLP", "0", "0", "10000", map[invoice.Bucket]string{}},
		{"COP", "3300000.50", "1800000.50", "0.00", map[invoice.Bucket]string{
			invoice.Current: "1500000.00", invoice.Days61To90: "1500000.00", invoice.DaysOver90: "300000.50",
		}},
		{"USD", "949.75", "949.75", "30.00", map[invoice.Bucket]string{
			invoice.Days1To30: "249.75", invoice.Days31To60: "300.00", invoice.Days61To90: "400.00",
		}},
	}
	for k, tt := range tests {
		tot := s.Totals[k]
		t.Run(tt.code, func(t *testing.T) {
			t.Parallel()
			c := tot.Currency
			for _, m := range []money.Money{tot.Balance, tot.Overdue, tot.Credit} {
				if m.Currency() != c {
					t.Errorf("amount %v in a %s total", m, c)
				}
			}
			if tot.Balance.StringFixed() != tt.balance || tot.Overdue.StringFixed() != tt.overdue || tot.Credit.StringFixed() != tt.credit {
				t.Errorf("balance %s overdue %s credit %s; want %s %s %s", tot.Balance.StringFixed(), tot.Overdue.StringFixed(),
					tot.Credit.StringFixed(), tt.balance, tt.overdue, tt.credit)
			}
			var buckets []invoice.Bucket
			aged := money.Zero(c)
			for _, b := range tot.Aging {
				buckets = append(buckets, b.Bucket)
				want, ok := tt.aging[b.Bucket]
				if !ok {
					want = money.Zero(c).StringFixed()
				}
				if b.Amount.StringFixed() != want || b.Amount.Currency() != c {
					t.Errorf("bucket %s = %v, want %s %s", b.Bucket, b.Amount, c, want)
				}
				aged, _ = aged.Add(b.Amount)
			}
			if !slices.Equal(buckets, invoice.Buckets) {
				t.Errorf("aging buckets = %v, want %v", buckets, invoice.Buckets)
			}
			if !aged.Equal(tot.Balance) {
				t.Errorf("aging adds up to %v, balance is %v", aged, tot.Balance)
			}
			notDue, _ := tot.Balance.Sub(tot.Overdue)
			if !notDue.Equal(tot.Aging[0].Amount) {
				t.Errorf("balance - overdue = %v, current bucket = %v", notDue, tot.Aging[0].Amount)
			}
		})
	}
}

func TestSummarizeOverdueInvoices(t *testing.T) {
	t.Parallel()
	invs := customerInvoices(t)
	slices.Reverse(invs) // the input order must not matter
	s := account.Summarize(invs, nil, nil, today)
	type row struct {
		number, due, balance string
		days                 int
	}
	var got []row
	for _, o := range s.OverdueInvoices {
		got = append(got, row{o.Number, o.DueDate.String(), o.Balance.String(), o.DaysOverdue})
		if o.InvoiceID != invoice.IDFor("ext-"+o.Number) || o.ExternalID != "ext-"+o.Number {
			t.Errorf("%s: id %v external id %q", o.Number, o.InvoiceID, o.ExternalID)
		}
	}
	want := []row{
		{"C-91", "2026-01-14", "COP 300000.50", 91},
		{"C-90", "2026-01-15", "COP 1500000.00", 90},
		{"U-61", "2026-02-13", "USD 400.00", 61},
		{"U-31", "2026-03-15", "USD 300.00", 31},
		{"U-30", "2026-03-16", "USD 149.75", 30},
		{"U-1", "2026-04-14", "USD 100.00", 1},
	}
	if !slices.Equal(got, want) {
		t.Errorf("overdue invoices =\n%v\nwant\n%v", got, want)
	}
}

func TestSummarizeDependsOnToday(t *testing.T) {
	t.Parallel()
	invs := []*invoice.Invoice{newInvoice(t, inv{"U-1", "USD", "2026-04-14", "100.00", "", ""})}
	tests := []struct {
		today       string
		wantOverdue int
		wantBucket  invoice.Bucket
	}{
		{"2026-04-13", 0, invoice.Current},
		{"2026-04-14", 0, invoice.Current},
		{"2026-04-15", 1, invoice.Days1To30},
		{"2026-07-13", 90, invoice.Days61To90},
		{"2026-07-14", 91, invoice.DaysOver90},
	}
	for _, tt := range tests {
		t.Run(tt.today, func(t *testing.T) {
			t.Parallel()
			s := account.Summarize(invs, nil, nil, date.MustParse(tt.today))
			if len(s.OverdueInvoices) != min(tt.wantOverdue, 1) {
				t.Fatalf("overdue invoices = %+v", s.OverdueInvoices)
			}
			if tt.wantOverdue > 0 && s.OverdueInvoices[0].DaysOverdue != tt.wantOverdue {
				t.Errorf("days overdue = %d, want %d", s.OverdueInvoices[0].DaysOverdue, tt.wantOverdue)
			}
			for _, b := range s.Totals[0].Aging {
				if (b.Bucket == tt.wantBucket) != b.Amount.IsPositive() {
					t.Errorf("bucket %s holds %v, want the balance in %s", b.Bucket, b.Amount, tt.wantBucket)
				}
			}
		})
	}
}

func TestSummarizeLastPayment(t *testing.T) {
	t.Parallel()
	received := time.Date(2026, time.April, 10, 15, 4, 5, 0, time.UTC)
	p, err := payment.New(uuid.MustParse("9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4"), payment.Details{
		CustomerID: customer, Amount: money.MustParse("150.00", "USD"), Method: payment.Pix, ReceivedAt: received,
	}, t0)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		last *payment.Payment
	}{
		{"none", nil},
		{"one", p},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := account.Summarize(nil, nil, tt.last, today)
			if tt.last == nil {
				if s.LastPayment != nil {
					t.Errorf("LastPayment = %+v, want nil", s.LastPayment)
				}
				return
			}
			lp := s.LastPayment
			if lp == nil {
				t.Fatal("LastPayment = nil")
			}
			if lp.PaymentID != p.ID() || !lp.ReceivedAt.Equal(received) || !lp.Amount.Equal(p.Amount()) || lp.Method != payment.Pix {
				t.Errorf("LastPayment = %+v", *lp)
			}
		})
	}
}

func TestSummarizeEmptyAccount(t *testing.T) {
	t.Parallel()
	s := account.Summarize(nil, []money.Money{money.Zero(money.MustCurrency("USD"))}, nil, today)
	if len(s.Totals) != 0 || len(s.OverdueInvoices) != 0 || s.LastPayment != nil {
		t.Errorf("Summary = %+v, want empty", s)
	}
}

func TestSummarizeDoesNotReorderCallerSlice(t *testing.T) {
	t.Parallel()
	invs := customerInvoices(t)
	want := slices.Clone(invs)
	account.Summarize(invs, nil, nil, today)
	if !slices.Equal(invs, want) {
		t.Errorf("Summarize reordered the caller's invoices")
	}
}
