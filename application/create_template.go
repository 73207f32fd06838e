package application

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/template"
	"github.com/saldocrm/saldo/ports"
)

// Errors of template management.
var (
	ErrTemplateExists  = domain.Errorf(domain.KindConflict, "template_exists", "template %s (%s) already exists")
	ErrTemplateRefused = domain.Errorf(domain.KindInvalid, "template_refused", "WhatsApp refused the template: %s")
)

// CreateTemplate checks a new template against Meta's rules, submits it to
// the WhatsApp Business Account of the default number and stores it pending
// review. The review's outcome arrives by webhook (or a sync).
type CreateTemplate struct {
	catalog   ports.TemplateCatalog
	numbers   ports.NumberRepository
	templates ports.TemplateRepository
	clock     ports.Clock
}

// NewCreateTemplate returns the use case.
func NewCreateTemplate(catalog ports.TemplateCatalog, numbers ports.NumberRepository, templates ports.TemplateRepository, clock ports.Clock) *CreateTemplate {
	must(catalog, numbers, templates, clock)
	return &CreateTemplate{catalog: catalog, numbers: numbers, templates: templates, clock: clock}
}

// Handle creates the template. Content that breaks Meta's rules is
// template.ErrInvalid with one detail per problem; a name and language Saldo
// already has is ErrTemplateExists; Meta's refusal is ErrTemplateRefused with
// Meta's words, and nothing is stored.
func (h *CreateTemplate) Handle(ctx context.Context, d template.Details) (*template.Template, error) {
	t, err := template.New(newID(), d, h.clock.Now())
	if err != nil {
		return nil, err
	}
	switch _, err := h.templates.Get(ctx, t.Name(), t.Language()); {
	case err == nil:
		return nil, ErrTemplateExists.New(t.Name(), t.Language())
	case !errors.Is(err, template.ErrNotFound):
		return nil, err
	}
	number, err := h.numbers.Default(ctx)
	if err != nil {
		return nil, fmt.Errorf("create template %s: %w", t.Name(), err)
	}
	providerID, err := h.catalog.Create(ctx, number.BusinessAccountID, t.Details())
	if err != nil {
		return nil, refusal(t.Name(), err)
	}
	t.Submitted(providerID, h.clock.Now())
	if err := h.templates.Save(ctx, t); err != nil {
		return nil, fmt.Errorf("save template %s (%s) submitted as %s: %w", t.Name(), t.Language(), providerID, err)
	}
	return t, nil
}

// refusal turns the provider's final "no" into an invalid-input error that
// quotes it; outages and rate limits stay errors to retry later.
func refusal(name string, err error) error {
	var se *ports.SendError
	if !errors.As(err, &se) || se.Retryable {
		return fmt.Errorf("submit template %s: %w", name, err)
	}
	msg := strings.TrimSpace(se.Failure.Title)
	if d := strings.TrimSpace(se.Failure.Detail); d != "" {
		msg = strings.TrimSuffix(strings.TrimPrefix(msg+": "+d, ": "), ": ")
	}
	if msg == "" {
		msg = "no reason given"
	}
	return ErrTemplateRefused.New(msg)
}
