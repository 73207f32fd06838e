package application_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/clock"
	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/phone"
	"github.com/saldocrm/saldo/ports"
)

// noQueue is a job queue that only remembers what it was given.
type noQueue struct{ jobs []uuid.UUID }

func (q *noQueue) Enqueue(_ context.Context, _ string, ref uuid.UUID, _ time.Time) error {
	q.jobs = append(q.jobs, ref)
	return nil
}

func newImport(t *testing.T) (*application.ImportCustomers, *postgres.CustomerRepository, *postgres.GroupRepository) {
	t.Helper()
	db := pgtest.New(t)
	h := application.NewImportCustomers(postgres.NewUnitOfWork(db), postgres.NewImportRepository(db), &noQueue{},
		clock.NewFixed(now), slog.New(slog.DiscardHandler))
	return h, postgres.NewCustomerRepository(db), postgres.NewGroupRepository(db)
}

func TestImportCustomers_Idempotent(t *testing.T) {
	t.Parallel()
	h, customers, groups := newImport(t)
	ctx := t.Context()
	file := []byte("external_id,name,phone,email,language,tags,groups\n" +
		"C-1,Ferretería El Tornillo,+57 300 123 4567,pagos@tornillo.co,es,mayorista,Morosos 30+|Mayoristas\n" +
		"C-2,,+57 300 000 0002,,,,\n" + // no name for a new customer
		",Padaria Pão Quente,+55 11 98765-4321,,pt,,mayoristas\n" +
		",Padaria (de novo),5511987654321,,,,\n" + // the same phone again: refused, the first row stands
		"C-5,Azteca,+52 1 55 1234 5678,x@,zz,,\n")

	imp, err := h.Start(ctx, "clientes.csv", file)
	require.NoError(t, err)
	assert.Equal(t, ports.ImportDone, imp.Status)
	assert.Equal(t, 5, imp.Total)
	assert.Equal(t, [4]int{2, 0, 0, 3}, [4]int{imp.Created, imp.Updated, imp.Unchanged, imp.Failed})
	errs, err := h.Errors(ctx, imp.ID, 0)
	require.NoError(t, err)
	assert.Equal(t, []ports.ImportRowError{
		{Line: 3, Column: "name", Message: customer.ErrInvalidName.Error()},
		{Line: 5, Column: "phone", Message: "the customer of line 4 appears again: a customer may appear once per file"},
		{Line: 6, Column: "email", Message: `"x@" is not an email address`},
		{Line: 6, Column: "language", Message: `language "zz" is not supported: use es, pt or en`},
	}, errs)

	pao, err := customers.GetByExternalID(ctx, application.PhoneExternalID(mustPhone(t, "+5511987654321")))
	require.NoError(t, err)
	assert.Equal(t, "Padaria Pão Quente", pao.Name(), "the first row of a phone stands")
	assert.Equal(t, customer.Portuguese, pao.Language())

	list, err := groups.List(ctx)
	require.NoError(t, err)
	require.Len(t, list, 2, "Mayoristas and mayoristas are one group")
	assert.Equal(t, "Mayoristas", list[0].Group.Name())
	assert.Equal(t, 2, list[0].Members)
	assert.Equal(t, 1, list[1].Members)

	again, err := h.Start(ctx, "clientes.csv", file)
	require.NoError(t, err)
	assert.Equal(t, [4]int{0, 0, 2, 3}, [4]int{again.Created, again.Updated, again.Unchanged, again.Failed},
		"the same file twice: nothing created or updated")
	assert.Equal(t, 0, again.MembersAdded)
}

func TestImportCustomers_AmbiguousPhone(t *testing.T) {
	t.Parallel()
	h, customers, _ := newImport(t)
	ctx := t.Context()
	for _, ext := range []string{"A-1", "A-2"} {
		c, err := customer.New(customer.Details{ExternalID: ext, Name: ext, Phone: "+573001234567"}, now)
		require.NoError(t, err)
		require.NoError(t, customers.Save(ctx, c))
	}
	p, err := h.Preview(ctx, []byte("name,phone\nAna,+57 300 123 4567\n"))
	require.NoError(t, err)
	assert.Equal(t, 1, p.Failed)
	require.Len(t, p.Rows, 1)
	assert.Equal(t, application.Failed, p.Rows[0].Outcome)
	assert.Contains(t, p.Rows[0].Errors[0].Message, "2 customers have this phone (")
	assert.Contains(t, p.Rows[0].Errors[0].Message, "A-1")
	assert.Contains(t, p.Rows[0].Errors[0].Message, "A-2")
}

func TestImportCustomers_BigFilesAreQueued(t *testing.T) {
	t.Parallel()
	h, customers, _ := newImport(t)
	ctx := t.Context()
	file := []byte("external_id,name\n")
	for i := range application.SyncImportRows + 1 {
		file = append(file, []byte("Q-"+uuid.NewSHA1(uuid.Nil, []byte{byte(i), byte(i >> 8)}).String()+",Cliente\n")...)
	}
	imp, err := h.Start(ctx, "big.csv", file)
	require.NoError(t, err)
	assert.Equal(t, ports.ImportQueued, imp.Status)
	list, err := customers.List(ctx, ports.CustomerFilter{Page: ports.Page{Limit: 1}})
	require.NoError(t, err)
	assert.Empty(t, list, "nothing imported before the job runs")

	require.NoError(t, h.Run(ctx, imp.ID))
	done, err := h.Get(ctx, imp.ID)
	require.NoError(t, err)
	assert.Equal(t, ports.ImportDone, done.Status)
	assert.Equal(t, application.SyncImportRows+1, done.Created)
	require.NoError(t, h.Run(ctx, imp.ID), "a finished import run again is left alone")
}

func mustPhone(t *testing.T, s string) phone.Number {
	t.Helper()
	n, err := phone.Parse(s)
	require.NoError(t, err)
	return n
}

func TestImportCustomers_APhoneOnlyRowForACustomerNamedByIDIsRefused(t *testing.T) {
	t.Parallel()
	h, customers, _ := newImport(t)
	ctx := t.Context()
	file := []byte("external_id,name,phone\n" +
		"C-1,Ana Gómez,+57 300 123 4567\n" +
		",Beto Ruiz,573001234567\n" + // the same number without an id: it would update C-1 too
		"C-2,Caro Díaz,+57 300 123 4567\n") // another customer sharing the number: fine

	imp, err := h.Start(ctx, "clientes.csv", file)
	require.NoError(t, err)
	assert.Equal(t, [4]int{2, 0, 0, 1}, [4]int{imp.Created, imp.Updated, imp.Unchanged, imp.Failed})
	errs, err := h.Errors(ctx, imp.ID, 0)
	require.NoError(t, err)
	assert.Equal(t, []ports.ImportRowError{
		{Line: 3, Column: "phone", Message: "the customer of line 2 appears again: a customer may appear once per file"},
	}, errs)
	again, err := h.Start(ctx, "clientes.csv", file)
	require.NoError(t, err)
	assert.Equal(t, [4]int{0, 0, 2, 1}, [4]int{again.Created, again.Updated, again.Unchanged, again.Failed}, "the same file again changes nothing")
	ana, err := customers.GetByExternalID(ctx, "C-1")
	require.NoError(t, err)
	assert.Equal(t, "Ana Gómez", ana.Name())
}
