package application

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/ports"
)

// CreateCampaignCommand describes a campaign finance makes.
type CreateCampaignCommand struct {
	Name           string
	Template       string
	Language       string
	Variables      []campaign.Variable
	Groups         []uuid.UUID
	SegmentID      uuid.UUID
	ScheduledAt    time.Time // zero: send now
	RetryIntervals []time.Duration
	FailureGroupID uuid.UUID
	CreatedBy      uuid.UUID
}

// CreateCampaign saves a scheduled campaign. It starts at its time (or at
// once): the campaign sweeper and a delayed job both see to it.
type CreateCampaign struct {
	uow      ports.UnitOfWork
	segments ports.SegmentRepository
	numbers  ports.NumberRepository
	queue    ports.JobQueue
	clock    ports.Clock
}

// NewCreateCampaign returns the use case.
func NewCreateCampaign(uow ports.UnitOfWork, segments ports.SegmentRepository, numbers ports.NumberRepository, queue ports.JobQueue, clock ports.Clock) *CreateCampaign {
	must(uow, segments, numbers, queue, clock)
	return &CreateCampaign{uow: uow, segments: segments, numbers: numbers, queue: queue, clock: clock}
}

// Handle creates the campaign.
func (h *CreateCampaign) Handle(ctx context.Context, cmd CreateCampaignCommand) (*campaign.Campaign, error) {
	now := h.clock.Now()
	number, err := h.numbers.Default(ctx)
	if err != nil {
		return nil, err
	}
	aud := campaign.Audience{Groups: cmd.Groups}
	if cmd.SegmentID != uuid.Nil {
		seg, err := h.segments.Get(ctx, cmd.SegmentID)
		if err != nil {
			return nil, err
		}
		aud = campaign.Audience{SegmentID: seg.ID(), SegmentName: seg.Name(), Criteria: seg.Criteria()}
	}
	var c *campaign.Campaign
	err = h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		tpl, err := tx.Templates().Get(ctx, cmd.Template, cmd.Language)
		if err != nil {
			return err
		}
		if cmd.FailureGroupID != uuid.Nil {
			if _, err := tx.Groups().Get(ctx, cmd.FailureGroupID); err != nil {
				return err
			}
		}
		c, err = campaign.New(uuid.Must(uuid.NewV7()), campaign.Broadcast, campaign.Details{
			Name: cmd.Name, NumberID: number.ID, Variables: cmd.Variables, Audience: aud, ScheduledAt: cmd.ScheduledAt,
			RetryIntervals: cmd.RetryIntervals, FailureGroupID: cmd.FailureGroupID, CreatedBy: cmd.CreatedBy,
		}, tpl, now)
		if err != nil {
			return err
		}
		return tx.Campaigns().Save(ctx, c)
	})
	if err != nil {
		return nil, err
	}
	// Best effort: the sweeper starts it anyway within seconds of its time.
	_ = h.queue.Enqueue(ctx, ports.JobStartCampaign, c.ID(), c.Details().ScheduledAt)
	return c, nil
}

// ControlCampaign pauses, resumes and cancels campaigns.
type ControlCampaign struct {
	uow   ports.UnitOfWork
	clock ports.Clock
}

// NewControlCampaign returns the use case.
func NewControlCampaign(uow ports.UnitOfWork, clock ports.Clock) *ControlCampaign {
	must(uow, clock)
	return &ControlCampaign{uow: uow, clock: clock}
}

// Pause stops sending; sends under way finish.
func (h *ControlCampaign) Pause(ctx context.Context, id uuid.UUID) (*campaign.Campaign, error) {
	return h.apply(ctx, id, (*campaign.Campaign).Pause)
}

// Resume sends again.
func (h *ControlCampaign) Resume(ctx context.Context, id uuid.UUID) (*campaign.Campaign, error) {
	return h.apply(ctx, id, (*campaign.Campaign).Resume)
}

// Cancel stops the campaign for good and skips the recipients not sent yet.
func (h *ControlCampaign) Cancel(ctx context.Context, id uuid.UUID) (*campaign.Campaign, error) {
	c, err := h.apply(ctx, id, (*campaign.Campaign).Cancel)
	if err != nil {
		return nil, err
	}
	for {
		n := 0
		err := h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
			rs, err := tx.Recipients().LockUnsent(ctx, id, 1000)
			if err != nil {
				return err
			}
			n = len(rs)
			now := h.clock.Now()
			for _, r := range rs {
				r.Skip(campaign.SkipCancelled, now)
			}
			return tx.Recipients().Save(ctx, rs...)
		})
		if err != nil || n < 1000 {
			return c, err
		}
	}
}

func (h *ControlCampaign) apply(ctx context.Context, id uuid.UUID, act func(*campaign.Campaign, time.Time) error) (*campaign.Campaign, error) {
	var c *campaign.Campaign
	err := h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		var err error
		if c, err = tx.Campaigns().Lock(ctx, id); err != nil {
			return err
		}
		if err := act(c, h.clock.Now()); err != nil {
			return err
		}
		return tx.Campaigns().Save(ctx, c)
	})
	return c, err
}

// Segments saves, lists and deletes saved ledger segments.
type Segments struct {
	segments ports.SegmentRepository
	clock    ports.Clock
}

// NewSegments returns the use case.
func NewSegments(segments ports.SegmentRepository, clock ports.Clock) *Segments {
	must(segments, clock)
	return &Segments{segments: segments, clock: clock}
}

// Save creates a segment (id Nil) or changes one.
func (h *Segments) Save(ctx context.Context, id uuid.UUID, name string, c campaign.Criteria) (*campaign.Segment, error) {
	now := h.clock.Now()
	if id == uuid.Nil {
		s, err := campaign.NewSegment(uuid.Must(uuid.NewV7()), name, c, now)
		if err != nil {
			return nil, err
		}
		return s, h.segments.Save(ctx, s)
	}
	s, err := h.segments.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.Change(name, c, now); err != nil {
		return nil, err
	}
	return s, h.segments.Save(ctx, s)
}

// List lists the segments by name.
func (h *Segments) List(ctx context.Context) ([]*campaign.Segment, error) {
	return h.segments.List(ctx)
}

// Get returns a segment.
func (h *Segments) Get(ctx context.Context, id uuid.UUID) (*campaign.Segment, error) {
	return h.segments.Get(ctx, id)
}

// Delete deletes a segment; campaigns keep the criteria they were made with.
func (h *Segments) Delete(ctx context.Context, id uuid.UUID) error { return h.segments.Delete(ctx, id) }
