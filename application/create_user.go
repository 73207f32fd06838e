package application

import (
	"context"
	"crypto/rand"
	"fmt"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/user"
	"github.com/saldocrm/saldo/ports"
)

// generatedPasswordLength is the length of the passwords CreateUser makes
// up: 16 letters and digits are about 95 bits.
const generatedPasswordLength = 16

// CreateUser adds a user to the console.
type CreateUser struct {
	users  ports.UserRepository
	hasher ports.PasswordHasher
	clock  ports.Clock
}

// NewCreateUser returns the use case.
func NewCreateUser(users ports.UserRepository, hasher ports.PasswordHasher, clock ports.Clock) *CreateUser {
	must(users, hasher, clock)
	return &CreateUser{users: users, hasher: hasher, clock: clock}
}

// Handle creates the user. With an empty password it makes one up and
// returns it as generated, to be shown once; otherwise generated is empty.
// A password shorter than user.MinPasswordLength characters is
// user.ErrPasswordTooShort; an email already taken, user.ErrEmailTaken.
func (h *CreateUser) Handle(ctx context.Context, email, name string, role user.Role, language, password string) (u *user.User, generated string, err error) {
	if password == "" {
		generated = generatePassword(generatedPasswordLength)
		password = generated
	}
	if utf8.RuneCountInString(password) < user.MinPasswordLength {
		return nil, "", user.ErrPasswordTooShort.New(user.MinPasswordLength)
	}
	hash, err := h.hasher.Hash(password)
	if err != nil {
		return nil, "", err
	}
	u, err = user.New(uuid.Must(uuid.NewV7()), email, name, role, language, hash, h.clock.Now())
	if err != nil {
		return nil, "", err
	}
	if err := h.users.Create(ctx, u); err != nil {
		return nil, "", fmt.Errorf("create user %s: %w", u.Email(), err)
	}
	return u, generated, nil
}

// passwordAlphabet is what generated passwords are made of: letters and
// digits, nothing a shell or a form would mangle.
const passwordAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// generatePassword returns n characters drawn uniformly from
// passwordAlphabet with crypto/rand.
func generatePassword(n int) string {
	// Bytes at or above the largest multiple of the alphabet's size are
	// dropped, so that every character is equally likely.
	const limit = 256 - 256%len(passwordAlphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(out) < n {
		_, _ = rand.Read(buf) // never fails (crypto/rand.Read crashes the program rather than erring)
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, passwordAlphabet[int(b)%len(passwordAlphabet)])
			}
		}
	}
	return string(out)
}
