package application

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/dunning"
	"github.com/saldocrm/saldo/ports"
)

// PaidWindow is how long after a reminder a payment counts as its result.
const PaidWindow = 7 * 24 * time.Hour

// DunningStepResults is what one step's reminders achieved.
type DunningStepResults struct {
	Step dunning.Step
	ports.DunningStepResult
}

// Reminder is one dunning reminder of a customer's history.
type Reminder struct {
	ports.RecipientRow
	Step string // the step's name, e.g. "D+7" (the campaign's name when the step left the policy)
}

// DunningQueries read the dunning engine's results, runs and histories.
type DunningQueries struct {
	policies   *DunningPolicies
	results    ports.DunningResultQueries
	runs       ports.DunningRunRepository
	recipients ports.RecipientRepository
}

// NewDunningQueries returns the queries.
func NewDunningQueries(policies *DunningPolicies, results ports.DunningResultQueries, runs ports.DunningRunRepository, recipients ports.RecipientRepository) *DunningQueries {
	must(policies, results, runs, recipients)
	return &DunningQueries{policies: policies, results: results, runs: runs, recipients: recipients}
}

// Results returns, per step of the policy, its reminders' delivery and the
// payments received within PaidWindow after them.
func (q *DunningQueries) Results(ctx context.Context) ([]DunningStepResults, error) {
	p, _, err := q.policies.Get(ctx)
	if err != nil {
		return nil, err
	}
	var ids []uuid.UUID
	for _, s := range p.Steps() {
		if s.CampaignID != uuid.Nil {
			ids = append(ids, s.CampaignID)
		}
	}
	res, err := q.results.Results(ctx, ids, PaidWindow)
	if err != nil {
		return nil, err
	}
	out := make([]DunningStepResults, 0, len(p.Steps()))
	for _, s := range p.Steps() {
		out = append(out, DunningStepResults{Step: s, DunningStepResult: res[s.CampaignID]})
	}
	return out, nil
}

// Runs returns the latest planner runs, newest first.
func (q *DunningQueries) Runs(ctx context.Context, limit int) ([]ports.DunningRun, error) {
	return q.runs.List(ctx, min(pageLimit(limit), 200))
}

// CustomerReminders returns a customer's dunning reminders, newest first,
// with their delivery status.
func (q *DunningQueries) CustomerReminders(ctx context.Context, customerID uuid.UUID, limit int) ([]Reminder, error) {
	p, _, err := q.policies.Get(ctx)
	if err != nil {
		return nil, err
	}
	limit = pageLimit(limit)
	// A customer's campaign sends share the history: read a page of it.
	rows, err := q.recipients.List(ctx, ports.RecipientFilter{CustomerID: customerID, Page: ports.Page{Limit: MaxPageSize}})
	if err != nil {
		return nil, err
	}
	var out []Reminder
	for _, r := range rows {
		if r.CampaignKind != campaign.Dunning {
			continue
		}
		name := r.CampaignName
		if s, ok := p.StepOfCampaign(r.CampaignID); ok {
			name = s.Name()
		}
		out = append(out, Reminder{RecipientRow: r, Step: name})
		if len(out) == limit {
			break
		}
	}
	return out, nil
}
