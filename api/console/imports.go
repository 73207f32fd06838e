package console

import (
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/ports"
)

// importErrorsShown bounds the errors the import page lists; the CSV report
// has them all.
const importErrorsShown = 200

func (c *console) importRoutes(r *gin.Engine, g *gin.RouterGroup) {
	g.GET("/customers/import", c.importPage)
	g.GET("/customers/import/sample.csv", c.importSample)
	g.GET("/customers/import/:id", c.importResult)
	g.GET("/customers/import/:id/status", c.importStatus)
	g.GET("/customers/import/:id/errors.csv", c.importErrorsCSV)
	// Uploads: the body limit comes before the session check, which reads
	// the form (and so the file) for the CSRF token.
	up := r.Group("", maxBody(application.MaxImportBytes+1<<20), c.requireSession)
	up.POST("/customers/import/preview", c.importPreview)
	up.POST("/customers/import", c.startImport)
}

// maxBody refuses bodies over n bytes: at once when the request says its
// length, else when reading passes n.
func maxBody(n int64) gin.HandlerFunc {
	return func(ctx *gin.Context) {
		if ctx.Request.ContentLength > n {
			ctx.AbortWithStatus(http.StatusRequestEntityTooLarge)
			_, _ = ctx.Writer.WriteString(T(acceptLanguage(ctx.GetHeader("Accept-Language")), "import_too_large"))
			return
		}
		ctx.Request.Body = http.MaxBytesReader(ctx.Writer, ctx.Request.Body, n)
		ctx.Next()
	}
}

// ImportView is the import page: the upload form, a preview or an error.
type ImportView struct {
	Preview *application.ImportPreview
	Columns []string
	Error   string
}

func (c *console) importPage(ctx *gin.Context) {
	if !c.finance(ctx) {
		return
	}
	c.render(ctx, http.StatusOK, "import.html", c.page(ctx, "customers", T(c.lang(ctx), "import_customers"), ImportView{Columns: application.ImportColumns}))
}

func (c *console) importSample(ctx *gin.Context) {
	if !c.finance(ctx) {
		return
	}
	ctx.Header("Content-Disposition", `attachment; filename="clientes-ejemplo.csv"`)
	ctx.Data(http.StatusOK, "text/csv; charset=utf-8", application.ImportSample())
}

// upload reads the posted file, or answers why it cannot.
func (c *console) upload(ctx *gin.Context) (string, []byte, bool) {
	fh, err := ctx.FormFile("file")
	var tooBig *http.MaxBytesError
	msg := ""
	switch {
	case errors.As(err, &tooBig) || (err == nil && fh.Size > application.MaxImportBytes):
		msg = T(c.lang(ctx), "import_too_large")
	case err != nil:
		msg = T(c.lang(ctx), "import_choose_file")
	}
	var b []byte
	if msg == "" {
		f, err := fh.Open()
		if err != nil {
			c.fail(ctx, err)
			return "", nil, false
		}
		defer f.Close()
		if b, err = io.ReadAll(f); err != nil {
			c.fail(ctx, err)
			return "", nil, false
		}
		return fh.Filename, b, true
	}
	status := http.StatusUnprocessableEntity
	if tooBig != nil {
		status = http.StatusRequestEntityTooLarge
	}
	c.renderImport(ctx, status, ImportView{Error: msg})
	return "", nil, false
}

func (c *console) renderImport(ctx *gin.Context, status int, v ImportView) {
	v.Columns = application.ImportColumns
	name := "import.html"
	if fetched(ctx) {
		name = "import_preview"
	}
	c.render(ctx, status, name, c.page(ctx, "customers", T(c.lang(ctx), "import_customers"), v))
}

func (c *console) importPreview(ctx *gin.Context) {
	if !c.finance(ctx) {
		return
	}
	_, file, ok := c.upload(ctx)
	if !ok {
		return
	}
	p, err := c.Import.Preview(ctx.Request.Context(), file)
	if err != nil {
		if isInternal(err) {
			c.fail(ctx, err)
			return
		}
		c.renderImport(ctx, http.StatusUnprocessableEntity, ImportView{Error: explain(c.lang(ctx), err)})
		return
	}
	c.renderImport(ctx, http.StatusOK, ImportView{Preview: &p})
}

func (c *console) startImport(ctx *gin.Context) {
	if !c.finance(ctx) {
		return
	}
	name, file, ok := c.upload(ctx)
	if !ok {
		return
	}
	imp, err := c.Import.Start(ctx.Request.Context(), name, file)
	if err != nil {
		if isInternal(err) {
			c.fail(ctx, err)
			return
		}
		c.renderImport(ctx, http.StatusUnprocessableEntity, ImportView{Error: explain(c.lang(ctx), err)})
		return
	}
	ctx.Redirect(http.StatusSeeOther, "/customers/import/"+imp.ID.String())
}

// ImportResultView is an import's result or progress.
type ImportResultView struct {
	Import  ports.CustomerImport
	Percent int
	Errors  []ports.ImportRowError
	Ended   bool
}

func (c *console) loadImport(ctx *gin.Context) (ImportResultView, bool) {
	if !c.finance(ctx) {
		return ImportResultView{}, false
	}
	id, err := uuid.Parse(ctx.Param("id"))
	if err != nil {
		ctx.String(http.StatusNotFound, T(c.lang(ctx), "not_found"))
		return ImportResultView{}, false
	}
	imp, err := c.Import.Get(ctx.Request.Context(), id)
	if err != nil {
		c.fail(ctx, err)
		return ImportResultView{}, false
	}
	v := ImportResultView{Import: imp, Ended: imp.Status == ports.ImportDone || imp.Status == ports.ImportFailed}
	if imp.Total > 0 {
		v.Percent = imp.Processed * 100 / imp.Total
	}
	return v, true
}

func (c *console) importResult(ctx *gin.Context) {
	v, ok := c.loadImport(ctx)
	if !ok {
		return
	}
	errs, err := c.Import.Errors(ctx.Request.Context(), v.Import.ID, importErrorsShown)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	v.Errors = errs
	c.render(ctx, http.StatusOK, "import_result.html", c.page(ctx, "customers", T(c.lang(ctx), "import_customers"), v))
}

// importStatus answers the progress bar's polling.
func (c *console) importStatus(ctx *gin.Context) {
	v, ok := c.loadImport(ctx)
	if !ok {
		return
	}
	l, i := c.lang(ctx), v.Import
	ctx.Header("Cache-Control", "no-store")
	ctx.JSON(http.StatusOK, gin.H{
		"status": i.Status, "processed": i.Processed, "total": i.Total, "percent": v.Percent, "ended": v.Ended,
		"state_text":  T(l, "import_"+string(i.Status)),
		"rows_text":   T(l, "import_rows", i.Processed, i.Total),
		"counts_text": T(l, "import_counts", i.Created, i.Updated, i.Unchanged, i.Failed),
	})
}

func (c *console) importErrorsCSV(ctx *gin.Context) {
	v, ok := c.loadImport(ctx)
	if !ok {
		return
	}
	errs, err := c.Import.Errors(ctx.Request.Context(), v.Import.ID, 0)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	ctx.Header("Content-Disposition", `attachment; filename="errores-importacion.csv"`)
	ctx.Data(http.StatusOK, "text/csv; charset=utf-8", application.ErrorReportCSV(errs))
}
