package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/group"
	"github.com/saldocrm/saldo/ports"
)

func newGroup(t testing.TB, name string) *group.Group {
	t.Helper()
	g, err := group.New(uuid.New(), name, "", now)
	require.NoError(t, err)
	return g
}

func TestGroupRepository_CRUD(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewGroupRepository(db)
	ctx := t.Context()

	g, err := group.New(uuid.New(), "Morosos 30+", "más de 30 días de mora", now)
	require.NoError(t, err)
	require.NoError(t, repo.Save(ctx, g))
	got, err := repo.Get(ctx, g.ID())
	require.NoError(t, err)
	assert.Equal(t, "Morosos 30+", got.Name())
	assert.Equal(t, "más de 30 días de mora", got.Description())
	assert.True(t, got.CreatedAt().Equal(now))

	// Names are unique whatever their case.
	err = repo.Save(ctx, newGroup(t, "MOROSOS 30+"))
	assert.ErrorIs(t, err, group.ErrNameTaken)

	_, err = got.Edit("Morosos 60+", "", now.Add(time.Hour))
	require.NoError(t, err)
	require.NoError(t, repo.Save(ctx, got))
	again, err := repo.Get(ctx, g.ID())
	require.NoError(t, err)
	assert.Equal(t, "Morosos 60+", again.Name())
	assert.True(t, again.UpdatedAt().Equal(now.Add(time.Hour)))

	require.NoError(t, repo.Delete(ctx, g.ID()))
	_, err = repo.Get(ctx, g.ID())
	assert.ErrorIs(t, err, group.ErrNotFound)
	assert.ErrorIs(t, repo.Delete(ctx, g.ID()), group.ErrNotFound)
}

func TestGroupRepository_Members(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewGroupRepository(db)
	customers := postgres.NewCustomerRepository(db)
	ctx := t.Context()

	a, b, c := newCustomer(t, "C-1"), newCustomer(t, "C-2"), newCustomer(t, "C-3")
	require.NoError(t, customers.Save(ctx, a, b, c))
	vip, mora := newGroup(t, "VIP"), newGroup(t, "Mora")
	require.NoError(t, repo.Save(ctx, vip))
	require.NoError(t, repo.Save(ctx, mora))

	n, err := repo.AddMembers(ctx, vip.ID(), []uuid.UUID{a.ID(), b.ID(), uuid.New()})
	require.NoError(t, err)
	assert.Equal(t, 2, n, "an unknown customer is passed over")
	n, err = repo.AddMembers(ctx, vip.ID(), []uuid.UUID{a.ID(), b.ID(), c.ID()})
	require.NoError(t, err)
	assert.Equal(t, 1, n, "adding members again adds only the new one")
	_, err = repo.AddMembers(ctx, mora.ID(), []uuid.UUID{a.ID()})
	require.NoError(t, err)

	list, err := repo.List(ctx)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, "Mora", list[0].Group.Name(), "by name")
	assert.Equal(t, 1, list[0].Members)
	assert.Equal(t, "VIP", list[1].Group.Name())
	assert.Equal(t, 3, list[1].Members)

	page1, err := repo.Members(ctx, vip.ID(), ports.Page{Limit: 2})
	require.NoError(t, err)
	require.Len(t, page1, 2)
	page2, err := repo.Members(ctx, vip.ID(), ports.Page{After: page1[1].ID(), Limit: 2})
	require.NoError(t, err)
	require.Len(t, page2, 1)
	ids, err := repo.MemberIDs(ctx, vip.ID())
	require.NoError(t, err)
	assert.ElementsMatch(t, []uuid.UUID{a.ID(), b.ID(), c.ID()}, ids)

	ofA, err := repo.OfCustomer(ctx, a.ID())
	require.NoError(t, err)
	require.Len(t, ofA, 2)
	assert.Equal(t, "Mora", ofA[0].Name())

	n, err = repo.RemoveMembers(ctx, vip.ID(), []uuid.UUID{a.ID(), a.ID(), uuid.New()})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	ids, err = repo.MemberIDs(ctx, vip.ID())
	require.NoError(t, err)
	assert.ElementsMatch(t, []uuid.UUID{b.ID(), c.ID()}, ids)

	// Deleting a group deletes its memberships, not the customers.
	require.NoError(t, repo.Delete(ctx, mora.ID()))
	ofA, err = repo.OfCustomer(ctx, a.ID())
	require.NoError(t, err)
	assert.Empty(t, ofA)
	_, err = customers.Get(ctx, a.ID())
	require.NoError(t, err)

	_, err = repo.AddMembers(ctx, mora.ID(), []uuid.UUID{a.ID()})
	assert.ErrorIs(t, err, group.ErrNotFound)
	_, err = repo.Members(ctx, mora.ID(), ports.Page{})
	assert.ErrorIs(t, err, group.ErrNotFound)
}

func TestGroupRepository_EnsureConcurrently(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewGroupRepository(db)
	uow := postgres.NewUnitOfWork(db)
	ctx := t.Context()
	existing := newGroup(t, "Mayoristas")
	require.NoError(t, repo.Save(ctx, existing))

	// Two imports naming the same new groups at once agree on one group each.
	var wg sync.WaitGroup
	results := make([]map[string]*group.Group, 4)
	errs := make([]error, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
				var err error
				results[i], err = tx.Groups().Ensure(ctx, newGroup(t, "mayoristas"), newGroup(t, "Varejo"), newGroup(t, "Morosos 30+"))
				return err
			})
		}()
	}
	wg.Wait()
	for i := range results {
		require.NoError(t, errs[i])
		assert.Equal(t, existing.ID(), results[i]["mayoristas"].ID(), "an existing name is reused whatever its case")
		assert.Equal(t, "Mayoristas", results[i]["mayoristas"].Name())
		assert.Equal(t, results[0]["varejo"].ID(), results[i]["varejo"].ID())
		assert.Equal(t, results[0]["morosos 30+"].ID(), results[i]["morosos 30+"].ID())
	}
	list, err := repo.List(ctx)
	require.NoError(t, err)
	assert.Len(t, list, 3)
}

func TestGroupRepository_MembersOfUnknownCustomerFK(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := t.Context()
	c := newCustomer(t, "C-9")
	require.NoError(t, postgres.NewCustomerRepository(db).Save(ctx, c))
	// The schema refuses a membership of a customer that does not exist.
	err := db.Exec("INSERT INTO group_members (group_id, customer_id, added_at) SELECT id, ?, now() FROM groups", uuid.New()).Error
	require.NoError(t, err, "no groups: nothing inserted")
	g := newGroup(t, "X")
	require.NoError(t, postgres.NewGroupRepository(db).Save(ctx, g))
	err = db.Exec("INSERT INTO group_members (group_id, customer_id, added_at) VALUES (?, ?, now())", g.ID(), uuid.New()).Error
	require.Error(t, err)
	assert.False(t, errors.Is(err, customer.ErrNotFound))
}
