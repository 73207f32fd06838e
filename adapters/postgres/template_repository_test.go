package postgres_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/template"
)

func newTemplate(t testing.TB, name, language string, edit ...func(*template.Details)) *template.Template {
	t.Helper()
	d := template.Details{Name: name, Language: language, Category: template.Utility, Body: "Hola {{1}}, gracias.", Examples: []string{"María"}}
	for _, e := range edit {
		e(&d)
	}
	tpl, err := template.New(newV7(), d, now)
	require.NoError(t, err)
	return tpl
}

func assertTemplateEqual(t testing.TB, want, got *template.Template) {
	t.Helper()
	assert.Equal(t, want.ID(), got.ID(), "id")
	assert.Equal(t, want.Details(), got.Details(), "details")
	assert.Equal(t, want.Status(), got.Status(), "status")
	assert.Equal(t, want.Reason(), got.Reason(), "reason")
	assert.Equal(t, want.ProviderID(), got.ProviderID(), "provider id")
	assertTime(t, want.UpdatedAt(), got.UpdatedAt(), "updated at")
}

func TestTemplateRepository(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewTemplateRepository(db)
	ctx := t.Context()

	full := newTemplate(t, "payment_reminder", "es_CO", func(d *template.Details) {
		d.Category = template.Marketing
		d.Header, d.HeaderExample = "Factura {{1}}", "F-1001"
		d.Body = "Hola {{1}}, su factura por {{2}} venció el {{3}}. \"Pague\" aquí <link> & listo."
		d.Footer = "Saldo"
		d.Buttons = []template.Button{
			{Type: template.URL, Text: "Pagar", URL: "https://pay.example.com/{{1}}", Example: "abc123"},
			{Type: template.PhoneNumber, Text: "Llamar", Phone: "+573001234567"},
			{Type: template.CopyCode, Example: "PAY-42"},
			{Type: template.QuickReply, Text: "Ya pagué"},
		}
		d.Examples = []string{"María", "$ 120.000", "10/03/2026"}
	})
	plain := newTemplate(t, "hello", "es")
	require.NoError(t, repo.Save(ctx, full))
	require.NoError(t, repo.Save(ctx, plain))

	got, err := repo.Get(ctx, "payment_reminder", "es_CO")
	require.NoError(t, err)
	assertTemplateEqual(t, full, got)
	got, err = repo.Get(ctx, "hello", "es")
	require.NoError(t, err)
	assertTemplateEqual(t, plain, got)

	// Review and submission are saved.
	full.Submitted("1234567890", now.Add(time.Minute))
	require.True(t, full.Review("REJECTED", "INVALID_FORMAT", now.Add(time.Hour)))
	require.NoError(t, repo.Save(ctx, full))
	got, err = repo.Get(ctx, "payment_reminder", "es_CO")
	require.NoError(t, err)
	assertTemplateEqual(t, full, got)

	// A template of the same name and language from elsewhere (a catalog
	// sync) updates the stored one, which keeps its id.
	synced := template.UnmarshalFromDatabase(newV7(), full.Details(), template.Approved, "", "1234567890", now.Add(2*time.Hour))
	require.NoError(t, repo.Save(ctx, synced))
	got, err = repo.Get(ctx, "payment_reminder", "es_CO")
	require.NoError(t, err)
	assert.Equal(t, full.ID(), got.ID(), "the stored id stays")
	assert.Equal(t, template.Approved, got.Status())
	assert.Empty(t, got.Reason())
	assert.NoError(t, got.CheckSend(3))

	// Same name, other language: another template. Listed by name, then
	// language, in byte order.
	require.NoError(t, repo.Save(ctx, newTemplate(t, "payment_reminder", "en_US")))
	require.NoError(t, repo.Save(ctx, newTemplate(t, "payment", "es")))
	list, err := repo.List(ctx)
	require.NoError(t, err)
	var keys []string
	for _, tpl := range list {
		keys = append(keys, tpl.Name()+"/"+tpl.Language())
	}
	assert.Equal(t, []string{"hello/es", "payment/es", "payment_reminder/en_US", "payment_reminder/es_CO"}, keys)
	// Underscores sort before letters, whatever the database's collation.
	require.NoError(t, repo.Save(ctx, newTemplate(t, "pay_later", "es")))
	list, err = repo.List(ctx)
	require.NoError(t, err)
	assert.Equal(t, "pay_later", list[1].Name())

	_, err = repo.Get(ctx, "payment_reminder", "pt_BR")
	assert.True(t, errors.Is(err, template.ErrNotFound), "got %v", err)
	assert.Contains(t, err.Error(), "payment_reminder (pt_BR)")

	// Meta allows names of up to 512 characters.
	long := newTemplate(t, strings.Repeat("a_", 256), "es")
	require.NoError(t, repo.Save(ctx, long))

	// An id stored under another name is a conflict.
	err = repo.Save(ctx, template.UnmarshalFromDatabase(plain.ID(), template.Details{
		Name: "other", Language: "es", Category: template.Utility, Body: "x",
	}, template.Pending, "", "", now))
	assert.Equal(t, domain.KindConflict, domain.KindOf(err), "got %v", err)
}

func TestTemplateRepositoryMediaHeaderAndOldRows(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewTemplateRepository(db)
	ctx := t.Context()

	media := newTemplate(t, "factura_pdf", "pt_BR", func(d *template.Details) {
		d.HeaderFormat, d.HeaderMediaURL = template.HeaderDocument, "https://cdn.example.com/fatura.pdf"
	})
	require.NoError(t, repo.Save(ctx, media))
	got, err := repo.Get(ctx, "factura_pdf", "pt_BR")
	require.NoError(t, err)
	assertTemplateEqual(t, media, got)
	assert.Equal(t, template.HeaderDocument, got.Details().HeaderKind())

	// A row stored before headers had a format still reads as a text header.
	require.NoError(t, db.Exec(`INSERT INTO templates (id, name, language, category, details, status, reason, provider_id, updated_at)
		VALUES (?, 'antigua', 'es', 'UTILITY', '{"header":"Pago vencido","body":"Hola {{1}}, pague.","examples":["Ana"]}', 'APPROVED', '', '77', ?)`,
		newV7(), now).Error)
	got, err = repo.Get(ctx, "antigua", "es")
	require.NoError(t, err)
	assert.Equal(t, template.HeaderText, got.Details().HeaderKind())
	assert.Equal(t, "Pago vencido", got.Details().Header)
	assert.NoError(t, got.CheckSend(1))
}

func TestTemplateRepositoryDelete(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewTemplateRepository(db)
	ctx := t.Context()
	require.NoError(t, repo.Save(ctx, newTemplate(t, "aviso", "es")))
	require.NoError(t, repo.Save(ctx, newTemplate(t, "aviso", "en_US")))

	require.NoError(t, repo.Delete(ctx, "aviso", "es"))
	_, err := repo.Get(ctx, "aviso", "es")
	assert.ErrorIs(t, err, template.ErrNotFound)
	_, err = repo.Get(ctx, "aviso", "en_US")
	assert.NoError(t, err, "the other language stays")

	err = repo.Delete(ctx, "aviso", "es")
	assert.ErrorIs(t, err, template.ErrNotFound, "deleting twice: not found")
	assert.Equal(t, domain.KindNotFound, domain.KindOf(err))
}
