package payment_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/payment"
)

var (
	t0       = time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)
	t1       = t0.Add(time.Hour)
	customer = uuid.MustParse("8a1d5c7e-2f3b-4a6c-9d8e-0f1a2b3c4d5e")
	stranger = uuid.MustParse("11111111-2222-4333-8444-555555555555")
	payID    = uuid.MustParse("9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4")
)

func usd(s string) money.Money { return money.MustParse(s, "USD") }

// inv describes an invoice for newInvoice.
type inv struct {
	number, currency, issue, due, total, paid, status string
	customer                                          uuid.UUID
}

func newInvoice(t *testing.T, s inv) *invoice.Invoice {
	t.Helper()
	d := invoice.Details{
		ExternalID: "ext-" + s.number, CustomerID: customer, Number: s.number, Currency: "USD",
		IssueDate: "2026-01-01", DueDate: "2026-01-31", Total: s.total, Status: s.status,
	}
	if s.customer != uuid.Nil {
		d.CustomerID = s.customer
	}
	if s.currency != "" {
		d.Currency = s.currency
	}
	if s.issue != "" {
		d.IssueDate = s.issue
	}
	if s.due != "" {
		d.DueDate = s.due
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

func newPayment(t *testing.T, amount money.Money) *payment.Payment {
	t.Helper()
	p, err := payment.New(payID, payment.Details{CustomerID: customer, Amount: amount, Method: payment.Transfer, ReceivedAt: t0}, t0)
	if err != nil {
		t.Fatalf("payment.New: %v", err)
	}
	return p
}

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
	valid := func() payment.Details {
		return payment.Details{
			CustomerID: customer, Amount: usd("150.00"), Method: payment.Transfer,
			ProviderReference: "  BANCOLOMBIA-778899 ", ReceivedAt: time.Date(2026, 3, 1, 9, 30, 0, 0, time.FixedZone("COT", -5*3600)),
		}
	}
	tests := []struct {
		name        string
		edit        func(*payment.Details)
		wantDetails []string
	}{
		{"valid", func(*payment.Details) {}, nil},
		{"no reference", func(d *payment.Details) { d.ProviderReference = "" }, nil},
		{"reference of 255 characters", func(d *payment.Details) { d.ProviderReference = strings.Repeat("r", 255) }, nil},
		{"missing customer", func(d *payment.Details) { d.CustomerID = uuid.Nil }, []string{"customer is required"}},
		{"zero amount", func(d *payment.Details) { d.Amount = usd("0") }, []string{"amount must be greater than zero"}},
		{"negative amount", func(d *payment.Details) { d.Amount = usd("-1") }, []string{"amount must be greater than zero"}},
		{"no amount at all", func(d *payment.Details) { d.Amount = money.Money{} }, []string{"amount must be greater than zero"}},
		{"unknown method", func(d *payment.Details) { d.Method = "bitcoin" }, []string{`method "bitcoin" is not one of`}},
		{"empty method", func(d *payment.Details) { d.Method = "" }, []string{`method "" is not one of`}},
		{"reference too long", func(d *payment.Details) { d.ProviderReference = strings.Repeat("r", 256) }, []string{"provider_reference must be at most 255"}},
		{"missing received at", func(d *payment.Details) { d.ReceivedAt = time.Time{} }, []string{"received_at is required"}},
		{"every problem at once", func(d *payment.Details) {
			*d = payment.Details{Method: "barter", ProviderReference: strings.Repeat("r", 300)}
		}, []string{"customer is required", "amount must be greater than zero", `method "barter"`, "provider_reference", "received_at is required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := valid()
			tt.edit(&d)
			p, err := payment.New(payID, d, t1)
			if tt.wantDetails != nil {
				if p != nil {
					t.Errorf("New returned a payment along with the error")
				}
				de := domainErr(t, err)
				if de.Code() != "invalid_payment" || de.Kind() != domain.KindInvalid {
					t.Errorf("code/kind = %q/%v", de.Code(), de.Kind())
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
			if p.ID() != payID || p.CustomerID() != customer || !p.Amount().Equal(d.Amount) || p.Method() != payment.Transfer {
				t.Errorf("fields: %v %v %v %q", p.ID(), p.CustomerID(), p.Amount(), p.Method())
			}
			if p.ProviderReference() != strings.TrimSpace(d.ProviderReference) {
				t.Errorf("reference = %q, want it trimmed", p.ProviderReference())
			}
			if !p.ReceivedAt().Equal(d.ReceivedAt) || p.ReceivedAt().Location() != time.UTC {
				t.Errorf("receivedAt = %v, want %v in UTC", p.ReceivedAt(), d.ReceivedAt)
			}
			if !p.CreatedAt().Equal(t1) || len(p.Allocations()) != 0 || !p.Unallocated().Equal(d.Amount) {
				t.Errorf("createdAt %v allocations %v unallocated %v", p.CreatedAt(), p.Allocations(), p.Unallocated())
			}
		})
	}
}

// TestNewStoresTheParsedMethod: New accepts a method in any case, as
// ParseMethod does, so the payment must hold the canonical method, not the
// caller's spelling ("Enumerations cannot hold an invalid value").
func TestNewStoresTheParsedMethod(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   payment.Method
		want payment.Method
	}{
		{"transfer", payment.Transfer},
		{"CARD", payment.Card},
		{"Pix", payment.Pix},
		{" spei ", payment.SPEI},
	}
	for _, tt := range tests {
		t.Run(string(tt.in), func(t *testing.T) {
			t.Parallel()
			d := payment.Details{CustomerID: customer, Amount: usd("10"), Method: tt.in, ReceivedAt: t0}
			p, err := payment.New(payID, d, t0)
			if err != nil {
				t.Fatalf("New(method %q): %v", tt.in, err)
			}
			if p.Method() != tt.want {
				t.Errorf("Method() = %q, want %q", p.Method(), tt.want)
			}
			if !p.Matches(payment.Details{CustomerID: customer, Amount: usd("10"), Method: tt.want, ReceivedAt: t0}) {
				t.Errorf("the payment does not match a redelivery naming the method %q", tt.want)
			}
		})
	}
}

func TestParseMethod(t *testing.T) {
	t.Parallel()
	for _, m := range []payment.Method{
		payment.Transfer, payment.Cash, payment.Card, payment.Check, payment.Stripe,
		payment.Sandbox, payment.Pix, payment.SPEI, payment.PSE, payment.Boleto, payment.Other,
	} {
		for _, spelling := range []string{string(m), strings.ToUpper(string(m)), " " + string(m) + " "} {
			if got, err := payment.ParseMethod(spelling); err != nil || got != m {
				t.Errorf("ParseMethod(%q) = %q, %v; want %q", spelling, got, err, m)
			}
		}
	}
	for _, bad := range []string{"", "wire", "credit card", "paypal"} {
		if _, err := payment.ParseMethod(bad); !errors.Is(err, payment.ErrInvalidMethod) {
			t.Errorf("ParseMethod(%q) error = %v, want invalid_method", bad, err)
		}
	}
}

func TestMatches(t *testing.T) {
	t.Parallel()
	p := newPayment(t, usd("150"))
	base := payment.Details{CustomerID: customer, Amount: usd("150.00"), Method: payment.Transfer, ReceivedAt: t1, ProviderReference: "other text"}
	tests := []struct {
		name string
		edit func(*payment.Details)
		want bool
	}{
		{"same payment redelivered", func(*payment.Details) {}, true},
		{"another customer", func(d *payment.Details) { d.CustomerID = stranger }, false},
		{"another amount", func(d *payment.Details) { d.Amount = usd("150.01") }, false},
		{"another currency", func(d *payment.Details) { d.Amount = money.MustParse("150", "COP") }, false},
		{"another method", func(d *payment.Details) { d.Method = payment.Cash }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := base
			tt.edit(&d)
			if got := p.Matches(d); got != tt.want {
				t.Errorf("Matches = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAllocate(t *testing.T) {
	t.Parallel()
	p := newPayment(t, usd("500"))
	a := newInvoice(t, inv{number: "A", total: "300"})
	b := newInvoice(t, inv{number: "B", total: "1000", paid: "100"})
	if err := p.Allocate(a, usd("300"), t1); err != nil {
		t.Fatalf("Allocate(A): %v", err)
	}
	if err := p.Allocate(b, usd("150.50"), t1); err != nil {
		t.Fatalf("Allocate(B): %v", err)
	}
	if a.Status() != invoice.Paid || !a.Balance().IsZero() {
		t.Errorf("A: status %q balance %v; want paid", a.Status(), a.Balance())
	}
	if !b.AmountPaid().Equal(usd("250.50")) || !b.Balance().Equal(usd("749.50")) || !b.UpdatedAt().Equal(t1) {
		t.Errorf("B: paid %v balance %v updated %v", b.AmountPaid(), b.Balance(), b.UpdatedAt())
	}
	if !p.Unallocated().Equal(usd("49.50")) {
		t.Errorf("Unallocated = %v, want USD 49.50", p.Unallocated())
	}
	got := p.Allocations()
	if len(got) != 2 || got[0].InvoiceID() != a.ID() || !got[0].Amount().Equal(usd("300")) ||
		got[1].InvoiceID() != b.ID() || !got[1].Amount().Equal(usd("150.50")) {
		t.Errorf("Allocations = %+v", got)
	}
}

func TestAllocateRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		invoice  inv
		prior    string // allocated to the same invoice first
		amount   money.Money
		wantCode string
		wantKind domain.Kind
	}{
		{"another customer's invoice", inv{number: "X", total: "100", customer: stranger}, "", usd("10"), "invoice_of_other_customer", domain.KindInvalid},
		{"invoice in another currency", inv{number: "X", total: "100", currency: "COP"}, "", usd("10"), "currency_mismatch", domain.KindInvalid},
		{"amount in another currency", inv{number: "X", total: "100"}, "", money.MustParse("10", "COP"), "currency_mismatch", domain.KindInvalid},
		{"the same invoice twice", inv{number: "X", total: "1000"}, "100", usd("50"), "invoice_allocated_twice", domain.KindInvalid},
		{"more than the payment", inv{number: "X", total: "1000"}, "", usd("500.01"), "allocations_exceed_amount", domain.KindInvalid},
		{"more than the invoice balance", inv{number: "X", total: "100", paid: "60"}, "", usd("40.01"), "allocation_exceeds_balance", domain.KindInvalid},
		{"paid invoice", inv{number: "X", total: "100", status: "paid"}, "", usd("10"), "invoice_not_payable", domain.KindConflict},
		{"void invoice", inv{number: "X", total: "100", status: "void"}, "", usd("10"), "invoice_not_payable", domain.KindConflict},
		{"zero", inv{number: "X", total: "100"}, "", usd("0"), "non_positive_amount", domain.KindInvalid},
		{"negative", inv{number: "X", total: "100"}, "", usd("-5"), "non_positive_amount", domain.KindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := newPayment(t, usd("500"))
			i := newInvoice(t, tt.invoice)
			if tt.prior != "" {
				if err := p.Allocate(i, usd(tt.prior), t0); err != nil {
					t.Fatalf("prior Allocate: %v", err)
				}
			}
			paidBefore, unallocatedBefore, nBefore := i.AmountPaid(), p.Unallocated(), len(p.Allocations())
			err := p.Allocate(i, tt.amount, t1)
			de := domainErr(t, err)
			if de.Code() != tt.wantCode || de.Kind() != tt.wantKind {
				t.Errorf("error %q code %q kind %v, want %q %v", de, de.Code(), de.Kind(), tt.wantCode, tt.wantKind)
			}
			if !i.AmountPaid().Equal(paidBefore) || !p.Unallocated().Equal(unallocatedBefore) || len(p.Allocations()) != nBefore {
				t.Errorf("a refused allocation changed something: paid %v→%v unallocated %v→%v",
					paidBefore, i.AmountPaid(), unallocatedBefore, p.Unallocated())
			}
		})
	}
}

func TestAllocateAcrossInvoicesCannotExceedPayment(t *testing.T) {
	t.Parallel()
	p := newPayment(t, usd("100"))
	a := newInvoice(t, inv{number: "A", total: "80"})
	b := newInvoice(t, inv{number: "B", total: "80"})
	if err := p.Allocate(a, usd("80"), t1); err != nil {
		t.Fatal(err)
	}
	err := p.Allocate(b, usd("20.01"), t1)
	if de := domainErr(t, err); de.Code() != "allocations_exceed_amount" {
		t.Fatalf("error code %q, want allocations_exceed_amount", de.Code())
	}
	if !strings.Contains(err.Error(), "100.01") {
		t.Errorf("message %q does not say the allocations would add up to 100.01", err)
	}
	if err := p.Allocate(b, usd("20"), t1); err != nil || !p.Unallocated().IsZero() {
		t.Errorf("allocating exactly what is left = %v, unallocated %v", err, p.Unallocated())
	}
}

func TestSortOldestFirst(t *testing.T) {
	t.Parallel()
	invs := []*invoice.Invoice{
		newInvoice(t, inv{number: "F-0005", issue: "2026-01-01", due: "2026-03-01", total: "1"}),
		newInvoice(t, inv{number: "F-0004", issue: "2026-01-10", due: "2026-02-01", total: "1"}),
		newInvoice(t, inv{number: "F-0003", issue: "2026-01-05", due: "2026-02-01", total: "1"}),
		newInvoice(t, inv{number: "F-0002", issue: "2026-01-05", due: "2026-02-01", total: "1"}),
		newInvoice(t, inv{number: "F-0001", issue: "2026-01-20", due: "2026-02-15", total: "1"}),
		newInvoice(t, inv{number: "F-0000", issue: "2025-12-01", due: "2026-01-15", total: "1"}),
	}
	payment.SortOldestFirst(invs)
	var got []string
	for _, i := range invs {
		got = append(got, i.Number())
	}
	// By due date, then issue date, then number.
	want := []string{"F-0000", "F-0002", "F-0003", "F-0004", "F-0001", "F-0005"}
	if !slices.Equal(got, want) {
		t.Errorf("order = %v, want %v", got, want)
	}
}

func TestAllocateOldestFirst(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		amount          string
		wantAllocations []string // "number=amount", in order
		wantUnallocated string
	}{
		{"settles the oldest first, then part of the next", "450", []string{"F-0002=100.00", "F-0003=200.00", "F-0004=150.00"}, "0.00"},
		{"exactly the oldest", "100", []string{"F-0002=100.00"}, "0.00"},
		{"part of the oldest", "0.01", []string{"F-0002=0.01"}, "0.00"},
		{"everything, with credit left", "1000", []string{"F-0002=100.00", "F-0003=200.00", "F-0004=250.00", "F-0001=300.00"}, "150.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			invs := []*invoice.Invoice{
				newInvoice(t, inv{number: "F-0001", issue: "2026-01-20", due: "2026-02-15", total: "300"}),
				newInvoice(t, inv{number: "F-0004", issue: "2026-01-10", due: "2026-02-01", total: "300", paid: "50"}),
				newInvoice(t, inv{number: "F-0003", issue: "2026-01-05", due: "2026-02-01", total: "200"}),
				newInvoice(t, inv{number: "F-0002", issue: "2025-12-01", due: "2026-01-15", total: "100"}),
				// Never touched: paid, void, another currency, another customer.
				newInvoice(t, inv{number: "F-0000", issue: "2025-11-01", due: "2025-12-01", total: "500", status: "paid"}),
				newInvoice(t, inv{number: "F-0009", issue: "2025-11-01", due: "2025-12-01", total: "500", status: "void"}),
				newInvoice(t, inv{number: "F-COP", issue: "2025-11-01", due: "2025-12-01", total: "500", currency: "COP"}),
				newInvoice(t, inv{number: "F-OTHER", issue: "2025-11-01", due: "2025-12-01", total: "500", customer: stranger}),
			}
			paidBefore := map[uuid.UUID]money.Money{}
			for _, i := range invs {
				paidBefore[i.ID()] = i.AmountPaid()
			}
			p := newPayment(t, usd(tt.amount))
			changed, err := p.AllocateOldestFirst(invs, t1)
			if err != nil {
				t.Fatalf("AllocateOldestFirst: %v", err)
			}
			byID := map[uuid.UUID]*invoice.Invoice{}
			for _, i := range invs {
				byID[i.ID()] = i
			}
			var got []string
			for _, a := range p.Allocations() {
				got = append(got, fmt.Sprintf("%s=%s", byID[a.InvoiceID()].Number(), a.Amount().StringFixed()))
			}
			if !slices.Equal(got, tt.wantAllocations) {
				t.Errorf("allocations = %v, want %v", got, tt.wantAllocations)
			}
			if p.Unallocated().StringFixed() != tt.wantUnallocated {
				t.Errorf("Unallocated = %s, want %s", p.Unallocated().StringFixed(), tt.wantUnallocated)
			}
			if len(changed) != len(tt.wantAllocations) {
				t.Errorf("changed %d invoices, want %d", len(changed), len(tt.wantAllocations))
			}
			for k, c := range changed {
				if want, _, _ := strings.Cut(tt.wantAllocations[k], "="); c.Number() != want {
					t.Errorf("changed[%d] = %s, want %s", k, c.Number(), want)
				}
			}
			untouched := map[string]bool{"F-0000": true, "F-0009": true, "F-COP": true, "F-OTHER": true}
			for _, i := range invs {
				if !untouched[i.Number()] {
					continue
				}
				if !i.AmountPaid().Equal(paidBefore[i.ID()]) || !i.UpdatedAt().Equal(t0) {
					t.Errorf("invoice %s was touched: paid %v→%v", i.Number(), paidBefore[i.ID()], i.AmountPaid())
				}
			}
		})
	}
}

func TestAllocateOldestFirstWithNothingToPay(t *testing.T) {
	t.Parallel()
	p := newPayment(t, usd("75"))
	changed, err := p.AllocateOldestFirst([]*invoice.Invoice{
		newInvoice(t, inv{number: "A", total: "10", status: "paid"}),
		newInvoice(t, inv{number: "B", total: "10", currency: "COP"}),
	}, t1)
	if err != nil || len(changed) != 0 || len(p.Allocations()) != 0 || !p.Unallocated().Equal(usd("75")) {
		t.Errorf("= %v, %v; allocations %v unallocated %v; want everything left as credit", changed, err, p.Allocations(), p.Unallocated())
	}
	changed, err = p.AllocateOldestFirst(nil, t1)
	if err != nil || len(changed) != 0 {
		t.Errorf("nil invoices = %v, %v", changed, err)
	}
}

// TestAllocateOldestFirstAfterExplicitAllocation: AllocateOldestFirst is
// documented to apply "what is left of the payment". When the caller has
// already allocated part of the payment to an invoice that still has a
// balance, spreading the rest must not fail with "invoice appears twice".
func TestAllocateOldestFirstAfterExplicitAllocation(t *testing.T) {
	t.Parallel()
	older := newInvoice(t, inv{number: "F-0001", due: "2026-01-15", total: "100"})
	newer := newInvoice(t, inv{number: "F-0002", due: "2026-02-15", total: "100"})
	p := newPayment(t, usd("150"))
	if err := p.Allocate(older, usd("30"), t1); err != nil {
		t.Fatalf("Allocate: %v", err)
	}
	if _, err := p.AllocateOldestFirst([]*invoice.Invoice{older, newer}, t1); err != nil {
		t.Fatalf("AllocateOldestFirst after an explicit allocation: %v", err)
	}
	allocated := usd("0")
	seen := map[uuid.UUID]bool{}
	for _, a := range p.Allocations() {
		if seen[a.InvoiceID()] {
			t.Errorf("invoice %v allocated twice", a.InvoiceID())
		}
		seen[a.InvoiceID()] = true
		allocated, _ = allocated.Add(a.Amount())
	}
	if !allocated.Equal(usd("150")) || !p.Unallocated().IsZero() {
		t.Errorf("allocated %v, unallocated %v; want all 150 allocated", allocated, p.Unallocated())
	}
	paid, _ := older.AmountPaid().Add(newer.AmountPaid())
	if !paid.Equal(usd("150")) {
		t.Errorf("invoices received %v, want 150", paid)
	}
}
