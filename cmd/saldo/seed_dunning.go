package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/dunning"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
)

// demoDunning are customers whose invoices sit exactly on the default
// policy's step days today, and three who must not get a reminder.
var demoDunning = []struct {
	name, phone string
	dueIn       int    // days from today to the due date
	kind        string // "", "paid", "promised" or "opted_out"
}{
	{"Cobro Anticipado S.A.S.", "+57 300 555 0101", 3, ""},      // D-3
	{"Vence Hoy Ltda.", "+57 300 555 0102", 0, ""},              // D0
	{"Atrasado Siete Días", "+57 300 555 0103", -7, ""},         // D+7
	{"Moroso Quince Días", "+57 300 555 0104", -15, ""},         // D+15
	{"Ya Pagó S.A.", "+57 300 555 0105", -7, "paid"},            // paid: no reminder
	{"Promete Pagar Ltda.", "+57 300 555 0106", -7, "promised"}, // promise pending: no reminder
	{"Pidió Baja S.A.S.", "+57 300 555 0107", -7, "opted_out"},  // opted out: no reminder
}

// seedDunning adds the dunning demo and stores the default policy (its
// steps get their campaigns once the worker has synced the templates); run
// twice, it changes nothing the second time.
func seedDunning(ctx context.Context, a *app, today date.Date, out io.Writer) error {
	var customers []customer.Details
	var invoices []application.InvoiceRecord
	for i, d := range demoDunning {
		ext := fmt.Sprintf("DEMO-DUN-%03d", i+1)
		customers = append(customers, customer.Details{ExternalID: ext, Name: d.name, Phone: d.phone, Language: "es", Email: demoEmail(d.name)})
		inv := invoice.Details{
			ExternalID: ext + "-INV-01", Number: fmt.Sprintf("FV-DUN-%04d", 100+i), Currency: "COP",
			IssueDate: today.AddDays(d.dueIn - 30).String(), DueDate: today.AddDays(d.dueIn).String(), Total: "850000", Description: "Demo invoice",
		}
		if d.kind == "paid" {
			inv.Status = string(invoice.Paid)
		}
		invoices = append(invoices, application.InvoiceRecord{CustomerExternalID: ext, Details: inv})
	}
	rs, err := a.syncCustomers.Handle(ctx, customers)
	if err != nil {
		return fmt.Errorf("seed dunning customers: %w", err)
	}
	if err := tally(map[application.Outcome]int{}, rs); err != nil {
		return err
	}
	rs, err = a.syncInvoices.Handle(ctx, invoices)
	if err != nil {
		return fmt.Errorf("seed dunning invoices: %w", err)
	}
	if err := tally(map[application.Outcome]int{}, rs); err != nil {
		return err
	}
	promises := postgres.NewPromiseRepository(a.db)
	record := application.NewRecordPromise(promises, a.customers, a.clock, a.cfg.Org)
	optOut := application.NewSetWhatsAppOptOut(a.uow, a.clock)
	for i, d := range demoDunning {
		id := customer.IDFor(fmt.Sprintf("DEMO-DUN-%03d", i+1))
		switch d.kind {
		case "promised":
			existing, err := promises.ByCustomer(ctx, id, 1)
			if err != nil {
				return err
			}
			if len(existing) > 0 {
				continue
			}
			_, err = record.Handle(ctx, application.RecordPromiseCommand{
				CustomerID: id, Amount: money.MustParse("850000", "COP"), Date: today.AddDays(3), Note: "Paga con la quincena",
			})
			if err != nil {
				return fmt.Errorf("seed promise: %w", err)
			}
		case "opted_out":
			if _, err := optOut.Handle(ctx, id, true); err != nil {
				return fmt.Errorf("seed opt-out: %w", err)
			}
		}
	}
	// The default policy, but sending at any hour of any day, so that "Run
	// planner now" shows reminders in the simulator whenever the demo runs
	// (a new organization's default is 08:00–20:00, Monday to Saturday).
	if _, stored, err := a.dunning.policies.Get(ctx); err != nil || !stored {
		if err != nil {
			return err
		}
		d := a.dunning.policies.Default().Details()
		d.SendFrom, d.SendUntil = 0, 24*60
		d.Weekdays = []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}
		p, err := dunning.New(uuid.Must(uuid.NewV7()), d, a.clock.Now())
		if err != nil {
			return fmt.Errorf("seed dunning policy: %w", err)
		}
		// Stored without campaigns: each step gets its own once the worker
		// has synced the templates from WhatsApp.
		if err := a.dunning.repo.Save(ctx, p); err != nil {
			return fmt.Errorf("seed dunning policy: %w", err)
		}
	}
	fmt.Fprintf(out, "Dunning demo: %d customers on today's reminder steps (DEMO-DUN-*); run the planner from /dunning (\"Run planner now\").\n", len(demoDunning))
	return nil
}
