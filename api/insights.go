package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/insight"
	"github.com/saldocrm/saldo/ports"
)

// InsightDeps are the AI insight use cases.
type InsightDeps struct {
	Analyze *application.AnalyzeConversation
	Queries *application.InsightQueries
}

func (h *handlers) insightRoutes(read, write *gin.RouterGroup) {
	read.GET("/conversations/:id/insight", h.latestInsight)
	read.GET("/conversations/:id/insights", h.insightHistory)
	write.POST("/conversations/:id/analyze", h.analyzeNow)
	read.GET("/insights", h.reviewInsights)
}

// PromiseDTO is what a customer promised.
type PromiseDTO struct {
	Amount   string `json:"amount,omitempty" example:"500000.00"`
	Currency string `json:"currency,omitempty" example:"COP"`
	Date     string `json:"date" example:"2026-11-27" format:"date"`
} // @name Promise

// Insight is an analysis of a conversation.
type Insight struct {
	ID             uuid.UUID   `json:"id"`
	ConversationID uuid.UUID   `json:"conversation_id"`
	CustomerID     *uuid.UUID  `json:"customer_id"`
	Summary        string      `json:"summary" example:"María pregunta cuánto debe y promete pagar el viernes."`
	Sentiment      string      `json:"sentiment" enums:"positive,neutral,negative"`
	Topics         []string    `json:"topics" example:"payment,promise_to_pay"`
	Tags           []string    `json:"tags"`
	NextAction     string      `json:"next_action" enums:"send_payment_link,record_promise,escalate,call,close,wait"`
	NextActionText string      `json:"next_action_text"`
	Promise        *PromiseDTO `json:"promise,omitempty"`
	Model          string      `json:"model" example:"offline"`
	InputTokens    int         `json:"input_tokens"`
	OutputTokens   int         `json:"output_tokens"`
	CreatedAt      time.Time   `json:"created_at"`
} // @name Insight

func insightDTO(in *insight.Insight) Insight {
	out := Insight{
		ID: in.ID, ConversationID: in.ConversationID, CustomerID: optID(in.CustomerID), Summary: in.Summary,
		Sentiment: string(in.Sentiment), Topics: []string{}, Tags: in.Tags, NextAction: string(in.NextAction),
		NextActionText: in.NextActionText, Model: in.Model, InputTokens: in.InputTokens, OutputTokens: in.OutputTokens, CreatedAt: in.CreatedAt,
	}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	for _, t := range in.Topics {
		out.Topics = append(out.Topics, string(t))
	}
	if p := in.Promise; p != nil {
		out.Promise = &PromiseDTO{Date: p.Date.String()}
		if !p.Amount.Currency().IsZero() && !p.Amount.IsZero() {
			out.Promise.Amount, out.Promise.Currency = p.Amount.StringFixed(), p.Amount.Currency().Code()
		}
	}
	return out
}

// latestInsight godoc
//
//	@Summary	A conversation's latest AI insight
//	@Tags		insights
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"conversation id (UUID)"
//	@Success	200	{object}	Insight
//	@Failure	404	{object}	ErrorBody	"not analysed yet"
//	@Router		/api/v1/conversations/{id}/insight [get]
func (h *handlers) latestInsight(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	in, err := h.Insights.Queries.Latest(c.Request.Context(), id)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, insightDTO(in))
}

// insightHistory godoc
//
//	@Summary	A conversation's AI insights, newest first
//	@Tags		insights
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path	string	true	"conversation id (UUID)"
//	@Success	200	{array}	Insight
//	@Router		/api/v1/conversations/{id}/insights [get]
func (h *handlers) insightHistory(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	list, err := h.Insights.Queries.History(c.Request.Context(), id)
	if err != nil {
		_ = c.Error(err)
		return
	}
	out := make([]Insight, len(list))
	for i, in := range list {
		out[i] = insightDTO(in)
	}
	c.JSON(http.StatusOK, out)
}

// analyzeNow godoc
//
//	@Summary		Analyse a conversation now
//	@Description	Runs the configured analyzer (OpenAI, or the offline one) and stores the insight beside the earlier ones.
//	@Tags			insights
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"conversation id (UUID)"
//	@Success		201	{object}	Insight
//	@Failure		404	{object}	ErrorBody
//	@Failure		409	{object}	ErrorBody	"AI is off for the conversation"
//	@Failure		422	{object}	ErrorBody	"nothing to analyse"
//	@Router			/api/v1/conversations/{id}/analyze [post]
func (h *handlers) analyzeNow(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	in, err := h.Insights.Analyze.Handle(c.Request.Context(), id)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusCreated, insightDTO(in))
}

// InsightReviewRow is a conversation's latest insight in the review list.
type InsightReviewRow struct {
	Insight       Insight `json:"insight"`
	ContactName   string  `json:"contact_name"`
	CustomerName  string  `json:"customer_name"`
	AssigneeName  string  `json:"assignee_name"`
	NumberName    string  `json:"number_name"`
	OverdueAmount string  `json:"overdue_at_stake" example:"COP 1250000.00"`
} // @name InsightReviewRow

// reviewInsights godoc
//
//	@Summary		The managers' review list: each conversation's latest insight
//	@Description	Filtered by sentiment, topic, agent, number and date range; the largest overdue amount at stake first.
//	@Tags			insights
//	@Produce		json
//	@Security		BearerAuth
//	@Param			sentiment	query	string	false	"positive, neutral or negative"
//	@Param			topic		query	string	false	"payment, promise_to_pay, dispute, payment_difficulty, wrong_customer, support or other"
//	@Param			agent_id	query	string	false	"assignee (UUID)"
//	@Param			number_id	query	string	false	"business number (UUID)"
//	@Param			from		query	string	false	"created at or after (RFC 3339)"
//	@Param			to			query	string	false	"created before (RFC 3339)"
//	@Success		200			{array}	InsightReviewRow
//	@Failure		400			{object}	ErrorBody
//	@Failure		422			{object}	ErrorBody
//	@Router			/api/v1/insights [get]
func (h *handlers) reviewInsights(c *gin.Context) {
	f := ports.InsightFilter{Limit: 200}
	var err error
	if s := c.Query("sentiment"); s != "" {
		if f.Sentiment, err = insight.ParseSentiment(s); err != nil {
			_ = c.Error(err)
			return
		}
	}
	if s := c.Query("topic"); s != "" {
		if f.Topic, err = insight.ParseTopic(s); err != nil {
			_ = c.Error(err)
			return
		}
	}
	if f.AssigneeID, err = queryID(c, "agent_id"); err != nil {
		_ = c.Error(err)
		return
	}
	if f.NumberID, err = queryID(c, "number_id"); err != nil {
		_ = c.Error(err)
		return
	}
	for name, dst := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if s := c.Query(name); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				_ = c.Error(errBadRequest("invalid_"+name, err))
				return
			}
			*dst = t
		}
	}
	rows, _, err := h.Insights.Queries.Review(c.Request.Context(), f)
	if err != nil {
		_ = c.Error(err)
		return
	}
	out := make([]InsightReviewRow, len(rows))
	for i, r := range rows {
		in := r.Insight
		out[i] = InsightReviewRow{
			Insight: insightDTO(&in), ContactName: r.ContactName, CustomerName: r.CustomerName,
			AssigneeName: r.AssigneeName, NumberName: r.NumberName, OverdueAmount: r.OverdueAmount,
		}
	}
	c.JSON(http.StatusOK, out)
}
