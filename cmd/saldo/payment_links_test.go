package main

import (
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
)

// payingCustomer is María, who wrote (the window is open) and owes two
// overdue invoices (100,000 due first, 250,000) and one not yet due.
func payingCustomer(t *testing.T, c *channel) (customerID, conversationID string) {
	t.Helper()
	cu := c.do(http.MethodPut, "/api/v1/customers/external/C-1", c.write, customerJSON("C-1", "María Ruiz", "+57 300 123 4567"))
	require.Equal(t, http.StatusCreated, cu.status, "%s", cu.body)
	b := c.do(http.MethodPost, "/api/v1/invoices/batch", c.write, map[string]any{"items": []any{
		invoiceJSON("I-2", "C-1", "COP", "2026-01-01", "2026-02-01", "250000"),
		invoiceJSON("I-1", "C-1", "COP", "2025-12-01", "2026-01-01", "100000"),
		invoiceJSON("I-3", "C-1", "COP", "2026-11-01", "2099-01-01", "999000"),
	}})
	require.Equal(t, map[string]any{"created": 3.0, "updated": 0.0, "unchanged": 0.0, "error": 0.0}, b.json(t)["counts"], "%s", b.body)
	_, err := c.sim.CustomerSends(t.Context(), "573001234567", "María", "¿Cuánto debo?")
	require.NoError(t, err)
	var conv map[string]any
	eventually(t, "the conversation", func() bool { conv = c.conversationOf(t, "573001234567"); return conv != nil })
	return fmt.Sprint(cu.json(t)["id"]), conv["id"].(string)
}

var payForm = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// payOnPage opens the sandbox page like a customer's browser and presses "Pagar".
func payOnPage(t *testing.T, pageURL string) (int, string) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	jarClient := &agentClient{t: t, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	status, body := jarClient.getURL(pageURL)
	require.Equal(t, http.StatusOK, status, "%s", body)
	m := payForm.FindStringSubmatch(body)
	if m == nil {
		return http.StatusConflict, body
	}
	return jarClient.postURL(pageURL, url.Values{"_csrf": {m[1]}})
}

func TestSandboxPaymentLinkSettlesOldestFirstOnce(t *testing.T) {
	t.Parallel()
	c := startChannel(t, pgtest.URL(t))
	c.startWorker(t)
	customerID, _ := payingCustomer(t, c)

	link := c.do(http.MethodPost, "/api/v1/payment-links", c.write, map[string]any{"customer_id": customerID})
	require.Equal(t, http.StatusCreated, link.status, "%s", link.body)
	l := link.json(t)
	assert.Equal(t, "350000.00", l["amount"], "all overdue invoices by default")
	assert.Equal(t, "COP", l["currency"])
	assert.Equal(t, "open", l["status"])
	assert.Equal(t, "sandbox", l["provider"])
	assert.Len(t, l["invoice_ids"], 2)
	pageURL := l["url"].(string)
	require.True(t, strings.Contains(pageURL, "/pay/"), pageURL)
	pageURL = c.srv.URL + pageURL[strings.Index(pageURL, "/pay/"):]

	// The customer opens the page twice at once and presses "Pagar" in both.
	var wg sync.WaitGroup
	statuses := make(chan int, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, _ := payOnPage(t, pageURL)
			statuses <- status
		}()
	}
	wg.Wait()
	close(statuses)
	ok := 0
	for s := range statuses {
		if s == http.StatusSeeOther {
			ok++
		}
	}
	assert.GreaterOrEqual(t, ok, 1)
	var payments int
	require.NoError(t, c.app.db.Raw("SELECT count(*) FROM payments").Scan(&payments).Error)
	assert.Equal(t, 1, payments, "one payment however often the page is paid")

	got := c.do(http.MethodGet, "/api/v1/payment-links/"+l["id"].(string), c.read, nil).json(t)
	assert.Equal(t, "paid", got["status"])
	sum := c.do(http.MethodGet, "/api/v1/customers/"+customerID+"/summary", c.read, nil).json(t)
	assert.Empty(t, sum["overdue_invoices"], "both overdue invoices are paid")
	assert.Equal(t, "999000.00", sum["currencies"].([]any)[0].(map[string]any)["balance"], "the invoice not covered stays")

	// The customer gets a receipt in the chat, inside the window, in words.
	eventually(t, "the receipt reaches WhatsApp", func() bool {
		for _, m := range c.sim.Sent("573001234567") {
			if strings.Contains(m.Body, "Recibimos su pago de $ 350.000,00 COP") {
				return true
			}
		}
		return false
	})

	// The page now says paid; paying again changes nothing.
	status, body := payOnPage(t, pageURL)
	assert.Equal(t, http.StatusConflict, status)
	assert.Contains(t, body, "Pago recibido")
	require.NoError(t, c.app.db.Raw("SELECT count(*) FROM payments").Scan(&payments).Error)
	assert.Equal(t, 1, payments)
}

func TestPartialAndExpiredPaymentLinks(t *testing.T) {
	t.Parallel()
	c := startChannel(t, pgtest.URL(t))
	c.startWorker(t)
	customerID, _ := payingCustomer(t, c)

	tooMuch := c.do(http.MethodPost, "/api/v1/payment-links", c.write, map[string]any{"customer_id": customerID, "amount": "400000"})
	assert.Equal(t, http.StatusUnprocessableEntity, tooMuch.status)
	assert.Equal(t, "amount_over_balance", tooMuch.errorCode(t))

	partial := c.do(http.MethodPost, "/api/v1/payment-links", c.write, map[string]any{"customer_id": customerID, "amount": "150000"})
	require.Equal(t, http.StatusCreated, partial.status, "%s", partial.body)
	u := partial.json(t)["url"].(string)
	status, _ := payOnPage(t, c.srv.URL+u[strings.Index(u, "/pay/"):])
	require.Equal(t, http.StatusSeeOther, status)
	var paid []string
	require.NoError(t, c.app.db.Raw("SELECT amount_paid::text FROM invoices ORDER BY due_date").Scan(&paid).Error)
	assert.Equal(t, []string{"100000.0000", "50000.0000", "0.0000"}, paid, "oldest first, the rest still owed")

	// A link past its expiry cannot be paid.
	late := c.do(http.MethodPost, "/api/v1/payment-links", c.write, map[string]any{"customer_id": customerID})
	require.Equal(t, http.StatusCreated, late.status, "%s", late.body)
	require.NoError(t, c.app.db.Exec("UPDATE payment_links SET expires_at = now() - interval '1 minute' WHERE id = ?", late.json(t)["id"]).Error)
	lu := late.json(t)["url"].(string)
	status, body := payOnPage(t, c.srv.URL+lu[strings.Index(lu, "/pay/"):])
	assert.Equal(t, http.StatusConflict, status)
	assert.Contains(t, body, "ya no se puede usar")
	var payments int
	require.NoError(t, c.app.db.Raw("SELECT count(*) FROM payments").Scan(&payments).Error)
	assert.Equal(t, 1, payments, "only the partial payment")
}
