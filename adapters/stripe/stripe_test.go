package stripe_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/saldocrm/saldo/adapters/stripe/stripemock"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/stripe"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/paymentlink"
	"github.com/saldocrm/saldo/ports"
)

const (
	testSecretKey     = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
	testWebhookSecret = "whsec_test_Saldo0123456789abcdefABCDEF"
	successURL        = "https://saldo.test/pay/done?session={CHECKOUT_SESSION_ID}"
	cancelURL         = "https://saldo.test/pay/cancelled"
)

// t0 is when the tests' links are made.
var t0 = time.Date(2025, 11, 22, 0, 23, 20, 0, time.UTC)

// startStripeMock runs the official stripe-mock on a free loopback port
// for the test and returns its base URL. The binary is $STRIPE_MOCK_BIN or
// .bin/stripe-mock, which `make test` installs at the pinned version.
func startStripeMock(t *testing.T) string {
	t.Helper()
	return stripemock.Start(t, testSecretKey)
}

// sent is a request the provider made, as the proxy saw it.
type sent struct {
	Method, Path string
	Header       http.Header
	Form         url.Values
	Body         string
}

// recorder is a reverse proxy to a Stripe API (stripe-mock, which echoes
// no parameters) that keeps every request it forwards.
type recorder struct {
	mu   sync.Mutex
	reqs []sent
	srv  *httptest.Server
}

func newRecorder(t *testing.T, target string) *recorder {
	t.Helper()
	u, err := url.Parse(target)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(u)
	rec := &recorder{}
	rec.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, sent{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Form: form, Body: string(body)})
		rec.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(rec.srv.Close)
	return rec
}

func (r *recorder) requests() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sent(nil), r.reqs...)
}

func (r *recorder) only(t *testing.T) sent {
	t.Helper()
	reqs := r.requests()
	require.Len(t, reqs, 1, "requests sent to Stripe")
	return reqs[0]
}

func newProvider(t *testing.T, apiBase string, now time.Time) *stripe.Provider {
	t.Helper()
	p, err := stripe.New(stripe.Config{
		SecretKey: testSecretKey, WebhookSecret: testWebhookSecret, APIBase: apiBase,
		SuccessURL: successURL, CancelURL: cancelURL, Now: func() time.Time { return now },
	})
	require.NoError(t, err)
	return p
}

// request builds a link for amount covering one invoice per number, of a
// customer with email (none when "") speaking lang, made at t0 to live
// lifetime.
func request(t *testing.T, amount, currency, email, lang string, lifetime time.Duration, numbers ...string) ports.LinkRequest {
	t.Helper()
	c, err := customer.New(customer.Details{ExternalID: "C-1", Name: "Ferretería El Tornillo S.A.S.", Email: email, Language: lang}, t0)
	require.NoError(t, err)
	var invs []*invoice.Invoice
	var ids []uuid.UUID
	for _, n := range numbers {
		inv, err := invoice.New(invoice.Details{
			ExternalID: "ERP-" + n, CustomerID: c.ID(), Number: n, Currency: currency,
			IssueDate: "2025-09-01", DueDate: "2025-10-01", Total: amount,
		}, t0)
		require.NoError(t, err)
		invs = append(invs, inv)
		ids = append(ids, inv.ID())
	}
	l, err := paymentlink.New(uuid.New(), c.ID(), ids, money.MustParse(amount, currency), "stripe", lifetime, t0)
	require.NoError(t, err)
	return ports.LinkRequest{Link: l, Customer: c, Invoices: invs}
}

func invoiceIDs(l *paymentlink.Link) string {
	var ids []string
	for _, id := range l.InvoiceIDs() {
		ids = append(ids, id.String())
	}
	return strings.Join(ids, ",")
}

func TestCreateAgainstStripeMock(t *testing.T) {
	t.Parallel()
	mock := startStripeMock(t)
	tests := []struct {
		name, amount, currency, email, lang string
		numbers                             []string
		wantUnitAmount, wantCurrency        string
		wantName                            string
	}{
		{"USD two invoices", "200.75", "USD", "pagos@tornillo.test", "es", []string{"FV-1", "FV-2"}, "20075", "usd", "Facturas FV-1, FV-2"},
		{"COP one invoice", "1500000.50", "COP", "", "es", []string{"FV-1024"}, "150000050", "cop", "Factura FV-1024"},
		{"CLP zero-decimal", "25000", "CLP", "tesoreria@tornillo.test", "es", []string{"F-77"}, "25000", "clp", "Factura F-77"},
		{"BRL in Portuguese", "99.90", "BRL", "", "pt", []string{"NF-1", "NF-2", "NF-3"}, "9990", "brl", "Faturas NF-1, NF-2, NF-3"},
		{"KWD three-decimal", "5.12", "KWD", "", "en", []string{"INV-9"}, "5120", "kwd", "Invoice INV-9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := newRecorder(t, mock)
			p := newProvider(t, rec.srv.URL, t0)
			r := request(t, tt.amount, tt.currency, tt.email, tt.lang, paymentlink.DefaultLifetime, tt.numbers...)

			id, payURL, err := p.Create(context.Background(), r)
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(id, "cs_"), "session id %q", id)
			u, err := url.Parse(payURL)
			require.NoError(t, err, "session URL %q", payURL)
			assert.Equal(t, "https", u.Scheme, "session URL %q", payURL)

			req := rec.only(t)
			assert.Equal(t, http.MethodPost, req.Method)
			assert.Equal(t, "/v1/checkout/sessions", req.Path)
			assert.Equal(t, "Bearer "+testSecretKey, req.Header.Get("Authorization"))
			assert.Equal(t, "saldo-link-"+r.Link.ID().String(), req.Header.Get("Idempotency-Key"))
			linkID, ids := r.Link.ID().String(), invoiceIDs(r.Link)
			want := map[string]string{
				"mode":                                                 "payment",
				"line_items[0][price_data][currency]":                  tt.wantCurrency,
				"line_items[0][price_data][unit_amount]":               tt.wantUnitAmount,
				"line_items[0][price_data][product_data][name]":        tt.wantName,
				"line_items[0][quantity]":                              "1",
				"client_reference_id":                                  linkID,
				"metadata[saldo_payment_link_id]":                      linkID,
				"metadata[saldo_invoice_ids]":                          ids,
				"payment_intent_data[metadata][saldo_payment_link_id]": linkID,
				"payment_intent_data[metadata][saldo_invoice_ids]":     ids,
				// 24 hours after t0, less the minute of margin.
				"expires_at":  strconv.FormatInt(t0.Add(24*time.Hour-time.Minute).Unix(), 10),
				"success_url": successURL,
				"cancel_url":  cancelURL,
			}
			for k, v := range want {
				assert.Equal(t, []string{v}, req.Form[k], "form field %s", k)
			}
			if tt.email != "" {
				assert.Equal(t, []string{tt.email}, req.Form["customer_email"])
			} else {
				assert.NotContains(t, req.Form, "customer_email")
			}
		})
	}
}

func TestCreateRetrySendsTheSameRequest(t *testing.T) {
	t.Parallel()
	mock := startStripeMock(t)
	rec := newRecorder(t, mock)
	r := request(t, "350000", "COP", "pagos@tornillo.test", "es", paymentlink.DefaultLifetime, "FV-1", "FV-2")
	// The first attempt at once, the retry 20 minutes later: Stripe answers
	// the retry from its idempotency cache only if the parameters match.
	for _, now := range []time.Time{t0, t0.Add(20 * time.Minute)} {
		_, _, err := newProvider(t, rec.srv.URL, now).Create(context.Background(), r)
		require.NoError(t, err)
	}
	reqs := rec.requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, reqs[0].Header.Get("Idempotency-Key"), reqs[1].Header.Get("Idempotency-Key"))
	assert.Equal(t, reqs[0].Form, reqs[1].Form)
}

func TestCreateSplitsManyInvoiceIDs(t *testing.T) {
	t.Parallel()
	mock := startStripeMock(t)
	rec := newRecorder(t, mock)
	numbers := make([]string, 20)
	for i := range numbers {
		numbers[i] = fmt.Sprintf("FV-%d", 1000+i)
	}
	r := request(t, "10.00", "USD", "", "es", paymentlink.DefaultLifetime, numbers...)
	_, _, err := newProvider(t, rec.srv.URL, t0).Create(context.Background(), r)
	require.NoError(t, err)

	form := rec.only(t).Form
	ids := strings.Split(invoiceIDs(r.Link), ",")
	first, second := form.Get("metadata[saldo_invoice_ids]"), form.Get("metadata[saldo_invoice_ids_2]")
	assert.Equal(t, strings.Join(ids[:13], ","), first)
	assert.Equal(t, strings.Join(ids[13:], ","), second)
	assert.LessOrEqual(t, len(first), 500)
	assert.Equal(t, second, form.Get("payment_intent_data[metadata][saldo_invoice_ids_2]"))
	name := form.Get("line_items[0][price_data][product_data][name]")
	assert.LessOrEqual(t, len([]rune(name)), 200)
	assert.True(t, strings.HasPrefix(name, "Facturas FV-1000, FV-1001, "), name)
}

func TestCreateRefusesWithoutCallingStripe(t *testing.T) {
	t.Parallel()
	var calls int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		calls++
		mu.Unlock()
		http.Error(w, "unexpected", http.StatusTeapot)
	}))
	t.Cleanup(srv.Close)

	t.Run("a third decimal of KWD", func(t *testing.T) {
		r := request(t, "5.124", "KWD", "", "es", time.Hour, "FV-1")
		_, _, err := newProvider(t, srv.URL, t0).Create(context.Background(), r)
		require.ErrorIs(t, err, stripe.ErrTooPrecise)
		assert.Equal(t, domain.KindInvalid, domain.KindOf(err))
	})
	t.Run("an expired link", func(t *testing.T) {
		r := request(t, "10", "USD", "", "es", time.Hour, "FV-1")
		_, _, err := newProvider(t, srv.URL, t0.Add(time.Hour)).Create(context.Background(), r)
		require.ErrorIs(t, err, paymentlink.ErrExpired)
	})
	t.Run("no link", func(t *testing.T) {
		_, _, err := newProvider(t, srv.URL, t0).Create(context.Background(), ports.LinkRequest{})
		require.Error(t, err)
	})
	mu.Lock()
	defer mu.Unlock()
	assert.Zero(t, calls, "requests sent to Stripe")
}

func TestExpireAgainstStripeMock(t *testing.T) {
	t.Parallel()
	mock := startStripeMock(t)
	rec := newRecorder(t, mock)
	const id = "cs_test_a1B2c3D4e5F6g7H8i9J0"
	require.NoError(t, newProvider(t, rec.srv.URL, t0).Expire(context.Background(), id))
	req := rec.only(t)
	assert.Equal(t, http.MethodPost, req.Method)
	assert.Equal(t, "/v1/checkout/sessions/"+id+"/expire", req.Path)
	assert.Equal(t, "Bearer "+testSecretKey, req.Header.Get("Authorization"))
}

// TestExpireWhenStripeRefuses covers what stripe-mock cannot show: Stripe
// refuses to expire a session that is no longer open.
func TestExpireWhenStripeRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status   string // the session's status, "" when it does not exist
		wantErr  error
		wantKind domain.Kind
	}{
		{"expired", nil, 0},
		{"complete", stripe.ErrSessionCompleted, domain.KindConflict},
		{"", domain.ErrNotFound, domain.KindNotFound},
	}
	for _, tt := range tests {
		t.Run("status "+tt.status, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if tt.status == "" {
					w.WriteHeader(http.StatusNotFound)
					fmt.Fprint(w, `{"error":{"type":"invalid_request_error","code":"resource_missing","message":"No such checkout.session"}}`)
					return
				}
				if r.Method == http.MethodPost {
					w.WriteHeader(http.StatusBadRequest)
					fmt.Fprintf(w, `{"error":{"type":"invalid_request_error","message":"Only Checkout Sessions with a status of open can be expired. This Checkout Session has a status of %s."}}`, tt.status)
					return
				}
				fmt.Fprintf(w, `{"id":"cs_test_1","object":"checkout.session","status":%q}`, tt.status)
			}))
			t.Cleanup(srv.Close)
			err := newProvider(t, srv.URL, t0).Expire(context.Background(), "cs_test_1")
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			assert.Equal(t, tt.wantKind, domain.KindOf(err))
		})
	}
}

func TestNewChecksTheConfig(t *testing.T) {
	t.Parallel()
	ok := stripe.Config{SecretKey: testSecretKey, WebhookSecret: testWebhookSecret, SuccessURL: successURL}
	p, err := stripe.New(ok)
	require.NoError(t, err)
	assert.Equal(t, "stripe", p.Name())

	for name, edit := range map[string]func(*stripe.Config){
		"no secret key":      func(c *stripe.Config) { c.SecretKey = " " },
		"no webhook secret":  func(c *stripe.Config) { c.WebhookSecret = "" },
		"no success URL":     func(c *stripe.Config) { c.SuccessURL = "" },
		"relative success":   func(c *stripe.Config) { c.SuccessURL = "/pay/done" },
		"bad cancel URL":     func(c *stripe.Config) { c.CancelURL = "ftp://saldo.test/x" },
		"API base not a URL": func(c *stripe.Config) { c.APIBase = "localhost:12111" },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := ok
			edit(&c)
			_, err := stripe.New(c)
			require.Error(t, err)
		})
	}
}

// A Stripe API that is down is an error, not a hang or a panic.
func TestCreateWhenStripeIsUnreachable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close()
	p, err := stripe.New(stripe.Config{
		SecretKey: testSecretKey, WebhookSecret: testWebhookSecret, APIBase: base, SuccessURL: successURL,
		HTTPClient: &http.Client{Timeout: 2 * time.Second}, Now: func() time.Time { return t0 },
	})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, _, err = p.Create(ctx, request(t, "10", "USD", "", "es", time.Hour, "FV-1"))
	require.Error(t, err)
	assert.NotErrorIs(t, err, context.DeadlineExceeded, "it should fail, not wait for the deadline")
}
