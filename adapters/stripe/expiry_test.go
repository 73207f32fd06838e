package stripe

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/paymentlink"
)

func TestExpiryStaysInStripesWindow(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 11, 22, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		created  time.Time
		lifetime time.Duration
		want     time.Time
	}{
		{"a day from now: a minute less", now, 24 * time.Hour, now.Add(24*time.Hour - time.Minute)},
		{"two hours: as is", now, 2 * time.Hour, now.Add(2 * time.Hour)},
		{"ten minutes: half an hour and a minute", now, 10 * time.Minute, now.Add(31 * time.Minute)},
		{"two days: a day from the link's creation", now.Add(-time.Hour), 48 * time.Hour, now.Add(23*time.Hour - time.Minute)},
		{"made long ago, still open: half an hour", now.Add(-30 * time.Hour), 31 * time.Hour, now.Add(31 * time.Minute)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l, err := paymentlink.New(uuid.New(), uuid.New(), []uuid.UUID{uuid.New()}, money.MustParse("1", "USD"), "stripe", tt.lifetime, tt.created)
			require.NoError(t, err)
			got, err := expiry(l, now)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.False(t, got.Before(now.Add(30*time.Minute)), "before Stripe's minimum")
			assert.False(t, got.After(now.Add(24*time.Hour)), "after Stripe's maximum")
		})
	}
}

func TestExpiryRefusesAnExpiredLink(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 11, 22, 12, 0, 0, 0, time.UTC)
	l, err := paymentlink.New(uuid.New(), uuid.New(), []uuid.UUID{uuid.New()}, money.MustParse("1", "USD"), "stripe", time.Hour, now.Add(-time.Hour))
	require.NoError(t, err)
	_, err = expiry(l, now)
	require.ErrorIs(t, err, paymentlink.ErrExpired)
}
