package application

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/ports"
)

// SyncCustomers creates or updates customers from ERP records, keyed by
// external id. Each record gets its own result; invalid records do not stop
// valid ones. The same records twice change nothing the second time.
type SyncCustomers struct {
	uow   ports.UnitOfWork
	clock ports.Clock
}

// NewSyncCustomers returns the use case.
func NewSyncCustomers(uow ports.UnitOfWork, clock ports.Clock) *SyncCustomers {
	must(uow, clock)
	return &SyncCustomers{uow: uow, clock: clock}
}

// Handle syncs up to MaxBatchSize records in one transaction.
func (h *SyncCustomers) Handle(ctx context.Context, items []customer.Details) ([]SyncResult, error) {
	if err := checkBatch(len(items)); err != nil {
		return nil, err
	}
	now := h.clock.Now()
	var results []SyncResult
	err := h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		results = make([]SyncResult, len(items))
		known, err := tx.Customers().ByExternalIDs(ctx, externalIDs(items, func(d customer.Details) string { return d.ExternalID }))
		if err != nil {
			return err
		}
		existed := make(map[string]bool, len(known))
		for k := range known {
			existed[k] = true
		}
		dirty := make(map[uuid.UUID]*customer.Customer)
		for i, d := range items {
			ext := strings.TrimSpace(d.ExternalID)
			results[i] = SyncResult{ExternalID: ext}
			c, ok := known[ext]
			var changed bool
			if ok {
				changed, err = c.Sync(d, now)
			} else {
				c, err = customer.New(d, now)
				changed = err == nil
			}
			if err != nil {
				results[i].Outcome, results[i].Err = Failed, err
				continue
			}
			known[ext] = c
			if changed {
				dirty[c.ID()] = c
			}
			results[i].ID = c.ID()
			results[i].Outcome = outcome(existed[ext], changed)
		}
		return tx.Customers().Save(ctx, values(dirty)...)
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

func values[K comparable, V any](m map[K]V) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
