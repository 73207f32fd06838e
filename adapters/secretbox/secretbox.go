// Package secretbox implements ports.SecretBox: secrets (an OpenAI API key)
// sealed with AES-256-GCM under a key derived from SALDO_SECRET_KEY, so that
// a copy of the database alone does not reveal them.
//
// A sealed secret is one version byte, a random 12-byte nonce and the
// ciphertext with its 16-byte tag. The version byte is authenticated too,
// and leaves room for another scheme (a real KDF, key rotation) later.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/saldocrm/saldo/ports"
)

// MinKeyLength is the shortest SALDO_SECRET_KEY accepted, in bytes. The
// key is hashed, not stretched: it must be random, not a password
// (openssl rand -base64 32 makes one).
const MinKeyLength = 32

// version1 marks AES-256-GCM under SHA-256(SALDO_SECRET_KEY).
const version1 byte = 1

// Errors returned by New and Open.
var (
	ErrKeyTooShort = fmt.Errorf("secretbox: SALDO_SECRET_KEY must be at least %d characters of random text", MinKeyLength)
	ErrCannotOpen  = errors.New("secretbox: cannot open the sealed secret: it was altered, or sealed with another SALDO_SECRET_KEY")
)

// Box seals and opens secrets under one key. It is safe for concurrent use.
type Box struct {
	aead cipher.AEAD
}

var _ ports.SecretBox = (*Box)(nil)

// New returns a Box whose 256-bit key is the SHA-256 of key
// (SALDO_SECRET_KEY). A key shorter than MinKeyLength is ErrKeyTooShort.
func New(key string) (*Box, error) {
	if len(key) < MinKeyLength {
		return nil, ErrKeyTooShort
	}
	k := sha256.Sum256([]byte(key))
	block, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts and authenticates plain under a fresh random nonce: sealing
// the same secret twice gives two different results.
func (b *Box) Seal(plain []byte) ([]byte, error) {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("secretbox: nonce: %w", err)
	}
	out := make([]byte, 0, 1+len(nonce)+len(plain)+b.aead.Overhead())
	out = append(append(out, version1), nonce...)
	// The version byte is the additional data: changing it fails Open.
	return b.aead.Seal(out, nonce, plain, []byte{version1}), nil
}

// Open decrypts what Seal made under the same key. Anything else (altered,
// truncated, of an unknown version, or sealed under another key) is
// ErrCannotOpen.
func (b *Box) Open(sealed []byte) ([]byte, error) {
	header := 1 + b.aead.NonceSize()
	if len(sealed) < header+b.aead.Overhead() {
		return nil, fmt.Errorf("%w (%d bytes is too short)", ErrCannotOpen, len(sealed))
	}
	if sealed[0] != version1 {
		return nil, fmt.Errorf("%w (unknown version %d)", ErrCannotOpen, sealed[0])
	}
	plain, err := b.aead.Open(nil, sealed[1:header], sealed[header:], []byte{version1})
	if err != nil {
		// GCM says no more than "message authentication failed", on purpose.
		return nil, ErrCannotOpen
	}
	return plain, nil
}
