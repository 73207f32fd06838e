package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/dunning"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/ports"
)

// DunningDeps are the dunning engine's use cases.
type DunningDeps struct {
	Policies *application.DunningPolicies
	Plan     *application.PlanReminders
	Queries  *application.DunningQueries
}

func (h *handlers) dunningRoutes(read, write *gin.RouterGroup) {
	if h.Dunning.Policies == nil {
		return
	}
	read.GET("/dunning/policy", h.getDunningPolicy)
	write.PUT("/dunning/policy", h.putDunningPolicy)
	write.POST("/dunning/run", h.runDunning)
	read.GET("/dunning/runs", h.listDunningRuns)
	read.GET("/dunning/results", h.dunningResults)
	read.GET("/customers/:id/reminders", h.customerReminders)
}

// DunningVariable fills one template variable: a source, or fixed text.
type DunningVariable struct {
	Source string `json:"source" example:"account.overdue_total" enums:"customer.first_name,customer.name,customer.external_id,account.overdue_total,account.balance_total,account.overdue_count,account.oldest_due_date,account.due_date,account.days_overdue,account.overdue_invoices,payment_link,text"`
	Text   string `json:"text,omitempty"`
} // @name DunningVariable

// DunningMinimum is a step's minimum balance: customers owing less (in that
// currency) are skipped; balances in other currencies pass.
type DunningMinimum struct {
	Amount   Amount `json:"amount" swaggertype:"string" example:"50000.00"`
	Currency string `json:"currency" example:"COP"`
} // @name DunningMinimum

// DunningStep is one step of the policy.
type DunningStep struct {
	Offset     int               `json:"offset" example:"7"`           // days from the due date: -3 is three days before
	Name       string            `json:"name,omitempty" example:"D+7"` // read only
	Kind       string            `json:"kind" example:"message" enums:"message,escalate"`
	Template   string            `json:"template,omitempty" example:"recordatorio_pago"`
	Language   string            `json:"language,omitempty" example:"es"`
	Variables  []DunningVariable `json:"variables"`
	MinBalance *DunningMinimum   `json:"min_balance,omitempty"`
	CampaignID *uuid.UUID        `json:"campaign_id,omitempty"` // read only: the dunning campaign that sends it
} // @name DunningStep

// DunningPolicy is the organization's reminder schedule.
type DunningPolicy struct {
	Steps     []DunningStep `json:"steps"`
	SendFrom  string        `json:"send_from" example:"08:00"`  // local time in the organization's zone
	SendUntil string        `json:"send_until" example:"20:00"` // exclusive
	Weekdays  []string      `json:"weekdays" example:"mon,tue,wed,thu,fri,sat"`
	Stored    bool          `json:"stored"` // false: the default policy, not saved yet
	UpdatedAt *time.Time    `json:"updated_at,omitempty"`
} // @name DunningPolicy

// DunningPolicyInput replaces the policy.
type DunningPolicyInput struct {
	Steps     []DunningStep `json:"steps"`
	SendFrom  string        `json:"send_from" example:"08:00"`
	SendUntil string        `json:"send_until" example:"20:00"`
	Weekdays  []string      `json:"weekdays" example:"mon,tue,wed,thu,fri,sat"`
} // @name DunningPolicyInput

func dunningPolicyDTO(p *dunning.Policy, stored bool) DunningPolicy {
	d := p.Details()
	out := DunningPolicy{SendFrom: dunning.FormatClock(d.SendFrom), SendUntil: dunning.FormatClock(d.SendUntil), Stored: stored, Weekdays: []string{}}
	for _, w := range d.Weekdays {
		out.Weekdays = append(out.Weekdays, dunning.WeekdayName(w))
	}
	if stored {
		at := p.UpdatedAt()
		out.UpdatedAt = &at
	}
	for _, s := range d.Steps {
		out.Steps = append(out.Steps, dunningStepDTO(s))
	}
	return out
}

func dunningStepDTO(s dunning.Step) DunningStep {
	st := DunningStep{Offset: s.Offset, Name: s.Name(), Kind: string(s.Kind), Template: s.Template, Language: s.Language, Variables: []DunningVariable{}}
	for _, v := range s.Variables {
		st.Variables = append(st.Variables, DunningVariable{Source: string(v.Source), Text: v.Text})
	}
	if !s.MinBalance.Currency().IsZero() {
		st.MinBalance = &DunningMinimum{Amount: Amount(s.MinBalance.StringFixed()), Currency: s.MinBalance.Currency().Code()}
	}
	if s.CampaignID != uuid.Nil {
		id := s.CampaignID
		st.CampaignID = &id
	}
	return st
}

// dunningDetails reads a policy input; the domain checks the rules.
func dunningDetails(in DunningPolicyInput) (dunning.Details, error) {
	var d dunning.Details
	var err error
	if d.SendFrom, err = dunning.ParseClock(in.SendFrom); err != nil {
		return d, err
	}
	if d.SendUntil, err = dunning.ParseClock(in.SendUntil); err != nil {
		return d, err
	}
	for _, w := range in.Weekdays {
		day, err := dunning.ParseWeekday(w)
		if err != nil {
			return d, err
		}
		d.Weekdays = append(d.Weekdays, day)
	}
	for _, s := range in.Steps {
		kind, err := dunning.ParseStepKind(s.Kind)
		if err != nil {
			return d, err
		}
		step := dunning.Step{Offset: s.Offset, Kind: kind, Template: strings.TrimSpace(s.Template), Language: strings.TrimSpace(s.Language)}
		for _, v := range s.Variables {
			step.Variables = append(step.Variables, campaign.Variable{Source: campaign.Source(strings.TrimSpace(v.Source)), Text: v.Text})
		}
		if s.MinBalance != nil && strings.TrimSpace(string(s.MinBalance.Amount)) != "" {
			if step.MinBalance, err = parseMoney(s.MinBalance.Amount, s.MinBalance.Currency); err != nil {
				return d, err
			}
		}
		d.Steps = append(d.Steps, step)
	}
	return d, nil
}

// getDunningPolicy godoc
//
//	@Summary		The dunning policy
//	@Description	The reminder steps relative to invoices' due dates, the sending hours and days (in the organization's time zone). Until one is saved, the default policy is answered (stored false): reminders 3 days before the due date, on it, and 7, 15 and 30 days after, 08:00–20:00, Monday to Saturday.
//	@Tags			dunning
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	DunningPolicy
//	@Failure		401	{object}	ErrorBody
//	@Router			/api/v1/dunning/policy [get]
func (h *handlers) getDunningPolicy(c *gin.Context) {
	p, stored, err := h.Dunning.Policies.Get(c.Request.Context())
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, dunningPolicyDTO(p, stored))
}

// putDunningPolicy godoc
//
//	@Summary		Replace the dunning policy
//	@Description	Steps have unique offsets from -60 to 365 days; each message step names an approved template and one variable per {{n}} of its body (payment_link makes a fresh payment link covering the customer's overdue invoices); only the last step may be kind escalate (it assigns the customer's conversation to an agent, round robin, with a note, instead of messaging). Sending hours are HH:MM, the end exclusive. Reminders already planned keep their time.
//	@Tags			dunning
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			policy	body		DunningPolicyInput	true	"the policy"
//	@Success		200		{object}	DunningPolicy
//	@Failure		400		{object}	ErrorBody
//	@Failure		401		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/dunning/policy [put]
func (h *handlers) putDunningPolicy(c *gin.Context) {
	var in DunningPolicyInput
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	d, err := dunningDetails(in)
	if err != nil {
		_ = c.Error(err)
		return
	}
	p, err := h.Dunning.Policies.Save(c.Request.Context(), d)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, dunningPolicyDTO(p, true))
}

// DunningRun is one run of the reminder planner.
type DunningRun struct {
	ID         uuid.UUID `json:"id"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	AsOf       string    `json:"as_of" example:"2026-11-22"` // the organization's day it planned for
	Enqueued   int       `json:"enqueued"`
	Escalated  int       `json:"escalated"`
	// Counts per step name: reached, enqueued, already (planned by an
	// earlier run), later (a later step went out), escalated, and the skip
	// reasons paid, disputed, opted_out, no_phone, promise_pending,
	// agent_active, below_minimum, template_unavailable.
	Counts map[string]map[string]int `json:"counts"`
} // @name DunningRun

// DunningRunList is the latest runs, newest first.
type DunningRunList struct {
	Items []DunningRun `json:"items"`
} // @name DunningRunList

func dunningRunDTO(r ports.DunningRun) DunningRun {
	out := DunningRun{
		ID: r.ID, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, AsOf: r.AsOf.String(), Enqueued: r.Enqueued, Escalated: r.Escalated,
		Counts: map[string]map[string]int{},
	}
	for o, c := range r.Counts {
		out.Counts[dunning.StepName(o)] = c
	}
	return out
}

// runDunning godoc
//
//	@Summary		Run the reminder planner now
//	@Description	Plans today's reminders at once instead of waiting for the next periodic run (every DUNNING_PLANNER_INTERVAL). Running it again adds nothing already planned. Reminders go out at the next allowed minute through the campaign dispatch.
//	@Tags			dunning
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	DunningRun
//	@Failure		401	{object}	ErrorBody
//	@Router			/api/v1/dunning/run [post]
func (h *handlers) runDunning(c *gin.Context) {
	r, err := h.Dunning.Plan.Handle(c.Request.Context())
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, dunningRunDTO(r))
}

// listDunningRuns godoc
//
//	@Summary	The reminder planner's latest runs, with skip counts by step and reason
//	@Tags		dunning
//	@Produce	json
//	@Security	BearerAuth
//	@Param		limit	query		int	false	"at most, 1 to 200 (default 50)"
//	@Success	200		{object}	DunningRunList
//	@Failure	400		{object}	ErrorBody
//	@Failure	401		{object}	ErrorBody
//	@Router		/api/v1/dunning/runs [get]
func (h *handlers) listDunningRuns(c *gin.Context) {
	p, err := page(c)
	if err != nil {
		_ = c.Error(err)
		return
	}
	runs, err := h.Dunning.Queries.Runs(c.Request.Context(), p.Limit)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, DunningRunList{Items: mapItems(runs, dunningRunDTO)})
}

// MoneyAmount is an amount in a currency.
type MoneyAmount struct {
	Amount   string `json:"amount" example:"1250000.00"`
	Currency string `json:"currency" example:"COP"`
} // @name MoneyAmount

// DunningStepResult is what one step's reminders achieved.
type DunningStepResult struct {
	Step      string        `json:"step" example:"D+7"`
	Offset    int           `json:"offset" example:"7"`
	Kind      string        `json:"kind" example:"message"`
	Reminders int           `json:"reminders"` // planned
	Pending   int           `json:"pending"`
	Skipped   int           `json:"skipped"` // stopped just before sending (paid, promised, …)
	Sent      int           `json:"sent"`    // delivered and read included
	Delivered int           `json:"delivered"`
	Read      int           `json:"read"`
	Failed    int           `json:"failed"`
	Paid      int           `json:"paid_within_7_days"` // customers who paid within 7 days after a reminder
	Recovered []MoneyAmount `json:"amount_recovered"`   // what they paid then, per currency
} // @name DunningStepResult

// DunningResults are the results per step.
type DunningResults struct {
	Items []DunningStepResult `json:"items"`
} // @name DunningResults

// dunningResults godoc
//
//	@Summary		Reminder results per step
//	@Description	Per step of the policy: reminders sent, delivered and read, and the customers who paid within 7 days after a reminder was sent, with the amount recovered (their payments in that window, less refunds) per currency.
//	@Tags			dunning
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	DunningResults
//	@Failure		401	{object}	ErrorBody
//	@Router			/api/v1/dunning/results [get]
func (h *handlers) dunningResults(c *gin.Context) {
	res, err := h.Dunning.Queries.Results(c.Request.Context())
	if err != nil {
		_ = c.Error(err)
		return
	}
	out := DunningResults{Items: make([]DunningStepResult, len(res))}
	for i, r := range res {
		out.Items[i] = DunningStepResult{
			Step: r.Step.Name(), Offset: r.Step.Offset, Kind: string(r.Step.Kind), Reminders: r.Reminders, Pending: r.Pending,
			Skipped: r.Skipped, Sent: r.Sent, Delivered: r.Delivered, Read: r.Read, Failed: r.Failed, Paid: r.Paid,
			Recovered: moneyAmounts(r.Recovered),
		}
	}
	c.JSON(http.StatusOK, out)
}

func moneyAmounts(ms []money.Money) []MoneyAmount {
	out := make([]MoneyAmount, len(ms))
	for i, m := range ms {
		out[i] = MoneyAmount{Amount: m.StringFixed(), Currency: m.Currency().Code()}
	}
	return out
}

// Reminder is one dunning reminder of a customer.
type Reminder struct {
	ID          uuid.UUID  `json:"id"`
	Step        string     `json:"step" example:"D+7"`
	CampaignID  uuid.UUID  `json:"campaign_id"`
	Status      string     `json:"status" example:"delivered" enums:"pending,sending,sent,delivered,read,failed,skipped"`
	SkipReason  string     `json:"skip_reason,omitempty" example:"paid"`
	Error       string     `json:"error,omitempty"` // why it failed
	WaID        string     `json:"wa_id" example:"573001234567"`
	Params      []string   `json:"params"` // the template's parameters as sent
	DueAt       *time.Time `json:"due_at,omitempty"`
	SentAt      *time.Time `json:"sent_at,omitempty"`
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
	ReadAt      *time.Time `json:"read_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
} // @name Reminder

// ReminderList is a customer's reminders, newest first.
type ReminderList struct {
	Items []Reminder `json:"items"`
} // @name ReminderList

// customerReminders godoc
//
//	@Summary	A customer's dunning reminders, newest first, with their delivery status
//	@Tags		dunning
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id		path		string	true	"customer id (UUID) or the ERP's external id"
//	@Param		limit	query		int		false	"at most, 1 to 500 (default 50)"
//	@Success	200		{object}	ReminderList
//	@Failure	400		{object}	ErrorBody
//	@Failure	401		{object}	ErrorBody
//	@Failure	404		{object}	ErrorBody
//	@Router		/api/v1/customers/{id}/reminders [get]
func (h *handlers) customerReminders(c *gin.Context) {
	id, p, err := h.knownCustomer(c)
	if err != nil {
		_ = c.Error(err)
		return
	}
	rs, err := h.Dunning.Queries.CustomerReminders(c.Request.Context(), id, p.Limit)
	if err != nil {
		_ = c.Error(err)
		return
	}
	out := ReminderList{Items: make([]Reminder, len(rs))}
	for i, r := range rs {
		out.Items[i] = Reminder{
			ID: r.ID, Step: r.Step, CampaignID: r.CampaignID, Status: string(r.Status), SkipReason: r.SkipReason, WaID: r.WaID,
			Params: r.Params, DueAt: optTime(r.NextAttemptAt), SentAt: optTime(r.SentAt), DeliveredAt: optTime(r.DeliveredAt),
			ReadAt: optTime(r.ReadAt), CreatedAt: r.CreatedAt,
		}
		if out.Items[i].Params == nil {
			out.Items[i].Params = []string{}
		}
		if f := r.Failure; f != nil {
			out.Items[i].Error = strings.TrimSpace(f.Title + " " + f.Detail)
		}
	}
	c.JSON(http.StatusOK, out)
}
