package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/payment"
	"github.com/saldocrm/saldo/ports"
)

// createPayment godoc
//
//	@Summary		Record a payment
//	@Description	Name the customer by customer_id or customer_external_id. Without allocations the payment settles the customer's oldest open invoices in its currency; what is left is customer credit. A provider_reference already recorded records nothing new: the existing payment is answered with 200 (409 if the reference was used for a different payment). received_at is RFC 3339 or a date (start of that day in the organization's time zone); omitted, it is now.
//	@Tags			payments
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			payment	body		PaymentInput	true	"the payment"
//	@Success		201		{object}	Payment			"recorded"
//	@Success		200		{object}	Payment			"already recorded under this provider_reference"
//	@Failure		400		{object}	ErrorBody
//	@Failure		401		{object}	ErrorBody
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/payments [post]
func (h *handlers) createPayment(c *gin.Context) {
	var in PaymentInput
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	cmd, err := h.paymentCommand(in)
	if err != nil {
		_ = c.Error(err)
		return
	}
	res, err := h.RecordPayment.Handle(c.Request.Context(), cmd)
	if err != nil {
		_ = c.Error(err)
		return
	}
	status := http.StatusOK
	if res.Created {
		status = http.StatusCreated
	}
	c.JSON(status, paymentDTO(res.Payment))
}

func (h *handlers) paymentCommand(in PaymentInput) (application.RecordPaymentCommand, error) {
	var problems []string
	cmd := application.RecordPaymentCommand{CustomerExternalID: in.CustomerExternalID, ProviderReference: in.ProviderReference}
	if in.CustomerID != nil {
		cmd.CustomerID = *in.CustomerID
	}
	amount, err := parseMoney(in.Amount, in.Currency)
	if err != nil {
		problems = append(problems, "amount: "+err.Error())
	}
	cmd.Amount = amount
	if cmd.Method, err = payment.ParseMethod(in.Method); err != nil {
		problems = append(problems, err.Error())
	}
	if cmd.ReceivedAt, err = h.receivedAt(in.ReceivedAt); err != nil {
		problems = append(problems, err.Error())
	}
	for i, a := range in.Allocations {
		req := application.AllocationRequest{InvoiceExternalID: a.InvoiceExternalID}
		if a.InvoiceID != nil {
			req.InvoiceID = *a.InvoiceID
		}
		if req.InvoiceID == uuid.Nil && req.InvoiceExternalID == "" {
			problems = append(problems, "allocations["+strconv.Itoa(i)+"]: invoice_id or invoice_external_id is required")
		}
		if req.Amount, err = parseMoney(a.Amount, in.Currency); err != nil && amount.Currency().Code() != "" {
			problems = append(problems, "allocations["+strconv.Itoa(i)+"].amount: "+err.Error())
		}
		cmd.Allocations = append(cmd.Allocations, req)
	}
	if len(problems) > 0 {
		return cmd, domain.Invalid("invalid_payment", "%s", strings.Join(problems, "; ")).WithDetails(problems...)
	}
	return cmd, nil
}

// receivedAt reads an RFC 3339 time, or a date meaning the start of that day
// in the organization's time zone; empty is now.
func (h *handlers) receivedAt(s string) (time.Time, error) {
	if s == "" {
		return h.Clock.Now(), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := date.Parse(s); err == nil {
		return d.StartIn(h.Org.Location), nil
	}
	return time.Time{}, errors.New("received_at must be RFC 3339 (2026-11-20T15:04:05-05:00) or a date (2026-11-20)")
}

// listPayments godoc
//
//	@Summary		List payments, e.g. everything recorded since the ERP's last pull
//	@Description	Ordered by id (time-ordered); page with next_cursor until it is absent.
//	@Tags			payments
//	@Produce		json
//	@Security		BearerAuth
//	@Param			since		query		string	false	"recorded in Saldo at or after (RFC 3339)"
//	@Param			customer_id	query		string	false	"customer id (UUID)"
//	@Param			limit		query		int		false	"page size, 1 to 500 (default 50)"
//	@Param			cursor		query		string	false	"next_cursor of the previous page"
//	@Success		200			{object}	PaymentPage
//	@Failure		400			{object}	ErrorBody
//	@Failure		401			{object}	ErrorBody
//	@Router			/api/v1/payments [get]
func (h *handlers) listPayments(c *gin.Context) {
	var f ports.PaymentFilter
	var err error
	if f.Page, err = page(c); err != nil {
		_ = c.Error(err)
		return
	}
	if s := c.Query("since"); s != "" {
		if f.Since, err = time.Parse(time.RFC3339, s); err != nil {
			_ = c.Error(errBadRequest("invalid_since", errors.New("since must be an RFC 3339 time such as 2026-11-01T00:00:00Z")))
			return
		}
	}
	if s := c.Query("customer_id"); s != "" {
		if f.CustomerID, err = uuid.Parse(s); err != nil {
			_ = c.Error(errBadRequest("invalid_customer_id", errors.New("customer_id must be a UUID")))
			return
		}
	}
	items, more, err := h.ListPayments.Handle(c.Request.Context(), f)
	if err != nil {
		_ = c.Error(err)
		return
	}
	var out PaymentPage
	out.Items, out.NextCursor = pageItems(items, more, (*payment.Payment).ID, paymentDTO)
	c.JSON(http.StatusOK, out)
}

// getPayment godoc
//
//	@Summary	Get a payment by Saldo id
//	@Tags		payments
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"payment id (UUID)"
//	@Success	200	{object}	Payment
//	@Failure	400	{object}	ErrorBody
//	@Failure	404	{object}	ErrorBody
//	@Router		/api/v1/payments/{id} [get]
func (h *handlers) getPayment(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	p, err := h.Lookups.Payment(c.Request.Context(), id)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, paymentDTO(p))
}

// agingReport godoc
//
//	@Summary		Aging report: receivables by bucket and currency, and the top debtors
//	@Description	Open balances by aging bucket (current, 1-30, 31-60, 61-90, 90+) per currency on the organization's today, and per currency the customers with the largest overdue balance.
//	@Tags			reports
//	@Produce		json
//	@Security		BearerAuth
//	@Param			top	query		int	false	"debtors per currency, 1 to 100 (default 10)"
//	@Success		200	{object}	AgingReport
//	@Failure		401	{object}	ErrorBody
//	@Router			/api/v1/reports/aging [get]
func (h *handlers) agingReport(c *gin.Context) {
	top := 10
	if s := c.Query("top"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			_ = c.Error(errBadRequest("invalid_top", errors.New("top must be a whole number from 1 to 100")))
			return
		}
		top = n
	}
	r, err := h.Aging.Handle(c.Request.Context(), top)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, agingDTO(r))
}
