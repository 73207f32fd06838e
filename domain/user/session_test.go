package user_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/user"
)

const ttl = 12 * time.Hour

func TestNewSession(t *testing.T) {
	t.Parallel()
	s, token, err := user.NewSession(userID, t0, ttl)
	if err != nil {
		t.Fatalf("NewSession: %v", err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 32 {
		t.Errorf("token %q: %d bytes, %v; want 32 bytes of base64url", token, len(raw), err)
	}
	sum := sha256.Sum256([]byte(token))
	if s.TokenHash == token || s.TokenHash != hex.EncodeToString(sum[:]) || s.TokenHash != user.HashToken(token) {
		t.Errorf("TokenHash = %q, want the SHA-256 hex of the token", s.TokenHash)
	}
	csrf, err := base64.RawURLEncoding.DecodeString(s.CSRFToken)
	if err != nil || len(csrf) != 32 || s.CSRFToken == token {
		t.Errorf("CSRFToken %q: %d bytes, %v; want 32 other random bytes", s.CSRFToken, len(csrf), err)
	}
	if s.UserID != userID || !s.CreatedAt.Equal(t0) || !s.LastSeenAt.Equal(t0) || !s.ExpiresAt.Equal(t0.Add(ttl)) {
		t.Errorf("session = %+v", s)
	}

	s2, token2, err := user.NewSession(userID, t0, ttl)
	if err != nil || token2 == token || s2.TokenHash == s.TokenHash || s2.CSRFToken == s.CSRFToken {
		t.Errorf("two sessions share a secret: %v", err)
	}

	for _, bad := range []struct {
		id  uuid.UUID
		ttl time.Duration
	}{{uuid.Nil, ttl}, {userID, 0}, {userID, -time.Hour}} {
		if _, _, err := user.NewSession(bad.id, t0, bad.ttl); err == nil {
			t.Errorf("NewSession(%s, %s) accepted", bad.id, bad.ttl)
		}
	}
}

func TestSessionExpired(t *testing.T) {
	t.Parallel()
	s, _, err := user.NewSession(userID, t0, ttl)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		at   time.Time
		want bool
	}{
		{t0, false},
		{t0.Add(ttl - time.Nanosecond), false},
		{t0.Add(ttl), true},
		{t0.Add(ttl + time.Hour), true},
	}
	for _, tt := range tests {
		if got := s.Expired(tt.at); got != tt.want {
			t.Errorf("Expired(created + %s) = %v, want %v", tt.at.Sub(t0), got, tt.want)
		}
	}
}

func TestSessionRefresh(t *testing.T) {
	t.Parallel()
	s, _, err := user.NewSession(userID, t0, ttl)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		after       time.Duration // since t0
		wantChanged bool
		wantSeen    time.Duration // since t0
		wantExpires time.Duration // since t0
	}{
		{"same instant", 0, false, 0, ttl},
		{"within a minute", 59 * time.Second, false, 0, ttl},
		{"a minute later: last seen moves", time.Minute, true, time.Minute, ttl},
		{"half the ttl left: no slide yet", ttl / 2, true, ttl / 2, ttl},
		{"less than half left: slides", ttl/2 + time.Second, true, ttl/2 + time.Second, ttl/2 + time.Second + ttl},
		{"just before the end", ttl - time.Second, true, ttl - time.Second, 2*ttl - time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, changed := s.Refresh(t0.Add(tt.after), ttl)
			if changed != tt.wantChanged || !got.LastSeenAt.Equal(t0.Add(tt.wantSeen)) || !got.ExpiresAt.Equal(t0.Add(tt.wantExpires)) {
				t.Errorf("Refresh = seen +%s, expires +%s, changed %v; want +%s, +%s, %v",
					got.LastSeenAt.Sub(t0), got.ExpiresAt.Sub(t0), changed, tt.wantSeen, tt.wantExpires, tt.wantChanged)
			}
			if got.TokenHash != s.TokenHash || got.CSRFToken != s.CSRFToken || !got.CreatedAt.Equal(s.CreatedAt) {
				t.Errorf("Refresh changed the session's identity")
			}
		})
	}
	if !s.LastSeenAt.Equal(t0) || !s.ExpiresAt.Equal(t0.Add(ttl)) {
		t.Errorf("Refresh modified its receiver")
	}
}
