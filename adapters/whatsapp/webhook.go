package whatsapp

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/ports"
)

// SignatureHeader is the header that carries a webhook's signature.
const SignatureHeader = "X-Hub-Signature-256"

// VerifySignature reports whether header, the X-Hub-Signature-256 value
// "sha256=<hex>", is the HMAC-SHA256 of the raw body under the app secret.
// A missing or malformed header, or an empty secret, never verifies.
func VerifySignature(body []byte, header, appSecret string) bool {
	if appSecret == "" {
		return false
	}
	sigHex, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok || len(sigHex) != 2*sha256.Size {
		return false
	}
	sig, err := hex.DecodeString(sigHex)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return hmac.Equal(sig, mac.Sum(nil))
}

// ErrInvalidWebhook is returned for a webhook body that cannot be read.
var ErrInvalidWebhook = domain.Errorf(domain.KindInvalid, "invalid_whatsapp_webhook", "invalid WhatsApp webhook: %s")

// Decoder reads the WhatsApp Business Account webhook. The zero value is
// ready to use.
type Decoder struct{}

var _ ports.WebhookDecoder = Decoder{}

// Decode implements ports.WebhookDecoder. It returns, in the order of the
// body, the customers' messages (of every type: the ones Saldo does not
// know become conversation.Unsupported, never dropped), the delivery
// statuses (unknown status words are skipped) and the template review
// events. Changes of other fields are ignored. A body it cannot read is
// ErrInvalidWebhook, of kind invalid.
func (Decoder) Decode(body []byte) (conversation.Events, error) {
	var ev conversation.Events
	var w webhookJSON
	if err := json.Unmarshal(body, &w); err != nil {
		return ev, ErrInvalidWebhook.New("the body is not a webhook: " + err.Error())
	}
	if w.Object != "whatsapp_business_account" {
		return ev, ErrInvalidWebhook.New(fmt.Sprintf("object %q is not whatsapp_business_account", w.Object))
	}
	for i, e := range w.Entry {
		for j, ch := range e.Changes {
			var err error
			switch ch.Field {
			case "messages":
				err = decodeMessages(&ev, ch.Value)
			case "message_template_status_update":
				err = decodeTemplateStatus(&ev, e, ch.Value)
			}
			if err != nil {
				return conversation.Events{}, ErrInvalidWebhook.New(fmt.Sprintf("entry %d, change %d (%s): %v", i, j, ch.Field, err))
			}
		}
	}
	return ev, nil
}

// The webhook's JSON. Ids, timestamps and codes are flexString: Meta sends
// most as strings, some (message_template_id, entry time) as numbers.

type webhookJSON struct {
	Object string      `json:"object"`
	Entry  []entryJSON `json:"entry"`
}

type entryJSON struct {
	ID      flexString   `json:"id"`
	Time    flexString   `json:"time"`
	Changes []changeJSON `json:"changes"`
}

type changeJSON struct {
	Field string          `json:"field"`
	Value json.RawMessage `json:"value"` // read once the field is known
}

type messagesValueJSON struct {
	Metadata struct {
		PhoneNumberID flexString `json:"phone_number_id"`
	} `json:"metadata"`
	Contacts []struct {
		Profile struct {
			Name string `json:"name"`
		} `json:"profile"`
		WaID flexString `json:"wa_id"`
	} `json:"contacts"`
	Messages []messageJSON `json:"messages"`
	Statuses []statusJSON  `json:"statuses"`
}

// messageJSON is an inbound message's envelope; its content is read by type
// afterwards, so that content Saldo cannot read still leaves a message.
type messageJSON struct {
	ID        string     `json:"id"`
	From      flexString `json:"from"`
	Timestamp flexString `json:"timestamp"`
	Type      string     `json:"type"`
	Context   *struct {
		ID string `json:"id"`
	} `json:"context"`
	Errors      []errorJSON     `json:"errors"`
	Text        json.RawMessage `json:"text"`
	Image       json.RawMessage `json:"image"`
	Document    json.RawMessage `json:"document"`
	Audio       json.RawMessage `json:"audio"`
	Video       json.RawMessage `json:"video"`
	Sticker     json.RawMessage `json:"sticker"`
	Location    json.RawMessage `json:"location"`
	Contacts    json.RawMessage `json:"contacts"`
	Interactive json.RawMessage `json:"interactive"`
	Button      json.RawMessage `json:"button"`
	Reaction    json.RawMessage `json:"reaction"`
	Order       json.RawMessage `json:"order"`
	System      json.RawMessage `json:"system"`
}

// media returns the content object of a media message of type t.
func (m messageJSON) media(t conversation.MessageType) json.RawMessage {
	switch t {
	case conversation.Image:
		return m.Image
	case conversation.Document:
		return m.Document
	case conversation.Audio:
		return m.Audio
	case conversation.Video:
		return m.Video
	}
	return m.Sticker
}

type statusJSON struct {
	ID          string      `json:"id"`
	Status      string      `json:"status"`
	Timestamp   flexString  `json:"timestamp"`
	RecipientID flexString  `json:"recipient_id"`
	Errors      []errorJSON `json:"errors"`
	BizOpaque   string      `json:"biz_opaque_callback_data"`
}

type errorJSON struct {
	Code      flexString `json:"code"`
	Title     string     `json:"title"`
	Message   string     `json:"message"`
	ErrorData struct {
		Details string `json:"details"`
	} `json:"error_data"`
}

type templateStatusJSON struct {
	Event             string     `json:"event"`
	MessageTemplateID flexString `json:"message_template_id"`
	Name              string     `json:"message_template_name"`
	Language          string     `json:"message_template_language"`
	Reason            string     `json:"reason"`
	OtherInfo         struct {
		Title       string `json:"title"`
		Description string `json:"description"`
	} `json:"other_info"`
}

// Content objects.
type (
	textJSON struct {
		Body string `json:"body"`
	}
	mediaJSON struct {
		ID       flexString `json:"id"`
		MimeType string     `json:"mime_type"`
		SHA256   string     `json:"sha256"`
		Caption  string     `json:"caption"`
		Filename string     `json:"filename"`
	}
	locationJSON struct {
		Latitude  flexString `json:"latitude"`
		Longitude flexString `json:"longitude"`
		Name      string     `json:"name"`
		Address   string     `json:"address"`
	}
	contactCardJSON struct {
		Name struct {
			FormattedName string `json:"formatted_name"`
			FirstName     string `json:"first_name"`
			LastName      string `json:"last_name"`
		} `json:"name"`
		Phones []struct {
			Phone string     `json:"phone"`
			WaID  flexString `json:"wa_id"`
		} `json:"phones"`
		Emails []struct {
			Email string `json:"email"`
		} `json:"emails"`
	}
	interactiveJSON struct {
		Type        string     `json:"type"`
		ButtonReply *replyJSON `json:"button_reply"`
		ListReply   *replyJSON `json:"list_reply"`
		NfmReply    *struct {
			Name         string `json:"name"`
			Body         string `json:"body"`
			ResponseJSON string `json:"response_json"`
		} `json:"nfm_reply"`
	}
	replyJSON struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	buttonJSONIn struct {
		Payload string `json:"payload"`
		Text    string `json:"text"`
	}
	reactionJSON struct {
		MessageID string `json:"message_id"`
		Emoji     string `json:"emoji"`
	}
	orderJSON struct {
		Text         string            `json:"text"`
		ProductItems []json.RawMessage `json:"product_items"`
	}
	systemJSON struct {
		Body string `json:"body"`
		Type string `json:"type"`
	}
)

func decodeMessages(ev *conversation.Events, raw json.RawMessage) error {
	var v messagesValueJSON
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	phoneNumberID := string(v.Metadata.PhoneNumberID)
	names := make(map[string]string, len(v.Contacts))
	for _, c := range v.Contacts {
		names[string(c.WaID)] = c.Profile.Name
	}
	for k, m := range v.Messages {
		if m.ID == "" || m.From == "" {
			return fmt.Errorf("message %d has no id or sender", k)
		}
		sentAt, err := unixTime(m.Timestamp)
		if err != nil {
			return fmt.Errorf("message %s: %w", m.ID, err)
		}
		content, failure := inboundContent(m)
		if len(m.Errors) > 0 {
			failure = m.Errors[0].failure()
		}
		d := conversation.InboundDetails{WAMID: m.ID, Content: content, SentAt: sentAt, Failure: failure}
		if m.Context != nil {
			d.ContextWAMID = m.Context.ID
		}
		ev.Inbound = append(ev.Inbound, conversation.InboundEvent{
			PhoneNumberID: phoneNumberID,
			WaID:          string(m.From),
			ContactName:   contactName(names, string(m.From)),
			Message:       d,
		})
	}
	for k, s := range v.Statuses {
		st, ok := deliveryStatus(s.Status)
		if !ok {
			continue // a status Saldo does not track ("deleted", "warning", …)
		}
		if s.ID == "" {
			return fmt.Errorf("status %d has no message id", k)
		}
		at, err := unixTime(s.Timestamp)
		if err != nil {
			return fmt.Errorf("status of %s: %w", s.ID, err)
		}
		e := conversation.StatusEvent{
			PhoneNumberID: phoneNumberID, WAMID: s.ID, RecipientID: string(s.RecipientID), Status: st, At: at, Ref: s.BizOpaque,
		}
		if len(s.Errors) > 0 {
			e.Failure = s.Errors[0].failure()
		}
		ev.Statuses = append(ev.Statuses, e)
	}
	return nil
}

// contactName returns the profile name of the sender; a body with a single
// contact names the sender even when the ids are written differently.
func contactName(names map[string]string, waID string) string {
	if n, ok := names[waID]; ok {
		return n
	}
	if len(names) == 1 {
		for _, n := range names {
			return n
		}
	}
	return ""
}

func deliveryStatus(s string) (conversation.DeliveryStatus, bool) {
	switch st := conversation.DeliveryStatus(strings.ToLower(strings.TrimSpace(s))); st {
	case conversation.Sent, conversation.Delivered, conversation.Read, conversation.Failed:
		return st, true
	}
	return "", false
}

func (e errorJSON) failure() *conversation.Failure {
	code, _ := strconv.Atoi(string(e.Code))
	f := &conversation.Failure{Code: code, Title: e.Title, Detail: e.ErrorData.Details}
	if f.Title == "" {
		f.Title = e.Message
	}
	if f.Detail == "" {
		f.Detail = e.Message
	}
	return f
}

// inboundContent reads a message's content by type. Content Saldo cannot
// read makes an Unsupported message with a failure saying why.
func inboundContent(m messageJSON) (conversation.Content, *conversation.Failure) {
	t := conversation.MessageType(m.Type)
	c, err := readContent(t, m)
	if err != nil {
		// The detail is for people: the Go decoder's words name Saldo's types.
		return conversation.Content{Type: conversation.Unsupported}, &conversation.Failure{
			Title:  fmt.Sprintf("Saldo could not read this %s message", m.Type),
			Detail: fmt.Sprintf("the %q object does not have the shape WhatsApp documents", m.Type),
		}
	}
	return c, nil
}

func readContent(t conversation.MessageType, m messageJSON) (conversation.Content, error) {
	switch t {
	case conversation.Text:
		var x textJSON
		err := unmarshalContent(m.Text, &x)
		return conversation.Content{Type: t, Text: x.Body}, err
	case conversation.Image, conversation.Document, conversation.Audio, conversation.Video, conversation.Sticker:
		var x mediaJSON
		if err := unmarshalContent(m.media(t), &x); err != nil {
			return conversation.Content{}, err
		}
		return conversation.Content{Type: t, Text: x.Caption, Media: &conversation.Media{
			ID: string(x.ID), MimeType: x.MimeType, SHA256: x.SHA256, Caption: x.Caption, Filename: x.Filename,
		}}, nil
	case conversation.Location:
		var x locationJSON
		if err := unmarshalContent(m.Location, &x); err != nil {
			return conversation.Content{}, err
		}
		lat, err1 := strconv.ParseFloat(string(x.Latitude), 64)
		lng, err2 := strconv.ParseFloat(string(x.Longitude), 64)
		if err := errors.Join(err1, err2); err != nil {
			return conversation.Content{}, err
		}
		return conversation.Content{Type: t, Location: &conversation.Place{
			Latitude: lat, Longitude: lng, Name: x.Name, Address: x.Address,
		}}, nil
	case conversation.Contacts:
		var x []contactCardJSON
		err := unmarshalContent(m.Contacts, &x)
		return conversation.Content{Type: t, Text: contactsSummary(x)}, err
	case conversation.Interactive:
		return readInteractive(m.Interactive)
	case conversation.Button:
		var x buttonJSONIn
		err := unmarshalContent(m.Button, &x)
		return conversation.Content{Type: t, Reply: &conversation.Reply{ID: x.Payload, Title: x.Text}}, err
	case conversation.Reaction:
		var x reactionJSON
		err := unmarshalContent(m.Reaction, &x)
		// An empty emoji is the customer removing their reaction.
		return conversation.Content{Type: t, Reaction: &conversation.ReactionContent{MessageWAMID: x.MessageID, Emoji: x.Emoji}}, err
	case "order":
		var x orderJSON
		err := unmarshalContent(m.Order, &x)
		text := fmt.Sprintf("[order: %d items]", len(x.ProductItems))
		if x.Text != "" {
			text += " " + x.Text
		}
		return conversation.Content{Type: conversation.Unsupported, Text: text}, err
	case "system":
		var x systemJSON
		err := unmarshalContent(m.System, &x)
		text := x.Body
		if text == "" {
			text = "[system: " + x.Type + "]"
		}
		return conversation.Content{Type: conversation.Unsupported, Text: text}, err
	case conversation.Unsupported:
		return conversation.Content{Type: conversation.Unsupported}, nil
	}
	// A type Saldo does not know yet: kept, with its name.
	name := m.Type
	if name == "" {
		name = "unknown"
	}
	return conversation.Content{Type: conversation.Unsupported, Text: "[" + name + "]"}, nil
}

func readInteractive(raw json.RawMessage) (conversation.Content, error) {
	var x interactiveJSON
	if err := unmarshalContent(raw, &x); err != nil {
		return conversation.Content{}, err
	}
	switch {
	case x.Type == "button_reply" && x.ButtonReply != nil:
		return conversation.Content{Type: conversation.Interactive, Reply: &conversation.Reply{ID: x.ButtonReply.ID, Title: x.ButtonReply.Title}}, nil
	case x.Type == "list_reply" && x.ListReply != nil:
		return conversation.Content{Type: conversation.Interactive, Reply: &conversation.Reply{ID: x.ListReply.ID, Title: x.ListReply.Title}}, nil
	case x.Type == "nfm_reply" && x.NfmReply != nil: // a WhatsApp Flow's answer: kept as its JSON
		return conversation.Content{Type: conversation.Unsupported, Text: x.NfmReply.ResponseJSON}, nil
	}
	return conversation.Content{Type: conversation.Unsupported, Text: "[interactive: " + x.Type + "]"}, nil
}

// unmarshalContent reads a content object; a missing one reads as empty.
func unmarshalContent(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return nil
	}
	return json.Unmarshal(raw, v)
}

// contactsSummary writes shared contact cards as text: "Name: phone, email; …".
func contactsSummary(cards []contactCardJSON) string {
	parts := make([]string, 0, len(cards))
	for _, c := range cards {
		name := c.Name.FormattedName
		if name == "" {
			name = strings.TrimSpace(c.Name.FirstName + " " + c.Name.LastName)
		}
		var ways []string
		for _, p := range c.Phones {
			if p.Phone != "" {
				ways = append(ways, p.Phone)
			} else if p.WaID != "" {
				ways = append(ways, "+"+string(p.WaID))
			}
		}
		for _, e := range c.Emails {
			if e.Email != "" {
				ways = append(ways, e.Email)
			}
		}
		switch {
		case name != "" && len(ways) > 0:
			parts = append(parts, name+": "+strings.Join(ways, ", "))
		case name != "":
			parts = append(parts, name)
		case len(ways) > 0:
			parts = append(parts, strings.Join(ways, ", "))
		}
	}
	if len(parts) == 0 {
		return "[contacts]"
	}
	return strings.Join(parts, "; ")
}

func decodeTemplateStatus(ev *conversation.Events, e entryJSON, raw json.RawMessage) error {
	var v templateStatusJSON
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	at, err := unixTime(e.Time)
	if err != nil {
		return err
	}
	reason := v.Reason
	if reason == "NONE" { // Meta's word for "no reason", sent with approvals
		reason = ""
	}
	if reason == "" {
		reason = strings.TrimSpace(v.OtherInfo.Title + " " + v.OtherInfo.Description)
	}
	ev.Templates = append(ev.Templates, conversation.TemplateStatusEvent{
		BusinessAccountID: string(e.ID),
		TemplateID:        string(v.MessageTemplateID),
		Name:              v.Name,
		Language:          v.Language,
		Event:             strings.ToUpper(strings.TrimSpace(v.Event)),
		Reason:            reason,
		At:                at,
	})
	return nil
}

// unixTime reads Unix seconds; empty is the zero time.
func unixTime(s flexString) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	sec, err := strconv.ParseInt(string(s), 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("timestamp %q is not Unix seconds", string(s))
	}
	return time.Unix(sec, 0).UTC(), nil
}

// flexString reads a JSON string or number as text. A number keeps its
// exact digits (message_template_id exceeds what a float64 holds exactly
// in general); null is "".
type flexString string

// UnmarshalJSON implements json.Unmarshaler.
func (s *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return errors.New("empty value")
	case b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
	case string(b) == "null":
		*s = ""
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("%s is not a string or a number", b)
		}
		*s = flexString(n)
	}
	return nil
}
