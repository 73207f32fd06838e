package whatsapp_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/whatsapp"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/conversation"
)

func decodeFixture(t *testing.T, name string) conversation.Events {
	t.Helper()
	ev, err := whatsapp.Decoder{}.Decode(readFixture(t, name))
	require.NoError(t, err)
	return ev
}

func unix(sec int64) time.Time { return time.Unix(sec, 0).UTC() }

// messages wraps a "messages" change value in a whole webhook body.
func messagesBody(value string) []byte {
	return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":` + value + `}]}]}`)
}

// inbound wraps one inbound message object in a whole webhook body.
func inboundBody(message string) []byte {
	return messagesBody(`{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
		"contacts":[{"profile":{"name":"Lucía"},"wa_id":"5215512345678"}],"messages":[` + message + `]}`)
}

func TestDecodeInboundText(t *testing.T) {
	t.Parallel()
	ev := decodeFixture(t, "inbound-text.json")
	assert.Equal(t, conversation.Events{Inbound: []conversation.InboundEvent{{
		PhoneNumberID: "106540352242922",
		WaID:          "573001234567",
		ContactName:   "María Fernanda",
		Message: conversation.InboundDetails{
			WAMID:   "wamid.HBgMNTczMDAxMjM0NTY3FQIAEhgUM0E4RjBGQ0U2QjU3RTcwQjc3RDEA",
			Content: conversation.Content{Type: conversation.Text, Text: "Buenas tardes, ¿cuánto debo?"},
			SentAt:  unix(1763769600),
		},
	}}}, ev)
	assert.Equal(t, time.UTC, ev.Inbound[0].Message.SentAt.Location())
}

func TestDecodeReplies(t *testing.T) {
	t.Parallel()
	ev := decodeFixture(t, "inbound-button-reply.json")
	const context = "wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEjQ1QkU3MkY0QzM4RkU2QjQ5AA=="
	assert.Equal(t, []conversation.InboundEvent{
		{
			PhoneNumberID: "106540352242922", WaID: "5511987654321", ContactName: "João",
			Message: conversation.InboundDetails{
				WAMID: "wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFDNBQjc0RUQ1NDFGQ0Y0RTY5MDc2AA==",
				Content: conversation.Content{
					Type: conversation.Interactive, Reply: &conversation.Reply{ID: "promise_friday", Title: "Pago el viernes"},
				},
				ContextWAMID: context,
				SentAt:       unix(1763769700),
			},
		},
		{
			PhoneNumberID: "106540352242922", WaID: "5511987654321", ContactName: "João",
			Message: conversation.InboundDetails{
				WAMID:        "wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFDNBQjc0RUQ1NDFGQ0Y0RTY5MDc3AA==",
				Content:      conversation.Content{Type: conversation.Button, Reply: &conversation.Reply{ID: "PAY_NOW", Title: "Pagar ahora"}},
				ContextWAMID: context,
				SentAt:       unix(1763769705),
			},
		},
	}, ev.Inbound)
	assert.Empty(t, ev.Statuses)
	assert.Empty(t, ev.Templates)
}

func TestDecodeMediaLocationUnsupported(t *testing.T) {
	t.Parallel()
	ev := decodeFixture(t, "inbound-media-location.json")
	base := conversation.InboundEvent{PhoneNumberID: "106540352242922", WaID: "5215512345678", ContactName: "Lucía"}
	image, location, unsupported := base, base, base
	image.Message = conversation.InboundDetails{
		WAMID: "wamid.HBgNNTIxNTUxMjM0NTY3OBUCABIYFDNBMDAwMDAwMDAwMDAwMDAwMDAxAA==",
		Content: conversation.Content{Type: conversation.Image, Text: "comprobante de transferencia", Media: &conversation.Media{
			ID: "1234567890123456", MimeType: "image/jpeg", SHA256: "7fU0i0nF2j8YkXr2VvA1bq9bB6b8H5cCz0kz1hY2sQw=",
			Caption: "comprobante de transferencia",
		}},
		SentAt: unix(1763769800),
	}
	location.Message = conversation.InboundDetails{
		WAMID: "wamid.HBgNNTIxNTUxMjM0NTY3OBUCABIYFDNBMDAwMDAwMDAwMDAwMDAwMDAyAA==",
		Content: conversation.Content{Type: conversation.Location, Location: &conversation.Place{
			Latitude: 19.4326, Longitude: -99.1332, Name: "Oficina", Address: "Av. Reforma 222, CDMX",
		}},
		SentAt: unix(1763769810),
	}
	unsupported.Message = conversation.InboundDetails{
		WAMID:   "wamid.HBgNNTIxNTUxMjM0NTY3OBUCABIYFDNBMDAwMDAwMDAwMDAwMDAwMDAzAA==",
		Content: conversation.Content{Type: conversation.Unsupported},
		SentAt:  unix(1763769820),
		Failure: &conversation.Failure{Code: 131051, Title: "Message type unknown", Detail: "Message type is currently not supported."},
	}
	assert.Equal(t, []conversation.InboundEvent{image, location, unsupported}, ev.Inbound)
}

func TestDecodeStatuses(t *testing.T) {
	t.Parallel()
	ev := decodeFixture(t, "statuses.json")
	const wamid = "wamid.HBgMNTczMDAxMjM0NTY3FQIAERgSQkE5RDJFQTY3MjlBNDBFQjhFAA=="
	assert.Equal(t, conversation.Events{Statuses: []conversation.StatusEvent{
		{PhoneNumberID: "106540352242922", WAMID: wamid, RecipientID: "573001234567", Status: conversation.Read, At: unix(1763769905)},
		{PhoneNumberID: "106540352242922", WAMID: wamid, RecipientID: "573001234567", Status: conversation.Delivered, At: unix(1763769901)},
		{
			PhoneNumberID: "106540352242922", WAMID: "wamid.HBgMNTczMDA5OTk5OTk5FQIAERgSQzA4RjEyQ0QxQjQ2RTc0RjkwAA==",
			RecipientID: "573009999999", Status: conversation.Failed, At: unix(1763769910),
			Failure: &conversation.Failure{Code: 131026, Title: "Message undeliverable", Detail: "Message Undeliverable."},
		},
	}}, ev, "statuses keep the body's order: read before delivered")
}

func TestDecodeTemplateStatus(t *testing.T) {
	t.Parallel()
	ev := decodeFixture(t, "template-status.json")
	assert.Equal(t, conversation.Events{Templates: []conversation.TemplateStatusEvent{{
		BusinessAccountID: "102290129340398",
		TemplateID:        "594425479261596",
		Name:              "recordatorio_vencido",
		Language:          "es",
		Event:             "REJECTED",
		Reason:            "INVALID_FORMAT",
		At:                unix(1763770000),
	}}}, ev)
}

func TestDecodeTemplateIDStaysExact(t *testing.T) {
	t.Parallel()
	// 2^53+1 and a 20-digit id: a float64 would round both.
	for _, id := range []string{"9007199254740993", "18446744073709551617"} {
		body := `{"object":"whatsapp_business_account","entry":[{"id":"1","time":1763770000,"changes":[{"field":"message_template_status_update",
			"value":{"event":"APPROVED","message_template_id":` + id + `,"message_template_name":"a","message_template_language":"es","reason":"NONE"}}]}]}`
		ev, err := whatsapp.Decoder{}.Decode([]byte(body))
		require.NoError(t, err)
		require.Len(t, ev.Templates, 1)
		assert.Equal(t, id, ev.Templates[0].TemplateID)
		assert.Empty(t, ev.Templates[0].Reason, `Meta's "NONE" is no reason`)
	}
}

func TestDecodeSeveralEntriesAndChanges(t *testing.T) {
	t.Parallel()
	body := `{"object":"whatsapp_business_account","entry":[
		{"id":"WABA1","changes":[
			{"field":"messages","value":{"metadata":{"phone_number_id":"PN1"},
				"contacts":[{"profile":{"name":"Ana"},"wa_id":"573001111111"},{"profile":{"name":"Beto"},"wa_id":"573002222222"}],
				"messages":[
					{"from":"573001111111","id":"wamid.A","timestamp":"1763769600","type":"text","text":{"body":"uno"}},
					{"from":"573002222222","id":"wamid.B","timestamp":1763769601,"type":"text","text":{"body":"dos"}}]}},
			{"field":"account_update","value":{"event":"VERIFIED_ACCOUNT","whatever":[1,2,3]}},
			{"field":"messages","value":{"metadata":{"phone_number_id":"PN1"},"statuses":[
				{"id":"wamid.OUT1","status":"sent","timestamp":"1763769602","recipient_id":"573001111111"},
				{"id":"wamid.OUT1","status":"deleted","timestamp":"1763769603","recipient_id":"573001111111"},
				{"id":"wamid.OUT1","status":"played","timestamp":"1763769604","recipient_id":"573001111111"}]}}]},
		{"id":"WABA2","time":1763770000,"changes":[
			{"field":"messages","value":{"metadata":{"phone_number_id":"PN2"},
				"contacts":[{"profile":{"name":"Caro"},"wa_id":"5491122223333"}],
				"messages":[{"from":"5491122223333","id":"wamid.C","timestamp":"1763769605","type":"text","text":{"body":"tres"}}],
				"statuses":[{"id":"wamid.OUT2","status":"DELIVERED","timestamp":"1763769606","recipient_id":"5491122223333",
					"biz_opaque_callback_data":"cr:0195d3f0-0000-7000-8000-000000000001","pricing":{"billable":true,"pricing_model":"PMP","category":"utility"}}]}},
			{"field":"message_template_status_update","value":{"event":"APPROVED","message_template_id":123,
				"message_template_name":"saludo","message_template_language":"es_AR","reason":null}}]}]}`
	ev, err := whatsapp.Decoder{}.Decode([]byte(body))
	require.NoError(t, err)

	require.Len(t, ev.Inbound, 3)
	for i, want := range []struct{ pn, wa, name, wamid, text string }{
		{"PN1", "573001111111", "Ana", "wamid.A", "uno"},
		{"PN1", "573002222222", "Beto", "wamid.B", "dos"},
		{"PN2", "5491122223333", "Caro", "wamid.C", "tres"},
	} {
		got := ev.Inbound[i]
		assert.Equal(t, want.pn, got.PhoneNumberID)
		assert.Equal(t, want.wa, got.WaID)
		assert.Equal(t, want.name, got.ContactName)
		assert.Equal(t, want.wamid, got.Message.WAMID)
		assert.Equal(t, want.text, got.Message.Content.Text)
	}
	assert.Equal(t, unix(1763769601), ev.Inbound[1].Message.SentAt, "a numeric timestamp reads too")

	assert.Equal(t, []conversation.StatusEvent{
		{PhoneNumberID: "PN1", WAMID: "wamid.OUT1", RecipientID: "573001111111", Status: conversation.Sent, At: unix(1763769602)},
		{
			PhoneNumberID: "PN2", WAMID: "wamid.OUT2", RecipientID: "5491122223333", Status: conversation.Delivered, At: unix(1763769606),
			Ref: "cr:0195d3f0-0000-7000-8000-000000000001",
		},
	}, ev.Statuses, "unknown status words are skipped, not fatal; the sender's reference comes back")

	assert.Equal(t, []conversation.TemplateStatusEvent{{
		BusinessAccountID: "WABA2", TemplateID: "123", Name: "saludo", Language: "es_AR", Event: "APPROVED", At: unix(1763770000),
	}}, ev.Templates)
}

func TestDecodeEveryMessageType(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		message string
		content conversation.Content
		context string
		failure *conversation.Failure
	}{
		{
			name:    "document",
			message: `"type":"document","document":{"caption":"Factura","filename":"F-1001.pdf","mime_type":"application/pdf","sha256":"abc=","id":"111"}`,
			content: conversation.Content{Type: conversation.Document, Text: "Factura", Media: &conversation.Media{
				ID: "111", MimeType: "application/pdf", SHA256: "abc=", Caption: "Factura", Filename: "F-1001.pdf",
			}},
		},
		{
			name:    "audio",
			message: `"type":"audio","audio":{"mime_type":"audio/ogg; codecs=opus","sha256":"def=","id":"222","voice":true}`,
			content: conversation.Content{Type: conversation.Audio, Media: &conversation.Media{ID: "222", MimeType: "audio/ogg; codecs=opus", SHA256: "def="}},
		},
		{
			name:    "video",
			message: `"type":"video","video":{"caption":"mire","mime_type":"video/mp4","sha256":"ghi=","id":"333"}`,
			content: conversation.Content{Type: conversation.Video, Text: "mire", Media: &conversation.Media{ID: "333", MimeType: "video/mp4", SHA256: "ghi=", Caption: "mire"}},
		},
		{
			name:    "sticker",
			message: `"type":"sticker","sticker":{"mime_type":"image/webp","sha256":"jkl=","id":"444","animated":false}`,
			content: conversation.Content{Type: conversation.Sticker, Media: &conversation.Media{ID: "444", MimeType: "image/webp", SHA256: "jkl="}},
		},
		{
			name: "contacts",
			message: `"type":"contacts","contacts":[
				{"name":{"formatted_name":"Pedro Gómez","first_name":"Pedro"},"phones":[{"phone":"+57 300 555 0101","wa_id":"573005550101","type":"CELL"}],"emails":[{"email":"pedro@example.com"}]},
				{"name":{"first_name":"Ana","last_name":"Ruiz"},"phones":[{"wa_id":"573005550202"}]}]`,
			content: conversation.Content{Type: conversation.Contacts, Text: "Pedro Gómez: +57 300 555 0101, pedro@example.com; Ana Ruiz: +573005550202"},
		},
		{
			name:    "list reply",
			message: `"context":{"from":"15550783881","id":"wamid.LIST"},"type":"interactive","interactive":{"type":"list_reply","list_reply":{"id":"inv_2","title":"F-1002","description":"vencida"}}`,
			content: conversation.Content{Type: conversation.Interactive, Reply: &conversation.Reply{ID: "inv_2", Title: "F-1002"}},
			context: "wamid.LIST",
		},
		{
			name:    "flow answer",
			message: `"type":"interactive","interactive":{"type":"nfm_reply","nfm_reply":{"name":"flow","body":"Sent","response_json":"{\"fecha\":\"2026-11-20\"}"}}`,
			content: conversation.Content{Type: conversation.Unsupported, Text: `{"fecha":"2026-11-20"}`},
		},
		{
			name:    "reaction",
			message: `"type":"reaction","reaction":{"message_id":"wamid.OUT","emoji":"🙏"}`,
			content: conversation.Content{Type: conversation.Reaction, Reaction: &conversation.ReactionContent{MessageWAMID: "wamid.OUT", Emoji: "🙏"}},
		},
		{
			name:    "reaction removed",
			message: `"type":"reaction","reaction":{"message_id":"wamid.OUT"}`,
			content: conversation.Content{Type: conversation.Reaction, Reaction: &conversation.ReactionContent{MessageWAMID: "wamid.OUT"}},
		},
		{
			name:    "order",
			message: `"type":"order","order":{"catalog_id":"c1","text":"lo de siempre","product_items":[{"product_retailer_id":"p1","quantity":"2","item_price":"10","currency":"MXN"}]}`,
			content: conversation.Content{Type: conversation.Unsupported, Text: "[order: 1 items] lo de siempre"},
		},
		{
			name:    "system",
			message: `"type":"system","system":{"body":"User A changed from 5215512345678 to 5215587654321","wa_id":"5215587654321","type":"user_changed_number"}`,
			content: conversation.Content{Type: conversation.Unsupported, Text: "User A changed from 5215512345678 to 5215587654321"},
		},
		{
			name:    "a type Saldo does not know",
			message: `"type":"request_welcome"`,
			content: conversation.Content{Type: conversation.Unsupported, Text: "[request_welcome]"},
		},
		{
			name:    "content Saldo cannot read",
			message: `"type":"text","text":"not an object"`,
			content: conversation.Content{Type: conversation.Unsupported},
			failure: &conversation.Failure{
				Title:  "Saldo could not read this text message",
				Detail: `the "text" object does not have the shape WhatsApp documents`,
			},
		},
		{
			name:    "coordinates that are not numbers",
			message: `"type":"location","location":{"latitude":"north","longitude":-99.1}`,
			content: conversation.Content{Type: conversation.Unsupported},
			failure: &conversation.Failure{
				Title:  "Saldo could not read this location message",
				Detail: `the "location" object does not have the shape WhatsApp documents`,
			},
		},
		{
			name:    "an error without title or details",
			message: `"type":"unsupported","errors":[{"code":"131051","message":"Unsupported message type"}]`,
			content: conversation.Content{Type: conversation.Unsupported},
			failure: &conversation.Failure{Code: 131051, Title: "Unsupported message type", Detail: "Unsupported message type"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body := inboundBody(`{"from":"5215512345678","id":"wamid.X","timestamp":"1763769800",` + tc.message + `}`)
			ev, err := whatsapp.Decoder{}.Decode(body)
			require.NoError(t, err)
			require.Len(t, ev.Inbound, 1, "no message is dropped")
			assert.Equal(t, conversation.InboundEvent{
				PhoneNumberID: "106540352242922", WaID: "5215512345678", ContactName: "Lucía",
				Message: conversation.InboundDetails{
					WAMID: "wamid.X", Content: tc.content, ContextWAMID: tc.context, SentAt: unix(1763769800), Failure: tc.failure,
				},
			}, ev.Inbound[0])
		})
	}
}

func TestDecodeStatusFailureFallsBackToMessage(t *testing.T) {
	t.Parallel()
	body := messagesBody(`{"metadata":{"phone_number_id":"PN"},"statuses":[{"id":"wamid.OUT","status":"failed","timestamp":"1763769910",
		"recipient_id":"573009999999","errors":[{"code":131049,"message":"This message was not delivered to maintain healthy ecosystem engagement."}]}]}`)
	ev, err := whatsapp.Decoder{}.Decode(body)
	require.NoError(t, err)
	require.Len(t, ev.Statuses, 1)
	assert.Equal(t, &conversation.Failure{
		Code:   131049,
		Title:  "This message was not delivered to maintain healthy ecosystem engagement.",
		Detail: "This message was not delivered to maintain healthy ecosystem engagement.",
	}, ev.Statuses[0].Failure)
}

func TestDecodeIgnoresOtherFields(t *testing.T) {
	t.Parallel()
	body := `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"phone_number_quality_update","value":{"event":"FLAGGED"}}]}]}`
	ev, err := whatsapp.Decoder{}.Decode([]byte(body))
	require.NoError(t, err)
	assert.Equal(t, conversation.Events{}, ev)
}

func TestDecodeInvalid(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"empty":                  ``,
		"garbage":                `this is not json`,
		"truncated":              `{"object":"whatsapp_business_account","entry":[`,
		"an array":               `[1,2,3]`,
		"another object":         `{"object":"page","entry":[]}`,
		"no object":              `{"entry":[]}`,
		"entry not a list":       `{"object":"whatsapp_business_account","entry":{}}`,
		"value not an object":    string(messagesBody(`"nope"`)),
		"messages not a list":    string(messagesBody(`{"messages":{"id":"x"}}`)),
		"message without id":     string(inboundBody(`{"from":"5215512345678","timestamp":"1","type":"text","text":{"body":"x"}}`)),
		"message without sender": string(inboundBody(`{"id":"wamid.X","timestamp":"1","type":"text","text":{"body":"x"}}`)),
		"bad timestamp":          string(inboundBody(`{"from":"5215512345678","id":"wamid.X","timestamp":"yesterday","type":"text"}`)),
		"id of the wrong kind":   string(inboundBody(`{"from":"5215512345678","id":{"a":1},"timestamp":"1","type":"text"}`)),
		"status without id":      string(messagesBody(`{"statuses":[{"status":"read","timestamp":"1"}]}`)),
		"template time not unix": `{"object":"whatsapp_business_account","entry":[{"id":"1","time":"soon","changes":[{"field":"message_template_status_update","value":{"event":"APPROVED"}}]}]}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ev, err := whatsapp.Decoder{}.Decode([]byte(body))
			require.ErrorIs(t, err, whatsapp.ErrInvalidWebhook)
			assert.Equal(t, domain.KindInvalid, domain.KindOf(err))
			assert.Equal(t, conversation.Events{}, ev, "no partial events")
		})
	}
}

func sign(body []byte, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func TestVerifySignature(t *testing.T) {
	t.Parallel()
	const secret = "0123456789abcdef0123456789abcdef"
	body := readFixture(t, "inbound-text.json")
	good := sign(body, secret)
	altered := append([]byte(nil), body...)
	altered[len(altered)/2] ^= 0x01

	cases := []struct {
		name   string
		body   []byte
		header string
		secret string
		want   bool
	}{
		{"right signature", body, good, secret, true},
		{"upper-case hex", body, "sha256=" + strings.ToUpper(strings.TrimPrefix(good, "sha256=")), secret, true},
		{"missing header", body, "", secret, false},
		{"prefix only", body, "sha256=", secret, false},
		{"wrong prefix", body, "sha1=" + strings.TrimPrefix(good, "sha256="), secret, false},
		{"no prefix", body, strings.TrimPrefix(good, "sha256="), secret, false},
		{"not hex", body, "sha256=" + strings.Repeat("zz", 32), secret, false},
		{"wrong hex", body, "sha256=" + strings.Repeat("ab", 32), secret, false},
		{"truncated", body, good[:len(good)-2], secret, false},
		{"body altered by one byte", altered, good, secret, false},
		{"another secret", body, good, secret + "x", false},
		{"empty secret", body, sign(body, ""), "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, whatsapp.VerifySignature(tc.body, tc.header, tc.secret))
		})
	}
}
