package application

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/dunning"
	"github.com/saldocrm/saldo/ports"
)

// ReminderGuard checks dunning reminders just before they are sent: a
// customer who paid, disputed, opted out, promised to pay or is talking
// with an agent since the reminder was planned does not get it. It is the
// RecipientGuard of dunning campaigns.
type ReminderGuard struct {
	policies ports.DunningPolicyRepository
	plan     ports.DunningPlanQueries
	org      Org
}

var _ RecipientGuard = (*ReminderGuard)(nil)

// NewReminderGuard returns the guard.
func NewReminderGuard(policies ports.DunningPolicyRepository, plan ports.DunningPlanQueries, org Org) *ReminderGuard {
	must(policies, plan, org.Location)
	return &ReminderGuard{policies: policies, plan: plan, org: org}
}

// Check implements RecipientGuard.
func (g *ReminderGuard) Check(ctx context.Context, c *campaign.Campaign, rs []campaign.RecipientSnapshot, now time.Time) (map[uuid.UUID]string, error) {
	out := make(map[uuid.UUID]string, len(rs))
	p, err := g.policies.Get(ctx)
	if err != nil {
		return nil, err
	}
	step, ok := p.StepOfCampaign(c.ID())
	if !ok {
		for _, r := range rs {
			out[r.ID] = dunning.SkipNotInPolicy
		}
		return out, nil
	}
	today := g.org.Today(now)
	qs := make([]ports.StandingQuery, 0, len(rs))
	seen := map[uuid.UUID]bool{}
	for _, r := range rs {
		if !seen[r.CustomerID] {
			seen[r.CustomerID] = true
			qs = append(qs, ports.StandingQuery{CustomerID: r.CustomerID, DueBy: today.AddDays(-step.Offset)})
		}
	}
	standings, err := g.plan.Standings(ctx, qs, today, now)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		st, ok := standings[r.CustomerID]
		if !ok {
			out[r.ID] = dunning.SkipNoPhone
			continue
		}
		st.HasPhone = true // the reminder carries the number it goes to
		if reason := step.Skip(st.Standing); reason != "" {
			out[r.ID] = reason
		}
	}
	return out, nil
}
