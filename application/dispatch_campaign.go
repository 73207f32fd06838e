package application

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/group"
	"github.com/saldocrm/saldo/ports"
)

// DispatchConfig tunes campaign dispatch.
type DispatchConfig struct {
	Batch    int           // recipients claimed per transaction (default 100)
	Parallel int           // sends in flight per dispatcher (default 32)
	Slice    time.Duration // how long one dispatch job runs before the sweeper starts the next (default 50s)
	// InDoubtGrace is how long a send whose sendOutcome is unknown (its sender
	// died, or the answer was lost) waits for a status webhook naming it
	// before it is sent again (default 10 minutes).
	InDoubtGrace time.Duration
}

func (c DispatchConfig) withDefaults() DispatchConfig {
	if c.Batch <= 0 {
		c.Batch = 100
	}
	if c.Parallel <= 0 {
		c.Parallel = 32
	}
	if c.Slice <= 0 {
		c.Slice = 50 * time.Second
	}
	if c.InDoubtGrace <= 0 {
		c.InDoubtGrace = 10 * time.Minute
	}
	return c
}

// RecipientGuard checks, just before a send, that recipients should still
// get the message (a dunning reminder stops when the customer paid); it
// returns the reason to skip each one that should not.
type RecipientGuard interface {
	Check(ctx context.Context, c *campaign.Campaign, rs []campaign.RecipientSnapshot, now time.Time) (map[uuid.UUID]string, error)
}

// PaymentLinkMaker makes a payment link covering a customer's overdue
// invoices, for the payment_link variable. The same key makes the same link.
type PaymentLinkMaker interface {
	OverdueLink(ctx context.Context, customerID uuid.UUID, key string) (url string, err error)
}

// DispatchCampaign sends the due recipients of a running campaign, as fast
// as the number's shared rate limit allows, each exactly once:
//
//  1. a transaction claims a batch (pending → sending, attempts + 1);
//  2. the messages go out, each naming its recipient in
//     biz_opaque_callback_data;
//  3. a transaction records WhatsApp's ids, or the refusals (retried at the
//     campaign's intervals when they may pass).
//
// A sender that dies between 1 and 3 leaves recipients "sending". Their
// status webhooks, which carry the recipient's id, record them as sent; one
// that no webhook names within InDoubtGrace (and once every webhook received
// by then was applied) was never accepted and is sent again.
type DispatchCampaign struct {
	uow       ports.UnitOfWork
	campaigns ports.CampaignRepository
	numbers   ports.NumberRepository
	audience  ports.AudienceQueries
	gateway   ports.MessagingGateway
	limiter   ports.SendLimiter
	inbox     ports.WebhookInbox
	clock     ports.Clock
	org       Org
	log       *slog.Logger
	cfg       DispatchConfig
	links     PaymentLinkMaker
	guards    map[campaign.Kind]RecipientGuard
}

// NewDispatchCampaign returns the use case.
func NewDispatchCampaign(uow ports.UnitOfWork, campaigns ports.CampaignRepository, numbers ports.NumberRepository, audience ports.AudienceQueries,
	gateway ports.MessagingGateway, limiter ports.SendLimiter, inbox ports.WebhookInbox, clock ports.Clock, org Org, log *slog.Logger, cfg DispatchConfig,
) *DispatchCampaign {
	must(uow, campaigns, numbers, audience, gateway, limiter, inbox, clock, log)
	return &DispatchCampaign{
		uow: uow, campaigns: campaigns, numbers: numbers, audience: audience, gateway: gateway, limiter: limiter, inbox: inbox,
		clock: clock, org: org, log: log, cfg: cfg.withDefaults(), guards: map[campaign.Kind]RecipientGuard{},
	}
}

// Guard registers the guard of a kind of campaign.
func (h *DispatchCampaign) Guard(kind campaign.Kind, g RecipientGuard) { h.guards[kind] = g }

// Links sets who makes payment links for the payment_link variable.
func (h *DispatchCampaign) Links(m PaymentLinkMaker) { h.links = m }

// RecipientRef is the reference a recipient's message carries, echoed by its status webhooks.
func RecipientRef(id uuid.UUID) string { return "cr:" + id.String() }

// recipientOfRef reads a RecipientRef.
func recipientOfRef(ref string) (uuid.UUID, bool) {
	if len(ref) < 3 || ref[:3] != "cr:" {
		return uuid.Nil, false
	}
	id, err := uuid.Parse(ref[3:])
	return id, err == nil
}

// sendOutcome is what became of one send.
type sendOutcome struct {
	wamid     string
	failure   *conversation.Failure
	retryable bool
	inDoubt   bool   // the answer was lost: it may have been accepted
	notSent   bool   // never attempted (the dispatcher stopped)
	skip      string // not sent, for this reason
	params    []string
}

// Handle sends due recipients of campaign id until none is due or the
// job's slice of time is used up. It returns how many messages it sent.
func (h *DispatchCampaign) Handle(ctx context.Context, id uuid.UUID) (int, error) {
	start := h.clock.Now()
	c, err := h.campaigns.Get(ctx, id)
	if err != nil {
		return 0, err
	}
	if !c.Sending() {
		return 0, nil
	}
	number, err := h.numbers.Get(ctx, c.Details().NumberID)
	if err != nil {
		return 0, err
	}
	if err := h.releaseInDoubt(ctx, id); err != nil {
		return 0, err
	}
	sent := 0
	for h.clock.Now().Sub(start) < h.cfg.Slice && ctx.Err() == nil {
		if c, err = h.campaigns.Get(ctx, id); err != nil || !c.Sending() {
			return sent, err // paused or cancelled: stop at once
		}
		claimed, err := h.claim(ctx, id)
		if err != nil || len(claimed) == 0 {
			return sent, err
		}
		outcomes := h.prepare(ctx, c, claimed)
		n := h.send(ctx, c, number, claimed, outcomes)
		if err := h.record(ctx, c, claimed, outcomes); err != nil {
			return sent, err
		}
		sent += n
	}
	return sent, nil
}

func (h *DispatchCampaign) claim(ctx context.Context, id uuid.UUID) ([]campaign.RecipientSnapshot, error) {
	var out []campaign.RecipientSnapshot
	err := h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		rs, err := tx.Recipients().LockDue(ctx, id, h.clock.Now(), h.cfg.Batch)
		if err != nil || len(rs) == 0 {
			return err
		}
		now := h.clock.Now()
		out = make([]campaign.RecipientSnapshot, 0, len(rs))
		for _, r := range rs {
			r.Claim(now)
			out = append(out, r.Snapshot())
		}
		return tx.Recipients().Save(ctx, rs...)
	})
	return out, err
}

// prepare renders each claimed recipient's parameters, or says why it is
// skipped after all (opted out since the snapshot, stopped by a guard).
func (h *DispatchCampaign) prepare(ctx context.Context, c *campaign.Campaign, rs []campaign.RecipientSnapshot) []sendOutcome {
	out := make([]sendOutcome, len(rs))
	now := h.clock.Now()
	ids := make([]uuid.UUID, len(rs))
	for i, r := range rs {
		ids[i] = r.CustomerID
	}
	facts, err := h.audience.Facts(ctx, ids, h.org.Today(now))
	if err != nil {
		h.log.WarnContext(ctx, "campaign facts", slog.String("campaign_id", c.ID().String()), slog.Any("error", err))
		for i := range out {
			out[i].notSent = true
		}
		return out
	}
	var skips map[uuid.UUID]string
	if g := h.guards[c.Kind()]; g != nil {
		if skips, err = g.Check(ctx, c, rs, now); err != nil {
			h.log.WarnContext(ctx, "campaign guard", slog.String("campaign_id", c.ID().String()), slog.Any("error", err))
			for i := range out {
				out[i].notSent = true
			}
			return out
		}
	}
	vars := c.Details().Variables
	for i, r := range rs {
		f, ok := facts[r.CustomerID]
		switch {
		case !ok:
			out[i].skip = campaign.SkipNoPhone
		case f.OptedOut:
			out[i].skip = campaign.SkipOptedOut
		case skips[r.ID] != "":
			out[i].skip = skips[r.ID]
		}
		if out[i].skip != "" {
			continue
		}
		if campaign.NeedsPaymentLink(vars) {
			if h.links == nil {
				out[i].failure = &conversation.Failure{Title: "payment links are not available"}
				continue
			}
			url, err := h.links.OverdueLink(ctx, r.CustomerID, r.ID.String())
			if err != nil {
				out[i].failure, out[i].retryable = &conversation.Failure{Title: "payment link", Detail: err.Error()}, !Permanent(err)
				continue
			}
			f.PaymentLinkURL = url
		}
		out[i].params = campaign.Render(vars, f.Facts)
	}
	return out
}

// send sends every recipient that has parameters, taking send slots from
// the shared limiter as they free up. It returns how many it sent.
func (h *DispatchCampaign) send(ctx context.Context, c *campaign.Campaign, number conversation.BusinessNumber, rs []campaign.RecipientSnapshot, out []sendOutcome) int {
	todo := make([]int, 0, len(rs))
	for i := range rs {
		if out[i].params != nil {
			todo = append(todo, i)
		}
	}
	d := c.Details()
	sem := make(chan struct{}, h.cfg.Parallel)
	var wg sync.WaitGroup
	sent := 0
	for len(todo) > 0 {
		n, wait, err := h.limiter.Take(ctx, number.PhoneNumberID, len(todo))
		if err != nil || ctx.Err() != nil {
			h.log.WarnContext(ctx, "send limiter", slog.Any("error", err))
			for _, i := range todo {
				out[i].notSent = true
			}
			break
		}
		if n == 0 {
			// Sleep a little longer than the next slot needs: the slots that
			// free meanwhile are taken together (the limiter keeps a tenth of a
			// second of them), and fewer, longer sleeps overshoot less.
			sleepCtx(ctx, max(wait, 20*time.Millisecond))
			continue
		}
		for _, i := range todo[:n] {
			sem <- struct{}{}
			wg.Add(1)
			go func(i int) {
				defer func() { <-sem; wg.Done() }()
				content := conversation.Content{Type: conversation.Template, Template: &conversation.TemplateContent{
					Name: d.Template, Language: d.Language, BodyParams: out[i].params,
				}}
				wamid, err := h.gateway.Send(ctx, number, rs[i].WaID, content, RecipientRef(rs[i].ID))
				var refused *ports.SendError
				switch {
				case err == nil:
					out[i].wamid = wamid
				case errors.As(err, &refused) && refused.Retryable && refused.Failure.Code == 0:
					out[i].inDoubt = true // no answer: WhatsApp may have taken it
				case errors.As(err, &refused):
					out[i].failure, out[i].retryable = &refused.Failure, refused.Retryable
				default:
					out[i].inDoubt = true
				}
			}(i)
		}
		sent += n
		todo = todo[n:]
	}
	wg.Wait()
	return sent
}

// record stores the outcomes under a context the job's end cannot cancel:
// WhatsApp took the messages, and a lost record would send them again.
func (h *DispatchCampaign) record(ctx context.Context, c *campaign.Campaign, rs []campaign.RecipientSnapshot, out []sendOutcome) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	ids := make([]uuid.UUID, len(rs))
	byID := make(map[uuid.UUID]sendOutcome, len(rs))
	for i, r := range rs {
		ids[i], byID[r.ID] = r.ID, out[i]
	}
	return h.uow.Do(rctx, func(ctx context.Context, tx ports.Repos) error {
		locked, err := tx.Recipients().LockForStatus(ctx, nil, ids)
		if err != nil {
			return err
		}
		now := h.clock.Now()
		var failedFor []uuid.UUID
		for _, r := range locked {
			o := byID[r.ID()]
			r.Rendered(o.params)
			switch {
			case o.skip != "":
				r.Skip(o.skip, now)
			case o.notSent:
				r.Unclaim(now)
			case o.inDoubt:
			case o.failure != nil:
				at, again := c.RetryAt(r.Snapshot().Attempts, now)
				if r.Refused(*o.failure, o.retryable && again, at, now) {
					failedFor = append(failedFor, r.Snapshot().CustomerID)
				}
			default:
				r.Accepted(o.wamid, now)
			}
		}
		if err := tx.Recipients().Save(ctx, locked...); err != nil {
			return err
		}
		return moveFailed(ctx, tx, c, failedFor)
	})
}

// moveFailed puts customers whose send failed for good in the campaign's
// failure group, when it has one.
func moveFailed(ctx context.Context, tx ports.Repos, c *campaign.Campaign, customers []uuid.UUID) error {
	g := c.Details().FailureGroupID
	if g == uuid.Nil || len(customers) == 0 {
		return nil
	}
	_, err := tx.Groups().AddMembers(ctx, g, customers)
	if errors.Is(err, group.ErrNotFound) {
		return nil // deleted since: the failures are recorded all the same
	}
	if err != nil {
		return fmt.Errorf("move failed recipients to group %s: %w", g, err)
	}
	return nil
}

// releaseInDoubt makes sends whose sendOutcome stayed unknown past the grace
// due again, once every webhook received by then has been applied.
func (h *DispatchCampaign) releaseInDoubt(ctx context.Context, id uuid.UUID) error {
	now := h.clock.Now()
	before, err := resendableBefore(ctx, h.inbox, now, h.cfg.InDoubtGrace)
	if err != nil {
		return err
	}
	return h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		rs, err := tx.Recipients().LockInDoubt(ctx, id, before, 1000)
		if err != nil || len(rs) == 0 {
			return err
		}
		for _, r := range rs {
			r.Release(now)
		}
		h.log.InfoContext(ctx, "campaign sends in doubt are due again", slog.String("campaign_id", id.String()), slog.Int("recipients", len(rs)))
		return tx.Recipients().Save(ctx, rs...)
	})
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
