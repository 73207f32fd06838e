package application

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/dunning"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/phone"
	"github.com/saldocrm/saldo/domain/user"
	"github.com/saldocrm/saldo/ports"
)

// CatchUpDays is how late a step may still fire: a run missed on a step's
// day (the worker was down) sends it up to this many days later.
const CatchUpDays = 2

// Run counters besides the skip reasons.
const (
	CountReached   = "reached"
	CountEnqueued  = "enqueued"
	CountAlready   = "already"   // planned by an earlier run
	CountLater     = "later"     // a later step already went out for the same invoices
	CountEscalated = "escalated" // handed to an agent
)

// PlanReminders is the dunning planner. Each run finds, in SQL, the
// customers whose invoices reach a step today (in the organization's time
// zone), checks why some should not hear from us, and adds one reminder per
// customer and step to the step's campaign, due at the next allowed minute;
// the campaign sweeper sends them through the shared, throttled dispatch.
// Reminders are keyed by customer and the oldest due date that reached the
// step, so concurrent or repeated runs add each one once. The last step may
// escalate instead: the customer's conversation goes to an agent, round
// robin, with a note.
type PlanReminders struct {
	policies      *DunningPolicies
	plan          ports.DunningPlanQueries
	runs          ports.DunningRunRepository
	escalations   ports.DunningEscalationRepository
	uow           ports.UnitOfWork
	conversations ports.ConversationRepository
	users         ports.UserRepository
	manage        *ManageConversation
	queue         ports.JobQueue
	clock         ports.Clock
	org           Org
	log           *slog.Logger
}

// NewPlanReminders returns the use case.
func NewPlanReminders(policies *DunningPolicies, plan ports.DunningPlanQueries, runs ports.DunningRunRepository,
	escalations ports.DunningEscalationRepository, uow ports.UnitOfWork, conversations ports.ConversationRepository, users ports.UserRepository,
	manage *ManageConversation, queue ports.JobQueue, clock ports.Clock, org Org, log *slog.Logger,
) *PlanReminders {
	must(policies, plan, runs, escalations, uow, conversations, users, manage, queue, clock, org.Location, log)
	return &PlanReminders{
		policies: policies, plan: plan, runs: runs, escalations: escalations, uow: uow, conversations: conversations,
		users: users, manage: manage, queue: queue, clock: clock, org: org, log: log,
	}
}

// Schedule enqueues the planner's run for the current slot of every
// (several worker processes enqueue one run per slot).
func (h *PlanReminders) Schedule(ctx context.Context, every time.Duration) error {
	slot := h.clock.Now().UTC().Truncate(every)
	ref := uuid.NewSHA1(uuid.NameSpaceURL, []byte(ports.JobPlanReminders+":"+slot.Format(time.RFC3339)))
	return h.queue.Enqueue(ctx, ports.JobPlanReminders, ref, time.Time{})
}

// candidate is a customer who reached a step and passed the checks.
type candidate struct {
	reach    ports.DunningReach
	step     dunning.Step
	standing ports.CustomerStanding
}

// Handle runs the planner once and records the run.
func (h *PlanReminders) Handle(ctx context.Context) (ports.DunningRun, error) {
	started := h.clock.Now()
	today := h.org.Today(started)
	run := ports.DunningRun{ID: newID(), StartedAt: started, AsOf: today, Counts: map[int]map[string]int{}}
	p, err := h.policies.Ready(ctx)
	if err != nil {
		return run, fmt.Errorf("dunning policy: %w", err)
	}
	steps := p.Steps()
	windows := make([]ports.DunningStepWindow, len(steps))
	for i, s := range steps {
		windows[i] = ports.DunningStepWindow{Offset: s.Offset, CampaignID: s.CampaignID}
		run.Counts[s.Offset] = map[string]int{}
	}
	reached, err := h.plan.Reached(ctx, windows, today, CatchUpDays)
	if err != nil {
		return run, err
	}
	count := func(offset int, what string, n int) {
		if n != 0 {
			run.Counts[offset][what] += n
		}
	}
	var qs []ports.StandingQuery
	var pending []candidate
	for _, r := range reached {
		s, _ := p.Step(r.Offset)
		count(r.Offset, CountReached, 1)
		switch {
		case r.KeyDue.IsZero() && r.Disputed:
			count(r.Offset, dunning.SkipDisputed, 1)
		case r.KeyDue.IsZero():
			count(r.Offset, dunning.SkipPaid, 1)
		case r.LaterSent:
			count(r.Offset, CountLater, 1)
		case s.Messages() && s.CampaignID == uuid.Nil:
			count(r.Offset, dunning.SkipNotReady, 1)
		default:
			qs = append(qs, ports.StandingQuery{CustomerID: r.CustomerID, DueBy: today.AddDays(-r.Offset)})
			pending = append(pending, candidate{reach: r, step: s})
		}
	}
	standings, err := h.plan.Standings(ctx, qs, today, started)
	if err != nil {
		return run, err
	}
	byCampaign := map[uuid.UUID][]*campaign.Recipient{}
	var escalate []candidate
	for _, c := range pending {
		st, ok := standings[c.reach.CustomerID]
		if !ok {
			continue // deleted meanwhile
		}
		c.standing = st
		reason := c.step.Skip(st.Standing)
		var waID string
		if reason == "" && c.step.Messages() {
			n, err := phone.Parse(st.Phone)
			if err != nil {
				reason = dunning.SkipNoPhone
			}
			waID = n.Digits()
		}
		if reason != "" {
			count(c.step.Offset, reason, 1)
			continue
		}
		if !c.step.Messages() {
			escalate = append(escalate, c)
			continue
		}
		due := h.dueAt(p, st.LastReminder, started, today)
		key := dunning.Key(c.reach.CustomerID, c.reach.KeyDue)
		byCampaign[c.step.CampaignID] = append(byCampaign[c.step.CampaignID],
			campaign.NewRecipient(newID(), c.step.CampaignID, c.reach.CustomerID, key, waID, st.Name, "", due, started))
	}
	for _, s := range steps {
		rs := byCampaign[s.CampaignID]
		for start := 0; start < len(rs); start += 1000 {
			batch := rs[start:min(start+1000, len(rs))]
			var added int
			err := h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
				var err error
				added, err = tx.Recipients().Add(ctx, batch...)
				return err
			})
			if err != nil {
				return run, fmt.Errorf("add reminders of step %s: %w", s.Name(), err)
			}
			count(s.Offset, CountEnqueued, added)
			count(s.Offset, CountAlready, len(batch)-added)
			run.Enqueued += added
		}
	}
	if len(escalate) > 0 {
		n, err := h.escalate(ctx, escalate, today, started)
		run.Escalated = n
		count(escalate[0].step.Offset, CountEscalated, n) // only the last step escalates
		if err != nil {
			h.log.WarnContext(ctx, "dunning escalation", slog.Any("error", err))
		}
	}
	run.FinishedAt = h.clock.Now()
	if err := h.runs.Add(ctx, run); err != nil {
		return run, err
	}
	h.log.InfoContext(ctx, "dunning planner ran", slog.String("as_of", today.String()), slog.Int("enqueued", run.Enqueued),
		slog.Int("escalated", run.Escalated), slog.Duration("took", run.FinishedAt.Sub(started)))
	return run, nil
}

// dueAt is when a customer's new reminder goes out: now, or the start of
// the day after their latest reminder when that one is due or was sent
// today or later (one reminder per customer per day), deferred to the next
// allowed minute.
func (h *PlanReminders) dueAt(p *dunning.Policy, last, now time.Time, today date.Date) time.Time {
	at := now
	if !last.IsZero() {
		if day := h.org.Today(last); !day.Before(today) {
			at = p.NextAllowedDay(day.AddDays(1), h.org.Location)
		}
	}
	return p.NextAllowed(at, h.org.Location)
}

// escalate hands each customer's latest conversation to the next agent,
// round robin, with a note. It returns how many it escalated.
func (h *PlanReminders) escalate(ctx context.Context, cs []candidate, today date.Date, now time.Time) (int, error) {
	users, err := h.users.List(ctx)
	if err != nil {
		return 0, err
	}
	var agents []uuid.UUID
	for _, u := range users {
		if u.Role() == user.Agent {
			agents = append(agents, u.ID())
		}
	}
	last, err := h.escalations.LastAssignee(ctx)
	if err != nil {
		return 0, err
	}
	done := 0
	var errs []error
	for _, c := range cs {
		assignee := nextAgent(agents, last)
		ok, err := h.escalateOne(ctx, c, assignee, today, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if ok {
			done++
			if assignee != uuid.Nil {
				last = assignee
			}
		}
	}
	return done, errors.Join(errs...)
}

// nextAgent returns the agent after last in agents (the first when last is
// not among them), or Nil when there are none.
func nextAgent(agents []uuid.UUID, last uuid.UUID) uuid.UUID {
	if len(agents) == 0 {
		return uuid.Nil
	}
	for i, a := range agents {
		if a == last {
			return agents[(i+1)%len(agents)]
		}
	}
	return agents[0]
}

func (h *PlanReminders) escalateOne(ctx context.Context, c candidate, assignee uuid.UUID, today date.Date, now time.Time) (bool, error) {
	convs, err := h.conversations.List(ctx, ports.ConversationFilter{CustomerID: c.reach.CustomerID, Page: ports.Page{Limit: 1}})
	if err != nil {
		return false, err
	}
	e := ports.DunningEscalation{
		ID: newID(), CustomerID: c.reach.CustomerID, Offset: c.step.Offset, Key: dunning.Key(c.reach.CustomerID, c.reach.KeyDue),
		Note: escalationNote(today.DaysSince(c.reach.KeyDue), c.standing.Due, h.org.Language), CreatedAt: now,
	}
	if len(convs) == 0 {
		// Nobody would see an escalation without a conversation: not recorded
		// (the next run tries again, once the customer has written or been written to).
		return false, nil
	}
	e.ConversationID, e.AssigneeID = convs[0].ID(), assignee
	claimed, err := h.escalations.Claim(ctx, e)
	if err != nil || !claimed || e.ConversationID == uuid.Nil {
		return claimed, err
	}
	if assignee != uuid.Nil {
		_, err = h.manage.Assign(ctx, e.ConversationID, assignee, uuid.Nil)
	}
	if err == nil {
		_, err = h.manage.AddNote(ctx, e.ConversationID, e.Note, uuid.Nil)
	}
	if err != nil {
		if rerr := h.escalations.Release(ctx, e.ID); rerr != nil {
			return false, errors.Join(err, rerr)
		}
		return false, fmt.Errorf("escalate customer %s: %w", e.CustomerID, err)
	}
	return true, nil
}

// escalationNote is the note the agent finds in the conversation.
func escalationNote(days int, due []money.Money, lang string) string {
	parts := make([]string, len(due))
	for i, m := range due {
		parts[i] = m.Format(lang)
	}
	sort.Strings(parts)
	return fmt.Sprintf("Escalated by dunning: %d days overdue, balance %s", days, strings.Join(parts, " + "))
}
