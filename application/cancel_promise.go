package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/promise"
	"github.com/saldocrm/saldo/ports"
)

// CancelPromise withdraws a pending promise (recorded by mistake, or the
// customer took it back); the customer's reminders resume.
type CancelPromise struct {
	promises ports.PromiseRepository
	clock    ports.Clock
}

// NewCancelPromise returns the use case.
func NewCancelPromise(promises ports.PromiseRepository, clock ports.Clock) *CancelPromise {
	must(promises, clock)
	return &CancelPromise{promises: promises, clock: clock}
}

// Handle cancels promise id and returns it. A promise no longer pending is a
// conflict.
func (h *CancelPromise) Handle(ctx context.Context, id uuid.UUID) (*promise.Promise, error) {
	var out *promise.Promise
	err := h.promises.Update(ctx, id, func(p *promise.Promise) error {
		out = p
		return p.Cancel(h.clock.Now())
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
