package sim

import (
	"encoding/json"
	"slices"
	"sort"
	"time"
)

const (
	// maxMessagesPerChat caps the history kept per customer.
	maxMessagesPerChat = 500
	// serviceWindow is the customer service window a customer's message opens.
	serviceWindow = 24 * time.Hour
)

// SentMessage is a message the business sent to a customer, as the customer's
// phone shows it, with its current delivery status.
type SentMessage struct {
	ID       string // wamid
	To       string // the recipient's wa_id
	Type     string // text, template, interactive, image, ...
	Template string // template name, for type "template"
	Language string // template language code
	Category string // pricing category: utility, marketing, authentication or service
	Header   string // rendered header text, if any
	Body     string // text body, rendered template or interactive body, caption
	Footer   string
	// Attachment names the media of an image, document, audio, video or sticker ("image: https://...").
	Attachment string
	Buttons    []Button
	ReplyTo    string // context.message_id, or the reacted-to message of a reaction
	Status     string // accepted, sent, delivered, read or failed
	ErrorCode  int    // the failed status's error code
	SentAt     time.Time
	Request    json.RawMessage // the request body as received
}

// Button is a tappable element of a sent message.
type Button struct {
	// Kind is quick_reply, url, phone_number or copy_code for templates;
	// reply or list_row for interactive messages; cta_url for interactive URL buttons.
	Kind        string
	Text        string
	Payload     string // quick-reply payload (defaults to Text), reply or row id
	URL         string // filled URL of a url button
	Description string // list row description
}

// chat is everything exchanged with one customer.
type chat struct {
	waID         string
	name         string
	lastInbound  time.Time // opens the 24-hour window; zero if never wrote
	lastActivity time.Time
	messages     []*message
}

// message is one entry of a chat, in either direction.
type message struct {
	SentMessage
	inbound        bool
	readByBusiness bool   // inbound: the business marked it read
	delivered      bool   // inbound: Saldo accepted the webhook
	deliveryError  string // inbound: the webhook to Saldo failed after retries
}

// chatLocked returns the chat for waID, creating it. s.mu must be held.
func (s *Simulator) chatLocked(waID string, now time.Time) *chat {
	c, ok := s.chats[waID]
	if !ok {
		if len(s.chats) >= s.cfg.MaxChats {
			s.evictOldestChatLocked()
		}
		c = &chat{waID: waID, name: waID}
		s.chats[waID] = c
	}
	c.lastActivity = now
	return c
}

func (s *Simulator) evictOldestChatLocked() {
	var oldest *chat
	for _, c := range s.chats {
		if oldest == nil || c.lastActivity.Before(oldest.lastActivity) {
			oldest = c
		}
	}
	if oldest == nil {
		return
	}
	for _, m := range oldest.messages {
		delete(s.byWamid, m.ID)
	}
	delete(s.chats, oldest.waID)
}

// appendLocked adds m to c, dropping the oldest messages over the cap. s.mu must be held.
func (s *Simulator) appendLocked(c *chat, m *message) {
	c.messages = append(c.messages, m)
	s.byWamid[m.ID] = m
	if over := len(c.messages) - maxMessagesPerChat; over > 0 {
		for _, old := range c.messages[:over] {
			delete(s.byWamid, old.ID)
		}
		c.messages = slices.Clone(c.messages[over:])
	}
}

// windowOpenLocked reports whether waID wrote within the last 24 hours. s.mu must be held.
func (s *Simulator) windowOpenLocked(waID string, now time.Time) bool {
	c, ok := s.chats[waID]
	return ok && !c.lastInbound.IsZero() && now.Sub(c.lastInbound) < serviceWindow
}

var statusRank = map[string]int{
	StatusAccepted: 0, StatusSent: 1, StatusDelivered: 2, StatusRead: 3, StatusFailed: 4,
}

// advanceStatus moves an outbound message's status forward, never back, and
// reports whether it moved.
func (s *Simulator) advanceStatus(wamid, status string, errorCode int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.byWamid[wamid]
	if !ok || m.inbound || m.Status == StatusFailed || statusRank[status] <= statusRank[m.Status] {
		return false
	}
	m.Status = status
	m.ErrorCode = errorCode
	return true
}

// Sent returns what the business sent to waID, oldest first, with each
// message's current status. waID may be in either form of a quirky number.
func (s *Simulator) Sent(waID string) []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.chats[s.canonicalWaID(waID)]
	if !ok {
		return nil
	}
	var out []SentMessage
	for _, m := range c.messages {
		if !m.inbound {
			out = append(out, copySent(m.SentMessage))
		}
	}
	return out
}

// SentCount returns how many sends the API accepted since start.
func (s *Simulator) SentCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sentCount
}

// CloseWindow ends waID's 24-hour customer service window, as if the
// customer's last message were a day old: free-form sends fail until the
// customer writes again.
func (s *Simulator) CloseWindow(waID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.chats[s.canonicalWaID(waID)]; ok && !c.lastInbound.IsZero() {
		c.lastInbound = s.nowLocked().Add(-serviceWindow)
	}
}

// BusinessRead reports whether the business marked the customer's message
// wamid as read (directly or by marking a later message read).
func (s *Simulator) BusinessRead(wamid string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.byWamid[wamid]
	return ok && m.inbound && m.readByBusiness
}

// advanceClock moves the simulator's clock; tests use it to age the window.
func (s *Simulator) advanceClock(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clockOffset += d
}

func copySent(m SentMessage) SentMessage {
	m.Buttons = slices.Clone(m.Buttons)
	m.Request = slices.Clone(m.Request)
	return m
}

// chatSummary is one line of the page's list of recent chats.
type chatSummary struct {
	WaID         string    `json:"wa_id"`
	Name         string    `json:"name"`
	LastActivity time.Time `json:"last_activity"`
	Messages     int       `json:"messages"`
}

// recentChats lists chats, most recently active first.
func (s *Simulator) recentChats(limit int) []chatSummary {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]chatSummary, 0, len(s.chats))
	for _, c := range s.chats {
		out = append(out, chatSummary{WaID: c.waID, Name: c.name, LastActivity: c.lastActivity, Messages: len(c.messages)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].LastActivity.After(out[j].LastActivity) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}
