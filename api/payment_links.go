package api

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/paymentlink"
	"github.com/saldocrm/saldo/ports"
)

// PaymentDeps are the payment-link use cases and the provider's webhook.
type PaymentDeps struct {
	Create    *application.CreatePaymentLink
	Queries   *application.PaymentLinkQueries
	Reconcile *application.ReconcilePayment
	Provider  ports.PaymentLinkProvider
}

func (h *handlers) paymentRoutes(r *gin.Engine, read, write *gin.RouterGroup) {
	r.POST("/webhooks/stripe", h.stripeWebhook)
	write.POST("/payment-links", h.createPaymentLink)
	read.GET("/payment-links/:id", h.getPaymentLink)
}

// PaymentLinkRequest asks for a payment link.
type PaymentLinkRequest struct {
	CustomerID uuid.UUID   `json:"customer_id"`
	InvoiceIDs []uuid.UUID `json:"invoice_ids,omitempty"`
	Amount     *Amount     `json:"amount,omitempty" swaggertype:"string" example:"500000.00"`
} // @name PaymentLinkRequest

// PaymentLink is a link where a customer pays.
type PaymentLink struct {
	ID         uuid.UUID   `json:"id"`
	CustomerID uuid.UUID   `json:"customer_id"`
	InvoiceIDs []uuid.UUID `json:"invoice_ids"`
	URL        string      `json:"url" example:"https://checkout.stripe.com/c/pay/cs_test_a1B2"`
	Amount     string      `json:"amount" example:"1250000.00"`
	Currency   string      `json:"currency" example:"COP"`
	Status     string      `json:"status" enums:"creating,open,paid,expired,failed"`
	Provider   string      `json:"provider" enums:"stripe,sandbox"`
	ExpiresAt  time.Time   `json:"expires_at"`
	PaidAt     *time.Time  `json:"paid_at,omitempty"`
	PaymentID  *uuid.UUID  `json:"payment_id,omitempty"`
} // @name PaymentLink

func paymentLinkDTO(l *paymentlink.Link) PaymentLink {
	return PaymentLink{
		ID: l.ID(), CustomerID: l.CustomerID(), InvoiceIDs: l.InvoiceIDs(), URL: l.URL(), Amount: l.Amount().StringFixed(),
		Currency: l.Amount().Currency().Code(), Status: string(l.Status()), Provider: l.Provider(), ExpiresAt: l.ExpiresAt(),
		PaidAt: optTime(l.PaidAt()), PaymentID: optID(l.PaymentID()),
	}
}

// createPaymentLink godoc
//
//	@Summary		Create a payment link
//	@Description	Covers the named invoices (default: all the customer's overdue invoices), for an amount (default: their balance; less is a partial payment). The link is paid at Stripe's Checkout, or on Saldo's sandbox page when no Stripe key is configured, and expires after 24 hours. The payment settles the invoices oldest first; any excess stays as credit.
//	@Tags			payments
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			link	body		PaymentLinkRequest	true	"the customer, invoices and amount"
//	@Success		201		{object}	PaymentLink
//	@Failure		400		{object}	ErrorBody
//	@Failure		404		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/payment-links [post]
func (h *handlers) createPaymentLink(c *gin.Context) {
	var in PaymentLinkRequest
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	if in.CustomerID == uuid.Nil {
		_ = c.Error(errBadRequest("missing_customer_id", errors.New("customer_id is required")))
		return
	}
	cmd := application.CreatePaymentLinkCommand{CustomerID: in.CustomerID, InvoiceIDs: in.InvoiceIDs}
	if in.Amount != nil {
		m, err := h.linkAmount(c, in)
		if err != nil {
			_ = c.Error(err)
			return
		}
		cmd.Amount = &m
	}
	l, err := h.Payments.Create.Handle(c.Request.Context(), cmd)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusCreated, paymentLinkDTO(l))
}

// linkAmount reads the requested amount in the currency of the customer's
// invoices (a link is in one currency).
func (h *handlers) linkAmount(c *gin.Context, in PaymentLinkRequest) (money.Money, error) {
	s, err := h.Summary.Handle(c.Request.Context(), in.CustomerID)
	if err != nil {
		return money.Money{}, err
	}
	if len(s.Totals) == 0 {
		return money.Money{}, application.ErrNothingOverdue
	}
	cur := s.Totals[0].Currency.Code()
	if len(s.OverdueInvoices) > 0 {
		cur = s.OverdueInvoices[0].Balance.Currency().Code()
	}
	return money.Parse(string(*in.Amount), cur)
}

// getPaymentLink godoc
//
//	@Summary	Get a payment link and its status
//	@Tags		payments
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"payment link id (UUID)"
//	@Success	200	{object}	PaymentLink
//	@Failure	404	{object}	ErrorBody
//	@Router		/api/v1/payment-links/{id} [get]
func (h *handlers) getPaymentLink(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	l, err := h.Payments.Queries.Get(c.Request.Context(), id)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, paymentLinkDTO(l))
}

// stripeWebhook godoc
//
//	@Summary		Stripe webhook: checkout sessions and refunds
//	@Description	Checks Stripe-Signature (HMAC-SHA256 of "<t>.<body>" with the signing secret, 300 s tolerance, several v1 during rotation) and answers 400 without changing anything when it is missing, wrong or stale. A paid session records one payment however often it is delivered.
//	@Tags			webhooks
//	@Accept			json
//	@Produce		json
//	@Param			Stripe-Signature	header		string	true	"t=<unix>,v1=<hex>"
//	@Success		200					{object}	Health
//	@Failure		400					{object}	ErrorBody
//	@Router			/webhooks/stripe [post]
func (h *handlers) stripeWebhook(c *gin.Context) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxWebhookBody))
	if err != nil {
		_ = c.Error(errBadRequest("unreadable_body", errors.New("the body could not be read or is larger than 1 MiB")))
		return
	}
	ev, err := h.Payments.Provider.ParseWebhook(body, c.GetHeader("Stripe-Signature"), h.Clock.Now())
	if err != nil {
		if domain.KindOf(err) == domain.KindInvalid {
			err = errBadRequest("invalid_webhook", err)
		}
		_ = c.Error(err)
		return
	}
	if err := h.Payments.Reconcile.Handle(c.Request.Context(), ev); err != nil {
		h.Log.ErrorContext(c.Request.Context(), "stripe webhook", slog.String("event", ev.EventID), slog.Any("error", err))
		_ = c.Error(err) // 500: Stripe delivers it again
		return
	}
	c.JSON(http.StatusOK, Health{Status: "ok"})
}
