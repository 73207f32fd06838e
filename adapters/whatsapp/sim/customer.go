package sim

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// customerID checks and normalizes a customer's number.
func (s *Simulator) customerID(waID string) (string, error) {
	digits := strings.TrimPrefix(strings.TrimSpace(waID), "+")
	if !validWaID(digits) {
		return "", fmt.Errorf("customer number %q must be 8 to 15 digits with the country code", waID)
	}
	return s.canonicalWaID(digits), nil
}

// CustomerSends makes customer waID, whose WhatsApp profile name is name,
// write text to the business: the message is recorded, opens or renews the
// 24-hour window, and is posted to Saldo as a signed webhook (retried like
// statuses). It returns the message's wamid, and an error when Saldo did not
// answer 2xx after the retries; the message stays recorded either way.
func (s *Simulator) CustomerSends(ctx context.Context, waID, name, text string) (string, error) {
	return s.customerText(ctx, waID, name, text, false)
}

func (s *Simulator) customerText(ctx context.Context, waID, name, text string, async bool) (string, error) {
	waID, err := s.customerID(waID)
	if err != nil {
		return "", err
	}
	if text == "" || runeLen(text) > maxTextBody {
		return "", fmt.Errorf("customer text must have 1 to %d characters", maxTextBody)
	}
	in := inboundMessage{Type: "text", Text: &inboundText{Body: text}}
	return s.customerMessage(ctx, waID, name, in, &message{SentMessage: SentMessage{Type: "text", Body: text}}, async)
}

// CustomerTapsButton makes customer waID tap a quick-reply button of the
// template message contextWamid the business sent them: a message of type
// "button" with context {from, id} and button {payload, text}. An empty
// payload takes text, as WhatsApp does for buttons sent without one.
func (s *Simulator) CustomerTapsButton(ctx context.Context, waID, name, contextWamid, payload, text string) (string, error) {
	return s.tapQuickReply(ctx, waID, name, contextWamid, payload, text, false)
}

func (s *Simulator) tapQuickReply(ctx context.Context, waID, name, contextWamid, payload, text string, async bool) (string, error) {
	waID, err := s.customerID(waID)
	if err != nil {
		return "", err
	}
	if text == "" {
		return "", errors.New("button text is required")
	}
	if _, err := s.sentTo(waID, contextWamid); err != nil {
		return "", err
	}
	if payload == "" {
		payload = text
	}
	in := inboundMessage{
		Context: &inboundContext{From: s.cfg.DisplayPhone, ID: contextWamid},
		Type:    "button",
		Button:  &inboundButton{Payload: payload, Text: text},
	}
	rec := &message{SentMessage: SentMessage{Type: "button", Body: text, ReplyTo: contextWamid}}
	return s.customerMessage(ctx, waID, name, in, rec, async)
}

// CustomerSelectsReply makes customer waID choose the reply button or list
// row replyID of the interactive message contextWamid: a message of type
// "interactive" with a button_reply or list_reply.
func (s *Simulator) CustomerSelectsReply(ctx context.Context, waID, name, contextWamid, replyID string) (string, error) {
	return s.selectReply(ctx, waID, name, contextWamid, replyID, false)
}

func (s *Simulator) selectReply(ctx context.Context, waID, name, contextWamid, replyID string, async bool) (string, error) {
	waID, err := s.customerID(waID)
	if err != nil {
		return "", err
	}
	sent, err := s.sentTo(waID, contextWamid)
	if err != nil {
		return "", err
	}
	for _, b := range sent.Buttons {
		if b.Payload != replyID || (b.Kind != "reply" && b.Kind != "list_row") {
			continue
		}
		reply := &inboundReply{ID: b.Payload, Title: b.Text}
		inter := &inboundInteractive{Type: "button_reply", ButtonReply: reply}
		if b.Kind == "list_row" {
			reply.Description = b.Description
			inter = &inboundInteractive{Type: "list_reply", ListReply: reply}
		}
		in := inboundMessage{
			Context:     &inboundContext{From: s.cfg.DisplayPhone, ID: contextWamid},
			Type:        "interactive",
			Interactive: inter,
		}
		rec := &message{SentMessage: SentMessage{Type: "interactive", Body: b.Text, ReplyTo: contextWamid}}
		return s.customerMessage(ctx, waID, name, in, rec, async)
	}
	return "", fmt.Errorf("message %s has no reply button or list row with id %q", contextWamid, replyID)
}

// tapButton taps button index of message wamid for the page, dispatching on
// the button's kind; the webhook goes out in the background.
func (s *Simulator) tapButton(ctx context.Context, waID, name, wamid string, index int) (string, error) {
	sent, err := s.sentTo(waID, wamid)
	if err != nil {
		return "", err
	}
	if index < 0 || index >= len(sent.Buttons) {
		return "", fmt.Errorf("message %s has no button %d", wamid, index)
	}
	b := sent.Buttons[index]
	switch b.Kind {
	case "quick_reply":
		return s.tapQuickReply(ctx, waID, name, wamid, b.Payload, b.Text, true)
	case "reply", "list_row":
		return s.selectReply(ctx, waID, name, wamid, b.Payload, true)
	default:
		return "", fmt.Errorf("a %s button sends nothing to the business", b.Kind)
	}
}

// sentTo returns the message wamid the business sent to waID.
func (s *Simulator) sentTo(waID, wamid string) (SentMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.byWamid[wamid]
	if !ok || m.inbound || m.To != waID {
		return SentMessage{}, fmt.Errorf("no message %s was sent to %s", wamid, waID)
	}
	return copySent(m.SentMessage), nil
}

// customerMessage records an inbound message, renews the window and delivers
// the webhook: now, or in the background when async (for the page, which
// must not wait through retries).
func (s *Simulator) customerMessage(ctx context.Context, waID, name string, in inboundMessage, rec *message, async bool) (string, error) {
	s.mu.Lock()
	now := s.nowLocked()
	c := s.chatLocked(waID, now)
	if name = strings.TrimSpace(name); name != "" {
		c.name = name
	}
	name = c.name
	c.lastInbound = now
	rec.ID = newWamid(waID, true)
	rec.inbound = true
	rec.To = waID
	rec.SentAt = now
	s.appendLocked(c, rec)
	s.mu.Unlock()

	in.From, in.ID, in.Timestamp = waID, rec.ID, strconv.FormatInt(now.Unix(), 10)
	payload := s.messagesWebhook(messagesValue{
		Contacts: []webhookContact{{Profile: webhookProfile{Name: name}, WaID: waID}},
		Messages: []inboundMessage{in},
	})
	s.log.InfoContext(ctx, "whatsapp simulator: customer message", "wamid", rec.ID, "from", waID, "type", in.Type)
	deliver := func(ctx context.Context) error {
		err := s.deliver(ctx, "inbound "+in.Type, payload)
		s.mu.Lock()
		defer s.mu.Unlock()
		if err != nil {
			rec.deliveryError = err.Error()
		} else {
			rec.delivered = true
		}
		return err
	}
	if async {
		s.spawn(func(ctx context.Context) { _ = deliver(ctx) })
		return rec.ID, nil
	}
	return rec.ID, deliver(ctx)
}
