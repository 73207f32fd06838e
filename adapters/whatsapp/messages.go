package whatsapp

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/saldocrm/saldo/domain/conversation"
)

// The Graph API's request bodies for POST /{phone-number-id}/messages.

type sendRequest struct {
	MessagingProduct string          `json:"messaging_product"`
	RecipientType    string          `json:"recipient_type"`
	To               string          `json:"to"`
	Type             string          `json:"type"`
	Text             *textObject     `json:"text,omitempty"`
	Template         *templateObject `json:"template,omitempty"`
	Interactive      *interactiveObj `json:"interactive,omitempty"`
	Image            *mediaObject    `json:"image,omitempty"`
	Document         *mediaObject    `json:"document,omitempty"`
	Audio            *mediaObject    `json:"audio,omitempty"`
	Video            *mediaObject    `json:"video,omitempty"`
	Location         *locationObject `json:"location,omitempty"`
	Reaction         *reactionObject `json:"reaction,omitempty"`
	// BizOpaqueCallbackData comes back in the message's status webhooks.
	BizOpaqueCallbackData string `json:"biz_opaque_callback_data,omitempty"`
}

type markReadRequest struct {
	MessagingProduct string `json:"messaging_product"`
	Status           string `json:"status"`
	MessageID        string `json:"message_id"`
}

type textObject struct {
	Body       string `json:"body"`
	PreviewURL bool   `json:"preview_url"`
}

type templateObject struct {
	Name       string              `json:"name"`
	Language   templateLanguage    `json:"language"`
	Components []templateComponent `json:"components,omitempty"`
}

type templateLanguage struct {
	Code string `json:"code"`
}

type templateComponent struct {
	Type       string `json:"type"`
	SubType    string `json:"sub_type,omitempty"`
	Index      string `json:"index,omitempty"`
	Parameters []any  `json:"parameters"`
}

// Template parameters: one type each, so that no field is left out or
// added by omitempty.
type (
	textParam struct {
		Type string `json:"type"` // "text"
		Text string `json:"text"`
	}
	payloadParam struct {
		Type    string `json:"type"` // "payload"
		Payload string `json:"payload"`
	}
	couponParam struct {
		Type       string `json:"type"` // "coupon_code"
		CouponCode string `json:"coupon_code"`
	}
)

type interactiveObj struct {
	Type   string            `json:"type"` // "button" or "list"
	Header *interactiveText  `json:"header,omitempty"`
	Body   interactiveBody   `json:"body"`
	Footer *interactiveBody  `json:"footer,omitempty"`
	Action interactiveAction `json:"action"`
}

type interactiveText struct {
	Type string `json:"type"` // "text"
	Text string `json:"text"`
}

type interactiveBody struct {
	Text string `json:"text"`
}

type interactiveAction struct {
	Buttons  []replyButton `json:"buttons,omitempty"`
	Button   string        `json:"button,omitempty"`
	Sections []listSection `json:"sections,omitempty"`
}

type replyButton struct {
	Type  string    `json:"type"` // "reply"
	Reply replyText `json:"reply"`
}

type replyText struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type listSection struct {
	Title string    `json:"title,omitempty"`
	Rows  []listRow `json:"rows"`
}

type listRow struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

type mediaObject struct {
	ID       string `json:"id,omitempty"`
	Link     string `json:"link,omitempty"`
	Caption  string `json:"caption,omitempty"`
	Filename string `json:"filename,omitempty"`
}

type locationObject struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name,omitempty"`
	Address   string  `json:"address,omitempty"`
}

type reactionObject struct {
	MessageID string `json:"message_id"`
	Emoji     string `json:"emoji"` // "" removes the reaction
}

// buildSendRequest expresses content in the Graph API's message format.
func buildSendRequest(waID string, content conversation.Content) (sendRequest, error) {
	r := sendRequest{MessagingProduct: "whatsapp", RecipientType: "individual", To: waID, Type: string(content.Type)}
	switch content.Type {
	case conversation.Text:
		if strings.TrimSpace(content.Text) == "" {
			return r, errors.New("text messages need a body")
		}
		r.Text = &textObject{Body: content.Text, PreviewURL: hasLink(content.Text)}
	case conversation.Template:
		t, err := buildTemplate(content.Template)
		if err != nil {
			return r, err
		}
		r.Template = t
	case conversation.Interactive:
		i, err := buildInteractive(content.Interactive)
		if err != nil {
			return r, err
		}
		r.Interactive = i
	case conversation.Image, conversation.Document, conversation.Audio, conversation.Video:
		m, err := buildMedia(content.Type, content.Media)
		if err != nil {
			return r, err
		}
		switch content.Type {
		case conversation.Image:
			r.Image = m
		case conversation.Document:
			r.Document = m
		case conversation.Audio:
			r.Audio = m
		default:
			r.Video = m
		}
	case conversation.Location:
		if content.Location == nil {
			return r, errors.New("location messages need a place")
		}
		p := content.Location
		r.Location = &locationObject{Latitude: p.Latitude, Longitude: p.Longitude, Name: p.Name, Address: p.Address}
	case conversation.Reaction:
		if content.Reaction == nil || content.Reaction.MessageWAMID == "" {
			return r, errors.New("reactions need the id of the message reacted to")
		}
		r.Reaction = &reactionObject{MessageID: content.Reaction.MessageWAMID, Emoji: content.Reaction.Emoji}
	default:
		return r, fmt.Errorf("messages of type %q cannot be sent", content.Type)
	}
	return r, nil
}

// hasLink decides preview_url: a link preview helps a customer trust a
// payment link; plain text gets none.
func hasLink(s string) bool {
	return strings.Contains(s, "https://") || strings.Contains(s, "http://")
}

func buildTemplate(t *conversation.TemplateContent) (*templateObject, error) {
	if t == nil || t.Name == "" || t.Language == "" {
		return nil, errors.New("template messages need a template name and language")
	}
	o := &templateObject{Name: t.Name, Language: templateLanguage{Code: t.Language}}
	if len(t.HeaderParams) > 0 {
		o.Components = append(o.Components, templateComponent{Type: "header", Parameters: textParams(t.HeaderParams)})
	}
	if len(t.BodyParams) > 0 {
		o.Components = append(o.Components, templateComponent{Type: "body", Parameters: textParams(t.BodyParams)})
	}
	for _, b := range t.Buttons {
		if b.Index < 0 || b.Index > 9 {
			return nil, fmt.Errorf("template button index %d is not 0 to 9", b.Index)
		}
		var p any
		switch b.SubType {
		case "url":
			p = textParam{Type: "text", Text: b.Text}
		case "quick_reply":
			p = payloadParam{Type: "payload", Payload: b.Text}
		case "copy_code":
			p = couponParam{Type: "coupon_code", CouponCode: b.Text}
		default:
			return nil, fmt.Errorf("template button sub-type %q is not url, quick_reply or copy_code", b.SubType)
		}
		o.Components = append(o.Components, templateComponent{
			Type: "button", SubType: b.SubType, Index: strconv.Itoa(b.Index), Parameters: []any{p},
		})
	}
	return o, nil
}

func textParams(values []string) []any {
	ps := make([]any, len(values))
	for i, v := range values {
		ps[i] = textParam{Type: "text", Text: v}
	}
	return ps
}

func buildInteractive(ic *conversation.InteractiveContent) (*interactiveObj, error) {
	if ic == nil || strings.TrimSpace(ic.Body) == "" {
		return nil, errors.New("interactive messages need a body")
	}
	o := &interactiveObj{Body: interactiveBody{Text: ic.Body}}
	if ic.Header != "" {
		o.Header = &interactiveText{Type: "text", Text: ic.Header}
	}
	if ic.Footer != "" {
		o.Footer = &interactiveBody{Text: ic.Footer}
	}
	if ic.ListButton == "" {
		if len(ic.Buttons) == 0 {
			return nil, errors.New("interactive messages need reply buttons or a list")
		}
		o.Type = "button"
		for _, b := range ic.Buttons {
			o.Action.Buttons = append(o.Action.Buttons, replyButton{Type: "reply", Reply: replyText{ID: b.ID, Title: b.Title}})
		}
		return o, nil
	}
	if len(ic.Rows) == 0 {
		return nil, errors.New("interactive lists need rows")
	}
	o.Type = "list"
	o.Action.Button = ic.ListButton
	// Saldo's lists have one section, whose title WhatsApp does not require.
	sec := listSection{Rows: make([]listRow, 0, len(ic.Rows))}
	for _, r := range ic.Rows {
		sec.Rows = append(sec.Rows, listRow{ID: r.ID, Title: r.Title, Description: r.Description})
	}
	o.Action.Sections = []listSection{sec}
	return o, nil
}

func buildMedia(t conversation.MessageType, m *conversation.Media) (*mediaObject, error) {
	if m == nil || (m.ID == "" && m.Link == "") {
		return nil, fmt.Errorf("%s messages need a media id or a link", t)
	}
	o := &mediaObject{ID: m.ID}
	if m.ID == "" {
		o.Link = m.Link
	}
	if t != conversation.Audio { // WhatsApp takes no caption on audio
		o.Caption = m.Caption
	}
	if t == conversation.Document {
		o.Filename = m.Filename
	}
	return o, nil
}
