package application

import (
	"context"
	"strings"

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
		customers, err := tx.Customers().ByExternalIDs(ctx, externalIDs(items, func(r InvoiceRecord) string { return r.CustomerExternalID }))
		if err != nil {
			return err
		}
		known, err := tx.Invoices().ByExternalIDs(ctx, externalIDs(items, func(r InvoiceRecord) string { return r.ExternalID }))
		if err != nil {
			return err
		}
		// details are the record with its customer named by Saldo's id.
		details := func(r InvoiceRecord) invoice.Details {
			d := r.Details
			if c, ok := customers[strings.TrimSpace(r.CustomerExternalID)]; ok {
				d.CustomerID = c.ID()
			}
			return d
		}
		var dirty []*invoice.Invoice
		results, dirty = syncer[InvoiceRecord, *invoice.Invoice]{
			externalID: func(r InvoiceRecord) string { return r.ExternalID },
			check: func(r InvoiceRecord) error {
				if _, ok := customers[strings.TrimSpace(r.CustomerExternalID)]; !ok {
					return ErrUnknownCustomer.New(r.CustomerExternalID)
				}
				return nil
			},
			sync:   func(inv *invoice.Invoice, r InvoiceRecord) (bool, error) { return inv.Sync(details(r), now) },
			create: func(r InvoiceRecord) (*invoice.Invoice, error) { return invoice.New(details(r), now) },
		}.apply(items, known)
		return tx.Invoices().Save(ctx, dirty...)
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}
