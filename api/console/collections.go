package console

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/account"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/dispute"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/promise"
	"github.com/saldocrm/saldo/domain/user"
)

// CollectionsDeps are the collections acts agents do beside the chat and on
// the customer page: promises to pay, invoice disputes, WhatsApp opt-out.
type CollectionsDeps struct {
	RecordPromise  *application.RecordPromise
	CancelPromise  *application.CancelPromise
	Promises       *application.PromiseQueries
	Disputes       *application.DisputeQueries
	OpenDispute    *application.OpenDispute
	ResolveDispute *application.ResolveDispute
	SetOptOut      *application.SetWhatsAppOptOut
}

// errForeignInvoice refuses acting on an invoice of another customer than
// the conversation's or the page's.
var errForeignInvoice = domain.Errorf(domain.KindNotFound, "invoice_not_found", "invoice %s not found")

func (c *console) collectionRoutes(g *gin.RouterGroup) {
	if c.Collections == nil {
		return
	}
	// Beside the chat: the answer is the fresh chat, and the panel refreshes.
	g.POST("/inbox/c/:id/promise", c.act(func(ctx context.Context, c *console, id uuid.UUID, u *user.User, g *gin.Context) error {
		cid, err := c.conversationCustomer(ctx, id)
		if err != nil {
			return err
		}
		return c.recordPromise(ctx, cid, u, g)
	}))
	g.POST("/inbox/c/:id/promise/cancel", c.act(func(ctx context.Context, c *console, id uuid.UUID, _ *user.User, g *gin.Context) error {
		cid, err := c.conversationCustomer(ctx, id)
		if err != nil {
			return err
		}
		return c.cancelPromise(ctx, cid, g.PostForm("promise_id"))
	}))
	g.POST("/inbox/c/:id/dispute", c.act(func(ctx context.Context, c *console, id uuid.UUID, u *user.User, g *gin.Context) error {
		cid, err := c.conversationCustomer(ctx, id)
		if err != nil {
			return err
		}
		return c.openDispute(ctx, cid, u, g)
	}))
	g.POST("/inbox/c/:id/dispute/resolve", c.act(func(ctx context.Context, c *console, id uuid.UUID, _ *user.User, g *gin.Context) error {
		cid, err := c.conversationCustomer(ctx, id)
		if err != nil {
			return err
		}
		return c.resolveDispute(ctx, cid, g)
	}))
	g.POST("/inbox/c/:id/opt-out", c.act(func(ctx context.Context, c *console, id uuid.UUID, _ *user.User, g *gin.Context) error {
		cid, err := c.conversationCustomer(ctx, id)
		if err != nil {
			return err
		}
		_, err = c.Collections.SetOptOut.Handle(ctx, cid, g.PostForm("opted_out") == "true")
		return err
	}))

	// On the customer page: back to the page, with the reason when refused.
	g.POST("/customers/:id/promises", c.customerAct(func(ctx context.Context, c *console, cid uuid.UUID, u *user.User, g *gin.Context) error {
		return c.recordPromise(ctx, cid, u, g)
	}))
	g.POST("/customers/:id/promises/cancel", c.customerAct(func(ctx context.Context, c *console, cid uuid.UUID, _ *user.User, g *gin.Context) error {
		return c.cancelPromise(ctx, cid, g.PostForm("promise_id"))
	}))
	g.POST("/customers/:id/dispute", c.customerAct(func(ctx context.Context, c *console, cid uuid.UUID, u *user.User, g *gin.Context) error {
		return c.openDispute(ctx, cid, u, g)
	}))
	g.POST("/customers/:id/dispute/resolve", c.customerAct(func(ctx context.Context, c *console, cid uuid.UUID, _ *user.User, g *gin.Context) error {
		return c.resolveDispute(ctx, cid, g)
	}))
	g.POST("/customers/:id/opt-out", c.customerAct(func(ctx context.Context, c *console, cid uuid.UUID, _ *user.User, g *gin.Context) error {
		_, err := c.Collections.SetOptOut.Handle(ctx, cid, g.PostForm("opted_out") == "true")
		return err
	}))
}

// conversationCustomer returns the customer linked to conversation id.
func (c *console) conversationCustomer(ctx context.Context, id uuid.UUID) (uuid.UUID, error) {
	conv, err := c.Conversations.Get(ctx, id)
	if err != nil {
		return uuid.Nil, err
	}
	if conv.CustomerID() == uuid.Nil {
		return uuid.Nil, domain.Invalid("not_linked", "link the conversation to a customer first")
	}
	return conv.CustomerID(), nil
}

// customerAct runs an action on the customer in the path, then goes back to
// the customer's page.
func (c *console) customerAct(fn func(ctx context.Context, c *console, cid uuid.UUID, u *user.User, g *gin.Context) error) gin.HandlerFunc {
	return func(ctx *gin.Context) {
		id, err := uuid.Parse(ctx.Param("id"))
		if err != nil {
			ctx.String(http.StatusNotFound, T(c.lang(ctx), "not_found"))
			return
		}
		rctx := ctx.Request.Context()
		if _, err := c.Lookups.Customer(rctx, id); err != nil {
			c.fail(ctx, err)
			return
		}
		u, _ := viewer(ctx)
		back := "/customers/" + id.String()
		if err := fn(rctx, c, id, u, ctx); err != nil {
			if domain.KindOf(err) == domain.KindInternal {
				c.fail(ctx, err)
				return
			}
			ctx.Redirect(http.StatusSeeOther, back+"?error="+urlEscape(explain(c.lang(ctx), err))+"#collections")
			return
		}
		ctx.Redirect(http.StatusSeeOther, back+"#collections")
	}
}

func (c *console) recordPromise(ctx context.Context, customerID uuid.UUID, u *user.User, g *gin.Context) error {
	amount, err := money.Parse(formAmount(g.PostForm("amount")), strings.ToUpper(strings.TrimSpace(g.PostForm("currency"))))
	if err != nil {
		return err
	}
	d, err := date.Parse(strings.TrimSpace(g.PostForm("date")))
	if err != nil {
		return err
	}
	_, err = c.Collections.RecordPromise.Handle(ctx, application.RecordPromiseCommand{
		CustomerID: customerID, Amount: amount, Date: d, Note: g.PostForm("note"), By: u.ID(),
	})
	return err
}

// formAmount reads an amount as agents type it: "1.250.000,50", "1,250,000.50"
// or "1250000.5". The last separator followed by one or two digits is the
// decimal point; every other separator groups thousands.
func formAmount(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	last := strings.LastIndexAny(s, ".,")
	if last >= 0 && len(s)-last-1 >= 1 && len(s)-last-1 <= 2 {
		return strings.NewReplacer(".", "", ",", "").Replace(s[:last]) + "." + s[last+1:]
	}
	return strings.NewReplacer(".", "", ",", "").Replace(s)
}

func (c *console) cancelPromise(ctx context.Context, customerID uuid.UUID, promiseID string) error {
	id, err := uuid.Parse(promiseID)
	if err != nil {
		return promise.ErrNotFound.New(promiseID)
	}
	p, err := c.Collections.Promises.Get(ctx, id)
	if err != nil {
		return err
	}
	if p.CustomerID() != customerID {
		return promise.ErrNotFound.New(id)
	}
	_, err = c.Collections.CancelPromise.Handle(ctx, id)
	return err
}

// customerInvoice reads the invoice in the form, refusing one of another customer.
func (c *console) customerInvoice(ctx context.Context, customerID uuid.UUID, g *gin.Context) (*invoice.Invoice, error) {
	id, err := uuid.Parse(g.PostForm("invoice_id"))
	if err != nil {
		return nil, errForeignInvoice.New(g.PostForm("invoice_id"))
	}
	inv, err := c.Lookups.Invoice(ctx, id)
	if err != nil {
		return nil, err
	}
	if inv.CustomerID() != customerID {
		return nil, errForeignInvoice.New(id)
	}
	return inv, nil
}

func (c *console) openDispute(ctx context.Context, customerID uuid.UUID, u *user.User, g *gin.Context) error {
	inv, err := c.customerInvoice(ctx, customerID, g)
	if err != nil {
		return err
	}
	_, err = c.Collections.OpenDispute.Handle(ctx, application.OpenDisputeCommand{InvoiceID: inv.ID(), Reason: g.PostForm("reason"), By: u.ID()})
	return err
}

func (c *console) resolveDispute(ctx context.Context, customerID uuid.UUID, g *gin.Context) error {
	inv, err := c.customerInvoice(ctx, customerID, g)
	if err != nil {
		return err
	}
	_, err = c.Collections.ResolveDispute.Handle(ctx, inv.ID(), g.PostForm("resolution"))
	return err
}

// CollectionsView is the collections card of a customer: the pending (or
// last) promise to pay with the form to record one, the overdue invoices to
// dispute, the open disputes to resolve, and the WhatsApp opt-out toggle.
type CollectionsView struct {
	L        Lang
	CSRF     string
	Today    date.Date
	Base     string // where the forms post: the conversation's or the customer's URL
	Panel    bool   // beside the chat: the forms post in the background
	Error    string // why the last action was refused
	Customer *customer.Customer
	Promise  *promise.Promise // the pending promise, else the latest; nil when none
	Currency string           // the form's default currency: the customer's overdue currency
	Overdue  []account.OverdueInvoice
	Disputes []DisputeRow // open disputes, oldest first
	disputed map[uuid.UUID]bool
}

// DisputeRow is an open dispute with its invoice's number.
type DisputeRow struct {
	Dispute *dispute.Dispute
	Number  string
}

// IsDisputed reports whether invoice id is disputed now.
func (v *CollectionsView) IsDisputed(id uuid.UUID) bool { return v != nil && v.disputed[id] }

// Pauses reports whether the promise holds the customer's reminders today.
func (v *CollectionsView) Pauses() bool { return v.Promise != nil && v.Promise.PausesOn(v.Today) }

// collectionsLoader reads a customer's collections card for the page being rendered.
type collectionsLoader func(cu *customer.Customer, overdue []account.OverdueInvoice) (*CollectionsView, error)

// collectionsLoader returns the loader for the request, nil when the
// console has no collections.
func (c *console) collectionsLoader(ctx *gin.Context) collectionsLoader {
	if c.Collections == nil {
		return nil
	}
	return func(cu *customer.Customer, overdue []account.OverdueInvoice) (*CollectionsView, error) {
		rctx := ctx.Request.Context()
		v := &CollectionsView{
			Customer: cu, Overdue: overdue, Today: c.Org.Today(c.Clock.Now()), Error: ctx.Query("error"),
			Currency: c.Org.Currency.Code(), disputed: map[uuid.UUID]bool{},
		}
		if len(overdue) > 0 {
			v.Currency = overdue[0].Balance.Currency().Code()
		}
		ps, err := c.Collections.Promises.ByCustomer(rctx, cu.ID(), 5)
		if err != nil {
			return nil, err
		}
		if i := slices.IndexFunc(ps, func(p *promise.Promise) bool { return p.Status() == promise.Pending }); i >= 0 {
			v.Promise = ps[i]
		} else if len(ps) > 0 {
			v.Promise = ps[0]
		}
		ds, err := c.Collections.Disputes.OpenByCustomer(rctx, cu.ID())
		if err != nil {
			return nil, err
		}
		numbers := map[uuid.UUID]string{}
		for _, o := range overdue {
			numbers[o.InvoiceID] = o.Number
		}
		for _, d := range ds {
			v.disputed[d.InvoiceID()] = true
			n, ok := numbers[d.InvoiceID()]
			if !ok { // disputed but not overdue: read its number
				inv, err := c.Lookups.Invoice(rctx, d.InvoiceID())
				if err != nil {
					return nil, err
				}
				n = inv.Number()
			}
			v.Disputes = append(v.Disputes, DisputeRow{Dispute: d, Number: n})
		}
		return v, nil
	}
}

// PanelCollections is the collections card beside the chat of conversation convID.
func (p page) PanelCollections(cu *customer.Customer, overdue []account.OverdueInvoice, convID uuid.UUID) (*CollectionsView, error) {
	return p.loadCollections(cu, overdue, "/inbox/c/"+convID.String(), true)
}

// CustomerCollections is the collections card of the customer page.
func (p page) CustomerCollections(cu *customer.Customer, overdue []account.OverdueInvoice) (*CollectionsView, error) {
	return p.loadCollections(cu, overdue, "/customers/"+cu.ID().String(), false)
}

func (p page) loadCollections(cu *customer.Customer, overdue []account.OverdueInvoice, base string, panel bool) (*CollectionsView, error) {
	if p.collections == nil || cu == nil {
		return nil, nil
	}
	v, err := p.collections(cu, overdue)
	if err != nil {
		return nil, err
	}
	v.L, v.CSRF, v.Base, v.Panel = p.L, p.CSRF, base, panel
	return v, nil
}

// MinDate is the earliest date the promise form accepts: today.
func (v *CollectionsView) MinDate() string { return v.Today.String() }

// DefaultDate proposes a week from today.
func (v *CollectionsView) DefaultDate() string { return v.Today.AddDays(7).String() }
