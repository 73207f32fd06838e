package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/queue"
	"github.com/saldocrm/saldo/api/console"
	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/campaign"
)

// dunningConfig tunes the reminder planner.
type dunningConfig struct {
	Every    time.Duration // DUNNING_PLANNER_INTERVAL: how often the planner runs (default 15m)
	Template string        // DUNNING_TEMPLATE: name:language the default policy's steps send (default recordatorio_cobro:es)
	Language string
}

func loadDunningConfig() (dunningConfig, []error) {
	var problems []error
	c := dunningConfig{}
	every, err := time.ParseDuration(env("DUNNING_PLANNER_INTERVAL", "15m"))
	if err != nil || every < time.Second || every > 24*time.Hour {
		problems = append(problems, errors.New("DUNNING_PLANNER_INTERVAL must be a duration from 1s to 24h, e.g. 15m"))
	}
	c.Every = every
	c.Template, c.Language = templateRef(env("DUNNING_TEMPLATE", "recordatorio_cobro:es"))
	return c, problems
}

// dunningParts are the dunning use cases.
type dunningParts struct {
	repo     *postgres.DunningRepository
	policies *application.DunningPolicies
	plan     *application.PlanReminders
	queries  *application.DunningQueries
}

// dunningConsole is what the dunning page needs, with the demo clock's
// control when there is one.
func (a *app) dunningConsole() *console.DunningDeps {
	d := &console.DunningDeps{Policies: a.dunning.policies, Plan: a.dunning.plan, Queries: a.dunning.queries}
	if demo := a.cfg.demoClock; demo != nil {
		d.AdvanceClock = func(days int) {
			offset := demo.Advance(time.Duration(days) * 24 * time.Hour)
			a.log.Info("demo clock moved", slog.Int("days", days), slog.Duration("offset", offset))
		}
	}
	return d
}

// wireDunning builds the dunning engine on top of the campaign dispatch:
// reminders are recipients of dunning campaigns, checked by the reminder
// guard just before they are sent, with payment links made per reminder.
func (a *app) wireDunning() {
	org := a.cfg.Org
	repo := postgres.NewDunningRepository(a.db)
	p := &dunningParts{repo: repo}
	p.policies = application.NewDunningPolicies(repo, a.templates, a.numbers, a.uow, a.clock,
		application.DunningDefaults{Template: a.cfg.Dunning.Template, Language: a.cfg.Dunning.Language})
	manage := application.NewManageConversation(a.uow, a.customers, a.users, a.clock)
	p.plan = application.NewPlanReminders(p.policies, repo, repo, repo, a.uow, a.conversations, a.users, manage, a.queue, a.clock, org, a.log)
	p.queries = application.NewDunningQueries(p.policies, repo, repo, postgres.NewRecipientRepository(a.db))
	a.campaigns.dispatch.Guard(campaign.Dunning, application.NewReminderGuard(repo, repo, org))
	createLink := application.NewCreatePaymentLink(a.customers, a.invoices, a.links, a.provider, a.clock, org, a.cfg.Payments.LinkLifetime)
	a.campaigns.dispatch.Links(application.NewOverdueLinks(createLink, repo, a.links, a.invoices, postgres.NewDisputeRepository(a.db), a.clock, org))
	a.dunning = p
}

// dunningPlanner enqueues the planner's run every interval, one task per
// time slot whichever worker processes enqueue it.
func (a *app) dunningPlanner(ctx context.Context, g *errgroup.Group) {
	every := a.cfg.Dunning.Every
	if every <= 0 {
		every = 15 * time.Minute
	}
	g.Go(func() error {
		queue.Every(ctx, every, "dunning planner", a.log, func(ctx context.Context) error {
			return a.dunning.plan.Schedule(ctx, every)
		})
		return nil
	})
}
