package stripe

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/ports"
)

// SignatureHeader is the header that carries a webhook's signature.
const SignatureHeader = "Stripe-Signature"

// SignatureTolerance is how far a webhook's signed timestamp may be from
// the time it is checked at: Stripe's default, five minutes.
const SignatureTolerance = 300 * time.Second

// Errors of webhook reading; both are of kind invalid.
var (
	ErrInvalidSignature = domain.Errorf(domain.KindInvalid, "invalid_signature", "invalid Stripe-Signature: %s")
	ErrInvalidEvent     = domain.Errorf(domain.KindInvalid, "invalid_stripe_event", "invalid Stripe event: %s")
)

// Sign returns the Stripe-Signature header Stripe would send for body
// signed with secret at t, for tests and simulators.
func Sign(body []byte, secret string, t time.Time) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(signature(body, secret, ts))
}

func signature(body []byte, secret, ts string) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return mac.Sum(nil)
}

// VerifySignature checks header, "t=<unix>,v1=<hex>[,v1=<hex>…]", against
// body and secret at now: one v1 must be the HMAC-SHA256 of "<t>.<body>"
// (several are sent while a secret is being rolled), and t must be within
// SignatureTolerance of now, either way. Other schemes (v0) are ignored.
// It returns ErrInvalidSignature otherwise.
func VerifySignature(body []byte, header, secret string, now time.Time) error {
	if secret == "" {
		return ErrInvalidSignature.New("no signing secret is configured")
	}
	if strings.TrimSpace(header) == "" {
		return ErrInvalidSignature.New("the " + SignatureHeader + " header is missing")
	}
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "t":
			if ts == "" {
				ts = v
			}
		case "v1":
			if sig, err := hex.DecodeString(v); err == nil && len(sig) == sha256.Size {
				sigs = append(sigs, sig)
			}
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ErrInvalidSignature.New("no timestamp")
	}
	if len(sigs) == 0 {
		return ErrInvalidSignature.New("no v1 signature")
	}
	if age := now.Sub(time.Unix(unix, 0)); age > SignatureTolerance || age < -SignatureTolerance {
		return ErrInvalidSignature.New(fmt.Sprintf("signed at %d, %s away from now: more than %s", unix, age.Round(time.Second), SignatureTolerance))
	}
	want := signature(body, secret, strconv.FormatInt(unix, 10))
	match := false
	for _, sig := range sigs {
		// Every candidate is compared, in constant time.
		if hmac.Equal(sig, want) {
			match = true
		}
	}
	if !match {
		return ErrInvalidSignature.New("no v1 signature matches the body and the signing secret")
	}
	return nil
}

// ParseWebhook implements ports.PaymentLinkProvider: it checks the
// signature at now, then reads the event:
//
//   - checkout.session.completed, paid: PaymentSucceeded; not yet paid (an
//     asynchronous method such as a bank debit): EventIgnored, the outcome
//     follows as checkout.session.async_payment_succeeded (PaymentSucceeded)
//     or _failed (PaymentFailed);
//   - checkout.session.expired: LinkExpired;
//   - charge.refunded: PaymentRefunded, for the charge's PaymentIntent, with
//     the amount refunded so far in total (not the latest refund alone);
//   - anything else: EventIgnored.
//
// The link is the saldo_payment_link_id metadata, else the session's
// client_reference_id, else uuid.Nil (not Saldo's). The provider reference
// of a payment is its PaymentIntent (the session when there is none).
func (p *Provider) ParseWebhook(body []byte, signature string, now time.Time) (ports.PaymentEvent, error) {
	if err := VerifySignature(body, signature, p.webhookSecret, now); err != nil {
		return ports.PaymentEvent{}, err
	}
	return decodeEvent(body)
}

// The parts of Stripe's objects Saldo reads. Stripe shapes a webhook by the
// endpoint's API version, not by stripe-go's, so only these fields are
// decoded: a change elsewhere in the object cannot break them.
type (
	eventJSON struct {
		ID      string `json:"id"`
		Type    string `json:"type"`
		Created int64  `json:"created"`
		Data    *struct {
			Object json.RawMessage `json:"object"`
		} `json:"data"`
	}
	sessionJSON struct {
		ID                string            `json:"id"`
		PaymentStatus     string            `json:"payment_status"`
		AmountTotal       *int64            `json:"amount_total"`
		Currency          string            `json:"currency"`
		ClientReferenceID *string           `json:"client_reference_id"`
		Metadata          map[string]string `json:"metadata"`
		PaymentIntent     expandable        `json:"payment_intent"`
	}
	chargeJSON struct {
		ID             string            `json:"id"`
		AmountRefunded *int64            `json:"amount_refunded"`
		Currency       string            `json:"currency"`
		Metadata       map[string]string `json:"metadata"`
		PaymentIntent  expandable        `json:"payment_intent"`
	}
)

// expandable is a reference Stripe sends as an id, or as the object when
// expanded; either way it holds the id.
type expandable string

func (e *expandable) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*e = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*e = expandable(s)
		return nil
	}
	var o struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	*e = expandable(o.ID)
	return nil
}

func decodeEvent(body []byte) (ports.PaymentEvent, error) {
	var e eventJSON
	if err := json.Unmarshal(body, &e); err != nil {
		return ports.PaymentEvent{}, ErrInvalidEvent.New("the body is not an event: " + err.Error())
	}
	if e.ID == "" || e.Type == "" || e.Created <= 0 {
		return ports.PaymentEvent{}, ErrInvalidEvent.New("an event has an id, a type and a creation time")
	}
	ev := ports.PaymentEvent{Kind: ports.EventIgnored, EventID: e.ID, At: time.Unix(e.Created, 0).UTC()}
	var err error
	switch e.Type {
	case "checkout.session.completed":
		err = readSession(&ev, e, func(s sessionJSON) ports.PaymentEventKind {
			if s.PaymentStatus == "paid" {
				return ports.PaymentSucceeded
			}
			return ports.EventIgnored // paid later, or not at all, asynchronously
		})
	case "checkout.session.async_payment_succeeded":
		err = readSession(&ev, e, func(sessionJSON) ports.PaymentEventKind { return ports.PaymentSucceeded })
	case "checkout.session.async_payment_failed":
		err = readSession(&ev, e, func(sessionJSON) ports.PaymentEventKind { return ports.PaymentFailed })
	case "checkout.session.expired":
		err = readSession(&ev, e, func(sessionJSON) ports.PaymentEventKind { return ports.LinkExpired })
	case "charge.refunded":
		err = readRefund(&ev, e)
	}
	if err != nil {
		return ports.PaymentEvent{}, ErrInvalidEvent.New(fmt.Sprintf("%s %s: %v", e.Type, e.ID, err))
	}
	return ev, nil
}

func object(e eventJSON, v any) error {
	if e.Data == nil || len(e.Data.Object) == 0 {
		return fmt.Errorf("no data.object")
	}
	return json.Unmarshal(e.Data.Object, v)
}

// readSession fills ev from a Checkout Session; kind tells what it means.
// A payment needs its amount; a failure or an expiry carries it when it
// can be read.
func readSession(ev *ports.PaymentEvent, e eventJSON, kind func(sessionJSON) ports.PaymentEventKind) error {
	var s sessionJSON
	if err := object(e, &s); err != nil {
		return err
	}
	if s.ID == "" {
		return fmt.Errorf("the session has no id")
	}
	ev.Kind = kind(s)
	ev.LinkID = linkID(s.Metadata, s.ClientReferenceID)
	ev.ProviderReference = string(s.PaymentIntent)
	if ev.ProviderReference == "" {
		ev.ProviderReference = s.ID
	}
	if s.AmountTotal == nil {
		if ev.Kind == ports.PaymentSucceeded {
			return fmt.Errorf("session %s has no amount_total", s.ID)
		}
		return nil
	}
	amount, err := FromMinorUnits(*s.AmountTotal, s.Currency)
	switch {
	case err == nil:
		ev.Amount = amount
	case ev.Kind == ports.PaymentSucceeded:
		return fmt.Errorf("session %s amount: %w", s.ID, err)
	}
	return nil
}

// readRefund fills ev from a refunded Charge.
func readRefund(ev *ports.PaymentEvent, e eventJSON) error {
	var c chargeJSON
	if err := object(e, &c); err != nil {
		return err
	}
	if c.ID == "" || c.AmountRefunded == nil {
		return fmt.Errorf("the charge has no id or no amount_refunded")
	}
	amount, err := FromMinorUnits(*c.AmountRefunded, c.Currency)
	if err != nil {
		return fmt.Errorf("charge %s amount_refunded: %w", c.ID, err)
	}
	ev.Kind = ports.PaymentRefunded
	ev.LinkID = linkID(c.Metadata, nil)
	ev.ProviderReference = string(c.PaymentIntent)
	if ev.ProviderReference == "" {
		ev.ProviderReference = c.ID
	}
	ev.Amount = amount
	return nil
}

// linkID returns the first of the metadata's link id and the client
// reference that is a UUID, or uuid.Nil.
func linkID(meta map[string]string, clientReference *string) uuid.UUID {
	candidates := []string{meta[MetadataLinkID]}
	if clientReference != nil {
		candidates = append(candidates, *clientReference)
	}
	for _, s := range candidates {
		if id, err := uuid.Parse(strings.TrimSpace(s)); err == nil && id != uuid.Nil {
			return id
		}
	}
	return uuid.Nil
}
