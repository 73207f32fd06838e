package sim

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader carries the webhook body's HMAC-SHA256 under the app secret.
const SignatureHeader = "X-Hub-Signature-256"

// Sign returns the X-Hub-Signature-256 value Meta sends with body:
// "sha256=" and the hex HMAC-SHA256 of the raw bytes under appSecret.
func Sign(body []byte, appSecret string) string {
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// messagesWebhook wraps a value of the "messages" field in the envelope,
// filling messaging_product and metadata.
func (s *Simulator) messagesWebhook(v messagesValue) webhook {
	v.MessagingProduct = "whatsapp"
	v.Metadata = webhookMetadata{DisplayPhoneNumber: s.cfg.DisplayPhone, PhoneNumberID: s.cfg.PhoneNumberID}
	return webhook{
		Object: "whatsapp_business_account",
		Entry: []webhookEntry{{
			ID:      s.cfg.BusinessAccountID,
			Changes: []webhookChange{{Field: "messages", Value: v}},
		}},
	}
}

// deliver posts a signed webhook to Saldo, retrying with a doubling backoff
// while Saldo answers non-2xx or cannot be reached, as Meta does. It logs each
// failure and returns the last one when every attempt failed.
func (s *Simulator) deliver(ctx context.Context, what string, payload webhook) error {
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("encode %s webhook: %w", what, err)
	}
	signature := Sign(body, s.cfg.AppSecret)
	backoff := s.cfg.WebhookBackoff
	for attempt := 1; ; attempt++ {
		err = s.post(ctx, body, signature)
		if err == nil {
			s.log.DebugContext(ctx, "whatsapp simulator: webhook delivered", "what", what, "attempt", attempt)
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("deliver %s webhook: %w", what, ctx.Err())
		}
		if attempt >= s.cfg.WebhookAttempts {
			s.log.ErrorContext(ctx, "whatsapp simulator: webhook not delivered, giving up",
				"what", what, "attempts", attempt, "error", err)
			return fmt.Errorf("deliver %s webhook after %d attempts: %w", what, attempt, err)
		}
		s.log.WarnContext(ctx, "whatsapp simulator: webhook failed, will retry",
			"what", what, "attempt", attempt, "retry_in", backoff, "error", err)
		if !sleep(ctx, backoff) {
			return fmt.Errorf("deliver %s webhook: %w", what, ctx.Err())
		}
		backoff *= 2
	}
}

func (s *Simulator) post(ctx context.Context, body []byte, signature string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.WebhookURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "facebookexternalua")
	req.Header.Set(SignatureHeader, signature)
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("post: %w", err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("saldo answered %s: %s", resp.Status, strings.TrimSpace(string(snippet)))
	}
	return nil
}

// VerifyWebhook performs Meta's subscription handshake against WebhookURL:
// GET with hub.mode=subscribe, hub.verify_token=VerifyToken and a random
// hub.challenge, which Saldo must echo with 200.
func (s *Simulator) VerifyWebhook(ctx context.Context) error {
	if s.cfg.VerifyToken == "" {
		return errors.New("verify webhook: no verify token configured")
	}
	u, err := url.Parse(s.cfg.WebhookURL)
	if err != nil {
		return fmt.Errorf("verify webhook: %w", err)
	}
	challenge := strconv.FormatUint(binary.BigEndian.Uint64(randomBytes(8))>>20, 10)
	q := u.Query()
	q.Set("hub.mode", "subscribe")
	q.Set("hub.verify_token", s.cfg.VerifyToken)
	q.Set("hub.challenge", challenge)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fmt.Errorf("verify webhook: %w", err)
	}
	req.Header.Set("User-Agent", "facebookplatform/1.0 (+http://developers.facebook.com)")
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("verify webhook: %w", err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("verify webhook: saldo answered %s", resp.Status)
	}
	if strings.TrimSpace(string(got)) != challenge {
		return fmt.Errorf("verify webhook: saldo echoed %q, want the challenge %q", got, challenge)
	}
	return nil
}

// verifyWithRetries runs VerifyWebhook until it succeeds or the attempts run
// out, giving Saldo time to start.
func (s *Simulator) verifyWithRetries(ctx context.Context) error {
	var err error
	for attempt := 1; attempt <= 10; attempt++ {
		if err = s.VerifyWebhook(ctx); err == nil {
			s.log.InfoContext(ctx, "whatsapp simulator: webhook verified", "url", s.cfg.WebhookURL)
			return nil
		}
		if !sleep(ctx, time.Second) {
			return ctx.Err()
		}
	}
	return err
}
