package application

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/phone"
	"github.com/saldocrm/saldo/ports"
)

// screen sorts audience members into those a campaign sends to and those it
// skips: opted out, without a usable WhatsApp number, or a number an
// earlier member already has (one message per number).
type screen struct {
	seen map[string]bool
}

func newScreen() *screen { return &screen{seen: map[string]bool{}} }

// check returns the member's WhatsApp id and, when skipped, why.
func (s *screen) check(m ports.AudienceMember) (waID, reason string) {
	if m.Phone == "" {
		return "", campaign.SkipNoPhone
	}
	n, err := phone.Parse(m.Phone)
	if err != nil {
		return "", campaign.SkipNoPhone
	}
	waID = n.Digits()
	key := m.PhoneKey
	if key == "" {
		key = n.CanonicalKey()
	}
	switch {
	case m.OptedOut:
		return waID, campaign.SkipOptedOut
	case s.seen[key]:
		return waID, campaign.SkipDuplicate
	}
	s.seen[key] = true
	return waID, ""
}

// AudiencePreview says how many an audience reaches today, and who is
// skipped and why.
type AudiencePreview struct {
	Customers   int
	WillReceive int
	Skipped     map[string]int // by reason
	Sample      []string       // names of the first few who will receive it
}

// PreviewAudience counts an audience without sending anything.
type PreviewAudience struct {
	audience ports.AudienceQueries
	segments ports.SegmentRepository
	clock    ports.Clock
	org      Org
}

// NewPreviewAudience returns the query.
func NewPreviewAudience(audience ports.AudienceQueries, segments ports.SegmentRepository, clock ports.Clock, org Org) *PreviewAudience {
	must(audience, segments, clock)
	return &PreviewAudience{audience: audience, segments: segments, clock: clock, org: org}
}

// Handle previews the members of groups, of the saved segment segmentID, or
// of criteria (checked) when both are empty.
func (q *PreviewAudience) Handle(ctx context.Context, groups []uuid.UUID, segmentID uuid.UUID, criteria *campaign.Criteria) (AudiencePreview, error) {
	a := campaign.Audience{Groups: groups}
	switch {
	case segmentID != uuid.Nil:
		s, err := q.segments.Get(ctx, segmentID)
		if err != nil {
			return AudiencePreview{}, err
		}
		a = campaign.Audience{SegmentID: s.ID(), Criteria: s.Criteria()}
	case len(groups) == 0 && criteria != nil:
		c, err := criteria.Check()
		if err != nil {
			return AudiencePreview{}, err
		}
		a = campaign.Audience{Criteria: c}
	case len(groups) == 0:
		return AudiencePreview{}, campaign.ErrInvalid.New("choose the audience: one or more groups, or a segment")
	}
	p := AudiencePreview{Skipped: map[string]int{}}
	s := newScreen()
	err := q.audience.Members(ctx, a, q.org.Today(q.clock.Now()), func(ms []ports.AudienceMember) error {
		for _, m := range ms {
			p.Customers++
			if _, reason := s.check(m); reason != "" {
				p.Skipped[reason]++
				continue
			}
			p.WillReceive++
			if len(p.Sample) < 10 {
				p.Sample = append(p.Sample, m.Name)
			}
		}
		return nil
	})
	return p, err
}

// StartCampaign snapshots a due campaign's audience into recipients and
// marks it running, in one transaction: a start that dies leaves nothing
// behind, and a second start finds the campaign running and does nothing.
type StartCampaign struct {
	uow      ports.UnitOfWork
	audience ports.AudienceQueries
	clock    ports.Clock
	org      Org
	log      *slog.Logger
}

// NewStartCampaign returns the use case.
func NewStartCampaign(uow ports.UnitOfWork, audience ports.AudienceQueries, clock ports.Clock, org Org, log *slog.Logger) *StartCampaign {
	must(uow, audience, clock, log)
	return &StartCampaign{uow: uow, audience: audience, clock: clock, org: org, log: log}
}

// snapshotBatch is how many recipients one statement stores.
const snapshotBatch = 5000

// Handle starts campaign id if it is due; it returns how many recipients it stored.
func (h *StartCampaign) Handle(ctx context.Context, id uuid.UUID) (int, error) {
	total := 0
	began := time.Now()
	err := h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		c, err := tx.Campaigns().Lock(ctx, id)
		if err != nil {
			return err
		}
		now := h.clock.Now()
		if !c.Due(now) {
			return nil
		}
		s := newScreen()
		err = h.audience.Members(ctx, c.Details().Audience, h.org.Today(now), func(ms []ports.AudienceMember) error {
			rs := make([]*campaign.Recipient, 0, len(ms))
			for _, m := range ms {
				waID, reason := s.check(m)
				rs = append(rs, campaign.NewRecipient(uuid.Must(uuid.NewV7()), c.ID(), m.CustomerID, m.CustomerID.String(), waID, m.Name, reason, now, now))
			}
			for len(rs) > 0 {
				n := min(len(rs), snapshotBatch)
				added, err := tx.Recipients().Add(ctx, rs[:n]...)
				if err != nil {
					return err
				}
				total += added
				rs = rs[n:]
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("snapshot campaign %s: %w", id, err)
		}
		if err := c.Start(now); err != nil {
			return err
		}
		return tx.Campaigns().Save(ctx, c)
	})
	if err == nil && total > 0 {
		h.log.InfoContext(ctx, "campaign started", slog.String("campaign_id", id.String()), slog.Int("recipients", total),
			slog.Duration("snapshot", time.Since(began)))
	}
	return total, err
}
