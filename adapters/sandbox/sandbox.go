// Package sandbox is the payment provider Saldo uses without a Stripe key:
// the pay page is Saldo's own (/pay/{token}), and paying it goes through the
// same reconciliation as a provider's webhook. Nothing is charged.
package sandbox

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/ports"
)

// Provider implements ports.PaymentLinkProvider with pages Saldo serves.
type Provider struct {
	baseURL string
}

var _ ports.PaymentLinkProvider = (*Provider)(nil)

// New returns the sandbox provider; pay pages live under baseURL.
func New(baseURL string) *Provider { return &Provider{baseURL: strings.TrimRight(baseURL, "/")} }

// Name implements ports.PaymentLinkProvider.
func (*Provider) Name() string { return "sandbox" }

// Create implements ports.PaymentLinkProvider: the page is /pay/{token}.
func (p *Provider) Create(_ context.Context, r ports.LinkRequest) (string, string, error) {
	if r.Link == nil {
		return "", "", errors.New("sandbox: no link")
	}
	return "sbx_" + r.Link.ID().String(), p.baseURL + "/pay/" + r.Link.Token(), nil
}

// Expire implements ports.PaymentLinkProvider; the page checks the link's
// own status, so there is nothing to close.
func (*Provider) Expire(context.Context, string) error { return nil }

var errNoWebhooks = domain.Errorf(domain.KindInvalid, "no_webhooks", "the sandbox sends no webhooks: its pay page reconciles directly")

// ParseWebhook implements ports.PaymentLinkProvider.
func (*Provider) ParseWebhook([]byte, string, time.Time) (ports.PaymentEvent, error) {
	return ports.PaymentEvent{}, errNoWebhooks
}
