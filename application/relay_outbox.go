package application

import (
	"context"

	"github.com/saldocrm/saldo/ports"
)

// RelayOutbox hands jobs written by committed transactions to the queue.
// Entries are claimed with SKIP LOCKED, so several relays share the work;
// the queue runs a job once even when it is handed over twice.
type RelayOutbox struct {
	uow   ports.UnitOfWork
	queue ports.JobQueue
	clock ports.Clock
}

// NewRelayOutbox returns the use case.
func NewRelayOutbox(uow ports.UnitOfWork, queue ports.JobQueue, clock ports.Clock) *RelayOutbox {
	must(uow, queue, clock)
	return &RelayOutbox{uow: uow, queue: queue, clock: clock}
}

// Handle relays up to 500 due entries and returns how many.
func (h *RelayOutbox) Handle(ctx context.Context) (int, error) {
	n := 0
	err := h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		entries, err := tx.Outbox().Claim(ctx, h.clock.Now(), 500)
		if err != nil {
			return err
		}
		// Enqueueing while the claim's row locks are held is the point: no
		// other relay hands these entries over, and they are deleted only
		// once the queue has them.
		for _, e := range entries {
			if err := h.queue.Enqueue(ctx, e.Kind, e.Ref, e.RunAt); err != nil {
				return err
			}
			if err := tx.Outbox().Delete(ctx, e.ID); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
