// Package console is the agents' web console: sign-in, the three-pane inbox
// (conversations, chat, customer panel), customer and invoice pages and live
// updates. Pages are rendered on the server with html/template (customer
// messages are untrusted text: auto-escaping does the work); a little plain
// JavaScript swaps fragments and keeps the inbox live over server-sent events.
package console

import (
	"bytes"
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/user"
	"github.com/saldocrm/saldo/ports"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Deps are what the console needs.
type Deps struct {
	Log          *slog.Logger
	Clock        ports.Clock
	Org          application.Org
	SecureCookie bool // the console is served over https

	SignIn        *application.SignIn
	SignOut       *application.SignOut
	Authenticate  *application.AuthenticateSession
	ListUsers     *application.ListUsers
	SetLanguage   *application.SetUserLanguage
	Inbox         *application.Inbox
	Conversations *application.ConversationQueries
	Send          *application.SendMessage
	Manage        *application.ManageConversation
	Summary       *application.CustomerSummary
	Lookups       *application.Lookups
	ListCustomers *application.ListCustomers
	ListInvoices  *application.ListInvoices
	ListPayments  *application.ListPayments
	Aging         *application.AgingReport
	Balances      *application.CustomerBalances
	Templates     *application.ListTemplates
	Events        *Hub
	Publish       func(ctx context.Context, e ports.Event) // tells every console process about a change
	Pay           *application.SandboxPayments
	SendLink      *application.SendPaymentLink
	Links         *application.PaymentLinkQueries
	Analyze       *application.AnalyzeConversation
	Insights      *application.InsightQueries
	AISettings    *application.AISettings
	MarkRead      *application.MarkConversationRead
	Collections   *CollectionsDeps
	Groups        *application.GroupQueries // contact groups and imports: owners and managers
	ManageGroups  *application.ManageGroups
	Import        *application.ImportCustomers
	NewTemplate   *application.CreateTemplate // template management: owners and managers
	DropTemplate  *application.DeleteTemplate
	SyncTemplates *application.SyncTemplates
	Campaigns     *CampaignDeps // campaigns and segments: owners and managers
	Dunning       *DunningDeps  // the reminder policy, its results and runs: owners and managers
}

type console struct {
	Deps
	pages *template.Template
}

// Register mounts the console on r.
func Register(r *gin.Engine, d Deps) {
	c := &console{Deps: d}
	c.pages = template.Must(template.New("").Funcs(funcs(d.Org)).Funcs(c.campaignFuncs()).ParseFS(templateFS, "templates/*.html"))
	static, _ := fs.Sub(staticFS, "static")
	r.StaticFS("/static", http.FS(static))
	r.GET("/paid", c.paidPage)
	r.GET("/pay/:token", c.payPage)
	r.POST("/pay/:token", c.pay)
	r.GET("/login", c.loginPage)
	r.POST("/login", c.login)

	g := r.Group("", c.requireSession)
	g.GET("/", func(ctx *gin.Context) { ctx.Redirect(http.StatusFound, "/inbox") })
	g.POST("/logout", c.logout)
	g.POST("/settings/language", c.setLanguage)
	g.GET("/events", c.events)
	c.inboxRoutes(g)
	c.ledgerRoutes(g)
	c.insightRoutes(g)
	c.collectionRoutes(g)
	c.groupRoutes(r, g)
	c.templateRoutes(g)
	c.campaignRoutes(g)
	c.dunningRoutes(g)
}

// page is what every template gets.
type page struct {
	L     Lang
	User  *user.User
	CSRF  string
	Title string
	Now   time.Time
	Nav   string
	Data  any

	collections collectionsLoader // see PanelCollections
	reminders   remindersLoader   // see CustomerReminders
}

func (c *console) page(ctx *gin.Context, nav, title string, data any) page {
	u, s := viewer(ctx)
	p := page{User: u, CSRF: s.CSRFToken, Title: title, Now: c.Clock.Now(), Nav: nav, Data: data, L: ES}
	p.collections = c.collectionsLoader(ctx)
	p.reminders = c.remindersLoader(ctx)
	if u != nil {
		p.L = parseLang(string(u.Language()))
	}
	return p
}

// render writes template name with status.
func (c *console) render(ctx *gin.Context, status int, name string, data any) {
	var buf bytes.Buffer
	if err := c.pages.ExecuteTemplate(&buf, name, data); err != nil {
		c.Log.ErrorContext(ctx.Request.Context(), "render", slog.String("template", name), slog.Any("error", err))
		ctx.String(http.StatusInternalServerError, "internal error")
		return
	}
	ctx.Header("Cache-Control", "no-store")
	ctx.Data(status, "text/html; charset=utf-8", buf.Bytes())
}
