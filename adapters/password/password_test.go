package password_test

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/saldocrm/saldo/adapters/password"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/user"
)

var fast = password.Bcrypt{Cost: bcrypt.MinCost}

func TestHashAndVerify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		password string
		wrong    []string // passwords that must not verify
	}{
		{"plain", "saldo-demo-2026", []string{"", "saldo-demo-2025", "Saldo-demo-2026", "saldo-demo-2026 "}},
		{"accents", "contraseña-señora-ação", []string{"contrasena-senora-acao"}},
		{"72 bytes", strings.Repeat("x", 72), []string{strings.Repeat("x", 71)}},
		{"72 bytes of 2-byte runes", strings.Repeat("ñ", 36), []string{strings.Repeat("ñ", 35)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, err := fast.Hash(tt.password)
			if err != nil {
				t.Fatalf("Hash: %v", err)
			}
			if h == tt.password || !strings.HasPrefix(h, "$2a$04$") {
				t.Errorf("hash %q: want a bcrypt hash at cost 4", h)
			}
			if !fast.Verify(h, tt.password) {
				t.Error("Verify(hash, password) = false")
			}
			for _, w := range tt.wrong {
				if fast.Verify(h, w) {
					t.Errorf("Verify(hash, %q) = true", w)
				}
			}
			again, err := fast.Hash(tt.password)
			if err != nil || again == h {
				t.Errorf("hashing twice gave the same hash (%v): no salt?", err)
			}
		})
	}
}

func TestHashRefusesOver72Bytes(t *testing.T) {
	t.Parallel()
	for _, pw := range []string{strings.Repeat("x", 73), strings.Repeat("ñ", 37), strings.Repeat("x", 200)} {
		h, err := fast.Hash(pw)
		var de *domain.Error
		if !errors.Is(err, user.ErrPasswordTooLong) || !errors.As(err, &de) || de.Kind() != domain.KindInvalid || h != "" {
			t.Errorf("Hash(%d bytes) = %q, %v; want password_too_long", len(pw), h, err)
		}
	}
	// A longer password sharing a stored one's first 72 bytes does not match it.
	h, err := fast.Hash(strings.Repeat("x", 72))
	if err != nil {
		t.Fatal(err)
	}
	if fast.Verify(h, strings.Repeat("x", 73)) {
		t.Error("Verify accepted a 73-byte password for a 72-byte one")
	}
}

func TestVerifyRejectsGarbage(t *testing.T) {
	t.Parallel()
	for _, h := range []string{"", "saldo-demo-2026", "$2a$04$short", "$2a$99$" + strings.Repeat("a", 53)} {
		if fast.Verify(h, "saldo-demo-2026") {
			t.Errorf("Verify(%q) = true", h)
		}
	}
}

func TestDefaultCost(t *testing.T) {
	t.Parallel()
	h, err := password.Bcrypt{}.Hash("saldo-demo-2026")
	if err != nil {
		t.Fatal(err)
	}
	if cost, err := bcrypt.Cost([]byte(h)); err != nil || cost != bcrypt.DefaultCost {
		t.Errorf("cost = %d, %v; want %d", cost, err, bcrypt.DefaultCost)
	}
	if _, err := (password.Bcrypt{Cost: bcrypt.MaxCost + 1}).Hash("saldo-demo-2026"); err == nil {
		t.Error("a cost over bcrypt's maximum was accepted")
	}
}
