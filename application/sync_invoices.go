package application

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/ports"
)

// ErrUnknownCustomer is returned for an invoice whose customer was never synced.
var ErrUnknownCustomer = domain.Errorf(domain.KindInvalid, "unknown_customer", "customer with external_id %q does not exist: sync the customer first")

// InvoiceRecord is an invoice as the ERP sends it: its customer named by the
// ERP's key.
type InvoiceRecord struct {
	CustomerExternalID string
	invoice.Details    // CustomerID is filled in by the use case
}

// SyncInvoices creates or updates invoices from ERP records, keyed by
// external id, with a result per record. The same records twice change
// nothing the second time.
type SyncInvoices struct {
	uow   ports.UnitOfWork
	clock ports.Clock
}

// NewSyncInvoices returns the use case.
func NewSyncInvoices(uow ports.UnitOfWork, clock ports.Clock) *SyncInvoices {
	must(uow, clock)
	return &SyncInvoices{uow: uow, clock: clock}
}

// Handle syncs up to MaxBatchSize records in one transaction.
func (h *SyncInvoices) Handle(ctx context.Context, items []InvoiceRecord) ([]SyncResult, error) {
	if err := checkBatch(len(items)); err != nil {
		return nil, err
	}
	now := h.clock.Now()
	var results []SyncResult
	err := h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		results = make([]SyncResult, len(items))
		customers, err := tx.Customers().ByExternalIDs(ctx, externalIDs(items, func(r InvoiceRecord) string { return r.CustomerExternalID }))
		if err != nil {
			return err
		}
		known, err := tx.Invoices().ByExternalIDs(ctx, externalIDs(items, func(r InvoiceRecord) string { return r.ExternalID }))
		if err != nil {
			return err
		}
		existed := make(map[string]bool, len(known))
		for k := range known {
			existed[k] = true
		}
		dirty := make(map[uuid.UUID]*invoice.Invoice)
		for i, r := range items {
			ext := strings.TrimSpace(r.ExternalID)
			results[i] = SyncResult{ExternalID: ext}
			c, ok := customers[strings.TrimSpace(r.CustomerExternalID)]
			if !ok {
				results[i].Outcome, results[i].Err = Failed, ErrUnknownCustomer.New(r.CustomerExternalID)
				continue
			}
			d := r.Details
			d.CustomerID = c.ID()
			inv, ok := known[ext]
			var changed bool
			if ok {
				changed, err = inv.Sync(d, now)
			} else {
				inv, err = invoice.New(d, now)
				changed = err == nil
			}
			if err != nil {
				results[i].Outcome, results[i].Err = Failed, err
				continue
			}
			known[ext] = inv
			if changed {
				dirty[inv.ID()] = inv
			}
			results[i].ID = inv.ID()
			results[i].Outcome = outcome(existed[ext], changed)
		}
		return tx.Invoices().Save(ctx, values(dirty)...)
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}
