package secretbox_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/secretbox"
)

const (
	key      = "k7Yt3rQ9vX2mB6nP8sL4wZ1cF5hJ0dGa" // 32 characters
	otherKey = "k7Yt3rQ9vX2mB6nP8sL4wZ1cF5hJ0dGb"
)

func newBox(t testing.TB, key string) *secretbox.Box {
	t.Helper()
	b, err := secretbox.New(key)
	require.NoError(t, err)
	return b
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	box := newBox(t, key)
	for name, plain := range map[string][]byte{
		"api key": []byte("sk-proj-abc123DEF456ghi789"),
		"empty":   {},
		"binary":  {0, 1, 2, 0xff, 0xfe},
		"long":    bytes.Repeat([]byte("ñ"), 10_000),
	} {
		sealed, err := box.Seal(plain)
		require.NoError(t, err, name)
		assert.Len(t, sealed, 1+12+len(plain)+16, "%s: version, nonce, ciphertext, tag", name)
		assert.Equal(t, byte(1), sealed[0], "%s: version", name)
		if len(plain) >= 8 {
			assert.False(t, bytes.Contains(sealed, plain[:8]), "%s: the plain text shows", name)
		}

		got, err := box.Open(sealed)
		require.NoError(t, err, name)
		assert.True(t, bytes.Equal(plain, got), "%s: want %q, got %q", name, plain, got)

		// Another box made from the same key opens it: the key is all there is.
		got, err = newBox(t, key).Open(sealed)
		require.NoError(t, err, name)
		assert.True(t, bytes.Equal(plain, got), name)
	}

	// A fresh nonce each time: the same secret seals differently.
	a, err := box.Seal([]byte("sk-same"))
	require.NoError(t, err)
	b, err := box.Seal([]byte("sk-same"))
	require.NoError(t, err)
	assert.NotEqual(t, a, b)
}

func TestOpen_Tampered(t *testing.T) {
	t.Parallel()
	box := newBox(t, key)
	sealed, err := box.Seal([]byte("sk-proj-abc123"))
	require.NoError(t, err)

	// Every single bit flipped, in the version, the nonce, the ciphertext
	// and the tag, is refused.
	for i := range sealed {
		for bit := range 8 {
			altered := bytes.Clone(sealed)
			altered[i] ^= 1 << bit
			_, err := box.Open(altered)
			require.ErrorIs(t, err, secretbox.ErrCannotOpen, "byte %d bit %d", i, bit)
		}
	}
	for name, altered := range map[string][]byte{
		"nil":             nil,
		"empty":           {},
		"version only":    sealed[:1],
		"no tag":          sealed[:1+12],
		"truncated":       sealed[:len(sealed)-1],
		"extended":        append(bytes.Clone(sealed), 0),
		"unknown version": append([]byte{2}, sealed[1:]...),
	} {
		_, err := box.Open(altered)
		assert.ErrorIs(t, err, secretbox.ErrCannotOpen, name)
	}
	_, err = box.Open(sealed)
	require.NoError(t, err, "the original still opens")
}

func TestOpen_WrongKey(t *testing.T) {
	t.Parallel()
	sealed, err := newBox(t, key).Seal([]byte("sk-proj-abc123"))
	require.NoError(t, err)
	_, err = newBox(t, otherKey).Open(sealed)
	require.ErrorIs(t, err, secretbox.ErrCannotOpen)
	assert.Contains(t, err.Error(), "SALDO_SECRET_KEY", "the message says what to check")
	assert.NotContains(t, err.Error(), "sk-proj", "the message does not show the secret")
}

func TestNew_ShortKey(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"", "short", strings.Repeat("x", 31)} {
		box, err := secretbox.New(k)
		assert.Nil(t, box, "%q", k)
		assert.True(t, errors.Is(err, secretbox.ErrKeyTooShort), "%q: got %v", k, err)
	}
	_, err := secretbox.New(strings.Repeat("x", 32))
	assert.NoError(t, err, "32 characters are enough")
}
