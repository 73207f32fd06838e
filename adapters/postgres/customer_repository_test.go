package postgres_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/ports"
)

func TestCustomerRepository_SaveAndGet(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewCustomerRepository(db)
	ctx := t.Context()

	details := customer.Details{
		ExternalID: "C-1", Name: "Ferretería Andina S.A.S.", Email: "Pagos@Andina.co",
		Phone: "+52 1 55 1234 5678", TaxID: "900.123.456-7", Tags: []string{"vip", "Bogotá", "retail"},
		Language: "es-CO", Metadata: rawJSON(`{"zeta": 1, "alpha": {"b": [1, 2.50], "a": "x"}, "big": 12345678901234567890, "exp": 1e2}`),
	}
	c, err := customer.New(details, now)
	require.NoError(t, err)
	require.NoError(t, repo.Save(ctx, c))

	got, err := repo.Get(ctx, c.ID())
	require.NoError(t, err)
	assertCustomerEqual(t, c, got)

	// The metadata is read back in its canonical form (numbers as sent, e.g.
	// 1e2 and 1.50), so the same ERP record is not a change.
	changed, err := got.Sync(details, now.Add(time.Hour))
	require.NoError(t, err)
	assert.False(t, changed, "an unchanged record read back from the database must not be a change")

	byExt, err := repo.GetByExternalID(ctx, "C-1")
	require.NoError(t, err)
	assertCustomerEqual(t, c, byExt)

	// The canonical phone key is stored for WhatsApp matching.
	var phoneKey string
	require.NoError(t, db.Raw("SELECT phone_key FROM customers WHERE id = ?", c.ID()).Scan(&phoneKey).Error)
	assert.Equal(t, "525512345678", phoneKey)
}

func TestCustomerRepository_SaveUpdates(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewCustomerRepository(db)
	ctx := t.Context()

	c := newCustomer(t, "C-1", func(d *customer.Details) { d.Tags = []string{"a"} })
	require.NoError(t, repo.Save(ctx, c))
	// Opting out belongs to messaging, not to the ERP: a sync keeps it.
	require.NoError(t, db.Exec("UPDATE customers SET whatsapp_opted_out = true WHERE id = ?", c.ID()).Error)

	stored, err := repo.Get(ctx, c.ID())
	require.NoError(t, err)
	require.True(t, stored.OptedOut())
	later := now.Add(24 * time.Hour)
	changed, err := stored.Sync(customer.Details{
		ExternalID: "C-1", Name: "Renamed", Email: "new@example.com", Phone: "+5511912345678",
		Tags: []string{"b", "c"}, Language: "pt", Metadata: rawJSON(`{"k":"v"}`),
	}, later)
	require.NoError(t, err)
	require.True(t, changed)
	require.NoError(t, repo.Save(ctx, stored))

	got, err := repo.Get(ctx, c.ID())
	require.NoError(t, err)
	assertCustomerEqual(t, stored, got)
	assert.True(t, got.CreatedAt().Equal(now), "created_at must not change")
	assert.True(t, got.UpdatedAt().Equal(later))
	assert.Equal(t, 1, count(t, db, "SELECT count(*) FROM customers"))
}

func TestCustomerRepository_SaveBatch(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewCustomerRepository(db)
	ctx := t.Context()

	require.NoError(t, repo.Save(ctx), "saving nothing")

	first := newCustomer(t, "C-1")
	renamed := newCustomer(t, "C-1", func(d *customer.Details) { d.Name = "Second version" })
	other := newCustomer(t, "C-2", func(d *customer.Details) { d.Tags = nil })
	// The same customer twice in one batch: the last one wins.
	require.NoError(t, repo.Save(ctx, first, other, renamed))

	got, err := repo.Get(ctx, first.ID())
	require.NoError(t, err)
	assert.Equal(t, "Second version", got.Name())
	got2, err := repo.Get(ctx, other.ID())
	require.NoError(t, err)
	assert.Empty(t, got2.Tags())
	assert.Equal(t, "{}", string(got2.Metadata()))
	assert.Equal(t, 2, count(t, db, "SELECT count(*) FROM customers"))
}

func TestCustomerRepository_NotFound(t *testing.T) {
	t.Parallel()
	repo := postgres.NewCustomerRepository(pgtest.New(t))
	ctx := t.Context()

	c, err := repo.Get(ctx, uuid.New())
	assert.Nil(t, c)
	assert.True(t, errors.Is(err, customer.ErrNotFound), "got %v", err)

	c, err = repo.GetByExternalID(ctx, "nobody")
	assert.Nil(t, c)
	assert.True(t, errors.Is(err, customer.ErrNotFound), "got %v", err)
	assert.Contains(t, err.Error(), `"nobody"`)
}

func TestCustomerRepository_ByExternalIDs(t *testing.T) {
	t.Parallel()
	repo := postgres.NewCustomerRepository(pgtest.New(t))
	ctx := t.Context()

	a, b, c := newCustomer(t, "A"), newCustomer(t, "B"), newCustomer(t, "C")
	require.NoError(t, repo.Save(ctx, a, b, c))

	got, err := repo.ByExternalIDs(ctx, []string{"A", "C", "missing"})
	require.NoError(t, err)
	require.Len(t, got, 2)
	assertCustomerEqual(t, a, got["A"])
	assertCustomerEqual(t, c, got["C"])

	none, err := repo.ByExternalIDs(ctx, nil)
	require.NoError(t, err)
	assert.Empty(t, none)
}

func TestCustomerRepository_List(t *testing.T) {
	t.Parallel()
	repo := postgres.NewCustomerRepository(pgtest.New(t))
	ctx := t.Context()

	customers := []*customer.Customer{
		newCustomer(t, "ERP-001", func(d *customer.Details) { d.Name = "Ferretería Andina"; d.Email = "cobros@andina.co" }),
		newCustomer(t, "ERP-002", func(d *customer.Details) { d.Name = "Panadería Sol"; d.Phone = "+573001234567" }),
		newCustomer(t, "ERP-003", func(d *customer.Details) { d.Name = "Distribuidora 100% Norte"; d.TaxID = "RFC-XAXX010101" }),
		newCustomer(t, "ERP-004", func(d *customer.Details) { d.Name = "Comercial_Sur" }),
		newCustomer(t, "X-9", func(d *customer.Details) { d.Name = "Mercado Central" }),
	}
	require.NoError(t, repo.Save(ctx, customers...))

	tests := []struct {
		search string
		want   []string
	}{
		{"", []string{"ERP-001", "ERP-002", "ERP-003", "ERP-004", "X-9"}},
		{"andina", []string{"ERP-001"}},                                  // name, any case
		{"COBROS@", []string{"ERP-001"}},                                 // email
		{"3001234", []string{"ERP-002"}},                                 // phone
		{"xaxx01", []string{"ERP-003"}},                                  // tax id
		{"erp-00", []string{"ERP-001", "ERP-002", "ERP-003", "ERP-004"}}, // external id
		{"100%", []string{"ERP-003"}},                                    // % is a literal, not a wildcard
		{"a_s", nil},                                                     // _ is a literal too: "Panadería Sol" does not match
		{"_", []string{"ERP-004"}},
		{"nothing like this", nil},
	}
	for _, tt := range tests {
		got, err := repo.List(ctx, ports.CustomerFilter{Search: tt.search})
		require.NoError(t, err, tt.search)
		gotIDs := customerIDs(got)
		slices.Sort(gotIDs)
		assert.Equal(t, tt.want, nilIfEmpty(gotIDs), "search %q", tt.search)
		assertSortedByID(t, got)
	}

	// Cursor pagination visits every customer once, in id order.
	var seen []*customer.Customer
	after := uuid.Nil
	for range 10 {
		page, err := repo.List(ctx, ports.CustomerFilter{Page: ports.Page{After: after, Limit: 2}})
		require.NoError(t, err)
		require.LessOrEqual(t, len(page), 2)
		if len(page) == 0 {
			break
		}
		seen = append(seen, page...)
		after = page[len(page)-1].ID()
	}
	assert.Len(t, seen, len(customers))
	assertSortedByID(t, seen)
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}
