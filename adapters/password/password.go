// Package password implements ports.PasswordHasher with bcrypt.
package password

import (
	"fmt"

	"golang.org/x/crypto/bcrypt"

	"github.com/saldocrm/saldo/domain/user"
	"github.com/saldocrm/saldo/ports"
)

// maxBytes is the longest password bcrypt reads. Longer ones are refused
// rather than cut: two passwords sharing their first 72 bytes would
// otherwise be the same password.
const maxBytes = 72

// Bcrypt hashes passwords with bcrypt at Cost (bcrypt.DefaultCost when zero;
// tests use bcrypt.MinCost to run fast).
type Bcrypt struct {
	Cost int
}

var _ ports.PasswordHasher = Bcrypt{}

// Hash returns the bcrypt hash of password, salted. A password over 72
// bytes is user.ErrPasswordTooLong.
func (b Bcrypt) Hash(password string) (string, error) {
	if len(password) > maxBytes {
		return "", user.ErrPasswordTooLong.New(maxBytes)
	}
	cost := b.Cost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// Verify reports whether password is the one hash was made from. A hash
// that is not bcrypt's, or a password Hash would refuse, never matches.
func (b Bcrypt) Verify(hash, password string) bool {
	if len(password) > maxBytes {
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}
