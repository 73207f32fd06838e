package console

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/insight"
	"github.com/saldocrm/saldo/ports"
)

func (c *console) insightRoutes(g *gin.RouterGroup) {
	g.POST("/inbox/c/:id/analyze", c.analyze)
	g.POST("/inbox/c/:id/assist", c.assist)
	g.GET("/insights", c.review)
	g.GET("/settings/ai", c.aiSettings)
	g.POST("/settings/ai", c.saveAISettings)
}

// analyze runs an analysis now (the "Analizar" button).
func (c *console) analyze(ctx *gin.Context) {
	id, ok := c.visibleID(ctx)
	if !ok {
		return
	}
	if _, err := c.Analyze.Handle(ctx.Request.Context(), id); err != nil {
		c.refused(ctx, id, err, "")
		return
	}
	c.done(ctx, id)
}

// assist answers the composer's "suggest a reply" with plain text.
func (c *console) assist(ctx *gin.Context) {
	id, ok := c.visibleID(ctx)
	if !ok {
		return
	}
	text, err := c.Analyze.Draft(ctx.Request.Context(), id, ctx.PostForm("text"))
	if err != nil {
		c.Log.WarnContext(ctx.Request.Context(), "reply assist", "error", err)
		ctx.String(http.StatusBadGateway, T(c.lang(ctx), "assist_failed"))
		return
	}
	ctx.String(http.StatusOK, text)
}

// ReviewView is the manager's review page.
type ReviewView struct {
	Filter    ReviewFilter
	Rows      []ports.InsightRow
	Trend     []ports.WeekCount
	MaxWeek   int
	Users     []userOption
	Topics    []insight.Topic
	Sentiment []insight.Sentiment
}

// ReviewFilter is the review page's filters, as typed.
type ReviewFilter struct {
	Sentiment, Topic, Agent, From, To string
}

type userOption struct {
	ID   uuid.UUID
	Name string
}

func (c *console) review(ctx *gin.Context) {
	u, _ := viewer(ctx)
	if !u.CanSeeReports() {
		ctx.String(http.StatusForbidden, T(c.lang(ctx), "forbidden"))
		return
	}
	v := ReviewView{Topics: insight.Topics, Sentiment: []insight.Sentiment{insight.Positive, insight.Neutral, insight.Negative}}
	v.Filter = ReviewFilter{Sentiment: ctx.Query("sentiment"), Topic: ctx.Query("topic"), Agent: ctx.Query("agent"), From: ctx.Query("from"), To: ctx.Query("to")}
	f := ports.InsightFilter{Limit: 200}
	if s, err := insight.ParseSentiment(v.Filter.Sentiment); err == nil {
		f.Sentiment = s
	}
	if t, err := insight.ParseTopic(v.Filter.Topic); err == nil {
		f.Topic = t
	}
	f.AssigneeID, _ = uuid.Parse(v.Filter.Agent)
	if t, err := time.ParseInLocation("2006-01-02", v.Filter.From, c.Org.Location); err == nil {
		f.From = t
	}
	if t, err := time.ParseInLocation("2006-01-02", v.Filter.To, c.Org.Location); err == nil {
		f.To = t.AddDate(0, 0, 1)
	}
	rows, trend, err := c.Insights.Review(ctx.Request.Context(), f)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	v.Rows, v.Trend = rows, trend
	for _, w := range trend {
		v.MaxWeek = max(v.MaxWeek, w.Total)
	}
	users, err := c.ListUsers.Handle(ctx.Request.Context())
	if err != nil {
		c.fail(ctx, err)
		return
	}
	for _, us := range users {
		v.Users = append(v.Users, userOption{ID: us.ID(), Name: us.Name()})
	}
	c.render(ctx, http.StatusOK, "insights.html", c.page(ctx, "insights", T(c.lang(ctx), "insights"), v))
}

// AISettingsPage is the owner's AI settings page.
type AISettingsPage struct {
	Provider, Model string
	HasKey          bool
	MonthTokens     int
	Saved           bool
	Error           string
}

func (c *console) aiSettings(ctx *gin.Context) {
	c.renderAISettings(ctx, http.StatusOK, ctx.Query("saved") != "", "")
}

func (c *console) renderAISettings(ctx *gin.Context, status int, saved bool, errMsg string) {
	u, _ := viewer(ctx)
	if !u.CanManageTeam() {
		ctx.String(http.StatusForbidden, T(c.lang(ctx), "forbidden"))
		return
	}
	s, err := c.AISettings.Get(ctx.Request.Context())
	if err != nil {
		c.fail(ctx, err)
		return
	}
	v := AISettingsPage{Provider: s.Provider, Model: s.Model, HasKey: s.HasKey, MonthTokens: s.MonthTokens, Saved: saved, Error: errMsg}
	c.render(ctx, status, "ai_settings.html", c.page(ctx, "settings", T(c.lang(ctx), "ai_settings"), v))
}

func (c *console) saveAISettings(ctx *gin.Context) {
	u, _ := viewer(ctx)
	if !u.CanManageTeam() {
		ctx.String(http.StatusForbidden, T(c.lang(ctx), "forbidden"))
		return
	}
	err := c.AISettings.Save(ctx.Request.Context(), ctx.PostForm("provider"), ctx.PostForm("api_key"), strings.TrimSpace(ctx.PostForm("model")), u.ID())
	if err != nil {
		c.renderAISettings(ctx, http.StatusUnprocessableEntity, false, explain(c.lang(ctx), err))
		return
	}
	ctx.Redirect(http.StatusSeeOther, "/settings/ai?saved=1")
}
