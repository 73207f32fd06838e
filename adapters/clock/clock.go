// Package clock implements ports.Clock: the system clock, and a settable
// one for tests and demos.
package clock

import (
	"sync"
	"time"

	"github.com/saldocrm/saldo/ports"
)

// System reads the machine's clock.
type System struct{}

var _ ports.Clock = System{}

// Now implements ports.Clock.
func (System) Now() time.Time { return time.Now() }

// Fixed is a clock that shows a set time until it is moved.
type Fixed struct {
	mu  sync.Mutex
	now time.Time
}

var _ ports.Clock = (*Fixed)(nil)

// NewFixed returns a clock showing t.
func NewFixed(t time.Time) *Fixed { return &Fixed{now: t} }

// Now implements ports.Clock.
func (f *Fixed) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Set moves the clock to t.
func (f *Fixed) Set(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = t
}

// Advance moves the clock forward by d.
func (f *Fixed) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// Shifted is the system clock moved forward by an offset that can grow: the
// demo's way to let days pass (SALDO_DEMO_CLOCK).
type Shifted struct {
	mu     sync.Mutex
	offset time.Duration
}

var _ ports.Clock = (*Shifted)(nil)

// Now implements ports.Clock.
func (s *Shifted) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return time.Now().Add(s.offset)
}

// Advance moves the clock d forward and returns the new offset.
func (s *Shifted) Advance(d time.Duration) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset += d
	return s.offset
}
