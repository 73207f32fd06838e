package main

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBatchSyncTwiceReportsUnchangedAndLeavesRowsByteForByteEqual(t *testing.T) {
	t.Parallel()
	s := startSaldo(t)
	customers := map[string]any{"items": []any{
		customerJSON("C-1", "Ferretería Andina", "+57 300 111 2233"),
		customerJSON("C-2", "Padaria Pão Quente", "+55 11 91234-5678"),
	}}
	invoices := map[string]any{"items": []any{
		invoiceJSON("I-1", "C-1", "COP", "2026-09-01", "2026-10-01", "1250000.50"),
		invoiceJSON("I-2", "C-1", "COP", "2026-11-01", "2026-12-01", 300000), // a JSON number
		invoiceJSON("I-3", "C-2", "BRL", "2026-08-01", "2026-08-15", "499.90"),
	}}

	first := s.do(http.MethodPost, "/api/v1/customers/batch", s.write, customers)
	require.Equal(t, http.StatusOK, first.status, "%s", first.body)
	assert.Equal(t, map[string]any{"created": 2.0, "updated": 0.0, "unchanged": 0.0, "error": 0.0}, first.json(t)["counts"])
	first = s.do(http.MethodPost, "/api/v1/invoices/batch", s.write, invoices)
	require.Equal(t, http.StatusOK, first.status, "%s", first.body)
	assert.Equal(t, map[string]any{"created": 3.0, "updated": 0.0, "unchanged": 0.0, "error": 0.0}, first.json(t)["counts"])
	beforeCustomers, beforeInvoices := s.tableText("customers"), s.tableText("invoices")

	s.clock.Advance(90 * 60e9) // later: an update would change updated_at
	again := s.do(http.MethodPost, "/api/v1/customers/batch", s.write, customers)
	assert.Equal(t, map[string]any{"created": 0.0, "updated": 0.0, "unchanged": 2.0, "error": 0.0}, again.json(t)["counts"])
	again = s.do(http.MethodPost, "/api/v1/invoices/batch", s.write, invoices)
	assert.Equal(t, map[string]any{"created": 0.0, "updated": 0.0, "unchanged": 3.0, "error": 0.0}, again.json(t)["counts"])
	for _, r := range again.json(t)["results"].([]any) {
		assert.Equal(t, "unchanged", r.(map[string]any)["result"])
	}
	assert.Equal(t, beforeCustomers, s.tableText("customers"))
	assert.Equal(t, beforeInvoices, s.tableText("invoices"))

	// A real change is an update, and only of that row.
	invoices["items"].([]any)[0].(map[string]any)["total"] = "1300000"
	changed := s.do(http.MethodPost, "/api/v1/invoices/batch", s.write, invoices)
	assert.Equal(t, map[string]any{"created": 0.0, "updated": 1.0, "unchanged": 2.0, "error": 0.0}, changed.json(t)["counts"])
}

func TestBatchWithBadItemsSavesTheValidOnesAndExplainsEachError(t *testing.T) {
	t.Parallel()
	s := startSaldo(t)
	cs := s.do(http.MethodPost, "/api/v1/customers/batch", s.write, map[string]any{"items": []any{
		customerJSON("C-1", "Ferretería Andina", "+57 300 111 2233"),
		customerJSON("C-2", "Sin Teléfono", "call me maybe"),
		customerJSON("C-3", "", "+52 55 1234 5678"),
	}})
	require.Equal(t, http.StatusOK, cs.status, "%s", cs.body)
	results := cs.json(t)["results"].([]any)
	assert.Equal(t, "created", results[0].(map[string]any)["result"])
	assertItemError(t, results[1], "invalid_customer", "not a phone number")
	assertItemError(t, results[2], "invalid_customer", "name is required")

	is := s.do(http.MethodPost, "/api/v1/invoices/batch", s.write, map[string]any{"items": []any{
		invoiceJSON("I-ok", "C-1", "COP", "2026-09-01", "2026-10-01", "100"),
		invoiceJSON("I-cur", "C-1", "XYZ", "2026-09-01", "2026-10-01", "100"),
		invoiceJSON("I-neg", "C-1", "COP", "2026-09-01", "2026-10-01", "-1"),
		invoiceJSON("I-dates", "C-1", "COP", "2026-09-01", "2026-08-01", "100"),
		invoiceJSON("I-cust", "C-404", "COP", "2026-09-01", "2026-10-01", "100"),
		invoiceJSON("I-cents", "C-1", "USD", "2026-09-01", "2026-10-01", "10.001"),
		invoiceJSON("I-date", "C-1", "COP", "2026-02-30", "2026-10-01", "100"),
		invoiceJSON("I-huge", "C-1", "COP", "2026-09-01", "2026-10-01", "1000000000000000"),
	}})
	require.Equal(t, http.StatusOK, is.status, "%s", is.body)
	results = is.json(t)["results"].([]any)
	assert.Equal(t, "created", results[0].(map[string]any)["result"])
	assertItemError(t, results[1], "invalid_invoice", `unknown currency "XYZ"`)
	assertItemError(t, results[2], "invalid_invoice", "total must not be negative")
	assertItemError(t, results[3], "invalid_invoice", "due_date 2026-08-01 is before issue_date 2026-09-01")
	assertItemError(t, results[4], "unknown_customer", `customer with external_id "C-404" does not exist`)
	assertItemError(t, results[5], "invalid_invoice", "more decimals than USD allows")
	assertItemError(t, results[6], "invalid_invoice", `"2026-02-30" is not a date`)
	assertItemError(t, results[7], "invalid_invoice", "too large")

	list := s.do(http.MethodGet, "/api/v1/invoices", s.read, nil)
	items := list.json(t)["items"].([]any)
	require.Len(t, items, 1, "only the valid invoice is stored")
	assert.Equal(t, "I-ok", items[0].(map[string]any)["external_id"])
}

func assertItemError(t *testing.T, result any, code, message string) {
	t.Helper()
	r := result.(map[string]any)
	assert.Equal(t, "error", r["result"])
	e, ok := r["error"].(map[string]any)
	require.True(t, ok, "no error in %v", r)
	assert.Equal(t, code, e["code"])
	assert.Contains(t, e["message"], message)
}

func TestMalformedRequestsGetA4xxThatSaysWhy(t *testing.T) {
	t.Parallel()
	s := startSaldo(t)
	tooMany := make([]any, 1001)
	for i := range tooMany {
		tooMany[i] = customerJSON(fmt.Sprintf("C-%d", i), "x", "")
	}
	cases := []struct {
		name, method, path string
		body               any
		status             int
		code               string
	}{
		{"malformed JSON", http.MethodPost, "/api/v1/customers/batch", `{"items": [`, 400, "malformed_json"},
		{"empty body", http.MethodPost, "/api/v1/invoices/batch", ``, 400, "malformed_json"},
		{"wrong type", http.MethodPost, "/api/v1/invoices/batch", `{"items": {"a": 1}}`, 400, "malformed_json"},
		{"amount as object", http.MethodPost, "/api/v1/payments", `{"amount": {"x": 1}, "currency": "COP"}`, 400, "malformed_json"},
		{"1,001 items", http.MethodPost, "/api/v1/customers/batch", map[string]any{"items": tooMany}, 422, "invalid_batch_size"},
		{"empty batch", http.MethodPost, "/api/v1/invoices/batch", `{"items": []}`, 422, "invalid_batch_size"},
		{"bad id", http.MethodGet, "/api/v1/customers/not-a-uuid", nil, 400, "invalid_id"},
		{"unknown customer", http.MethodGet, "/api/v1/customers/018f0000-0000-7000-8000-000000000000/summary", nil, 404, "customer_not_found"},
		{"bad cursor", http.MethodGet, "/api/v1/invoices?cursor=abc", nil, 400, "invalid_cursor"},
		{"bad bucket", http.MethodGet, "/api/v1/invoices?aging_bucket=old", nil, 422, "invalid_aging_bucket"},
		{"bad due_before", http.MethodGet, "/api/v1/invoices?due_before=yesterday", nil, 422, "invalid_date"},
		{"bad since", http.MethodGet, "/api/v1/payments?since=2026", nil, 400, "invalid_since"},
		{"path and body disagree", http.MethodPut, "/api/v1/customers/external/C-1", customerJSON("C-2", "x", ""), 400, "external_id_mismatch"},
		{"unknown route", http.MethodGet, "/api/v1/nothing", nil, 404, "route_not_found"},
		{"payment without customer", http.MethodPost, "/api/v1/payments", `{"amount": "10", "currency": "COP", "method": "cash"}`, 422, "missing_customer"},
		{"payment beyond 15 digits", http.MethodPost, "/api/v1/payments", `{"customer_external_id": "C-1", "amount": "1000000000000000", "currency": "COP", "method": "cash"}`, 422, "invalid_payment"},
		{"payment with bad fields", http.MethodPost, "/api/v1/payments", `{"customer_external_id": "C-1", "amount": "ten", "currency": "COP", "method": "barter"}`, 422, "invalid_payment"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := s.do(tc.method, tc.path, s.write, tc.body)
			assert.Equal(t, tc.status, a.status, "%s", a.body)
			assert.Equal(t, tc.code, a.errorCode(t))
			assert.NotEmpty(t, a.json(t)["error"].(map[string]any)["message"])
		})
	}
}

func TestGarbageBodiesNeverCauseA500(t *testing.T) {
	t.Parallel()
	s := startSaldo(t)
	bodies := []string{
		`null`, `[]`, `"x"`, `{"items": null}`, `{"items": [null]}`, `{"items": [1, "a", {}]}`,
		`{"items": [{"external_id": 5}]}`, `{"items": [{"total": true}]}`, `{"items": [{"metadata": "x", "external_id": "a", "name": "b"}]}`,
		`{"items": [{"external_id": "a", "name": "b", "tags": [1]}]}`, strings.Repeat("[", 10000), "\x00\xff", `{"amount": 1e400, "currency": "COP"}`,
	}
	paths := []string{
		"/api/v1/customers/batch", "/api/v1/invoices/batch", "/api/v1/payments",
		"/api/v1/customers/external/C-1", "/api/v1/invoices/external/I-1",
	}
	for _, p := range paths {
		for _, b := range bodies {
			method := http.MethodPost
			if strings.Contains(p, "/external/") {
				method = http.MethodPut
			}
			a := s.do(method, p, s.write, b)
			assert.True(t, a.status >= 400 && a.status < 500 || a.status == 200, "%s %s %q: %d %s", method, p, b, a.status, a.body)
		}
	}
}

func TestPutIsAnIdempotentUpsert(t *testing.T) {
	t.Parallel()
	s := startSaldo(t)
	body := customerJSON("", "Ferretería Andina", "+57 300 111 2233")
	body["email"] = "pagos@andina.co"
	created := s.do(http.MethodPut, "/api/v1/customers/external/C-1", s.write, body)
	require.Equal(t, http.StatusCreated, created.status, "%s", created.body)
	assert.Equal(t, "created", created.json(t)["result"])
	same := s.do(http.MethodPut, "/api/v1/customers/external/C-1", s.write, body)
	require.Equal(t, http.StatusOK, same.status)
	assert.Equal(t, "unchanged", same.json(t)["result"])
	assert.Equal(t, created.json(t)["id"], same.json(t)["id"])

	inv := invoiceJSON("", "C-1", "COP", "2026-09-01", "2026-10-01", "1000")
	a := s.do(http.MethodPut, "/api/v1/invoices/external/I-1", s.write, inv)
	require.Equal(t, http.StatusCreated, a.status, "%s", a.body)
	inv["amount_paid"] = "1000"
	a = s.do(http.MethodPut, "/api/v1/invoices/external/I-1", s.write, inv)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	assert.Equal(t, "updated", a.json(t)["result"])
	got := s.do(http.MethodGet, "/api/v1/invoices/"+fmt.Sprint(a.json(t)["id"]), s.read, nil).json(t)
	assert.Equal(t, "paid", got["status"], "fully paid by the ERP")
	assert.Equal(t, "0.00", got["balance"])
	assert.Equal(t, "C-1", got["customer_external_id"])

	inv["amount_paid"] = "2000"
	a = s.do(http.MethodPut, "/api/v1/invoices/external/I-1", s.write, inv)
	assert.Equal(t, http.StatusUnprocessableEntity, a.status)
	assert.Contains(t, string(a.body), "amount_paid 2000.00 exceeds total 1000.00")
}

func TestAPIKeysAndScopes(t *testing.T) {
	t.Parallel()
	s := startSaldo(t)
	noKey := s.do(http.MethodGet, "/api/v1/customers", "", nil)
	assert.Equal(t, http.StatusUnauthorized, noKey.status)
	assert.Equal(t, "invalid_api_key", noKey.errorCode(t))
	wrong := s.do(http.MethodGet, "/api/v1/customers", "saldo_not-a-real-key", nil)
	assert.Equal(t, http.StatusUnauthorized, wrong.status)
	readOnly := s.do(http.MethodPost, "/api/v1/customers/batch", s.read, map[string]any{"items": []any{customerJSON("C-1", "x", "")}})
	assert.Equal(t, http.StatusForbidden, readOnly.status)
	assert.Equal(t, "insufficient_scope", readOnly.errorCode(t))
	assert.Equal(t, http.StatusOK, s.do(http.MethodGet, "/api/v1/customers", s.read, nil).status)
	var lastUsed *string
	require.NoError(t, s.app.db.Raw("SELECT last_used_at::text FROM api_keys WHERE hint = ?", s.read[:len("saldo_")+4]).Scan(&lastUsed).Error)
	assert.NotNil(t, lastUsed, "the key's last use is recorded")
}

func TestConcurrentIdenticalBatchesCreateEachRecordOnce(t *testing.T) {
	t.Parallel()
	s := startSaldo(t)
	require.Equal(t, http.StatusOK, s.do(http.MethodPost, "/api/v1/customers/batch", s.write, map[string]any{"items": []any{customerJSON("C-1", "x", "")}}).status)
	items := make([]any, 200)
	for i := range items {
		items[i] = invoiceJSON(fmt.Sprintf("I-%03d", i), "C-1", "COP", "2026-09-01", "2026-10-01", "100")
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := s.do(http.MethodPost, "/api/v1/invoices/batch", s.write, map[string]any{"items": items})
			assert.Equal(t, http.StatusOK, a.status, "%s", a.body)
		}()
	}
	wg.Wait()
	var n int
	require.NoError(t, s.app.db.Raw("SELECT count(*) FROM invoices").Scan(&n).Error)
	assert.Equal(t, 200, n)
}
