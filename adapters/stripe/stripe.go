// Package stripe implements ports.PaymentLinkProvider with Stripe Checkout:
// one Checkout Session per payment link, created through stripe-go with a
// client of its own (no package-level state), and Stripe's signed webhooks
// read into payment events. Minor units exist only in this package.
package stripe

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	stripego "github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/paymentlink"
	"github.com/saldocrm/saldo/ports"
)

// Metadata keys Saldo writes on every Checkout Session and its
// PaymentIntent.
const (
	MetadataLinkID     = "saldo_payment_link_id"
	MetadataInvoiceIDs = "saldo_invoice_ids"
)

// Stripe's limits that Create works within.
const (
	// A session's expires_at must be 30 minutes to 24 hours after its
	// creation; expiryMargin keeps a request that takes a while, or a clock
	// a little off Stripe's, inside that window.
	minExpiry    = 30 * time.Minute
	maxExpiry    = 24 * time.Hour
	expiryMargin = time.Minute

	// Metadata: at most 50 keys, values of at most 500 characters.
	maxMetadataKeys  = 50
	maxMetadataValue = 500

	// maxNameLength keeps the product name, which the customer reads on
	// the Checkout page, short.
	maxNameLength = 200
)

// Errors of session creation and expiry.
var (
	ErrTooManyInvoices  = domain.Errorf(domain.KindInvalid, "too_many_invoices", "a Stripe payment link covers at most %d invoices")
	ErrSessionCompleted = domain.Errorf(domain.KindConflict, "stripe_session_complete", "Stripe checkout session %s is complete: it was paid and cannot be expired")
)

// Config configures a Provider.
type Config struct {
	// SecretKey is the API key (sk_live_…, sk_test_… or a restricted rk_…).
	SecretKey string
	// WebhookSecret is the webhook endpoint's signing secret (whsec_…).
	WebhookSecret string
	// APIBase replaces https://api.stripe.com, e.g. stripe-mock's
	// http://127.0.0.1:12111. Optional.
	APIBase string
	// SuccessURL is where Checkout sends the customer after paying; it may
	// hold Stripe's {CHECKOUT_SESSION_ID} placeholder.
	SuccessURL string
	// CancelURL is Checkout's back link. Optional.
	CancelURL string
	// HTTPClient makes the API calls. Optional: a client with a 30 s timeout.
	HTTPClient *http.Client
	// Now tells the time, to keep a session's expiry in Stripe's window.
	// Optional: time.Now.
	Now func() time.Time
}

// Provider opens Stripe Checkout Sessions and reads Stripe's webhooks.
type Provider struct {
	api           *client.API
	webhookSecret string
	successURL    string
	cancelURL     string
	now           func() time.Time
}

var _ ports.PaymentLinkProvider = (*Provider)(nil)

// New returns a Provider for cfg; SecretKey, WebhookSecret and SuccessURL
// are required.
func New(cfg Config) (*Provider, error) {
	var problems []string
	if strings.TrimSpace(cfg.SecretKey) == "" {
		problems = append(problems, "SecretKey is required")
	}
	if strings.TrimSpace(cfg.WebhookSecret) == "" {
		problems = append(problems, "WebhookSecret is required: webhooks cannot be checked without it")
	}
	if !absoluteURL(cfg.SuccessURL) {
		problems = append(problems, fmt.Sprintf("SuccessURL %q is not an absolute http(s) URL", cfg.SuccessURL))
	}
	if cfg.CancelURL != "" && !absoluteURL(cfg.CancelURL) {
		problems = append(problems, fmt.Sprintf("CancelURL %q is not an absolute http(s) URL", cfg.CancelURL))
	}
	if cfg.APIBase != "" && !absoluteURL(cfg.APIBase) {
		problems = append(problems, fmt.Sprintf("APIBase %q is not an absolute http(s) URL", cfg.APIBase))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("stripe: %s", strings.Join(problems, "; "))
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Provider{
		api:           client.New(strings.TrimSpace(cfg.SecretKey), backends(hc, strings.TrimRight(cfg.APIBase, "/"))),
		webhookSecret: cfg.WebhookSecret,
		successURL:    cfg.SuccessURL,
		cancelURL:     cfg.CancelURL,
		now:           now,
	}, nil
}

// backends returns stripe-go backends of this provider's own: its HTTP
// client, no logging (errors are returned, and logged once by whoever
// handles them) and, when apiBase is set, that API URL.
func backends(hc *http.Client, apiBase string) *stripego.Backends {
	config := func(u string) *stripego.BackendConfig {
		c := &stripego.BackendConfig{
			HTTPClient:        hc,
			LeveledLogger:     &stripego.LeveledLogger{Level: stripego.LevelNull},
			MaxNetworkRetries: stripego.Int64(stripego.DefaultMaxNetworkRetries),
		}
		if u != "" {
			c.URL = stripego.String(u)
		}
		return c
	}
	return &stripego.Backends{
		API:     stripego.GetBackendWithConfig(stripego.APIBackend, config(apiBase)),
		Connect: stripego.GetBackendWithConfig(stripego.ConnectBackend, config("")),
		Uploads: stripego.GetBackendWithConfig(stripego.UploadsBackend, config("")),
	}
}

func absoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// Name implements ports.PaymentLinkProvider.
func (*Provider) Name() string { return "stripe" }

// Create implements ports.PaymentLinkProvider: it opens a Checkout Session
// (mode payment) with one line item for the link's amount, naming the
// invoices, and Saldo's link and invoice ids in client_reference_id and in
// the metadata of the session and of its PaymentIntent. The request's
// Idempotency-Key is "saldo-link-<link id>": Stripe answers a repeated
// request (within 24 hours) with the session it already opened, provided
// its parameters are the same, which is why nothing in them depends on the
// time of the call except in the rare case of a link with less than half
// an hour left.
func (p *Provider) Create(ctx context.Context, r ports.LinkRequest) (string, string, error) {
	l := r.Link
	if l == nil {
		return "", "", errors.New("stripe: create checkout session: no payment link")
	}
	amount, err := MinorUnits(l.Amount())
	if err != nil {
		return "", "", err
	}
	if amount <= 0 {
		return "", "", paymentlink.ErrNonPositive
	}
	expiresAt, err := expiry(l, p.now())
	if err != nil {
		return "", "", err
	}
	meta, err := metadata(l)
	if err != nil {
		return "", "", err
	}
	params := &stripego.CheckoutSessionParams{
		Mode: stripego.String(string(stripego.CheckoutSessionModePayment)),
		LineItems: []*stripego.CheckoutSessionLineItemParams{{
			PriceData: &stripego.CheckoutSessionLineItemPriceDataParams{
				Currency:    stripego.String(strings.ToLower(l.Amount().Currency().Code())),
				UnitAmount:  stripego.Int64(amount),
				ProductData: &stripego.CheckoutSessionLineItemPriceDataProductDataParams{Name: stripego.String(productName(r))},
			},
			Quantity: stripego.Int64(1),
		}},
		ClientReferenceID: stripego.String(l.ID().String()),
		Metadata:          meta,
		PaymentIntentData: &stripego.CheckoutSessionPaymentIntentDataParams{Metadata: maps.Clone(meta)},
		ExpiresAt:         stripego.Int64(expiresAt.Unix()),
		SuccessURL:        stripego.String(p.successURL),
	}
	if p.cancelURL != "" {
		params.CancelURL = stripego.String(p.cancelURL)
	}
	if r.Customer != nil && r.Customer.Email() != "" {
		params.CustomerEmail = stripego.String(r.Customer.Email())
	}
	params.Context = ctx
	params.SetIdempotencyKey("saldo-link-" + l.ID().String())

	s, err := p.api.CheckoutSessions.New(params)
	if err != nil {
		return "", "", fmt.Errorf("stripe: create checkout session for link %s: %w", l.ID(), err)
	}
	if s.ID == "" || s.URL == "" {
		return "", "", fmt.Errorf("stripe: checkout session for link %s came back without an id or a URL", l.ID())
	}
	return s.ID, s.URL, nil
}

// expiry returns the session's expires_at: the link's expiry, kept within
// Stripe's window of 30 minutes to 24 hours after the request. The upper
// bound is counted from the link's creation, which is never after now, so
// that a retried request sends the same value; a link with less than half
// an hour left gets a session that lives half an hour (a payment arriving
// after the link's expiry is still recorded: the money arrived).
func expiry(l *paymentlink.Link, now time.Time) (time.Time, error) {
	exp := l.ExpiresAt()
	if !exp.After(now) {
		return time.Time{}, paymentlink.ErrExpired.New(exp.UTC().Format(time.RFC3339))
	}
	hi := now.Add(maxExpiry - expiryMargin)
	if c := l.CreatedAt(); !c.IsZero() && c.Before(now) {
		hi = c.Add(maxExpiry - expiryMargin)
	}
	if exp.After(hi) {
		exp = hi
	}
	if lo := now.Add(minExpiry + expiryMargin); exp.Before(lo) {
		exp = lo
	}
	return exp, nil
}

// metadata returns the link's id and its invoices' ids, comma-separated.
// When they do not fit in one value (more than 13 invoices) they continue
// in saldo_invoice_ids_2, _3, … .
func metadata(l *paymentlink.Link) (map[string]string, error) {
	meta := map[string]string{MetadataLinkID: l.ID().String()}
	var chunk strings.Builder
	n := 1
	flush := func() error {
		if chunk.Len() == 0 {
			return nil
		}
		if len(meta) >= maxMetadataKeys {
			return ErrTooManyInvoices.New((maxMetadataKeys - 1) * (maxMetadataValue / 37))
		}
		key := MetadataInvoiceIDs
		if n > 1 {
			key = fmt.Sprintf("%s_%d", MetadataInvoiceIDs, n)
		}
		meta[key] = chunk.String()
		chunk.Reset()
		n++
		return nil
	}
	for _, id := range l.InvoiceIDs() {
		s := id.String()
		if chunk.Len() > 0 && chunk.Len()+1+len(s) > maxMetadataValue {
			if err := flush(); err != nil {
				return nil, err
			}
		}
		if chunk.Len() > 0 {
			chunk.WriteByte(',')
		}
		chunk.WriteString(s)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return meta, nil
}

// productName is what the customer reads on the Checkout page: "Facturas
// FV-1, FV-2" in the customer's language, shortened with "…" when long.
func productName(r ports.LinkRequest) string {
	lang := customer.Spanish
	if r.Customer != nil {
		lang = r.Customer.Language()
	}
	one, many, payment := "Factura", "Facturas", "Pago"
	switch lang {
	case customer.Portuguese:
		one, many, payment = "Fatura", "Faturas", "Pagamento"
	case customer.English:
		one, many, payment = "Invoice", "Invoices", "Payment"
	}
	var numbers []string
	for _, inv := range r.Invoices {
		if inv != nil && inv.Number() != "" {
			numbers = append(numbers, inv.Number())
		}
	}
	switch len(numbers) {
	case 0:
		return payment
	case 1:
		return truncate(one+" "+numbers[0], maxNameLength)
	}
	name := many + " " + strings.Join(numbers, ", ")
	if utf8.RuneCountInString(name) <= maxNameLength {
		return name
	}
	// As many numbers as fit, then how many more.
	name = many + " " + numbers[0]
	for i := 1; i < len(numbers); i++ {
		more := fmt.Sprintf(", … (+%d)", len(numbers)-i)
		if utf8.RuneCountInString(name+", "+numbers[i]+more) > maxNameLength {
			return truncate(name+more, maxNameLength)
		}
		name += ", " + numbers[i]
	}
	return truncate(name, maxNameLength)
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Expire implements ports.PaymentLinkProvider. Expiring a session that
// already expired succeeds; one that completed was paid, and is
// ErrSessionCompleted (a conflict).
func (p *Provider) Expire(ctx context.Context, providerID string) error {
	if providerID == "" {
		return errors.New("stripe: expire checkout session: no session id")
	}
	params := &stripego.CheckoutSessionExpireParams{}
	params.Context = ctx
	_, err := p.api.CheckoutSessions.Expire(providerID, params)
	if err == nil {
		return nil
	}
	var se *stripego.Error
	if errors.As(err, &se) && se.HTTPStatusCode == http.StatusBadRequest {
		// Stripe expires only open sessions: see what this one became.
		get := &stripego.CheckoutSessionParams{}
		get.Context = ctx
		if s, gerr := p.api.CheckoutSessions.Get(providerID, get); gerr == nil {
			switch s.Status {
			case stripego.CheckoutSessionStatusExpired:
				return nil
			case stripego.CheckoutSessionStatusComplete:
				return ErrSessionCompleted.New(providerID)
			}
		}
	}
	if se != nil && se.HTTPStatusCode == http.StatusNotFound {
		return domain.ErrNotFound.New("Stripe checkout session " + providerID)
	}
	return fmt.Errorf("stripe: expire checkout session %s: %w", providerID, err)
}
