// Package apikey implements the API keys with which ERP systems call Saldo's
// REST API. Only a key's SHA-256 hash is stored: keys are 256-bit random
// secrets, so a slow password hash would add nothing but latency.
package apikey

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
)

// Prefix starts every key, so that leaked keys are easy to recognize and scan for.
const Prefix = "saldo_"

// Errors returned for API keys.
var (
	ErrInvalidName  = domain.Errorf(domain.KindInvalid, "invalid_name", "name is required and must be at most 100 characters")
	ErrInvalidScope = domain.Errorf(domain.KindInvalid, "invalid_scope", "scope %q is not one of read, write")
	ErrUnknownKey   = domain.Errorf(domain.KindUnauthorized, "invalid_api_key", "missing, unknown or revoked API key: send Authorization: Bearer <key>")
	ErrMissingScope = domain.Errorf(domain.KindForbidden, "insufficient_scope", "this API key lacks the %q scope")
)

// Scope is a permission of a key.
type Scope string

// The scopes.
const (
	Read  Scope = "read"
	Write Scope = "write"
)

// ParseScopes reads a comma-separated list such as "read,write"; empty means read.
func ParseScopes(s string) ([]Scope, error) {
	var out []Scope
	for _, p := range strings.Split(s, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "" {
			continue
		}
		sc := Scope(p)
		if sc != Read && sc != Write {
			return nil, ErrInvalidScope.New(p)
		}
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	if len(out) == 0 {
		out = []Scope{Read}
	}
	slices.Sort(out)
	return out, nil
}

// Key is an API key, as stored: never the secret itself.
type Key struct {
	id         uuid.UUID
	name       string
	hash       string
	hint       string
	scopes     []Scope
	createdAt  time.Time
	lastUsedAt *time.Time
	revokedAt  *time.Time
}

// Generate creates a key and returns it with its secret, which is shown once
// and never stored.
func Generate(id uuid.UUID, name string, scopes []Scope, now time.Time) (*Key, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return nil, "", ErrInvalidName
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return nil, "", err
	}
	secret := Prefix + base64.RawURLEncoding.EncodeToString(buf)
	return &Key{
		id: id, name: name, hash: Hash(secret), hint: secret[:len(Prefix)+4],
		scopes: slices.Clone(scopes), createdAt: now,
	}, secret, nil
}

// Hash returns the stored form of a secret.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Allows reports whether the key has scope s; write implies read.
func (k *Key) Allows(s Scope) bool {
	return slices.Contains(k.scopes, s) || (s == Read && slices.Contains(k.scopes, Write))
}

// Active reports whether the key is not revoked.
func (k *Key) Active() bool { return k.revokedAt == nil }

// ID returns the key's id.
func (k *Key) ID() uuid.UUID { return k.id }

// Name returns the key's name (e.g. the ERP it was made for).
func (k *Key) Name() string { return k.name }

// Hash returns the SHA-256 of the secret, hex-encoded.
func (k *Key) Hash() string { return k.hash }

// Hint returns the first characters of the secret, to tell keys apart.
func (k *Key) Hint() string { return k.hint }

// Scopes returns the key's scopes.
func (k *Key) Scopes() []Scope { return slices.Clone(k.scopes) }

// CreatedAt returns when the key was made.
func (k *Key) CreatedAt() time.Time { return k.createdAt }

// LastUsedAt returns when the key was last used, or nil.
func (k *Key) LastUsedAt() *time.Time { return k.lastUsedAt }

// UnmarshalFromDatabase rebuilds a stored key. Only adapters call it.
func UnmarshalFromDatabase(id uuid.UUID, name, hash, hint string, scopes []Scope, createdAt time.Time, lastUsedAt, revokedAt *time.Time) *Key {
	return &Key{id: id, name: name, hash: hash, hint: hint, scopes: scopes, createdAt: createdAt, lastUsedAt: lastUsedAt, revokedAt: revokedAt}
}
