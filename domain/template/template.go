// Package template implements WhatsApp message templates: the
// Meta-approved messages a business may send outside the 24-hour window.
package template

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
)

// Category is Meta's template category; it decides the price.
type Category string

// The categories.
const (
	Marketing      Category = "MARKETING"
	Utility        Category = "UTILITY"
	Authentication Category = "AUTHENTICATION"
)

// Status is where a template is in Meta's review.
type Status string

// The statuses.
const (
	Pending  Status = "PENDING"
	Approved Status = "APPROVED"
	Rejected Status = "REJECTED"
	Paused   Status = "PAUSED"
	Disabled Status = "DISABLED"
)

// ButtonType is the kind of a template button.
type ButtonType string

// The button types.
const (
	QuickReply  ButtonType = "QUICK_REPLY"
	URL         ButtonType = "URL"
	PhoneNumber ButtonType = "PHONE_NUMBER"
	CopyCode    ButtonType = "COPY_CODE"
)

// Errors about templates.
var (
	ErrNotFound    = domain.Errorf(domain.KindNotFound, "template_not_found", "template %s not found")
	ErrInvalid     = domain.Errorf(domain.KindInvalid, "invalid_template", "%s")
	ErrNotApproved = domain.Errorf(domain.KindInvalid, "template_not_approved", "template %s (%s) is %s, not approved")
	ErrParamCount  = domain.Errorf(domain.KindInvalid, "template_parameters", "template %s takes %d body parameters, not %d")
)

var (
	nameRe     = regexp.MustCompile(`^[a-z0-9_]{1,512}$`)
	variableRe = regexp.MustCompile(`\{\{(\d+)\}\}`)
)

// Button is a template button.
type Button struct {
	Type    ButtonType
	Text    string
	URL     string // for URL buttons; may end in {{1}}
	Phone   string // for phone buttons
	Example string // sample value of the URL variable, or the code
}

// Details describe a template.
type Details struct {
	Name     string
	Language string
	Category Category
	Header   string // text header (≤ 60), may hold {{1}}
	Body     string // ≤ 1,024, with {{1}} … {{n}}
	Footer   string // ≤ 60
	Buttons  []Button
	Examples []string // sample values of the body variables, for the review
}

// Template is a message template and its review status.
type Template struct {
	id         uuid.UUID
	d          Details
	status     Status
	reason     string
	providerID string
	updatedAt  time.Time
}

// New checks d against Meta's rules and returns a template pending review.
func New(id uuid.UUID, d Details, now time.Time) (*Template, error) {
	var problems []string
	add := func(s string) { problems = append(problems, s) }
	d.Name = strings.TrimSpace(d.Name)
	if !nameRe.MatchString(d.Name) {
		add("name must be lowercase letters, digits and underscores")
	}
	if strings.TrimSpace(d.Language) == "" {
		add("language is required, e.g. es, pt_BR, en_US")
	}
	switch d.Category {
	case Marketing, Utility, Authentication:
	default:
		add("category must be MARKETING, UTILITY or AUTHENTICATION")
	}
	if utf8.RuneCountInString(d.Header) > 60 {
		add("header text is at most 60 characters")
	}
	if n := utf8.RuneCountInString(d.Body); n == 0 || n > 1024 {
		add("body is required and at most 1,024 characters")
	}
	if utf8.RuneCountInString(d.Footer) > 60 {
		add("footer is at most 60 characters")
	}
	if n := Variables(d.Body); n > 0 {
		for i := 1; i <= n; i++ {
			if !strings.Contains(d.Body, "{{"+strconv.Itoa(i)+"}}") {
				add("body variables must be numbered {{1}} to {{n}} without gaps")
				break
			}
		}
	}
	if len(d.Buttons) > 10 {
		add("at most 10 buttons")
	}
	for _, b := range d.Buttons {
		switch {
		case b.Text == "" || utf8.RuneCountInString(b.Text) > 25:
			add("button text is required and at most 25 characters")
		case b.Type == URL && !strings.HasPrefix(b.URL, "https://"):
			add("URL buttons need an https:// URL")
		case b.Type == PhoneNumber && b.Phone == "":
			add("phone buttons need a phone number")
		case b.Type != QuickReply && b.Type != URL && b.Type != PhoneNumber && b.Type != CopyCode:
			add("button type must be QUICK_REPLY, URL, PHONE_NUMBER or COPY_CODE")
		}
	}
	if len(problems) > 0 {
		return nil, ErrInvalid.New(strings.Join(problems, "; ")).WithDetails(problems...)
	}
	return &Template{id: id, d: d, status: Pending, updatedAt: now}, nil
}

// Variables returns the highest {{n}} in text.
func Variables(text string) int {
	n := 0
	for _, m := range variableRe.FindAllStringSubmatch(text, -1) {
		if v, err := strconv.Atoi(m[1]); err == nil && v > n {
			n = v
		}
	}
	return n
}

// Review applies Meta's review event (APPROVED, REJECTED, PAUSED, DISABLED,
// …). Unknown events are ignored; it reports whether anything changed.
func (t *Template) Review(event, reason string, at time.Time) bool {
	st := Status(strings.ToUpper(strings.TrimSpace(event)))
	switch st {
	case Approved, Rejected, Paused, Disabled, Pending:
	case "REINSTATED":
		st = Approved
	default: // FLAGGED and quality events do not change whether it can be sent
		return false
	}
	if st == t.status && reason == t.reason {
		return false
	}
	t.status, t.reason, t.updatedAt = st, reason, at
	return true
}

// Submitted records Meta's id after the template was submitted.
func (t *Template) Submitted(providerID string, at time.Time) {
	t.providerID, t.updatedAt = providerID, at
}

// CheckSend reports whether the template can be sent with n body parameters.
func (t *Template) CheckSend(n int) error {
	if t.status != Approved {
		return ErrNotApproved.New(t.d.Name, t.d.Language, t.status)
	}
	if want := Variables(t.d.Body); want != n {
		return ErrParamCount.New(t.d.Name, want, n)
	}
	return nil
}

// Render fills the body's variables with params, for previews.
func (t *Template) Render(params []string) string {
	return variableRe.ReplaceAllStringFunc(t.d.Body, func(m string) string {
		i, _ := strconv.Atoi(m[2 : len(m)-2])
		if i >= 1 && i <= len(params) {
			return params[i-1]
		}
		return m
	})
}

// ID returns Saldo's id of the template.
func (t *Template) ID() uuid.UUID { return t.id }

// Details returns the template's content.
func (t *Template) Details() Details { return t.d }

// Name returns the template's name.
func (t *Template) Name() string { return t.d.Name }

// Language returns the template's language code.
func (t *Template) Language() string { return t.d.Language }

// Status returns the review status.
func (t *Template) Status() Status { return t.status }

// Reason returns Meta's reason for a rejection or pause.
func (t *Template) Reason() string { return t.reason }

// ProviderID returns Meta's id of the template.
func (t *Template) ProviderID() string { return t.providerID }

// UpdatedAt returns when the template last changed.
func (t *Template) UpdatedAt() time.Time { return t.updatedAt }

// UnmarshalFromDatabase rebuilds a stored template. Only adapters call it.
func UnmarshalFromDatabase(id uuid.UUID, d Details, status Status, reason, providerID string, updatedAt time.Time) *Template {
	return &Template{id: id, d: d, status: status, reason: reason, providerID: providerID, updatedAt: updatedAt}
}
