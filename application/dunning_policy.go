package application

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/dunning"
	"github.com/saldocrm/saldo/domain/template"
	"github.com/saldocrm/saldo/ports"
)

// DunningDefaults is the template the default policy's steps send until
// finance chooses others.
type DunningDefaults struct {
	Template, Language string
	Variables          []campaign.Variable
}

// DefaultDunningVariables fit a template such as "Hola {{1}}, tu saldo de
// {{2}} vence o venció el {{3}}. Puedes pagarlo aquí: {{4}} .": the first
// name, the open balance, the due date of the oldest open invoice and a new
// payment link for the overdue ones.
var DefaultDunningVariables = []campaign.Variable{
	{Source: campaign.FirstName}, {Source: campaign.BalanceTotal}, {Source: campaign.DueDate}, {Source: campaign.PaymentLink},
}

// DunningPolicies reads and changes the organization's dunning policy. Each
// message step is sent by a dunning campaign (see campaign.Dunning) made or
// revised when the policy is saved; a step whose template is not approved
// yet (a policy saved before templates were synced) gets its campaign as
// soon as it is.
type DunningPolicies struct {
	policies  ports.DunningPolicyRepository
	templates ports.TemplateRepository
	numbers   ports.NumberRepository
	uow       ports.UnitOfWork
	clock     ports.Clock
	defaults  DunningDefaults
}

// NewDunningPolicies returns the use case.
func NewDunningPolicies(policies ports.DunningPolicyRepository, templates ports.TemplateRepository, numbers ports.NumberRepository,
	uow ports.UnitOfWork, clock ports.Clock, defaults DunningDefaults,
) *DunningPolicies {
	must(policies, templates, numbers, uow, clock)
	if defaults.Variables == nil {
		defaults.Variables = DefaultDunningVariables
	}
	return &DunningPolicies{policies: policies, templates: templates, numbers: numbers, uow: uow, clock: clock, defaults: defaults}
}

// Default returns the default policy, not stored.
func (h *DunningPolicies) Default() *dunning.Policy {
	p, err := dunning.New(newID(), dunning.DefaultDetails(h.defaults.Template, h.defaults.Language, h.defaults.Variables), h.clock.Now())
	if err != nil { // no default template configured: the steps wait for one
		d := dunning.DefaultDetails("-", "-", nil)
		return dunning.UnmarshalFromDatabase(newID(), d, h.clock.Now())
	}
	return p
}

// Get returns the stored policy, or the default one when none is stored
// (stored reports which).
func (h *DunningPolicies) Get(ctx context.Context) (p *dunning.Policy, stored bool, err error) {
	p, err = h.policies.Get(ctx)
	if errors.Is(err, dunning.ErrNotFound) {
		return h.Default(), false, nil
	}
	return p, err == nil, err
}

// SaveDefault stores the default policy when none is stored (the demo's
// seed); its campaigns are made once its template is approved.
func (h *DunningPolicies) SaveDefault(ctx context.Context) (*dunning.Policy, error) {
	p, stored, err := h.Get(ctx)
	if err != nil || stored {
		return p, err
	}
	return p, h.policies.Save(ctx, p)
}

// ErrStepTemplate is returned when a step's template cannot send it.
var ErrStepTemplate = domain.Errorf(domain.KindInvalid, "invalid_dunning_policy", "%s")

// Save checks d, makes or revises each message step's campaign and stores
// the policy. Every message step needs an approved template whose body
// variables its mapping fills.
func (h *DunningPolicies) Save(ctx context.Context, d dunning.Details) (*dunning.Policy, error) {
	old, stored, err := h.Get(ctx)
	if err != nil {
		return nil, err
	}
	id := newID()
	if stored {
		id = old.ID()
	}
	now := h.clock.Now()
	p, err := dunning.New(id, d, now)
	if err != nil {
		return nil, err
	}
	var problems []string
	for _, s := range p.Steps() {
		if !s.Messages() {
			continue
		}
		if _, err := h.template(ctx, s); err != nil {
			problems = append(problems, "step "+s.Name()+": "+err.Error())
		}
	}
	if len(problems) > 0 {
		return nil, ErrStepTemplate.New(strings.Join(problems, "; ")).WithDetails(problems...)
	}
	for _, s := range p.Steps() {
		if prev, ok := old.Step(s.Offset); ok && stored && s.Messages() {
			p.SetCampaign(s.Offset, prev.CampaignID, now)
		}
	}
	if err := h.makeCampaigns(ctx, p, true); err != nil {
		return nil, err
	}
	if err := h.policies.Save(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// Ready returns the policy the planner runs: the stored one (the default
// one is stored on first use), with a campaign for each message step whose
// template is approved.
func (h *DunningPolicies) Ready(ctx context.Context) (*dunning.Policy, error) {
	p, err := h.SaveDefault(ctx)
	if err != nil {
		return nil, err
	}
	before := p.Steps()
	if err := h.makeCampaigns(ctx, p, false); err != nil {
		return nil, err
	}
	for i, s := range p.Steps() {
		if s.CampaignID != before[i].CampaignID {
			return p, h.policies.Save(ctx, p)
		}
	}
	return p, nil
}

// template returns the approved template that sends step s, checked against
// its variables.
func (h *DunningPolicies) template(ctx context.Context, s dunning.Step) (*template.Template, error) {
	tpl, err := h.templates.Get(ctx, s.Template, s.Language)
	if errors.Is(err, template.ErrNotFound) {
		return nil, fmt.Errorf("template %s (%s) does not exist", s.Template, s.Language)
	}
	if err != nil {
		return nil, err
	}
	if err := tpl.CheckSend(len(s.Variables)); err != nil {
		return nil, err
	}
	return tpl, nil
}

// makeCampaigns gives each message step a running dunning campaign sending
// its template and variables. With revise, existing campaigns take the
// step's current settings; without it, only missing campaigns are made and
// steps whose template is not usable yet are left without one.
func (h *DunningPolicies) makeCampaigns(ctx context.Context, p *dunning.Policy, revise bool) error {
	var number uuid.UUID
	for _, s := range p.Steps() {
		if !s.Messages() || (s.CampaignID != uuid.Nil && !revise) {
			continue
		}
		tpl, err := h.template(ctx, s)
		if err != nil {
			if revise {
				return err
			}
			continue
		}
		if number == uuid.Nil {
			n, err := h.numbers.Default(ctx)
			if err != nil {
				if revise {
					return domain.Invalid("no_whatsapp_number", "configure a WhatsApp number before saving reminders: %s", err)
				}
				return nil
			}
			number = n.ID
		}
		now := h.clock.Now()
		name := "Dunning " + s.Name()
		err = h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
			if s.CampaignID != uuid.Nil {
				c, err := tx.Campaigns().Lock(ctx, s.CampaignID)
				switch {
				case errors.Is(err, campaign.ErrNotFound):
				case err != nil:
					return err
				case c.Details().Template == tpl.Name() && c.Details().Language == tpl.Language():
					if err := c.Revise(name, s.Variables, tpl, now); err != nil {
						return err
					}
					return tx.Campaigns().Save(ctx, c)
				}
				// Another template: a new campaign, so that each step's
				// history keeps what its reminders said.
			}
			// No retries of their own: a retry would go out at any hour, outside
			// the policy's sending hours; the next step reminds again.
			c, err := campaign.New(newID(), campaign.Dunning, campaign.Details{
				Name: name, NumberID: number, Variables: s.Variables, RetryIntervals: []time.Duration{},
			}, tpl, now)
			if err != nil {
				return err
			}
			if err := c.Start(now); err != nil {
				return err
			}
			p.SetCampaign(s.Offset, c.ID(), now)
			return tx.Campaigns().Save(ctx, c)
		})
		if err != nil {
			return fmt.Errorf("dunning step %s: %w", s.Name(), err)
		}
	}
	return nil
}
