package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/template"
	"github.com/saldocrm/saldo/ports"
)

// TemplateRepository stores WhatsApp message templates in the templates
// table, one per name and language.
type TemplateRepository struct {
	db *gorm.DB
}

var _ ports.TemplateRepository = (*TemplateRepository)(nil)

// NewTemplateRepository returns a TemplateRepository over db (a connection
// pool or a transaction).
func NewTemplateRepository(db *gorm.DB) *TemplateRepository {
	return &TemplateRepository{db: db}
}

type templateRow struct {
	ID         uuid.UUID `gorm:"column:id;primaryKey"`
	Name       string    `gorm:"column:name"`
	Language   string    `gorm:"column:language"`
	Category   string    `gorm:"column:category"`
	Details    string    `gorm:"column:details;type:jsonb"` // templateDetailsJSON
	Status     string    `gorm:"column:status"`
	Reason     string    `gorm:"column:reason"`
	ProviderID string    `gorm:"column:provider_id"`
	UpdatedAt  time.Time `gorm:"column:updated_at;autoUpdateTime:false"`
}

func (templateRow) TableName() string { return "templates" }

// templateDetailsJSON is how templates.details stores a template.Details,
// but for the name, language and category, which are columns. The shape
// belongs to this adapter, like contentJSON.
// Rows written before media headers have no header_format: a header text
// there is a text header.
type templateDetailsJSON struct {
	HeaderFormat   string               `json:"header_format,omitempty"`
	Header         string               `json:"header,omitempty"`
	HeaderExample  string               `json:"header_example,omitempty"`
	HeaderMediaURL string               `json:"header_media_url,omitempty"`
	Body           string               `json:"body"`
	Footer         string               `json:"footer,omitempty"`
	Buttons        []templateButtonJSON `json:"buttons,omitempty"`
	Examples       []string             `json:"examples,omitempty"`
}

type templateButtonJSON struct {
	Type    string `json:"type"`
	Text    string `json:"text"`
	URL     string `json:"url,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Example string `json:"example,omitempty"`
}

// templateUpdates are the columns Save overwrites on the stored template of
// the same name and language: all but the id, which stays the stored one.
var templateUpdates = []string{"category", "details", "status", "reason", "provider_id", "updated_at"}

func toTemplateRow(t *template.Template) (templateRow, error) {
	d := t.Details()
	dj := templateDetailsJSON{
		HeaderFormat: string(d.HeaderFormat), Header: d.Header, HeaderExample: d.HeaderExample, HeaderMediaURL: d.HeaderMediaURL,
		Body: d.Body, Footer: d.Footer, Examples: d.Examples,
	}
	for _, b := range d.Buttons {
		dj.Buttons = append(dj.Buttons, templateButtonJSON{
			Type: string(b.Type), Text: b.Text, URL: b.URL, Phone: b.Phone, Example: b.Example,
		})
	}
	details, err := json.Marshal(dj)
	if err != nil {
		return templateRow{}, fmt.Errorf("encode template %s (%s): %w", d.Name, d.Language, err)
	}
	return templateRow{
		ID: t.ID(), Name: d.Name, Language: d.Language, Category: string(d.Category), Details: string(details),
		Status: string(t.Status()), Reason: t.Reason(), ProviderID: t.ProviderID(), UpdatedAt: timestamp(t.UpdatedAt()),
	}, nil
}

func (r templateRow) toDomain() (*template.Template, error) {
	var dj templateDetailsJSON
	if err := json.Unmarshal([]byte(r.Details), &dj); err != nil {
		return nil, errCorrupt("template", r.ID, err)
	}
	d := template.Details{
		Name: r.Name, Language: r.Language, Category: template.Category(r.Category),
		HeaderFormat: template.HeaderFormat(dj.HeaderFormat), Header: dj.Header, HeaderExample: dj.HeaderExample,
		HeaderMediaURL: dj.HeaderMediaURL, Body: dj.Body, Footer: dj.Footer, Examples: dj.Examples,
	}
	for _, b := range dj.Buttons {
		d.Buttons = append(d.Buttons, template.Button{
			Type: template.ButtonType(b.Type), Text: b.Text, URL: b.URL, Phone: b.Phone, Example: b.Example,
		})
	}
	// The column's CHECK admits only these; the switch guards rows written by hand.
	switch st := template.Status(r.Status); st {
	case template.Pending, template.Approved, template.Rejected, template.Paused, template.Disabled:
		return template.UnmarshalFromDatabase(r.ID, d, st, r.Reason, r.ProviderID, r.UpdatedAt.UTC()), nil
	}
	return nil, errCorrupt("template", r.ID, fmt.Errorf("unknown status %q", r.Status))
}

// Get returns the template name in language, or template.ErrNotFound.
func (r *TemplateRepository) Get(ctx context.Context, name, language string) (*template.Template, error) {
	var row templateRow
	err := r.db.WithContext(ctx).Where("name = ? AND language = ?", name, language).Take(&row).Error
	if notFound(err) {
		return nil, template.ErrNotFound.New(name + " (" + language + ")")
	}
	if err != nil {
		return nil, fmt.Errorf("get template %s (%s): %w", name, language, err)
	}
	return row.toDomain()
}

// Save inserts the template or updates the stored one of the same name and
// language, which keeps its id. A template whose id is stored under
// another name or language is a conflict.
func (r *TemplateRepository) Save(ctx context.Context, t *template.Template) error {
	row, err := toTemplateRow(t)
	if err != nil {
		return err
	}
	err = r.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "name"}, {Name: "language"}},
		DoUpdates: clause.AssignmentColumns(templateUpdates),
	}).Create(&row).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return domain.ErrConflict.New(fmt.Sprintf("template %s is stored under another name or language", t.ID()))
	}
	if err != nil {
		return fmt.Errorf("save template %s (%s): %w", t.Name(), t.Language(), err)
	}
	return nil
}

// List returns every template by name, then language, in byte order
// whatever the database's collation (which may skip underscores).
func (r *TemplateRepository) List(ctx context.Context) ([]*template.Template, error) {
	var rows []templateRow
	if err := r.db.WithContext(ctx).Order(`name COLLATE "C", language COLLATE "C"`).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	return toDomain(rows)
}

// Delete removes the template name in language, or returns
// template.ErrNotFound when none is stored.
func (r *TemplateRepository) Delete(ctx context.Context, name, language string) error {
	res := r.db.WithContext(ctx).Where("name = ? AND language = ?", name, language).Delete(&templateRow{})
	if res.Error != nil {
		return fmt.Errorf("delete template %s (%s): %w", name, language, res.Error)
	}
	if res.RowsAffected == 0 {
		return template.ErrNotFound.New(name + " (" + language + ")")
	}
	return nil
}
