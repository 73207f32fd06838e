package application

import (
	"context"

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
		known, err := tx.Customers().ByExternalIDs(ctx, externalIDs(items, func(d customer.Details) string { return d.ExternalID }))
		if err != nil {
			return err
		}
		var dirty []*customer.Customer
		results, dirty = syncer[customer.Details, *customer.Customer]{
			externalID: func(d customer.Details) string { return d.ExternalID },
			sync:       func(c *customer.Customer, d customer.Details) (bool, error) { return c.Sync(d, now) },
			create:     func(d customer.Details) (*customer.Customer, error) { return customer.New(d, now) },
		}.apply(items, known)
		return tx.Customers().Save(ctx, dirty...)
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}
