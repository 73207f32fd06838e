package main

import (
	"context"
	"fmt"
	"io"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/invoice"
)

// demoUnreachable are overdue customers whose numbers WhatsApp cannot
// deliver to: scripts/run.sh hands them to the simulator as failing numbers
// (SIM_FAILING_NUMBERS), so a demo campaign shows failed recipients and
// Meta's reason.
var demoUnreachable = []struct{ name, phone string }{
	{"Línea Fuera de Servicio S.A.S.", "+57 300 999 0001"},
	{"Número Inactivo Ltda.", "+57 300 999 0002"},
}

// seedUnreachable adds them, each with an invoice 45 days overdue; run
// twice, it changes nothing the second time.
func seedUnreachable(ctx context.Context, a *app, today date.Date, out io.Writer) error {
	var customers []customer.Details
	var invoices []application.InvoiceRecord
	for i, d := range demoUnreachable {
		ext := fmt.Sprintf("DEMO-NOWA-%03d", i+1)
		customers = append(customers, customer.Details{ExternalID: ext, Name: d.name, Phone: d.phone, Language: "es", Email: demoEmail(d.name)})
		invoices = append(invoices, application.InvoiceRecord{CustomerExternalID: ext, Details: invoice.Details{
			ExternalID: ext + "-INV-01", Number: fmt.Sprintf("FV-NOWA-%04d", 100+i), Currency: "COP",
			IssueDate: today.AddDays(-75).String(), DueDate: today.AddDays(-45).String(), Total: "1320000", Description: "Demo invoice",
		}})
	}
	rs, err := a.syncCustomers.Handle(ctx, customers)
	if err != nil {
		return fmt.Errorf("seed unreachable customers: %w", err)
	}
	if err := tally(map[application.Outcome]int{}, rs); err != nil {
		return err
	}
	if rs, err = a.syncInvoices.Handle(ctx, invoices); err != nil {
		return fmt.Errorf("seed unreachable invoices: %w", err)
	}
	if err := tally(map[application.Outcome]int{}, rs); err != nil {
		return err
	}
	fmt.Fprintf(out, "Campaign demo: %d overdue customers on numbers WhatsApp cannot deliver to (DEMO-NOWA-*), to show failed recipients.\n", len(demoUnreachable))
	return nil
}
