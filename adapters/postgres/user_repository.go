package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/saldocrm/saldo/domain/user"
	"github.com/saldocrm/saldo/ports"
)

// UserRepository stores the console's users in the users table.
type UserRepository struct {
	db *gorm.DB
}

var _ ports.UserRepository = (*UserRepository)(nil)

// NewUserRepository returns a UserRepository over db.
func NewUserRepository(db *gorm.DB) *UserRepository {
	return &UserRepository{db: db}
}

type userRow struct {
	ID           uuid.UUID  `gorm:"column:id;primaryKey"`
	Email        string     `gorm:"column:email"`
	Name         string     `gorm:"column:name"`
	Role         string     `gorm:"column:role"`
	PasswordHash string     `gorm:"column:password_hash"`
	Language     string     `gorm:"column:language"`
	FailedLogins int        `gorm:"column:failed_logins"`
	LockedUntil  *time.Time `gorm:"column:locked_until"`
	LastLoginAt  *time.Time `gorm:"column:last_login_at"`
	CreatedAt    time.Time  `gorm:"column:created_at;autoCreateTime:false"`
	UpdatedAt    time.Time  `gorm:"column:updated_at;autoUpdateTime:false"`
}

func (userRow) TableName() string { return "users" }

func toUserRow(u *user.User) userRow {
	return userRow{
		ID: u.ID(), Email: u.Email(), Name: u.Name(), Role: string(u.Role()), PasswordHash: u.PasswordHash(),
		Language: string(u.Language()), FailedLogins: u.FailedLogins(),
		LockedUntil: nullTime(u.LockedUntil()), LastLoginAt: nullTime(u.LastLoginAt()),
		CreatedAt: timestamp(u.CreatedAt()), UpdatedAt: timestamp(u.UpdatedAt()),
	}
}

func (r userRow) toDomain() (*user.User, error) {
	u, err := user.UnmarshalFromDatabase(r.ID, r.Email, r.Name, r.Role, r.Language, r.PasswordHash,
		r.FailedLogins, timeOf(r.LockedUntil), timeOf(r.LastLoginAt), r.CreatedAt.UTC(), r.UpdatedAt.UTC())
	if err != nil {
		return nil, errCorrupt("user", r.ID, err)
	}
	return u, nil
}

// Create stores a new user. The users table has two unique keys, the id
// and the email; ids are fresh UUIDv7s, so a duplicate is the email:
// user.ErrEmailTaken.
func (r *UserRepository) Create(ctx context.Context, u *user.User) error {
	row := toUserRow(u)
	err := r.db.WithContext(ctx).Create(&row).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return user.ErrEmailTaken.New(u.Email())
	}
	if err != nil {
		return fmt.Errorf("create user %s: %w", u.ID(), err)
	}
	return nil
}

// Get returns the user with id id, or user.ErrNotFound.
func (r *UserRepository) Get(ctx context.Context, id uuid.UUID) (*user.User, error) {
	return takeUser(r.db.WithContext(ctx).Where("id = ?", id), id.String())
}

// ByEmail returns the user who signs in with email, in any case, or
// user.ErrNotFound.
func (r *UserRepository) ByEmail(ctx context.Context, email string) (*user.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	return takeUser(r.db.WithContext(ctx).Where("email = ?", email), email)
}

func takeUser(q *gorm.DB, what string) (*user.User, error) {
	var row userRow
	err := q.Take(&row).Error
	if notFound(err) {
		return nil, user.ErrNotFound.New(what)
	}
	if err != nil {
		return nil, fmt.Errorf("get user %s: %w", what, err)
	}
	return row.toDomain()
}

// Save updates every column of a stored user but its id and creation time;
// a user that is not stored is user.ErrNotFound.
func (r *UserRepository) Save(ctx context.Context, u *user.User) error {
	row := toUserRow(u)
	res := r.db.WithContext(ctx).Model(&userRow{}).Where("id = ?", row.ID).Updates(map[string]any{
		"email": row.Email, "name": row.Name, "role": row.Role, "password_hash": row.PasswordHash,
		"language": row.Language, "failed_logins": row.FailedLogins, "locked_until": row.LockedUntil,
		"last_login_at": row.LastLoginAt, "updated_at": row.UpdatedAt,
	})
	if errors.Is(res.Error, gorm.ErrDuplicatedKey) {
		return user.ErrEmailTaken.New(u.Email())
	}
	if res.Error != nil {
		return fmt.Errorf("save user %s: %w", u.ID(), res.Error)
	}
	if res.RowsAffected == 0 {
		return user.ErrNotFound.New(u.ID())
	}
	return nil
}

// Update implements ports.UserRepository: SELECT … FOR UPDATE, fn, save, in
// one transaction.
func (r *UserRepository) Update(ctx context.Context, id uuid.UUID, fn func(*user.User) error) (*user.User, error) {
	var out *user.User
	err := r.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		u, err := takeUser(tx.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).Where("id = ?", id), id.String())
		if err != nil {
			return err
		}
		if err := fn(u); err != nil {
			return err
		}
		out = u
		return (&UserRepository{db: tx}).Save(ctx, u)
	})
	return out, err
}

// List returns every user by name (then id, for a stable order).
func (r *UserRepository) List(ctx context.Context) ([]*user.User, error) {
	var rows []userRow
	if err := r.db.WithContext(ctx).Order("name, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return toDomain(rows)
}
