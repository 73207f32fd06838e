package payment_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
)

// genCurrency is a currency with the largest invoice total generated for it,
// in minor units.
type genCurrency struct {
	code     string
	maxUnits int64
}

var genCurrencies = []genCurrency{
	{"COP", 50_000_000_00}, // up to 50 million pesos, with centavos
	{"USD", 20_000_00},     // up to 20 thousand dollars, with cents
	{"CLP", 10_000_000},    // up to 10 million pesos, no decimals
}

// units writes n minor units of c as a decimal string, e.g. 12345 USD → "123.45".
func units(n int64, c money.Currency) string {
	return decimal.New(n, -c.MinorUnits()).StringFixed(c.MinorUnits())
}

func keepsDecimals(m money.Money) bool {
	return m.Amount().Equal(m.Amount().Round(m.Currency().MinorUnits()))
}

// TestAllocateOldestFirstGenerated checks the invariants of oldest-first
// allocation over thousands of random customers' open invoices (COP, USD,
// CLP, partly paid, with ties in due and issue dates) and random payments.
func TestAllocateOldestFirstGenerated(t *testing.T) {
	t.Parallel()
	const iterations = 3000
	r := rand.New(rand.NewPCG(0x5a1d0, 2026))
	base := date.MustParse("2025-10-01")

	for iter := range iterations {
		pc := genCurrencies[r.IntN(len(genCurrencies))]
		payCur := money.MustCurrency(pc.code)

		// Invoices, numbered in a random order so that the number is not the
		// order of the slice.
		n := r.IntN(10)
		numbers := r.Perm(100)[:n]
		invs := make([]*invoice.Invoice, 0, n)
		var candidateBalance int64 // minor units of what the payment could settle
		for k := range n {
			gc := pc
			if r.IntN(4) == 0 {
				gc = genCurrencies[r.IntN(len(genCurrencies))]
			}
			cur := money.MustCurrency(gc.code)
			owner := customer
			if r.IntN(8) == 0 {
				owner = stranger
			}
			issue := base.AddDays(r.IntN(10))
			due := issue.AddDays(15 * r.IntN(3)) // few distinct dates: many ties
			total := 1 + r.Int64N(gc.maxUnits)
			var paid int64
			if r.IntN(2) == 0 {
				paid = r.Int64N(total) // strictly less: the invoice stays open
			}
			paidStr := units(paid, cur)
			i, err := invoice.New(invoice.Details{
				ExternalID: fmt.Sprintf("ext-%d-%d", iter, k), CustomerID: owner,
				Number: fmt.Sprintf("F-%03d", numbers[k]), Currency: gc.code,
				IssueDate: issue.String(), DueDate: due.String(),
				Total: units(total, cur), AmountPaid: &paidStr,
			}, t0)
			if err != nil {
				t.Fatalf("#%d: invoice.New: %v", iter, err)
			}
			if i.Status() != invoice.Open {
				t.Fatalf("#%d: generated invoice %s is %s, want open", iter, i.Number(), i.Status())
			}
			invs = append(invs, i)
			if owner == customer && gc.code == pc.code {
				candidateBalance += total - paid
			}
		}

		// Sometimes less than the balances, sometimes more (credit left).
		amountUnits := 1 + r.Int64N(candidateBalance*5/4+pc.maxUnits/1000+1)
		amount := money.MustParse(units(amountUnits, payCur), pc.code)
		p := newPayment(t, amount)

		type snapshot struct {
			paid, balance money.Money
		}
		before := make(map[uuid.UUID]snapshot, len(invs))
		for _, i := range invs {
			before[i.ID()] = snapshot{i.AmountPaid(), i.Balance()}
		}

		changed, err := p.AllocateOldestFirst(slices.Clone(invs), t1)
		fail := func(format string, args ...any) {
			t.Helper()
			var b strings.Builder
			for _, i := range invs {
				fmt.Fprintf(&b, "\n  %s %s due %s issued %s total %v paid before %v now %v (%s)", i.Number(),
					i.CustomerID().String()[:4], i.DueDate(), i.IssueDate(), i.Total(), before[i.ID()].paid, i.AmountPaid(), i.Status())
			}
			t.Fatalf("#%d payment %v: %s%s", iter, amount, fmt.Sprintf(format, args...), b.String())
		}
		if err != nil {
			fail("AllocateOldestFirst: %v", err)
		}

		byID := make(map[uuid.UUID]*invoice.Invoice, len(invs))
		for _, i := range invs {
			byID[i.ID()] = i
		}

		// Every allocation is positive, at most the invoice's balance before,
		// in the payment's currency, for one of the customer's invoices, once.
		allocated := money.Zero(payCur)
		allocatedTo := map[uuid.UUID]money.Money{}
		var allocOrder []uuid.UUID
		for _, a := range p.Allocations() {
			i, ok := byID[a.InvoiceID()]
			if !ok {
				fail("allocation to unknown invoice %v", a.InvoiceID())
			}
			if _, dup := allocatedTo[i.ID()]; dup {
				fail("invoice %s allocated twice", i.Number())
			}
			if a.Amount().Currency() != payCur || !a.Amount().IsPositive() || !keepsDecimals(a.Amount()) {
				fail("allocation to %s of %v: want a positive %s amount with %d decimals", i.Number(), a.Amount(), pc.code, payCur.MinorUnits())
			}
			if c, err := a.Amount().Cmp(before[i.ID()].balance); err != nil || c > 0 {
				fail("allocation to %s of %v exceeds its balance %v (%v)", i.Number(), a.Amount(), before[i.ID()].balance, err)
			}
			if i.CustomerID() != customer || i.Currency() != payCur {
				fail("allocation to %s of customer %v in %s", i.Number(), i.CustomerID(), i.Currency())
			}
			allocatedTo[i.ID()] = a.Amount()
			allocOrder = append(allocOrder, i.ID())
			allocated, _ = allocated.Add(a.Amount())
		}

		// Nothing is created or lost.
		if back, _ := allocated.Add(p.Unallocated()); !back.Equal(amount) {
			fail("allocations %v + unallocated %v != amount %v", allocated, p.Unallocated(), amount)
		}
		if p.Unallocated().IsNegative() || !keepsDecimals(p.Unallocated()) || p.Unallocated().Currency() != payCur {
			fail("unallocated = %v", p.Unallocated())
		}
		increases := money.Zero(payCur)
		for _, i := range invs {
			inc, err := i.AmountPaid().Sub(before[i.ID()].paid)
			if err != nil {
				fail("invoice %s changed currency: %v", i.Number(), err)
			}
			if c, _ := i.AmountPaid().Cmp(i.Total()); c > 0 {
				fail("invoice %s: paid %v exceeds total %v", i.Number(), i.AmountPaid(), i.Total())
			}
			if !keepsDecimals(i.AmountPaid()) {
				fail("invoice %s: paid %v has too many decimals", i.Number(), i.AmountPaid())
			}
			want, ok := allocatedTo[i.ID()]
			if !ok {
				want = money.Zero(i.Currency())
			}
			if !inc.Equal(want) {
				fail("invoice %s: amount paid rose by %v, allocation %v", i.Number(), inc, want)
			}
			if !ok && !i.UpdatedAt().Equal(t0) {
				fail("invoice %s not allocated but updated", i.Number())
			}
			if i.Balance().IsZero() != (i.Status() == invoice.Paid) {
				fail("invoice %s: balance %v but status %s", i.Number(), i.Balance(), i.Status())
			}
			if i.Currency() == payCur {
				increases, _ = increases.Add(inc)
			} else if !inc.IsZero() {
				fail("invoice %s in %s touched by a %s payment", i.Number(), i.Currency(), pc.code)
			}
		}
		if !increases.Equal(allocated) {
			fail("invoices received %v, allocations add up to %v", increases, allocated)
		}

		// Oldest first, by an independent reckoning of "older": due date,
		// then issue date, then number. An invoice is paid only when every
		// older one is settled, and money stays unallocated only when every
		// candidate is settled.
		var candidates []*invoice.Invoice
		for _, i := range invs {
			if i.CustomerID() == customer && i.Currency() == payCur {
				candidates = append(candidates, i)
			}
		}
		slices.SortFunc(candidates, func(a, b *invoice.Invoice) int {
			if c := a.DueDate().DaysSince(b.DueDate()); c != 0 {
				return c
			}
			if c := a.IssueDate().DaysSince(b.IssueDate()); c != 0 {
				return c
			}
			return strings.Compare(a.Number(), b.Number())
		})
		for k, i := range candidates {
			if _, ok := allocatedTo[i.ID()]; !ok {
				continue
			}
			for _, older := range candidates[:k] {
				if !older.Balance().IsZero() {
					fail("%s was allocated while the older %s still owes %v", i.Number(), older.Number(), older.Balance())
				}
			}
		}
		if p.Unallocated().IsPositive() {
			for _, i := range candidates {
				if !i.Balance().IsZero() {
					fail("%v left unallocated while %s still owes %v", p.Unallocated(), i.Number(), i.Balance())
				}
			}
		}
		var wantOrder []uuid.UUID
		for _, i := range candidates {
			if _, ok := allocatedTo[i.ID()]; ok {
				wantOrder = append(wantOrder, i.ID())
			}
		}
		if !slices.Equal(allocOrder, wantOrder) {
			fail("allocations are not in oldest-first order")
		}
		var changedIDs []uuid.UUID
		for _, c := range changed {
			changedIDs = append(changedIDs, c.ID())
		}
		if !slices.Equal(changedIDs, allocOrder) {
			fail("returned %d changed invoices, allocated %d", len(changedIDs), len(allocOrder))
		}
	}
}
