package api

import (
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/conversation"
)

// Conversation is a WhatsApp thread as Saldo answers it.
type Conversation struct {
	ID             uuid.UUID  `json:"id"`
	NumberID       uuid.UUID  `json:"number_id"`
	WaID           string     `json:"wa_id" example:"573001234567"`
	Phone          string     `json:"phone" example:"+573001234567"`
	ContactName    string     `json:"contact_name" example:"María Fernanda"`
	CustomerID     *uuid.UUID `json:"customer_id"`
	Status         string     `json:"status" enums:"open,closed"`
	AssigneeID     *uuid.UUID `json:"assignee_id"`
	Priority       string     `json:"priority" enums:"low,normal,high,urgent"`
	Tags           []string   `json:"tags"`
	AIEnabled      bool       `json:"ai_enabled"`
	Unread         int        `json:"unread"`
	WindowOpen     bool       `json:"window_open"`
	WindowClosesAt *time.Time `json:"window_closes_at"`
	LastInboundAt  *time.Time `json:"last_inbound_at"`
	LastMessageAt  *time.Time `json:"last_message_at"`
	LastPreview    string     `json:"last_preview" example:"Buenas tardes, ¿cuánto debo?"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
} // @name Conversation

func optID(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func conversationDTO(c *conversation.Conversation, now time.Time) Conversation {
	tags := c.Tags()
	if tags == nil {
		tags = []string{}
	}
	return Conversation{
		ID: c.ID(), NumberID: c.NumberID(), WaID: c.WaID(), Phone: c.Phone().String(), ContactName: c.ContactName(),
		CustomerID: optID(c.CustomerID()), Status: string(c.Status()), AssigneeID: optID(c.AssigneeID()),
		Priority: string(c.Priority()), Tags: tags, AIEnabled: c.AIEnabled(), Unread: c.Unread(),
		WindowOpen: c.WindowOpen(now), WindowClosesAt: optTime(c.WindowClosesAt()), LastInboundAt: optTime(c.LastInboundAt()),
		LastMessageAt: optTime(c.LastMessageAt()), LastPreview: c.LastPreview(), CreatedAt: c.CreatedAt(), UpdatedAt: c.UpdatedAt(),
	}
}

// ConversationPage is a page of conversations.
type ConversationPage struct {
	Items      []Conversation `json:"items"`
	NextCursor string         `json:"next_cursor,omitempty"`
} // @name ConversationPage

// MessageFailure is why WhatsApp did not deliver a message, in Meta's words.
type MessageFailure struct {
	Code   int    `json:"code" example:"131026"`
	Title  string `json:"title" example:"Message undeliverable"`
	Detail string `json:"detail" example:"Message Undeliverable."`
} // @name MessageFailure

// MediaDTO is an image, document, audio, video or sticker.
type MediaDTO struct {
	ID       string `json:"id,omitempty"`
	Link     string `json:"link,omitempty"`
	MimeType string `json:"mime_type,omitempty"`
	Caption  string `json:"caption,omitempty"`
	Filename string `json:"filename,omitempty"`
} // @name Media

// LocationDTO is a shared location.
type LocationDTO struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name,omitempty"`
	Address   string  `json:"address,omitempty"`
} // @name Location

// TemplateMessage names an approved template and fills its variables.
type TemplateMessage struct {
	Name       string                `json:"name" example:"recordatorio_pago"`
	Language   string                `json:"language" example:"es"`
	Parameters []string              `json:"parameters" example:"María,$1.250.000,15/11/2026"`
	Header     []string              `json:"header_parameters,omitempty"`
	Buttons    []TemplateButtonInput `json:"buttons,omitempty"`
} // @name TemplateMessage

// TemplateButtonInput fills a template button's variable.
type TemplateButtonInput struct {
	Index   int    `json:"index" example:"0"`
	SubType string `json:"sub_type" enums:"url,quick_reply" example:"url"`
	Text    string `json:"text" example:"pl_8Kd92"`
} // @name TemplateButtonInput

// ReplyDTO is what a customer chose from buttons or a list.
type ReplyDTO struct {
	ID    string `json:"id" example:"PAY_NOW"`
	Title string `json:"title" example:"Pagar ahora"`
} // @name Reply

// Message is a message of a conversation.
type Message struct {
	ID             uuid.UUID        `json:"id"`
	ConversationID uuid.UUID        `json:"conversation_id"`
	WAMID          string           `json:"wamid,omitempty"`
	Direction      string           `json:"direction" enums:"in,out,internal"`
	Type           string           `json:"type" example:"text"`
	Text           string           `json:"text,omitempty"`
	Media          *MediaDTO        `json:"media,omitempty"`
	Location       *LocationDTO     `json:"location,omitempty"`
	Template       *TemplateMessage `json:"template,omitempty"`
	Reply          *ReplyDTO        `json:"reply,omitempty"`
	Buttons        []ReplyDTO       `json:"buttons,omitempty"`
	ReactionEmoji  string           `json:"reaction,omitempty"`
	ContextWAMID   string           `json:"context_wamid,omitempty"`
	Status         string           `json:"status" enums:"received,pending,sent,delivered,read,failed"`
	Error          *MessageFailure  `json:"error,omitempty"`
	AuthorID       *uuid.UUID       `json:"author_id,omitempty"`
	SentAt         *time.Time       `json:"sent_at,omitempty"`
	DeliveredAt    *time.Time       `json:"delivered_at,omitempty"`
	ReadAt         *time.Time       `json:"read_at,omitempty"`
	CreatedAt      time.Time        `json:"created_at"`
} // @name Message

func messageDTO(m *conversation.Message) Message {
	c := m.Content()
	out := Message{
		ID: m.ID(), ConversationID: m.ConversationID(), WAMID: m.WAMID(), Direction: string(m.Direction()), Type: string(c.Type),
		Text: c.Text, ContextWAMID: m.ContextWAMID(), Status: string(m.Status()), AuthorID: optID(m.AuthorID()),
		SentAt: optTime(m.SentAt()), DeliveredAt: optTime(m.DeliveredAt()), ReadAt: optTime(m.ReadAt()), CreatedAt: m.CreatedAt(),
	}
	if md := c.Media; md != nil {
		out.Media = &MediaDTO{ID: md.ID, Link: md.Link, MimeType: md.MimeType, Caption: md.Caption, Filename: md.Filename}
	}
	if l := c.Location; l != nil {
		out.Location = &LocationDTO{Latitude: l.Latitude, Longitude: l.Longitude, Name: l.Name, Address: l.Address}
	}
	if t := c.Template; t != nil {
		out.Template = &TemplateMessage{Name: t.Name, Language: t.Language, Parameters: t.BodyParams, Header: t.HeaderParams}
		for _, b := range t.Buttons {
			out.Template.Buttons = append(out.Template.Buttons, TemplateButtonInput{Index: b.Index, SubType: b.SubType, Text: b.Text})
		}
	}
	if r := c.Reply; r != nil {
		out.Reply = &ReplyDTO{ID: r.ID, Title: r.Title}
	}
	if ic := c.Interactive; ic != nil {
		out.Text = ic.Body
		for _, b := range ic.Buttons {
			out.Buttons = append(out.Buttons, ReplyDTO{ID: b.ID, Title: b.Title})
		}
		for _, r := range ic.Rows {
			out.Buttons = append(out.Buttons, ReplyDTO{ID: r.ID, Title: r.Title})
		}
	}
	if r := c.Reaction; r != nil {
		out.ReactionEmoji, out.ContextWAMID = r.Emoji, r.MessageWAMID
	}
	if f := m.Failure(); f != nil {
		out.Error = &MessageFailure{Code: f.Code, Title: f.Title, Detail: f.Detail}
	}
	return out
}

// MessagePage is a page of messages, oldest first.
type MessagePage struct {
	Items      []Message `json:"items"`
	NextCursor string    `json:"next_cursor,omitempty"`
} // @name MessagePage

// SendMessageRequest is a message to send: text inside the 24-hour window,
// or an approved template at any time.
type SendMessageRequest struct {
	Type     string           `json:"type" enums:"text,template" example:"text"`
	Text     string           `json:"text,omitempty" example:"Hola María, su saldo vencido es $1.250.000."`
	Template *TemplateMessage `json:"template,omitempty"`
} // @name SendMessageRequest

func (r SendMessageRequest) content() conversation.Content {
	switch r.Type {
	case string(conversation.Template):
		c := conversation.Content{Type: conversation.Template}
		if t := r.Template; t != nil {
			c.Template = &conversation.TemplateContent{Name: t.Name, Language: t.Language, BodyParams: t.Parameters, HeaderParams: t.Header}
			for _, b := range t.Buttons {
				c.Template.Buttons = append(c.Template.Buttons, conversation.TemplateButtonParam{Index: b.Index, SubType: b.SubType, Text: b.Text})
			}
		}
		return c
	default:
		return conversation.Content{Type: conversation.MessageType(r.Type), Text: r.Text}
	}
}

// StartConversationRequest writes to a customer first, with a template.
type StartConversationRequest struct {
	CustomerID uuid.UUID        `json:"customer_id"`
	NumberID   *uuid.UUID       `json:"number_id,omitempty"`
	Type       string           `json:"type" enums:"template" example:"template"`
	Template   *TemplateMessage `json:"template"`
} // @name StartConversationRequest

// AssignRequest assigns a conversation; a null assignee unassigns it.
type AssignRequest struct {
	AssigneeID *uuid.UUID `json:"assignee_id"`
} // @name AssignRequest

// LinkRequest links a conversation to a customer.
type LinkRequest struct {
	CustomerID uuid.UUID `json:"customer_id"`
} // @name LinkRequest

// NoteRequest adds an internal note.
type NoteRequest struct {
	Text string `json:"text" example:"Dice que paga el viernes; llamar el lunes si no."`
} // @name NoteRequest

// ConversationPatch changes a conversation's settings; absent fields stay.
type ConversationPatch struct {
	Priority  *string   `json:"priority,omitempty" enums:"low,normal,high,urgent"`
	Tags      *[]string `json:"tags,omitempty"`
	AIEnabled *bool     `json:"ai_enabled,omitempty"`
} // @name ConversationPatch
