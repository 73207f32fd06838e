package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/ports"
)

// storedConversation stores a conversation whose customer wrote at now, so
// the 24-hour window is open.
func storedConversation(t testing.TB, db *gorm.DB, waID string) *conversation.Conversation {
	t.Helper()
	num := saveNumber(t, db, "1001")
	c := startConversation(t, num.ID, waID)
	first := receiveText(c, "wamid.first-"+waID, "hola", now)
	require.NoError(t, postgres.NewConversationRepository(db).Save(t.Context(), c))
	added, err := postgres.NewMessageRepository(db).Add(t.Context(), first)
	require.NoError(t, err)
	require.True(t, added)
	return c
}

func TestMessageRepository_ContentRoundTrip(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewMessageRepository(db)
	ctx := t.Context()
	c := storedConversation(t, db, "573001234567")
	agent := uuid.New()
	at := now.Add(time.Minute)

	inbound := func(wamid string, content conversation.Content, edit ...func(*conversation.InboundDetails)) func(t *testing.T) *conversation.Message {
		return func(t *testing.T) *conversation.Message {
			d := conversation.InboundDetails{WAMID: wamid, Content: content, SentAt: at}
			for _, e := range edit {
				e(&d)
			}
			return c.Receive(newV7(), d, "", at)
		}
	}
	outbound := func(content conversation.Content) func(t *testing.T) *conversation.Message {
		return func(t *testing.T) *conversation.Message {
			m, err := c.Send(newV7(), content, agent, at)
			require.NoError(t, err)
			return m
		}
	}
	tests := []struct {
		name string
		make func(t *testing.T) *conversation.Message
	}{
		{"text, replying to another", inbound("wamid.text", conversation.Content{
			Type: conversation.Text, Text: "Ya pagué \"la factura\" <F-1> & la F-2 😀\nsaludos\t\\",
		}, func(d *conversation.InboundDetails) { d.ContextWAMID = "wamid.earlier" })},
		{"image", inbound("wamid.image", conversation.Content{Type: conversation.Image, Media: &conversation.Media{
			ID: "media-1", MimeType: "image/jpeg", Caption: "comprobante", SHA256: "c2hhMjU2",
		}})},
		{"document", inbound("wamid.document", conversation.Content{Type: conversation.Document, Media: &conversation.Media{
			ID: "media-2", MimeType: "application/pdf", Filename: "recibo.pdf",
		}})},
		{"image by link, sent", outbound(conversation.Content{Type: conversation.Image, Media: &conversation.Media{
			Link: "https://example.com/f.png", Caption: "su factura",
		}})},
		{"location", inbound("wamid.location", conversation.Content{Type: conversation.Location, Location: &conversation.Place{
			Latitude: 4.710988599999999, Longitude: -74.072092, Name: "Oficina", Address: "Cra 7 # 32-16, Bogotá",
		}})},
		{"interactive buttons", outbound(conversation.Content{Type: conversation.Interactive, Interactive: &conversation.InteractiveContent{
			Header: "Factura F-1", Body: "¿Cómo desea pagar?", Footer: "Saldo",
			Buttons: []conversation.ReplyButton{{ID: "pay_link", Title: "Link de pago"}, {ID: "promise", Title: "Prometer pago"}},
		}})},
		{"interactive list", outbound(conversation.Content{Type: conversation.Interactive, Interactive: &conversation.InteractiveContent{
			Body: "Elija una factura", ListButton: "Facturas",
			Rows: []conversation.ListRow{{ID: "F-1", Title: "F-1", Description: "$ 120.000 vencida"}, {ID: "F-2", Title: "F-2"}},
		}})},
		{"template with parameters", outbound(conversation.Content{Type: conversation.Template, Template: &conversation.TemplateContent{
			Name: "payment_reminder", Language: "es_CO", HeaderParams: []string{"F-1"}, BodyParams: []string{"María", "$ 120.000", "10/03"},
			Buttons: []conversation.TemplateButtonParam{{Index: 0, SubType: "url", Text: "pay/abc"}, {Index: 1, SubType: "quick_reply", Text: "PROMISE"}},
		}})},
		{"template without parameters", outbound(conversation.Content{Type: conversation.Template, Template: &conversation.TemplateContent{
			Name: "hello", Language: "es",
		}})},
		{"interactive reply", inbound("wamid.reply", conversation.Content{Type: conversation.Interactive, Reply: &conversation.Reply{
			ID: "pay_link", Title: "Link de pago",
		}}, func(d *conversation.InboundDetails) { d.ContextWAMID = "wamid.buttons" })},
		{"quick-reply button", inbound("wamid.button", conversation.Content{Type: conversation.Button, Reply: &conversation.Reply{
			ID: "PROMISE", Title: "Prometer pago",
		}})},
		{"reaction", inbound("wamid.reaction", conversation.Content{Type: conversation.Reaction, Reaction: &conversation.ReactionContent{
			MessageWAMID: "wamid.text", Emoji: "👍",
		}})},
		{"reaction removed", inbound("wamid.unreaction", conversation.Content{Type: conversation.Reaction, Reaction: &conversation.ReactionContent{
			MessageWAMID: "wamid.text",
		}})},
		{"note", func(t *testing.T) *conversation.Message {
			m, err := c.AddNote(newV7(), "Prometió pagar el viernes", agent, at)
			require.NoError(t, err)
			return m
		}},
		{"system", func(t *testing.T) *conversation.Message {
			return c.Assign(newV7(), agent, agent, at)
		}},
		{"unsupported, with WhatsApp's note", inbound("wamid.unsupported", conversation.Content{Type: conversation.Unsupported},
			func(d *conversation.InboundDetails) {
				d.Failure = &conversation.Failure{Code: 131051, Title: "Message type unknown", Detail: "Message type is currently not supported."}
			})},
		{"unsupported, failure code 0", inbound("wamid.unsupported-0", conversation.Content{Type: "ephemeral"},
			func(d *conversation.InboundDetails) { d.Failure = &conversation.Failure{Title: "Unknown"} })},
	}
	for _, tt := range tests {
		m := tt.make(t)
		added, err := repo.Add(ctx, m)
		require.NoError(t, err, tt.name)
		require.True(t, added, tt.name)

		got, err := repo.Get(ctx, m.ID())
		require.NoError(t, err, tt.name)
		assertMessageEqual(t, m, got)

		var typ string
		require.NoError(t, db.Raw("SELECT type FROM messages WHERE id = ?", m.ID()).Scan(&typ).Error)
		assert.Equal(t, string(m.Content().Type), typ, "%s: the type column", tt.name)
	}
	// Outbound messages without a WhatsApp id yet store NULL, any number of them.
	assert.Equal(t, 5, count(t, db, "SELECT count(*) FROM messages WHERE wamid IS NULL AND direction = 'out'"))
	assert.Equal(t, 2, count(t, db, "SELECT count(*) FROM messages WHERE error_code IS NOT NULL"))
}

func TestMessageRepository_AddRedelivered(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewMessageRepository(db)
	ctx := t.Context()
	c := storedConversation(t, db, "573001234567")

	first := receiveText(c, "wamid.HBgM", "hola", now)
	added, err := repo.Add(ctx, first)
	require.NoError(t, err)
	assert.True(t, added)

	// The webhook comes again: another message (new id) with the same wamid.
	again := receiveText(c, "wamid.HBgM", "hola", now)
	added, err = repo.Add(ctx, again)
	require.NoError(t, err)
	assert.False(t, added)
	assert.Equal(t, 1, count(t, db, "SELECT count(*) FROM messages WHERE wamid = 'wamid.HBgM'"))
	_, err = repo.Get(ctx, again.ID())
	assert.True(t, errors.Is(err, conversation.ErrMessageNotFound), "got %v", err)

	// Inside a unit of work the duplicate does not abort the transaction.
	err = postgres.NewUnitOfWork(db).Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		added, err := tx.Messages().Add(ctx, receiveText(c, "wamid.HBgM", "hola", now))
		if err != nil {
			return err
		}
		if added {
			return errors.New("a redelivered message was added")
		}
		_, err = tx.Messages().Add(ctx, receiveText(c, "wamid.next", "sigo", now))
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, 3, count(t, db, "SELECT count(*) FROM messages")) // with storedConversation's

	// The same message twice is a redelivery too; without a wamid (an
	// outbound message not sent yet) it is a conflict.
	added, err = repo.Add(ctx, first)
	require.NoError(t, err)
	assert.False(t, added)
	out, err := c.Send(newV7(), conversation.Content{Type: conversation.Text, Text: "hola"}, uuid.Nil, now)
	require.NoError(t, err)
	added, err = repo.Add(ctx, out)
	require.NoError(t, err)
	assert.True(t, added)
	_, err = repo.Add(ctx, out)
	assert.Equal(t, domain.KindConflict, domain.KindOf(err), "got %v", err)
}

func TestMessageRepository_SaveStatus(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewMessageRepository(db)
	ctx := t.Context()
	c := storedConversation(t, db, "573001234567")
	agent := uuid.New()

	m, err := c.Send(newV7(), conversation.Content{Type: conversation.Text, Text: "Su saldo es $ 120.000"}, agent, now)
	require.NoError(t, err)
	added, err := repo.Add(ctx, m)
	require.NoError(t, err)
	require.True(t, added)

	// Accepted by WhatsApp, delivered, read.
	m.MarkSent("wamid.out-1", now.Add(time.Second))
	require.NoError(t, repo.Save(ctx, m))
	got, err := repo.LockByWAMID(ctx, "wamid.out-1")
	require.NoError(t, err)
	assertMessageEqual(t, m, got)

	require.True(t, got.Advance(conversation.Delivered, now.Add(2*time.Second), nil))
	require.NoError(t, repo.Save(ctx, got))
	require.True(t, got.Advance(conversation.Read, now.Add(3*time.Second), nil))
	require.NoError(t, repo.Save(ctx, got))
	read, err := repo.Get(ctx, m.ID())
	require.NoError(t, err)
	assertMessageEqual(t, got, read)
	assert.Equal(t, conversation.Read, read.Status())
	assert.Nil(t, read.Failure())

	// Refused: the failure is stored whole.
	failed, err := c.Send(newV7(), conversation.Content{Type: conversation.Text, Text: "¿Sigue ahí?"}, agent, now)
	require.NoError(t, err)
	_, err = repo.Add(ctx, failed)
	require.NoError(t, err)
	failed.MarkSent("wamid.out-2", now.Add(time.Second))
	require.NoError(t, repo.Save(ctx, failed))
	require.True(t, failed.MarkFailed(conversation.Failure{
		Code: 131047, Title: "Re-engagement message",
		Detail: "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
	}, now.Add(5*time.Second)))
	require.NoError(t, repo.Save(ctx, failed))
	gotFailed, err := repo.Lock(ctx, failed.ID())
	require.NoError(t, err)
	assertMessageEqual(t, failed, gotFailed)
	require.NotNil(t, gotFailed.Failure())
	assert.Equal(t, 131047, gotFailed.Failure().Code)

	// A message never added; a wamid another message has.
	never, err := c.Send(newV7(), conversation.Content{Type: conversation.Text, Text: "x"}, agent, now)
	require.NoError(t, err)
	err = repo.Save(ctx, never)
	assert.True(t, errors.Is(err, conversation.ErrMessageNotFound), "got %v", err)
	third, err := c.Send(newV7(), conversation.Content{Type: conversation.Text, Text: "y"}, agent, now)
	require.NoError(t, err)
	_, err = repo.Add(ctx, third)
	require.NoError(t, err)
	third.MarkSent("wamid.out-1", now)
	err = repo.Save(ctx, third)
	assert.Equal(t, domain.KindConflict, domain.KindOf(err), "got %v", err)
}

func TestMessageRepository_NotFound(t *testing.T) {
	t.Parallel()
	repo := postgres.NewMessageRepository(pgtest.New(t))
	ctx := t.Context()

	m, err := repo.Get(ctx, uuid.New())
	assert.Nil(t, m)
	assert.True(t, errors.Is(err, conversation.ErrMessageNotFound), "got %v", err)
	_, err = repo.Lock(ctx, uuid.New())
	assert.True(t, errors.Is(err, conversation.ErrMessageNotFound), "got %v", err)
	_, err = repo.LockByWAMID(ctx, "wamid.nobody")
	assert.True(t, errors.Is(err, conversation.ErrMessageNotFound), "got %v", err)
	assert.Contains(t, err.Error(), `"wamid.nobody"`)
	_, err = repo.LockByWAMID(ctx, "")
	assert.True(t, errors.Is(err, conversation.ErrMessageNotFound), "got %v", err)
}

func TestMessageRepository_List(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewMessageRepository(db)
	ctx := t.Context()
	c := storedConversation(t, db, "573001234567")
	other := startConversation(t, c.NumberID(), "573007654321")
	require.NoError(t, postgres.NewConversationRepository(db).Save(ctx, other))

	first, err := repo.List(ctx, c.ID(), ports.Page{})
	require.NoError(t, err)
	require.Len(t, first, 1) // storedConversation's
	want := []uuid.UUID{first[0].ID()}
	for i := range 6 {
		m := receiveText(c, fmt.Sprintf("wamid.%d", i), fmt.Sprintf("mensaje %d", i), now.Add(time.Duration(i)*time.Second))
		_, err := repo.Add(ctx, m)
		require.NoError(t, err)
		want = append(want, m.ID())
		_, err = repo.Add(ctx, receiveText(other, fmt.Sprintf("wamid.other-%d", i), "otro", now))
		require.NoError(t, err)
	}

	all, err := repo.List(ctx, c.ID(), ports.Page{})
	require.NoError(t, err)
	assert.Equal(t, want, messageIDs(all), "oldest first, this conversation's only")

	var seen []uuid.UUID
	after := uuid.Nil
	for range 10 {
		page, err := repo.List(ctx, c.ID(), ports.Page{After: after, Limit: 3})
		require.NoError(t, err)
		if len(page) == 0 {
			break
		}
		seen = append(seen, messageIDs(page)...)
		after = page[len(page)-1].ID()
	}
	assert.Equal(t, want, seen)

	none, err := repo.List(ctx, uuid.New(), ports.Page{})
	require.NoError(t, err)
	assert.Empty(t, none)
}

func messageIDs(ms []*conversation.Message) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.ID())
	}
	return out
}
