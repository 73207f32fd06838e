package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/ports"
)

// ImportRepository stores customer imports in customer_imports and their
// error reports in customer_import_errors.
type ImportRepository struct {
	db *gorm.DB
}

var _ ports.ImportRepository = (*ImportRepository)(nil)

// NewImportRepository returns an ImportRepository over db (a connection pool
// or a transaction).
func NewImportRepository(db *gorm.DB) *ImportRepository {
	return &ImportRepository{db: db}
}

// importColumns are every column but the file, which only File reads.
const importColumns = "id, status, file_name, total_rows, processed, created, updated, unchanged, failed, members_added, failure, created_at, updated_at, finished_at"

type importRow struct {
	ID           uuid.UUID  `gorm:"column:id;primaryKey"`
	Status       string     `gorm:"column:status"`
	FileName     string     `gorm:"column:file_name"`
	File         []byte     `gorm:"column:file"`
	TotalRows    int        `gorm:"column:total_rows"`
	Processed    int        `gorm:"column:processed"`
	Created      int        `gorm:"column:created"`
	Updated      int        `gorm:"column:updated"`
	Unchanged    int        `gorm:"column:unchanged"`
	Failed       int        `gorm:"column:failed"`
	MembersAdded int        `gorm:"column:members_added"`
	Failure      string     `gorm:"column:failure"`
	CreatedAt    time.Time  `gorm:"column:created_at"`
	UpdatedAt    time.Time  `gorm:"column:updated_at"`
	FinishedAt   *time.Time `gorm:"column:finished_at"`
}

func (importRow) TableName() string { return "customer_imports" }

func (r importRow) toPort() ports.CustomerImport {
	return ports.CustomerImport{
		ID: r.ID, Status: ports.ImportStatus(r.Status), FileName: r.FileName, Total: r.TotalRows, Processed: r.Processed,
		Created: r.Created, Updated: r.Updated, Unchanged: r.Unchanged, Failed: r.Failed, MembersAdded: r.MembersAdded,
		Failure: r.Failure, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), FinishedAt: timeOf(r.FinishedAt),
	}
}

func errImportNotFound(id uuid.UUID) error { return domain.ErrNotFound.New("import " + id.String()) }

// Create stores a new import with its file.
func (r *ImportRepository) Create(ctx context.Context, imp ports.CustomerImport, file []byte) error {
	row := importRow{
		ID: imp.ID, Status: string(imp.Status), FileName: imp.FileName, File: file, TotalRows: imp.Total,
		CreatedAt: timestamp(imp.CreatedAt), UpdatedAt: timestamp(imp.UpdatedAt), FinishedAt: nullTime(imp.FinishedAt),
	}
	if err := r.db.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("create import %s: %w", imp.ID, err)
	}
	return nil
}

func (r *ImportRepository) get(ctx context.Context, id uuid.UUID, lock bool) (ports.CustomerImport, error) {
	var row importRow
	q := r.db.WithContext(ctx).Select(importColumns).Where("id = ?", id)
	if lock {
		q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
	}
	err := q.Take(&row).Error
	if notFound(err) {
		return ports.CustomerImport{}, errImportNotFound(id)
	}
	if err != nil {
		return ports.CustomerImport{}, fmt.Errorf("get import %s: %w", id, err)
	}
	return row.toPort(), nil
}

// Get returns the import with id.
func (r *ImportRepository) Get(ctx context.Context, id uuid.UUID) (ports.CustomerImport, error) {
	return r.get(ctx, id, false)
}

// Lock returns the import, its row locked until the transaction ends.
func (r *ImportRepository) Lock(ctx context.Context, id uuid.UUID) (ports.CustomerImport, error) {
	return r.get(ctx, id, true)
}

// File returns the stored file, nil once the import has ended.
func (r *ImportRepository) File(ctx context.Context, id uuid.UUID) ([]byte, error) {
	var row importRow
	err := r.db.WithContext(ctx).Select("id, file").Where("id = ?", id).Take(&row).Error
	if notFound(err) {
		return nil, errImportNotFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("get file of import %s: %w", id, err)
	}
	return row.File, nil
}

// Record saves the status and counters, drops the file of an ended import
// and adds errs to the report (a line and column already reported stay).
func (r *ImportRepository) Record(ctx context.Context, imp ports.CustomerImport, errs []ports.ImportRowError) error {
	ended := imp.Status == ports.ImportDone || imp.Status == ports.ImportFailed
	res := r.db.WithContext(ctx).Exec(`
UPDATE customer_imports SET status = ?, total_rows = ?, processed = ?, created = ?, updated = ?, unchanged = ?, failed = ?,
	members_added = ?, failure = ?, updated_at = ?, finished_at = ?, file = CASE WHEN ? THEN NULL ELSE file END
WHERE id = ?`, string(imp.Status), imp.Total, imp.Processed, imp.Created, imp.Updated, imp.Unchanged, imp.Failed,
		imp.MembersAdded, imp.Failure, timestamp(imp.UpdatedAt), nullTime(imp.FinishedAt), ended, imp.ID)
	if res.Error != nil {
		return fmt.Errorf("record import %s: %w", imp.ID, res.Error)
	}
	if res.RowsAffected == 0 {
		return errImportNotFound(imp.ID)
	}
	if len(errs) == 0 {
		return nil
	}
	lines, cols, msgs := make([]string, len(errs)), make([]string, len(errs)), make([]string, len(errs))
	for i, e := range errs {
		lines[i], cols[i], msgs[i] = fmt.Sprint(e.Line), e.Column, e.Message
	}
	err := r.db.WithContext(ctx).Exec(`
INSERT INTO customer_import_errors (import_id, line, col, message)
SELECT ?, line, col, message FROM unnest(?::text[]::integer[], ?::text[], ?::text[]) AS x(line, col, message)
ON CONFLICT DO NOTHING`, imp.ID, textArray(lines), textArray(cols), textArray(msgs)).Error
	if err != nil {
		return fmt.Errorf("record %d errors of import %s: %w", len(errs), imp.ID, err)
	}
	return nil
}

// Errors returns the report by line, then column.
func (r *ImportRepository) Errors(ctx context.Context, id uuid.UUID, n int) ([]ports.ImportRowError, error) {
	var rows []struct {
		Line    int
		Col     string
		Message string
	}
	q := r.db.WithContext(ctx).Table("customer_import_errors").Select("line, col, message").Where("import_id = ?", id).Order("line, col")
	if err := limit(q, n).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("errors of import %s: %w", id, err)
	}
	out := make([]ports.ImportRowError, len(rows))
	for i, row := range rows {
		out[i] = ports.ImportRowError{Line: row.Line, Column: row.Col, Message: row.Message}
	}
	return out, nil
}

// ExternalIDsByPhone reads the customers_phone_key index.
func (r *ImportRepository) ExternalIDsByPhone(ctx context.Context, keys []string) (map[string][]string, error) {
	out := make(map[string][]string, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	var rows []struct {
		PhoneKey   string
		ExternalID string
	}
	err := r.db.WithContext(ctx).Model(&customerRow{}).Select("phone_key, external_id").
		Where("phone_key = ANY(?::text[]) AND phone_key <> ''", textArray(keys)).Order("id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("find customers by phone: %w", err)
	}
	for _, row := range rows {
		out[row.PhoneKey] = append(out[row.PhoneKey], row.ExternalID)
	}
	return out, nil
}
