package console

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/insight"
	"github.com/saldocrm/saldo/domain/paymentlink"
	"github.com/saldocrm/saldo/domain/template"
	"github.com/saldocrm/saldo/domain/user"
	"github.com/saldocrm/saldo/ports"
)

func (c *console) inboxRoutes(g *gin.RouterGroup) {
	g.GET("/inbox", c.inbox)
	g.GET("/inbox/list", c.inboxList)
	g.GET("/inbox/c/:id/chat", c.chatFragment)
	g.GET("/inbox/c/:id/panel", c.panelFragment)
	g.GET("/inbox/c/:id/link-search", c.linkSearch)
	g.POST("/inbox/c/:id/messages", c.sendText)
	g.POST("/inbox/c/:id/template", c.sendTemplate)
	g.POST("/inbox/c/:id/notes", c.addNote)
	g.POST("/inbox/c/:id/payment-link", c.createLink)
	g.POST("/inbox/c/:id/close", c.act(func(ctx context.Context, c *console, id uuid.UUID, u *user.User, _ *gin.Context) error {
		_, err := c.Manage.Close(ctx, id, u.ID())
		return err
	}))
	g.POST("/inbox/c/:id/reopen", c.act(func(ctx context.Context, c *console, id uuid.UUID, u *user.User, _ *gin.Context) error {
		_, err := c.Manage.Reopen(ctx, id, u.ID())
		return err
	}))
	g.POST("/inbox/c/:id/assign", c.act(assign))
	g.POST("/inbox/c/:id/settings", c.act(settings))
	g.POST("/inbox/c/:id/link", c.act(func(ctx context.Context, c *console, id uuid.UUID, u *user.User, g *gin.Context) error {
		cid, err := uuid.Parse(g.PostForm("customer_id"))
		if err != nil {
			return domain.Invalid("invalid_customer", "choose a customer")
		}
		_, err = c.Manage.Link(ctx, id, cid, u.ID())
		return err
	}))
	g.POST("/inbox/c/:id/read", c.act(func(ctx context.Context, c *console, id uuid.UUID, _ *user.User, _ *gin.Context) error {
		_, err := c.MarkRead.Handle(ctx, id)
		return err
	}))
}

// InboxView is the inbox page: the list, and the selected conversation.
type InboxView struct {
	View     ports.InboxView
	Search   string
	Oldest   bool
	Counts   ports.InboxCounts
	Rows     []ports.InboxRow
	Selected uuid.UUID
	Chat     *ChatView
	Panel    *PanelView
}

// Views lists the inbox views in the order the console shows them.
func (InboxView) Views() []ports.InboxView {
	return []ports.InboxView{ports.ViewUnassigned, ports.ViewMine, ports.ViewOpen, ports.ViewClosed, ports.ViewAll}
}

// Count returns how many conversations view holds.
func (v InboxView) Count(view ports.InboxView) int {
	switch view {
	case ports.ViewUnassigned:
		return v.Counts.Unassigned
	case ports.ViewMine:
		return v.Counts.Mine
	case ports.ViewOpen:
		return v.Counts.Open
	case ports.ViewClosed:
		return v.Counts.Closed
	}
	return v.Counts.All
}

// Query returns the list's query string with the conversation c selected.
func (v InboxView) Query(c uuid.UUID) string {
	q := "view=" + string(v.View)
	if v.Search != "" {
		q += "&q=" + urlEscape(v.Search)
	}
	if v.Oldest {
		q += "&sort=oldest"
	}
	if c != uuid.Nil {
		q += "&c=" + c.String()
	}
	return q
}

func (c *console) inboxFilter(ctx *gin.Context) InboxView {
	v := InboxView{View: ports.InboxView(ctx.Query("view")), Search: strings.TrimSpace(ctx.Query("q")), Oldest: ctx.Query("sort") == "oldest"}
	switch v.View {
	case ports.ViewUnassigned, ports.ViewMine, ports.ViewOpen, ports.ViewClosed, ports.ViewAll:
	default:
		v.View = ports.ViewOpen
	}
	v.Selected, _ = uuid.Parse(ctx.Query("c"))
	return v
}

func (c *console) loadList(ctx *gin.Context, v *InboxView) error {
	u, _ := viewer(ctx)
	rows, counts, err := c.Inbox.Handle(ctx.Request.Context(), u, ports.InboxFilter{View: v.View, Search: v.Search, Oldest: v.Oldest, Limit: 200})
	v.Rows, v.Counts = rows, counts
	return err
}

func (c *console) inbox(ctx *gin.Context) {
	v := c.inboxFilter(ctx)
	if err := c.loadList(ctx, &v); err != nil {
		c.fail(ctx, err)
		return
	}
	if v.Selected != uuid.Nil {
		chat, panel, err := c.loadConversation(ctx, v.Selected, "")
		switch {
		case errors.Is(err, conversation.ErrNotFound):
			v.Selected = uuid.Nil
		case err != nil:
			c.fail(ctx, err)
			return
		default:
			v.Chat, v.Panel = chat, panel
		}
	}
	p := c.page(ctx, "inbox", T(c.lang(ctx), "inbox"), v)
	c.render(ctx, http.StatusOK, "inbox.html", p)
}

func (c *console) inboxList(ctx *gin.Context) {
	v := c.inboxFilter(ctx)
	if err := c.loadList(ctx, &v); err != nil {
		c.fail(ctx, err)
		return
	}
	c.render(ctx, http.StatusOK, "list", c.page(ctx, "inbox", "", v))
}

func (c *console) lang(ctx *gin.Context) Lang {
	if u, _ := viewer(ctx); u != nil {
		return parseLang(string(u.Language()))
	}
	return ES
}

// visible returns conversation id if the viewer may see it; otherwise the
// conversation does not exist for them.
func (c *console) visible(ctx *gin.Context, id uuid.UUID) (*conversation.Conversation, error) {
	conv, err := c.Conversations.Get(ctx.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	if u, _ := viewer(ctx); u == nil || !u.CanSeeConversation(conv.AssigneeID()) {
		return nil, conversation.ErrNotFound.New(id)
	}
	return conv, nil
}

// ChatView is the center pane.
type ChatView struct {
	Conv        *conversation.Conversation
	Title       string
	Days        []Day
	WindowOpen  bool
	WindowLeft  time.Duration
	Templates   []*template.Template
	Users       []*user.User
	CanAssign   bool
	AuthorNames map[uuid.UUID]string
	Error       string
	Draft       string
}

// Day is the messages of one day in the organization's time zone.
type Day struct {
	Date     date.Date
	Messages []*conversation.Message
}

// PanelView is the right pane: the linked customer's account, or the search
// to link one.
type PanelView struct {
	Insight  *insight.Insight
	Links    []*paymentlink.Link
	Conv     *conversation.Conversation
	Summary  *application.CustomerSummaryView
	Notes    []*conversation.Message
	Search   string
	Results  []*customer.Customer
	Searched bool
}

func (c *console) loadConversation(ctx *gin.Context, id uuid.UUID, search string) (*ChatView, *PanelView, error) {
	conv, err := c.visible(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	chat, err := c.chat(ctx, conv)
	if err != nil {
		return nil, nil, err
	}
	panel, err := c.panel(ctx, conv, chat, search)
	return chat, panel, err
}

func (c *console) chat(ctx *gin.Context, conv *conversation.Conversation) (*ChatView, error) {
	rctx := ctx.Request.Context()
	now := c.Clock.Now()
	msgs, err := c.Conversations.Latest(rctx, conv.ID(), 200)
	if err != nil {
		return nil, err
	}
	ts, err := c.Templates.Handle(rctx)
	if err != nil {
		return nil, err
	}
	users, err := c.ListUsers.Handle(rctx)
	if err != nil {
		return nil, err
	}
	u, _ := viewer(ctx)
	v := &ChatView{
		Conv: conv, WindowOpen: conv.WindowOpen(now), WindowLeft: conv.WindowClosesAt().Sub(now),
		Users: users, CanAssign: u.CanAssignOthers(), AuthorNames: map[uuid.UUID]string{},
	}
	for _, t := range ts {
		if t.Status() == template.Approved {
			v.Templates = append(v.Templates, t)
		}
	}
	for _, us := range users {
		v.AuthorNames[us.ID()] = us.Name()
	}
	for _, m := range msgs {
		d := date.Of(messageTime(m), c.Org.Location)
		if len(v.Days) == 0 || !v.Days[len(v.Days)-1].Date.Equal(d) {
			v.Days = append(v.Days, Day{Date: d})
		}
		v.Days[len(v.Days)-1].Messages = append(v.Days[len(v.Days)-1].Messages, m)
	}
	return v, nil
}

// messageTime is when a message happened: when the customer sent it, or
// when it was written here.
func messageTime(m *conversation.Message) time.Time {
	if m.Direction() == conversation.Inbound && !m.SentAt().IsZero() {
		return m.SentAt()
	}
	return m.CreatedAt()
}

func (c *console) panel(ctx *gin.Context, conv *conversation.Conversation, chat *ChatView, search string) (*PanelView, error) {
	rctx := ctx.Request.Context()
	p := &PanelView{Conv: conv, Search: search}
	for _, d := range chat.Days {
		for _, m := range d.Messages {
			if m.Content().Type == conversation.Note {
				p.Notes = append(p.Notes, m)
			}
		}
	}
	if in, err := c.Insights.Latest(rctx, conv.ID()); err == nil {
		p.Insight = in
	} else if !errors.Is(err, insight.ErrNotFound) {
		return nil, err
	}
	if conv.CustomerID() != uuid.Nil {
		s, err := c.Summary.Handle(rctx, conv.CustomerID())
		if err != nil {
			return nil, err
		}
		p.Summary = &s
		if p.Links, err = c.Links.ByCustomer(rctx, conv.CustomerID()); err != nil {
			return nil, err
		}
		return p, nil
	}
	if search != "" {
		res, _, err := c.ListCustomers.Handle(rctx, ports.CustomerFilter{Search: search, Page: ports.Page{Limit: 8}})
		if err != nil {
			return nil, err
		}
		p.Results, p.Searched = res, true
	}
	return p, nil
}

func (c *console) conversationID(ctx *gin.Context) (uuid.UUID, bool) {
	id, err := uuid.Parse(ctx.Param("id"))
	if err != nil {
		ctx.String(http.StatusNotFound, T(c.lang(ctx), "not_found"))
		return uuid.Nil, false
	}
	return id, true
}

// visibleID reads the conversation in the path and checks the viewer may
// see it; otherwise it answers (404) and reports false.
func (c *console) visibleID(ctx *gin.Context) (uuid.UUID, bool) {
	id, ok := c.conversationID(ctx)
	if !ok {
		return uuid.Nil, false
	}
	if _, err := c.visible(ctx, id); err != nil {
		c.fail(ctx, err)
		return uuid.Nil, false
	}
	return id, true
}

func (c *console) chatFragment(ctx *gin.Context) {
	c.renderChat(ctx, "", "")
}

func (c *console) renderChat(ctx *gin.Context, errMsg, draft string) {
	id, ok := c.conversationID(ctx)
	if !ok {
		return
	}
	conv, err := c.visible(ctx, id)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	chat, err := c.chat(ctx, conv)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	chat.Error, chat.Draft = errMsg, draft
	status := http.StatusOK
	if errMsg != "" {
		status = http.StatusUnprocessableEntity
	}
	c.render(ctx, status, "chat", c.page(ctx, "inbox", "", chat))
}

func (c *console) panelFragment(ctx *gin.Context) {
	c.renderPanel(ctx, "")
}

func (c *console) linkSearch(ctx *gin.Context) {
	c.renderPanel(ctx, strings.TrimSpace(ctx.Query("q")))
}

func (c *console) renderPanel(ctx *gin.Context, search string) {
	id, ok := c.conversationID(ctx)
	if !ok {
		return
	}
	_, panel, err := c.loadConversation(ctx, id, search)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	c.render(ctx, http.StatusOK, "panel", c.page(ctx, "inbox", "", panel))
}

// fetched reports whether the console's script made the request (it wants
// a fragment back) rather than a plain form post (it wants a page).
func fetched(ctx *gin.Context) bool { return ctx.GetHeader("X-Requested-With") == "fetch" }

// done answers a successful action: the fresh chat for the script, or back
// to the inbox for a plain form.
func (c *console) done(ctx *gin.Context, id uuid.UUID) {
	if c.Publish != nil {
		c.Publish(ctx.Request.Context(), ports.Event{Kind: "conversation", ConversationID: id})
	}
	if fetched(ctx) {
		c.renderChat(ctx, "", "")
		return
	}
	ctx.Redirect(http.StatusSeeOther, "/inbox?c="+id.String())
}

// refused answers a refused action with the reason in the viewer's language.
func (c *console) refused(ctx *gin.Context, id uuid.UUID, err error, draft string) {
	if domain.KindOf(err) == domain.KindInternal {
		c.fail(ctx, err)
		return
	}
	msg := explain(c.lang(ctx), err)
	if fetched(ctx) {
		c.renderChat(ctx, msg, draft)
		return
	}
	ctx.Redirect(http.StatusSeeOther, "/inbox?c="+id.String()+"&error="+urlEscape(msg))
}

// explain turns a domain error into a sentence for the agent.
func explain(l Lang, err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		if s := T(l, "err_"+de.Code()); s != "err_"+de.Code() {
			return s
		}
		return de.Message()
	}
	return T(l, "internal_error")
}

func (c *console) sendText(ctx *gin.Context) {
	id, ok := c.visibleID(ctx)
	if !ok {
		return
	}
	u, _ := viewer(ctx)
	text := ctx.PostForm("text")
	_, err := c.Send.Handle(ctx.Request.Context(), application.SendMessageCommand{
		ConversationID: id, AuthorID: u.ID(), Content: conversation.Content{Type: conversation.Text, Text: strings.TrimSpace(text)},
	})
	if err != nil {
		c.refused(ctx, id, err, text)
		return
	}
	c.done(ctx, id)
}

func (c *console) sendTemplate(ctx *gin.Context) {
	id, ok := c.visibleID(ctx)
	if !ok {
		return
	}
	u, _ := viewer(ctx)
	name, lang, _ := strings.Cut(ctx.PostForm("template"), "|")
	tc := &conversation.TemplateContent{Name: name, Language: lang}
	for i := 1; ; i++ {
		v, ok := ctx.GetPostForm("p" + strconv.Itoa(i))
		if !ok {
			break
		}
		tc.BodyParams = append(tc.BodyParams, strings.TrimSpace(v))
	}
	if v := strings.TrimSpace(ctx.PostForm("button_url")); v != "" {
		tc.Buttons = append(tc.Buttons, conversation.TemplateButtonParam{Index: 0, SubType: "url", Text: v})
	}
	for _, p := range tc.BodyParams {
		if p == "" {
			c.refused(ctx, id, domain.Invalid("template_parameters", "fill every variable"), "")
			return
		}
	}
	_, err := c.Send.Handle(ctx.Request.Context(), application.SendMessageCommand{
		ConversationID: id, AuthorID: u.ID(), Content: conversation.Content{Type: conversation.Template, Template: tc},
	})
	if err != nil {
		c.refused(ctx, id, err, "")
		return
	}
	c.done(ctx, id)
}

func (c *console) addNote(ctx *gin.Context) {
	id, ok := c.visibleID(ctx)
	if !ok {
		return
	}
	u, _ := viewer(ctx)
	if _, err := c.Manage.AddNote(ctx.Request.Context(), id, ctx.PostForm("text"), u.ID()); err != nil {
		c.refused(ctx, id, err, "")
		return
	}
	c.done(ctx, id)
}

type action func(ctx context.Context, c *console, id uuid.UUID, u *user.User, g *gin.Context) error

// act runs an action on a conversation the viewer may see.
func (c *console) act(fn action) gin.HandlerFunc {
	return func(ctx *gin.Context) {
		id, ok := c.visibleID(ctx)
		if !ok {
			return
		}
		u, _ := viewer(ctx)
		if err := fn(ctx.Request.Context(), c, id, u, ctx); err != nil {
			c.refused(ctx, id, err, "")
			return
		}
		c.done(ctx, id)
	}
}

var errAssignOthers = domain.Errorf(domain.KindForbidden, "assign_others", "agents can only take conversations for themselves")

func assign(ctx context.Context, c *console, id uuid.UUID, u *user.User, g *gin.Context) error {
	to := g.PostForm("assignee")
	var assignee uuid.UUID
	switch to {
	case "me":
		assignee = u.ID()
	case "", "none":
	default:
		var err error
		if assignee, err = uuid.Parse(to); err != nil {
			return domain.Invalid("invalid_assignee", "choose an agent")
		}
	}
	if !u.CanAssignOthers() {
		switch assignee {
		case u.ID(): // taking it: refused if another agent took it first
			_, err := c.Manage.Take(ctx, id, u.ID())
			return err
		case uuid.Nil: // releasing their own (they only see their own or unassigned)
		default:
			return errAssignOthers
		}
	}
	_, err := c.Manage.Assign(ctx, id, assignee, u.ID())
	return err
}

func settings(ctx context.Context, c *console, id uuid.UUID, _ *user.User, g *gin.Context) error {
	var upd application.ConversationUpdate
	if s, ok := g.GetPostForm("priority"); ok {
		p, err := conversation.ParsePriority(s)
		if err != nil {
			return err
		}
		upd.Priority = &p
	}
	if s, ok := g.GetPostForm("tags"); ok {
		var tags []string
		for _, t := range strings.Split(s, ",") {
			if t = strings.TrimSpace(t); t != "" {
				tags = append(tags, t)
			}
		}
		upd.Tags = &tags
	}
	if s, ok := g.GetPostForm("ai"); ok {
		on := s == "on"
		upd.AIEnabled = &on
	}
	_, err := c.Manage.Update(ctx, id, upd)
	return err
}

// fail answers an error that is not the agent's doing.
func (c *console) fail(ctx *gin.Context, err error) {
	switch domain.KindOf(err) {
	case domain.KindNotFound:
		ctx.String(http.StatusNotFound, T(c.lang(ctx), "not_found"))
	case domain.KindForbidden:
		ctx.String(http.StatusForbidden, explain(c.lang(ctx), err))
	default:
		c.Log.ErrorContext(ctx.Request.Context(), "console", "path", ctx.FullPath(), "error", err)
		ctx.String(http.StatusInternalServerError, T(c.lang(ctx), "internal_error"))
	}
}
