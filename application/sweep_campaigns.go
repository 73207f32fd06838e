package application

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/ports"
)

// SweepCampaigns keeps campaigns moving; every worker runs it every few
// seconds. It starts the campaigns whose time came, hands running ones with
// due recipients to dispatch jobs (Shards of them, sending side by side),
// and marks finished the ones with nothing left to send. Dispatch jobs are
// keyed by this process's instance: after a crash a restarted worker
// dispatches at once instead of waiting for the dead process's jobs to be
// recovered.
type SweepCampaigns struct {
	campaigns ports.CampaignRepository
	uow       ports.UnitOfWork
	queue     ports.JobQueue
	shards    ports.ShardedJobQueue
	clock     ports.Clock
	log       *slog.Logger
	instance  string
	n         int
}

// NewSweepCampaigns returns the use case; shards is how many dispatch jobs a
// campaign gets per worker process.
func NewSweepCampaigns(campaigns ports.CampaignRepository, uow ports.UnitOfWork, queue ports.JobQueue, shards ports.ShardedJobQueue,
	clock ports.Clock, log *slog.Logger, n int,
) *SweepCampaigns {
	must(campaigns, uow, queue, shards, clock, log)
	return &SweepCampaigns{
		campaigns: campaigns, uow: uow, queue: queue, shards: shards, clock: clock, log: log,
		instance: uuid.NewString()[:8], n: max(1, n),
	}
}

// Handle sweeps once.
func (h *SweepCampaigns) Handle(ctx context.Context) error {
	now := h.clock.Now()
	due, running, err := h.campaigns.Active(ctx, now)
	if err != nil {
		return err
	}
	for _, id := range due {
		if err := h.queue.Enqueue(ctx, ports.JobStartCampaign, id, time.Time{}); err != nil {
			return err
		}
	}
	for _, id := range running {
		finished := false
		err := h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
			// Locked first: a webhook that sets a retry locks the campaign too,
			// so the count below sees its retry once it committed.
			c, err := tx.Campaigns().Lock(ctx, id)
			if err != nil {
				return err
			}
			counts, err := tx.Campaigns().Counters(ctx, id)
			if err != nil || counts[id].Pending > 0 {
				return err
			}
			if finished = c.Finish(h.clock.Now()); !finished {
				return nil
			}
			return tx.Campaigns().Save(ctx, c)
		})
		if err != nil {
			return err
		}
		if finished {
			h.log.InfoContext(ctx, "campaign finished", slog.String("campaign_id", id.String()))
			continue
		}
		for k := range h.n {
			if err := h.shards.EnqueueShard(ctx, ports.JobDispatchCampaign, id, h.instance+"-"+strconv.Itoa(k)); err != nil {
				return err
			}
		}
	}
	return nil
}
