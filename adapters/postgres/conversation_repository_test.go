package postgres_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/ports"
)

func TestConversationRepository_SaveAndGet(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := t.Context()
	num := saveNumber(t, db, "1001")
	cust := saveCustomers(t, postgres.NewCustomerRepository(db), "C-1")[0]
	repo := postgres.NewConversationRepository(db)

	// Just started: no message, customer, assignee or tags; the zero times
	// and Nil ids are stored as NULL.
	c := startConversation(t, num.ID, "573001234567")
	require.NoError(t, repo.Save(ctx, c))
	got, err := repo.Get(ctx, c.ID())
	require.NoError(t, err)
	assertConversationEqual(t, c, got)
	assert.Equal(t, 1, count(t, db, `SELECT count(*) FROM conversations WHERE last_inbound_at IS NULL
		AND last_message_at IS NULL AND closed_at IS NULL AND customer_id IS NULL AND assignee_id IS NULL
		AND tags = '[]'::jsonb`))

	// Every field set.
	later := now.Add(time.Hour)
	c.Receive(newV7(), conversation.InboundDetails{
		WAMID: "wamid.1", Content: conversation.Content{Type: conversation.Text, Text: "Hola, ¿cuánto debo?"}, SentAt: later,
	}, "María López", later)
	c.LinkCustomer(cust.ID(), later)
	agent := saveAgent(t, db)
	c.Assign(newV7(), agent, agent, later)
	c.SetPriority(conversation.Urgent, later)
	require.NoError(t, c.SetTags([]string{"promesa", "VIP", "bogotá"}, later))
	c.SetAI(false, later.Add(time.Second))
	require.NoError(t, repo.Save(ctx, c))
	got, err = repo.Get(ctx, c.ID())
	require.NoError(t, err)
	assertConversationEqual(t, c, got)
	assert.Equal(t, []string{"bogotá", "promesa", "vip"}, got.Tags())
	assert.Equal(t, 1, got.Unread())
	assert.True(t, got.WindowOpen(later.Add(23*time.Hour)), "the 24-hour window comes back")

	// Closed, then open again: closed_at comes and goes.
	_, err = c.Close(newV7(), agent, later.Add(time.Minute))
	require.NoError(t, err)
	require.NoError(t, repo.Save(ctx, c))
	got, err = repo.Lock(ctx, c.ID())
	require.NoError(t, err)
	assertConversationEqual(t, c, got)
	assert.Equal(t, conversation.Closed, got.Status())

	_, err = c.Reopen(newV7(), agent, later.Add(2*time.Minute))
	require.NoError(t, err)
	c.Assign(newV7(), uuid.Nil, agent, later.Add(2*time.Minute))
	require.NoError(t, repo.Save(ctx, c))
	got, err = repo.Get(ctx, c.ID())
	require.NoError(t, err)
	assertConversationEqual(t, c, got)
	assert.Equal(t, 1, count(t, db, "SELECT count(*) FROM conversations WHERE closed_at IS NULL AND assignee_id IS NULL"))
	assert.Equal(t, 1, count(t, db, "SELECT count(*) FROM conversations"))
}

func TestConversationRepository_NotFound(t *testing.T) {
	t.Parallel()
	repo := postgres.NewConversationRepository(pgtest.New(t))
	ctx := t.Context()

	c, err := repo.Get(ctx, uuid.New())
	assert.Nil(t, c)
	assert.True(t, errors.Is(err, conversation.ErrNotFound), "got %v", err)
	c, err = repo.Lock(ctx, uuid.New())
	assert.Nil(t, c)
	assert.True(t, errors.Is(err, conversation.ErrNotFound), "got %v", err)
}

func TestConversationRepository_SaveConflict(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewConversationRepository(db)
	ctx := t.Context()
	num := saveNumber(t, db, "1001")

	require.NoError(t, repo.Save(ctx, startConversation(t, num.ID, "573001234567")))
	// A second thread between the same two numbers.
	err := repo.Save(ctx, startConversation(t, num.ID, "573001234567"))
	assert.Equal(t, domain.KindConflict, domain.KindOf(err), "got %v", err)
	assert.Equal(t, 1, count(t, db, "SELECT count(*) FROM conversations"))
}

func TestConversationRepository_LockThread(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewConversationRepository(db)
	ctx := t.Context()
	num := saveNumber(t, db, "1001")
	other := saveNumber(t, db, "1002")

	// None yet: start's conversation is stored and returned.
	var starts int
	started := startConversation(t, num.ID, "573001234567")
	got, err := repo.LockThread(ctx, num.ID, "573001234567", func() (*conversation.Conversation, error) {
		starts++
		return started, nil
	})
	require.NoError(t, err)
	assert.Equal(t, 1, starts)
	assertConversationEqual(t, started, got)

	// Stored: found, start is not called.
	got, err = repo.LockThread(ctx, num.ID, "573001234567", func() (*conversation.Conversation, error) {
		t.Error("start called for a stored thread")
		return nil, errors.New("unreachable")
	})
	require.NoError(t, err)
	assert.Equal(t, started.ID(), got.ID())

	// The same customer on another number is another thread.
	got, err = repo.LockThread(ctx, other.ID, "573001234567", func() (*conversation.Conversation, error) {
		return startConversation(t, other.ID, "573001234567"), nil
	})
	require.NoError(t, err)
	assert.NotEqual(t, started.ID(), got.ID())
	assert.Equal(t, other.ID, got.NumberID())

	// start's error comes back, and nothing is stored.
	_, err = repo.LockThread(ctx, num.ID, "12", func() (*conversation.Conversation, error) {
		return conversation.Start(newV7(), num.ID, "12", "", now)
	})
	assert.True(t, errors.Is(err, conversation.ErrInvalidWaID), "got %v", err)

	// A start that makes another thread is a programming error.
	_, err = repo.LockThread(ctx, num.ID, "573009999999", func() (*conversation.Conversation, error) {
		return startConversation(t, num.ID, "573008888888"), nil
	})
	require.Error(t, err)
	assert.Equal(t, 2, count(t, db, "SELECT count(*) FROM conversations"))
}

// TestConversationRepository_LockThreadConcurrent starts the same thread
// from ten transactions at once, the way inbound webhooks of a new customer
// do: all of them get the one stored conversation, and since each holds its
// lock while it records its message, no update of the counters is lost.
func TestConversationRepository_LockThreadConcurrent(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	num := saveNumber(t, db, "1001")
	uow := postgres.NewUnitOfWork(db)
	ctx := t.Context()
	const waID, callers = "5511912345678", 10

	var starts atomic.Int32
	ids := make([]uuid.UUID, callers)
	errs := make([]error, callers)
	begin := make(chan struct{})
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			<-begin
			errs[i] = uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
				c, err := tx.Conversations().LockThread(ctx, num.ID, waID, func() (*conversation.Conversation, error) {
					starts.Add(1)
					return conversation.Start(newV7(), num.ID, waID, "Cliente", now)
				})
				if err != nil {
					return err
				}
				ids[i] = c.ID()
				m := receiveText(c, fmt.Sprintf("wamid.%d", i), "hola", now.Add(time.Duration(i)*time.Second))
				if _, err := tx.Messages().Add(ctx, m); err != nil {
					return err
				}
				return tx.Conversations().Save(ctx, c)
			})
		})
	}
	close(begin)
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "caller %d", i)
	}
	for i, id := range ids {
		assert.Equal(t, ids[0], id, "caller %d got another conversation", i)
	}
	assert.GreaterOrEqual(t, starts.Load(), int32(1))
	t.Logf("%d of %d callers found no thread and started one", starts.Load(), callers)
	assert.Equal(t, 1, count(t, db, "SELECT count(*) FROM conversations"))
	assert.Equal(t, callers, count(t, db, "SELECT count(*) FROM messages WHERE conversation_id = ?", ids[0]))
	got, err := postgres.NewConversationRepository(db).Get(ctx, ids[0])
	require.NoError(t, err)
	assert.Equal(t, callers, got.Unread(), "an update was lost")
	assertTime(t, now.Add((callers-1)*time.Second), got.LastMessageAt(), "last message at")
}

func TestConversationRepository_List(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewConversationRepository(db)
	ctx := t.Context()
	n1, n2 := saveNumber(t, db, "1001"), saveNumber(t, db, "1002")
	customers := []*customer.Customer{
		newCustomer(t, "C-1", func(d *customer.Details) { d.Name = "Ferretería Andina" }),
		newCustomer(t, "C-2", func(d *customer.Details) { d.Name = "Panadería Sol" }),
	}
	require.NoError(t, postgres.NewCustomerRepository(db).Save(ctx, customers...))
	agent1, agent2 := saveAgent(t, db), saveAgent(t, db)

	conv := func(numberID uuid.UUID, waID, contact string, lastMessage time.Duration, edit func(*conversation.Conversation)) *conversation.Conversation {
		c, err := conversation.Start(newV7(), numberID, waID, contact, now)
		require.NoError(t, err)
		if lastMessage > 0 {
			receiveText(c, "", "hola", now.Add(lastMessage))
		}
		if edit != nil {
			edit(c)
		}
		require.NoError(t, repo.Save(ctx, c))
		return c
	}
	a := conv(n1.ID, "573001110001", "María López", time.Hour, func(c *conversation.Conversation) {
		c.LinkCustomer(customers[0].ID(), now)
	})
	b := conv(n1.ID, "573001110002", "Juan", 2*time.Hour, func(c *conversation.Conversation) {
		c.Assign(newV7(), agent1, agent1, now)
	})
	c := conv(n2.ID, "573001110001", "María L.", 3*time.Hour, func(c *conversation.Conversation) {
		c.Assign(newV7(), agent1, agent1, now)
		_, err := c.Close(newV7(), agent1, now)
		require.NoError(t, err)
	})
	d := conv(n1.ID, "5215512345678", "100% Pedro_x", 0, nil)                              // no message yet: last
	e := conv(n2.ID, "573001110003", "", 2*time.Hour, func(c *conversation.Conversation) { // ties with b
		c.Assign(newV7(), agent2, agent2, now)
		c.LinkCustomer(customers[1].ID(), now)
	})
	// b and e have the same last_message_at: the greater id first.
	be := []uuid.UUID{b.ID(), e.ID()}
	slices.SortFunc(be, func(x, y uuid.UUID) int { return -bytes.Compare(x[:], y[:]) })

	tests := []struct {
		name string
		f    ports.ConversationFilter
		want []uuid.UUID
	}{
		{"all", ports.ConversationFilter{}, []uuid.UUID{c.ID(), be[0], be[1], a.ID(), d.ID()}},
		{"open", ports.ConversationFilter{Status: conversation.Open}, []uuid.UUID{be[0], be[1], a.ID(), d.ID()}},
		{"closed", ports.ConversationFilter{Status: conversation.Closed}, []uuid.UUID{c.ID()}},
		{"assignee", ports.ConversationFilter{AssigneeID: agent1}, []uuid.UUID{c.ID(), b.ID()}},
		{"assignee, open", ports.ConversationFilter{AssigneeID: agent1, Status: conversation.Open}, []uuid.UUID{b.ID()}},
		{"unassigned", ports.ConversationFilter{Unassigned: true}, []uuid.UUID{a.ID(), d.ID()}},
		{"customer", ports.ConversationFilter{CustomerID: customers[0].ID()}, []uuid.UUID{a.ID()}},
		{"wa_id", ports.ConversationFilter{WaID: "573001110001"}, []uuid.UUID{c.ID(), a.ID()}},
		{"contact name, any case", ports.ConversationFilter{Search: "maría"}, []uuid.UUID{c.ID(), a.ID()}},
		{"contact name, open", ports.ConversationFilter{Search: "MARÍA", Status: conversation.Open}, []uuid.UUID{a.ID()}},
		{"customer name", ports.ConversationFilter{Search: "andina"}, []uuid.UUID{a.ID()}},
		{"customer name 2", ports.ConversationFilter{Search: "panadería s"}, []uuid.UUID{e.ID()}},
		{"phone digits", ports.ConversationFilter{Search: "1110001"}, []uuid.UUID{c.ID(), a.ID()}},
		{"phone as written", ports.ConversationFilter{Search: "+57 300 111-0003"}, []uuid.UUID{e.ID()}},
		{"% is a literal", ports.ConversationFilter{Search: "100%"}, []uuid.UUID{d.ID()}},
		{"_ is a literal", ports.ConversationFilter{Search: "o_x"}, []uuid.UUID{d.ID()}},
		{"no match", ports.ConversationFilter{Search: "nobody"}, []uuid.UUID{}},
		{"limit", ports.ConversationFilter{Page: ports.Page{Limit: 2}}, []uuid.UUID{c.ID(), be[0]}},
		{"after a tie", ports.ConversationFilter{Page: ports.Page{After: be[0]}}, []uuid.UUID{be[1], a.ID(), d.ID()}},
		{"after the last with a message", ports.ConversationFilter{Page: ports.Page{After: a.ID()}}, []uuid.UUID{d.ID()}},
		{"after one without message", ports.ConversationFilter{Page: ports.Page{After: d.ID()}}, []uuid.UUID{}},
		{"after, filtered", ports.ConversationFilter{Status: conversation.Open, Page: ports.Page{After: be[1]}}, []uuid.UUID{a.ID(), d.ID()}},
		{"after an unknown id", ports.ConversationFilter{Page: ports.Page{After: uuid.New()}}, []uuid.UUID{}},
	}
	for _, tt := range tests {
		got, err := repo.List(ctx, tt.f)
		require.NoError(t, err, tt.name)
		assert.Equal(t, tt.want, conversationIDs(got), tt.name)
	}

	// Read back whole.
	got, err := repo.List(ctx, ports.ConversationFilter{CustomerID: customers[1].ID()})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assertConversationEqual(t, e, got[0])
}

// TestConversationRepository_ListPages pages through conversations many of
// which share a last_message_at, some with none: every one is seen once,
// in order.
func TestConversationRepository_ListPages(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewConversationRepository(db)
	ctx := t.Context()
	num := saveNumber(t, db, "1001")

	lastMessages := []time.Duration{2, 2, 2, 1, 1, 0, 0, 2, 3} // hours after now; 0: no message
	var all []*conversation.Conversation
	for i, h := range lastMessages {
		c := startConversation(t, num.ID, fmt.Sprintf("5730012300%02d", i))
		if h > 0 {
			receiveText(c, "", "hola", now.Add(h*time.Hour))
		}
		require.NoError(t, repo.Save(ctx, c))
		all = append(all, c)
	}
	// The promised order: last_message_at DESC NULLS LAST, id DESC.
	slices.SortFunc(all, func(x, y *conversation.Conversation) int {
		xt, yt := x.LastMessageAt(), y.LastMessageAt()
		switch {
		case xt.IsZero() != yt.IsZero():
			if xt.IsZero() {
				return 1
			}
			return -1
		case !xt.Equal(yt):
			return yt.Compare(xt)
		}
		xi, yi := x.ID(), y.ID()
		return -bytes.Compare(xi[:], yi[:])
	})

	for _, size := range []int{1, 2, 4, 20} {
		var seen []uuid.UUID
		after := uuid.Nil
		for range len(all) + 2 {
			page, err := repo.List(ctx, ports.ConversationFilter{Page: ports.Page{After: after, Limit: size}})
			require.NoError(t, err)
			require.LessOrEqual(t, len(page), size)
			if len(page) == 0 {
				break
			}
			seen = append(seen, conversationIDs(page)...)
			after = page[len(page)-1].ID()
		}
		assert.Equal(t, conversationIDs(all), seen, "pages of %d", size)
	}
}

// TestConversationRepository_ListUsesIndexes checks that the queries List
// sends for the inbox views read an index in order from the cursor on,
// rather than sorting the table or scanning up to the cursor.
func TestConversationRepository_ListUsesIndexes(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := t.Context()
	num := saveNumber(t, db, "1001")
	agent := saveAgent(t, db)
	quiet := db.Session(&gorm.Session{Logger: logger.Discard}) // slow by design: no warning
	require.NoError(t, quiet.Exec(`
		INSERT INTO conversations (id, number_id, wa_id, status, priority, assignee_id, last_message_at, created_at, updated_at)
		SELECT gen_random_uuid(), ?, (573000000000 + g)::text, CASE WHEN g % 4 = 0 THEN 'closed' ELSE 'open' END,
			'normal', CASE WHEN g % 3 = 0 THEN ?::uuid END,
			CASE WHEN g % 10 <> 0 THEN now() - (g % 500) * interval '1 minute' END, now(), now()
		FROM generate_series(1, 20000) g`, num.ID, agent).Error)
	require.NoError(t, db.Exec("ANALYZE conversations").Error)
	var cursor uuid.UUID
	require.NoError(t, db.Raw(`SELECT id FROM conversations WHERE status = 'open' AND assignee_id IS NOT NULL
		ORDER BY last_message_at DESC NULLS LAST, id DESC OFFSET 500 LIMIT 1`).Row().Scan(&cursor)) // deep in every view

	// Capture what List sends, to EXPLAIN it.
	var sql string
	var vars []any
	require.NoError(t, db.Callback().Query().After("gorm:query").Register("test:capture", func(tx *gorm.DB) {
		if tx.Statement.Table == "conversations" {
			sql, vars = tx.Statement.SQL.String(), slices.Clone(tx.Statement.Vars)
		}
	}))
	sqlDB, err := db.DB()
	require.NoError(t, err)
	repo := postgres.NewConversationRepository(db)
	for name, f := range map[string]ports.ConversationFilter{
		"all":        {},
		"open":       {Status: conversation.Open},
		"unassigned": {Unassigned: true},
		"assignee":   {AssigneeID: agent},
	} {
		f.Page = ports.Page{After: cursor, Limit: 50}
		page, err := repo.List(ctx, f)
		require.NoError(t, err, name)
		require.NotEmpty(t, page, name)

		rows, err := sqlDB.QueryContext(ctx, "EXPLAIN "+sql, vars...)
		require.NoError(t, err, name)
		var plan strings.Builder
		for rows.Next() {
			var line string
			require.NoError(t, rows.Scan(&line))
			plan.WriteString(line + "\n")
		}
		require.NoError(t, rows.Err())
		require.NoError(t, rows.Close())
		assert.Regexp(t, `Index Cond: .*ROW\(COALESCE\(last_message_at`, plan.String(), "%s: the cursor is not an index condition:\n%s", name, plan.String())
		assert.NotContains(t, plan.String(), "Sort", "%s: sorts instead of reading an index in order:\n%s", name, plan.String())
	}
}
