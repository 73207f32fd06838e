package application

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/group"
	"github.com/saldocrm/saldo/domain/phone"
	"github.com/saldocrm/saldo/ports"
)

// Import sizes.
const (
	MaxImportBytes  = 50 << 20 // the largest file accepted
	SyncImportRows  = 2000     // files with at most this many rows import while the request waits
	ImportBatchRows = 1000     // rows per transaction; progress is recorded after each
	PreviewRows     = 20       // rows a preview shows
)

// ErrImportTooLarge refuses a file over MaxImportBytes.
var ErrImportTooLarge = domain.Errorf(domain.KindInvalid, "file_too_large", "the file is larger than 50 MB: split it into smaller files")

// errDryRun rolls a preview's transaction back.
var errDryRun = errors.New("dry run")

// ImportCustomers imports customers from a CSV file (see ImportColumns).
// Every row goes through the customer aggregate's validation, as ERP syncs
// do; invalid rows are reported by line and column and the valid rows beside
// them are imported. A row whose external_id exists updates that customer; a
// row without one matches a customer by phone, or creates one whose external
// id derives from the phone, so importing the same file again changes
// nothing. Blank cells keep what a known customer has. Groups named in the
// groups column are created when missing and the customer joins them.
//
// Files of up to SyncImportRows rows import at once; bigger ones are stored
// and imported by a background job in batches of ImportBatchRows, each
// batch and its progress committed together, so a job stopped midway
// resumes after the last committed batch.
type ImportCustomers struct {
	uow     ports.UnitOfWork
	imports ports.ImportRepository
	queue   ports.JobQueue
	clock   ports.Clock
	log     *slog.Logger
	ids     func() uuid.UUID
	batch   int
}

// NewImportCustomers returns the use case.
func NewImportCustomers(uow ports.UnitOfWork, imports ports.ImportRepository, queue ports.JobQueue, clock ports.Clock, log *slog.Logger) *ImportCustomers {
	must(uow, imports, queue, clock, log)
	return &ImportCustomers{uow: uow, imports: imports, queue: queue, clock: clock, log: log, ids: uuid.New, batch: ImportBatchRows}
}

// ImportPreview is what importing a file would do, computed without writing.
type ImportPreview struct {
	Columns   []string
	Total     int // data rows in the file
	Checked   int // rows the counts cover: all, or the first SyncImportRows of a bigger file
	Created   int
	Updated   int
	Unchanged int
	Failed    int
	Rows      []PreviewRow           // the first PreviewRows rows
	Errors    []ports.ImportRowError // every problem among the checked rows
}

// PreviewRow is one row of a preview with what importing it would do.
type PreviewRow struct {
	Line    int
	Cells   map[string]string
	Outcome Outcome
	Errors  []ports.ImportRowError
}

// Preview reads and checks file and says what importing it would do,
// writing nothing: the rows run through the import in a transaction that is
// rolled back.
func (h *ImportCustomers) Preview(ctx context.Context, file []byte) (ImportPreview, error) {
	if len(file) > MaxImportBytes {
		return ImportPreview{}, ErrImportTooLarge
	}
	f, err := parseCustomerCSV(file)
	if err != nil {
		return ImportPreview{}, err
	}
	items := importItems(f)
	checked := items[:min(len(items), SyncImportRows)]
	p := ImportPreview{Columns: f.columns, Total: len(items), Checked: len(checked)}
	now := h.clock.Now()
	var sum batchResult
	err = h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		for start := 0; start < len(checked); start += h.batch {
			r, err := importBatch(ctx, tx, checked[start:min(start+h.batch, len(checked))], now)
			if err != nil {
				return err
			}
			sum.add(r)
		}
		return errDryRun
	})
	if !errors.Is(err, errDryRun) {
		return ImportPreview{}, err
	}
	p.Created, p.Updated, p.Unchanged, p.Failed, p.Errors = sum.created, sum.updated, sum.unchanged, sum.failed, sum.errs
	for _, it := range checked[:min(len(checked), PreviewRows)] {
		row := PreviewRow{Line: it.line, Cells: it.cells, Outcome: sum.outcomes[it.line]}
		for _, e := range sum.errs {
			if e.Line == it.line {
				row.Errors = append(row.Errors, e)
			}
		}
		p.Rows = append(p.Rows, row)
	}
	return p, nil
}

// Start imports file. A small file is imported before Start returns (the
// import is done, or failed); a bigger one is stored and queued, and its
// progress can be read with Get.
func (h *ImportCustomers) Start(ctx context.Context, fileName string, file []byte) (ports.CustomerImport, error) {
	if len(file) > MaxImportBytes {
		return ports.CustomerImport{}, ErrImportTooLarge
	}
	f, err := parseCustomerCSV(file)
	if err != nil {
		return ports.CustomerImport{}, err
	}
	items := importItems(f)
	now := h.clock.Now()
	imp := ports.CustomerImport{
		ID: h.ids(), Status: ports.ImportQueued, FileName: strings.TrimSpace(fileName), Total: len(items),
		CreatedAt: now, UpdatedAt: now,
	}
	if len(items) <= SyncImportRows {
		imp.Status = ports.ImportRunning
		if err := h.imports.Create(ctx, imp, nil); err != nil {
			return ports.CustomerImport{}, err
		}
		if err := h.runBatches(ctx, imp.ID, items); err != nil {
			h.fail(ctx, imp.ID, err)
			return ports.CustomerImport{}, err
		}
		return h.imports.Get(ctx, imp.ID)
	}
	job := ports.OutboxEntry{ID: h.ids(), Kind: ports.JobImportCustomers, Ref: imp.ID, RunAt: now}
	err = h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		if err := tx.Imports().Create(ctx, imp, file); err != nil {
			return err
		}
		return tx.Outbox().Add(ctx, job)
	})
	if err != nil {
		return ports.CustomerImport{}, err
	}
	h.dispatch(ctx, job)
	return imp, nil
}

// dispatch hands a committed job to the queue at once; when that fails the
// outbox relay does it a moment later.
func (h *ImportCustomers) dispatch(ctx context.Context, job ports.OutboxEntry) {
	if err := h.queue.Enqueue(ctx, job.Kind, job.Ref, job.RunAt); err != nil {
		h.log.WarnContext(ctx, "enqueue failed; the outbox relay will retry", slog.String("kind", job.Kind), slog.Any("error", err))
		return
	}
	if err := h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error { return tx.Outbox().Delete(ctx, job.ID) }); err != nil {
		h.log.WarnContext(ctx, "outbox cleanup failed; the relay will enqueue the job again, harmlessly", slog.Any("error", err))
	}
}

// Run imports a stored file from where its last committed batch ended: the
// background job. An import that has ended is left alone.
func (h *ImportCustomers) Run(ctx context.Context, id uuid.UUID) error {
	imp, err := h.imports.Get(ctx, id)
	if err != nil {
		return err
	}
	if imp.Status == ports.ImportDone || imp.Status == ports.ImportFailed {
		return nil
	}
	file, err := h.imports.File(ctx, id)
	if err != nil {
		return err
	}
	f, err := parseCustomerCSV(file)
	if err != nil {
		h.fail(ctx, id, err)
		return nil // the file was checked when it came: nothing a retry can mend
	}
	return h.runBatches(ctx, id, importItems(f))
}

// runBatches imports items batch by batch after the import's processed
// rows, recording the progress in each batch's transaction.
func (h *ImportCustomers) runBatches(ctx context.Context, id uuid.UUID, items []importItem) error {
	for {
		finished := false
		err := h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
			imp, err := tx.Imports().Lock(ctx, id)
			if err != nil {
				return err
			}
			if imp.Status == ports.ImportDone || imp.Status == ports.ImportFailed {
				finished = true
				return nil
			}
			start := min(imp.Processed, len(items))
			end := min(start+h.batch, len(items))
			now := h.clock.Now()
			r, err := importBatch(ctx, tx, items[start:end], now)
			if err != nil {
				return err
			}
			imp.Status, imp.Total, imp.Processed, imp.UpdatedAt = ports.ImportRunning, len(items), end, now
			imp.Created += r.created
			imp.Updated += r.updated
			imp.Unchanged += r.unchanged
			imp.Failed += r.failed
			imp.MembersAdded += r.membersAdded
			if end == len(items) {
				imp.Status, imp.FinishedAt, finished = ports.ImportDone, now, true
			}
			return tx.Imports().Record(ctx, imp, r.errs)
		})
		if err != nil {
			return fmt.Errorf("import %s: %w", id, err)
		}
		if finished {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// fail marks an import failed with the reason.
func (h *ImportCustomers) fail(ctx context.Context, id uuid.UUID, cause error) {
	// Recorded even when the request that ran the import went away: else it
	// would show "running" for ever.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err := h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		imp, err := tx.Imports().Lock(ctx, id)
		if err != nil {
			return err
		}
		now := h.clock.Now()
		imp.Status, imp.UpdatedAt, imp.FinishedAt = ports.ImportFailed, now, now
		imp.Failure = "internal error"
		var de *domain.Error
		if errors.As(cause, &de) && de.Kind() != domain.KindInternal {
			imp.Failure = de.Message()
		}
		return tx.Imports().Record(ctx, imp, nil)
	})
	if err != nil {
		h.log.WarnContext(ctx, "mark import failed", slog.String("import_id", id.String()), slog.Any("error", err))
	}
}

// MarkFailed records that the background job gave up on an import.
func (h *ImportCustomers) MarkFailed(ctx context.Context, id uuid.UUID, cause error) {
	h.log.ErrorContext(ctx, "customer import failed", slog.String("import_id", id.String()), slog.Any("error", cause))
	h.fail(ctx, id, cause)
}

// Get returns an import and its progress.
func (h *ImportCustomers) Get(ctx context.Context, id uuid.UUID) (ports.CustomerImport, error) {
	return h.imports.Get(ctx, id)
}

// Errors returns up to limit rows of an import's error report, by line (all
// when limit is zero).
func (h *ImportCustomers) Errors(ctx context.Context, id uuid.UUID, limit int) ([]ports.ImportRowError, error) {
	if _, err := h.imports.Get(ctx, id); err != nil {
		return nil, err
	}
	return h.imports.Errors(ctx, id, limit)
}

// importItem is a data row read into customer fields.
type importItem struct {
	line         int
	cells        map[string]string
	rowErr       string
	rowErrColumn string
	externalID   string // from the file, or found or derived during the import
	groups       []string
}

// importItems reads the rows. A customer named twice (the same external id,
// the same phone without one, or a phone-only row with the phone of a row
// that has an external id) is refused the second time: with rows that
// disagree, importing the file again would change the customer back and
// forth. Rows with external ids may share a phone: they name different
// customers.
func importItems(f csvFile) []importItem {
	out := make([]importItem, len(f.rows))
	seen := map[string]int{} // "ext:", "tel:" (phone-only rows) or "exttel:" (phones of rows with an id) key → first line
	for i, r := range f.rows {
		it := importItem{line: r.line, cells: r.cells, rowErr: r.err, externalID: r.cells["external_id"], groups: splitList(r.cells["groups"])}
		tel := ""
		if n, err := phone.Parse(r.cells["phone"]); err == nil && r.cells["phone"] != "" {
			tel = n.CanonicalKey()
		}
		var checks, marks []string
		col := "phone"
		switch {
		case it.externalID != "":
			checks, marks, col = []string{"ext:" + it.externalID, "tel:" + tel}, []string{"ext:" + it.externalID, "exttel:" + tel}, "external_id"
		case tel != "":
			checks, marks = []string{"tel:" + tel, "exttel:" + tel}, []string{"tel:" + tel}
		}
		for _, k := range checks {
			if first, dup := seen[k]; dup && it.rowErr == "" && k != "tel:" {
				it.rowErr, it.rowErrColumn = fmt.Sprintf("the customer of line %d appears again: a customer may appear once per file", first), col
			}
		}
		if it.rowErr == "" {
			for _, k := range marks {
				if _, ok := seen[k]; !ok && k != "tel:" && k != "exttel:" {
					seen[k] = r.line
				}
			}
		}
		out[i] = it
	}
	return out
}

// details is the customer the row describes.
func (it importItem) details() customer.Details {
	return customer.Details{
		ExternalID: it.externalID, Name: it.cells["name"], Email: it.cells["email"], Phone: it.cells["phone"],
		TaxID: it.cells["tax_id"], Tags: splitList(it.cells["tags"]), Language: it.cells["language"],
	}
}

// merged is c with the row's non-blank cells: a blank cell, or a column the
// file does not have, keeps what the customer has. Metadata is the ERP's.
func (it importItem) merged(c *customer.Customer) customer.Details {
	d := customer.Details{
		ExternalID: c.ExternalID(), Name: c.Name(), Email: c.Email(), Phone: c.Phone().String(), TaxID: c.TaxID(),
		Tags: c.Tags(), Language: string(c.Language()), Metadata: c.Metadata(),
	}
	set := func(dst *string, col string) {
		if v := it.cells[col]; v != "" {
			*dst = v
		}
	}
	set(&d.Name, "name")
	set(&d.Email, "email")
	set(&d.Phone, "phone")
	set(&d.TaxID, "tax_id")
	set(&d.Language, "language")
	if tags := splitList(it.cells["tags"]); len(tags) > 0 {
		d.Tags = tags
	}
	return d
}

// PhoneExternalID is the external id given to a customer imported without
// one: derived from the phone's canonical key, so the same row imported
// again finds the same customer.
func PhoneExternalID(n phone.Number) string { return "tel-" + n.CanonicalKey() }

// batchResult is what importing some rows did.
type batchResult struct {
	created, updated, unchanged, failed, membersAdded int
	errs                                              []ports.ImportRowError
	outcomes                                          map[int]Outcome // by line
}

func (b *batchResult) add(o batchResult) {
	b.created += o.created
	b.updated += o.updated
	b.unchanged += o.unchanged
	b.failed += o.failed
	b.membersAdded += o.membersAdded
	b.errs = append(b.errs, o.errs...)
	if b.outcomes == nil {
		b.outcomes = map[int]Outcome{}
	}
	for k, v := range o.outcomes {
		b.outcomes[k] = v
	}
}

// importBatch imports items in tx: checks the rows, resolves customers by
// external id or phone, creates or updates them through the customer
// aggregate (the ERP sync's path), and puts them in their groups.
func importBatch(ctx context.Context, tx ports.Repos, items []importItem, now time.Time) (batchResult, error) {
	res := batchResult{outcomes: make(map[int]Outcome, len(items))}
	failRow := func(line int, errs ...ports.ImportRowError) {
		res.failed++
		res.outcomes[line] = Failed
		res.errs = append(res.errs, errs...)
	}
	// Rows that cannot be imported whatever Saldo holds.
	var valid []importItem
	byPhone := map[string][]int{} // canonical key → indexes in valid of rows without an external id
	rowPhones := map[string]string{}
	for _, it := range items {
		if it.rowErr != "" {
			failRow(it.line, ports.ImportRowError{Line: it.line, Column: it.rowErrColumn, Message: it.rowErr})
			continue
		}
		var errs []ports.ImportRowError
		var num phone.Number
		if p := it.cells["phone"]; p != "" {
			n, err := phone.Parse(p)
			if err != nil {
				errs = append(errs, ports.ImportRowError{Line: it.line, Column: "phone", Message: message(err)})
			}
			num = n
		}
		if it.externalID == "" && it.cells["phone"] == "" {
			errs = append(errs, ports.ImportRowError{Line: it.line, Column: "external_id", Message: "external_id or phone is required"})
		}
		for _, g := range it.groups {
			if _, err := group.NormalizeName(g); err != nil {
				errs = append(errs, ports.ImportRowError{Line: it.line, Column: "groups", Message: message(err)})
				break
			}
		}
		if len(errs) > 0 {
			failRow(it.line, errs...)
			continue
		}
		if !num.IsZero() {
			if it.externalID == "" {
				byPhone[num.CanonicalKey()] = append(byPhone[num.CanonicalKey()], len(valid))
			} else if _, ok := rowPhones[num.CanonicalKey()]; !ok {
				rowPhones[num.CanonicalKey()] = it.externalID
			}
		}
		valid = append(valid, it)
	}
	// Rows without an external id: the customer with the phone, else one
	// created in this batch with it, else a new one.
	if len(byPhone) > 0 {
		keys := make([]string, 0, len(byPhone))
		for k := range byPhone {
			keys = append(keys, k)
		}
		found, err := tx.Imports().ExternalIDsByPhone(ctx, keys)
		if err != nil {
			return batchResult{}, err
		}
		drop := map[int]bool{}
		for key, idx := range byPhone {
			exts := found[key]
			for _, i := range idx {
				switch {
				case len(exts) == 1:
					valid[i].externalID = exts[0]
				case len(exts) > 1:
					drop[i] = true
					failRow(valid[i].line, ports.ImportRowError{Line: valid[i].line, Column: "phone", Message: fmt.Sprintf(
						"%d customers have this phone (%s): add an external_id column to say which", len(exts), strings.Join(exts, ", "))})
				case rowPhones[key] != "":
					valid[i].externalID = rowPhones[key]
				default:
					n, _ := phone.Parse(valid[i].cells["phone"])
					valid[i].externalID = PhoneExternalID(n)
				}
			}
		}
		if len(drop) > 0 {
			kept := valid[:0]
			for i, it := range valid {
				if !drop[i] {
					kept = append(kept, it)
				}
			}
			valid = kept
		}
	}
	known, err := tx.Customers().ByExternalIDs(ctx, externalIDs(valid, func(it importItem) string { return it.externalID }))
	if err != nil {
		return batchResult{}, err
	}
	tried := make(map[int]customer.Details, len(valid)) // by line: what the aggregate was given
	results, dirty := syncer[importItem, *customer.Customer]{
		externalID: func(it importItem) string { return it.externalID },
		sync: func(c *customer.Customer, it importItem) (bool, error) {
			d := it.merged(c)
			tried[it.line] = d
			return c.Sync(d, now)
		},
		create: func(it importItem) (*customer.Customer, error) {
			d := it.details()
			tried[it.line] = d
			return customer.New(d, now)
		},
	}.apply(valid, known)
	if err := tx.Customers().Save(ctx, dirty...); err != nil {
		return batchResult{}, err
	}
	members := map[string][]uuid.UUID{} // group key → customers
	var wanted []*group.Group
	for i, r := range results {
		it := valid[i]
		if r.Outcome == Failed {
			failRow(it.line, columnErrors(it.line, tried[it.line], r.Err)...)
			continue
		}
		res.outcomes[it.line] = r.Outcome
		switch r.Outcome {
		case Created:
			res.created++
		case Updated:
			res.updated++
		default:
			res.unchanged++
		}
		for _, name := range it.groups {
			k := group.Key(name)
			if _, ok := members[k]; !ok {
				g, err := group.New(uuid.New(), name, "", now)
				if err != nil {
					return batchResult{}, err // checked above
				}
				wanted = append(wanted, g)
			}
			members[k] = append(members[k], r.ID)
		}
	}
	if len(wanted) > 0 {
		groups, err := tx.Groups().Ensure(ctx, wanted...)
		if err != nil {
			return batchResult{}, err
		}
		keys := make([]string, 0, len(members))
		for k := range members {
			keys = append(keys, k)
		}
		slices.Sort(keys) // one lock order for concurrent imports
		for _, k := range keys {
			g, ok := groups[k]
			if !ok {
				return batchResult{}, fmt.Errorf("group %q was not stored", k)
			}
			n, err := tx.Groups().AddMembers(ctx, g.ID(), members[k])
			if err != nil {
				return batchResult{}, err
			}
			res.membersAdded += n
		}
	}
	slices.SortStableFunc(res.errs, func(a, b ports.ImportRowError) int { return a.Line - b.Line })
	return res, nil
}

// message is a domain error's message for a report.
func message(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Message()
	}
	return err.Error()
}

// importProbes set one customer field from the row, for columnErrors.
var importProbes = []struct {
	column string
	set    func(dst *customer.Details, src customer.Details)
}{
	{"external_id", func(dst *customer.Details, src customer.Details) { dst.ExternalID = src.ExternalID }},
	{"name", func(dst *customer.Details, src customer.Details) { dst.Name = src.Name }},
	{"email", func(dst *customer.Details, src customer.Details) { dst.Email = src.Email }},
	{"phone", func(dst *customer.Details, src customer.Details) { dst.Phone = src.Phone }},
	{"language", func(dst *customer.Details, src customer.Details) { dst.Language = src.Language }},
	{"tags", func(dst *customer.Details, src customer.Details) { dst.Tags = src.Tags }},
}

// columnErrors turns the aggregate's refusal of d into one error per column
// at fault: each field is checked by the aggregate on its own, beside
// values it accepts, so the report and the ERP sync never disagree.
func columnErrors(line int, d customer.Details, err error) []ports.ImportRowError {
	var out []ports.ImportRowError
	for _, p := range importProbes {
		probe := customer.Details{ExternalID: "probe", Name: "probe"}
		p.set(&probe, d)
		if _, perr := customer.New(probe, time.Time{}); perr != nil {
			out = append(out, ports.ImportRowError{Line: line, Column: p.column, Message: message(perr)})
		}
	}
	if len(out) == 0 {
		out = append(out, ports.ImportRowError{Line: line, Message: message(err)})
	}
	return out
}
