package conversation

import (
	"strings"
	"unicode/utf8"

	"github.com/saldocrm/saldo/domain"
)

// MessageType is the kind of a message's content, as WhatsApp names it, plus
// Saldo's own internal notes and system events.
type MessageType string

// The message types.
const (
	Text        MessageType = "text"
	Image       MessageType = "image"
	Document    MessageType = "document"
	Audio       MessageType = "audio"
	Video       MessageType = "video"
	Sticker     MessageType = "sticker"
	Location    MessageType = "location"
	Contacts    MessageType = "contacts"
	Interactive MessageType = "interactive" // reply buttons or list sent; or the customer's reply to one
	Button      MessageType = "button"      // the customer tapped a template's quick-reply button
	Reaction    MessageType = "reaction"
	Template    MessageType = "template"
	Unsupported MessageType = "unsupported" // a type WhatsApp or Saldo does not know: kept, never dropped
	Note        MessageType = "note"        // an agent's internal note: never sent
	System      MessageType = "system"      // an event in the thread (closed, assigned, paid, …): never sent
)

// Errors about message content.
var (
	ErrEmptyText      = domain.Errorf(domain.KindInvalid, "empty_text", "text must not be empty")
	ErrTextTooLong    = domain.Errorf(domain.KindInvalid, "text_too_long", "text is %d characters; WhatsApp allows 4096")
	ErrTemplateName   = domain.Errorf(domain.KindInvalid, "invalid_template_name", "template name %q must be lowercase letters, digits and underscores")
	ErrTemplateLang   = domain.Errorf(domain.KindInvalid, "invalid_template_language", "template language is required, e.g. es, pt_BR, en_US")
	ErrTooManyButtons = domain.Errorf(domain.KindInvalid, "too_many_buttons", "interactive messages take 1 to 3 reply buttons, titles up to 20 characters")
	ErrTooManyRows    = domain.Errorf(domain.KindInvalid, "too_many_rows", "interactive lists take 1 to 10 rows, titles up to 24 and descriptions up to 72 characters")
	ErrMediaLink      = domain.Errorf(domain.KindInvalid, "invalid_media", "media needs an https link or a WhatsApp media id")
	ErrUnsendableType = domain.Errorf(domain.KindInvalid, "unsendable_type", "messages of type %q cannot be sent")
)

// Media is an image, document, audio, video or sticker: by WhatsApp media id
// (inbound) or by link (outbound).
type Media struct {
	ID       string
	Link     string
	MimeType string
	Caption  string
	Filename string
	SHA256   string
}

// Place is a shared location.
type Place struct {
	Latitude  float64 // coordinates, not money: a float is right here
	Longitude float64
	Name      string
	Address   string
}

// ReplyButton is a reply button of an interactive message.
type ReplyButton struct {
	ID    string
	Title string
}

// ListRow is a row of an interactive list.
type ListRow struct {
	ID          string
	Title       string
	Description string
}

// InteractiveContent is an interactive message the business sends: up to
// three reply buttons, or a list.
type InteractiveContent struct {
	Header     string
	Body       string
	Footer     string
	Buttons    []ReplyButton
	ListButton string // the list's button label; set for a list
	Rows       []ListRow
}

// TemplateButtonParam fills the variable of a template button: the suffix
// of a URL button, or the payload of a quick-reply button.
type TemplateButtonParam struct {
	Index   int
	SubType string // "url" or "quick_reply"
	Text    string
}

// TemplateContent is an approved template with its variables filled.
type TemplateContent struct {
	Name         string
	Language     string
	HeaderParams []string
	BodyParams   []string
	Buttons      []TemplateButtonParam
}

// Reply is what a customer chose: an interactive reply (button or list row)
// or a template's quick-reply button.
type Reply struct {
	ID    string // button/row id, or the quick-reply payload
	Title string
}

// ReactionContent is an emoji reaction to a message.
type ReactionContent struct {
	MessageWAMID string
	Emoji        string
}

// Content is what a message says. Type says which fields matter.
type Content struct {
	Type        MessageType
	Text        string // text body; the caption or note text; a system event's description
	Media       *Media
	Location    *Place
	Interactive *InteractiveContent
	Template    *TemplateContent
	Reply       *Reply
	Reaction    *ReactionContent
}

// Preview returns a short text describing the content, for inbox lists.
func (c Content) Preview() string {
	var s string
	switch {
	case c.Text != "":
		s = c.Text
	case c.Reply != nil:
		s = c.Reply.Title
	case c.Template != nil:
		s = "[template " + c.Template.Name + "]"
	case c.Location != nil:
		s = "[location] " + c.Location.Name
	case c.Interactive != nil:
		s = c.Interactive.Body
	case c.Reaction != nil:
		s = c.Reaction.Emoji
	case c.Media != nil && c.Media.Caption != "":
		s = c.Media.Caption
	default:
		s = "[" + string(c.Type) + "]"
	}
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 120 {
		s = string([]rune(s)[:119]) + "…"
	}
	return s
}

// FreeForm reports whether the content is a free-form message, which
// WhatsApp only delivers inside the 24-hour customer service window.
func (c Content) FreeForm() bool { return c.Type != Template }

// ValidateOutbound checks content the business wants to send against
// WhatsApp's limits.
func (c Content) ValidateOutbound() error {
	switch c.Type {
	case Text:
		n := utf8.RuneCountInString(c.Text)
		if strings.TrimSpace(c.Text) == "" {
			return ErrEmptyText
		}
		if n > 4096 {
			return ErrTextTooLong.New(n)
		}
	case Template:
		if c.Template == nil || !validTemplateName(c.Template.Name) {
			name := ""
			if c.Template != nil {
				name = c.Template.Name
			}
			return ErrTemplateName.New(name)
		}
		if strings.TrimSpace(c.Template.Language) == "" {
			return ErrTemplateLang
		}
	case Interactive:
		return c.Interactive.validate()
	case Image, Document, Audio, Video:
		if c.Media == nil || (c.Media.ID == "" && !strings.HasPrefix(c.Media.Link, "https://")) {
			return ErrMediaLink
		}
	case Location:
		if c.Location == nil {
			return ErrUnsendableType.New(c.Type)
		}
	case Reaction:
		if c.Reaction == nil || c.Reaction.MessageWAMID == "" {
			return ErrUnsendableType.New(c.Type)
		}
	default:
		return ErrUnsendableType.New(c.Type)
	}
	return nil
}

func (ic *InteractiveContent) validate() error {
	if ic == nil || strings.TrimSpace(ic.Body) == "" {
		return ErrEmptyText
	}
	if ic.ListButton == "" {
		if len(ic.Buttons) == 0 || len(ic.Buttons) > 3 {
			return ErrTooManyButtons
		}
		for _, b := range ic.Buttons {
			if b.ID == "" || b.Title == "" || utf8.RuneCountInString(b.Title) > 20 {
				return ErrTooManyButtons
			}
		}
		return nil
	}
	if len(ic.Rows) == 0 || len(ic.Rows) > 10 {
		return ErrTooManyRows
	}
	for _, r := range ic.Rows {
		if r.ID == "" || r.Title == "" || utf8.RuneCountInString(r.Title) > 24 || utf8.RuneCountInString(r.Description) > 72 {
			return ErrTooManyRows
		}
	}
	return nil
}

func validTemplateName(s string) bool {
	if s == "" || len(s) > 512 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}
