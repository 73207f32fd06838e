// Package api is Saldo's driving HTTP side: the gin router, the REST API
// under /api/v1 for ERP systems (with its Swagger documentation), health
// probes and, later, webhooks and the web console.
//
//	@title						Saldo API
//	@version					1.0
//	@description				Billing and collections CRM. ERP systems keep customers, invoices and payments in sync here; amounts are decimal strings, dates are YYYY-MM-DD in the organization's time zone.
//	@BasePath					/
//	@securityDefinitions.apikey	BearerAuth
//	@in							header
//	@name						Authorization
//	@description				"Bearer " followed by an API key made with `saldo apikey create`.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	swaggerfiles "github.com/swaggo/files"
	ginswagger "github.com/swaggo/gin-swagger"

	"github.com/saldocrm/saldo/api/console"
	"github.com/saldocrm/saldo/application"
	_ "github.com/saldocrm/saldo/docs" // the generated Swagger spec
	"github.com/saldocrm/saldo/domain/apikey"
	"github.com/saldocrm/saldo/ports"
)

// Deps are what the HTTP side needs: the use cases and the probes.
type Deps struct {
	Log   *slog.Logger
	Clock ports.Clock
	Org   application.Org

	SyncCustomers  *application.SyncCustomers
	SyncInvoices   *application.SyncInvoices
	RecordPayment  *application.RecordPayment
	ListCustomers  *application.ListCustomers
	ListInvoices   *application.ListInvoices
	ListPayments   *application.ListPayments
	Lookups        *application.Lookups
	Summary        *application.CustomerSummary
	Aging          *application.AgingReport
	Authenticate   *application.AuthenticateAPIKey
	ReadinessProbe map[string]ports.Pinger // name → service, for /readyz
	WhatsApp       WhatsAppDeps
	Templates      TemplateDeps
	Payments       PaymentDeps
	Insights       InsightDeps
	Groups         GroupDeps // contact groups and customer imports
	Collections    CollectionsDeps
	Dunning        DunningDeps   // the reminder planner and its policy
	Campaigns      CampaignDeps  // campaigns, segments and audience previews
	Console        *console.Deps // the agents' web console at /; nil serves the API alone
}

// maxBody bounds request bodies: a batch of 1,000 invoices is well under it.
const maxBody = 16 << 20

// NewRouter returns the HTTP handler with every route.
func NewRouter(d Deps) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.ContextWithFallback = true
	r.HandleMethodNotAllowed = true
	r.Use(requestID(), gin.CustomRecoveryWithWriter(nil, recoverer(d.Log)), accessLog(d.Log), errorHandler(d.Log))
	r.NoRoute(notFoundHandler)
	r.NoMethod(func(c *gin.Context) {
		c.JSON(http.StatusMethodNotAllowed, ErrorBody{Error: ErrorDetail{Code: "method_not_allowed", Message: c.Request.Method + " is not allowed on " + c.Request.URL.Path}})
	})

	h := &handlers{Deps: d}
	r.GET("/healthz", h.healthz)
	r.GET("/readyz", h.readyz)
	r.GET("/swagger/*any", ginswagger.WrapHandler(swaggerfiles.Handler))
	if d.Console != nil {
		console.Register(r, *d.Console)
	} else {
		r.GET("/", func(c *gin.Context) { c.Redirect(http.StatusFound, "/swagger/index.html") })
	}

	v1 := r.Group("/api/v1", limitBody(maxBody))
	read := v1.Group("", h.requireKey(apikey.Read))
	write := v1.Group("", h.requireKey(apikey.Write))

	read.GET("/customers", h.listCustomers)
	read.GET("/customers/:id", h.getCustomer)
	read.GET("/customers/:id/summary", h.customerSummary)
	read.GET("/customers/external/:external_id", h.getCustomerByExternalID)
	write.PUT("/customers/external/:external_id", h.putCustomer)
	write.POST("/customers/batch", h.batchCustomers)

	read.GET("/invoices", h.listInvoices)
	read.GET("/invoices/:id", h.getInvoice)
	write.PUT("/invoices/external/:external_id", h.putInvoice)
	write.POST("/invoices/batch", h.batchInvoices)

	read.GET("/payments", h.listPayments)
	read.GET("/payments/:id", h.getPayment)
	write.POST("/payments", h.createPayment)

	read.GET("/reports/aging", h.agingReport)
	h.whatsappRoutes(r, read, write)
	h.templateRoutes(read, write)
	h.paymentRoutes(r, read, write)
	h.insightRoutes(read, write)
	h.groupRoutes(r, read, write)
	h.collectionRoutes(read, write)
	h.dunningRoutes(read, write)
	h.campaignRoutes(read, write)
	return r
}

type handlers struct {
	Deps
}

// Health is the answer of the health probes.
type Health struct {
	Status string            `json:"status" example:"ok"`
	Checks map[string]string `json:"checks,omitempty" example:"database:ok,redis:ok"`
} // @name Health

// healthz godoc
//
//	@Summary	Liveness: the process is up
//	@Tags		operations
//	@Produce	json
//	@Success	200	{object}	Health
//	@Router		/healthz [get]
func (h *handlers) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, Health{Status: "ok"})
}

// readyz godoc
//
//	@Summary	Readiness: the database and Redis answer
//	@Tags		operations
//	@Produce	json
//	@Success	200	{object}	Health
//	@Failure	503	{object}	Health
//	@Router		/readyz [get]
func (h *handlers) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	out := Health{Status: "ok", Checks: map[string]string{}}
	status := http.StatusOK
	for name, p := range h.ReadinessProbe {
		if err := p.Ping(ctx); err != nil {
			h.Log.WarnContext(ctx, "readiness check failed", slog.String("service", name), slog.Any("error", err))
			out.Checks[name], out.Status, status = "unavailable", "unavailable", http.StatusServiceUnavailable
			continue
		}
		out.Checks[name] = "ok"
	}
	c.JSON(status, out)
}
