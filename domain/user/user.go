// Package user implements the people who work in Saldo's console (owners,
// managers and collections agents): who they are, what their role lets
// them see and do, how repeated failed sign-ins lock them out for a while,
// and the sessions a sign-in opens.
package user

import (
	"net/mail"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/customer"
)

// Errors returned for users and their sessions.
var (
	ErrInvalidID           = domain.Errorf(domain.KindInvalid, "invalid_id", "a user needs an id")
	ErrInvalidEmail        = domain.Errorf(domain.KindInvalid, "invalid_email", "%q is not an email address")
	ErrInvalidName         = domain.Errorf(domain.KindInvalid, "invalid_name", "name is required and must be at most 255 characters")
	ErrInvalidRole         = domain.Errorf(domain.KindInvalid, "invalid_role", "role %q is not one of owner, manager, agent")
	ErrInvalidPasswordHash = domain.Errorf(domain.KindInvalid, "invalid_password_hash", "a user needs a password hash")
	ErrPasswordTooShort    = domain.Errorf(domain.KindInvalid, "password_too_short", "the password must be at least %d characters")
	ErrPasswordTooLong     = domain.Errorf(domain.KindInvalid, "password_too_long", "the password must be at most %d bytes")
	ErrNotFound            = domain.Errorf(domain.KindNotFound, "user_not_found", "user %s not found")
	ErrEmailTaken          = domain.Errorf(domain.KindConflict, "email_taken", "a user with email %s already exists")
	// ErrBadCredentials says the same whether the email exists or not, so
	// that signing in does not tell who has an account.
	ErrBadCredentials = domain.Errorf(domain.KindUnauthorized, "invalid_credentials", "email or password is wrong")
	ErrLocked         = domain.Errorf(domain.KindForbidden, "account_locked", "too many failed sign-ins: try again in %s")
	ErrSessionExpired = domain.Errorf(domain.KindUnauthorized, "session_expired", "your session has expired: sign in again")
)

// MinPasswordLength is the fewest characters a password may have.
const MinPasswordLength = 8

// Sign-in throttling: from the lockAfter-th consecutive failure on, the user
// is locked for firstLock, doubled at every further failure, at most maxLock.
const (
	lockAfter = 5
	firstLock = 30 * time.Second
	maxLock   = 15 * time.Minute
)

// Role is what a user may do in the console.
type Role string

// The roles, from the most to the least powerful.
const (
	Owner   Role = "owner"   // everything, including the team and settings
	Manager Role = "manager" // every conversation, assignments and reports
	Agent   Role = "agent"   // the unassigned conversations and their own
)

// Roles returns every role, the most powerful first.
func Roles() []Role { return []Role{Owner, Manager, Agent} }

// ParseRole reads "owner", "manager" or "agent", in any case.
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.ToLower(strings.TrimSpace(s))); r {
	case Owner, Manager, Agent:
		return r, nil
	}
	return "", ErrInvalidRole.New(s)
}

// User is a person who signs in to the console.
type User struct {
	id           uuid.UUID
	email        string
	name         string
	role         Role
	passwordHash string
	language     customer.Language
	failedLogins int
	lockedUntil  time.Time
	lastLoginAt  time.Time
	createdAt    time.Time
	updatedAt    time.Time
}

// New creates a user. The email is stored lower case; an empty language is
// Spanish. Every problem is reported at once, one detail each.
func New(id uuid.UUID, email, name string, role Role, language, passwordHash string, now time.Time) (*User, error) {
	u, err := build(id, email, name, string(role), language, passwordHash)
	if err != nil {
		return nil, err
	}
	u.createdAt, u.updatedAt = now, now
	return u, nil
}

// build checks and normalizes what New and UnmarshalFromDatabase share.
func build(id uuid.UUID, email, name, role, language, passwordHash string) (*User, error) {
	var problems []string
	add := func(err error) { problems = append(problems, err.Error()) }
	u := &User{id: id, passwordHash: passwordHash}

	if id == uuid.Nil {
		add(ErrInvalidID)
	}
	u.email = strings.ToLower(strings.TrimSpace(email))
	if !validEmail(strings.TrimSpace(email)) {
		add(ErrInvalidEmail.New(email))
	}
	u.name = strings.TrimSpace(name)
	if u.name == "" || len(u.name) > 255 {
		add(ErrInvalidName)
	}
	r, err := ParseRole(role)
	if err != nil {
		add(err)
	}
	u.role = r
	lang, err := customer.ParseLanguage(language)
	if err != nil {
		add(err)
	}
	u.language = lang
	if passwordHash == "" {
		add(ErrInvalidPasswordHash)
	}

	if len(problems) > 0 {
		return nil, domain.Invalid("invalid_user", "%s", strings.Join(problems, "; ")).WithDetails(problems...)
	}
	return u, nil
}

// validEmail accepts a bare address, as customer emails are checked: no
// display name, no angle brackets, at most 254 bytes.
func validEmail(e string) bool {
	if e == "" || len(e) > 254 {
		return false
	}
	a, err := mail.ParseAddress(e)
	return err == nil && a.Address == e
}

// CheckLogin returns ErrLocked, saying how long to wait, while repeated
// failed sign-ins keep the user locked out.
func (u *User) CheckLogin(now time.Time) error {
	if !now.Before(u.lockedUntil) {
		return nil
	}
	// Whole seconds, rounded up: "try again in 0s" would be wrong.
	wait := u.lockedUntil.Sub(now)
	wait = (wait + time.Second - 1).Truncate(time.Second)
	return ErrLocked.New(wait)
}

// LoginFailed records a sign-in with a wrong password. From the fifth
// consecutive failure on, the user is locked out for 30 seconds, doubled at
// every further failure, at most 15 minutes.
func (u *User) LoginFailed(now time.Time) {
	u.failedLogins++
	if d := lockout(u.failedLogins); d > 0 {
		u.lockedUntil = now.Add(d)
	}
	u.updatedAt = now
}

// lockout returns how long the failures-th consecutive failure locks the
// user out: nothing before lockAfter.
func lockout(failures int) time.Duration {
	if failures < lockAfter {
		return 0
	}
	d := firstLock
	for i := lockAfter; i < failures && d < maxLock; i++ {
		d *= 2
	}
	return min(d, maxLock)
}

// LoginSucceeded records a successful sign-in: the failures are forgotten.
func (u *User) LoginSucceeded(now time.Time) {
	u.failedLogins = 0
	u.lockedUntil = time.Time{}
	u.lastLoginAt = now
	u.updatedAt = now
}

// SetLanguage changes the language the console speaks to the user.
func (u *User) SetLanguage(lang string, now time.Time) error {
	l, err := customer.ParseLanguage(lang)
	if err != nil {
		return err
	}
	if l != u.language {
		u.language = l
		u.updatedAt = now
	}
	return nil
}

// SetPasswordHash replaces the user's password (its hash).
func (u *User) SetPasswordHash(hash string, now time.Time) {
	u.passwordHash = hash
	u.updatedAt = now
}

// CanSeeConversation reports whether the user may open a conversation
// assigned to assignee (uuid.Nil: unassigned). Owners and managers see
// every conversation; an agent, the unassigned ones and their own.
func (u *User) CanSeeConversation(assignee uuid.UUID) bool {
	switch u.role {
	case Owner, Manager:
		return true
	case Agent:
		return assignee == uuid.Nil || assignee == u.id
	}
	return false
}

// CanManageTeam reports whether the user may add users and change roles:
// owners only.
func (u *User) CanManageTeam() bool { return u.role == Owner }

// CanSeeReports reports whether the user may see the team's performance
// and the collection reports: owners and managers.
func (u *User) CanSeeReports() bool { return u.role == Owner || u.role == Manager }

// CanAssignOthers reports whether the user may assign a conversation to
// someone else: owners and managers. An agent may only take a
// conversation for themself.
func (u *User) CanAssignOthers() bool { return u.role == Owner || u.role == Manager }

// ID returns the user's id.
func (u *User) ID() uuid.UUID { return u.id }

// Email returns the email the user signs in with, lower case.
func (u *User) Email() string { return u.email }

// Name returns the user's name.
func (u *User) Name() string { return u.name }

// Role returns the user's role.
func (u *User) Role() Role { return u.role }

// PasswordHash returns the hash of the user's password.
func (u *User) PasswordHash() string { return u.passwordHash }

// Language returns the language the console speaks to the user.
func (u *User) Language() customer.Language { return u.language }

// FailedLogins returns the number of consecutive failed sign-ins.
func (u *User) FailedLogins() int { return u.failedLogins }

// LockedUntil returns until when sign-ins are refused (zero: never locked).
func (u *User) LockedUntil() time.Time { return u.lockedUntil }

// LastLoginAt returns when the user last signed in (zero: never).
func (u *User) LastLoginAt() time.Time { return u.lastLoginAt }

// CreatedAt returns when the user was created.
func (u *User) CreatedAt() time.Time { return u.createdAt }

// UpdatedAt returns when the user last changed.
func (u *User) UpdatedAt() time.Time { return u.updatedAt }

// UnmarshalFromDatabase rebuilds a stored user. Only adapters call it.
func UnmarshalFromDatabase(
	id uuid.UUID, email, name, role, language, passwordHash string,
	failedLogins int, lockedUntil, lastLoginAt, createdAt, updatedAt time.Time,
) (*User, error) {
	u, err := build(id, email, name, role, language, passwordHash)
	if err != nil {
		return nil, err
	}
	u.failedLogins, u.lockedUntil, u.lastLoginAt = failedLogins, lockedUntil, lastLoginAt
	u.createdAt, u.updatedAt = createdAt, updatedAt
	return u, nil
}
