package ports

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/dunning"
	"github.com/saldocrm/saldo/domain/money"
)

// JobPlanReminders runs the dunning planner; its reference names the time
// slot, so that every worker process enqueues a slot's run once.
const JobPlanReminders = "dunning:plan"

// DunningPolicyRepository stores the organization's dunning policy (one).
type DunningPolicyRepository interface {
	// Get returns the stored policy; none stored is dunning.ErrNotFound.
	Get(ctx context.Context) (*dunning.Policy, error)
	// Save stores p as the policy.
	Save(ctx context.Context, p *dunning.Policy) error
}

// DunningStepWindow is a step as the planner looks for customers reaching it.
type DunningStepWindow struct {
	Offset     int
	CampaignID uuid.UUID // Nil for the escalation
}

// DunningReach is a customer who reached a step: one of their open or paid
// invoices is due Offset days before a day of the planner's window.
type DunningReach struct {
	CustomerID uuid.UUID
	Offset     int
	// KeyDue is the oldest due date among the invoices that reached the step
	// and still owe an undisputed balance; zero when none does.
	KeyDue date.Date
	// Disputed reports that, of the invoices that reached the step, those
	// still owing are all disputed (KeyDue is zero then).
	Disputed bool
	// LaterSent reports that a later step already has a reminder (or an
	// escalation) for the same key: the step is not sent late after it.
	LaterSent bool
}

// StandingQuery asks for a customer's standing at a step: what they owe on
// invoices due by DueBy.
type StandingQuery struct {
	CustomerID uuid.UUID
	DueBy      date.Date
}

// CustomerStanding is a customer's standing with what sending needs.
type CustomerStanding struct {
	dunning.Standing
	Name  string
	Phone string // E.164, "" when unknown
	// LastReminder is when the customer's latest dunning reminder (not
	// skipped or failed) was sent or is due; zero when none.
	LastReminder time.Time
}

// DunningPlanQueries find the customers who reach steps, in SQL.
type DunningPlanQueries interface {
	// Reached returns, per customer, the latest step whose window holds the
	// due date of one of their open or paid invoices: due date + offset from
	// today − catchUp days to today.
	Reached(ctx context.Context, steps []DunningStepWindow, today date.Date, catchUp int) ([]DunningReach, error)
	// Standings returns each customer's standing on today, at now.
	Standings(ctx context.Context, qs []StandingQuery, today date.Date, now time.Time) (map[uuid.UUID]CustomerStanding, error)
}

// DunningRun is one planner run.
type DunningRun struct {
	ID         uuid.UUID
	StartedAt  time.Time
	FinishedAt time.Time
	AsOf       date.Date
	// Counts by step offset, then by "reached", "enqueued", "already" (planned
	// by an earlier run), "escalated" or a skip reason.
	Counts    map[int]map[string]int
	Enqueued  int
	Escalated int
}

// DunningRunRepository stores planner runs.
type DunningRunRepository interface {
	Add(ctx context.Context, r DunningRun) error
	// List returns the latest runs, newest first.
	List(ctx context.Context, limit int) ([]DunningRun, error)
}

// DunningEscalation is a customer handed to an agent by the last step.
type DunningEscalation struct {
	ID             uuid.UUID
	CustomerID     uuid.UUID
	Offset         int
	Key            string
	ConversationID uuid.UUID // Nil when the customer has no conversation
	AssigneeID     uuid.UUID
	Note           string
	CreatedAt      time.Time
}

// DunningEscalationRepository stores escalations, one per customer and key.
type DunningEscalationRepository interface {
	// Claim stores e unless the customer was escalated for the key already;
	// it reports whether it stored it.
	Claim(ctx context.Context, e DunningEscalation) (bool, error)
	// Release forgets a claimed escalation whose assignment failed.
	Release(ctx context.Context, id uuid.UUID) error
	// LastAssignee returns the agent the latest escalation went to (Nil: none).
	LastAssignee(ctx context.Context) (uuid.UUID, error)
}

// DunningLinkRepository remembers the payment link made for a reminder.
type DunningLinkRepository interface {
	// LinkFor returns the link made for key (Nil: none yet).
	LinkFor(ctx context.Context, key string) (uuid.UUID, error)
	// SaveLink records that linkID was made for key, replacing an earlier
	// link that can no longer be paid.
	SaveLink(ctx context.Context, key string, linkID uuid.UUID, at time.Time) error
}

// DunningStepResult is what a step's reminders achieved.
type DunningStepResult struct {
	Reminders int // planned, skipped ones included
	Skipped   int
	Pending   int
	Sent      int // delivered and read included
	Delivered int // read included
	Read      int
	Failed    int
	// Paid counts the customers who paid within the window after a reminder
	// was sent; Recovered sums those payments, per currency.
	Paid      int
	Recovered []money.Money
}

// DunningResultQueries measure the reminders' results.
type DunningResultQueries interface {
	// Results returns the results of each campaign's reminders; payments
	// count when received within window after a reminder was sent.
	Results(ctx context.Context, campaignIDs []uuid.UUID, window time.Duration) (map[uuid.UUID]DunningStepResult, error)
}
