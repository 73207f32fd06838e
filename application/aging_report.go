package application

import (
	"context"

	"github.com/saldocrm/saldo/ports"
)

// AgingReport answers the organization's receivables by aging bucket and
// currency on today, with the top debtors.
type AgingReport struct {
	reports ports.ReportQueries
	clock   ports.Clock
	org     Org
}

// NewAgingReport returns the query.
func NewAgingReport(reports ports.ReportQueries, clock ports.Clock, org Org) *AgingReport {
	must(reports, clock, org.Location)
	return &AgingReport{reports: reports, clock: clock, org: org}
}

// Handle computes the report with up to top debtors per currency (10 when top ≤ 0).
func (q *AgingReport) Handle(ctx context.Context, top int) (ports.AgingReport, error) {
	if top <= 0 || top > 100 {
		top = 10
	}
	return q.reports.Aging(ctx, q.org.Today(q.clock.Now()), top)
}
