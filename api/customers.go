package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/ports"
)

// putCustomer godoc
//
//	@Summary		Create or update a customer by the ERP's id
//	@Description	Idempotent upsert keyed by external_id: 201 when created, 200 when updated or unchanged. The same body twice changes nothing. The external_id in the body, if any, must match the path.
//	@Tags			customers
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			external_id	path		string			true	"the ERP's customer id"
//	@Param			customer	body		CustomerInput	true	"the customer"
//	@Success		200			{object}	SyncResult
//	@Success		201			{object}	SyncResult
//	@Failure		400			{object}	ErrorBody
//	@Failure		401			{object}	ErrorBody
//	@Failure		422			{object}	ErrorBody
//	@Router			/api/v1/customers/external/{external_id} [put]
func (h *handlers) putCustomer(c *gin.Context) {
	var in CustomerInput
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	if err := samePathID(c, &in.ExternalID); err != nil {
		_ = c.Error(err)
		return
	}
	rs, err := h.SyncCustomers.Handle(c.Request.Context(), []customer.Details{in.details()})
	h.single(c, rs, err)
}

// samePathID fills the body's external id from the path, refusing a different one.
func samePathID(c *gin.Context, bodyID *string) error {
	path := c.Param("external_id")
	if *bodyID != "" && strings.TrimSpace(*bodyID) != path {
		return errBadRequest("external_id_mismatch", fmt.Errorf("external_id %q in the body differs from %q in the path", *bodyID, path))
	}
	*bodyID = path
	return nil
}

// single answers the one result of a single-item sync.
func (h *handlers) single(c *gin.Context, rs []application.SyncResult, err error) {
	if err != nil {
		_ = c.Error(err)
		return
	}
	r := rs[0]
	if r.Err != nil {
		_ = c.Error(r.Err)
		return
	}
	status := http.StatusOK
	if r.Outcome == application.Created {
		status = http.StatusCreated
	}
	c.JSON(status, batchDTO(rs).Results[0])
}

// batchCustomers godoc
//
//	@Summary		Create or update up to 1,000 customers
//	@Description	One result per item, in order: created, updated, unchanged, or error with its message. Invalid items do not stop valid ones. More than 1,000 items is refused whole with 422.
//	@Tags			customers
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			batch	body		BatchCustomersRequest	true	"the customers"
//	@Success		200		{object}	BatchResponse
//	@Failure		400		{object}	ErrorBody
//	@Failure		401		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/customers/batch [post]
func (h *handlers) batchCustomers(c *gin.Context) {
	var in BatchCustomersRequest
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	items := make([]customer.Details, len(in.Items))
	for i, it := range in.Items {
		items[i] = it.details()
	}
	rs, err := h.SyncCustomers.Handle(c.Request.Context(), items)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, batchDTO(rs))
}

// listCustomers godoc
//
//	@Summary	List customers
//	@Tags		customers
//	@Produce	json
//	@Security	BearerAuth
//	@Param		search	query		string	false	"part of the name, email, phone, tax id or external id"
//	@Param		limit	query		int		false	"page size, 1 to 500 (default 50)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	CustomerPage
//	@Failure	400		{object}	ErrorBody
//	@Failure	401		{object}	ErrorBody
//	@Router		/api/v1/customers [get]
func (h *handlers) listCustomers(c *gin.Context) {
	p, err := page(c)
	if err != nil {
		_ = c.Error(err)
		return
	}
	items, more, err := h.ListCustomers.Handle(c.Request.Context(), ports.CustomerFilter{Page: p, Search: strings.TrimSpace(c.Query("search"))})
	if err != nil {
		_ = c.Error(err)
		return
	}
	var out CustomerPage
	out.Items, out.NextCursor = pageItems(items, more, (*customer.Customer).ID, customerDTO)
	c.JSON(http.StatusOK, out)
}

// getCustomer godoc
//
//	@Summary	Get a customer by Saldo id
//	@Tags		customers
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"customer id (UUID)"
//	@Success	200	{object}	Customer
//	@Failure	400	{object}	ErrorBody
//	@Failure	404	{object}	ErrorBody
//	@Router		/api/v1/customers/{id} [get]
func (h *handlers) getCustomer(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	cu, err := h.Lookups.Customer(c.Request.Context(), id)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, customerDTO(cu))
}

// getCustomerByExternalID godoc
//
//	@Summary	Get a customer by the ERP's id
//	@Tags		customers
//	@Produce	json
//	@Security	BearerAuth
//	@Param		external_id	path		string	true	"the ERP's customer id"
//	@Success	200			{object}	Customer
//	@Failure	404			{object}	ErrorBody
//	@Router		/api/v1/customers/external/{external_id} [get]
func (h *handlers) getCustomerByExternalID(c *gin.Context) {
	cu, err := h.Lookups.CustomerByExternalID(c.Request.Context(), c.Param("external_id"))
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, customerDTO(cu))
}

// customerSummary godoc
//
//	@Summary		A customer's account: balance, overdue invoices, last payment, aging
//	@Description	Balance, overdue total, credit and aging per currency; the overdue invoices oldest first; the last payment. Computed on the organization's today.
//	@Tags			customers
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"customer id (UUID)"
//	@Success		200	{object}	CustomerSummary
//	@Failure		400	{object}	ErrorBody
//	@Failure		404	{object}	ErrorBody
//	@Router			/api/v1/customers/{id}/summary [get]
func (h *handlers) customerSummary(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	v, err := h.Summary.Handle(c.Request.Context(), id)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, summaryDTO(v))
}
