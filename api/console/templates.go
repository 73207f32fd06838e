package console

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/saldocrm/saldo/domain"
	wa "github.com/saldocrm/saldo/domain/template"
)

func (c *console) templateRoutes(g *gin.RouterGroup) {
	t := g.Group("/templates", c.requireReports)
	t.GET("", c.templatesPage)
	t.GET("/new", c.newTemplatePage)
	t.POST("", c.createTemplate)
	t.POST("/sync", c.syncTemplates)
	t.POST("/delete", c.deleteTemplate)
}

// requireReports lets only owners and managers through.
func (c *console) requireReports(ctx *gin.Context) {
	if u, _ := viewer(ctx); u == nil || !u.CanSeeReports() {
		ctx.String(http.StatusForbidden, T(c.lang(ctx), "forbidden"))
		ctx.Abort()
		return
	}
	ctx.Next()
}

// TemplatesView is the template list.
type TemplatesView struct {
	Templates []*wa.Template
	Notice    string
	Error     string
}

func (c *console) templatesPage(ctx *gin.Context) {
	l := c.lang(ctx)
	var notice string
	switch q := ctx.Request.URL.Query(); {
	case q.Get("created") != "":
		notice = T(l, "tpl_created", q.Get("created"))
	case q.Get("deleted") != "":
		notice = T(l, "tpl_deleted", q.Get("deleted"))
	case q.Get("synced") != "":
		n, _ := strconv.Atoi(q.Get("synced"))
		notice = T(l, "tpl_synced", n)
	}
	c.renderTemplates(ctx, http.StatusOK, notice, "")
}

func (c *console) renderTemplates(ctx *gin.Context, status int, notice, problem string) {
	ts, err := c.Templates.Handle(ctx.Request.Context())
	if err != nil {
		c.fail(ctx, err)
		return
	}
	v := TemplatesView{Templates: ts, Notice: notice, Error: problem}
	c.render(ctx, status, "templates.html", c.page(ctx, "templates", T(c.lang(ctx), "templates"), v))
}

// refusedTemplate shows the list again with what went wrong: a refusal by
// WhatsApp or a missing template is the user's to read; an outage is logged.
func (c *console) refusedTemplate(ctx *gin.Context, err error) {
	l := c.lang(ctx)
	switch domain.KindOf(err) {
	case domain.KindInvalid, domain.KindNotFound, domain.KindConflict:
		c.renderTemplates(ctx, http.StatusUnprocessableEntity, "", explain(l, err))
	default:
		c.Log.ErrorContext(ctx.Request.Context(), "templates", "path", ctx.FullPath(), "error", err)
		c.renderTemplates(ctx, http.StatusBadGateway, "", T(l, "internal_error"))
	}
}

func (c *console) syncTemplates(ctx *gin.Context) {
	n, err := c.SyncTemplates.Handle(ctx.Request.Context())
	if err != nil {
		c.refusedTemplate(ctx, err)
		return
	}
	ctx.Redirect(http.StatusSeeOther, "/templates?synced="+strconv.Itoa(n))
}

func (c *console) deleteTemplate(ctx *gin.Context) {
	name, language := ctx.PostForm("name"), ctx.PostForm("language")
	if err := c.DropTemplate.Handle(ctx.Request.Context(), name, language); err != nil {
		c.refusedTemplate(ctx, err)
		return
	}
	ctx.Redirect(http.StatusSeeOther, "/templates?deleted="+url.QueryEscape(name+" ("+language+")"))
}

// TemplateForm is the new-template page: what was typed, the problems per
// field and the preview.
type TemplateForm struct {
	D        wa.Details
	Buttons  []wa.Button // the typed buttons and blank rows to fill
	Examples []string    // one input per body variable
	Errors   map[string][]string
	Error    string
}

// Err returns the problems of a field, e.g. "body" or "buttons[2].url".
func (f TemplateForm) Err(field string) []string { return f.Errors[field] }

// ExampleInput is the input of the sample value of the body's {{N}}.
type ExampleInput struct {
	N     int
	Value string
	Errs  []string
}

// ExampleInputs returns one input per body variable.
func (f TemplateForm) ExampleInputs() []ExampleInput {
	out := make([]ExampleInput, len(f.Examples))
	for i, e := range f.Examples {
		out[i] = ExampleInput{N: i + 1, Value: e, Errs: f.Errors["examples["+strconv.Itoa(i)+"]"]}
	}
	return out
}

// ButtonRow is one row of the button editor; I is -1 for the row the
// script copies.
type ButtonRow struct {
	P     page
	I     int
	B     wa.Button
	Types []string
	errs  map[string][]string
}

// Err returns the problems of the row's field.
func (r ButtonRow) Err(field string) []string {
	if r.I < 0 {
		return nil
	}
	return r.errs["buttons["+strconv.Itoa(r.I)+"]."+field]
}

// Row returns button row i for the page p.
func (f TemplateForm) Row(p page, i int, b wa.Button) ButtonRow {
	types := []string{"", string(wa.QuickReply), string(wa.URL), string(wa.PhoneNumber), string(wa.CopyCode)}
	return ButtonRow{P: p, I: i, B: b, Types: types, errs: f.Errors}
}

// Blank is an empty button row.
func (TemplateForm) Blank() wa.Button { return wa.Button{} }

// MediaLabel is the catalog key naming a media header, "" for the others.
func (f TemplateForm) MediaLabel() string {
	if k := f.D.HeaderKind(); k.Media() {
		return "tpl_header_" + strings.ToLower(string(k))
	}
	return ""
}

// Preview fills the body's samples for the preview bubble.
func (f TemplateForm) Preview() string { return f.D.Preview() }

// HeaderPreview fills the header's sample.
func (f TemplateForm) HeaderPreview() string {
	return strings.ReplaceAll(f.D.Header, "{{1}}", orVar(f.D.HeaderExample, "{{1}}"))
}

func orVar(s, v string) string {
	if s == "" {
		return v
	}
	return s
}

const blankButtonRows = 3

func newTemplateForm(d wa.Details) TemplateForm {
	f := TemplateForm{D: d, Buttons: append([]wa.Button(nil), d.Buttons...), Errors: map[string][]string{}}
	for len(f.Buttons) < min(wa.MaxButtons, max(blankButtonRows, len(d.Buttons)+1)) {
		f.Buttons = append(f.Buttons, wa.Button{})
	}
	n := wa.Variables(d.Body)
	f.Examples = make([]string, n)
	copy(f.Examples, d.Examples)
	return f
}

func (c *console) newTemplatePage(ctx *gin.Context) {
	f := newTemplateForm(wa.Details{Language: "es", Category: wa.Utility})
	c.render(ctx, http.StatusOK, "templates_new.html", c.page(ctx, "templates", T(c.lang(ctx), "tpl_new"), f))
}

// templateDetails reads the form. Button rows without a type are blank rows.
func templateDetails(ctx *gin.Context) wa.Details {
	d := wa.Details{
		Name: ctx.PostForm("name"), Language: ctx.PostForm("language"), Category: wa.Category(ctx.PostForm("category")),
		HeaderFormat: wa.HeaderFormat(ctx.PostForm("header_format")), Header: ctx.PostForm("header"),
		HeaderExample: ctx.PostForm("header_example"), HeaderMediaURL: ctx.PostForm("header_media_url"),
		Body: strings.ReplaceAll(ctx.PostForm("body"), "\r\n", "\n"), Footer: ctx.PostForm("footer"),
		Examples: ctx.PostFormArray("example"),
	}
	types, texts := ctx.PostFormArray("button_type"), ctx.PostFormArray("button_text")
	values, examples := ctx.PostFormArray("button_value"), ctx.PostFormArray("button_example")
	at := func(s []string, i int) string {
		if i < len(s) {
			return s[i]
		}
		return ""
	}
	for i, typ := range types {
		if typ == "" {
			continue
		}
		b := wa.Button{Type: wa.ButtonType(typ), Text: at(texts, i), Example: at(examples, i)}
		if b.Type == wa.PhoneNumber {
			b.Phone = at(values, i)
		} else {
			b.URL = at(values, i)
		}
		d.Buttons = append(d.Buttons, b)
	}
	if wa.HeaderFormat(strings.ToUpper(string(d.HeaderFormat))) == wa.HeaderNone {
		d.Header, d.HeaderExample, d.HeaderMediaURL = "", "", ""
	}
	return d
}

func (c *console) createTemplate(ctx *gin.Context) {
	l := c.lang(ctx)
	d := wa.Normalize(templateDetails(ctx))
	f := newTemplateForm(d)
	if problems := wa.Check(d); len(problems) > 0 {
		for _, p := range problems {
			msg := T(l, "tpl_err_"+p.Code)
			if msg == "tpl_err_"+p.Code {
				msg = p.Message
			}
			f.Errors[p.Field] = append(f.Errors[p.Field], msg)
		}
		f.Error = T(l, "tpl_fix")
		c.render(ctx, http.StatusUnprocessableEntity, "templates_new.html", c.page(ctx, "templates", T(l, "tpl_new"), f))
		return
	}
	t, err := c.NewTemplate.Handle(ctx.Request.Context(), d)
	if err != nil {
		var de *domain.Error
		if !errors.As(err, &de) || domain.KindOf(err) == domain.KindInternal {
			c.Log.ErrorContext(ctx.Request.Context(), "create template", "error", err)
			f.Error = T(l, "internal_error")
			c.render(ctx, http.StatusBadGateway, "templates_new.html", c.page(ctx, "templates", T(l, "tpl_new"), f))
			return
		}
		f.Error = explain(l, err)
		if de.Kind() == domain.KindConflict {
			f.Errors["name"] = append(f.Errors["name"], f.Error)
		}
		c.render(ctx, http.StatusUnprocessableEntity, "templates_new.html", c.page(ctx, "templates", T(l, "tpl_new"), f))
		return
	}
	ctx.Redirect(http.StatusSeeOther, "/templates?created="+url.QueryEscape(t.Name()+" ("+t.Language()+")"))
}
