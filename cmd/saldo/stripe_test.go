package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/adapters/stripe"
	"github.com/saldocrm/saldo/adapters/stripe/stripemock"
)

const (
	stripeKey    = "sk_test_saldo"
	stripeSecret = "whsec_saldo_test"
)

// stripeChannel is Saldo paying through the Stripe adapter against the
// official stripe-mock.
func stripeChannel(t *testing.T) *channel {
	t.Helper()
	mock := stripemock.Start(t, stripeKey)
	c := startChannel(t, pgtest.URL(t), func(cfg *config) {
		cfg.Payments.StripeSecretKey, cfg.Payments.StripeWebhookSecret, cfg.Payments.StripeAPIBase = stripeKey, stripeSecret, mock
	})
	c.startWorker(t)
	return c
}

func (c *channel) stripeEvent(t *testing.T, body string, signedAt time.Time, secret string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, c.srv.URL+"/webhooks/stripe", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set(stripe.SignatureHeader, stripe.Sign([]byte(body), secret, signedAt))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{status: resp.StatusCode, body: b}
}

func completed(eventID, linkID, intent string, minor int, currency string) string {
	return fmt.Sprintf(`{"id":%q,"object":"event","api_version":"2023-10-16","created":%d,"type":"checkout.session.completed","livemode":false,
		"data":{"object":{"id":"cs_test_1","object":"checkout.session","mode":"payment","status":"complete","payment_status":"paid",
		"amount_total":%d,"currency":%q,"client_reference_id":%q,"metadata":{"saldo_payment_link_id":%q},"payment_intent":%q}}}`,
		eventID, time.Now().Unix(), minor, currency, linkID, linkID, intent)
}

func TestStripeWebhooksRecordEachPaymentOnce(t *testing.T) {
	t.Parallel()
	c := stripeChannel(t)
	customerID, _ := payingCustomer(t, c)
	link := c.do(http.MethodPost, "/api/v1/payment-links", c.write, map[string]any{"customer_id": customerID})
	require.Equal(t, http.StatusCreated, link.status, "%s", link.body)
	l := link.json(t)
	assert.Equal(t, "stripe", l["provider"])
	assert.True(t, strings.HasPrefix(l["url"].(string), "https://"), "Stripe's Checkout URL: %v", l["url"])
	id := l["id"].(string)
	payments := func() int {
		var n int
		require.NoError(t, c.app.db.Raw("SELECT count(*) FROM payments").Scan(&n).Error)
		return n
	}

	// Forged, stale and tampered events change nothing.
	good := completed("evt_1", id, "pi_1", 35000000, "cop")
	assert.Equal(t, http.StatusBadRequest, c.stripeEvent(t, good, time.Now(), "whsec_forged").status, "another secret")
	assert.Equal(t, http.StatusBadRequest, c.stripeEvent(t, good, time.Now().Add(-301*time.Second), stripeSecret).status, "older than 300 s")
	tampered := strings.Replace(good, "35000000", "35000001", 1)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, c.srv.URL+"/webhooks/stripe", strings.NewReader(tampered))
	require.NoError(t, err)
	req.Header.Set(stripe.SignatureHeader, stripe.Sign([]byte(good), stripeSecret, time.Now()))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "body altered after signing")
	assert.Equal(t, 0, payments())
	assert.Equal(t, "open", c.do(http.MethodGet, "/api/v1/payment-links/"+id, c.read, nil).json(t)["status"])

	// A refund that arrives before its payment is not lost: Stripe is asked to deliver it again.
	early := fmt.Sprintf(`{"id":"evt_r0","object":"event","created":%d,"type":"charge.refunded","data":{"object":{"id":"ch_1","object":"charge",
		"amount":35000000,"amount_refunded":12000000,"currency":"cop","payment_intent":"pi_1","refunded":false}}}`, time.Now().Unix())
	assert.Equal(t, http.StatusInternalServerError, c.stripeEvent(t, early, time.Now(), stripeSecret).status, "retry later")

	// A payment in another currency than the link is refused.
	wrong := c.stripeEvent(t, completed("evt_usd", id, "pi_usd", 1000, "usd"), time.Now(), stripeSecret)
	assert.Equal(t, http.StatusUnprocessableEntity, wrong.status, "%s", wrong.body)
	assert.Equal(t, 0, payments())

	// The real one, delivered twice and then five times at once: one payment.
	assert.Equal(t, http.StatusOK, c.stripeEvent(t, good, time.Now(), stripeSecret).status)
	assert.Equal(t, http.StatusOK, c.stripeEvent(t, good, time.Now(), stripeSecret).status)
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.Equal(t, http.StatusOK, c.stripeEvent(t, good, time.Now(), stripeSecret).status)
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, payments())
	got := c.do(http.MethodGet, "/api/v1/payment-links/"+id, c.read, nil).json(t)
	assert.Equal(t, "paid", got["status"])
	sum := c.do(http.MethodGet, "/api/v1/customers/"+customerID+"/summary", c.read, nil).json(t)
	assert.Empty(t, sum["overdue_invoices"])
	pays := c.do(http.MethodGet, "/api/v1/payments?customer_id="+customerID, c.read, nil).json(t)["items"].([]any)
	require.Len(t, pays, 1)
	assert.Equal(t, "pi_1", pays[0].(map[string]any)["provider_reference"], "the ERP sees the Stripe payment")
	assert.Equal(t, "stripe", pays[0].(map[string]any)["method"])

	// A refund of 120,000 COP: the latest invoice (250,000) owes it again.
	refund := fmt.Sprintf(`{"id":"evt_r1","object":"event","created":%d,"type":"charge.refunded","data":{"object":{"id":"ch_1","object":"charge",
		"amount":35000000,"amount_refunded":12000000,"currency":"cop","payment_intent":"pi_1","refunded":false}}}`, time.Now().Unix())
	assert.Equal(t, http.StatusOK, c.stripeEvent(t, refund, time.Now(), stripeSecret).status)
	assert.Equal(t, http.StatusOK, c.stripeEvent(t, refund, time.Now(), stripeSecret).status, "redelivered: nothing more")
	var paid []string
	require.NoError(t, c.app.db.Raw("SELECT amount_paid::text FROM invoices ORDER BY due_date").Scan(&paid).Error)
	assert.Equal(t, []string{"100000.0000", "130000.0000", "0.0000"}, paid)
	sum = c.do(http.MethodGet, "/api/v1/customers/"+customerID+"/summary", c.read, nil).json(t)
	overdue := sum["overdue_invoices"].([]any)
	require.Len(t, overdue, 1)
	assert.Equal(t, "120000.00", overdue[0].(map[string]any)["balance"])
}
