package application

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/promise"
	"github.com/saldocrm/saldo/ports"
)

// RecordPromiseCommand records a customer's promise to pay Amount by Date,
// on behalf of an agent (By) or the API (uuid.Nil).
type RecordPromiseCommand struct {
	CustomerID uuid.UUID
	Amount     money.Money
	Date       date.Date
	Note       string
	By         uuid.UUID
}

// RecordPromise records a promise to pay. While it is pending the customer's
// reminders pause until the end of the promised day in the organization's
// time zone. A new promise replaces (cancels) the customer's pending one.
type RecordPromise struct {
	promises  ports.PromiseRepository
	customers ports.CustomerRepository
	clock     ports.Clock
	org       Org
}

// NewRecordPromise returns the use case.
func NewRecordPromise(promises ports.PromiseRepository, customers ports.CustomerRepository, clock ports.Clock, org Org) *RecordPromise {
	must(promises, customers, clock, org.Location)
	return &RecordPromise{promises: promises, customers: customers, clock: clock, org: org}
}

// Handle records the promise and returns it.
func (h *RecordPromise) Handle(ctx context.Context, cmd RecordPromiseCommand) (*promise.Promise, error) {
	if _, err := h.customers.Get(ctx, cmd.CustomerID); err != nil {
		return nil, err
	}
	now := h.clock.Now()
	p, err := promise.New(uuid.Must(uuid.NewV7()), promise.Details{
		CustomerID: cmd.CustomerID, Amount: cmd.Amount, Date: cmd.Date, Note: cmd.Note, CreatedBy: cmd.By,
	}, h.org.Today(now), now)
	if err != nil {
		return nil, err
	}
	err = h.promises.Add(ctx, p, func(old *promise.Promise) error { return old.Cancel(now) })
	if err != nil {
		return nil, fmt.Errorf("record promise of customer %s: %w", cmd.CustomerID, err)
	}
	return p, nil
}
