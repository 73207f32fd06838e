package application

import (
	"context"
	"errors"

	"github.com/saldocrm/saldo/domain/template"
	"github.com/saldocrm/saldo/ports"
)

// SyncTemplates pulls the templates of every business account from
// WhatsApp and stores them with their review status.
type SyncTemplates struct {
	catalog ports.TemplateCatalog
	numbers ports.NumberRepository
	uow     ports.UnitOfWork
	clock   ports.Clock
}

// NewSyncTemplates returns the use case.
func NewSyncTemplates(catalog ports.TemplateCatalog, numbers ports.NumberRepository, uow ports.UnitOfWork, clock ports.Clock) *SyncTemplates {
	must(catalog, numbers, uow, clock)
	return &SyncTemplates{catalog: catalog, numbers: numbers, uow: uow, clock: clock}
}

// Handle syncs and returns how many templates WhatsApp listed.
func (h *SyncTemplates) Handle(ctx context.Context) (int, error) {
	numbers, err := h.numbers.List(ctx)
	if err != nil {
		return 0, err
	}
	seen := map[string]bool{}
	count := 0
	for _, n := range numbers {
		if seen[n.BusinessAccountID] {
			continue
		}
		seen[n.BusinessAccountID] = true
		remote, err := h.catalog.List(ctx, n.BusinessAccountID)
		if err != nil {
			return count, err
		}
		now := h.clock.Now()
		err = h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
			for _, r := range remote {
				t, err := tx.Templates().Get(ctx, r.Details.Name, r.Details.Language)
				if errors.Is(err, template.ErrNotFound) {
					if t, err = template.FromCatalog(newID(), r.Details, now); err != nil {
						continue // a template Meta holds that Saldo could not have made: skip it
					}
				} else if err != nil {
					return err
				}
				t.Submitted(r.ProviderID, now)
				t.Review(string(r.Status), r.Reason, now)
				if err := tx.Templates().Save(ctx, t); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return count, err
		}
		count += len(remote)
	}
	return count, nil
}
