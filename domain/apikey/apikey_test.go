package apikey_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/apikey"
)

var (
	t0    = time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)
	keyID = uuid.MustParse("3c2b1a09-8f7e-4d6c-b5a4-93827161f5e4")
)

func TestParseScopes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []apikey.Scope
		wantErr string // the scope named in the error
	}{
		{"", []apikey.Scope{apikey.Read}, ""},
		{" , ,", []apikey.Scope{apikey.Read}, ""},
		{"read", []apikey.Scope{apikey.Read}, ""},
		{"write", []apikey.Scope{apikey.Write}, ""},
		{"read,write", []apikey.Scope{apikey.Read, apikey.Write}, ""},
		{"WRITE, Read", []apikey.Scope{apikey.Read, apikey.Write}, ""},
		{"write,write,read,read", []apikey.Scope{apikey.Read, apikey.Write}, ""},
		{"admin", nil, "admin"},
		{"read,Delete", nil, "delete"},
		{"read write", nil, "read write"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := apikey.ParseScopes(tt.in)
			if tt.wantErr != "" {
				var de *domain.Error
				if !errors.As(err, &de) || de.Code() != "invalid_scope" || de.Kind() != domain.KindInvalid {
					t.Fatalf("ParseScopes(%q) = %v, %v; want invalid_scope", tt.in, got, err)
				}
				if !strings.Contains(de.Error(), `"`+tt.wantErr+`"`) {
					t.Errorf("message %q does not name %q", de, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("ParseScopes(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestGenerate(t *testing.T) {
	t.Parallel()
	scopes := []apikey.Scope{apikey.Read, apikey.Write}
	k, secret, err := apikey.Generate(keyID, "  SAP Business One  ", scopes, t0)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if !strings.HasPrefix(secret, apikey.Prefix) || len(secret) < len(apikey.Prefix)+40 {
		t.Errorf("secret %q lacks the %q prefix or is short", secret, apikey.Prefix)
	}
	if k.Hash() != apikey.Hash(secret) {
		t.Errorf("stored hash %q != Hash(secret) %q", k.Hash(), apikey.Hash(secret))
	}
	if strings.Contains(k.Hash(), secret) || k.Hash() == secret {
		t.Errorf("the stored hash holds the secret")
	}
	if !strings.HasPrefix(secret, k.Hint()) || len(k.Hint()) <= len(apikey.Prefix) || len(k.Hint()) >= len(secret)/2 {
		t.Errorf("hint %q is not a short prefix of the secret", k.Hint())
	}
	if k.ID() != keyID || k.Name() != "SAP Business One" || !k.CreatedAt().Equal(t0) || k.LastUsedAt() != nil || !k.Active() {
		t.Errorf("key fields: %v %q %v %v %v", k.ID(), k.Name(), k.CreatedAt(), k.LastUsedAt(), k.Active())
	}
	scopes[0] = "tampered"
	if got := k.Scopes(); !slices.Equal(got, []apikey.Scope{apikey.Read, apikey.Write}) {
		t.Errorf("Scopes = %v: the key shares the caller's slice", got)
	}

	k2, secret2, err := apikey.Generate(keyID, "SAP Business One", []apikey.Scope{apikey.Read}, t0)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if secret2 == secret || k2.Hash() == k.Hash() {
		t.Errorf("two generated keys share a secret or hash")
	}
}

func TestGenerateRefusesBadNames(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"", "   ", strings.Repeat("n", 101)} {
		k, secret, err := apikey.Generate(keyID, name, []apikey.Scope{apikey.Read}, t0)
		if !errors.Is(err, apikey.ErrInvalidName) || domain.KindOf(err) != domain.KindInvalid || k != nil || secret != "" {
			t.Errorf("Generate(name %q) = %v, %q, %v; want invalid_name and no key", name, k, secret, err)
		}
	}
	if _, _, err := apikey.Generate(keyID, strings.Repeat("n", 100), nil, t0); err != nil {
		t.Errorf("Generate(100-character name): %v", err)
	}
}

func TestHash(t *testing.T) {
	t.Parallel()
	// SHA-256 test vector from FIPS 180-2.
	if got := apikey.Hash("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("Hash(abc) = %s", got)
	}
	if apikey.Hash("saldo_a") == apikey.Hash("saldo_b") {
		t.Errorf("different secrets hash alike")
	}
}

func TestAllows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		scopes    []apikey.Scope
		wantRead  bool
		wantWrite bool
	}{
		{"read only", []apikey.Scope{apikey.Read}, true, false},
		{"write implies read", []apikey.Scope{apikey.Write}, true, true},
		{"both", []apikey.Scope{apikey.Read, apikey.Write}, true, true},
		{"none", nil, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, _, err := apikey.Generate(keyID, "ERP", tt.scopes, t0)
			if err != nil {
				t.Fatal(err)
			}
			if got := k.Allows(apikey.Read); got != tt.wantRead {
				t.Errorf("Allows(read) = %v, want %v", got, tt.wantRead)
			}
			if got := k.Allows(apikey.Write); got != tt.wantWrite {
				t.Errorf("Allows(write) = %v, want %v", got, tt.wantWrite)
			}
		})
	}
}

func TestUnmarshalFromDatabaseRevoked(t *testing.T) {
	t.Parallel()
	used, revoked := t0.Add(time.Hour), t0.Add(2*time.Hour)
	k := apikey.UnmarshalFromDatabase(keyID, "ERP", apikey.Hash("saldo_x"), "saldo_xxxx", []apikey.Scope{apikey.Read}, t0, &used, &revoked)
	if k.Active() || k.LastUsedAt() == nil || !k.LastUsedAt().Equal(used) {
		t.Errorf("revoked key: active %v last used %v", k.Active(), k.LastUsedAt())
	}
	k = apikey.UnmarshalFromDatabase(keyID, "ERP", apikey.Hash("saldo_x"), "saldo_xxxx", []apikey.Scope{apikey.Read}, t0, nil, nil)
	if !k.Active() {
		t.Errorf("a key without revokedAt is not active")
	}
}

func TestScopeErrorsAreForbiddenAndUnauthorized(t *testing.T) {
	t.Parallel()
	if domain.KindOf(apikey.ErrMissingScope.New(apikey.Write)) != domain.KindForbidden {
		t.Errorf("a missing scope is not forbidden")
	}
	if domain.KindOf(apikey.ErrUnknownKey) != domain.KindUnauthorized {
		t.Errorf("an unknown key is not unauthorized")
	}
}
