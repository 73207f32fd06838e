package sim

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Template statuses and the review reason of a rejected one.
const (
	TemplateApproved = "APPROVED"
	TemplatePending  = "PENDING"
	TemplateRejected = "REJECTED"
)

// Template is a message template of the business account, in the shape the
// Graph API lists it.
type Template struct {
	Name            string              `json:"name"`
	ParameterFormat string              `json:"parameter_format"`
	Components      []TemplateComponent `json:"components"`
	Language        string              `json:"language"`
	Status          string              `json:"status"`
	Category        string              `json:"category"`
	ID              string              `json:"id"`
	// RejectedReason is the review's reason when Status is REJECTED.
	RejectedReason string `json:"-"`
}

// TemplateComponent is a HEADER, BODY, FOOTER or BUTTONS part of a template.
type TemplateComponent struct {
	Type    string           `json:"type"`
	Format  string           `json:"format,omitempty"`
	Text    string           `json:"text,omitempty"`
	Buttons []TemplateButton `json:"buttons,omitempty"`
	Example json.RawMessage  `json:"example,omitempty"`
}

// TemplateButton is one button of a BUTTONS component.
type TemplateButton struct {
	Type        string          `json:"type"`           // QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE, OTP
	Text        string          `json:"text,omitempty"` // WhatsApp labels COPY_CODE buttons itself
	URL         string          `json:"url,omitempty"`
	PhoneNumber string          `json:"phone_number,omitempty"`
	Example     json.RawMessage `json:"example,omitempty"`
}

func (t Template) clone() Template {
	t.Components = slices.Clone(t.Components)
	for i := range t.Components {
		c := &t.Components[i]
		c.Example = bytes.Clone(c.Example)
		c.Buttons = slices.Clone(c.Buttons)
		for j := range c.Buttons {
			c.Buttons[j].Example = bytes.Clone(c.Buttons[j].Example)
		}
	}
	return t
}

func (t *Template) component(typ string) *TemplateComponent {
	for i := range t.Components {
		if t.Components[i].Type == typ {
			return &t.Components[i]
		}
	}
	return nil
}

// Templates returns the catalog: seeds and created templates, in creation order.
func (s *Simulator) Templates() []Template {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Template, 0, len(s.templates))
	for _, t := range s.templates {
		out = append(out, t.clone())
	}
	return out
}

func example(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only called on literal values
	}
	return b
}

// seedTemplates fills the catalog with approved collections templates for the demo.
func (s *Simulator) seedTemplates() {
	body := func(text string, ex ...string) TemplateComponent {
		return TemplateComponent{Type: "BODY", Text: text, Example: example(map[string][][]string{"body_text": {ex}})}
	}
	quick := func(texts ...string) []TemplateButton {
		bs := make([]TemplateButton, 0, len(texts))
		for _, t := range texts {
			bs = append(bs, TemplateButton{Type: "QUICK_REPLY", Text: t})
		}
		return bs
	}
	payURL := "https://pagos.saldo.test/p/{{1}}"
	payExample := example([]string{"https://pagos.saldo.test/p/pl_8Kd92"})
	seeds := []Template{
		{Name: "recordatorio_pago", Language: "es", Category: "UTILITY", Components: []TemplateComponent{
			body("Hola {{1}}, te recordamos que tienes {{2}} pendiente con vencimiento {{3}}.", "María", "$1.250.000", "15/11/2026"),
			{Type: "FOOTER", Text: "Responde BAJA para no recibir avisos"},
			{Type: "BUTTONS", Buttons: quick("Pagar ahora", "Ya pagué")},
		}},
		{Name: "recordatorio_vencido", Language: "es", Category: "UTILITY", Components: []TemplateComponent{
			body("Hola {{1}}, tu saldo de {{2}} venció el {{3}}. Puedes pagarlo en línea con el botón.", "María", "$1.250.000", "15/11/2026"),
			{Type: "BUTTONS", Buttons: []TemplateButton{{Type: "URL", Text: "Pagar", URL: payURL, Example: payExample}}},
		}},
		{Name: "aviso_vencido", Language: "es", Category: "UTILITY", Components: []TemplateComponent{
			{Type: "HEADER", Format: "TEXT", Text: "Pago vencido"},
			body("Hola {{1}}, tu pago de {{2}} venció el {{3}}. Evita recargos pagando hoy.", "Lucía", "$4.800 MXN", "01/11/2026"),
			{Type: "FOOTER", Text: "Saldo · cobranza"},
			{Type: "BUTTONS", Buttons: append([]TemplateButton{{Type: "URL", Text: "Pagar en línea", URL: payURL, Example: payExample}}, quick("Ya pagué", "Hablar con alguien")...)},
		}},
		{Name: "lembrete_pagamento", Language: "pt_BR", Category: "UTILITY", Components: []TemplateComponent{
			body("Olá {{1}}, lembramos que você tem {{2}} em aberto com vencimento em {{3}}.", "João", "R$ 1.250,00", "15/11/2026"),
			{Type: "BUTTONS", Buttons: quick("Pagar agora", "Já paguei")},
		}},
		{Name: "payment_reminder", Language: "en", Category: "UTILITY", Components: []TemplateComponent{
			body("Hi {{1}}, this is a reminder that {{2}} is due on {{3}}.", "Mary", "$1,250.00", "11/15/2026"),
			{Type: "BUTTONS", Buttons: quick("Pay now", "Already paid")},
		}},
		{Name: "pago_recibido", Language: "es", Category: "UTILITY", Components: []TemplateComponent{
			body("Hola {{1}}, recibimos tu pago de {{2}}. ¡Gracias!", "María", "$1.250.000"),
		}},
		{Name: "recordatorio_cobro", Language: "es", Category: "UTILITY", Components: []TemplateComponent{
			body("Hola {{1}}, tu saldo de {{2}} vence o venció el {{3}}. Puedes pagarlo aquí: {{4}} . Si ya pagaste, ignora este mensaje.",
				"María", "$1.250.000", "15/11/2026", "https://pagos.saldo.test/p/pl_8Kd92"),
			{Type: "FOOTER", Text: "Responde BAJA para no recibir avisos"},
		}},
	}
	for i := range seeds {
		t := seeds[i]
		t.ID = strconv.FormatInt(594425479261001+int64(i), 10)
		t.Status = TemplateApproved
		t.ParameterFormat = "POSITIONAL"
		s.templates = append(s.templates, &t)
	}
}

// findTemplateLocked returns the template name in language, or nil. s.mu must be held.
func (s *Simulator) findTemplateLocked(name, language string) *Template {
	for _, t := range s.templates {
		if t.Name == name && t.Language == language {
			return t
		}
	}
	return nil
}

// ---------------------------------------------------------------- placeholders

var placeholderRe = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// placeholders returns how many positional variables {{1}}..{{n}} text has,
// or an error text when they are not positional or not sequential.
func placeholders(text string) (int, string) {
	seen := map[int]bool{}
	for _, m := range placeholderRe.FindAllStringSubmatch(text, -1) {
		n, err := strconv.Atoi(m[1])
		if err != nil || n < 1 {
			return 0, fmt.Sprintf("variable {{%s}} is not positional: use {{1}}, {{2}}, ...", m[1])
		}
		seen[n] = true
	}
	for i := 1; i <= len(seen); i++ {
		if !seen[i] {
			return 0, "variables must be sequential, starting at {{1}}"
		}
	}
	return len(seen), ""
}

// fill replaces {{n}} with values[n-1].
func fill(text string, values []string) string {
	return placeholderRe.ReplaceAllStringFunc(text, func(m string) string {
		n, err := strconv.Atoi(placeholderRe.FindStringSubmatch(m)[1])
		if err != nil || n < 1 || n > len(values) {
			return m
		}
		return values[n-1]
	})
}

// ---------------------------------------------------------------- template sends

func countMismatch(part string, got, want int) *apiError {
	return waError(132000, "Number of parameters does not match the expected number of params",
		fmt.Sprintf("%s: number of localizable_params (%d) does not match the expected number of params (%d)", part, got, want))
}

var badParamText = regexp.MustCompile(`[\n\t]| {5,}`)

// paramValues checks a component's text-like parameters and returns their display values.
func paramValues(part string, params []sendTemplateParam) ([]string, *apiError) {
	values := make([]string, 0, len(params))
	for i, p := range params {
		var v string
		switch p.Type {
		case "text":
			if p.Text == nil || *p.Text == "" {
				return nil, waError(131008, "Required parameter is missing", fmt.Sprintf("%s: parameter %d of type text has no text", part, i+1))
			}
			v = *p.Text
		case "currency":
			if p.Currency == nil || p.Currency.FallbackValue == "" || p.Currency.Code == "" {
				return nil, waError(131008, "Required parameter is missing", fmt.Sprintf("%s: parameter %d of type currency needs fallback_value, code and amount_1000", part, i+1))
			}
			v = p.Currency.FallbackValue
		case "date_time":
			if p.DateTime == nil || p.DateTime.FallbackValue == "" {
				return nil, waError(131008, "Required parameter is missing", fmt.Sprintf("%s: parameter %d of type date_time needs fallback_value", part, i+1))
			}
			v = p.DateTime.FallbackValue
		default:
			return nil, waError(132012, "Parameter format does not match format in the created template",
				fmt.Sprintf("%s: parameter %d has type %q; expected text, currency or date_time", part, i+1, p.Type))
		}
		if badParamText.MatchString(v) {
			return nil, invalidParam(fmt.Sprintf("%s: Param text cannot have new-line/tab characters or more than 4 consecutive spaces", part))
		}
		values = append(values, v)
	}
	return values, nil
}

// buttonIndex reads a button component's index, which Cloud API takes as a
// string ("0") or a number.
func buttonIndex(raw json.RawMessage) (int, bool) {
	var n int
	if err := json.Unmarshal(raw, &n); err == nil {
		return n, true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// buildTemplate checks a template send against the catalog and renders it as
// the customer sees it. It returns the template's category.
func (s *Simulator) buildTemplate(raw json.RawMessage, out *message) (string, *apiError) {
	var st sendTemplate
	if e := decodeParam("template", raw, &st); e != nil {
		return "", e
	}
	if st.Name == "" {
		return "", paramError("The parameter template['name'] is required.")
	}
	if st.Language == nil || st.Language.Code == "" {
		return "", paramError("The parameter template['language']['code'] is required.")
	}
	if p := st.Language.Policy; p != "" && p != "deterministic" {
		return "", paramError("Param template['language']['policy'] must be one of {DETERMINISTIC} - got %q.", p)
	}
	s.mu.Lock()
	found := s.findTemplateLocked(st.Name, st.Language.Code)
	var tpl Template
	if found != nil {
		tpl = found.clone()
	}
	s.mu.Unlock()
	if found == nil || tpl.Status != TemplateApproved {
		return "", waError(132001, "Template name does not exist in the translation",
			fmt.Sprintf("template name (%s) does not exist in %s", st.Name, st.Language.Code))
	}

	var header, body *sendTemplateComp
	buttons := map[int]sendTemplateComp{}
	for i := range st.Components {
		c := &st.Components[i]
		switch strings.ToLower(c.Type) {
		case "header":
			if header != nil {
				return "", invalidParam("Param template['components'] has more than one header component.")
			}
			header = c
		case "body":
			if body != nil {
				return "", invalidParam("Param template['components'] has more than one body component.")
			}
			body = c
		case "button":
			idx, ok := buttonIndex(c.Index)
			if !ok {
				return "", paramError("The parameter template['components'][%d]['index'] is required: the button's position, e.g. \"0\".", i)
			}
			if _, dup := buttons[idx]; dup {
				return "", invalidParam(fmt.Sprintf("Param template['components'] has two button components with index %d.", idx))
			}
			buttons[idx] = *c
		default:
			return "", paramError("Param template['components'][%d]['type'] must be one of {HEADER, BODY, BUTTON} - got %q.", i, c.Type)
		}
	}

	// Header.
	var headerParams []sendTemplateParam
	if header != nil {
		headerParams = header.Parameters
	}
	if hc := tpl.component("HEADER"); hc == nil {
		if len(headerParams) > 0 {
			return "", countMismatch("header", len(headerParams), 0)
		}
	} else if hc.Format == "" || hc.Format == "TEXT" {
		want, _ := placeholders(hc.Text)
		if len(headerParams) != want {
			return "", countMismatch("header", len(headerParams), want)
		}
		values, e := paramValues("header", headerParams)
		if e != nil {
			return "", e
		}
		out.Header = fill(hc.Text, values)
	} else {
		if len(headerParams) != 1 {
			return "", countMismatch("header", len(headerParams), 1)
		}
		kind := strings.ToLower(hc.Format)
		p := headerParams[0]
		m := map[string]*sendMedia{"image": p.Image, "video": p.Video, "document": p.Document}[kind]
		if p.Type != kind || (kind != "location" && m == nil) || (kind == "location" && p.Location == nil) {
			return "", waError(132012, "Parameter format does not match format in the created template",
				fmt.Sprintf("header: expected a parameter of type %s, got %q", kind, p.Type))
		}
		if m != nil {
			if e := checkMedia("header "+kind, m); e != nil {
				return "", e
			}
			out.Attachment = mediaRef(kind, m)
		} else {
			out.Attachment = "location"
		}
	}

	// Body.
	bc := tpl.component("BODY")
	want, _ := placeholders(bc.Text)
	var bodyParams []sendTemplateParam
	if body != nil {
		bodyParams = body.Parameters
	}
	if len(bodyParams) != want {
		return "", countMismatch("body", len(bodyParams), want)
	}
	values, e := paramValues("body", bodyParams)
	if e != nil {
		return "", e
	}
	out.Body = fill(bc.Text, values)
	if fc := tpl.component("FOOTER"); fc != nil {
		out.Footer = fc.Text
	}

	// Buttons.
	var tplButtons []TemplateButton
	if btc := tpl.component("BUTTONS"); btc != nil {
		tplButtons = btc.Buttons
	}
	for idx, c := range buttons {
		if idx < 0 || idx >= len(tplButtons) {
			return "", notValid(fmt.Sprintf("buttons: index %d is out of range; the template has %d buttons", idx, len(tplButtons)))
		}
		if want := strings.ToUpper(c.SubType); want != tplButtons[idx].Type {
			return "", notValid(fmt.Sprintf("buttons: the button at index %d is %s, not %s", idx, tplButtons[idx].Type, strings.ToUpper(c.SubType)))
		}
	}
	for i, tb := range tplButtons {
		c, given := buttons[i]
		b := Button{Text: tb.Text}
		switch tb.Type {
		case "QUICK_REPLY":
			b.Kind, b.Payload = "quick_reply", tb.Text
			if given {
				if len(c.Parameters) != 1 || c.Parameters[0].Type != "payload" || c.Parameters[0].Payload == nil {
					return "", notValid(fmt.Sprintf("buttons: quick_reply at index %d takes one parameter of type payload", i))
				}
				b.Payload = *c.Parameters[0].Payload
			}
		case "URL":
			b.Kind, b.URL = "url", tb.URL
			want, _ := placeholders(tb.URL)
			var params []sendTemplateParam
			if given {
				params = c.Parameters
			}
			if len(params) != want {
				return "", countMismatch("buttons", len(params), want)
			}
			values, e := paramValues("buttons", params)
			if e != nil {
				return "", e
			}
			b.URL = fill(tb.URL, values)
		case "COPY_CODE":
			b.Kind = "copy_code"
			if b.Text == "" {
				b.Text = "Copy offer code"
			}
			if !given || len(c.Parameters) != 1 || c.Parameters[0].Coupon == nil {
				return "", countMismatch("buttons", 0, 1)
			}
			b.Payload = *c.Parameters[0].Coupon
		case "PHONE_NUMBER":
			b.Kind, b.URL = "phone_number", "tel:"+tb.PhoneNumber
		default:
			b.Kind = strings.ToLower(tb.Type)
		}
		out.Buttons = append(out.Buttons, b)
	}
	out.Template, out.Language = tpl.Name, tpl.Language
	return tpl.Category, nil
}

// ---------------------------------------------------------------- management

var (
	templateNameRe = regexp.MustCompile(`^[a-z0-9_]{1,512}$`)
	languageRe     = regexp.MustCompile(`^[a-z]{2,3}(_[A-Z]{2})?$`)
	categories     = map[string]bool{"MARKETING": true, "UTILITY": true, "AUTHENTICATION": true}
	headerFormats  = map[string]bool{"TEXT": true, "IMAGE": true, "VIDEO": true, "DOCUMENT": true, "LOCATION": true}
)

const (
	maxTemplateBody    = 1024
	maxTemplateButtons = 10
	maxButtonText      = 25
	maxButtonURL       = 2000
	maxCopyCode        = 15
)

// Per-type button limits of a template.
var maxButtonsOfType = map[string]int{"QUICK_REPLY": 10, "URL": 2, "PHONE_NUMBER": 1, "COPY_CODE": 1}

// templateExample is a component's "example": the samples the review reads.
type templateExample struct {
	HeaderText   []string   `json:"header_text"`
	HeaderHandle []string   `json:"header_handle"`
	BodyText     [][]string `json:"body_text"`
}

func componentExample(c *TemplateComponent) templateExample {
	var ex templateExample
	if len(c.Example) > 0 {
		_ = json.Unmarshal(c.Example, &ex) // a malformed example is a missing one
	}
	return ex
}

// validateButtonMix checks the counts per type and that quick replies are
// grouped together, before or after the other buttons, as Graph requires.
func validateButtonMix(bs []TemplateButton) *apiError {
	count := map[string]int{}
	groups := 0
	for i, b := range bs {
		count[b.Type]++
		if i == 0 || (b.Type == "QUICK_REPLY") != (bs[i-1].Type == "QUICK_REPLY") {
			groups++
		}
	}
	for typ, limit := range maxButtonsOfType {
		if count[typ] > limit {
			return templateError(0, "Too many buttons", fmt.Sprintf("A template can have at most %d %s buttons (got %d).", limit, typ, count[typ]))
		}
	}
	if groups > 2 {
		return templateError(0, "Invalid button combination",
			"Quick reply buttons must be grouped together, before or after the other buttons.")
	}
	return nil
}

// validateTemplate checks a create request the way template review's
// synchronous checks do, normalizing types to upper case.
func validateTemplate(req *createTemplateRequest) *apiError {
	if !templateNameRe.MatchString(req.Name) {
		return templateError(0, "Invalid template name",
			fmt.Sprintf("Template name %q can only have lowercase letters, numbers and underscores, at most 512 characters.", req.Name))
	}
	if !languageRe.MatchString(req.Language) {
		return templateError(0, "Invalid language", fmt.Sprintf("Language %q is not a supported language code such as es, pt_BR or en_US.", req.Language))
	}
	req.Category = strings.ToUpper(req.Category)
	if !categories[req.Category] {
		return paramError("Param category must be one of {AUTHENTICATION, MARKETING, UTILITY} - got %q.", req.Category)
	}
	if req.ParameterFormat != "" && strings.ToUpper(req.ParameterFormat) != "POSITIONAL" {
		return templateError(0, "Unsupported parameter format", "The simulator supports POSITIONAL parameters ({{1}}, {{2}}, ...) only.")
	}
	seen := map[string]bool{}
	for i := range req.Components {
		c := &req.Components[i]
		c.Type, c.Format = strings.ToUpper(c.Type), strings.ToUpper(c.Format)
		if seen[c.Type] {
			return templateError(0, "Duplicate component", fmt.Sprintf("A template can have only one %s component.", c.Type))
		}
		seen[c.Type] = true
		if e := validateComponent(c); e != nil {
			return e
		}
	}
	if !seen["BODY"] {
		return templateError(0, "Missing body", "A template needs a BODY component.")
	}
	if req.Category != "MARKETING" {
		for _, c := range req.Components {
			for _, b := range c.Buttons {
				if b.Type == "COPY_CODE" {
					return templateError(0, "Invalid button", "COPY_CODE buttons are for MARKETING templates only.")
				}
			}
		}
	}
	return nil
}

func validateComponent(c *TemplateComponent) *apiError {
	switch c.Type {
	case "HEADER":
		if c.Format == "" {
			c.Format = "TEXT"
		}
		if !headerFormats[c.Format] {
			return paramError("Param components[HEADER]['format'] must be one of {TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION} - got %q.", c.Format)
		}
		if c.Format == "TEXT" {
			if n := runeLen(c.Text); n == 0 || n > maxHeaderText {
				return templateError(0, "Header too long", fmt.Sprintf("Header text must have 1 to %d characters (got %d).", maxHeaderText, n))
			}
			n, bad := placeholders(c.Text)
			if bad != "" || n > 1 {
				return templateError(0, "Invalid header variables", "A text header can have at most one variable, {{1}}.")
			}
			if n == 1 && len(componentExample(c).HeaderText) != 1 {
				return templateError(0, "Missing sample",
					`A header with a variable needs a sample value in example.header_text, e.g. ["F-1001"].`)
			}
		} else if c.Format != "LOCATION" {
			if h := componentExample(c).HeaderHandle; len(h) != 1 || h[0] == "" {
				return templateError(0, "Missing sample",
					"A "+c.Format+" header needs an example file in example.header_handle.")
			}
		}
	case "BODY":
		if n := runeLen(c.Text); n == 0 || n > maxTemplateBody {
			return templateError(0, "Body too long", fmt.Sprintf("Body text must have 1 to %d characters (got %d).", maxTemplateBody, n))
		}
		n, bad := placeholders(c.Text)
		if bad != "" {
			return templateError(0, "Invalid variables", "Body "+bad+".")
		}
		if ex := componentExample(c).BodyText; n > 0 && (len(ex) != 1 || len(ex[0]) != n) {
			return templateError(0, "Missing sample",
				fmt.Sprintf("The body has %d variables: example.body_text needs one list of %d sample values.", n, n))
		}
		t := strings.TrimSpace(c.Text)
		if strings.HasPrefix(t, "{{") || strings.HasSuffix(t, "}}") {
			return templateError(2388299, "Variables can't be at the start or end of the template",
				"Variables can't be at the start or end of the template body. Add text before the first and after the last.")
		}
	case "FOOTER":
		if n := runeLen(c.Text); n == 0 || n > maxFooterText {
			return templateError(0, "Footer too long", fmt.Sprintf("Footer text must have 1 to %d characters (got %d).", maxFooterText, n))
		}
		if n, _ := placeholders(c.Text); n > 0 {
			return templateError(0, "Invalid footer", "A footer can't have variables.")
		}
	case "BUTTONS":
		if len(c.Buttons) == 0 || len(c.Buttons) > maxTemplateButtons {
			return templateError(0, "Invalid buttons", fmt.Sprintf("A BUTTONS component needs 1 to %d buttons.", maxTemplateButtons))
		}
		for i := range c.Buttons {
			if e := validateTemplateButton(&c.Buttons[i]); e != nil {
				return e
			}
		}
		if e := validateButtonMix(c.Buttons); e != nil {
			return e
		}
	default:
		return paramError("Param components[]['type'] must be one of {HEADER, BODY, FOOTER, BUTTONS} - got %q.", c.Type)
	}
	return nil
}

func validateTemplateButton(b *TemplateButton) *apiError {
	b.Type = strings.ToUpper(b.Type)
	labelled := b.Type != "COPY_CODE" && b.Type != "OTP"
	if n := runeLen(b.Text); (n == 0 && labelled) || n > maxButtonText {
		return templateError(0, "Invalid button text", fmt.Sprintf("Button text must have 1 to %d characters (got %d).", maxButtonText, n))
	}
	switch b.Type {
	case "QUICK_REPLY", "OTP":
	case "COPY_CODE":
		var example string
		if err := json.Unmarshal(b.Example, &example); err != nil || example == "" || runeLen(example) > maxCopyCode {
			return templateError(0, "Missing sample", `A COPY_CODE button needs a sample code of at most 15 characters in "example", e.g. "250FF".`)
		}
	case "URL":
		n, bad := placeholders(b.URL)
		if bad != "" || n > 1 || (n == 1 && !strings.HasSuffix(b.URL, "}}")) || !validLink(fill(b.URL, []string{"x"})) || runeLen(b.URL) > maxButtonURL {
			return templateError(0, "Invalid URL button",
				"A URL button needs an absolute http(s) URL of at most 2000 characters with at most one variable, {{1}}, at its end.")
		}
		var ex []string
		if n == 1 && (json.Unmarshal(b.Example, &ex) != nil || len(ex) != 1 || ex[0] == "") {
			return templateError(0, "Missing sample",
				`A URL button with a variable needs the full sample URL in "example", e.g. ["https://example.com/p/123"].`)
		}
	case "PHONE_NUMBER":
		if !isDigits(strings.TrimPrefix(b.PhoneNumber, "+")) {
			return templateError(0, "Invalid phone number", "A PHONE_NUMBER button needs phone_number in international format.")
		}
	default:
		return paramError("Param buttons[]['type'] must be one of {QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE, OTP} - got %q.", b.Type)
	}
	return nil
}

func (s *Simulator) handleCreateTemplate(w http.ResponseWriter, r *http.Request) *apiError {
	body, _, e := readJSONObject(w, r)
	if e != nil {
		return e
	}
	var req createTemplateRequest
	if e := decodeParam("message_template", body, &req); e != nil {
		return e
	}
	if req.Name == "" || req.Language == "" || req.Category == "" || len(req.Components) == 0 {
		return paramError("The parameters name, language, category and components are required.")
	}
	if e := validateTemplate(&req); e != nil {
		return e
	}
	s.mu.Lock()
	if s.findTemplateLocked(req.Name, req.Language) != nil {
		s.mu.Unlock()
		return templateError(2388024, "Content in This Language Already Exists",
			fmt.Sprintf("There's already %s content for %s. Choose another language or name.", req.Language, req.Name))
	}
	s.nextTplID++
	t := &Template{
		Name: req.Name, ParameterFormat: "POSITIONAL", Components: req.Components,
		Language: req.Language, Status: TemplatePending, Category: req.Category,
		ID: strconv.FormatInt(s.nextTplID, 10),
	}
	s.templates = append(s.templates, t)
	id, name, language := t.ID, t.Name, t.Language
	s.mu.Unlock()

	s.log.InfoContext(r.Context(), "whatsapp simulator: template submitted", "name", name, "language", language, "id", id)
	writeJSON(w, http.StatusOK, createTemplateResponse{ID: id, Status: TemplatePending, Category: req.Category})
	s.spawn(func(ctx context.Context) { s.reviewTemplate(ctx, id) })
	return nil
}

// reviewTemplate decides a pending template after TemplateReviewDelay and
// posts the message_template_status_update webhook.
func (s *Simulator) reviewTemplate(ctx context.Context, id string) {
	if !sleep(ctx, s.cfg.TemplateReviewDelay) {
		return
	}
	s.mu.Lock()
	var t *Template
	for _, c := range s.templates {
		if c.ID == id {
			t = c
		}
	}
	if t == nil || t.Status != TemplatePending {
		s.mu.Unlock()
		return // deleted while in review
	}
	value := templateStatusValue{
		Event: TemplateApproved, MessageTemplateName: t.Name,
		MessageTemplateLanguage: t.Language, Reason: "NONE",
	}
	value.MessageTemplateID, _ = strconv.ParseInt(t.ID, 10, 64)
	if strings.Contains(t.Name, "reject") {
		value.Event, value.Reason = TemplateRejected, "INVALID_FORMAT"
		t.RejectedReason = value.Reason
	}
	t.Status = value.Event
	now := s.nowLocked()
	s.mu.Unlock()

	s.log.InfoContext(ctx, "whatsapp simulator: template reviewed", "name", value.MessageTemplateName, "event", value.Event)
	_ = s.deliver(ctx, "template "+value.Event, webhook{
		Object: "whatsapp_business_account",
		Entry: []webhookEntry{{
			ID: s.cfg.BusinessAccountID, Time: now.Unix(),
			Changes: []webhookChange{{Field: "message_template_status_update", Value: value}},
		}},
	})
}

// handleListTemplates serves GET /{waba-id}/message_templates with the
// filters name (partial match, as Graph does), status, language and category,
// limit and after paging, and fields selection.
func (s *Simulator) handleListTemplates(w http.ResponseWriter, r *http.Request) *apiError {
	q := r.URL.Query()
	limit := 25
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return paramError("Param limit must be a positive integer - got %q.", v)
		}
		limit = min(n, 1000)
	}
	start := 0
	if v := q.Get("after"); v != "" {
		b, err := base64.RawURLEncoding.DecodeString(v)
		n, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || n < 0 {
			return invalidParam("Param after is not a valid cursor.")
		}
		start = n
	}
	statuses := splitUpper(q.Get("status"))
	all := []Template{}
	s.mu.Lock()
	for _, t := range s.templates {
		switch {
		case q.Get("name") != "" && !strings.Contains(t.Name, q.Get("name")),
			len(statuses) > 0 && !slices.Contains(statuses, t.Status),
			q.Get("language") != "" && t.Language != q.Get("language"),
			q.Get("category") != "" && !strings.EqualFold(t.Category, q.Get("category")):
			continue
		}
		all = append(all, t.clone())
	}
	s.mu.Unlock()

	start = min(start, len(all))
	end := min(start+limit, len(all))
	page := all[start:end]
	var data any = page
	if fields := q.Get("fields"); fields != "" {
		data = selectFields(page, fields)
	}
	resp := templateList{Data: data}
	if len(page) > 0 {
		p := paging{Cursors: cursors{
			Before: base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(start))),
			After:  base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end))),
		}}
		if end < len(all) {
			next := url.Values{}
			for k, v := range q {
				if k != "access_token" {
					next[k] = v
				}
			}
			next.Set("limit", strconv.Itoa(limit))
			next.Set("after", p.Cursors.After)
			p.Next = "http://" + r.Host + r.URL.Path + "?" + next.Encode()
		}
		resp.Paging = &p
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func splitUpper(v string) []string {
	var out []string
	for p := range strings.SplitSeq(v, ",") {
		if p = strings.ToUpper(strings.TrimSpace(p)); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// selectFields keeps the requested fields of each template, plus id, as
// Graph's fields= does. rejected_reason exists only on request ("NONE" unless
// the template was rejected).
func selectFields(ts []Template, fields string) []map[string]json.RawMessage {
	keep := map[string]bool{"id": true}
	for f := range strings.SplitSeq(fields, ",") {
		keep[strings.TrimSpace(f)] = true
	}
	out := make([]map[string]json.RawMessage, 0, len(ts))
	for _, t := range ts {
		b, _ := json.Marshal(t)
		var all map[string]json.RawMessage
		_ = json.Unmarshal(b, &all)
		reason := t.RejectedReason
		if reason == "" {
			reason = "NONE"
		}
		all["rejected_reason"], _ = json.Marshal(reason)
		for k := range all {
			if !keep[k] {
				delete(all, k)
			}
		}
		out = append(out, all)
	}
	return out
}

// handleDeleteTemplate serves DELETE /{waba-id}/message_templates?name=X
// (every language) or with hsm_id as well (that one template).
func (s *Simulator) handleDeleteTemplate(w http.ResponseWriter, r *http.Request) *apiError {
	name, hsmID := r.URL.Query().Get("name"), r.URL.Query().Get("hsm_id")
	if name == "" {
		return paramError("The parameter name is required.")
	}
	s.mu.Lock()
	kept := s.templates[:0:0]
	deleted := 0
	for _, t := range s.templates {
		if t.Name == name && (hsmID == "" || t.ID == hsmID) {
			deleted++
			continue
		}
		kept = append(kept, t)
	}
	s.templates = kept
	s.mu.Unlock()
	if deleted == 0 {
		e := templateError(2593002, "Message template not found",
			fmt.Sprintf("No message template named %q was found in this WhatsApp Business Account.", name))
		e.status = http.StatusNotFound
		return e
	}
	s.log.InfoContext(r.Context(), "whatsapp simulator: template deleted", "name", name, "count", deleted)
	writeJSON(w, http.StatusOK, successResponse{Success: true})
	return nil
}
