package postgres

import (
	"encoding/json"
	"fmt"

	"github.com/saldocrm/saldo/domain/conversation"
)

// contentJSON is how messages.content stores a conversation.Content: the
// parts its type uses, each left out when absent. The type itself is the
// type column. The shape belongs to this adapter (the domain carries no
// JSON tags), so renaming a domain field does not change stored rows;
// fields are only ever added, and rows written before an addition read it
// as its zero value.
type contentJSON struct {
	Text        string               `json:"text,omitempty"`
	Media       *mediaJSON           `json:"media,omitempty"`
	Location    *placeJSON           `json:"location,omitempty"`
	Interactive *interactiveJSON     `json:"interactive,omitempty"`
	Template    *templateContentJSON `json:"template,omitempty"`
	Reply       *replyJSON           `json:"reply,omitempty"`
	Reaction    *reactionJSON        `json:"reaction,omitempty"`
}

type mediaJSON struct {
	ID       string `json:"id,omitempty"`
	Link     string `json:"link,omitempty"`
	MimeType string `json:"mime_type,omitempty"`
	Caption  string `json:"caption,omitempty"`
	Filename string `json:"filename,omitempty"`
	SHA256   string `json:"sha256,omitempty"`
}

type placeJSON struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name,omitempty"`
	Address   string  `json:"address,omitempty"`
}

type interactiveJSON struct {
	Header     string            `json:"header,omitempty"`
	Body       string            `json:"body,omitempty"`
	Footer     string            `json:"footer,omitempty"`
	Buttons    []replyButtonJSON `json:"buttons,omitempty"`
	ListButton string            `json:"list_button,omitempty"`
	Rows       []listRowJSON     `json:"rows,omitempty"`
}

type replyButtonJSON struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type listRowJSON struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

type templateContentJSON struct {
	Name         string                    `json:"name"`
	Language     string                    `json:"language"`
	HeaderParams []string                  `json:"header_params,omitempty"`
	BodyParams   []string                  `json:"body_params,omitempty"`
	Buttons      []templateButtonParamJSON `json:"buttons,omitempty"`
}

type templateButtonParamJSON struct {
	Index   int    `json:"index"`
	SubType string `json:"sub_type"`
	Text    string `json:"text"`
}

type replyJSON struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type reactionJSON struct {
	MessageWAMID string `json:"message_wamid"`
	Emoji        string `json:"emoji"` // "" removes a reaction
}

// encodeContent returns c as stored in messages.content.
func encodeContent(c conversation.Content) (string, error) {
	var j contentJSON
	j.Text = c.Text
	if m := c.Media; m != nil {
		j.Media = &mediaJSON{
			ID: m.ID, Link: m.Link, MimeType: m.MimeType, Caption: m.Caption, Filename: m.Filename, SHA256: m.SHA256,
		}
	}
	if p := c.Location; p != nil {
		j.Location = &placeJSON{Latitude: p.Latitude, Longitude: p.Longitude, Name: p.Name, Address: p.Address}
	}
	if ic := c.Interactive; ic != nil {
		ij := &interactiveJSON{Header: ic.Header, Body: ic.Body, Footer: ic.Footer, ListButton: ic.ListButton}
		for _, b := range ic.Buttons {
			ij.Buttons = append(ij.Buttons, replyButtonJSON{ID: b.ID, Title: b.Title})
		}
		for _, r := range ic.Rows {
			ij.Rows = append(ij.Rows, listRowJSON{ID: r.ID, Title: r.Title, Description: r.Description})
		}
		j.Interactive = ij
	}
	if t := c.Template; t != nil {
		tj := &templateContentJSON{
			Name: t.Name, Language: t.Language, HeaderParams: t.HeaderParams, BodyParams: t.BodyParams,
		}
		for _, b := range t.Buttons {
			tj.Buttons = append(tj.Buttons, templateButtonParamJSON{Index: b.Index, SubType: b.SubType, Text: b.Text})
		}
		j.Template = tj
	}
	if r := c.Reply; r != nil {
		j.Reply = &replyJSON{ID: r.ID, Title: r.Title}
	}
	if r := c.Reaction; r != nil {
		j.Reaction = &reactionJSON{MessageWAMID: r.MessageWAMID, Emoji: r.Emoji}
	}
	b, err := json.Marshal(j)
	if err != nil {
		return "", fmt.Errorf("encode %s content: %w", c.Type, err)
	}
	return string(b), nil
}

// decodeContent rebuilds the content of type typ stored as raw.
func decodeContent(typ, raw string) (conversation.Content, error) {
	var j contentJSON
	if err := json.Unmarshal([]byte(raw), &j); err != nil {
		return conversation.Content{}, err
	}
	c := conversation.Content{Type: conversation.MessageType(typ), Text: j.Text}
	if m := j.Media; m != nil {
		c.Media = &conversation.Media{
			ID: m.ID, Link: m.Link, MimeType: m.MimeType, Caption: m.Caption, Filename: m.Filename, SHA256: m.SHA256,
		}
	}
	if p := j.Location; p != nil {
		c.Location = &conversation.Place{Latitude: p.Latitude, Longitude: p.Longitude, Name: p.Name, Address: p.Address}
	}
	if ij := j.Interactive; ij != nil {
		ic := &conversation.InteractiveContent{Header: ij.Header, Body: ij.Body, Footer: ij.Footer, ListButton: ij.ListButton}
		for _, b := range ij.Buttons {
			ic.Buttons = append(ic.Buttons, conversation.ReplyButton{ID: b.ID, Title: b.Title})
		}
		for _, r := range ij.Rows {
			ic.Rows = append(ic.Rows, conversation.ListRow{ID: r.ID, Title: r.Title, Description: r.Description})
		}
		c.Interactive = ic
	}
	if tj := j.Template; tj != nil {
		t := &conversation.TemplateContent{
			Name: tj.Name, Language: tj.Language, HeaderParams: tj.HeaderParams, BodyParams: tj.BodyParams,
		}
		for _, b := range tj.Buttons {
			t.Buttons = append(t.Buttons, conversation.TemplateButtonParam{Index: b.Index, SubType: b.SubType, Text: b.Text})
		}
		c.Template = t
	}
	if r := j.Reply; r != nil {
		c.Reply = &conversation.Reply{ID: r.ID, Title: r.Title}
	}
	if r := j.Reaction; r != nil {
		c.Reaction = &conversation.ReactionContent{MessageWAMID: r.MessageWAMID, Emoji: r.Emoji}
	}
	return c, nil
}
