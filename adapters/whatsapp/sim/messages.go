package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Cloud API limits checked on sends.
const (
	maxTextBody         = 4096
	maxInteractiveBody  = 1024
	maxHeaderText       = 60
	maxFooterText       = 60
	maxReplyButtons     = 3
	maxReplyTitle       = 20
	maxListRows         = 10
	maxListSections     = 10
	maxListRowTitle     = 24
	maxListRowDesc      = 72
	maxListButton       = 20
	maxCaption          = 1024
	maxButtonReplyIDLen = 256
)

// The 131047 answer, word for word as Cloud API sends it.
const (
	windowTitle   = "Re-engagement message"
	windowDetails = "Message failed to send because more than 24 hours have passed since the customer last replied to this number."
)

// handleMessages serves POST /{phone-number-id}/messages: sends and read receipts.
func (s *Simulator) handleMessages(w http.ResponseWriter, r *http.Request) *apiError {
	body, keys, e := readJSONObject(w, r)
	if e != nil {
		return e
	}
	unknown := make([]string, 0)
	for k := range keys {
		if !sendKeys[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return invalidParam(fmt.Sprintf("Unexpected key %q on param \"message\".", unknown[0]))
	}
	var req sendRequest
	if e := decodeParam("message", body, &req); e != nil {
		return e
	}
	if req.MessagingProduct == nil {
		return paramError("The parameter messaging_product is required.")
	}
	if *req.MessagingProduct != "whatsapp" {
		return paramError("Param messaging_product must be one of {WHATSAPP} - got %q.", *req.MessagingProduct)
	}
	if _, ok := keys["status"]; ok {
		return s.markRead(w, r, req)
	}
	return s.send(w, r, body, keys, req)
}

// markRead records that the business read an inbound message, and every
// earlier one of that chat, as WhatsApp does.
func (s *Simulator) markRead(w http.ResponseWriter, r *http.Request, req sendRequest) *apiError {
	if req.Status != "read" {
		return paramError("Param status must be one of {READ} - got %q.", req.Status)
	}
	if req.MessageID == "" {
		return paramError("The parameter message_id is required.")
	}
	if len(req.TypingIndicator) > 0 {
		var ti struct {
			Type string `json:"type"`
		}
		if e := decodeParam("typing_indicator", req.TypingIndicator, &ti); e != nil {
			return e
		}
		if ti.Type != "text" {
			return paramError("Param typing_indicator['type'] must be one of {TEXT} - got %q.", ti.Type)
		}
	}
	s.mu.Lock()
	m, ok := s.byWamid[req.MessageID]
	ok = ok && m.inbound
	if ok {
		// Messages are in arrival order: mark up to and including m.
		for _, earlier := range s.chats[m.To].messages {
			if earlier.inbound {
				earlier.readByBusiness = true
			}
			if earlier == m {
				break
			}
		}
	}
	s.mu.Unlock()
	if !ok {
		return invalidParam(fmt.Sprintf("Param message_id %q is not a message this phone number received.", req.MessageID))
	}
	s.log.InfoContext(r.Context(), "whatsapp simulator: business read a message", "wamid", req.MessageID)
	writeJSON(w, http.StatusOK, successResponse{Success: true})
	return nil
}

// failure is how an accepted send will end, decided when it is accepted.
type failure struct {
	code           int
	title, details string
}

// send validates a message like Cloud API does, answers with its wamid and
// schedules its status webhooks.
func (s *Simulator) send(w http.ResponseWriter, r *http.Request, body []byte, keys map[string]json.RawMessage, req sendRequest) *apiError {
	if req.RecipientType != "" && req.RecipientType != "individual" {
		return paramError("Param recipient_type must be one of {INDIVIDUAL} - got %q.", req.RecipientType)
	}
	if req.To == "" {
		return paramError("The parameter to is required.")
	}
	digits := strings.TrimPrefix(req.To, "+")
	if !validWaID(digits) {
		return invalidParam(fmt.Sprintf("Param to %q is not a phone number in international format: 8 to 15 digits with the country code, no spaces or symbols.", req.To))
	}
	typ := req.Type
	if typ == "" {
		typ = "text" // Cloud API's default
	}
	if !messageTypes[typ] {
		return paramError("Param type must be one of {TEXT, TEMPLATE, INTERACTIVE, IMAGE, DOCUMENT, AUDIO, VIDEO, STICKER, LOCATION, REACTION, CONTACTS} - got %q.", typ)
	}
	raw, ok := keys[typ]
	if !ok || string(raw) == "null" {
		return paramError("The parameter %s is required.", typ)
	}

	waID := s.canonicalWaID(digits)
	out := &message{SentMessage: SentMessage{To: waID, Type: typ, Request: slices.Clone(body)}}
	if req.Context != nil {
		if req.Context.MessageID == "" {
			return paramError("The parameter context['message_id'] is required.")
		}
		out.ReplyTo = req.Context.MessageID
	}
	var tplCategory string
	var e *apiError
	switch typ {
	case "text":
		e = buildText(raw, out)
	case "template":
		tplCategory, e = s.buildTemplate(raw, out)
	case "interactive":
		e = buildInteractive(raw, out)
	case "image", "document", "audio", "video", "sticker":
		e = buildMedia(typ, raw, out)
	case "location":
		e = buildLocation(raw, out)
	case "reaction":
		e = buildReaction(raw, out)
	case "contacts":
		e = buildContacts(raw, out)
	}
	if e != nil {
		return e
	}

	s.mu.Lock()
	now := s.nowLocked()
	if !s.allowLocked(time.Now()) {
		s.mu.Unlock()
		return waError(130429, "Rate limit hit", "Cloud API message throughput has been reached.")
	}
	open := s.windowOpenLocked(waID, now)
	var fail *failure
	switch {
	case typ != "template" && !open && !s.cfg.AsyncWindowErrors:
		s.mu.Unlock()
		return waError(131047, windowTitle, windowDetails)
	case typ != "template" && !open:
		fail = &failure{131047, windowTitle, windowDetails}
	case s.failing[waID]:
		fail = &failure{131026, "Message undeliverable", "Message Undeliverable."}
	case chance(s.cfg.FailureRate):
		fail = &failure{131000, "Something went wrong", "Message failed to send due to an unknown error. Please try again later."}
	}
	out.ID = newWamid(waID, false)
	out.SentAt = now
	out.Status = StatusAccepted
	pricing := pricingFor(tplCategory, open)
	out.Category = pricing.Category
	s.appendLocked(s.chatLocked(waID, now), out)
	s.sentCount++
	s.sendsTo[waID]++
	wamid := out.ID
	s.mu.Unlock()

	resp := sendResponse{
		MessagingProduct: "whatsapp",
		Contacts:         []sendRespContact{{Input: req.To, WaID: waID}},
		Messages:         []sendRespMessage{{ID: wamid}},
	}
	if typ == "template" {
		resp.Messages[0].MessageStatus = "accepted"
	}
	s.log.InfoContext(r.Context(), "whatsapp simulator: message accepted", "wamid", wamid, "to", waID, "type", typ)
	writeJSON(w, http.StatusOK, resp)

	s.spawn(func(ctx context.Context) {
		s.runStatuses(ctx, wamid, waID, req.BizOpaqueCallbackData, pricing, fail)
	})
	return nil
}

// pricingFor is the pricing block of a message's status webhooks under
// per-message pricing: templates are charged by category, except utility
// templates inside an open window; free-form replies are free service messages.
func pricingFor(templateCategory string, windowOpen bool) webhookPricing {
	if templateCategory == "" {
		return webhookPricing{Billable: false, PricingModel: "PMP", Category: "service", Type: "free_customer_service"}
	}
	cat := strings.ToLower(templateCategory)
	if cat == "utility" && windowOpen {
		return webhookPricing{Billable: false, PricingModel: "PMP", Category: cat, Type: "free_customer_service"}
	}
	return webhookPricing{Billable: true, PricingModel: "PMP", Category: cat, Type: "regular"}
}

// runStatuses posts the status webhooks of one accepted message: sent,
// delivered and read a StatusDelay apart, or a single failed.
func (s *Simulator) runStatuses(ctx context.Context, wamid, waID, bizOpaque string, pricing webhookPricing, fail *failure) {
	status := func(st string) webhookStatus {
		return webhookStatus{
			ID: wamid, Status: st, Timestamp: strconv.FormatInt(s.now().Unix(), 10),
			RecipientID: waID, BizOpaqueCallbackData: bizOpaque,
		}
	}
	if !sleep(ctx, s.cfg.StatusDelay) {
		return
	}
	if fail != nil {
		s.advanceStatus(wamid, StatusFailed, fail.code)
		st := status(StatusFailed)
		st.Errors = []webhookError{{
			Code: fail.code, Title: fail.title, Message: fail.title,
			ErrorData: webhookErrorData{Details: fail.details},
		}}
		s.postStatus(ctx, st)
		return
	}
	steps := []string{StatusSent, StatusDelivered}
	if s.cfg.ReadReceipts {
		steps = append(steps, StatusRead)
	}
	for i, step := range steps {
		if i > 0 && !sleep(ctx, s.cfg.StatusDelay) {
			return
		}
		s.advanceStatus(wamid, step, 0)
		st := status(step)
		if step != StatusRead {
			p := pricing
			st.Pricing = &p
		}
		s.postStatus(ctx, st)
	}
}

// ---------------------------------------------------------------- builders

func runeLen(s string) int { return utf8.RuneCountInString(s) }

func buildText(raw json.RawMessage, out *message) *apiError {
	var t sendText
	if e := decodeParam("text", raw, &t); e != nil {
		return e
	}
	if t.Body == nil || *t.Body == "" {
		return paramError("The parameter text['body'] is required.")
	}
	if n := runeLen(*t.Body); n > maxTextBody {
		return paramError("Param text['body'] must be at most %d characters long (got %d).", maxTextBody, n)
	}
	out.Body = *t.Body
	return nil
}

func validLink(link string) bool {
	u, err := url.Parse(link)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// checkMedia checks a media object: exactly one of id and link.
func checkMedia(param string, m *sendMedia) *apiError {
	switch {
	case m == nil:
		return paramError("The parameter %s is required.", param)
	case m.ID == "" && m.Link == "":
		return paramError("Param %s must contain either 'id' or 'link'.", param)
	case m.ID != "" && m.Link != "":
		return paramError("Param %s must contain either 'id' or 'link', not both.", param)
	case m.Link != "" && !validLink(m.Link):
		return invalidParam(fmt.Sprintf("Param %s['link'] must be an absolute http(s) URL.", param))
	}
	return nil
}

func mediaRef(kind string, m *sendMedia) string {
	if m.Link != "" {
		return kind + ": " + m.Link
	}
	return kind + ": media id " + m.ID
}

func buildMedia(typ string, raw json.RawMessage, out *message) *apiError {
	var m sendMedia
	if e := decodeParam(typ, raw, &m); e != nil {
		return e
	}
	if e := checkMedia(typ, &m); e != nil {
		return e
	}
	if m.Caption != "" && (typ == "audio" || typ == "sticker") {
		return paramError("Param %s['caption'] is not allowed for %s messages.", typ, typ)
	}
	if m.Filename != "" && typ != "document" {
		return paramError("Param %s['filename'] is only allowed for document messages.", typ)
	}
	if runeLen(m.Caption) > maxCaption {
		return paramError("Param %s['caption'] must be at most %d characters long.", typ, maxCaption)
	}
	out.Attachment = mediaRef(typ, &m)
	out.Body = m.Caption
	if out.Body == "" {
		out.Body = m.Filename
	}
	return nil
}

func buildLocation(raw json.RawMessage, out *message) *apiError {
	var l sendLocation
	if e := decodeParam("location", raw, &l); e != nil {
		return e
	}
	if l.Latitude == nil || l.Longitude == nil {
		return paramError("The parameters location['latitude'] and location['longitude'] are required.")
	}
	if *l.Latitude < -90 || *l.Latitude > 90 || *l.Longitude < -180 || *l.Longitude > 180 {
		return invalidParam("Param location has a latitude outside -90..90 or a longitude outside -180..180.")
	}
	parts := []string{}
	for _, p := range []string{l.Name, l.Address} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	parts = append(parts, fmt.Sprintf("(%.5f, %.5f)", *l.Latitude, *l.Longitude))
	out.Attachment = "location"
	out.Body = strings.Join(parts, " · ")
	return nil
}

func buildReaction(raw json.RawMessage, out *message) *apiError {
	var re sendReaction
	if e := decodeParam("reaction", raw, &re); e != nil {
		return e
	}
	if re.MessageID == "" {
		return paramError("The parameter reaction['message_id'] is required.")
	}
	if re.Emoji == nil {
		return paramError("The parameter reaction['emoji'] is required.")
	}
	out.ReplyTo = re.MessageID
	out.Body = *re.Emoji
	return nil
}

func buildContacts(raw json.RawMessage, out *message) *apiError {
	var cs []json.RawMessage
	if e := decodeParam("contacts", raw, &cs); e != nil {
		return e
	}
	if len(cs) == 0 {
		return paramError("Param contacts must contain at least one contact.")
	}
	out.Attachment = fmt.Sprintf("contacts: %d", len(cs))
	return nil
}

// interactiveTypes are the interactive messages accepted; button, list and
// cta_url are checked in depth, the rest only for a body.
var interactiveTypes = map[string]bool{
	"button": true, "list": true, "cta_url": true, "flow": true, "product": true,
	"product_list": true, "location_request_message": true, "address_message": true,
}

func notValid(details string) *apiError {
	return waError(131009, "Parameter value is not valid", details)
}

func buildInteractive(raw json.RawMessage, out *message) *apiError {
	var in sendInteractive
	if e := decodeParam("interactive", raw, &in); e != nil {
		return e
	}
	if !interactiveTypes[in.Type] {
		return paramError("Param interactive['type'] must be one of {BUTTON, LIST, CTA_URL, FLOW, PRODUCT, PRODUCT_LIST, LOCATION_REQUEST_MESSAGE, ADDRESS_MESSAGE} - got %q.", in.Type)
	}
	if in.Type != "product" && (in.Body == nil || in.Body.Text == "") {
		return paramError("The parameter interactive['body']['text'] is required.")
	}
	if in.Body != nil {
		if runeLen(in.Body.Text) > maxInteractiveBody {
			return notValid(fmt.Sprintf("Body text length invalid. Min length: 1, Max length: %d", maxInteractiveBody))
		}
		out.Body = in.Body.Text
	}
	if in.Header != nil {
		switch in.Header.Type {
		case "text":
			if in.Header.Text == "" || runeLen(in.Header.Text) > maxHeaderText {
				return notValid(fmt.Sprintf("Header text length invalid. Min length: 1, Max length: %d", maxHeaderText))
			}
			out.Header = in.Header.Text
		case "image", "video", "document":
			m := map[string]*sendMedia{"image": in.Header.Image, "video": in.Header.Video, "document": in.Header.Document}[in.Header.Type]
			if e := checkMedia("interactive['header']['"+in.Header.Type+"']", m); e != nil {
				return e
			}
			out.Attachment = mediaRef(in.Header.Type, m)
		default:
			return paramError("Param interactive['header']['type'] must be one of {TEXT, IMAGE, VIDEO, DOCUMENT} - got %q.", in.Header.Type)
		}
	}
	if in.Footer != nil {
		if in.Footer.Text == "" || runeLen(in.Footer.Text) > maxFooterText {
			return notValid(fmt.Sprintf("Footer text length invalid. Min length: 1, Max length: %d", maxFooterText))
		}
		out.Footer = in.Footer.Text
	}
	switch in.Type {
	case "button":
		return buildReplyButtons(in.Action, out)
	case "list":
		return buildList(in.Action, out)
	case "cta_url":
		return buildCTAURL(in.Action, out)
	}
	return nil
}

func buildReplyButtons(a *sendAction, out *message) *apiError {
	if a == nil || len(a.Buttons) == 0 {
		return paramError("The parameter interactive['action']['buttons'] is required.")
	}
	if len(a.Buttons) > maxReplyButtons {
		return notValid(fmt.Sprintf("Number of buttons invalid. Min: 1, Max: %d (got %d)", maxReplyButtons, len(a.Buttons)))
	}
	ids, titles := map[string]bool{}, map[string]bool{}
	for i, b := range a.Buttons {
		if b.Type != "reply" || b.Reply == nil {
			return paramError("Param interactive['action']['buttons'][%d] must have type 'reply' and a 'reply' object.", i)
		}
		if b.Reply.ID == "" || len(b.Reply.ID) > maxButtonReplyIDLen {
			return notValid(fmt.Sprintf("Button id length invalid. Min length: 1, Max length: %d", maxButtonReplyIDLen))
		}
		if n := runeLen(b.Reply.Title); n == 0 || n > maxReplyTitle {
			return notValid(fmt.Sprintf("Button title length invalid. Min length: 1, Max length: %d (got %d: %q)", maxReplyTitle, n, b.Reply.Title))
		}
		if ids[b.Reply.ID] || titles[b.Reply.Title] {
			return notValid("Button ids and titles must be unique.")
		}
		ids[b.Reply.ID], titles[b.Reply.Title] = true, true
		out.Buttons = append(out.Buttons, Button{Kind: "reply", Text: b.Reply.Title, Payload: b.Reply.ID})
	}
	return nil
}

func buildList(a *sendAction, out *message) *apiError {
	if a == nil || len(a.Sections) == 0 {
		return paramError("The parameter interactive['action']['sections'] is required.")
	}
	if n := runeLen(a.Button); n == 0 || n > maxListButton {
		return notValid(fmt.Sprintf("Button text length invalid. Min length: 1, Max length: %d", maxListButton))
	}
	if len(a.Sections) > maxListSections {
		return notValid(fmt.Sprintf("Number of sections invalid. Min: 1, Max: %d", maxListSections))
	}
	rows, ids := 0, map[string]bool{}
	for i, sec := range a.Sections {
		if len(a.Sections) > 1 && sec.Title == "" {
			return paramError("Param interactive['action']['sections'][%d]['title'] is required when there is more than one section.", i)
		}
		if runeLen(sec.Title) > maxListRowTitle {
			return notValid(fmt.Sprintf("Section title length invalid. Max length: %d", maxListRowTitle))
		}
		if len(sec.Rows) == 0 {
			return paramError("Param interactive['action']['sections'][%d]['rows'] must contain at least one row.", i)
		}
		for _, row := range sec.Rows {
			rows++
			if row.ID == "" || ids[row.ID] {
				return notValid("Row ids must be present and unique.")
			}
			ids[row.ID] = true
			if n := runeLen(row.Title); n == 0 || n > maxListRowTitle {
				return notValid(fmt.Sprintf("Row title length invalid. Min length: 1, Max length: %d (got %d: %q)", maxListRowTitle, n, row.Title))
			}
			if runeLen(row.Description) > maxListRowDesc {
				return notValid(fmt.Sprintf("Row description length invalid. Max length: %d", maxListRowDesc))
			}
			out.Buttons = append(out.Buttons, Button{Kind: "list_row", Text: row.Title, Payload: row.ID, Description: row.Description})
		}
	}
	if rows > maxListRows {
		return notValid(fmt.Sprintf("Total row count exceeded. Max: %d (got %d)", maxListRows, rows))
	}
	return nil
}

func buildCTAURL(a *sendAction, out *message) *apiError {
	if a == nil || a.Name != "cta_url" || a.Parameters == nil {
		return paramError("The parameter interactive['action'] must have name 'cta_url' and parameters.")
	}
	if n := runeLen(a.Parameters.DisplayText); n == 0 || n > maxReplyTitle {
		return notValid(fmt.Sprintf("Display text length invalid. Min length: 1, Max length: %d", maxReplyTitle))
	}
	if !validLink(a.Parameters.URL) {
		return notValid("Param interactive['action']['parameters']['url'] must be an absolute http(s) URL.")
	}
	out.Buttons = append(out.Buttons, Button{Kind: "cta_url", Text: a.Parameters.DisplayText, URL: a.Parameters.URL})
	return nil
}
