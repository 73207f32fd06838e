package api

import (
	"crypto/subtle"
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/saldocrm/saldo/domain"
)

// maxWebhookBody bounds a webhook delivery; Meta's are a few KB.
const maxWebhookBody = 1 << 20

// whatsappVerify godoc
//
//	@Summary		WhatsApp webhook verification
//	@Description	Meta calls this once when the webhook is configured: answers hub.challenge when hub.verify_token matches WHATSAPP_VERIFY_TOKEN, else 403.
//	@Tags			webhooks
//	@Produce		plain
//	@Param			hub.mode			query		string	true	"subscribe"
//	@Param			hub.verify_token	query		string	true	"the configured verify token"
//	@Param			hub.challenge		query		string	true	"echoed back"
//	@Success		200					{string}	string	"the challenge"
//	@Failure		403					{object}	ErrorBody
//	@Router			/webhooks/whatsapp [get]
func (h *handlers) whatsappVerify(c *gin.Context) {
	token := c.Query("hub.verify_token")
	if c.Query("hub.mode") != "subscribe" || h.WhatsApp.VerifyToken == "" ||
		subtle.ConstantTimeCompare([]byte(token), []byte(h.WhatsApp.VerifyToken)) != 1 {
		c.JSON(http.StatusForbidden, ErrorBody{Error: ErrorDetail{Code: "verification_failed", Message: "hub.mode must be subscribe and hub.verify_token must match"}})
		return
	}
	c.String(http.StatusOK, c.Query("hub.challenge"))
}

// whatsappWebhook godoc
//
//	@Summary		WhatsApp webhook: messages, statuses, template reviews
//	@Description	Checks X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the app secret) and answers 401 without storing anything when it is missing or wrong. A body it cannot read is refused with 400. Otherwise the delivery is stored durably before the 200 and processed in the background; the same delivery twice is applied once.
//	@Tags			webhooks
//	@Accept			json
//	@Produce		json
//	@Param			X-Hub-Signature-256	header		string	true	"sha256=<hex HMAC-SHA256 of the body>"
//	@Success		200					{object}	Health
//	@Failure		400					{object}	ErrorBody
//	@Failure		401					{object}	ErrorBody
//	@Router			/webhooks/whatsapp [post]
func (h *handlers) whatsappWebhook(c *gin.Context) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxWebhookBody))
	if err != nil {
		_ = c.Error(errBadRequest("unreadable_body", errors.New("the body could not be read or is larger than 1 MiB")))
		return
	}
	if !h.WhatsApp.Verify(body, c.GetHeader("X-Hub-Signature-256")) {
		c.JSON(http.StatusUnauthorized, ErrorBody{Error: ErrorDetail{Code: "invalid_signature", Message: "X-Hub-Signature-256 is missing or does not match the body"}})
		return
	}
	if _, err := h.WhatsApp.Receive.Handle(c.Request.Context(), body); err != nil {
		if domain.KindOf(err) == domain.KindInvalid {
			err = errBadRequest("unreadable_webhook", err)
		}
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, Health{Status: "ok"})
}
