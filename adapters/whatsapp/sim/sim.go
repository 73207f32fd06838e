// Package sim simulates the WhatsApp Business Cloud API for development and
// end-to-end tests.
//
// The simulator answers the Graph API endpoints Saldo's WhatsApp adapter calls
// (send, mark as read, message templates), enforces the rules Meta enforces
// (bearer token, 24-hour customer service window, template parameters,
// interactive limits), and posts signed webhooks back to Saldo: message
// statuses, template reviews and what customers write. A small web page at "/"
// plays the customer's phone.
//
// It is written from Meta's documentation and recorded payloads only and
// imports nothing of Saldo, so that a misreading of the wire format in Saldo's
// adapter fails against it instead of being shared with it.
package sim

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Config configures a Simulator. Zero values take the defaults named on each field.
type Config struct {
	// Addr is the listen address of Run (default "127.0.0.1:8081").
	Addr string
	// GraphVersion is the only API version served: requests use /{version}/... (default "v21.0").
	GraphVersion string
	// AccessToken is the bearer token the adapter must send (required).
	AccessToken string
	// AppSecret signs webhooks: X-Hub-Signature-256: sha256=<hex HMAC-SHA256(body, AppSecret)> (required).
	AppSecret string
	// WebhookURL is Saldo's webhook endpoint, e.g. http://127.0.0.1:8080/webhooks/whatsapp (required).
	WebhookURL string
	// VerifyToken, when set, makes Run perform Meta's subscription handshake
	// (GET WebhookURL?hub.mode=subscribe&hub.verify_token=...&hub.challenge=...) at start.
	VerifyToken string
	// PhoneNumberID is the business number's id (default "106540352242922").
	PhoneNumberID string
	// DisplayPhone is the business number as customers see it (default "15550783881").
	DisplayPhone string
	// BusinessAccountID is the WhatsApp Business Account (WABA) id (default "102290129340398").
	BusinessAccountID string
	// StatusDelay separates accepted → sent → delivered → read (default 300ms).
	StatusDelay time.Duration
	// ReadReceipts sends "read" a StatusDelay after "delivered". As a bool it
	// cannot default to true: set it (saldo sim does unless
	// SIM_READ_RECEIPTS=false); leave it false to play customers who turned
	// read receipts off.
	ReadReceipts bool
	// FailureRate is the share (0..1) of accepted sends that then fail with
	// 131000 "Something went wrong" in a failed status webhook.
	FailureRate float64
	// FailingNumbers are wa_ids whose sends fail with 131026 "Message undeliverable".
	FailingNumbers []string
	// AsyncWindowErrors reports a send outside the 24-hour window as Cloud API
	// often does: 200 with a wamid, then a failed status with 131047. By default
	// the send is refused at once with HTTP 400 and the same code.
	AsyncWindowErrors bool
	// PhoneQuirks rewrites recipients the way WhatsApp does for some numbers:
	// Mexican 52+10 digits become wa_id 521+10 digits, Brazilian mobiles
	// 55+DDD+9+8 digits lose the ninth digit. The send answer's contacts[].wa_id
	// and every webhook then carry the rewritten form.
	PhoneQuirks bool
	// TemplateReviewDelay is how long a created template stays PENDING (default 2s).
	TemplateReviewDelay time.Duration
	// WebhookAttempts is how many times a webhook is posted before giving up (default 5).
	WebhookAttempts int
	// WebhookBackoff is the wait before the first retry, doubled on each next one (default 1s).
	WebhookBackoff time.Duration
	// Throughput is the number's limit in messages per second (Meta's default
	// is 80, upgradeable to 1,000): sends over it are refused with 130429.
	// Zero: no limit.
	Throughput int
	// StatusBatch, when set, groups the status webhooks of that long into one
	// webhook (up to 500 statuses), as Meta does for busy numbers.
	StatusBatch time.Duration
	// MaxChats caps the customers whose chats are remembered; the least
	// recently active go first (default 1,000).
	MaxChats int
	// Log receives the simulator's log (default: discarded).
	Log *slog.Logger
}

// Simulator is an in-memory WhatsApp Business Cloud API. Its methods are safe
// for concurrent use.
type Simulator struct {
	cfg     Config
	log     *slog.Logger
	client  *http.Client
	handler http.Handler
	failing map[string]bool

	// Background work (status sequences, template reviews) runs under bgCtx
	// and is awaited by Close.
	bgCtx    context.Context
	bgCancel context.CancelFunc
	wg       sync.WaitGroup

	mu          sync.Mutex
	closed      bool
	clockOffset time.Duration
	chats       map[string]*chat
	byWamid     map[string]*message
	templates   []*Template
	nextTplID   int64
	sentCount   int

	sendsTo         map[string]int // accepted sends per wa_id, never forgotten
	throttle        throttle
	throttled       int
	pendingStatuses []webhookStatus
	flushing        bool
}

// Message statuses, in the order a status may only move forward.
const (
	StatusAccepted  = "accepted"
	StatusSent      = "sent"
	StatusDelivered = "delivered"
	StatusRead      = "read"
	StatusFailed    = "failed"
)

// New checks cfg, applies defaults and returns a Simulator with the seed
// template catalog. Call Close (or let Run return) to stop its background work.
func New(cfg Config) (*Simulator, error) {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:8081"
	}
	if cfg.GraphVersion == "" {
		cfg.GraphVersion = "v21.0"
	}
	if cfg.PhoneNumberID == "" {
		cfg.PhoneNumberID = "106540352242922"
	}
	if cfg.DisplayPhone == "" {
		cfg.DisplayPhone = "15550783881"
	}
	if cfg.BusinessAccountID == "" {
		cfg.BusinessAccountID = "102290129340398"
	}
	if cfg.StatusDelay <= 0 {
		cfg.StatusDelay = 300 * time.Millisecond
	}
	if cfg.TemplateReviewDelay <= 0 {
		cfg.TemplateReviewDelay = 2 * time.Second
	}
	if cfg.MaxChats <= 0 {
		cfg.MaxChats = 1000
	}
	if cfg.WebhookAttempts <= 0 {
		cfg.WebhookAttempts = 5
	}
	if cfg.WebhookBackoff <= 0 {
		cfg.WebhookBackoff = time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}

	var errs []error
	if cfg.AccessToken == "" {
		errs = append(errs, errors.New("access token is required"))
	}
	if cfg.AppSecret == "" {
		errs = append(errs, errors.New("app secret is required"))
	}
	if u, err := url.Parse(cfg.WebhookURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("webhook URL %q must be an absolute http(s) URL", cfg.WebhookURL))
	}
	if !strings.HasPrefix(cfg.GraphVersion, "v") || strings.Contains(cfg.GraphVersion, "/") {
		errs = append(errs, fmt.Errorf("graph version %q must look like v21.0", cfg.GraphVersion))
	}
	for name, v := range map[string]string{
		"phone number id": cfg.PhoneNumberID, "display phone": cfg.DisplayPhone,
		"business account id": cfg.BusinessAccountID,
	} {
		if !isDigits(v) {
			errs = append(errs, fmt.Errorf("%s %q must be digits", name, v))
		}
	}
	if cfg.FailureRate < 0 || cfg.FailureRate > 1 {
		errs = append(errs, fmt.Errorf("failure rate %v must be within 0..1", cfg.FailureRate))
	}
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		errs = append(errs, fmt.Errorf("listen address %q: %w", cfg.Addr, err))
	}
	failing := make(map[string]bool, len(cfg.FailingNumbers))
	for _, n := range cfg.FailingNumbers {
		n = strings.TrimPrefix(n, "+")
		if !isDigits(n) {
			errs = append(errs, fmt.Errorf("failing number %q must be digits", n))
			continue
		}
		failing[n] = true
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("whatsapp simulator config: %w", err)
	}

	bgCtx, cancel := context.WithCancel(context.Background())
	s := &Simulator{
		cfg:       cfg,
		log:       cfg.Log,
		client:    &http.Client{Timeout: 10 * time.Second},
		failing:   failing,
		bgCtx:     bgCtx,
		bgCancel:  cancel,
		chats:     make(map[string]*chat),
		byWamid:   make(map[string]*message),
		sendsTo:   make(map[string]int),
		nextTplID: 594425479262000, // above the seeds (594425479261001…)
	}
	// Failing numbers match in either form of a quirky number.
	for _, n := range cfg.FailingNumbers {
		s.failing[s.canonicalWaID(n)] = true
	}
	s.seedTemplates()
	s.handler = s.routes()
	return s, nil
}

// Handler returns the Graph API, the customer page and its JSON endpoints on
// one handler, for Run or an httptest.Server.
func (s *Simulator) Handler() http.Handler { return s.handler }

// Run serves Handler on cfg.Addr until ctx ends, then shuts the server down
// gracefully and stops the background work.
func (s *Simulator) Run(ctx context.Context) error {
	defer s.Close()
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("whatsapp simulator listen: %w", err)
	}
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	s.log.InfoContext(ctx, "whatsapp simulator listening",
		"url", "http://"+ln.Addr().String(), "graph_version", s.cfg.GraphVersion,
		"phone_number_id", s.cfg.PhoneNumberID, "waba_id", s.cfg.BusinessAccountID,
		"webhook_url", s.cfg.WebhookURL)
	if s.cfg.VerifyToken != "" {
		s.spawn(func(ctx context.Context) {
			if err := s.verifyWithRetries(ctx); err != nil {
				s.log.WarnContext(ctx, "whatsapp simulator: webhook verification failed", "error", err)
			}
		})
	}

	select {
	case err := <-served:
		return fmt.Errorf("whatsapp simulator serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("whatsapp simulator shutdown: %w", err)
	}
	return nil
}

// Close stops pending status sequences, template reviews and webhook retries,
// and waits for them. The handler keeps answering, but schedules nothing new.
func (s *Simulator) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.bgCancel()
	s.wg.Wait()
}

// spawn runs fn in the background under bgCtx unless the simulator is closed.
func (s *Simulator) spawn(fn func(ctx context.Context)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		fn(s.bgCtx)
	}()
}

// sleep waits d or until ctx ends, reporting whether the full wait happened.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// now is the simulator's clock; tests move it forward to age the 24-hour window.
func (s *Simulator) now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nowLocked()
}

func (s *Simulator) nowLocked() time.Time { return time.Now().Add(s.clockOffset) }

// canonicalWaID turns a recipient as written by the business into the wa_id
// WhatsApp reports, applying the Mexican and Brazilian rewrites when enabled.
func (s *Simulator) canonicalWaID(to string) string {
	to = strings.TrimPrefix(to, "+")
	if !s.cfg.PhoneQuirks {
		return to
	}
	switch {
	case len(to) == 12 && strings.HasPrefix(to, "52"):
		return "521" + to[2:]
	case len(to) == 13 && strings.HasPrefix(to, "55") && to[4] == '9':
		return to[:4] + to[5:]
	}
	return to
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// validWaID reports whether s is a plausible phone number in international
// form without "+": 8 to 15 digits.
func validWaID(s string) bool { return isDigits(s) && len(s) >= 8 && len(s) <= 15 }

// randomBytes fills n bytes from crypto/rand, which never fails on supported platforms.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// chance returns true with probability p.
func chance(p float64) bool {
	if p <= 0 {
		return false
	}
	v := binary.BigEndian.Uint64(randomBytes(8)) >> 11
	return float64(v)/float64(1<<53) < p
}

const upperHex = "0123456789ABCDEF"

// newWamid makes an id in the shape of WhatsApp's: "wamid." and base64 of a
// small binary record naming the chat, the direction and a random key. Real
// wamids contain '+', '/' and '=', which adapters must keep intact.
func newWamid(waID string, inbound bool) string {
	dir, keyLen := byte(0x11), 18
	if inbound {
		dir, keyLen = 0x12, 20
	}
	b := binary.AppendUvarint([]byte{0x1c, 0x18}, uint64(len(waID)))
	b = append(b, waID...)
	b = append(b, 0x15, 0x02, 0x00, dir, 0x18, byte(keyLen))
	for _, r := range randomBytes(keyLen) {
		b = append(b, upperHex[r&0x0f])
	}
	b = append(b, 0x00)
	return "wamid." + base64.StdEncoding.EncodeToString(b)
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newTraceID makes a Graph-style fbtrace_id.
func newTraceID() string {
	b := randomBytes(16)
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}
