package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/phone"
	"github.com/saldocrm/saldo/ports"
)

// WhatsAppDeps are the WhatsApp channel's use cases and webhook settings.
type WhatsAppDeps struct {
	Verify      func(body []byte, signature string) bool // checks X-Hub-Signature-256
	VerifyToken string
	Receive     *application.ReceiveWhatsAppWebhook
	Queries     *application.ConversationQueries
	Send        *application.SendMessage
	Start       *application.StartConversation
	Manage      *application.ManageConversation
}

func (h *handlers) whatsappRoutes(r *gin.Engine, read, write *gin.RouterGroup) {
	r.GET("/webhooks/whatsapp", h.whatsappVerify)
	r.POST("/webhooks/whatsapp", h.whatsappWebhook)

	read.GET("/conversations", h.listConversations)
	read.GET("/conversations/:id", h.getConversation)
	read.GET("/conversations/:id/messages", h.listMessages)
	write.POST("/conversations/:id/messages", h.sendMessage)
	write.POST("/messages", h.startConversation)
	write.POST("/conversations/:id/close", h.closeConversation)
	write.POST("/conversations/:id/reopen", h.reopenConversation)
	write.POST("/conversations/:id/assign", h.assignConversation)
	write.POST("/conversations/:id/link", h.linkConversation)
	write.POST("/conversations/:id/notes", h.addNote)
	write.PATCH("/conversations/:id", h.patchConversation)
}

// listConversations godoc
//
//	@Summary	List conversations, most recent activity first
//	@Tags		conversations
//	@Produce	json
//	@Security	BearerAuth
//	@Param		status		query		string	false	"open or closed"
//	@Param		assignee_id	query		string	false	"agent id (UUID)"
//	@Param		unassigned	query		bool	false	"open conversations without an assignee"
//	@Param		customer_id	query		string	false	"customer id (UUID)"
//	@Param		phone		query		string	false	"the customer's number, any format"
//	@Param		search		query		string	false	"part of the contact's or customer's name, or of the number"
//	@Param		limit		query		int		false	"page size, 1 to 500 (default 50)"
//	@Param		cursor		query		string	false	"next_cursor of the previous page"
//	@Success	200			{object}	ConversationPage
//	@Failure	400			{object}	ErrorBody
//	@Failure	401			{object}	ErrorBody
//	@Router		/api/v1/conversations [get]
func (h *handlers) listConversations(c *gin.Context) {
	f, err := conversationFilter(c)
	if err != nil {
		_ = c.Error(err)
		return
	}
	items, more, err := h.WhatsApp.Queries.List(c.Request.Context(), f)
	if err != nil {
		_ = c.Error(err)
		return
	}
	now := h.Clock.Now()
	var out ConversationPage
	out.Items, out.NextCursor = pageItems(items, more, (*conversation.Conversation).ID,
		func(c *conversation.Conversation) Conversation { return conversationDTO(c, now) })
	c.JSON(http.StatusOK, out)
}

func conversationFilter(c *gin.Context) (ports.ConversationFilter, error) {
	var f ports.ConversationFilter
	var err error
	if f.Page, err = page(c); err != nil {
		return f, err
	}
	if s := c.Query("status"); s != "" {
		if f.Status, err = conversation.ParseStatus(s); err != nil {
			return f, err
		}
	}
	if f.AssigneeID, err = queryID(c, "assignee_id"); err != nil {
		return f, err
	}
	if f.CustomerID, err = queryID(c, "customer_id"); err != nil {
		return f, err
	}
	if s := c.Query("unassigned"); s != "" {
		if f.Unassigned, err = strconv.ParseBool(s); err != nil {
			return f, errBadRequest("invalid_unassigned", errors.New("unassigned must be true or false"))
		}
	}
	if s := c.Query("phone"); s != "" {
		n, err := phone.Parse(s)
		if err != nil {
			return f, err
		}
		f.WaID = n.Digits()
	}
	f.Search = strings.TrimSpace(c.Query("search"))
	return f, nil
}

func queryID(c *gin.Context, name string) (uuid.UUID, error) {
	s := c.Query(name)
	if s == "" {
		return uuid.Nil, nil
	}
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, errBadRequest("invalid_"+name, errors.New(name+" must be a UUID"))
	}
	return id, nil
}

// getConversation godoc
//
//	@Summary	Get a conversation
//	@Tags		conversations
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"conversation id (UUID)"
//	@Success	200	{object}	Conversation
//	@Failure	404	{object}	ErrorBody
//	@Router		/api/v1/conversations/{id} [get]
func (h *handlers) getConversation(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	conv, err := h.WhatsApp.Queries.Get(c.Request.Context(), id)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, conversationDTO(conv, h.Clock.Now()))
}

// listMessages godoc
//
//	@Summary	A conversation's messages, oldest first
//	@Tags		conversations
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id		path		string	true	"conversation id (UUID)"
//	@Param		limit	query		int		false	"page size, 1 to 500 (default 50)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	MessagePage
//	@Failure	404		{object}	ErrorBody
//	@Router		/api/v1/conversations/{id}/messages [get]
func (h *handlers) listMessages(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	p, err := page(c)
	if err != nil {
		_ = c.Error(err)
		return
	}
	items, more, err := h.WhatsApp.Queries.Messages(c.Request.Context(), id, p)
	if err != nil {
		_ = c.Error(err)
		return
	}
	var out MessagePage
	out.Items, out.NextCursor = pageItems(items, more, (*conversation.Message).ID, messageDTO)
	c.JSON(http.StatusOK, out)
}

// sendMessage godoc
//
//	@Summary		Send a message in a conversation
//	@Description	Text is only accepted inside the 24-hour customer service window (otherwise 422 window_closed: send an approved template). Templates must be approved and get exactly their number of body parameters. The message is stored (202, status pending) and sent in the background; its status then moves to sent, delivered, read, or failed with WhatsApp's code and reason.
//	@Tags			conversations
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string				true	"conversation id (UUID)"
//	@Param			message	body		SendMessageRequest	true	"the message"
//	@Success		202		{object}	Message
//	@Failure		400		{object}	ErrorBody
//	@Failure		404		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/conversations/{id}/messages [post]
func (h *handlers) sendMessage(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	var in SendMessageRequest
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	m, err := h.WhatsApp.Send.Handle(c.Request.Context(), application.SendMessageCommand{ConversationID: id, Content: in.content(), AuthorID: h.actor(c)})
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusAccepted, messageDTO(m))
}

// startConversation godoc
//
//	@Summary		Write to a customer first, with a template
//	@Description	Sends an approved template to the customer's phone from the default (or given) business number, in the conversation with that number, created and linked to the customer when new. 422 when the customer has no phone or opted out.
//	@Tags			conversations
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			message	body		StartConversationRequest	true	"the customer and the template"
//	@Success		202		{object}	Message
//	@Failure		400		{object}	ErrorBody
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/messages [post]
func (h *handlers) startConversation(c *gin.Context) {
	var in StartConversationRequest
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	if in.CustomerID == uuid.Nil {
		_ = c.Error(errBadRequest("missing_customer_id", errors.New("customer_id is required")))
		return
	}
	cmd := application.StartConversationCommand{
		CustomerID: in.CustomerID, AuthorID: h.actor(c),
		Content: SendMessageRequest{Type: "template", Template: in.Template}.content(),
	}
	if in.NumberID != nil {
		cmd.NumberID = *in.NumberID
	}
	if in.Type != "" && in.Type != "template" {
		_ = c.Error(errTemplateRequired)
		return
	}
	m, err := h.WhatsApp.Start.Handle(c.Request.Context(), cmd)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusAccepted, messageDTO(m))
}

var errTemplateRequired = domain.Errorf(domain.KindInvalid, "template_required",
	"a conversation is started with an approved template: WhatsApp delivers nothing else to a customer who has not written in the last 24 hours")

// actor is who is acting: an agent (the console, later) or nobody for an API key.
func (h *handlers) actor(*gin.Context) uuid.UUID { return uuid.Nil }

// conversationAct runs one of the agents' acts on the conversation in the path.
func (h *handlers) conversationAct(c *gin.Context, act func(id uuid.UUID) (*conversation.Conversation, error)) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	conv, err := act(id)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, conversationDTO(conv, h.Clock.Now()))
}

// closeConversation godoc
//
//	@Summary	Close a conversation (it reopens when the customer writes)
//	@Tags		conversations
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"conversation id (UUID)"
//	@Success	200	{object}	Conversation
//	@Failure	404	{object}	ErrorBody
//	@Failure	409	{object}	ErrorBody
//	@Router		/api/v1/conversations/{id}/close [post]
func (h *handlers) closeConversation(c *gin.Context) {
	h.conversationAct(c, func(id uuid.UUID) (*conversation.Conversation, error) {
		return h.WhatsApp.Manage.Close(c.Request.Context(), id, h.actor(c))
	})
}

// reopenConversation godoc
//
//	@Summary	Reopen a closed conversation
//	@Tags		conversations
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"conversation id (UUID)"
//	@Success	200	{object}	Conversation
//	@Failure	404	{object}	ErrorBody
//	@Failure	409	{object}	ErrorBody
//	@Router		/api/v1/conversations/{id}/reopen [post]
func (h *handlers) reopenConversation(c *gin.Context) {
	h.conversationAct(c, func(id uuid.UUID) (*conversation.Conversation, error) {
		return h.WhatsApp.Manage.Reopen(c.Request.Context(), id, h.actor(c))
	})
}

// assignConversation godoc
//
//	@Summary	Assign a conversation to an agent, or unassign it
//	@Tags		conversations
//	@Accept		json
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id		path		string			true	"conversation id (UUID)"
//	@Param		assign	body		AssignRequest	true	"the agent; null unassigns"
//	@Success	200		{object}	Conversation
//	@Failure	404		{object}	ErrorBody
//	@Router		/api/v1/conversations/{id}/assign [post]
func (h *handlers) assignConversation(c *gin.Context) {
	var in AssignRequest
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	h.conversationAct(c, func(id uuid.UUID) (*conversation.Conversation, error) {
		assignee := uuid.Nil
		if in.AssigneeID != nil {
			assignee = *in.AssigneeID
		}
		return h.WhatsApp.Manage.Assign(c.Request.Context(), id, assignee, h.actor(c))
	})
}

// linkConversation godoc
//
//	@Summary	Link a conversation to a customer
//	@Tags		conversations
//	@Accept		json
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id		path		string		true	"conversation id (UUID)"
//	@Param		link	body		LinkRequest	true	"the customer"
//	@Success	200		{object}	Conversation
//	@Failure	404		{object}	ErrorBody
//	@Router		/api/v1/conversations/{id}/link [post]
func (h *handlers) linkConversation(c *gin.Context) {
	var in LinkRequest
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	h.conversationAct(c, func(id uuid.UUID) (*conversation.Conversation, error) {
		return h.WhatsApp.Manage.Link(c.Request.Context(), id, in.CustomerID, h.actor(c))
	})
}

// patchConversation godoc
//
//	@Summary	Change a conversation's priority, tags or AI flag
//	@Tags		conversations
//	@Accept		json
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id		path		string				true	"conversation id (UUID)"
//	@Param		patch	body		ConversationPatch	true	"the fields to change"
//	@Success	200		{object}	Conversation
//	@Failure	404		{object}	ErrorBody
//	@Failure	422		{object}	ErrorBody
//	@Router		/api/v1/conversations/{id} [patch]
func (h *handlers) patchConversation(c *gin.Context) {
	var in ConversationPatch
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	u := application.ConversationUpdate{Tags: in.Tags, AIEnabled: in.AIEnabled}
	if in.Priority != nil {
		p, err := conversation.ParsePriority(*in.Priority)
		if err != nil {
			_ = c.Error(err)
			return
		}
		u.Priority = &p
	}
	h.conversationAct(c, func(id uuid.UUID) (*conversation.Conversation, error) {
		return h.WhatsApp.Manage.Update(c.Request.Context(), id, u)
	})
}

// addNote godoc
//
//	@Summary	Add an internal note (never sent to the customer)
//	@Tags		conversations
//	@Accept		json
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id		path		string		true	"conversation id (UUID)"
//	@Param		note	body		NoteRequest	true	"the note"
//	@Success	201		{object}	Message
//	@Failure	404		{object}	ErrorBody
//	@Failure	422		{object}	ErrorBody
//	@Router		/api/v1/conversations/{id}/notes [post]
func (h *handlers) addNote(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	var in NoteRequest
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	m, err := h.WhatsApp.Manage.AddNote(c.Request.Context(), id, in.Text, h.actor(c))
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusCreated, messageDTO(m))
}
