package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/ports"
)

// SetWhatsAppOptOut opts a customer out of WhatsApp messages, or back in, by
// an agent's or the ERP's decision. Opted-out customers get no campaign and
// no reminder; an ERP sync never resets the choice.
type SetWhatsAppOptOut struct {
	uow   ports.UnitOfWork
	clock ports.Clock
}

// NewSetWhatsAppOptOut returns the use case.
func NewSetWhatsAppOptOut(uow ports.UnitOfWork, clock ports.Clock) *SetWhatsAppOptOut {
	must(uow, clock)
	return &SetWhatsAppOptOut{uow: uow, clock: clock}
}

// Handle sets customer id's opt-out and returns the customer.
func (h *SetWhatsAppOptOut) Handle(ctx context.Context, id uuid.UUID, optedOut bool) (*customer.Customer, error) {
	var out *customer.Customer
	err := h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		c, err := tx.Customers().Get(ctx, id)
		if err != nil {
			return err
		}
		// Locked, so that a concurrent ERP sync of the customer neither loses
		// this change nor is lost by it.
		locked, err := tx.Customers().ByExternalIDs(ctx, []string{c.ExternalID()})
		if err != nil {
			return err
		}
		c, ok := locked[c.ExternalID()]
		if !ok {
			return customer.ErrNotFound.New(id)
		}
		out = c
		now := h.clock.Now()
		var changed bool
		if optedOut {
			changed = c.OptOut(now)
		} else {
			changed = c.OptIn(now)
		}
		if !changed {
			return nil
		}
		return tx.Customers().Save(ctx, c)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
