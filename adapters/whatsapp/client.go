// Package whatsapp is the WhatsApp Business Cloud API adapter: a Graph API
// client that sends messages and manages message templates
// (ports.MessagingGateway, ports.TemplateCatalog), and the webhook side
// that checks signatures and decodes deliveries into domain events
// (ports.WebhookDecoder).
package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/ports"
)

// Defaults of Config.
const (
	DefaultBaseURL     = "https://graph.facebook.com"
	DefaultVersion     = "v21.0"
	DefaultTimeout     = 15 * time.Second
	DefaultMaxAttempts = 3
	DefaultBackoff     = 500 * time.Millisecond
)

const (
	maxBackoff     = 30 * time.Second
	maxAnswerBytes = 4 << 20 // a template list page is the largest answer
	maxListPages   = 1000    // a guard against a cursor that never ends
	listPageSize   = "100"
)

// Config configures a Client. Zero fields take the defaults.
type Config struct {
	BaseURL     string        // default DefaultBaseURL
	Version     string        // Graph API version, default DefaultVersion
	Token       string        // system-user access token; required
	HTTPClient  *http.Client  // default: a client with a 15 s timeout
	MaxAttempts int           // tries per call for retryable errors, default 3
	Backoff     time.Duration // wait before the first retry, doubled each retry, with jitter; default 500ms
}

// Client calls the WhatsApp Business Cloud API (Graph API). It is safe for
// concurrent use.
type Client struct {
	base        *url.URL
	version     string
	token       string
	http        *http.Client
	maxAttempts int
	backoff     time.Duration
}

var (
	_ ports.MessagingGateway = (*Client)(nil)
	_ ports.TemplateCatalog  = (*Client)(nil)
)

// NewClient returns a client for cfg.
func NewClient(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("whatsapp: an access token is required")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	base, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, fmt.Errorf("whatsapp: base URL %q is not an http(s) URL", cfg.BaseURL)
	}
	if cfg.Version == "" {
		cfg.Version = DefaultVersion
	}
	cfg.Version = strings.Trim(cfg.Version, "/")
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: DefaultTimeout}
	}
	if cfg.MaxAttempts < 0 || cfg.Backoff < 0 {
		return nil, errors.New("whatsapp: MaxAttempts and Backoff must not be negative")
	}
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.Backoff == 0 {
		cfg.Backoff = DefaultBackoff
	}
	return &Client{
		base: base, version: cfg.Version, token: cfg.Token, http: cfg.HTTPClient,
		maxAttempts: cfg.MaxAttempts, backoff: cfg.Backoff,
	}, nil
}

// Send implements ports.MessagingGateway: it sends content to the customer
// waID from the business number and returns WhatsApp's message id.
func (c *Client) Send(ctx context.Context, from conversation.BusinessNumber, waID string, content conversation.Content, ref string) (string, error) {
	if from.PhoneNumberID == "" {
		return "", invalidContent(errors.New("the business number has no phone number id"))
	}
	if waID == "" {
		return "", invalidContent(errors.New("the recipient's WhatsApp id is empty"))
	}
	req, err := buildSendRequest(waID, content)
	if err != nil {
		return "", invalidContent(err)
	}
	req.BizOpaqueCallbackData = ref
	var answer struct {
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
	}
	if err := c.call(ctx, http.MethodPost, []string{from.PhoneNumberID, "messages"}, nil, req, &answer); err != nil {
		return "", err
	}
	if len(answer.Messages) == 0 || answer.Messages[0].ID == "" {
		// Not retryable: the message may well have been accepted.
		return "", &ports.SendError{Failure: conversation.Failure{Title: "WhatsApp accepted the request but returned no message id"}}
	}
	return answer.Messages[0].ID, nil
}

// MarkRead implements ports.MessagingGateway: it marks the customer's
// message wamid as read (blue ticks).
func (c *Client) MarkRead(ctx context.Context, from conversation.BusinessNumber, wamid string) error {
	if from.PhoneNumberID == "" || wamid == "" {
		return invalidContent(errors.New("mark read needs the business number's phone number id and a message id"))
	}
	req := markReadRequest{MessagingProduct: "whatsapp", Status: "read", MessageID: wamid}
	return c.call(ctx, http.MethodPost, []string{from.PhoneNumberID, "messages"}, nil, req, nil)
}

// call performs one Graph API call, retrying retryable failures with
// backoff. in (when not nil) is sent as JSON; a 2xx answer is decoded into
// out (when not nil). Failures are *ports.SendError, joined with
// ctx.Err() when the context ended the call.
func (c *Client) call(ctx context.Context, method string, path []string, query url.Values, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return invalidContent(fmt.Errorf("encode request: %w", err))
		}
	}
	endpoint, err := c.endpoint(path, query)
	if err != nil {
		return invalidContent(err)
	}
	for attempt := 1; ; attempt++ {
		err := c.once(ctx, method, endpoint, body, out)
		if err == nil {
			return nil
		}
		var se *ports.SendError
		if !errors.As(err, &se) || !se.Retryable || attempt >= c.maxAttempts {
			return err
		}
		if ctx.Err() != nil {
			return stopped(ctx, err)
		}
		t := time.NewTimer(c.delay(attempt))
		select {
		case <-ctx.Done():
			t.Stop()
			return stopped(ctx, err)
		case <-t.C:
		}
	}
}

// stopped reports a retryable failure whose retries the context's end
// stopped: both the provider's error and ctx.Err() match.
func stopped(ctx context.Context, err error) error {
	if errors.Is(err, ctx.Err()) {
		return err
	}
	return fmt.Errorf("%w (retries stopped: %w)", err, ctx.Err())
}

// delay returns the wait before retry number n (1 for the first retry): the
// backoff doubled n-1 times, capped, with "equal jitter" (half fixed, half
// random) so that workers hit by the same outage do not retry in step.
func (c *Client) delay(n int) time.Duration {
	d := c.backoff
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	d = min(d, maxBackoff)
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1)) //nolint:gosec // jitter needs no cryptographic randomness
}

// endpoint returns the URL of a Graph API path under the client's version.
// Path segments are ids and edge names: anything else is refused, so that a
// stray "/" or "?" in a configured id cannot reach another endpoint.
func (c *Client) endpoint(path []string, query url.Values) (string, error) {
	for _, p := range path {
		if !safeSegment(p) {
			return "", fmt.Errorf("%q is not a Graph API id", p)
		}
	}
	u := c.base.JoinPath(append([]string{c.version}, path...)...)
	u.RawQuery = query.Encode()
	return u.String(), nil
}

func safeSegment(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '_' && r != '-' {
			return false
		}
	}
	return true
}

// once makes one HTTP request.
func (c *Client) once(ctx context.Context, method, endpoint string, body []byte, out any) error {
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, endpoint, reader)
	if err != nil {
		return fmt.Errorf("whatsapp: build request: %w", redactErr(err))
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return c.transportError(ctx, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	if err != nil {
		return c.transportError(ctx, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.apiError(resp.StatusCode, data)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &ports.SendError{Failure: conversation.Failure{
			Title:  "unreadable answer from the Graph API",
			Detail: "HTTP " + strconv.Itoa(resp.StatusCode) + ": " + err.Error(),
		}}
	}
	return nil
}

// transportError classifies a failure to get an answer at all: a network
// error or a timeout (retryable, code 0), or the caller's context ending.
func (c *Client) transportError(ctx context.Context, err error) error {
	err = redactErr(err)
	title := "network error calling the Graph API"
	if isTimeout(err) {
		title = "timeout calling the Graph API"
	}
	se := &ports.SendError{
		Failure:   conversation.Failure{Title: title, Detail: c.redact(err.Error())},
		Retryable: Classify(0, 0),
	}
	if ctx.Err() != nil {
		se.Failure.Title = "the call to the Graph API was canceled"
		return fmt.Errorf("%w: %w", se, ctx.Err())
	}
	return se
}

func isTimeout(err error) bool {
	var te interface{ Timeout() bool }
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &te) && te.Timeout())
}

// redactErr drops the URL from an *url.Error: a Graph API URL can carry an
// access token (paging links do).
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

// redact removes the access token from text that may end up in logs.
func (c *Client) redact(s string) string {
	if len(c.token) >= 8 {
		s = strings.ReplaceAll(s, c.token, "[redacted]")
	}
	return s
}

// graphError is the Graph API's error answer.
type graphError struct {
	Error struct {
		Message      string      `json:"message"`
		Type         string      `json:"type"`
		Code         json.Number `json:"code"`
		ErrorSubcode json.Number `json:"error_subcode"`
		ErrorData    struct {
			Details string `json:"details"`
		} `json:"error_data"`
		// Template management explains refusals to people here instead.
		ErrorUserTitle string `json:"error_user_title"`
		ErrorUserMsg   string `json:"error_user_msg"`
		FBTraceID      string `json:"fbtrace_id"`
	} `json:"error"`
}

// apiError turns a non-2xx answer into a classified *ports.SendError.
func (c *Client) apiError(status int, data []byte) error {
	var ge graphError
	f := conversation.Failure{Title: "HTTP " + strconv.Itoa(status) + " " + http.StatusText(status)}
	if json.Unmarshal(data, &ge) == nil && (ge.Error.Message != "" || ge.Error.Code != "") {
		f.Code = atoi(ge.Error.Code)
		f.Title = ge.Error.Message
		f.Detail = ge.Error.ErrorData.Details
		if f.Detail == "" && ge.Error.ErrorUserMsg != "" {
			f.Detail = strings.TrimPrefix(ge.Error.ErrorUserTitle+": "+ge.Error.ErrorUserMsg, ": ")
		}
		if f.Title == "" {
			f.Title = ge.Error.Type
		}
		if hint, ok := codeHints[f.Code]; ok {
			f.Title += " — " + hint
		}
	}
	f.Title, f.Detail = c.redact(f.Title), c.redact(f.Detail)
	return &ports.SendError{Failure: f, Retryable: Classify(f.Code, status)}
}

// codeHints explain, in the failure's title, errors that must not be
// retried now although they are not permanent.
var codeHints = map[int]string{
	131048: "spam rate limit: slow down; not retried now",
	131049: "per-user marketing limit: retry much later (not within hours); not retried now",
}

// Classify reports whether a Graph API error with code (0 when the answer
// carried none, or no answer came) and HTTP status httpStatus (0 for a
// network error or timeout) may succeed if retried soon.
//
// Retryable: throughput and pair rate limits (130429, 131056), temporary
// unavailability (131057, 1, 2), HTTP 5xx, HTTP 408 and 429 without a code,
// and network errors. Not retryable: everything else, in particular an
// undeliverable recipient (131026), a closed 24-hour window (131047),
// template problems (132000, 132001, 132012), payment (131042), a locked
// account (131031), policy (368), authentication (190), invalid parameters
// (100), and the spam and marketing limits (131048, 131049), which call for
// slowing down or retrying much later rather than retrying now.
func Classify(code, httpStatus int) bool {
	if conversation.RetryableCode(code) {
		return true
	}
	switch code {
	case 131026, 131047, 132000, 132001, 132012, 131042, 131031, 368, 190, 100, 131048, 131049:
		return false
	case 0:
		if httpStatus == 0 || httpStatus == http.StatusRequestTimeout || httpStatus == http.StatusTooManyRequests {
			return true
		}
	}
	return httpStatus >= 500 && httpStatus <= 599
}

// contentError is content the adapter cannot express in WhatsApp's format.
// It is a *ports.SendError (not retryable) wrapping the cause.
type contentError struct {
	send  *ports.SendError
	cause error
}

func invalidContent(cause error) error {
	return &contentError{
		send:  &ports.SendError{Failure: conversation.Failure{Title: "not sent: invalid content", Detail: cause.Error()}},
		cause: cause,
	}
}

func (e *contentError) Error() string   { return "whatsapp: not sent: " + e.cause.Error() }
func (e *contentError) Unwrap() []error { return []error{e.send, e.cause} }

// atoi reads an integer error code; anything else is 0.
func atoi(n json.Number) int {
	v, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil {
		return 0
	}
	return int(v)
}
