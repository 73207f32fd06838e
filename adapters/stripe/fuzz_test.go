package stripe_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/saldocrm/saldo/adapters/stripe"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/ports"
)

// FuzzParseWebhook feeds ParseWebhook arbitrary bodies and headers: it
// must never panic, and either fail with an error of kind invalid or
// return an event the application can rely on. Each input is tried with
// the fuzzed header and again correctly signed, so the decoder behind the
// signature check is reached too.
func FuzzParseWebhook(f *testing.F) {
	now := time.Unix(1763771000, 0)
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures in testdata: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, stripe.Sign(b, testWebhookSecret, now))
	}
	for _, s := range []string{
		``, `null`, `{}`, `[]`, `"evt"`, `{"id":1}`,
		`{"id":"evt_1","type":"checkout.session.completed","created":1,"data":null}`,
		`{"id":"evt_1","type":"checkout.session.completed","created":1,"data":{"object":null}}`,
		`{"id":"evt_1","type":"checkout.session.completed","created":1,"data":{"object":{"id":"cs","payment_status":"paid","amount_total":-9223372036854775808,"currency":"usd"}}}`,
		`{"id":"evt_1","type":"checkout.session.completed","created":9223372036854775807,"data":{"object":{"id":"cs","payment_status":"paid","amount_total":9223372036854775807,"currency":"kwd"}}}`,
		`{"id":"evt_1","type":"checkout.session.expired","created":1,"data":{"object":{"id":"cs","payment_intent":{"id":null},"metadata":null}}}`,
		`{"id":"evt_1","type":"charge.refunded","created":1,"data":{"object":{"id":"ch","amount_refunded":1e3,"currency":"usd"}}}`,
		`{"id":"evt_1","type":"charge.refunded","created":1,"data":{"object":{"id":"ch","amount_refunded":100,"currency":"usd","payment_intent":{"id":"pi"}}}}`,
		"{\"id\":\"\xff\",\"type\":\"checkout.session.completed\",\"created\":1}",
	} {
		f.Add([]byte(s), "t=1763771000,v1=00")
	}
	p, err := stripe.New(stripe.Config{SecretKey: testSecretKey, WebhookSecret: testWebhookSecret, SuccessURL: successURL})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, header string) {
		for _, h := range []string{header, stripe.Sign(body, testWebhookSecret, now)} {
			ev, err := p.ParseWebhook(body, h, now)
			if err != nil {
				if domain.KindOf(err) != domain.KindInvalid {
					t.Fatalf("error of kind %v, want invalid: %v", domain.KindOf(err), err)
				}
				if ev != (ports.PaymentEvent{}) {
					t.Fatalf("an error with an event: %+v", ev)
				}
				continue
			}
			switch ev.Kind {
			case ports.PaymentSucceeded, ports.PaymentRefunded:
				if ev.Amount.Currency().IsZero() || ev.ProviderReference == "" {
					t.Fatalf("a payment without an amount or a reference: %+v", ev)
				}
			case ports.PaymentFailed, ports.LinkExpired, ports.EventIgnored:
			default:
				t.Fatalf("unknown kind %q", ev.Kind)
			}
			if ev.EventID == "" || ev.At.IsZero() {
				t.Fatalf("an event without an id or a time: %+v", ev)
			}
		}
	})
}
