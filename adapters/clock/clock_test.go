package clock_test

import (
	"testing"
	"time"

	"github.com/saldocrm/saldo/adapters/clock"
)

func TestShiftedMovesOnlyForward(t *testing.T) {
	t.Parallel()
	var c clock.Shifted
	if d := time.Until(c.Now()); d > time.Second || d < -time.Second {
		t.Fatalf("unshifted clock is %s off", d)
	}
	if off := c.Advance(8 * 24 * time.Hour); off != 8*24*time.Hour {
		t.Fatalf("offset %s", off)
	}
	if d := time.Until(c.Now()); d < 8*24*time.Hour-time.Second {
		t.Fatalf("after 8 days the clock is only %s ahead", d)
	}
}
