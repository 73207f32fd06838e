package postgres_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/phone"
)

func TestCustomerFinder(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	finder := postgres.NewCustomerFinder(db)
	ctx := t.Context()

	withPhone := func(p string) func(*customer.Details) { return func(d *customer.Details) { d.Phone = p } }
	mx := newCustomer(t, "MX", withPhone("+52 1 55 1234 5678")) // stored with the mobile "1"
	mx2 := newCustomer(t, "MX-2", withPhone("+525512345678"))   // the same subscriber, without it
	br := newCustomer(t, "BR", withPhone("+55 11 98765-4321"))
	none := newCustomer(t, "NONE")
	require.NoError(t, postgres.NewCustomerRepository(db).Save(ctx, mx, mx2, br, none))
	require.NoError(t, db.Exec("UPDATE customers SET whatsapp_opted_out = true WHERE id = ?", br.ID()).Error)

	// WhatsApp sends Mexican mobiles with the "1" and some Brazilian ones
	// without the ninth digit: the canonical key matches them all.
	for waID, want := range map[string][]uuid.UUID{
		"5215512345678": sortedIDs(mx.ID(), mx2.ID()),
		"525512345678":  sortedIDs(mx.ID(), mx2.ID()),
		"551187654321":  {br.ID()},
		"5511987654321": {br.ID()},
		"573001234567":  {},
	} {
		n, err := phone.FromWhatsAppID(waID)
		require.NoError(t, err)
		got, err := finder.ByPhoneKey(ctx, n.CanonicalKey())
		require.NoError(t, err, waID)
		assert.Equal(t, want, got, waID)
	}
	got, err := finder.ByPhoneKey(ctx, "")
	require.NoError(t, err)
	assert.Empty(t, got, "customers without a phone match nothing")

	p, optedOut, err := finder.PhoneOf(ctx, br.ID())
	require.NoError(t, err)
	assert.Equal(t, "+5511987654321", p.String())
	assert.True(t, optedOut)
	p, optedOut, err = finder.PhoneOf(ctx, mx.ID())
	require.NoError(t, err)
	assert.Equal(t, "+5215512345678", p.String())
	assert.False(t, optedOut)
	p, _, err = finder.PhoneOf(ctx, none.ID())
	require.NoError(t, err)
	assert.True(t, p.IsZero())

	_, _, err = finder.PhoneOf(ctx, uuid.New())
	assert.True(t, errors.Is(err, customer.ErrNotFound), "got %v", err)
}

func sortedIDs(ids ...uuid.UUID) []uuid.UUID {
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return ids
}
