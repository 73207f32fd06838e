package application

import (
	"context"
	"errors"
	"fmt"

	"github.com/saldocrm/saldo/domain/template"
	"github.com/saldocrm/saldo/ports"
)

// DeleteTemplate deletes a template in one language, at WhatsApp first and
// then in Saldo. A template WhatsApp no longer has is deleted in Saldo all
// the same.
type DeleteTemplate struct {
	catalog   ports.TemplateCatalog
	numbers   ports.NumberRepository
	templates ports.TemplateRepository
}

// NewDeleteTemplate returns the use case.
func NewDeleteTemplate(catalog ports.TemplateCatalog, numbers ports.NumberRepository, templates ports.TemplateRepository) *DeleteTemplate {
	must(catalog, numbers, templates)
	return &DeleteTemplate{catalog: catalog, numbers: numbers, templates: templates}
}

// Handle deletes name in language; a template Saldo does not have is
// template.ErrNotFound.
func (h *DeleteTemplate) Handle(ctx context.Context, name, language string) error {
	t, err := h.templates.Get(ctx, name, language)
	if err != nil {
		return err
	}
	number, err := h.numbers.Default(ctx)
	if err != nil {
		return fmt.Errorf("delete template %s: %w", name, err)
	}
	// Meta deletes every language of a name unless told its id; a template
	// never submitted (no id) cannot be told apart at Meta, so only Saldo's
	// copy goes.
	if t.ProviderID() != "" {
		err = h.catalog.Delete(ctx, number.BusinessAccountID, name, t.ProviderID())
		if err != nil && !errors.Is(err, template.ErrNotFound) {
			return refusal(name, err)
		}
	}
	if err := h.templates.Delete(ctx, name, language); err != nil && !errors.Is(err, template.ErrNotFound) {
		return err
	}
	return nil
}
