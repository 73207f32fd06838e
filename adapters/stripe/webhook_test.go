package stripe_test

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/stripe"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/ports"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// webhookProvider reads webhooks only: it never calls Stripe.
func webhookProvider(t testing.TB) *stripe.Provider {
	t.Helper()
	p, err := stripe.New(stripe.Config{SecretKey: testSecretKey, WebhookSecret: testWebhookSecret, SuccessURL: successURL})
	require.NoError(t, err)
	return p
}

func TestParseWebhookReadsEvents(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want ports.PaymentEvent
	}{
		{"checkout-session-completed.json", ports.PaymentEvent{
			Kind: ports.PaymentSucceeded, EventID: "evt_1SdK2LAbCdEfGh0123456789",
			// From the metadata: the fixture's client_reference_id is not a UUID.
			LinkID:            uuid.MustParse("0c8f6a4e-1d2b-4e8f-9a7c-3b5d6e7f8a9b"),
			ProviderReference: "pi_3SdK2LAbCdEfGh0123456789",
			Amount:            money.MustParse("200.75", "USD"),
			At:                time.Unix(1763771000, 0).UTC(),
		}},
		{"checkout-session-completed-unpaid.json", ports.PaymentEvent{
			Kind: ports.EventIgnored, EventID: "evt_1SdM7qAbCdEfGh0000000002",
			LinkID:            uuid.MustParse("5b1f3c2e-8a4d-4c6b-9e2f-7a1b3c5d7e9f"),
			ProviderReference: "pi_3SdM7qAbCdEfGh0000000002",
			Amount:            money.MustParse("1500000.50", "COP"),
			At:                time.Unix(1763772000, 0).UTC(),
		}},
		{"checkout-session-async-payment-succeeded.json", ports.PaymentEvent{
			Kind: ports.PaymentSucceeded, EventID: "evt_1SdN1rAbCdEfGh0000000003",
			LinkID: uuid.MustParse("5b1f3c2e-8a4d-4c6b-9e2f-7a1b3c5d7e9f"),
			// payment_intent expanded to an object.
			ProviderReference: "pi_3SdM7qAbCdEfGh0000000002",
			Amount:            money.MustParse("1500000.50", "COP"),
			At:                time.Unix(1763858400, 0).UTC(),
		}},
		{"checkout-session-async-payment-failed.json", ports.PaymentEvent{
			Kind: ports.PaymentFailed, EventID: "evt_1SdN9xAbCdEfGh0000000004",
			LinkID:            uuid.MustParse("9c8b7a6f-5e4d-4c3b-8a2f-1e0d9c8b7a6f"),
			ProviderReference: "pi_3SdN9xAbCdEfGh0000000004",
			Amount:            money.MustParse("99.00", "BRL"),
			At:                time.Unix(1763860000, 0).UTC(),
		}},
		{"checkout-session-expired.json", ports.PaymentEvent{
			Kind: ports.LinkExpired, EventID: "evt_1SdP0aAbCdEfGh0000000005",
			// No metadata: from client_reference_id; no PaymentIntent: the session.
			LinkID:            uuid.MustParse("3e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b"),
			ProviderReference: "cs_test_d4E5f6G7h8I9j0K1l2M3",
			Amount:            money.MustParse("25000", "CLP"),
			At:                time.Unix(1763900000, 0).UTC(),
		}},
		{"charge-refunded.json", ports.PaymentEvent{
			Kind: ports.PaymentRefunded, EventID: "evt_3SdQ4bAbCdEfGh0000000006",
			LinkID:            uuid.Nil, // a charge does not carry the session's metadata
			ProviderReference: "pi_3SdQ4bAbCdEfGh0000000006",
			Amount:            money.MustParse("5.120", "KWD"),
			At:                time.Unix(1763990000, 0).UTC(),
		}},
		{"customer-created.json", ports.PaymentEvent{
			Kind: ports.EventIgnored, EventID: "evt_1SdR5cAbCdEfGh0000000007",
			At: time.Unix(1764000000, 0).UTC(),
		}},
	}
	p := webhookProvider(t)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			body := fixture(t, tt.file)
			now := tt.want.At.Add(3 * time.Second)
			got, err := p.ParseWebhook(body, stripe.Sign(body, testWebhookSecret, tt.want.At), now)
			require.NoError(t, err)
			assert.Equal(t, tt.want.Kind, got.Kind)
			assert.Equal(t, tt.want.EventID, got.EventID)
			assert.Equal(t, tt.want.LinkID, got.LinkID)
			assert.Equal(t, tt.want.ProviderReference, got.ProviderReference)
			assert.Equal(t, tt.want.At, got.At)
			assert.Equal(t, tt.want.Amount.Currency(), got.Amount.Currency(), "currency")
			assert.True(t, tt.want.Amount.Equal(got.Amount), "amount %s, want %s", got.Amount, tt.want.Amount)
			if !tt.want.Amount.Currency().IsZero() {
				assert.Equal(t, tt.want.Amount.StringFixed(), got.Amount.StringFixed())
			}
		})
	}
}

func TestParseWebhookChecksTheSignature(t *testing.T) {
	t.Parallel()
	body := fixture(t, "checkout-session-completed.json")
	now := time.Unix(1763771000, 0)
	good := stripe.Sign(body, testWebhookSecret, now)
	ts := strconv.FormatInt(now.Unix(), 10)
	goodV1 := good[len("t="+ts+",v1="):]
	altered := append([]byte(nil), body...)
	altered[len(altered)/2] ^= 0x01
	wrongV1 := hex.EncodeToString(make([]byte, 32))

	tests := []struct {
		name   string
		body   []byte
		header string
		now    time.Time
		ok     bool
	}{
		{"valid", body, good, now, true},
		{"checked 299 s later", body, good, now.Add(299 * time.Second), true},
		{"checked 300 s later", body, good, now.Add(300 * time.Second), true},
		{"checked 301 s later", body, good, now.Add(301 * time.Second), false},
		{"signed 301 s in the future", body, good, now.Add(-301 * time.Second), false},
		{"wrong secret", body, stripe.Sign(body, "whsec_someone_else", now), now, false},
		{"body altered by one byte", altered, good, now, false},
		{"rotation: the second v1 matches", body, "t=" + ts + ",v1=" + wrongV1 + ",v1=" + goodV1, now, true},
		{"rotation: the first v1 matches", body, "t=" + ts + ",v1=" + goodV1 + ",v1=" + wrongV1, now, true},
		{"with spaces and a v0", body, "t=" + ts + ", v1=" + goodV1 + ", v0=" + wrongV1, now, true},
		{"no v1 matches", body, "t=" + ts + ",v1=" + wrongV1 + ",v1=" + wrongV1, now, false},
		{"only v0", body, "t=" + ts + ",v0=" + goodV1, now, false},
		{"no timestamp", body, "v1=" + goodV1, now, false},
		{"another timestamp", body, "t=" + strconv.FormatInt(now.Unix()+1, 10) + ",v1=" + goodV1, now.Add(time.Second), false},
		{"timestamp not a number", body, "t=yesterday,v1=" + goodV1, now, false},
		{"v1 not hex", body, "t=" + ts + ",v1=" + goodV1[:62] + "zz", now, false},
		{"v1 truncated", body, "t=" + ts + ",v1=" + goodV1[:40], now, false},
		{"missing header", body, "", now, false},
		{"garbage header", body, "garbage", now, false},
		{"only commas", body, ",,,=,", now, false},
	}
	p := webhookProvider(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := p.ParseWebhook(tt.body, tt.header, tt.now)
			if tt.ok {
				require.NoError(t, err)
				assert.Equal(t, ports.PaymentSucceeded, ev.Kind)
				return
			}
			assert.Equal(t, "invalid_signature", wantDomainError(t, err, stripe.ErrInvalidSignature))
			assert.Equal(t, ports.PaymentEvent{}, ev)
		})
	}
}

func TestParseWebhookRefusesBodiesItCannotRead(t *testing.T) {
	t.Parallel()
	now := time.Unix(1763771000, 0)
	p := webhookProvider(t)
	for name, body := range map[string]string{
		"not JSON":           `garbage`,
		"empty":              ``,
		"an array":           `[]`,
		"no id":              `{"type":"checkout.session.completed","created":1763771000,"data":{"object":{}}}`,
		"no type":            `{"id":"evt_1","created":1763771000}`,
		"no creation time":   `{"id":"evt_1","type":"customer.created"}`,
		"no data":            `{"id":"evt_1","type":"checkout.session.completed","created":1763771000}`,
		"session without id": `{"id":"evt_1","type":"checkout.session.expired","created":1763771000,"data":{"object":{"amount_total":1}}}`,
		"paid without amount": `{"id":"evt_1","type":"checkout.session.completed","created":1763771000,` +
			`"data":{"object":{"id":"cs_1","payment_status":"paid","currency":"usd"}}}`,
		"paid in an unknown currency": `{"id":"evt_1","type":"checkout.session.completed","created":1763771000,` +
			`"data":{"object":{"id":"cs_1","payment_status":"paid","amount_total":100,"currency":"xyz"}}}`,
		"paid in a fraction of ISK": `{"id":"evt_1","type":"checkout.session.async_payment_succeeded","created":1763771000,` +
			`"data":{"object":{"id":"cs_1","payment_status":"paid","amount_total":1050,"currency":"isk"}}}`,
		"metadata not strings": `{"id":"evt_1","type":"checkout.session.completed","created":1763771000,` +
			`"data":{"object":{"id":"cs_1","payment_status":"paid","amount_total":100,"currency":"usd","metadata":{"a":1}}}}`,
		"payment_intent a number": `{"id":"evt_1","type":"checkout.session.completed","created":1763771000,` +
			`"data":{"object":{"id":"cs_1","payment_status":"paid","amount_total":100,"currency":"usd","payment_intent":7}}}`,
		"refund without amount": `{"id":"evt_1","type":"charge.refunded","created":1763771000,"data":{"object":{"id":"ch_1","currency":"usd"}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := p.ParseWebhook([]byte(body), stripe.Sign([]byte(body), testWebhookSecret, now), now)
			wantDomainError(t, err, stripe.ErrInvalidEvent)
		})
	}
}

// Events Saldo does not act on are read whatever their object holds, and a
// failure or an expiry without a readable amount still counts.
func TestParseWebhookIsLenientWhereItCanBe(t *testing.T) {
	t.Parallel()
	now := time.Unix(1763771000, 0)
	p := webhookProvider(t)
	for name, tt := range map[string]struct {
		body string
		kind ports.PaymentEventKind
	}{
		"unknown type, odd object": {`{"id":"evt_1","type":"invoice.paid","created":1763771000,"data":{"object":[1,2]}}`, ports.EventIgnored},
		"unknown type, no data":    {`{"id":"evt_1","type":"balance.available","created":1763771000}`, ports.EventIgnored},
		"completed, no payment required": {`{"id":"evt_1","type":"checkout.session.completed","created":1763771000,` +
			`"data":{"object":{"id":"cs_1","payment_status":"no_payment_required","amount_total":0,"currency":"usd"}}}`, ports.EventIgnored},
		"expired, amount in an unknown currency": {`{"id":"evt_1","type":"checkout.session.expired","created":1763771000,` +
			`"data":{"object":{"id":"cs_1","amount_total":100,"currency":"xyz","client_reference_id":null,"payment_intent":null}}}`, ports.LinkExpired},
		"failed, no amount": {`{"id":"evt_1","type":"checkout.session.async_payment_failed","created":1763771000,` +
			`"data":{"object":{"id":"cs_1","metadata":{"saldo_payment_link_id":"not-a-uuid"}}}}`, ports.PaymentFailed},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ev, err := p.ParseWebhook([]byte(tt.body), stripe.Sign([]byte(tt.body), testWebhookSecret, now), now)
			require.NoError(t, err)
			assert.Equal(t, tt.kind, ev.Kind)
			assert.Equal(t, "evt_1", ev.EventID)
			assert.Equal(t, uuid.Nil, ev.LinkID)
		})
	}
}
