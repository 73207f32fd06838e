package application

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/saldocrm/saldo/domain/user"
	"github.com/saldocrm/saldo/ports"
)

// SessionTTL is how long a console session lasts without use; each use
// that finds less than half of it left extends it again (sliding).
const SessionTTL = 12 * time.Hour

// SignInResult is a successful sign-in: the user, their new session and
// the session's token, which only the browser keeps (in a cookie).
type SignInResult struct {
	User    *user.User
	Session user.Session
	Token   string
}

// SignIn checks a user's email and password and opens a session.
type SignIn struct {
	users    ports.UserRepository
	sessions ports.SessionRepository
	hasher   ports.PasswordHasher
	clock    ports.Clock

	dummyOnce sync.Once
	dummy     string // a hash of no one's password, for unknown emails
}

// NewSignIn returns the use case.
func NewSignIn(users ports.UserRepository, sessions ports.SessionRepository, hasher ports.PasswordHasher, clock ports.Clock) *SignIn {
	must(users, sessions, hasher, clock)
	return &SignIn{users: users, sessions: sessions, hasher: hasher, clock: clock}
}

// Handle signs in the user with email and password. A wrong password and an
// unknown email are the same user.ErrBadCredentials, in about the same
// time; repeated failures lock the user out for a while (user.ErrLocked),
// during which the password is not even checked.
func (h *SignIn) Handle(ctx context.Context, email, password string) (SignInResult, error) {
	u, err := h.users.ByEmail(ctx, email)
	if errors.Is(err, user.ErrNotFound) {
		// Verify anyway: answering faster for unknown emails would tell
		// who has an account.
		h.hasher.Verify(h.dummyHash(), password)
		return SignInResult{}, user.ErrBadCredentials
	}
	if err != nil {
		return SignInResult{}, fmt.Errorf("sign in: %w", err)
	}
	now := h.clock.Now()
	if err := u.CheckLogin(now); err != nil {
		return SignInResult{}, err
	}
	// The outcome is recorded on the locked row: parallel guesses each count.
	if !h.hasher.Verify(u.PasswordHash(), password) {
		u, err = h.users.Update(ctx, u.ID(), func(u *user.User) error {
			u.LoginFailed(now)
			return nil
		})
		if err != nil {
			return SignInResult{}, fmt.Errorf("sign in: record the failure: %w", err)
		}
		if err := u.CheckLogin(now); err != nil {
			return SignInResult{}, err // this failure locked the user out
		}
		return SignInResult{}, user.ErrBadCredentials
	}
	u, err = h.users.Update(ctx, u.ID(), func(u *user.User) error {
		if err := u.CheckLogin(now); err != nil {
			return err // locked by failures meanwhile
		}
		u.LoginSucceeded(now)
		return nil
	})
	if err != nil {
		return SignInResult{}, err
	}
	s, token, err := user.NewSession(u.ID(), now, SessionTTL)
	if err != nil {
		return SignInResult{}, fmt.Errorf("sign in %s: %w", u.ID(), err)
	}
	if err := h.sessions.Create(ctx, s); err != nil {
		return SignInResult{}, fmt.Errorf("sign in %s: %w", u.ID(), err)
	}
	return SignInResult{User: u, Session: s, Token: token}, nil
}

// dummyHash returns a hash made once by the hasher itself, so that
// verifying against it costs what verifying a real user's password does
// (whatever the hasher's algorithm and cost).
func (h *SignIn) dummyHash() string {
	h.dummyOnce.Do(func() {
		// The password is fixed and short: hashing it cannot fail, and if
		// it did, the empty hash would only make unknown emails faster.
		h.dummy, _ = h.hasher.Hash("no-one's password: saldo")
	})
	return h.dummy
}
