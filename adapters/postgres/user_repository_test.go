package postgres_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/user"
)

func assertUserEqual(t testing.TB, want, got *user.User) {
	t.Helper()
	assert.Equal(t, want.ID(), got.ID(), "id")
	assert.Equal(t, want.Email(), got.Email(), "email")
	assert.Equal(t, want.Name(), got.Name(), "name")
	assert.Equal(t, want.Role(), got.Role(), "role")
	assert.Equal(t, want.PasswordHash(), got.PasswordHash(), "password hash")
	assert.Equal(t, want.Language(), got.Language(), "language")
	assert.Equal(t, want.FailedLogins(), got.FailedLogins(), "failed logins")
	assertTime(t, want.LockedUntil(), got.LockedUntil(), "locked until")
	assertTime(t, want.LastLoginAt(), got.LastLoginAt(), "last login")
	assertTime(t, want.CreatedAt(), got.CreatedAt(), "created at")
	assertTime(t, want.UpdatedAt(), got.UpdatedAt(), "updated at")
}

func TestUserRepository(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewUserRepository(db)
	ctx := t.Context()

	u, err := user.New(newV7(), "Olivia.Duena@Saldo.Demo", "Olivia Dueña", user.Owner, "pt", "$2a$04$hash", now)
	require.NoError(t, err)
	require.NoError(t, repo.Create(ctx, u))

	got, err := repo.Get(ctx, u.ID())
	require.NoError(t, err)
	assertUserEqual(t, u, got)
	assert.Equal(t, 1, count(t, db, "SELECT count(*) FROM users WHERE locked_until IS NULL AND last_login_at IS NULL"),
		"the zero times are NULL")

	// By email, in any case.
	for _, email := range []string{"olivia.duena@saldo.demo", " OLIVIA.Duena@saldo.demo "} {
		got, err = repo.ByEmail(ctx, email)
		require.NoError(t, err, email)
		assert.Equal(t, u.ID(), got.ID(), email)
	}

	// Not found.
	_, err = repo.Get(ctx, uuid.New())
	assert.True(t, errors.Is(err, user.ErrNotFound), "got %v", err)
	_, err = repo.ByEmail(ctx, "nobody@saldo.demo")
	assert.True(t, errors.Is(err, user.ErrNotFound), "got %v", err)
	_, err = repo.ByEmail(ctx, "")
	assert.True(t, errors.Is(err, user.ErrNotFound), "got %v", err)
	assert.True(t, errors.Is(repo.Save(ctx, newUser(t, "Ghost", user.Agent)), user.ErrNotFound))

	// The email is taken, whatever its case.
	twin, err := user.New(newV7(), "OLIVIA.DUENA@saldo.demo", "Another Olivia", user.Agent, "", "$2a$04$other", now)
	require.NoError(t, err)
	err = repo.Create(ctx, twin)
	assert.True(t, errors.Is(err, user.ErrEmailTaken), "got %v", err)

	// Every mutable field is saved.
	later := now.Add(time.Hour)
	for range 6 {
		u.LoginFailed(later)
	}
	require.NoError(t, u.SetLanguage("en", later))
	u.SetPasswordHash("$2a$04$new-hash", later)
	require.NoError(t, repo.Save(ctx, u))
	got, err = repo.Get(ctx, u.ID())
	require.NoError(t, err)
	assertUserEqual(t, u, got)
	assert.Equal(t, 6, got.FailedLogins())
	assert.Equal(t, customer.English, got.Language())
	assert.True(t, got.LockedUntil().Equal(later.Add(time.Minute)))

	u.LoginSucceeded(later.Add(time.Hour))
	require.NoError(t, repo.Save(ctx, u))
	got, err = repo.Get(ctx, u.ID())
	require.NoError(t, err)
	assertUserEqual(t, u, got)
	assert.True(t, got.LockedUntil().IsZero())
	assert.True(t, got.LastLoginAt().Equal(later.Add(time.Hour)))
}

func TestUserRepository_List(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewUserRepository(db)
	ctx := t.Context()

	got, err := repo.List(ctx)
	require.NoError(t, err)
	assert.Empty(t, got)

	for _, name := range []string{"Marcos Gerente", "Ana Agente", "Olivia Dueña", "Diego Cobros"} {
		require.NoError(t, repo.Create(ctx, newUser(t, name, user.Agent)))
	}
	got, err = repo.List(ctx)
	require.NoError(t, err)
	names := make([]string, 0, len(got))
	for _, u := range got {
		names = append(names, u.Name())
	}
	assert.Equal(t, []string{"Ana Agente", "Diego Cobros", "Marcos Gerente", "Olivia Dueña"}, names)
}

func TestUserRepository_CorruptRow(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewUserRepository(db)
	ctx := t.Context()
	u := newUser(t, "Ana", user.Agent)
	require.NoError(t, repo.Create(ctx, u))
	require.NoError(t, db.Exec("UPDATE users SET password_hash = '' WHERE id = ?", u.ID()).Error)

	_, err := repo.Get(ctx, u.ID())
	require.Error(t, err)
	assert.False(t, errors.Is(err, user.ErrInvalidPasswordHash), "a stored row's fault is not the caller's: %v", err)
	assert.Contains(t, err.Error(), "does not load")
}

// TestUserRepository_DeleteUnassigns checks the schema: a user removed
// leaves their conversations unassigned and their sessions gone.
func TestUserRepository_DeleteUnassigns(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := t.Context()
	agent := saveAgent(t, db)
	c := startConversation(t, saveNumber(t, db, "1001").ID, "573001234567")
	c.Assign(newV7(), agent, agent, now)
	conversations := postgres.NewConversationRepository(db)
	require.NoError(t, conversations.Save(ctx, c))
	s, _, err := user.NewSession(agent, now, time.Hour)
	require.NoError(t, err)
	require.NoError(t, postgres.NewSessionRepository(db).Create(ctx, s))

	// An assignee that is no user is refused.
	other := startConversation(t, saveNumber(t, db, "1002").ID, "573001234567")
	other.Assign(newV7(), uuid.New(), agent, now)
	assert.Error(t, conversations.Save(ctx, other))

	require.NoError(t, db.Exec("DELETE FROM users WHERE id = ?", agent).Error)
	got, err := conversations.Get(ctx, c.ID())
	require.NoError(t, err)
	assert.Equal(t, uuid.Nil, got.AssigneeID())
	assert.Equal(t, 0, count(t, db, "SELECT count(*) FROM sessions"))
}
