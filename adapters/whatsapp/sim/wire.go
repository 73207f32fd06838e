package sim

import "encoding/json"

// This file holds the simulator's own copy of Meta's wire format. It is written
// from Meta's documentation and the fixtures, never shared with Saldo's adapter,
// so that a misreading in one shows up as a failure against the other.

// ---------------------------------------------------------------- errors

type graphErrorBody struct {
	Error graphError `json:"error"`
}

type graphError struct {
	Message        string          `json:"message"`
	Type           string          `json:"type"`
	Code           int             `json:"code"`
	ErrorSubcode   int             `json:"error_subcode,omitempty"`
	ErrorUserTitle string          `json:"error_user_title,omitempty"`
	ErrorUserMsg   string          `json:"error_user_msg,omitempty"`
	ErrorData      *graphErrorData `json:"error_data,omitempty"`
	FBTraceID      string          `json:"fbtrace_id"`
}

type graphErrorData struct {
	MessagingProduct string `json:"messaging_product"`
	Details          string `json:"details"`
}

// ---------------------------------------------------------------- send request

// sendRequest is the body of POST /{phone-number-id}/messages: a send or, with
// status "read", a read receipt. Objects stay raw until the type is known so
// that a wrongly typed field is reported against the right parameter.
type sendRequest struct {
	MessagingProduct      *string         `json:"messaging_product"`
	RecipientType         string          `json:"recipient_type"`
	To                    string          `json:"to"`
	Type                  string          `json:"type"`
	Context               *sendContext    `json:"context"`
	BizOpaqueCallbackData string          `json:"biz_opaque_callback_data"`
	Status                string          `json:"status"`
	MessageID             string          `json:"message_id"`
	TypingIndicator       json.RawMessage `json:"typing_indicator"`
}

// sendKeys are the top-level keys the Cloud API accepts on a message.
var sendKeys = map[string]bool{
	"messaging_product": true, "recipient_type": true, "to": true, "type": true,
	"context": true, "biz_opaque_callback_data": true, "status": true,
	"message_id": true, "typing_indicator": true,
	"text": true, "template": true, "interactive": true, "image": true,
	"document": true, "audio": true, "video": true, "sticker": true,
	"location": true, "reaction": true, "contacts": true,
}

// messageTypes are the values of "type" a send may carry.
var messageTypes = map[string]bool{
	"text": true, "template": true, "interactive": true, "image": true,
	"document": true, "audio": true, "video": true, "sticker": true,
	"location": true, "reaction": true, "contacts": true,
}

type sendContext struct {
	MessageID string `json:"message_id"`
}

type sendText struct {
	Body       *string `json:"body"`
	PreviewURL bool    `json:"preview_url"`
}

type sendTemplate struct {
	Name       string             `json:"name"`
	Language   *sendTemplateLang  `json:"language"`
	Components []sendTemplateComp `json:"components"`
}

type sendTemplateLang struct {
	Code   string `json:"code"`
	Policy string `json:"policy"`
}

type sendTemplateComp struct {
	Type       string              `json:"type"`
	SubType    string              `json:"sub_type"`
	Index      json.RawMessage     `json:"index"`
	Parameters []sendTemplateParam `json:"parameters"`
}

type sendTemplateParam struct {
	Type     string          `json:"type"`
	Text     *string         `json:"text"`
	Payload  *string         `json:"payload"`
	Currency *sendCurrency   `json:"currency"`
	DateTime *sendDateTime   `json:"date_time"`
	Image    *sendMedia      `json:"image"`
	Document *sendMedia      `json:"document"`
	Video    *sendMedia      `json:"video"`
	Location *sendLocation   `json:"location"`
	Coupon   *string         `json:"coupon_code"`
	Action   json.RawMessage `json:"action"`
}

type sendCurrency struct {
	FallbackValue string `json:"fallback_value"`
	Code          string `json:"code"`
	Amount1000    int64  `json:"amount_1000"`
}

type sendDateTime struct {
	FallbackValue string `json:"fallback_value"`
}

type sendMedia struct {
	ID       string `json:"id"`
	Link     string `json:"link"`
	Caption  string `json:"caption"`
	Filename string `json:"filename"`
}

type sendLocation struct {
	Latitude  *float64 `json:"latitude"`
	Longitude *float64 `json:"longitude"`
	Name      string   `json:"name"`
	Address   string   `json:"address"`
}

type sendReaction struct {
	MessageID string  `json:"message_id"`
	Emoji     *string `json:"emoji"`
}

type sendInteractive struct {
	Type   string             `json:"type"`
	Header *sendInteractiveHd `json:"header"`
	Body   *sendTextOnly      `json:"body"`
	Footer *sendTextOnly      `json:"footer"`
	Action *sendAction        `json:"action"`
}

type sendInteractiveHd struct {
	Type     string     `json:"type"`
	Text     string     `json:"text"`
	Image    *sendMedia `json:"image"`
	Document *sendMedia `json:"document"`
	Video    *sendMedia `json:"video"`
}

type sendTextOnly struct {
	Text string `json:"text"`
}

type sendAction struct {
	Button     string           `json:"button"`
	Buttons    []sendButton     `json:"buttons"`
	Sections   []sendSection    `json:"sections"`
	Name       string           `json:"name"`
	Parameters *sendCTAURLParam `json:"parameters"`
}

type sendButton struct {
	Type  string `json:"type"`
	Reply *struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"reply"`
}

type sendSection struct {
	Title string `json:"title"`
	Rows  []struct {
		ID          string `json:"id"`
		Title       string `json:"title"`
		Description string `json:"description"`
	} `json:"rows"`
}

type sendCTAURLParam struct {
	DisplayText string `json:"display_text"`
	URL         string `json:"url"`
}

// ---------------------------------------------------------------- send answers

type sendResponse struct {
	MessagingProduct string            `json:"messaging_product"`
	Contacts         []sendRespContact `json:"contacts"`
	Messages         []sendRespMessage `json:"messages"`
}

type sendRespContact struct {
	Input string `json:"input"`
	WaID  string `json:"wa_id"`
}

type sendRespMessage struct {
	ID            string `json:"id"`
	MessageStatus string `json:"message_status,omitempty"`
}

type successResponse struct {
	Success bool `json:"success"`
}

// ---------------------------------------------------------------- templates

type createTemplateRequest struct {
	Name                string              `json:"name"`
	Language            string              `json:"language"`
	Category            string              `json:"category"`
	ParameterFormat     string              `json:"parameter_format"`
	AllowCategoryChange bool                `json:"allow_category_change"`
	Components          []TemplateComponent `json:"components"`
}

type createTemplateResponse struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	Category string `json:"category"`
}

type templateList struct {
	Data   any     `json:"data"` // []Template, or field maps when fields= is given
	Paging *paging `json:"paging,omitempty"`
}

type paging struct {
	Cursors cursors `json:"cursors"`
	Next    string  `json:"next,omitempty"`
}

type cursors struct {
	Before string `json:"before"`
	After  string `json:"after"`
}

// ---------------------------------------------------------------- webhooks

type webhook struct {
	Object string         `json:"object"`
	Entry  []webhookEntry `json:"entry"`
}

type webhookEntry struct {
	ID      string          `json:"id"`
	Time    int64           `json:"time,omitempty"`
	Changes []webhookChange `json:"changes"`
}

type webhookChange struct {
	Field string `json:"field"`
	Value any    `json:"value"`
}

type messagesValue struct {
	MessagingProduct string           `json:"messaging_product"`
	Metadata         webhookMetadata  `json:"metadata"`
	Contacts         []webhookContact `json:"contacts,omitempty"`
	Messages         []inboundMessage `json:"messages,omitempty"`
	Statuses         []webhookStatus  `json:"statuses,omitempty"`
}

type webhookMetadata struct {
	DisplayPhoneNumber string `json:"display_phone_number"`
	PhoneNumberID      string `json:"phone_number_id"`
}

type webhookContact struct {
	Profile webhookProfile `json:"profile"`
	WaID    string         `json:"wa_id"`
}

type webhookProfile struct {
	Name string `json:"name"`
}

type inboundMessage struct {
	Context     *inboundContext     `json:"context,omitempty"`
	From        string              `json:"from"`
	ID          string              `json:"id"`
	Timestamp   string              `json:"timestamp"`
	Type        string              `json:"type"`
	Text        *inboundText        `json:"text,omitempty"`
	Button      *inboundButton      `json:"button,omitempty"`
	Interactive *inboundInteractive `json:"interactive,omitempty"`
}

type inboundContext struct {
	From string `json:"from"`
	ID   string `json:"id"`
}

type inboundText struct {
	Body string `json:"body"`
}

type inboundButton struct {
	Payload string `json:"payload"`
	Text    string `json:"text"`
}

type inboundInteractive struct {
	Type        string        `json:"type"`
	ButtonReply *inboundReply `json:"button_reply,omitempty"`
	ListReply   *inboundReply `json:"list_reply,omitempty"`
}

type inboundReply struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

type webhookStatus struct {
	ID                    string          `json:"id"`
	Status                string          `json:"status"`
	Timestamp             string          `json:"timestamp"`
	RecipientID           string          `json:"recipient_id"`
	BizOpaqueCallbackData string          `json:"biz_opaque_callback_data,omitempty"`
	Pricing               *webhookPricing `json:"pricing,omitempty"`
	Errors                []webhookError  `json:"errors,omitempty"`
}

type webhookPricing struct {
	Billable     bool   `json:"billable"`
	PricingModel string `json:"pricing_model"`
	Category     string `json:"category"`
	Type         string `json:"type"`
}

type webhookError struct {
	Code      int              `json:"code"`
	Title     string           `json:"title"`
	Message   string           `json:"message"`
	ErrorData webhookErrorData `json:"error_data"`
}

type webhookErrorData struct {
	Details string `json:"details"`
}

type templateStatusValue struct {
	Event                   string `json:"event"`
	MessageTemplateID       int64  `json:"message_template_id"`
	MessageTemplateName     string `json:"message_template_name"`
	MessageTemplateLanguage string `json:"message_template_language"`
	Reason                  string `json:"reason"`
}
