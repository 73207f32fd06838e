package console

import (
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/clock"
	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/conversation"
	wa "github.com/saldocrm/saldo/domain/template"
	"github.com/saldocrm/saldo/domain/user"
	"github.com/saldocrm/saldo/ports"
)

// memTemplates stores templates in memory.
type memTemplates struct {
	mu sync.Mutex
	m  map[string]*wa.Template
}

func (r *memTemplates) Get(_ context.Context, name, language string) (*wa.Template, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if t, ok := r.m[name+"/"+language]; ok {
		return t, nil
	}
	return nil, wa.ErrNotFound.New(name)
}

func (r *memTemplates) Save(_ context.Context, t *wa.Template) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m[t.Name()+"/"+t.Language()] = t
	return nil
}

func (r *memTemplates) List(context.Context) ([]*wa.Template, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*wa.Template
	for _, t := range r.m {
		out = append(out, t)
	}
	return out, nil
}

func (r *memTemplates) Delete(_ context.Context, name, language string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.m, name+"/"+language)
	return nil
}

// memCatalog accepts every template and remembers the deletes.
type memCatalog struct {
	mu      sync.Mutex
	created []wa.Details
	deleted []string
}

func (c *memCatalog) List(context.Context, string) ([]ports.RemoteTemplate, error) { return nil, nil }

func (c *memCatalog) Create(_ context.Context, _ string, d wa.Details) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.created = append(c.created, d)
	return "hsm-1", nil
}

func (c *memCatalog) Delete(_ context.Context, _, name, _ string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deleted = append(c.deleted, name)
	return nil
}

type oneNumber struct{ ports.NumberRepository }

func (oneNumber) Default(context.Context) (conversation.BusinessNumber, error) {
	return conversation.BusinessNumber{BusinessAccountID: "waba"}, nil
}

// templatePages serves the template pages to a signed-in user of role.
func templatePages(t *testing.T, role user.Role) (http.Handler, *memTemplates, *memCatalog) {
	t.Helper()
	now := time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)
	bogota, err := time.LoadLocation("America/Bogota")
	require.NoError(t, err)
	repo, catalog := &memTemplates{m: map[string]*wa.Template{}}, &memCatalog{}
	clk := clock.NewFixed(now)
	d := Deps{
		Log: slog.New(slog.DiscardHandler), Clock: clk, Org: application.Org{Location: bogota},
		Templates:    application.NewListTemplates(repo),
		NewTemplate:  application.NewCreateTemplate(catalog, oneNumber{}, repo, clk),
		DropTemplate: application.NewDeleteTemplate(catalog, oneNumber{}, repo),
	}
	// The pages are parsed as Register parses them.
	c := &console{Deps: d}
	c.pages = template.Must(template.New("").Funcs(funcs(d.Org)).Funcs(c.campaignFuncs()).ParseFS(templateFS, "templates/*.html"))
	u, err := user.New(uuid.New(), "ana@example.com", "Ana", role, "es", "x", now)
	require.NoError(t, err)
	gin.SetMode(gin.TestMode)
	r := gin.New()
	g := r.Group("", func(ctx *gin.Context) {
		ctx.Set(viewerKey, u)
		ctx.Set(sessionKey, user.Session{UserID: u.ID(), CSRFToken: "tok"})
	})
	c.templateRoutes(g)
	return r, repo, catalog
}

func serve(h http.Handler, method, path string, form url.Values) *httptest.ResponseRecorder {
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req := httptest.NewRequestWithContext(context.Background(), method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func reminderForm() url.Values {
	return url.Values{
		"_csrf": {"tok"}, "name": {"recordatorio_pago"}, "language": {"es"}, "category": {"UTILITY"},
		"header_format": {"TEXT"}, "header": {"Factura {{1}}"}, "header_example": {"F-1001"},
		"body":    {"Hola {{1}}, su saldo de {{2}} venció."},
		"example": {"María", "$ 120.000"},
		"footer":  {"Saldo"},
		// The second row is blank, as the page offers it.
		"button_type":    {"URL", "", "QUICK_REPLY"},
		"button_text":    {"Pagar", "", "Ya pagué"},
		"button_value":   {"https://pagos.example.com/p/{{1}}", "", ""},
		"button_example": {"pl_1", "", ""},
	}
}

func TestTemplatePagesAreForOwnersAndManagers(t *testing.T) {
	t.Parallel()
	h, _, catalog := templatePages(t, user.Agent)
	for _, r := range []struct{ method, path string }{{"GET", "/templates"}, {"GET", "/templates/new"}, {"POST", "/templates"}, {"POST", "/templates/delete"}} {
		var form url.Values
		if r.method == "POST" {
			form = reminderForm()
		}
		w := serve(h, r.method, r.path, form)
		assert.Equal(t, http.StatusForbidden, w.Code, "%s %s", r.method, r.path)
	}
	assert.Empty(t, catalog.created)

	h, _, _ = templatePages(t, user.Manager)
	w := serve(h, "GET", "/templates", nil)
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, w.Body.String(), "Aún no hay plantillas")
}

func TestCreateTemplateFromTheForm(t *testing.T) {
	t.Parallel()
	h, repo, catalog := templatePages(t, user.Owner)

	w := serve(h, "GET", "/templates/new", nil)
	require.Equal(t, http.StatusOK, w.Code)
	page := w.Body.String()
	assert.Contains(t, page, `id="preview"`, "the preview bubble")
	assert.Contains(t, page, `/static/templates.js`)
	assert.Contains(t, page, `name="_csrf" value="tok"`)

	w = serve(h, "POST", "/templates", reminderForm())
	require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
	assert.Equal(t, "/templates?created="+url.QueryEscape("recordatorio_pago (es)"), w.Header().Get("Location"))
	require.Len(t, catalog.created, 1)
	d := catalog.created[0]
	assert.Equal(t, wa.HeaderText, d.HeaderKind())
	assert.Equal(t, []string{"María", "$ 120.000"}, d.Examples)
	assert.Equal(t, []wa.Button{
		{Type: wa.URL, Text: "Pagar", URL: "https://pagos.example.com/p/{{1}}", Example: "pl_1"},
		{Type: wa.QuickReply, Text: "Ya pagué"},
	}, d.Buttons, "blank rows are skipped")

	// The list shows it pending, with the samples in the preview and the time in Bogotá.
	w = serve(h, "GET", "/templates?created=recordatorio_pago+%28es%29", nil)
	require.Equal(t, http.StatusOK, w.Code)
	list := w.Body.String()
	assert.Contains(t, list, "Plantilla recordatorio_pago (es) enviada a revisión")
	assert.Contains(t, list, "Hola María, su saldo de $ 120.000 venció.")
	assert.Contains(t, list, "tpl-status-PENDING")
	assert.Contains(t, list, "En revisión")
	assert.Contains(t, list, "21:00", "2026-11-22 02:00 UTC is 21:00 of the 21st in Bogotá")

	// The same again: the name field says it exists, nothing is submitted.
	w = serve(h, "POST", "/templates", reminderForm())
	assert.Equal(t, http.StatusUnprocessableEntity, w.Code)
	assert.Contains(t, w.Body.String(), "Ya existe una plantilla con ese nombre e idioma.")
	assert.Len(t, catalog.created, 1)

	// Delete.
	w = serve(h, "POST", "/templates/delete", url.Values{"_csrf": {"tok"}, "name": {"recordatorio_pago"}, "language": {"es"}})
	require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
	assert.Equal(t, []string{"recordatorio_pago"}, catalog.deleted)
	assert.Empty(t, repo.m)
	w = serve(h, "POST", "/templates/delete", url.Values{"_csrf": {"tok"}, "name": {"recordatorio_pago"}, "language": {"es"}})
	assert.Equal(t, http.StatusUnprocessableEntity, w.Code)
	assert.Contains(t, w.Body.String(), `class="error"`)
}

func TestInvalidTemplateShowsEachProblemBesideItsField(t *testing.T) {
	t.Parallel()
	h, repo, catalog := templatePages(t, user.Owner)
	form := reminderForm()
	form.Set("name", "Recordatorio Pago")
	form.Set("header_example", "")
	form["example"] = []string{"María"}
	form.Set("footer", strings.Repeat("x", 61))
	form["button_value"] = []string{"http://pagos.example.com/p/{{1}}", "", ""}
	form.Set("button_text", "Pagar")

	w := serve(h, "POST", "/templates", form)
	require.Equal(t, http.StatusUnprocessableEntity, w.Code)
	page := w.Body.String()
	for _, want := range []string{
		"Revise los campos marcados.",
		"Use minúsculas, números y guion bajo",
		"Escriba un valor de ejemplo para {{1}}.",
		"Escriba un valor de ejemplo por variable.",
		"El pie tiene como máximo 60 caracteres.",
		"Use una URL https://",
	} {
		assert.Contains(t, page, want)
	}
	assert.Contains(t, page, `value="Recordatorio Pago"`, "what was typed stays")
	assert.Equal(t, 2, strings.Count(page, `name="example"`), "one sample input per body variable")
	assert.Empty(t, catalog.created)
	assert.Empty(t, repo.m)
}
