package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/ports"
)

// putInvoice godoc
//
//	@Summary		Create or update an invoice by the ERP's id
//	@Description	Idempotent upsert keyed by external_id: 201 when created, 200 when updated or unchanged. amount_paid, when omitted, keeps what Saldo has recorded (zero for a new invoice); status, when omitted, is derived (open, or paid when nothing is left to pay).
//	@Tags			invoices
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			external_id	path		string			true	"the ERP's invoice id"
//	@Param			invoice		body		InvoiceInput	true	"the invoice"
//	@Success		200			{object}	SyncResult
//	@Success		201			{object}	SyncResult
//	@Failure		400			{object}	ErrorBody
//	@Failure		401			{object}	ErrorBody
//	@Failure		422			{object}	ErrorBody
//	@Router			/api/v1/invoices/external/{external_id} [put]
func (h *handlers) putInvoice(c *gin.Context) {
	var in InvoiceInput
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	if err := samePathID(c, &in.ExternalID); err != nil {
		_ = c.Error(err)
		return
	}
	rs, err := h.SyncInvoices.Handle(c.Request.Context(), []application.InvoiceRecord{in.record()})
	h.single(c, rs, err)
}

// batchInvoices godoc
//
//	@Summary		Create or update up to 1,000 invoices
//	@Description	One result per item, in order: created, updated, unchanged, or error with its message. Invalid items do not stop valid ones. More than 1,000 items is refused whole with 422.
//	@Tags			invoices
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			batch	body		BatchInvoicesRequest	true	"the invoices"
//	@Success		200		{object}	BatchResponse
//	@Failure		400		{object}	ErrorBody
//	@Failure		401		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/invoices/batch [post]
func (h *handlers) batchInvoices(c *gin.Context) {
	var in BatchInvoicesRequest
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	items := make([]application.InvoiceRecord, len(in.Items))
	for i, it := range in.Items {
		items[i] = it.record()
	}
	rs, err := h.SyncInvoices.Handle(c.Request.Context(), items)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, batchDTO(rs))
}

// listInvoices godoc
//
//	@Summary		List invoices
//	@Description	Overdue and aging filters are judged on the organization's today.
//	@Tags			invoices
//	@Produce		json
//	@Security		BearerAuth
//	@Param			customer_id		query		string	false	"customer id (UUID)"
//	@Param			status			query		string	false	"open, paid, void or uncollectible"
//	@Param			overdue			query		bool	false	"true: open and past due; false: not overdue"
//	@Param			due_before		query		string	false	"due on or before (YYYY-MM-DD)"
//	@Param			due_after		query		string	false	"due on or after (YYYY-MM-DD)"
//	@Param			aging_bucket	query		string	false	"current, 1-30, 31-60, 61-90 or 90+"
//	@Param			limit			query		int		false	"page size, 1 to 500 (default 50)"
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Success		200				{object}	InvoicePage
//	@Failure		400				{object}	ErrorBody
//	@Failure		401				{object}	ErrorBody
//	@Failure		422				{object}	ErrorBody
//	@Router			/api/v1/invoices [get]
func (h *handlers) listInvoices(c *gin.Context) {
	f, err := invoiceFilter(c)
	if err != nil {
		_ = c.Error(err)
		return
	}
	items, more, err := h.ListInvoices.Handle(c.Request.Context(), f)
	if err != nil {
		_ = c.Error(err)
		return
	}
	dtos, err := h.invoiceDTOs(c.Request.Context(), items)
	if err != nil {
		_ = c.Error(err)
		return
	}
	out := InvoicePage{Items: dtos}
	if len(items) > 0 {
		out.NextCursor = nextCursor(more, items[len(items)-1].ID())
	}
	c.JSON(http.StatusOK, out)
}

func invoiceFilter(c *gin.Context) (ports.InvoiceFilter, error) {
	var f ports.InvoiceFilter
	var err error
	if f.Page, err = page(c); err != nil {
		return f, err
	}
	if s := c.Query("customer_id"); s != "" {
		if f.CustomerID, err = uuid.Parse(s); err != nil {
			return f, errBadRequest("invalid_customer_id", errors.New("customer_id must be a UUID"))
		}
	}
	if s := c.Query("status"); s != "" {
		if f.Status, err = invoice.ParseStatus(s); err != nil {
			return f, err
		}
	}
	if s := c.Query("overdue"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return f, errBadRequest("invalid_overdue", errors.New("overdue must be true or false"))
		}
		f.Overdue = &b
	}
	if s := c.Query("due_before"); s != "" {
		if f.DueBefore, err = date.Parse(s); err != nil {
			return f, err
		}
	}
	if s := c.Query("due_after"); s != "" {
		if f.DueAfter, err = date.Parse(s); err != nil {
			return f, err
		}
	}
	if s := c.Query("aging_bucket"); s != "" {
		if f.Bucket, err = invoice.ParseBucket(s); err != nil {
			return f, err
		}
	}
	return f, nil
}

func (h *handlers) invoiceDTOs(ctx context.Context, items []*invoice.Invoice) ([]Invoice, error) {
	ids := make([]uuid.UUID, 0, len(items))
	for _, it := range items {
		ids = append(ids, it.CustomerID())
	}
	exts, err := h.Lookups.CustomerExternalIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	today := h.Org.Today(h.Clock.Now())
	out := make([]Invoice, len(items))
	for i, it := range items {
		out[i] = invoiceDTO(it, exts[it.CustomerID()], today)
	}
	return out, nil
}

// getInvoice godoc
//
//	@Summary	Get an invoice by Saldo id
//	@Tags		invoices
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"invoice id (UUID)"
//	@Success	200	{object}	Invoice
//	@Failure	400	{object}	ErrorBody
//	@Failure	404	{object}	ErrorBody
//	@Router		/api/v1/invoices/{id} [get]
func (h *handlers) getInvoice(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	inv, err := h.Lookups.Invoice(c.Request.Context(), id)
	if err != nil {
		_ = c.Error(err)
		return
	}
	dtos, err := h.invoiceDTOs(c.Request.Context(), []*invoice.Invoice{inv})
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, dtos[0])
}
