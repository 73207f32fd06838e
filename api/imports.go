package api

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/apikey"
	"github.com/saldocrm/saldo/ports"
)

// importErrorsShown bounds the errors an import answer carries; the CSV
// report has them all.
const importErrorsShown = 1000

func (h *handlers) importRoutes(r *gin.Engine, read *gin.RouterGroup) {
	// Outside /api/v1's 16 MiB body limit: files may be up to 50 MB (plus
	// the multipart envelope).
	r.POST("/api/v1/imports/customers", limitBody(application.MaxImportBytes+1<<20), h.requireKey(apikey.Write), h.importCustomers)
	read.GET("/imports/customers/sample.csv", h.importSample)
	read.GET("/imports/:id", h.getImport)
	read.GET("/imports/:id/errors.csv", h.importErrors)
}

// ImportRowError is a problem with one row of an imported file.
type ImportRowError struct {
	Line    int    `json:"line" example:"7"`
	Column  string `json:"column" example:"phone"`
	Message string `json:"message" example:"\"300 123\" is not a phone number in international form, e.g. +573001234567"`
} // @name ImportRowError

func importErrorsDTO(errs []ports.ImportRowError) []ImportRowError {
	out := make([]ImportRowError, len(errs))
	for i, e := range errs {
		out[i] = ImportRowError{Line: e.Line, Column: e.Column, Message: e.Message}
	}
	return out
}

// CustomerImport is an import of a customer file and its progress.
type CustomerImport struct {
	ID           uuid.UUID        `json:"id"`
	Status       string           `json:"status" enums:"queued,running,done,failed"`
	FileName     string           `json:"file_name" example:"clientes.csv"`
	Total        int              `json:"total_rows" example:"100000"`
	Processed    int              `json:"processed_rows" example:"42000"`
	Percent      int              `json:"percent" example:"42"`
	Created      int              `json:"created" example:"41000"`
	Updated      int              `json:"updated" example:"950"`
	Unchanged    int              `json:"unchanged" example:"30"`
	Failed       int              `json:"failed" example:"20"`
	MembersAdded int              `json:"group_members_added" example:"41950"`
	Failure      string           `json:"failure,omitempty"`
	Errors       []ImportRowError `json:"errors"`
	ErrorsURL    string           `json:"errors_url" example:"/api/v1/imports/6f1c2d1e-8a47-4c55-9d3b-5b0f3c1e7a01/errors.csv"`
	CreatedAt    time.Time        `json:"created_at"`
	UpdatedAt    time.Time        `json:"updated_at"`
	FinishedAt   *time.Time       `json:"finished_at,omitempty"`
} // @name CustomerImport

func importDTO(imp ports.CustomerImport, errs []ports.ImportRowError) CustomerImport {
	out := CustomerImport{
		ID: imp.ID, Status: string(imp.Status), FileName: imp.FileName, Total: imp.Total, Processed: imp.Processed,
		Created: imp.Created, Updated: imp.Updated, Unchanged: imp.Unchanged, Failed: imp.Failed, MembersAdded: imp.MembersAdded,
		Failure: imp.Failure, Errors: importErrorsDTO(errs), ErrorsURL: "/api/v1/imports/" + imp.ID.String() + "/errors.csv",
		CreatedAt: imp.CreatedAt, UpdatedAt: imp.UpdatedAt,
	}
	if imp.Total > 0 {
		out.Percent = imp.Processed * 100 / imp.Total
	}
	if !imp.FinishedAt.IsZero() {
		t := imp.FinishedAt
		out.FinishedAt = &t
	}
	return out
}

// ImportPreviewRow is one row of a preview and what importing it would do.
type ImportPreviewRow struct {
	Line    int               `json:"line" example:"2"`
	Outcome string            `json:"outcome" enums:"created,updated,unchanged,error"`
	Cells   map[string]string `json:"cells"`
	Errors  []ImportRowError  `json:"errors"`
} // @name ImportPreviewRow

// ImportPreview is what importing a file would do; nothing was written.
type ImportPreview struct {
	Columns   []string           `json:"columns" example:"external_id,name,phone"`
	Total     int                `json:"total_rows" example:"3"`
	Checked   int                `json:"checked_rows" example:"3"`
	Created   int                `json:"created" example:"2"`
	Updated   int                `json:"updated" example:"0"`
	Unchanged int                `json:"unchanged" example:"0"`
	Failed    int                `json:"failed" example:"1"`
	Rows      []ImportPreviewRow `json:"rows"`
	Errors    []ImportRowError   `json:"errors"`
} // @name ImportPreview

func previewDTO(p application.ImportPreview) ImportPreview {
	out := ImportPreview{
		Columns: p.Columns, Total: p.Total, Checked: p.Checked, Created: p.Created, Updated: p.Updated, Unchanged: p.Unchanged,
		Failed: p.Failed, Rows: make([]ImportPreviewRow, len(p.Rows)), Errors: importErrorsDTO(p.Errors[:min(len(p.Errors), importErrorsShown)]),
	}
	for i, r := range p.Rows {
		out.Rows[i] = ImportPreviewRow{Line: r.Line, Outcome: string(r.Outcome), Cells: r.Cells, Errors: importErrorsDTO(r.Errors)}
	}
	return out
}

// importCustomers godoc
//
//	@Summary		Import customers from a CSV file
//	@Description	Columns (header row required, any order): external_id, name, phone, email, tax_id, language, tags, groups; tags and groups are separated by ";" or "|". Cells are separated by "," or ";" (detected from the header); UTF-8 with or without BOM; at most 50 MB.
//	@Description	A row whose external_id exists updates that customer; a row without one matches a customer by phone, or creates one with the external id "tel-" + the phone's digits, so the same file twice changes nothing the second time. Blank cells keep what a known customer has. Groups are created when missing.
//	@Description	Invalid rows are reported (line, column, message) and the valid rows beside them are imported. With dry_run=true nothing is written and the answer is a preview (the first 20 rows, counts over the first 2,000).
//	@Description	Files of up to 2,000 rows are imported before the answer (200); bigger ones are imported in the background (202): follow GET /api/v1/imports/{id}.
//	@Tags			imports
//	@Accept			multipart/form-data
//	@Produce		json
//	@Security		BearerAuth
//	@Param			file	formData	file	true	"the CSV file"
//	@Param			dry_run	query		bool	false	"preview without writing"
//	@Success		200		{object}	CustomerImport	"imported (or, with dry_run, an ImportPreview)"
//	@Success		202		{object}	CustomerImport	"queued: follow its progress"
//	@Failure		400		{object}	ErrorBody
//	@Failure		401		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/imports/customers [post]
func (h *handlers) importCustomers(c *gin.Context) {
	dryRun, err := strconv.ParseBool(c.DefaultQuery("dry_run", "false"))
	if err != nil {
		_ = c.Error(errBadRequest("invalid_dry_run", errors.New("dry_run must be true or false")))
		return
	}
	name, file, err := uploadedFile(c)
	if err != nil {
		_ = c.Error(err)
		return
	}
	ctx := c.Request.Context()
	if dryRun {
		p, err := h.Groups.Import.Preview(ctx, file)
		if err != nil {
			_ = c.Error(err)
			return
		}
		c.JSON(http.StatusOK, previewDTO(p))
		return
	}
	imp, err := h.Groups.Import.Start(ctx, name, file)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.Header("Location", "/api/v1/imports/"+imp.ID.String())
	if imp.Status == ports.ImportQueued {
		c.JSON(http.StatusAccepted, importDTO(imp, nil))
		return
	}
	errs, err := h.Groups.Import.Errors(ctx, imp.ID, importErrorsShown)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, importDTO(imp, errs))
}

// uploadedFile reads the multipart field "file".
func uploadedFile(c *gin.Context) (string, []byte, error) {
	fh, err := c.FormFile("file")
	var maxBytes *http.MaxBytesError
	switch {
	case errors.As(err, &maxBytes):
		return "", nil, application.ErrImportTooLarge
	case err != nil:
		return "", nil, errBadRequest("missing_file", errors.New("send the CSV as multipart/form-data in the field \"file\""))
	case fh.Size > application.MaxImportBytes:
		return "", nil, application.ErrImportTooLarge
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, application.MaxImportBytes+1))
	if err != nil {
		return "", nil, err
	}
	return fh.Filename, b, nil
}

// getImport godoc
//
//	@Summary		An import's progress and error report
//	@Description	Counts so far, the percentage of rows processed and the first 1,000 errors; errors_url has them all as CSV.
//	@Tags			imports
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"import id (UUID)"
//	@Success		200	{object}	CustomerImport
//	@Failure		400	{object}	ErrorBody
//	@Failure		404	{object}	ErrorBody
//	@Router			/api/v1/imports/{id} [get]
func (h *handlers) getImport(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	imp, err := h.Groups.Import.Get(c.Request.Context(), id)
	if err != nil {
		_ = c.Error(err)
		return
	}
	errs, err := h.Groups.Import.Errors(c.Request.Context(), id, importErrorsShown)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, importDTO(imp, errs))
}

// importErrors godoc
//
//	@Summary	An import's error report as CSV (line, column, message)
//	@Tags		imports
//	@Produce	text/csv
//	@Security	BearerAuth
//	@Param		id	path		string	true	"import id (UUID)"
//	@Success	200	{file}		file
//	@Failure	404	{object}	ErrorBody
//	@Router		/api/v1/imports/{id}/errors.csv [get]
func (h *handlers) importErrors(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	errs, err := h.Groups.Import.Errors(c.Request.Context(), id, 0)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="import-`+id.String()+`-errors.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", application.ErrorReportCSV(errs))
}

// importSample godoc
//
//	@Summary	A sample customer file to fill in
//	@Tags		imports
//	@Produce	text/csv
//	@Security	BearerAuth
//	@Success	200	{file}	file
//	@Router		/api/v1/imports/customers/sample.csv [get]
func (h *handlers) importSample(c *gin.Context) {
	c.Header("Content-Disposition", `attachment; filename="clientes-ejemplo.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", application.ImportSample())
}
