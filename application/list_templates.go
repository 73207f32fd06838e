package application

import (
	"context"

	"github.com/saldocrm/saldo/domain/template"
	"github.com/saldocrm/saldo/ports"
)

// ListTemplates lists the templates Saldo knows, with their review status.
type ListTemplates struct {
	templates ports.TemplateRepository
}

// NewListTemplates returns the query.
func NewListTemplates(templates ports.TemplateRepository) *ListTemplates {
	must(templates)
	return &ListTemplates{templates: templates}
}

// Handle lists the templates by name and language.
func (q *ListTemplates) Handle(ctx context.Context) ([]*template.Template, error) {
	return q.templates.List(ctx)
}
