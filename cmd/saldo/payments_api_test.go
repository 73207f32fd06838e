package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seedAccount creates customer C-1 (Bogotá) with three COP invoices and one
// USD invoice; on the test's today (2026-11-21): I-old is 51 days overdue,
// I-mid 21, I-new not yet due.
func seedAccount(t *testing.T, s *saldo) string {
	t.Helper()
	c := s.do(http.MethodPut, "/api/v1/customers/external/C-1", s.write, customerJSON("C-1", "Ferretería Andina", "+57 300 111 2233"))
	require.Equal(t, http.StatusCreated, c.status, "%s", c.body)
	b := s.do(http.MethodPost, "/api/v1/invoices/batch", s.write, map[string]any{"items": []any{
		invoiceJSON("I-new", "C-1", "COP", "2026-11-01", "2026-12-01", "300.00"),
		invoiceJSON("I-old", "C-1", "COP", "2026-09-01", "2026-10-01", "100.00"),
		invoiceJSON("I-mid", "C-1", "COP", "2026-10-01", "2026-10-31", "200.00"),
		invoiceJSON("I-usd", "C-1", "USD", "2026-10-01", "2026-10-15", "50.00"),
	}})
	require.Equal(t, map[string]any{"created": 4.0, "updated": 0.0, "unchanged": 0.0, "error": 0.0}, b.json(t)["counts"], "%s", b.body)
	return fmt.Sprint(c.json(t)["id"])
}

func TestPaymentSettlesOldestFirstKeepsCreditAndShowsInTheSummary(t *testing.T) {
	t.Parallel()
	s := startSaldo(t)
	id := seedAccount(t, s)

	p := s.do(http.MethodPost, "/api/v1/payments", s.write, map[string]any{
		"customer_external_id": "C-1", "amount": 650, "currency": "COP", "method": "transfer",
		"provider_reference": "BANCO-1", "received_at": "2026-11-20",
	})
	require.Equal(t, http.StatusCreated, p.status, "%s", p.body)
	pay := p.json(t)
	assert.Equal(t, "650.00", pay["amount"])
	assert.Equal(t, "50.00", pay["unallocated"], "what no invoice takes stays as credit")
	assert.Equal(t, "2026-11-20T05:00:00Z", pay["received_at"], "a date is the start of that day in Bogotá")
	allocs := pay["allocations"].([]any)
	require.Len(t, allocs, 3)
	for i, want := range []string{"100.00", "200.00", "300.00"} {
		assert.Equal(t, want, allocs[i].(map[string]any)["amount"], "oldest first")
	}

	sum := s.do(http.MethodGet, "/api/v1/customers/"+id+"/summary", s.read, nil)
	require.Equal(t, http.StatusOK, sum.status, "%s", sum.body)
	var summary struct {
		AsOf       string `json:"as_of"`
		Currencies []struct {
			Currency, Balance, Overdue, Credit string
			Aging                              map[string]string
		} `json:"currencies"`
		OverdueInvoices []struct {
			Number      string `json:"number"`
			DaysOverdue int    `json:"days_overdue"`
			Balance     string `json:"balance"`
		} `json:"overdue_invoices"`
		LastPayment *struct {
			Amount   string `json:"amount"`
			Currency string `json:"currency"`
		} `json:"last_payment"`
	}
	require.NoError(t, json.Unmarshal(sum.body, &summary))
	assert.Equal(t, "2026-11-21", summary.AsOf, "today in Bogotá, not in UTC")
	require.Len(t, summary.Currencies, 2)
	assert.Equal(t, "COP", summary.Currencies[0].Currency)
	assert.Equal(t, "0.00", summary.Currencies[0].Balance)
	assert.Equal(t, "50.00", summary.Currencies[0].Credit)
	assert.Equal(t, "USD", summary.Currencies[1].Currency)
	assert.Equal(t, "50.00", summary.Currencies[1].Overdue)
	assert.Equal(t, "50.00", summary.Currencies[1].Aging["31-60"], "due 2026-10-15: 37 days overdue")
	require.Len(t, summary.OverdueInvoices, 1)
	assert.Equal(t, 37, summary.OverdueInvoices[0].DaysOverdue)
	require.NotNil(t, summary.LastPayment)
	assert.Equal(t, "650.00", summary.LastPayment.Amount)

	// The ERP pulls it back.
	since := s.do(http.MethodGet, "/api/v1/payments?since="+url.QueryEscape("2026-11-01T00:00:00Z"), s.read, nil)
	assert.Len(t, since.json(t)["items"], 1)
	later := s.do(http.MethodGet, "/api/v1/payments?since="+url.QueryEscape("2026-11-23T00:00:00Z"), s.read, nil)
	assert.Empty(t, later.json(t)["items"])
}

func TestSummaryListsOverdueInvoicesOldestFirst(t *testing.T) {
	t.Parallel()
	s := startSaldo(t)
	id := seedAccount(t, s)
	p := s.do(http.MethodPost, "/api/v1/payments", s.write, map[string]any{
		"customer_external_id": "C-1", "amount": "40", "currency": "COP", "method": "cash", "received_at": "2026-11-21T10:00:00-05:00",
	})
	require.Equal(t, http.StatusCreated, p.status, "%s", p.body)

	sum := s.do(http.MethodGet, "/api/v1/customers/"+id+"/summary", s.read, nil).json(t)
	overdue := sum["overdue_invoices"].([]any)
	require.Len(t, overdue, 3)
	want := []struct {
		number  string
		days    float64
		balance string
	}{{"FV-I-old", 51, "60.00"}, {"FV-I-usd", 37, "50.00"}, {"FV-I-mid", 21, "200.00"}}
	for i, w := range want {
		o := overdue[i].(map[string]any)
		assert.Equal(t, w.number, o["number"])
		assert.Equal(t, w.days, o["days_overdue"])
		assert.Equal(t, w.balance, o["balance"])
	}
	cop := sum["currencies"].([]any)[0].(map[string]any)
	assert.Equal(t, "560.00", cop["balance"])
	assert.Equal(t, "260.00", cop["overdue"])
	assert.Equal(t, map[string]any{"current": "300.00", "1-30": "200.00", "31-60": "60.00", "61-90": "0.00", "90+": "0.00"}, cop["aging"])
}

func TestSamePaymentReferenceRecordsOnceEvenConcurrently(t *testing.T) {
	t.Parallel()
	s := startSaldo(t)
	seedAccount(t, s)
	body := map[string]any{"customer_external_id": "C-1", "amount": "150.00", "currency": "COP", "method": "pse", "provider_reference": "PSE-777"}

	statuses := make(chan int, 8)
	ids := make(chan string, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := s.do(http.MethodPost, "/api/v1/payments", s.write, body)
			statuses <- a.status
			ids <- fmt.Sprint(a.json(t)["id"])
		}()
	}
	wg.Wait()
	close(statuses)
	close(ids)
	count := map[int]int{}
	for st := range statuses {
		count[st]++
	}
	assert.Equal(t, map[int]int{http.StatusCreated: 1, http.StatusOK: 7}, count)
	first := <-ids
	for id := range ids {
		assert.Equal(t, first, id, "every answer names the one payment")
	}
	var payments, allocated int
	require.NoError(t, s.app.db.Raw("SELECT count(*) FROM payments").Scan(&payments).Error)
	require.NoError(t, s.app.db.Raw("SELECT count(*) FROM payment_allocations").Scan(&allocated).Error)
	assert.Equal(t, 1, payments)
	assert.Equal(t, 2, allocated, "150 pays I-old (100) and 50 of I-mid")
	var paid string
	require.NoError(t, s.app.db.Raw("SELECT amount_paid::text FROM invoices WHERE external_id = 'I-mid'").Scan(&paid).Error)
	assert.Equal(t, "50.0000", paid)

	other := s.do(http.MethodPost, "/api/v1/payments", s.write, map[string]any{
		"customer_external_id": "C-1", "amount": "999", "currency": "COP", "method": "pse", "provider_reference": "PSE-777",
	})
	assert.Equal(t, http.StatusConflict, other.status)
	assert.Equal(t, "provider_reference_conflict", other.errorCode(t))
}

func TestExplicitAllocations(t *testing.T) {
	t.Parallel()
	s := startSaldo(t)
	seedAccount(t, s)
	ok := s.do(http.MethodPost, "/api/v1/payments", s.write, map[string]any{
		"customer_external_id": "C-1", "amount": "250", "currency": "COP", "method": "transfer",
		"allocations": []any{map[string]any{"invoice_external_id": "I-new", "amount": "200"}},
	})
	require.Equal(t, http.StatusCreated, ok.status, "%s", ok.body)
	assert.Equal(t, "50.00", ok.json(t)["unallocated"])

	bad := s.do(http.MethodPost, "/api/v1/payments", s.write, map[string]any{
		"customer_external_id": "C-1", "amount": "100", "currency": "COP", "method": "transfer",
		"allocations": []any{
			map[string]any{"invoice_external_id": "I-usd", "amount": "50"},
			map[string]any{"invoice_external_id": "I-old", "amount": "150"},
		},
	})
	assert.Equal(t, http.StatusUnprocessableEntity, bad.status)
	assert.Contains(t, string(bad.body), "invoice FV-I-usd is in USD, the payment in COP")
	assert.Contains(t, string(bad.body), "allocations[1]")
	var payments int
	require.NoError(t, s.app.db.Raw("SELECT count(*) FROM payments").Scan(&payments).Error)
	assert.Equal(t, 1, payments, "the refused payment left nothing behind")
}

func TestInvoiceListFiltersAndPages(t *testing.T) {
	t.Parallel()
	s := startSaldo(t)
	id := seedAccount(t, s)
	count := func(query string) int {
		a := s.do(http.MethodGet, "/api/v1/invoices?"+query, s.read, nil)
		require.Equal(t, http.StatusOK, a.status, "%s: %s", query, a.body)
		return len(a.json(t)["items"].([]any))
	}
	assert.Equal(t, 4, count(""))
	assert.Equal(t, 3, count("overdue=true"))
	assert.Equal(t, 1, count("overdue=false"))
	assert.Equal(t, 1, count("aging_bucket=current"))
	assert.Equal(t, 1, count("aging_bucket=1-30"))
	assert.Equal(t, 2, count("aging_bucket=31-60"))
	assert.Equal(t, 0, count("aging_bucket=90%2B"))
	assert.Equal(t, 2, count("due_before=2026-10-15"))
	assert.Equal(t, 2, count("due_after=2026-10-31"))
	assert.Equal(t, 4, count("customer_id="+id))
	assert.Equal(t, 4, count("status=open"))

	seen := map[string]bool{}
	cursor := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 4)
		a := s.do(http.MethodGet, "/api/v1/invoices?limit=3&cursor="+cursor, s.read, nil).json(t)
		for _, it := range a["items"].([]any) {
			ext := it.(map[string]any)["external_id"].(string)
			assert.False(t, seen[ext], "%s twice", ext)
			seen[ext] = true
		}
		next, _ := a["next_cursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	assert.Len(t, seen, 4)
}

func TestAgingReport(t *testing.T) {
	t.Parallel()
	s := startSaldo(t)
	seedAccount(t, s)
	a := s.do(http.MethodGet, "/api/v1/reports/aging", s.read, nil)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	r := a.json(t)
	assert.Equal(t, "2026-11-21", r["as_of"])
	totals := r["totals"].([]any)
	require.Len(t, totals, 2)
	cop := totals[0].(map[string]any)
	assert.Equal(t, "COP", cop["currency"])
	assert.Equal(t, "600.00", cop["total"])
	assert.Equal(t, "300.00", cop["overdue"])
	assert.Equal(t, map[string]any{"current": "300.00", "1-30": "200.00", "31-60": "100.00", "61-90": "0.00", "90+": "0.00"}, cop["buckets"])
	debtors := r["top_debtors"].([]any)
	require.Len(t, debtors, 2)
	assert.Equal(t, "C-1", debtors[0].(map[string]any)["external_id"])
}

func TestHealthAndDocs(t *testing.T) {
	t.Parallel()
	s := startSaldo(t)
	assert.Equal(t, http.StatusOK, s.do(http.MethodGet, "/healthz", "", nil).status)
	ready := s.do(http.MethodGet, "/readyz", "", nil)
	assert.Equal(t, http.StatusOK, ready.status, "%s", ready.body)
	assert.Equal(t, map[string]any{"database": "ok", "redis": "ok"}, ready.json(t)["checks"])

	doc := s.do(http.MethodGet, "/swagger/doc.json", "", nil)
	require.Equal(t, http.StatusOK, doc.status)
	var spec struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(doc.body, &spec))
	for path, methods := range map[string][]string{
		"/api/v1/customers/external/{external_id}": {"put", "get"}, "/api/v1/customers/batch": {"post"},
		"/api/v1/invoices/external/{external_id}": {"put"}, "/api/v1/invoices/batch": {"post"},
		"/api/v1/customers": {"get"}, "/api/v1/customers/{id}": {"get"}, "/api/v1/invoices": {"get"},
		"/api/v1/invoices/{id}": {"get"}, "/api/v1/payments": {"post", "get"}, "/api/v1/payments/{id}": {"get"},
		"/api/v1/customers/{id}/summary": {"get"}, "/api/v1/reports/aging": {"get"}, "/healthz": {"get"}, "/readyz": {"get"},
		"/api/v1/campaigns": {"get", "post"}, "/api/v1/campaigns/{id}/recipients.csv": {"get"}, "/api/v1/segments": {"get", "post"},
		"/api/v1/templates": {"get", "post"}, "/api/v1/groups": {"get", "post"}, "/api/v1/dunning/policy": {"get", "put"},
	} {
		for _, m := range methods {
			assert.Contains(t, spec.Paths[path], m, "%s %s is documented", m, path)
		}
	}
	assert.Contains(t, string(doc.body), "{{1}}", "template variables are shown as WhatsApp writes them")
	ui := s.do(http.MethodGet, "/swagger/index.html", "", nil)
	assert.Equal(t, http.StatusOK, ui.status)
}
