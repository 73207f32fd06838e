package whatsapp

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/template"
	"github.com/saldocrm/saldo/ports"
)

// The Graph API's message template objects (GET and POST
// /{waba-id}/message_templates).

type templateJSON struct {
	ID             flexString      `json:"id,omitempty"`
	Name           string          `json:"name"`
	Language       string          `json:"language"`
	Category       string          `json:"category"`
	Status         string          `json:"status,omitempty"`
	RejectedReason string          `json:"rejected_reason,omitempty"`
	Components     []componentJSON `json:"components"`
}

type componentJSON struct {
	Type    string       `json:"type"`             // HEADER, BODY, FOOTER, BUTTONS
	Format  string       `json:"format,omitempty"` // HEADER: TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION
	Text    string       `json:"text,omitempty"`
	Example *exampleJSON `json:"example,omitempty"`
	Buttons []buttonJSON `json:"buttons,omitempty"`
}

// exampleJSON holds the samples Meta's review needs: header_text for the
// variable of a text header, header_handle for the example file of a media
// header, body_text for the body's variables.
type exampleJSON struct {
	HeaderText   []string   `json:"header_text,omitempty"`
	HeaderHandle []string   `json:"header_handle,omitempty"`
	BodyText     [][]string `json:"body_text,omitempty"`
}

type buttonJSON struct {
	Type        string `json:"type"`
	Text        string `json:"text,omitempty"`
	URL         string `json:"url,omitempty"`
	PhoneNumber string `json:"phone_number,omitempty"`
	// Example is an array of strings on URL buttons and a string on
	// copy-code buttons.
	Example json.RawMessage `json:"example,omitempty"`
}

// examples reads a button's example, a string or an array of strings.
func examples(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		return many
	}
	return nil
}

// The fields the catalog asks for; rejected_reason is not among the defaults.
const templateFields = "id,name,language,category,status,rejected_reason,components"

// List implements ports.TemplateCatalog: every template of the WhatsApp
// Business Account, following the pages.
func (c *Client) List(ctx context.Context, businessAccountID string) ([]ports.RemoteTemplate, error) {
	var out []ports.RemoteTemplate
	after := ""
	for page := 0; page < maxListPages; page++ {
		q := url.Values{"fields": {templateFields}, "limit": {listPageSize}}
		if after != "" {
			q.Set("after", after)
		}
		var answer struct {
			Data   []templateJSON `json:"data"`
			Paging struct {
				Cursors struct {
					After string `json:"after"`
				} `json:"cursors"`
				Next string `json:"next"`
			} `json:"paging"`
		}
		if err := c.call(ctx, http.MethodGet, []string{businessAccountID, "message_templates"}, q, nil, &answer); err != nil {
			return nil, err
		}
		for _, t := range answer.Data {
			out = append(out, remoteTemplate(t))
		}
		// Only the cursor is taken from paging.next: the link itself carries
		// the access token in its query and may name another host.
		next := nextCursor(answer.Paging.Next, answer.Paging.Cursors.After)
		if next == "" || next == after {
			return out, nil
		}
		after = next
	}
	return out, nil
}

// nextCursor returns the cursor of the next page: none when there is no
// next link (the last page still carries cursors).
func nextCursor(next, after string) string {
	if next == "" {
		return ""
	}
	if after != "" {
		return after
	}
	if u, err := url.Parse(next); err == nil {
		return u.Query().Get("after")
	}
	return ""
}

// Create implements ports.TemplateCatalog: it submits d for review and
// returns Meta's id of the template.
func (c *Client) Create(ctx context.Context, businessAccountID string, d template.Details) (string, error) {
	var answer struct {
		ID flexString `json:"id"`
	}
	if err := c.call(ctx, http.MethodPost, []string{businessAccountID, "message_templates"}, nil, templateRequest(d), &answer); err != nil {
		return "", err
	}
	if answer.ID == "" {
		return "", &ports.SendError{Failure: conversation.Failure{Title: "WhatsApp accepted the template but returned no id"}}
	}
	return string(answer.ID), nil
}

// Delete implements ports.TemplateCatalog: it deletes the template name of
// Meta's id providerID (hsm_id), or in every language when providerID is "".
// A template the catalog does not hold is template.ErrNotFound.
func (c *Client) Delete(ctx context.Context, businessAccountID, name, providerID string) error {
	if name == "" {
		return invalidContent(errors.New("the template name is empty"))
	}
	var answer struct {
		Success *bool `json:"success"`
	}
	q := url.Values{"name": {name}}
	if providerID != "" {
		q.Set("hsm_id", providerID)
	}
	if err := c.call(ctx, http.MethodDelete, []string{businessAccountID, "message_templates"}, q, nil, &answer); err != nil {
		var se *ports.SendError
		if errors.As(err, &se) && !se.Retryable && !c.hasTemplate(ctx, businessAccountID, name, providerID) {
			// Graph's refusals to delete do not say "not found" in a stable
			// way: a template the catalog does not list is not found.
			return template.ErrNotFound.New(name)
		}
		return err
	}
	if answer.Success != nil && !*answer.Success {
		return &ports.SendError{Failure: conversation.Failure{Title: "WhatsApp did not delete template " + name}}
	}
	return nil
}

// hasTemplate reports whether the catalog lists a template called name (of
// id providerID unless that is ""); true when it cannot tell.
func (c *Client) hasTemplate(ctx context.Context, businessAccountID, name, providerID string) bool {
	var answer struct {
		Data []struct {
			ID   flexString `json:"id"`
			Name string     `json:"name"`
		} `json:"data"`
	}
	// The name filter matches parts of names: the exact one is looked for below.
	q := url.Values{"name": {name}, "fields": {"name"}, "limit": {"1000"}}
	if err := c.call(ctx, http.MethodGet, []string{businessAccountID, "message_templates"}, q, nil, &answer); err != nil {
		return true
	}
	for _, t := range answer.Data {
		if t.Name == name && (providerID == "" || string(t.ID) == providerID) {
			return true
		}
	}
	return false
}

// templateRequest is the body Meta expects to create a template.
func templateRequest(d template.Details) templateJSON {
	t := templateJSON{Name: d.Name, Language: d.Language, Category: string(d.Category)}
	switch f := d.HeaderKind(); {
	case f == template.HeaderText:
		h := componentJSON{Type: "HEADER", Format: "TEXT", Text: d.Header}
		if d.HeaderExample != "" && strings.Contains(d.Header, "{{") {
			h.Example = &exampleJSON{HeaderText: []string{d.HeaderExample}}
		}
		t.Components = append(t.Components, h)
	case f.Media():
		// Meta's reference documents header_handle as a handle of its
		// Resumable Upload API; Saldo keeps the example as a public https
		// URL and sends that.
		h := componentJSON{Type: "HEADER", Format: string(f)}
		if d.HeaderMediaURL != "" {
			h.Example = &exampleJSON{HeaderHandle: []string{d.HeaderMediaURL}}
		}
		t.Components = append(t.Components, h)
	}
	body := componentJSON{Type: "BODY", Text: d.Body}
	if len(d.Examples) > 0 {
		body.Example = &exampleJSON{BodyText: [][]string{d.Examples}}
	}
	t.Components = append(t.Components, body)
	if d.Footer != "" {
		t.Components = append(t.Components, componentJSON{Type: "FOOTER", Text: d.Footer})
	}
	if len(d.Buttons) > 0 {
		bs := make([]buttonJSON, 0, len(d.Buttons))
		for _, b := range d.Buttons {
			bj := buttonJSON{Type: string(b.Type), Text: b.Text}
			switch b.Type {
			case template.URL:
				bj.URL = b.URL
				if strings.Contains(b.URL, "{{1}}") && b.Example != "" {
					// Meta's sample is the whole URL with the variable filled.
					bj.Example = mustJSON([]string{strings.Replace(b.URL, "{{1}}", b.Example, 1)})
				}
			case template.PhoneNumber:
				bj.PhoneNumber = b.Phone
			case template.CopyCode:
				bj.Text = "" // WhatsApp sets the label of a copy-code button
				bj.Example = mustJSON(b.Example)
			}
			bs = append(bs, bj)
		}
		t.Components = append(t.Components, componentJSON{Type: "BUTTONS", Buttons: bs})
	}
	return t
}

// remoteTemplate maps a listed template to Saldo's terms.
func remoteTemplate(t templateJSON) ports.RemoteTemplate {
	d := template.Details{Name: t.Name, Language: t.Language, Category: template.Category(strings.ToUpper(t.Category))}
	for _, comp := range t.Components {
		switch strings.ToUpper(comp.Type) {
		case "HEADER":
			d.HeaderFormat = template.HeaderFormat(strings.ToUpper(comp.Format))
			if d.HeaderFormat == "" {
				d.HeaderFormat = template.HeaderText
			}
			if d.HeaderFormat == template.HeaderText {
				d.Header = comp.Text
				if comp.Example != nil && len(comp.Example.HeaderText) > 0 {
					d.HeaderExample = comp.Example.HeaderText[0]
				}
			} else if comp.Example != nil && len(comp.Example.HeaderHandle) > 0 {
				d.HeaderMediaURL = comp.Example.HeaderHandle[0]
			}
		case "BODY":
			d.Body = comp.Text
			if comp.Example != nil && len(comp.Example.BodyText) > 0 {
				d.Examples = append([]string(nil), comp.Example.BodyText[0]...)
			}
		case "FOOTER":
			d.Footer = comp.Text
		case "BUTTONS":
			for _, b := range comp.Buttons {
				d.Buttons = append(d.Buttons, templateButton(b))
			}
		}
	}
	status, reason := templateStatus(t.Status)
	if t.RejectedReason != "" && t.RejectedReason != "NONE" {
		reason = t.RejectedReason
	}
	return ports.RemoteTemplate{ProviderID: string(t.ID), Details: d, Status: status, Reason: reason}
}

func templateButton(b buttonJSON) template.Button {
	tb := template.Button{Type: template.ButtonType(strings.ToUpper(b.Type)), Text: b.Text, URL: b.URL, Phone: b.PhoneNumber}
	if ex := examples(b.Example); len(ex) > 0 {
		tb.Example = ex[0]
		// A URL sample is the whole URL; Saldo keeps the variable's value.
		if prefix, ok := strings.CutSuffix(b.URL, "{{1}}"); ok {
			tb.Example = strings.TrimPrefix(tb.Example, prefix)
		}
	}
	return tb
}

// templateStatus maps Meta's template status to Saldo's; the statuses Saldo
// has no name for keep Meta's word as the reason.
func templateStatus(s string) (template.Status, string) {
	switch st := strings.ToUpper(s); st {
	case "APPROVED":
		return template.Approved, ""
	case "REJECTED":
		return template.Rejected, ""
	case "PAUSED":
		return template.Paused, ""
	case "DISABLED":
		return template.Disabled, ""
	case "PENDING", "":
		return template.Pending, ""
	case "IN_APPEAL":
		return template.Pending, st
	default: // PENDING_DELETION, DELETED, ARCHIVED, LIMIT_EXCEEDED, …: cannot be sent
		return template.Disabled, st
	}
}

// mustJSON encodes a string or a slice of strings, which cannot fail.
func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}
