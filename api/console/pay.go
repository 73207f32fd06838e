package console

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/paymentlink"
)

const payCookie = "saldo_pay_csrf"

// PayView is the public pay page.
type PayView struct {
	application.PayPage
	Payable bool
	Message string
}

func (c *console) payPage(ctx *gin.Context) {
	c.renderPay(ctx, http.StatusOK, "")
}

func (c *console) renderPay(ctx *gin.Context, status int, msg string) {
	securityHeaders(ctx)
	p, err := c.Pay.Page(ctx.Request.Context(), ctx.Param("token"))
	if err != nil {
		if domain.KindOf(err) == domain.KindNotFound {
			ctx.String(http.StatusNotFound, T(ES, "not_found"))
			return
		}
		c.fail(ctx, err)
		return
	}
	if p.Link.Provider() != "sandbox" && p.Link.URL() != "" && !strings.Contains(p.Link.URL(), "/pay/") {
		ctx.Redirect(http.StatusFound, p.Link.URL())
		return
	}
	l := parseLang(string(p.Customer.Language()))
	v := PayView{PayPage: p, Payable: p.Link.CheckPayable(c.Clock.Now()) == nil, Message: msg}
	token := randomToken()
	c.setCookie(ctx, payCookie, token, 3600)
	c.render(ctx, status, "pay.html", page{L: l, CSRF: token, Title: T(l, "pay_title"), Now: c.Clock.Now(), Data: v})
}

func (c *console) pay(ctx *gin.Context) {
	cookie, err := ctx.Cookie(payCookie)
	form := ctx.PostForm(csrfField)
	if err != nil || form == "" || subtle.ConstantTimeCompare([]byte(cookie), []byte(form)) != 1 {
		c.renderPay(ctx, http.StatusForbidden, T(ES, "csrf_failed"))
		return
	}
	err = c.Pay.Pay(ctx.Request.Context(), ctx.Param("token"))
	switch {
	case err == nil:
		ctx.Redirect(http.StatusSeeOther, ctx.Request.URL.Path)
	case errors.Is(err, paymentlink.ErrExpired), errors.Is(err, paymentlink.ErrNotPayable), domain.KindOf(err) == domain.KindInvalid:
		c.renderPay(ctx, http.StatusConflict, "")
	default:
		c.fail(ctx, err)
	}
}

// createLink makes a payment link from the panel and sends it in the chat:
// as text inside the window, otherwise with the link template's URL button.
func (c *console) createLink(ctx *gin.Context) {
	id, ok := c.conversationID(ctx)
	if !ok {
		return
	}
	conv, err := c.visible(ctx, id)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	if conv.CustomerID() == uuid.Nil {
		c.refused(ctx, id, domain.Invalid("no_customer", "link a customer first"), "")
		return
	}
	cmd := application.CreatePaymentLinkCommand{CustomerID: conv.CustomerID(), ConversationID: id}
	for _, s := range ctx.PostFormArray("invoice") {
		if iid, err := uuid.Parse(s); err == nil {
			cmd.InvoiceIDs = append(cmd.InvoiceIDs, iid)
		}
	}
	if s := strings.TrimSpace(ctx.PostForm("amount")); s != "" {
		m, err := money.Parse(strings.ReplaceAll(s, ",", "."), ctx.PostForm("currency"))
		if err != nil {
			c.refused(ctx, id, err, "")
			return
		}
		cmd.Amount = &m
	}
	u, _ := viewer(ctx)
	if _, err := c.SendLink.Handle(ctx.Request.Context(), cmd, u.ID()); err != nil {
		c.refused(ctx, id, err, "")
		return
	}
	c.done(ctx, id)
}

// paidPage is where Stripe's Checkout sends the customer back.
func (c *console) paidPage(ctx *gin.Context) {
	securityHeaders(ctx)
	l := acceptLanguage(ctx.GetHeader("Accept-Language"))
	c.render(ctx, http.StatusOK, "paid.html", page{L: l, Title: T(l, "pay_title"), Data: ctx.Query("cancelled") != ""})
}
