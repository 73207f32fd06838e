package conversation_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/conversation"
)

var t0 = time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)

func start(t *testing.T) *conversation.Conversation {
	t.Helper()
	c, err := conversation.Start(uuid.New(), uuid.New(), "573001234567", "María", t0)
	require.NoError(t, err)
	return c
}

func inbound(wamid string, at time.Time) conversation.InboundDetails {
	return conversation.InboundDetails{WAMID: wamid, SentAt: at, Content: conversation.Content{Type: conversation.Text, Text: "hola"}}
}

func text(s string) conversation.Content {
	return conversation.Content{Type: conversation.Text, Text: s}
}

func tmpl() conversation.Content {
	return conversation.Content{Type: conversation.Template, Template: &conversation.TemplateContent{Name: "recordatorio_pago", Language: "es"}}
}

func TestTheWindowOpensWithTheCustomersMessageAndLasts24Hours(t *testing.T) {
	t.Parallel()
	c := start(t)
	assert.False(t, c.WindowOpen(t0), "a customer who never wrote has no window")
	_, err := c.Send(uuid.New(), text("hola"), uuid.Nil, t0)
	require.ErrorIs(t, err, conversation.ErrWindowClosed)
	assert.Equal(t, domain.KindInvalid, domain.KindOf(err))
	assert.Contains(t, err.Error(), "template")

	_, err = c.Send(uuid.New(), tmpl(), uuid.Nil, t0)
	require.NoError(t, err, "templates are always allowed")

	c.Receive(uuid.New(), inbound("w1", t0), "", t0)
	cases := []struct {
		at   time.Time
		open bool
	}{
		{t0, true}, {t0.Add(23*time.Hour + 59*time.Minute), true}, {t0.Add(24 * time.Hour), false}, {t0.Add(48 * time.Hour), false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.open, c.WindowOpen(tc.at), "at %s", tc.at)
		_, err := c.Send(uuid.New(), text("hola"), uuid.Nil, tc.at)
		if tc.open {
			assert.NoError(t, err)
		} else {
			assert.ErrorIs(t, err, conversation.ErrWindowClosed)
		}
	}
	assert.Equal(t, t0.Add(24*time.Hour), c.WindowClosesAt())

	// An older message arriving late does not shorten the window.
	c.Receive(uuid.New(), inbound("w0", t0.Add(-time.Hour)), "", t0)
	assert.Equal(t, t0.Add(24*time.Hour), c.WindowClosesAt())
}

func TestACustomersMessageReopensAClosedConversation(t *testing.T) {
	t.Parallel()
	c := start(t)
	_, err := c.Close(uuid.New(), uuid.Nil, t0)
	require.NoError(t, err)
	_, err = c.Close(uuid.New(), uuid.Nil, t0)
	require.ErrorIs(t, err, conversation.ErrAlreadyClosed)
	c.Receive(uuid.New(), inbound("w1", t0.Add(time.Hour)), "María F.", t0.Add(time.Hour))
	assert.Equal(t, conversation.Open, c.Status())
	assert.Equal(t, 1, c.Unread())
	assert.Equal(t, "María F.", c.ContactName())
	assert.Equal(t, "hola", c.LastPreview())
}

func TestStatusOnlyMovesForward(t *testing.T) {
	t.Parallel()
	failure := &conversation.Failure{Code: 131026, Title: "Message undeliverable"}
	cases := []struct {
		name   string
		steps  []conversation.DeliveryStatus
		want   conversation.DeliveryStatus
		failed bool
	}{
		{"in order", []conversation.DeliveryStatus{conversation.Sent, conversation.Delivered, conversation.Read}, conversation.Read, false},
		{"read before delivered", []conversation.DeliveryStatus{conversation.Sent, conversation.Read, conversation.Delivered}, conversation.Read, false},
		{"delivered skipped", []conversation.DeliveryStatus{conversation.Read}, conversation.Read, false},
		{"redelivered", []conversation.DeliveryStatus{conversation.Delivered, conversation.Delivered, conversation.Sent}, conversation.Delivered, false},
		{"failed after sent", []conversation.DeliveryStatus{conversation.Sent, conversation.Failed}, conversation.Failed, true},
		{"nothing after failed", []conversation.DeliveryStatus{conversation.Failed, conversation.Delivered, conversation.Read}, conversation.Failed, true},
		{"failed after read is ignored", []conversation.DeliveryStatus{conversation.Read, conversation.Failed}, conversation.Read, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := start(t)
			m, err := c.Send(uuid.New(), tmpl(), uuid.Nil, t0)
			require.NoError(t, err)
			m.MarkSent("wamid.1", t0)
			for i, st := range tc.steps {
				m.Advance(st, t0.Add(time.Duration(i+1)*time.Second), failure)
			}
			assert.Equal(t, tc.want, m.Status())
			assert.Equal(t, tc.failed, m.Failure() != nil)
			if tc.want == conversation.Read {
				assert.False(t, m.DeliveredAt().IsZero(), "read implies delivered")
			}
		})
	}
}

func TestInboundMessagesHaveNoDeliveryStatusToMove(t *testing.T) {
	t.Parallel()
	c := start(t)
	m := c.Receive(uuid.New(), inbound("w1", t0), "", t0)
	assert.False(t, m.Advance(conversation.Read, t0, nil))
	assert.Equal(t, conversation.Received, m.Status())
}

func TestOutboundContentFollowsWhatsAppsLimits(t *testing.T) {
	t.Parallel()
	long := make([]rune, 4097)
	for i := range long {
		long[i] = 'a'
	}
	four := []conversation.ReplyButton{{ID: "1", Title: "a"}, {ID: "2", Title: "b"}, {ID: "3", Title: "c"}, {ID: "4", Title: "d"}}
	cases := []struct {
		name    string
		content conversation.Content
		err     error
	}{
		{"empty text", text("  "), conversation.ErrEmptyText},
		{"too long", text(string(long)), conversation.ErrTextTooLong},
		{"bad template name", conversation.Content{Type: conversation.Template, Template: &conversation.TemplateContent{Name: "Pago Ya", Language: "es"}}, conversation.ErrTemplateName},
		{"template without language", conversation.Content{Type: conversation.Template, Template: &conversation.TemplateContent{Name: "pago"}}, conversation.ErrTemplateLang},
		{"four buttons", conversation.Content{Type: conversation.Interactive, Interactive: &conversation.InteractiveContent{Body: "x", Buttons: four}}, conversation.ErrTooManyButtons},
		{"long button title", conversation.Content{Type: conversation.Interactive, Interactive: &conversation.InteractiveContent{
			Body:    "x",
			Buttons: []conversation.ReplyButton{{ID: "1", Title: "a title longer than twenty"}},
		}}, conversation.ErrTooManyButtons},
		{"image without link", conversation.Content{Type: conversation.Image, Media: &conversation.Media{Link: "http://insecure"}}, conversation.ErrMediaLink},
		{"a note is not sent", conversation.Content{Type: conversation.Note, Text: "x"}, conversation.ErrUnsendableType},
		{"fine text", text("hola"), nil},
		{"three buttons", conversation.Content{Type: conversation.Interactive, Interactive: &conversation.InteractiveContent{Body: "x", Buttons: four[:3]}}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.content.ValidateOutbound()
			if tc.err == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tc.err)
		})
	}
}

func TestStartRefusesANonWhatsAppID(t *testing.T) {
	t.Parallel()
	_, err := conversation.Start(uuid.New(), uuid.New(), "+573001234567", "", t0)
	assert.ErrorIs(t, err, conversation.ErrInvalidWaID)
	_, err = conversation.Start(uuid.New(), uuid.New(), "12", "", t0)
	assert.ErrorIs(t, err, conversation.ErrInvalidWaID)
}
