package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/template"
)

// TemplateDeps are the use cases of WhatsApp message templates.
type TemplateDeps struct {
	List   *application.ListTemplates
	Sync   *application.SyncTemplates
	Create *application.CreateTemplate
	Delete *application.DeleteTemplate
}

func (h *handlers) templateRoutes(read, write *gin.RouterGroup) {
	read.GET("/templates", h.listTemplates)
	write.POST("/templates", h.createTemplate)
	write.POST("/templates/sync", h.syncTemplates)
	write.DELETE("/templates/:name", h.deleteTemplate)
}

// TemplateButton is a button of a template.
type TemplateButton struct {
	Type        string `json:"type" enums:"QUICK_REPLY,URL,PHONE_NUMBER,COPY_CODE" example:"URL"`
	Text        string `json:"text,omitempty" example:"Pagar"` // at most 25 characters; WhatsApp labels COPY_CODE buttons itself
	URL         string `json:"url,omitempty" example:"https://pagos.example.com/p/{{1}}"`
	PhoneNumber string `json:"phone_number,omitempty" example:"+573001234567"`
	// Example is the sample value of the URL's {{1}}, or the example code of a COPY_CODE button (at most 15 characters).
	Example string `json:"example,omitempty" example:"pl_8Kd92"`
} // @name TemplateButton

// TemplateRequest is a new template to submit for Meta's review.
type TemplateRequest struct {
	Name     string `json:"name" example:"recordatorio_vencido"` // lowercase letters, digits and underscores
	Language string `json:"language" example:"es"`               // es, es_MX, pt_BR, en_US, …
	Category string `json:"category" enums:"MARKETING,UTILITY" example:"UTILITY"`
	// HeaderFormat is TEXT (with header), IMAGE, VIDEO or DOCUMENT (with header_media_url); empty for none.
	HeaderFormat   string `json:"header_format,omitempty" enums:"TEXT,IMAGE,VIDEO,DOCUMENT" example:"TEXT"`
	Header         string `json:"header,omitempty" example:"Factura {{1}}"`  // at most 60 characters and one variable
	HeaderExample  string `json:"header_example,omitempty" example:"F-1001"` // sample value of the header's {{1}}
	HeaderMediaURL string `json:"header_media_url,omitempty" example:"https://cdn.example.com/factura.pdf"`
	Body           string `json:"body" example:"Hola {{1}}, su saldo de {{2}} venció el {{3}}."` // at most 1,024 characters
	// Examples are the sample values of the body's variables, one per variable, in order.
	Examples []string         `json:"examples,omitempty" example:"María,$ 1.250.000,15/11/2026"`
	Footer   string           `json:"footer,omitempty" example:"Responda BAJA para no recibir avisos"` // at most 60 characters
	Buttons  []TemplateButton `json:"buttons,omitempty"`
} // @name TemplateRequest

// Template is a WhatsApp message template and its review status.
type Template struct {
	Name           string           `json:"name" example:"recordatorio_pago"`
	Language       string           `json:"language" example:"es"`
	Category       string           `json:"category" enums:"MARKETING,UTILITY,AUTHENTICATION"`
	HeaderFormat   string           `json:"header_format,omitempty" enums:"TEXT,IMAGE,VIDEO,DOCUMENT"`
	Header         string           `json:"header,omitempty"`
	HeaderExample  string           `json:"header_example,omitempty"`
	HeaderMediaURL string           `json:"header_media_url,omitempty"`
	Body           string           `json:"body" example:"Hola {{1}}, te recordamos que tienes {{2}} pendiente con vencimiento {{3}}."`
	Examples       []string         `json:"examples,omitempty"`
	Preview        string           `json:"preview" example:"Hola María, te recordamos que tienes $ 1.250.000 pendiente con vencimiento 15/11/2026."`
	Footer         string           `json:"footer,omitempty"`
	Buttons        []TemplateButton `json:"buttons,omitempty"`
	Variables      int              `json:"variables" example:"3"`
	Status         string           `json:"status" enums:"PENDING,APPROVED,REJECTED,PAUSED,DISABLED"`
	Reason         string           `json:"reason,omitempty"` // Meta's reason for a rejection or pause
	ProviderID     string           `json:"provider_id,omitempty" example:"594425479261596"`
	UpdatedAt      time.Time        `json:"updated_at"`
} // @name Template

// TemplateSync is how many templates a sync read.
type TemplateSync struct {
	Templates int `json:"templates" example:"4"`
} // @name TemplateSync

func templateDTO(t *template.Template) Template {
	d := t.Details()
	out := Template{
		Name: d.Name, Language: d.Language, Category: string(d.Category), HeaderFormat: string(d.HeaderKind()),
		Header: d.Header, HeaderExample: d.HeaderExample, HeaderMediaURL: d.HeaderMediaURL,
		Body: d.Body, Examples: d.Examples, Preview: d.Preview(), Footer: d.Footer,
		Variables: template.Variables(d.Body), Status: string(t.Status()), Reason: t.Reason(),
		ProviderID: t.ProviderID(), UpdatedAt: t.UpdatedAt(),
	}
	for _, b := range d.Buttons {
		out.Buttons = append(out.Buttons, TemplateButton{Type: string(b.Type), Text: b.Text, URL: b.URL, PhoneNumber: b.Phone, Example: b.Example})
	}
	return out
}

func (in TemplateRequest) details() template.Details {
	d := template.Details{
		Name: in.Name, Language: in.Language, Category: template.Category(in.Category),
		HeaderFormat: template.HeaderFormat(in.HeaderFormat), Header: in.Header, HeaderExample: in.HeaderExample,
		HeaderMediaURL: in.HeaderMediaURL, Body: in.Body, Examples: in.Examples, Footer: in.Footer,
	}
	for _, b := range in.Buttons {
		d.Buttons = append(d.Buttons, template.Button{Type: template.ButtonType(b.Type), Text: b.Text, URL: b.URL, Phone: b.PhoneNumber, Example: b.Example})
	}
	return d
}

// listTemplates godoc
//
//	@Summary	List WhatsApp message templates and their review status
//	@Tags		templates
//	@Produce	json
//	@Security	BearerAuth
//	@Success	200	{array}		Template
//	@Failure	401	{object}	ErrorBody
//	@Router		/api/v1/templates [get]
func (h *handlers) listTemplates(c *gin.Context) {
	ts, err := h.Templates.List.Handle(c.Request.Context())
	if err != nil {
		_ = c.Error(err)
		return
	}
	out := make([]Template, len(ts))
	for i, t := range ts {
		out[i] = templateDTO(t)
	}
	c.JSON(http.StatusOK, out)
}

// createTemplate godoc
//
//	@Summary		Create a template and submit it for WhatsApp's review
//	@Description	Checks Meta's rules first (422 with one detail per problem, "field: message"), then submits the template to the WhatsApp Business Account of the default number. It is stored PENDING; the review's outcome arrives by webhook or with a sync. Only APPROVED templates can be sent. Meta's refusal is a 422 quoting Meta; a name and language Saldo already has is a 409.
//	@Tags			templates
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			template	body		TemplateRequest	true	"the template"
//	@Success		201			{object}	Template
//	@Failure		400			{object}	ErrorBody
//	@Failure		401			{object}	ErrorBody
//	@Failure		409			{object}	ErrorBody
//	@Failure		422			{object}	ErrorBody
//	@Router			/api/v1/templates [post]
func (h *handlers) createTemplate(c *gin.Context) {
	var in TemplateRequest
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	t, err := h.Templates.Create.Handle(c.Request.Context(), in.details())
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusCreated, templateDTO(t))
}

// deleteTemplate godoc
//
//	@Summary		Delete a template in one language
//	@Description	Deletes it at WhatsApp (a template WhatsApp no longer has is fine), then in Saldo.
//	@Tags			templates
//	@Security		BearerAuth
//	@Param			name		path	string	true	"template name"
//	@Param			language	query	string	true	"language code, e.g. es or pt_BR"
//	@Success		204
//	@Failure		400	{object}	ErrorBody
//	@Failure		401	{object}	ErrorBody
//	@Failure		404	{object}	ErrorBody
//	@Failure		422	{object}	ErrorBody
//	@Router			/api/v1/templates/{name} [delete]
func (h *handlers) deleteTemplate(c *gin.Context) {
	language := c.Query("language")
	if language == "" {
		_ = c.Error(errBadRequest("missing_language", errors.New("the query parameter language is required, e.g. ?language=es")))
		return
	}
	if err := h.Templates.Delete.Handle(c.Request.Context(), c.Param("name"), language); err != nil {
		_ = c.Error(err)
		return
	}
	c.Status(http.StatusNoContent)
}

// syncTemplates godoc
//
//	@Summary	Pull templates and their status from WhatsApp
//	@Tags		templates
//	@Produce	json
//	@Security	BearerAuth
//	@Success	200	{object}	TemplateSync
//	@Failure	401	{object}	ErrorBody
//	@Router		/api/v1/templates/sync [post]
func (h *handlers) syncTemplates(c *gin.Context) {
	n, err := h.Templates.Sync.Handle(c.Request.Context())
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, TemplateSync{Templates: n})
}
