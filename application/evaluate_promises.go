package application

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/promise"
	"github.com/saldocrm/saldo/ports"
)

// EvaluatePromises settles pending promises: kept as soon as the customer's
// payments in the promise's currency, received since the day it was made,
// reach its amount; broken once the promised date is behind the
// organization's today without that. A broken promise no longer pauses the
// customer's reminders. The worker runs it periodically.
type EvaluatePromises struct {
	promises ports.PromiseRepository
	totals   ports.PaymentTotals
	clock    ports.Clock
	org      Org
	log      *slog.Logger
}

// NewEvaluatePromises returns the use case.
func NewEvaluatePromises(promises ports.PromiseRepository, totals ports.PaymentTotals, clock ports.Clock, org Org, log *slog.Logger) *EvaluatePromises {
	must(promises, totals, clock, org.Location, log)
	return &EvaluatePromises{promises: promises, totals: totals, clock: clock, org: org, log: log}
}

// PromiseOutcome counts what an evaluation changed.
type PromiseOutcome struct {
	Kept, Broken int
}

// Handle evaluates every pending promise and counts the ones it settled.
func (h *EvaluatePromises) Handle(ctx context.Context) (PromiseOutcome, error) {
	var out PromiseOutcome
	page := ports.Page{Limit: 500}
	for {
		batch, err := h.promises.Pending(ctx, page)
		if err != nil {
			return out, err
		}
		for _, p := range batch {
			st, err := h.evaluate(ctx, p.ID())
			if err != nil {
				return out, fmt.Errorf("evaluate promise %s: %w", p.ID(), err)
			}
			switch st {
			case promise.Kept:
				out.Kept++
			case promise.Broken:
				out.Broken++
			}
		}
		if len(batch) < page.Limit {
			return out, nil
		}
		page.After = batch[len(batch)-1].ID()
	}
}

// HandleCustomer evaluates the customer's pending promise at once, e.g.
// right after a payment is recorded.
func (h *EvaluatePromises) HandleCustomer(ctx context.Context, customerID uuid.UUID) error {
	ps, err := h.promises.ByCustomer(ctx, customerID, 5)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.Status() == promise.Pending {
			if _, err := h.evaluate(ctx, p.ID()); err != nil {
				return err
			}
		}
	}
	return nil
}

// evaluate settles promise id under its row lock and returns the status it
// moved to ("" when unchanged).
func (h *EvaluatePromises) evaluate(ctx context.Context, id uuid.UUID) (promise.Status, error) {
	var moved promise.Status
	err := h.promises.Update(ctx, id, func(p *promise.Promise) error {
		moved = ""
		now := h.clock.Now()
		// Payments count from the start of the day the promise was made: ERPs
		// often report a payment's day, not its minute.
		since := date.Of(p.CreatedAt(), h.org.Location).StartIn(h.org.Location)
		paid, err := h.totals.ReceivedSince(ctx, p.CustomerID(), p.Amount().Currency(), since)
		if err != nil {
			return err
		}
		changed, err := p.Evaluate(paid, h.org.Today(now), now)
		if err != nil || !changed {
			return err
		}
		moved = p.Status()
		h.log.InfoContext(ctx, "promise to pay settled", slog.String("promise_id", p.ID().String()),
			slog.String("customer_id", p.CustomerID().String()), slog.String("status", string(moved)))
		return nil
	})
	return moved, err
}
