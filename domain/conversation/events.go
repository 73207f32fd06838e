package conversation

import "time"

// InboundEvent is a customer's message as WhatsApp delivered it to a business number.
type InboundEvent struct {
	PhoneNumberID string // the business number it was sent to (Meta's id)
	WaID          string
	ContactName   string
	Message       InboundDetails
}

// StatusEvent is WhatsApp's news about an outbound message.
type StatusEvent struct {
	PhoneNumberID string
	WAMID         string
	RecipientID   string
	Status        DeliveryStatus
	At            time.Time
	Failure       *Failure
	Ref           string // the sender's reference (biz_opaque_callback_data), if it gave one
}

// TemplateStatusEvent is the outcome of a template review, or a later change.
type TemplateStatusEvent struct {
	BusinessAccountID string
	TemplateID        string
	Name              string
	Language          string
	Event             string // APPROVED, REJECTED, PAUSED, DISABLED, …
	Reason            string
	At                time.Time
}

// Events are what one webhook delivery carries, in order.
type Events struct {
	Inbound   []InboundEvent
	Statuses  []StatusEvent
	Templates []TemplateStatusEvent
}
