package sim

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"mime"
	"net/http"
	"time"
)

//go:embed page.html
var pageHTML string

var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

// pageData fills page.html; html/template escapes every value.
type pageData struct {
	Nonce         string
	DisplayPhone  string
	PhoneNumberID string
	WABAID        string
	GraphVersion  string
	WebhookURL    string
}

// handlePage serves the customer's phone. The page is static; its chats come
// from the JSON endpoints and are put in the DOM as text, never as HTML.
func (s *Simulator) handlePage(w http.ResponseWriter, r *http.Request) {
	nonce := base64.RawStdEncoding.EncodeToString(randomBytes(16))
	var buf bytes.Buffer
	err := pageTemplate.Execute(&buf, pageData{
		Nonce: nonce, DisplayPhone: s.cfg.DisplayPhone, PhoneNumberID: s.cfg.PhoneNumberID,
		WABAID: s.cfg.BusinessAccountID, GraphVersion: s.cfg.GraphVersion, WebhookURL: s.cfg.WebhookURL,
	})
	if err != nil {
		s.log.ErrorContext(r.Context(), "whatsapp simulator: render page", "error", err)
		http.Error(w, "page unavailable", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-"+nonce+"'; style-src 'nonce-"+nonce+
		"'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// ---------------------------------------------------------------- JSON for the page

type chatView struct {
	WaID           string        `json:"wa_id"`
	Name           string        `json:"name"`
	WindowOpen     bool          `json:"window_open"`
	WindowClosesAt *time.Time    `json:"window_closes_at,omitempty"`
	Messages       []messageView `json:"messages"`
}

type messageView struct {
	ID             string       `json:"id"`
	Direction      string       `json:"direction"` // "in": the customer wrote; "out": the business sent
	Type           string       `json:"type"`
	Template       string       `json:"template,omitempty"`
	Header         string       `json:"header,omitempty"`
	Body           string       `json:"body,omitempty"`
	Footer         string       `json:"footer,omitempty"`
	Attachment     string       `json:"attachment,omitempty"`
	Buttons        []buttonView `json:"buttons,omitempty"`
	ReplyTo        string       `json:"reply_to,omitempty"`
	ReplyToText    string       `json:"reply_to_text,omitempty"`
	Status         string       `json:"status,omitempty"`
	ErrorCode      int          `json:"error_code,omitempty"`
	ReadByBusiness bool         `json:"read_by_business,omitempty"`
	Delivery       string       `json:"delivery,omitempty"` // inbound: pending, delivered or failed (the webhook to Saldo)
	DeliveryError  string       `json:"delivery_error,omitempty"`
	At             time.Time    `json:"at"`
}

type buttonView struct {
	Kind        string `json:"kind"`
	Text        string `json:"text"`
	URL         string `json:"url,omitempty"`
	Code        string `json:"code,omitempty"`
	Description string `json:"description,omitempty"`
	Tappable    bool   `json:"tappable"`
}

func (s *Simulator) chatView(waID string) chatView {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := chatView{WaID: waID, Name: waID, Messages: []messageView{}}
	c, ok := s.chats[waID]
	if !ok {
		return v
	}
	v.Name = c.name
	if now := s.nowLocked(); s.windowOpenLocked(waID, now) {
		closes := c.lastInbound.Add(serviceWindow)
		v.WindowOpen, v.WindowClosesAt = true, &closes
	}
	for _, m := range c.messages {
		mv := messageView{
			ID: m.ID, Direction: "out", Type: m.Type, Template: m.Template, Header: m.Header,
			Body: m.Body, Footer: m.Footer, Attachment: m.Attachment, ReplyTo: m.ReplyTo,
			Status: m.Status, ErrorCode: m.ErrorCode, At: m.SentAt,
		}
		if m.inbound {
			mv.Direction, mv.ReadByBusiness, mv.DeliveryError = "in", m.readByBusiness, m.deliveryError
			switch {
			case m.deliveryError != "":
				mv.Delivery = "failed"
			case m.delivered:
				mv.Delivery = "delivered"
			default:
				mv.Delivery = "pending"
			}
		}
		if quoted, ok := s.byWamid[m.ReplyTo]; ok && m.ReplyTo != "" {
			mv.ReplyToText = quoted.Body
			if mv.ReplyToText == "" {
				mv.ReplyToText = quoted.Header
			}
		}
		for _, b := range m.Buttons {
			bv := buttonView{Kind: b.Kind, Text: b.Text, URL: b.URL, Description: b.Description}
			switch b.Kind {
			case "quick_reply", "reply", "list_row":
				bv.Tappable = true
			case "copy_code":
				bv.Code = b.Payload
			}
			mv.Buttons = append(mv.Buttons, bv)
		}
		v.Messages = append(v.Messages, mv)
	}
	return v
}

type simError struct {
	Error string `json:"error"`
}

func (s *Simulator) pageWaID(w http.ResponseWriter, r *http.Request) (string, bool) {
	waID, err := s.customerID(r.PathValue("wa_id"))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, simError{err.Error()})
		return "", false
	}
	return waID, true
}

// decodePageJSON reads a page request. Requiring application/json keeps other
// sites from posting here with a plain form: that needs a CORS preflight,
// which the simulator never grants.
func decodePageJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeJSON(w, http.StatusUnsupportedMediaType, simError{"Content-Type must be application/json"})
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeJSON(w, http.StatusBadRequest, simError{"invalid JSON: " + err.Error()})
		return false
	}
	return true
}

// handleChats serves GET /sim/chats: the most recently active customers.
func (s *Simulator) handleChats(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"chats": s.recentChats(20)})
}

// handleChat serves GET /sim/chats/{wa_id}; an unknown number is an empty chat.
func (s *Simulator) handleChat(w http.ResponseWriter, r *http.Request) {
	waID, ok := s.pageWaID(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, s.chatView(waID))
}

// handleCustomerMessage serves POST /sim/chats/{wa_id}/messages {name, text}.
func (s *Simulator) handleCustomerMessage(w http.ResponseWriter, r *http.Request) {
	waID, ok := s.pageWaID(w, r)
	if !ok {
		return
	}
	var req struct {
		Name string `json:"name"`
		Text string `json:"text"`
	}
	if !decodePageJSON(w, r, &req) {
		return
	}
	id, err := s.customerText(r.Context(), waID, req.Name, req.Text, true)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, simError{err.Error()})
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"id": id})
}

// handleCustomerButton serves POST /sim/chats/{wa_id}/buttons {name, message_id, index}.
func (s *Simulator) handleCustomerButton(w http.ResponseWriter, r *http.Request) {
	waID, ok := s.pageWaID(w, r)
	if !ok {
		return
	}
	var req struct {
		Name      string `json:"name"`
		MessageID string `json:"message_id"`
		Index     *int   `json:"index"`
	}
	if !decodePageJSON(w, r, &req) {
		return
	}
	if req.Index == nil {
		writeJSON(w, http.StatusBadRequest, simError{"index is required"})
		return
	}
	id, err := s.tapButton(r.Context(), waID, req.Name, req.MessageID, *req.Index)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, simError{err.Error()})
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"id": id})
}

// handleCloseWindow serves POST /sim/chats/{wa_id}/window/close.
func (s *Simulator) handleCloseWindow(w http.ResponseWriter, r *http.Request) {
	waID, ok := s.pageWaID(w, r)
	if !ok {
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeJSON(w, http.StatusUnsupportedMediaType, simError{"Content-Type must be application/json"})
		return
	}
	s.CloseWindow(waID)
	writeJSON(w, http.StatusOK, s.chatView(waID))
}

// handleSimTemplates serves GET /sim/templates: the catalog, without a token.
func (s *Simulator) handleSimTemplates(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"data": s.Templates()})
}
