package console

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/group"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/payment"
	"github.com/saldocrm/saldo/ports"
)

func (c *console) ledgerRoutes(g *gin.RouterGroup) {
	g.GET("/customers", c.customers)
	g.GET("/customers/:id", c.customerPage)
	g.GET("/invoices", c.invoices)
	g.GET("/reports/aging", c.aging)
}

// CustomerRow is a customer in the customers list.
type CustomerRow struct {
	Customer *customer.Customer
	Balances []money.Money
}

// CustomersView is the customers list.
type CustomersView struct {
	Search string
	Rows   []CustomerRow
	Next   string
}

func (c *console) customers(ctx *gin.Context) {
	v := CustomersView{Search: strings.TrimSpace(ctx.Query("q"))}
	p := ports.Page{Limit: 50}
	if s := ctx.Query("after"); s != "" {
		p.After, _ = uuid.Parse(s)
	}
	items, more, err := c.ListCustomers.Handle(ctx.Request.Context(), ports.CustomerFilter{Search: v.Search, Page: p})
	if err != nil {
		c.fail(ctx, err)
		return
	}
	ids := make([]uuid.UUID, len(items))
	for i, it := range items {
		ids[i] = it.ID()
	}
	balances, err := c.Balances.Handle(ctx.Request.Context(), ids)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	for _, it := range items {
		v.Rows = append(v.Rows, CustomerRow{Customer: it, Balances: balances[it.ID()]})
	}
	if more && len(items) > 0 {
		v.Next = items[len(items)-1].ID().String()
	}
	c.render(ctx, http.StatusOK, "customers.html", c.page(ctx, "customers", T(c.lang(ctx), "customers"), v))
}

// CustomerView is a customer's page.
type CustomerView struct {
	Summary       application.CustomerSummaryView
	Invoices      []*invoice.Invoice
	Payments      []*payment.Payment
	Conversations []*conversation.Conversation
	Groups        []*group.Group
}

func (c *console) customerPage(ctx *gin.Context) {
	id, err := uuid.Parse(ctx.Param("id"))
	if err != nil {
		ctx.String(http.StatusNotFound, T(c.lang(ctx), "not_found"))
		return
	}
	rctx := ctx.Request.Context()
	s, err := c.Summary.Handle(rctx, id)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	v := CustomerView{Summary: s}
	if v.Invoices, _, err = c.ListInvoices.Handle(rctx, ports.InvoiceFilter{CustomerID: id, Page: ports.Page{Limit: 200}}); err != nil {
		c.fail(ctx, err)
		return
	}
	if v.Payments, _, err = c.ListPayments.Handle(rctx, ports.PaymentFilter{CustomerID: id, Page: ports.Page{Limit: 100}}); err != nil {
		c.fail(ctx, err)
		return
	}
	convs, _, err := c.Conversations.List(rctx, ports.ConversationFilter{CustomerID: id, Page: ports.Page{Limit: 50}})
	if err != nil {
		c.fail(ctx, err)
		return
	}
	if v.Groups, err = c.customerGroups(ctx, id); err != nil {
		c.fail(ctx, err)
		return
	}
	u, _ := viewer(ctx)
	for _, conv := range convs {
		if u.CanSeeConversation(conv.AssigneeID()) {
			v.Conversations = append(v.Conversations, conv)
		}
	}
	c.render(ctx, http.StatusOK, "customer.html", c.page(ctx, "customers", s.Customer.Name(), v))
}

// InvoicesView is the invoices list with its filters.
type InvoicesView struct {
	Overdue  string
	Bucket   string
	Currency string
	Invoices []*invoice.Invoice
	Names    map[uuid.UUID]string
	Next     string
}

// Buckets lists the aging buckets for the filter.
func (InvoicesView) Buckets() []invoice.Bucket { return invoice.Buckets }

// Currencies lists the currencies for the filter.
func (InvoicesView) Currencies() []string { return []string{"COP", "MXN", "BRL", "USD"} }

func (c *console) invoices(ctx *gin.Context) {
	v := InvoicesView{Overdue: ctx.Query("overdue"), Bucket: ctx.Query("bucket"), Currency: strings.ToUpper(ctx.Query("currency"))}
	f := ports.InvoiceFilter{Page: ports.Page{Limit: 100}}
	if s := ctx.Query("after"); s != "" {
		f.After, _ = uuid.Parse(s)
	}
	switch v.Overdue {
	case "yes":
		t := true
		f.Overdue = &t
	case "no":
		no := false
		f.Overdue = &no
	}
	if b, err := invoice.ParseBucket(v.Bucket); err == nil {
		f.Bucket = b
	} else {
		v.Bucket = ""
	}
	if cur, err := money.ParseCurrency(v.Currency); err == nil {
		f.Currency = cur
	} else {
		v.Currency = ""
	}
	rctx := ctx.Request.Context()
	items, more, err := c.ListInvoices.Handle(rctx, f)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	ids := make([]uuid.UUID, len(items))
	for i, it := range items {
		ids[i] = it.CustomerID()
	}
	names, err := c.Lookups.CustomerNames(rctx, ids)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	v.Invoices, v.Names = items, names
	if more && len(items) > 0 {
		v.Next = items[len(items)-1].ID().String()
	}
	c.render(ctx, http.StatusOK, "invoices.html", c.page(ctx, "invoices", T(c.lang(ctx), "invoices"), v))
}

func (c *console) aging(ctx *gin.Context) {
	if u, _ := viewer(ctx); !u.CanSeeReports() {
		ctx.String(http.StatusForbidden, T(c.lang(ctx), "forbidden"))
		return
	}
	r, err := c.Aging.Handle(ctx.Request.Context(), 10)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	c.render(ctx, http.StatusOK, "aging.html", c.page(ctx, "aging", T(c.lang(ctx), "aging"), r))
}
