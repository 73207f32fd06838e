package application_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/clock"
	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/template"
	"github.com/saldocrm/saldo/ports"
)

// fakeCatalog is a WhatsApp Business Account's template catalog.
type fakeCatalog struct {
	mu      sync.Mutex
	created []template.Details
	deleted []string // name/providerID
	err     error    // answer to the next call
}

func (c *fakeCatalog) List(context.Context, string) ([]ports.RemoteTemplate, error) { return nil, nil }

func (c *fakeCatalog) Create(_ context.Context, waba string, d template.Details) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if waba != "waba-1" {
		return "", errors.New("wrong business account " + waba)
	}
	if c.err != nil {
		return "", c.err
	}
	c.created = append(c.created, d)
	return "hsm-" + d.Name, nil
}

func (c *fakeCatalog) Delete(_ context.Context, _ string, name, providerID string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	c.deleted = append(c.deleted, name+"/"+providerID)
	return nil
}

// fakeNumbers has one business number.
type fakeNumbers struct{ ports.NumberRepository }

func (fakeNumbers) Default(context.Context) (conversation.BusinessNumber, error) {
	return conversation.BusinessNumber{PhoneNumberID: "pn-1", BusinessAccountID: "waba-1"}, nil
}

// fakeTemplates stores templates in memory.
type fakeTemplates struct {
	mu sync.Mutex
	m  map[string]*template.Template
}

func newFakeTemplates() *fakeTemplates { return &fakeTemplates{m: map[string]*template.Template{}} }

func (r *fakeTemplates) Get(_ context.Context, name, language string) (*template.Template, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if t, ok := r.m[name+"/"+language]; ok {
		return t, nil
	}
	return nil, template.ErrNotFound.New(name)
}

func (r *fakeTemplates) Save(_ context.Context, t *template.Template) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m[t.Name()+"/"+t.Language()] = t
	return nil
}

func (r *fakeTemplates) List(context.Context) ([]*template.Template, error) { return nil, nil }

func (r *fakeTemplates) Delete(_ context.Context, name, language string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.m[name+"/"+language]; !ok {
		return template.ErrNotFound.New(name)
	}
	delete(r.m, name+"/"+language)
	return nil
}

func reminder() template.Details {
	return template.Details{
		Name: "recordatorio_pago", Language: "es", Category: template.Utility,
		Body: "Hola {{1}}, su saldo de {{2}} vence mañana.", Examples: []string{"María", "$ 120.000"},
		Buttons: []template.Button{{Type: template.QuickReply, Text: "Ya pagué"}},
	}
}

func TestCreateTemplateSubmitsAndStoresItPending(t *testing.T) {
	t.Parallel()
	catalog, repo := &fakeCatalog{}, newFakeTemplates()
	create := application.NewCreateTemplate(catalog, fakeNumbers{}, repo, clock.NewFixed(now))

	tpl, err := create.Handle(t.Context(), reminder())
	require.NoError(t, err)
	assert.Equal(t, template.Pending, tpl.Status())
	assert.Equal(t, "hsm-recordatorio_pago", tpl.ProviderID())
	require.Len(t, catalog.created, 1)
	assert.Equal(t, tpl.Details(), catalog.created[0])
	stored, err := repo.Get(t.Context(), "recordatorio_pago", "es")
	require.NoError(t, err)
	assert.Equal(t, "hsm-recordatorio_pago", stored.ProviderID())

	// The same name and language again: a conflict, and Meta is not asked.
	_, err = create.Handle(t.Context(), reminder())
	assert.ErrorIs(t, err, application.ErrTemplateExists)
	assert.Equal(t, domain.KindConflict, domain.KindOf(err))
	assert.Len(t, catalog.created, 1)

	// Another language of the same name is another template.
	d := reminder()
	d.Language = "pt_BR"
	_, err = create.Handle(t.Context(), d)
	require.NoError(t, err)
}

func TestCreateTemplateBreakingMetasRulesIsNotSubmitted(t *testing.T) {
	t.Parallel()
	catalog, repo := &fakeCatalog{}, newFakeTemplates()
	create := application.NewCreateTemplate(catalog, fakeNumbers{}, repo, clock.NewFixed(now))
	d := reminder()
	d.Examples = nil
	d.Footer = "Ref {{1}}"
	_, err := create.Handle(t.Context(), d)
	require.ErrorIs(t, err, template.ErrInvalid)
	var de *domain.Error
	require.ErrorAs(t, err, &de)
	assert.Contains(t, de.Details(), "examples: needs one sample value per variable: 2 (has 0)")
	assert.Contains(t, de.Details(), "footer: cannot have variables")
	assert.Empty(t, catalog.created)
	assert.Empty(t, repo.m)
}

func TestCreateTemplateRefusedByMetaStoresNothing(t *testing.T) {
	t.Parallel()
	catalog, repo := &fakeCatalog{}, newFakeTemplates()
	create := application.NewCreateTemplate(catalog, fakeNumbers{}, repo, clock.NewFixed(now))
	catalog.err = &ports.SendError{Failure: conversation.Failure{Code: 100, Title: "Invalid parameter", Detail: "Content in This Language Already Exists"}}
	_, err := create.Handle(t.Context(), reminder())
	require.ErrorIs(t, err, application.ErrTemplateRefused)
	assert.Equal(t, domain.KindInvalid, domain.KindOf(err))
	assert.Equal(t, "WhatsApp refused the template: Invalid parameter: Content in This Language Already Exists", err.Error())
	assert.Empty(t, repo.m)

	// An outage is not the user's fault: not an invalid-input error.
	catalog.err = &ports.SendError{Failure: conversation.Failure{Code: 2, Title: "Service temporarily unavailable"}, Retryable: true}
	_, err = create.Handle(t.Context(), reminder())
	require.Error(t, err)
	assert.Equal(t, domain.KindInternal, domain.KindOf(err))
	assert.Empty(t, repo.m)
}

func TestDeleteTemplate(t *testing.T) {
	t.Parallel()
	catalog, repo := &fakeCatalog{}, newFakeTemplates()
	create := application.NewCreateTemplate(catalog, fakeNumbers{}, repo, clock.NewFixed(now))
	del := application.NewDeleteTemplate(catalog, fakeNumbers{}, repo)
	_, err := create.Handle(t.Context(), reminder())
	require.NoError(t, err)

	require.NoError(t, del.Handle(t.Context(), "recordatorio_pago", "es"))
	assert.Equal(t, []string{"recordatorio_pago/hsm-recordatorio_pago"}, catalog.deleted, "only that language, by Meta's id")
	_, err = repo.Get(t.Context(), "recordatorio_pago", "es")
	assert.ErrorIs(t, err, template.ErrNotFound)

	// Unknown in Saldo: not found, and Meta is not asked.
	err = del.Handle(t.Context(), "recordatorio_pago", "es")
	assert.Equal(t, domain.KindNotFound, domain.KindOf(err))
	assert.Len(t, catalog.deleted, 1)

	// Gone at Meta already: deleted in Saldo all the same.
	_, err = create.Handle(t.Context(), reminder())
	require.NoError(t, err)
	catalog.err = template.ErrNotFound.New("recordatorio_pago")
	require.NoError(t, del.Handle(t.Context(), "recordatorio_pago", "es"))
	assert.Empty(t, repo.m)

	// Meta refuses: the template stays in Saldo.
	catalog.err = nil
	_, err = create.Handle(t.Context(), reminder())
	require.NoError(t, err)
	catalog.err = &ports.SendError{Failure: conversation.Failure{Code: 100, Title: "Invalid parameter"}}
	err = del.Handle(t.Context(), "recordatorio_pago", "es")
	assert.ErrorIs(t, err, application.ErrTemplateRefused)
	assert.Len(t, repo.m, 1)
}
