package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/dispute"
	"github.com/saldocrm/saldo/ports"
)

// ResolveDispute closes an invoice's dispute with what was decided; the
// invoice returns to the reminder flow.
type ResolveDispute struct {
	disputes ports.DisputeRepository
	clock    ports.Clock
}

// NewResolveDispute returns the use case.
func NewResolveDispute(disputes ports.DisputeRepository, clock ports.Clock) *ResolveDispute {
	must(disputes, clock)
	return &ResolveDispute{disputes: disputes, clock: clock}
}

// Handle resolves the dispute of invoice invoiceID and returns it. An
// invoice never disputed is dispute.ErrNotFound; one already resolved a conflict.
func (h *ResolveDispute) Handle(ctx context.Context, invoiceID uuid.UUID, resolution string) (*dispute.Dispute, error) {
	var out *dispute.Dispute
	err := h.disputes.Update(ctx, invoiceID, func(d *dispute.Dispute) (*dispute.Dispute, error) {
		if d == nil {
			return nil, dispute.ErrNotFound.New(invoiceID)
		}
		out = d
		return d, d.Resolve(resolution, h.clock.Now())
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
