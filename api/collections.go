package api

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/dispute"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/promise"
)

// CollectionsDeps are the collections acts: promises to pay, invoice
// disputes and WhatsApp opt-out.
type CollectionsDeps struct {
	RecordPromise  *application.RecordPromise
	CancelPromise  *application.CancelPromise
	Promises       *application.PromiseQueries
	OpenDispute    *application.OpenDispute
	ResolveDispute *application.ResolveDispute
	SetOptOut      *application.SetWhatsAppOptOut
}

func (h *handlers) collectionRoutes(read, write *gin.RouterGroup) {
	if h.Collections.RecordPromise == nil {
		return
	}
	read.GET("/customers/:id/promises", h.listPromises)
	write.POST("/customers/:id/promises", h.createPromise)
	write.POST("/promises/:id/cancel", h.cancelPromise)
	write.POST("/invoices/:id/dispute", h.openDispute)
	write.POST("/invoices/:id/dispute/resolve", h.resolveDispute)
	write.PUT("/customers/:id/whatsapp-opt-out", h.setOptOut)
}

// refID reads a customer or invoice path parameter: Saldo's UUID, or the
// ERP's external id (Saldo derives its ids from external ids).
func refID(c *gin.Context, derive func(string) uuid.UUID) (uuid.UUID, error) {
	ref := strings.TrimSpace(c.Param("id"))
	if ref == "" {
		return uuid.Nil, errBadRequest("invalid_id", errors.New("id is required"))
	}
	if id, err := uuid.Parse(ref); err == nil {
		return id, nil
	}
	return derive(ref), nil
}

// PromiseInput is a promise to pay as an agent or the ERP records it.
type PromiseInput struct {
	Amount   Amount `json:"amount" swaggertype:"string" example:"500000.00"`
	Currency string `json:"currency" example:"COP"`
	Date     string `json:"promised_date" example:"2026-11-28"`
	Note     string `json:"note" example:"Pagará con la quincena"`
} // @name PromiseInput

// Promise is a promise to pay as Saldo answers it.
type Promise struct {
	ID           uuid.UUID  `json:"id"`
	CustomerID   uuid.UUID  `json:"customer_id"`
	Amount       string     `json:"amount" example:"500000.00"`
	Currency     string     `json:"currency" example:"COP"`
	PromisedDate string     `json:"promised_date" example:"2026-11-28"`
	Status       string     `json:"status" example:"pending" enums:"pending,kept,broken,cancelled"`
	Note         string     `json:"note"`
	CreatedBy    *uuid.UUID `json:"created_by,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	ResolvedAt   *time.Time `json:"resolved_at,omitempty"`
} // @name Promise

// PromiseList is a customer's promises, newest first.
type PromiseList struct {
	Items []Promise `json:"items"`
} // @name PromiseList

func promiseDTO(p *promise.Promise) Promise {
	out := Promise{
		ID: p.ID(), CustomerID: p.CustomerID(), Amount: p.Amount().StringFixed(), Currency: p.Amount().Currency().Code(),
		PromisedDate: p.Date().String(), Status: string(p.Status()), Note: p.Note(), CreatedAt: p.CreatedAt(),
	}
	if by := p.CreatedBy(); by != uuid.Nil {
		out.CreatedBy = &by
	}
	if at := p.ResolvedAt(); !at.IsZero() {
		out.ResolvedAt = &at
	}
	return out
}

// createPromise godoc
//
//	@Summary		Record a promise to pay
//	@Description	The customer promises to pay amount by promised_date (today or later in the organization's time zone). While pending, the customer's reminders pause until the end of that day; then the promise is kept (payments received since the day it was made reach the amount) or broken, and reminders resume. A new promise replaces the customer's pending one (which becomes cancelled).
//	@Tags			collections
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string			true	"customer id (UUID) or the ERP's external id"
//	@Param			promise	body		PromiseInput	true	"the promise"
//	@Success		201		{object}	Promise
//	@Failure		400		{object}	ErrorBody
//	@Failure		401		{object}	ErrorBody
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/customers/{id}/promises [post]
func (h *handlers) createPromise(c *gin.Context) {
	id, err := refID(c, customer.IDFor)
	if err != nil {
		_ = c.Error(err)
		return
	}
	var in PromiseInput
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	amount, err := parseMoney(in.Amount, in.Currency)
	if err != nil {
		_ = c.Error(err)
		return
	}
	d, err := date.Parse(strings.TrimSpace(in.Date))
	if err != nil {
		_ = c.Error(err)
		return
	}
	p, err := h.Collections.RecordPromise.Handle(c.Request.Context(), application.RecordPromiseCommand{
		CustomerID: id, Amount: amount, Date: d, Note: in.Note,
	})
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusCreated, promiseDTO(p))
}

// listPromises godoc
//
//	@Summary	A customer's promises to pay, newest first
//	@Tags		collections
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id		path		string	true	"customer id (UUID) or the ERP's external id"
//	@Param		limit	query		int		false	"at most, 1 to 500 (default 50)"
//	@Success	200		{object}	PromiseList
//	@Failure	400		{object}	ErrorBody
//	@Failure	401		{object}	ErrorBody
//	@Failure	404		{object}	ErrorBody
//	@Router		/api/v1/customers/{id}/promises [get]
func (h *handlers) listPromises(c *gin.Context) {
	id, p, err := h.knownCustomer(c)
	if err != nil {
		_ = c.Error(err)
		return
	}
	items, err := h.Collections.Promises.ByCustomer(c.Request.Context(), id, p.Limit)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, PromiseList{Items: mapItems(items, promiseDTO)})
}

// cancelPromise godoc
//
//	@Summary		Cancel a pending promise to pay
//	@Description	The customer's reminders resume. A promise already kept, broken or cancelled is a 409.
//	@Tags			collections
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"promise id (UUID)"
//	@Success		200	{object}	Promise
//	@Failure		400	{object}	ErrorBody
//	@Failure		401	{object}	ErrorBody
//	@Failure		404	{object}	ErrorBody
//	@Failure		409	{object}	ErrorBody
//	@Router			/api/v1/promises/{id}/cancel [post]
func (h *handlers) cancelPromise(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	p, err := h.Collections.CancelPromise.Handle(c.Request.Context(), id)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, promiseDTO(p))
}

// DisputeInput opens a dispute.
type DisputeInput struct {
	Reason string `json:"reason" example:"Cobro duplicado: ya pagada con la factura F-120"`
} // @name DisputeInput

// ResolveDisputeInput resolves a dispute.
type ResolveDisputeInput struct {
	Resolution string `json:"resolution" example:"Nota crédito NC-45 emitida"`
} // @name ResolveDisputeInput

// Dispute is an invoice's dispute as Saldo answers it.
type Dispute struct {
	InvoiceID  uuid.UUID  `json:"invoice_id"`
	Disputed   bool       `json:"disputed"`
	Reason     string     `json:"reason"`
	OpenedBy   *uuid.UUID `json:"opened_by,omitempty"`
	OpenedAt   time.Time  `json:"opened_at"`
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
	Resolution string     `json:"resolution"`
} // @name Dispute

func disputeDTO(d *dispute.Dispute) Dispute {
	out := Dispute{
		InvoiceID: d.InvoiceID(), Disputed: d.IsOpen(), Reason: d.Reason(), OpenedAt: d.OpenedAt(), Resolution: d.Resolution(),
	}
	if by := d.OpenedBy(); by != uuid.Nil {
		out.OpenedBy = &by
	}
	if at := d.ResolvedAt(); !at.IsZero() {
		out.ResolvedAt = &at
	}
	return out
}

// openDispute godoc
//
//	@Summary		Dispute an invoice
//	@Description	The invoice leaves the reminder flow until the dispute is resolved; it stays in balances, lists and the aging report. Only open invoices; one already disputed is a 409. Disputing a resolved invoice again reopens its dispute with the new reason.
//	@Tags			collections
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string			true	"invoice id (UUID) or the ERP's external id"
//	@Param			dispute	body		DisputeInput	true	"why"
//	@Success		200		{object}	Dispute
//	@Failure		400		{object}	ErrorBody
//	@Failure		401		{object}	ErrorBody
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/invoices/{id}/dispute [post]
func (h *handlers) openDispute(c *gin.Context) {
	id, err := refID(c, invoice.IDFor)
	if err != nil {
		_ = c.Error(err)
		return
	}
	var in DisputeInput
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	d, err := h.Collections.OpenDispute.Handle(c.Request.Context(), application.OpenDisputeCommand{InvoiceID: id, Reason: in.Reason})
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, disputeDTO(d))
}

// resolveDispute godoc
//
//	@Summary		Resolve an invoice's dispute
//	@Description	The invoice returns to the reminder flow. An invoice not disputed is a 404; a dispute already resolved a 409.
//	@Tags			collections
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string				true	"invoice id (UUID) or the ERP's external id"
//	@Param			resolution	body		ResolveDisputeInput	true	"what was decided"
//	@Success		200			{object}	Dispute
//	@Failure		400			{object}	ErrorBody
//	@Failure		401			{object}	ErrorBody
//	@Failure		404			{object}	ErrorBody
//	@Failure		409			{object}	ErrorBody
//	@Failure		422			{object}	ErrorBody
//	@Router			/api/v1/invoices/{id}/dispute/resolve [post]
func (h *handlers) resolveDispute(c *gin.Context) {
	id, err := refID(c, invoice.IDFor)
	if err != nil {
		_ = c.Error(err)
		return
	}
	var in ResolveDisputeInput
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	d, err := h.Collections.ResolveDispute.Handle(c.Request.Context(), id, in.Resolution)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, disputeDTO(d))
}

// OptOutInput sets a customer's WhatsApp opt-out.
type OptOutInput struct {
	OptedOut *bool `json:"opted_out" binding:"required" example:"true"`
} // @name OptOutInput

// setOptOut godoc
//
//	@Summary		Opt a customer out of WhatsApp messages, or back in
//	@Description	Opted-out customers get no campaign and no reminder. Customers also opt out themselves by writing STOP, BAJA, PARAR, SAIR or CANCELAR (START or ALTA opts back in). ERP syncs never change it.
//	@Tags			collections
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string		true	"customer id (UUID) or the ERP's external id"
//	@Param			opt_out	body		OptOutInput	true	"the choice"
//	@Success		200		{object}	Customer
//	@Failure		400		{object}	ErrorBody
//	@Failure		401		{object}	ErrorBody
//	@Failure		404		{object}	ErrorBody
//	@Router			/api/v1/customers/{id}/whatsapp-opt-out [put]
func (h *handlers) setOptOut(c *gin.Context) {
	id, err := refID(c, customer.IDFor)
	if err != nil {
		_ = c.Error(err)
		return
	}
	var in OptOutInput
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	cu, err := h.Collections.SetOptOut.Handle(c.Request.Context(), id, *in.OptedOut)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, customerDTO(cu))
}
