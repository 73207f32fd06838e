package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/dispute"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/ports"
)

// ErrDisputeClosedInvoice refuses disputing an invoice that is not open.
var ErrDisputeClosedInvoice = domain.Errorf(domain.KindConflict, "invoice_not_open", "invoice %s is %s: only open invoices can be disputed")

// OpenDisputeCommand marks an invoice disputed, on behalf of an agent (By)
// or the API (uuid.Nil).
type OpenDisputeCommand struct {
	InvoiceID uuid.UUID
	Reason    string
	By        uuid.UUID
}

// OpenDispute marks an open invoice disputed: it leaves the reminder flow
// until the dispute is resolved, and stays in balances and reports.
// Disputing a resolved invoice again reopens its dispute with the new reason.
type OpenDispute struct {
	disputes ports.DisputeRepository
	invoices ports.InvoiceRepository
	clock    ports.Clock
}

// NewOpenDispute returns the use case.
func NewOpenDispute(disputes ports.DisputeRepository, invoices ports.InvoiceRepository, clock ports.Clock) *OpenDispute {
	must(disputes, invoices, clock)
	return &OpenDispute{disputes: disputes, invoices: invoices, clock: clock}
}

// Handle opens the dispute and returns it. An invoice already disputed is a conflict.
func (h *OpenDispute) Handle(ctx context.Context, cmd OpenDisputeCommand) (*dispute.Dispute, error) {
	inv, err := h.invoices.Get(ctx, cmd.InvoiceID)
	if err != nil {
		return nil, err
	}
	if inv.Status() != invoice.Open {
		return nil, ErrDisputeClosedInvoice.New(inv.Number(), inv.Status())
	}
	now := h.clock.Now()
	var out *dispute.Dispute
	err = h.disputes.Update(ctx, cmd.InvoiceID, func(d *dispute.Dispute) (*dispute.Dispute, error) {
		if d == nil {
			var err error
			out, err = dispute.Open(cmd.InvoiceID, cmd.Reason, cmd.By, now)
			return out, err
		}
		out = d
		return d, d.Reopen(cmd.Reason, cmd.By, now)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
