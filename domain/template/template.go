// Package template implements WhatsApp message templates: the
// Meta-approved messages a business may send outside the 24-hour window.
package template

import (
	"net/url"
	"regexp"
	"slices"
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
	languageRe = regexp.MustCompile(`^[a-z]{2,3}(_[A-Z]{2})?$`)
	variableRe = regexp.MustCompile(`\{\{(\d+)\}\}`)
	// placeholderRe finds anything written as a variable, positional or not.
	placeholderRe = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)
	phoneRe       = regexp.MustCompile(`^\+?[0-9]{6,19}$`)
)

// Meta's limits on template content.
const (
	MaxBody         = 1024
	MaxHeaderText   = 60
	MaxFooter       = 60
	MaxButtons      = 10
	MaxQuickReplies = 10
	MaxURLButtons   = 2
	MaxPhoneButtons = 1
	MaxCopyCode     = 1
	MaxButtonText   = 25
	MaxCopyCodeText = 15
	MaxURL          = 2000
)

// HeaderFormat is what a template's header shows.
type HeaderFormat string

// The header formats. A media header shows the file sent with each message;
// the template keeps an example for the review.
const (
	HeaderNone     HeaderFormat = ""
	HeaderText     HeaderFormat = "TEXT"
	HeaderImage    HeaderFormat = "IMAGE"
	HeaderVideo    HeaderFormat = "VIDEO"
	HeaderDocument HeaderFormat = "DOCUMENT"
)

// Media reports whether the header shows a file.
func (f HeaderFormat) Media() bool {
	return f == HeaderImage || f == HeaderVideo || f == HeaderDocument
}

// Button is a template button.
type Button struct {
	Type    ButtonType
	Text    string // the label; WhatsApp sets the label of copy-code buttons itself
	URL     string // for URL buttons; may end in {{1}}
	Phone   string // for phone buttons
	Example string // sample value of the URL variable, or the code
}

// Details describe a template.
type Details struct {
	Name     string
	Language string
	Category Category
	// HeaderFormat is the header's kind; empty with a Header text means a
	// text header (templates stored before media headers existed).
	HeaderFormat   HeaderFormat
	Header         string // text header (≤ 60), may hold {{1}}
	HeaderExample  string // sample value of the text header's {{1}}
	HeaderMediaURL string // example file of a media header, https
	Body           string // ≤ 1,024, with {{1}} … {{n}}
	Footer         string // ≤ 60
	Buttons        []Button
	Examples       []string // sample values of the body variables, for the review
}

// HeaderKind returns the header's format, HeaderNone when there is no header.
func (d Details) HeaderKind() HeaderFormat {
	switch {
	case d.HeaderFormat != HeaderNone:
		return d.HeaderFormat
	case d.Header != "":
		return HeaderText
	}
	return HeaderNone
}

// Preview returns the body with the sample values in place of its variables.
func (d Details) Preview() string {
	return fill(d.Body, d.Examples)
}

// Problem is one broken rule of a template: the field it is about (as the
// API names it, e.g. "buttons[1].url"), a stable code and a message.
type Problem struct {
	Field   string
	Code    string
	Message string
}

// String returns "field: message".
func (p Problem) String() string { return p.Field + ": " + p.Message }

// Template is a message template and its review status.
type Template struct {
	id         uuid.UUID
	d          Details
	status     Status
	reason     string
	providerID string
	updatedAt  time.Time
}

// New checks d against Meta's rules (see Check) and returns a template
// pending review. A template that breaks them is ErrInvalid with one detail
// per problem, "field: message".
func New(id uuid.UUID, d Details, now time.Time) (*Template, error) {
	d = Normalize(d)
	if problems := Check(d); len(problems) > 0 {
		msgs := make([]string, len(problems))
		for i, p := range problems {
			msgs[i] = p.String()
		}
		return nil, ErrInvalid.New(strings.Join(msgs, "; ")).WithDetails(msgs...)
	}
	return &Template{id: id, d: d, status: Pending, updatedAt: now}, nil
}

// FromCatalog returns a template that WhatsApp's catalog already holds, for a
// sync: Meta accepted its content, so only what Saldo needs to address and
// send it is checked (a name, a language, a known category and a body).
func FromCatalog(id uuid.UUID, d Details, now time.Time) (*Template, error) {
	d = Normalize(d)
	var problems []string
	if !nameRe.MatchString(d.Name) {
		problems = append(problems, "name: must be lowercase letters, digits and underscores")
	}
	if d.Language == "" {
		problems = append(problems, "language: is required")
	}
	switch d.Category {
	case Marketing, Utility, Authentication:
	default:
		problems = append(problems, "category: must be MARKETING, UTILITY or AUTHENTICATION")
	}
	if strings.TrimSpace(d.Body) == "" {
		problems = append(problems, "body: is required")
	}
	if len(problems) > 0 {
		return nil, ErrInvalid.New(strings.Join(problems, "; ")).WithDetails(problems...)
	}
	return &Template{id: id, d: d, status: Pending, updatedAt: now}, nil
}

// Normalize trims what people type by accident and upper-cases the
// enumerations, and drops samples of variables that are not there.
func Normalize(d Details) Details {
	d.Name = strings.TrimSpace(d.Name)
	d.Language = strings.TrimSpace(d.Language)
	d.Category = Category(strings.ToUpper(strings.TrimSpace(string(d.Category))))
	d.HeaderFormat = HeaderFormat(strings.ToUpper(strings.TrimSpace(string(d.HeaderFormat))))
	d.Header = strings.TrimSpace(d.Header)
	d.HeaderExample = strings.TrimSpace(d.HeaderExample)
	d.HeaderMediaURL = strings.TrimSpace(d.HeaderMediaURL)
	d.Body = strings.TrimSpace(d.Body)
	d.Footer = strings.TrimSpace(d.Footer)
	if d.HeaderFormat == HeaderText && d.Header == "" {
		d.HeaderFormat = HeaderNone
	}
	if d.HeaderFormat == HeaderNone && d.Header != "" {
		d.HeaderFormat = HeaderText
	}
	if d.HeaderFormat.Media() {
		d.Header, d.HeaderExample = "", ""
	} else {
		d.HeaderMediaURL = ""
	}
	if !strings.Contains(d.Header, "{{") {
		d.HeaderExample = ""
	}
	if len(d.Examples) > 0 {
		ex := make([]string, len(d.Examples))
		for i, e := range d.Examples {
			ex[i] = strings.TrimSpace(e)
		}
		d.Examples = ex
		if !strings.Contains(d.Body, "{{") {
			d.Examples = nil
		}
	}
	if len(d.Buttons) > 0 {
		bs := make([]Button, len(d.Buttons))
		for i, b := range d.Buttons {
			b.Type = ButtonType(strings.ToUpper(strings.TrimSpace(string(b.Type))))
			b.Text, b.URL = strings.TrimSpace(b.Text), strings.TrimSpace(b.URL)
			b.Phone = strings.NewReplacer(" ", "", "-", "", "(", "", ")", "").Replace(b.Phone)
			b.Example = strings.TrimSpace(b.Example)
			switch b.Type {
			case QuickReply:
				b.URL, b.Phone, b.Example = "", "", ""
			case URL:
				b.Phone = ""
				if !strings.Contains(b.URL, "{{") {
					b.Example = ""
				}
			case PhoneNumber:
				b.URL, b.Example = "", ""
			case CopyCode:
				b.URL, b.Phone = "", ""
			}
			bs[i] = b
		}
		d.Buttons = bs
	}
	return d
}

// Check returns every rule of Meta's that d breaks, none when it can be
// submitted for review: the name, language and category; a text header
// (≤ 60 characters, at most {{1}} with a sample) or a media header (image,
// video or document with an https example); the body (≤ 1,024 characters,
// variables {{1}}…{{n}} without gaps, not at its start or end, one sample
// each); the footer (≤ 60, no variables); and the buttons: at most 10, quick
// replies ≤ 10 kept together, URL ≤ 2 (https, at most {{1}} at the end with a
// sample), phone ≤ 1, copy code ≤ 1 (marketing only, code ≤ 15), labels ≤ 25.
// d should be normalized first (see Normalize).
func Check(d Details) []Problem {
	var ps []Problem
	add := func(field, code, msg string) { ps = append(ps, Problem{Field: field, Code: code, Message: msg}) }
	if !nameRe.MatchString(d.Name) {
		add("name", "name_format", "must be lowercase letters, digits and underscores (at most 512)")
	}
	if !languageRe.MatchString(d.Language) {
		add("language", "language_format", "must be a WhatsApp language code such as es, es_MX, pt_BR or en_US")
	}
	switch d.Category {
	case Marketing, Utility:
	case Authentication:
		add("category", "category_authentication", "authentication templates use WhatsApp's fixed text; create them in WhatsApp Manager")
	default:
		add("category", "category", "must be MARKETING or UTILITY")
	}
	checkHeader(d, add)
	checkBody(d, add)
	if n := utf8.RuneCountInString(d.Footer); n > MaxFooter {
		add("footer", "footer_length", "is at most 60 characters (has "+strconv.Itoa(n)+")")
	}
	if strings.Contains(d.Footer, "{{") {
		add("footer", "footer_variables", "cannot have variables")
	}
	checkButtons(d, add)
	return ps
}

func checkHeader(d Details, add func(field, code, msg string)) {
	switch f := d.HeaderKind(); {
	case f == HeaderNone:
	case f == HeaderText:
		if n := utf8.RuneCountInString(d.Header); n > MaxHeaderText {
			add("header", "header_length", "is at most 60 characters (has "+strconv.Itoa(n)+")")
		}
		if strings.ContainsAny(d.Header, "\n\r") {
			add("header", "header_newline", "must be one line")
		}
		vars, ok := positional(d.Header)
		switch {
		case !ok || len(vars) > 1 || (len(vars) == 1 && vars[0] != 1):
			add("header", "header_variables", "can have one variable at most, {{1}}")
		case len(vars) == 1 && d.HeaderExample == "":
			add("header_example", "header_example", "needs a sample value for {{1}}")
		}
	case f.Media():
		if !httpsURL(d.HeaderMediaURL) {
			add("header_media_url", "header_media_url", "a media header needs the https URL of an example file")
		}
	default:
		add("header_format", "header_format", "must be TEXT, IMAGE, VIDEO or DOCUMENT")
	}
}

func checkBody(d Details, add func(field, code, msg string)) {
	if n := utf8.RuneCountInString(d.Body); n == 0 || n > MaxBody {
		add("body", "body_length", "is required and at most 1,024 characters (has "+strconv.Itoa(n)+")")
	}
	vars, ok := positional(d.Body)
	if !ok {
		add("body", "body_variables", "variables must be numbered: {{1}}, {{2}}, …")
		return
	}
	n := 0
	for i, v := range vars {
		if v != i+1 {
			add("body", "body_variables_gap", "variables must be numbered {{1}} to {{n}} without gaps")
			return
		}
		n = v
	}
	if n == 0 {
		if len(d.Examples) > 0 {
			add("examples", "examples_count", "the body has no variables, so it takes no sample values")
		}
		return
	}
	if strings.HasPrefix(d.Body, "{{") || strings.HasSuffix(d.Body, "}}") {
		add("body", "body_variable_edges", "cannot start or end with a variable: add text before and after")
	}
	if len(d.Examples) != n {
		add("examples", "examples_count", "needs one sample value per variable: "+strconv.Itoa(n)+" (has "+strconv.Itoa(len(d.Examples))+")")
		return
	}
	for i, e := range d.Examples {
		if e == "" {
			add("examples["+strconv.Itoa(i)+"]", "example_empty", "the sample value of {{"+strconv.Itoa(i+1)+"}} is empty")
		}
	}
}

func checkButtons(d Details, add func(field, code, msg string)) {
	if len(d.Buttons) > MaxButtons {
		add("buttons", "buttons_count", "at most 10 buttons")
	}
	count := map[ButtonType]int{}
	groups := 0 // runs of quick replies and of other buttons
	for i, b := range d.Buttons {
		field := "buttons[" + strconv.Itoa(i) + "]"
		if i == 0 || (b.Type == QuickReply) != (d.Buttons[i-1].Type == QuickReply) {
			groups++
		}
		count[b.Type]++
		n := utf8.RuneCountInString(b.Text)
		switch {
		case n > MaxButtonText:
			add(field+".text", "button_text", "is at most 25 characters (has "+strconv.Itoa(n)+")")
		case n == 0 && b.Type != CopyCode:
			add(field+".text", "button_text", "is required")
		case strings.Contains(b.Text, "{{"):
			add(field+".text", "button_text", "cannot have variables")
		}
		switch b.Type {
		case QuickReply:
		case URL:
			checkURLButton(field, b, add)
		case PhoneNumber:
			if !phoneRe.MatchString(b.Phone) {
				add(field+".phone", "button_phone", "needs a phone number in international format, e.g. +573001234567")
			}
		case CopyCode:
			if n := utf8.RuneCountInString(b.Example); n == 0 || n > MaxCopyCodeText {
				add(field+".example", "copy_code_example", "needs an example code of 1 to 15 characters")
			}
			if d.Category != Marketing {
				add(field+".type", "copy_code_category", "copy-code buttons are for marketing templates only")
			}
		default:
			add(field+".type", "button_type", "must be QUICK_REPLY, URL, PHONE_NUMBER or COPY_CODE")
		}
	}
	if count[QuickReply] > MaxQuickReplies {
		add("buttons", "quick_reply_count", "at most 10 quick replies")
	}
	if count[URL] > MaxURLButtons {
		add("buttons", "url_count", "at most 2 URL buttons")
	}
	if count[PhoneNumber] > MaxPhoneButtons {
		add("buttons", "phone_count", "at most 1 phone button")
	}
	if count[CopyCode] > MaxCopyCode {
		add("buttons", "copy_code_count", "at most 1 copy-code button")
	}
	if groups > 2 {
		add("buttons", "buttons_grouping", "quick replies must be together, before or after the other buttons")
	}
}

func checkURLButton(field string, b Button, add func(field, code, msg string)) {
	vars, ok := positional(b.URL)
	if !ok || len(vars) > 1 || (len(vars) == 1 && (vars[0] != 1 || !strings.HasSuffix(b.URL, "{{1}}"))) {
		add(field+".url", "button_url_variable", "can have one variable, {{1}}, only at its end")
		return
	}
	if utf8.RuneCountInString(b.URL) > MaxURL {
		add(field+".url", "button_url", "is at most 2,000 characters")
	}
	if !httpsURL(strings.TrimSuffix(b.URL, "{{1}}") + "x") {
		add(field+".url", "button_url", "needs an https:// URL")
	}
	if len(vars) == 1 && (b.Example == "" || strings.ContainsAny(b.Example, " \t\n")) {
		add(field+".example", "button_url_example", "needs a sample value of {{1}}, without spaces")
	}
}

// positional returns the distinct variable numbers of text in ascending
// order; ok is false when a variable is not a positive number.
func positional(text string) (vars []int, ok bool) {
	seen := map[int]bool{}
	for _, m := range placeholderRe.FindAllStringSubmatch(text, -1) {
		n, err := strconv.Atoi(m[1])
		if err != nil || n < 1 {
			return nil, false
		}
		if !seen[n] {
			seen[n] = true
			vars = append(vars, n)
		}
	}
	slices.Sort(vars)
	return vars, true
}

// httpsURL reports whether s is an absolute https URL with a host.
func httpsURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && !strings.ContainsAny(s, " \t\n")
}

// fill replaces {{n}} in text with values[n-1], leaving the others.
func fill(text string, values []string) string {
	return variableRe.ReplaceAllStringFunc(text, func(m string) string {
		i, _ := strconv.Atoi(m[2 : len(m)-2])
		if i >= 1 && i <= len(values) {
			return values[i-1]
		}
		return m
	})
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
	return fill(t.d.Body, params)
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
