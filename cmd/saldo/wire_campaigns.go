package main

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/queue"
	"github.com/saldocrm/saldo/api"
	"github.com/saldocrm/saldo/api/console"
	"github.com/saldocrm/saldo/application"
)

// campaignParts are the campaign use cases and what they run on.
type campaignParts struct {
	repo     *postgres.CampaignRepository
	segments *postgres.SegmentRepository
	audience *postgres.AudienceQueries
	limiter  *queue.SendLimiter

	create   *application.CreateCampaign
	control  *application.ControlCampaign
	preview  *application.PreviewAudience
	start    *application.StartCampaign
	dispatch *application.DispatchCampaign
	sweep    *application.SweepCampaigns
	segs     *application.Segments
	queries  *application.CampaignQueries
}

// wireCampaigns builds the campaign use cases.
func (a *app) wireCampaigns() error {
	redisOpt, err := queue.Connection(a.cfg.RedisURL)
	if err != nil {
		return err
	}
	cfg := a.cfg.Campaigns.withDefaults()
	a.cfg.Campaigns = cfg
	a.sweepGrace, a.sweepEvery = cfg.WebhookRetryAfter, max(time.Second, cfg.WebhookRetryAfter/2)
	limiter, err := queue.NewSendLimiter(redisOpt, cfg.SendRate)
	if err != nil {
		return fmt.Errorf("WHATSAPP_SEND_RATE: %w", err)
	}
	a.deliver.Throttle(limiter)
	a.deliver.InDoubt(a.inbox, cfg.InDoubtGrace)
	p := &campaignParts{
		repo: postgres.NewCampaignRepository(a.db), segments: postgres.NewSegmentRepository(a.db),
		audience: postgres.NewAudienceQueries(a.db), limiter: limiter,
	}
	org := a.cfg.Org
	p.create = application.NewCreateCampaign(a.uow, p.segments, a.numbers, a.queue, a.clock)
	p.control = application.NewControlCampaign(a.uow, a.clock)
	p.preview = application.NewPreviewAudience(p.audience, p.segments, a.clock, org)
	p.start = application.NewStartCampaign(a.uow, p.audience, a.clock, org, a.log)
	p.dispatch = application.NewDispatchCampaign(a.uow, p.repo, a.numbers, p.audience, a.gateway, limiter, a.inbox, a.clock, org, a.log,
		application.DispatchConfig{InDoubtGrace: cfg.InDoubtGrace})
	p.sweep = application.NewSweepCampaigns(p.repo, a.uow, a.queue, a.queue, a.clock, a.log, cfg.Dispatchers)
	p.segs = application.NewSegments(p.segments, a.clock)
	p.queries = application.NewCampaignQueries(p.repo, postgres.NewRecipientRepository(a.db), a.customers, a.templates, p.segments, p.audience,
		a.clock, org)
	a.campaigns = p
	return nil
}

// campaignAPI is what the REST API needs of campaigns.
func (a *app) campaignAPI() api.CampaignDeps {
	p := a.campaigns
	return api.CampaignDeps{Create: p.create, Control: p.control, Queries: p.queries, Preview: p.preview, Segments: p.segs}
}

// campaignConsole is what the console's campaign pages need.
func (a *app) campaignConsole() *console.CampaignDeps {
	p := a.campaigns
	return &console.CampaignDeps{Create: p.create, Control: p.control, Queries: p.queries, Preview: p.preview, Segments: p.segs}
}

// campaignSweeper runs the campaign sweeper in g until ctx ends.
func (a *app) campaignSweeper(ctx context.Context, g *errgroup.Group) {
	g.Go(func() error {
		queue.Every(ctx, a.cfg.Campaigns.SweepEvery, "campaign sweeper", a.log, a.campaigns.sweep.Handle)
		return nil
	})
}
