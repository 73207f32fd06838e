package application

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/ports"
)

// campaignReplyWindow is how long after a campaign wrote to a customer their
// messages count as answers to it.
const campaignReplyWindow = 72 * time.Hour

// answersCampaign links a customer's new message to the campaign that last
// wrote to them, if one did lately, so the inbox shows what it answers.
func answersCampaign(ctx context.Context, tx ports.Repos, m *conversation.Message, waID string, now time.Time) error {
	id, err := tx.Recipients().LatestTo(ctx, waID, now.Add(-campaignReplyWindow))
	if err != nil {
		return err
	}
	if id != uuid.Nil {
		m.AnswersCampaign(id)
	}
	return nil
}

// applyRecipientStatuses moves campaign recipients forward as status
// webhooks say, found by WhatsApp's id or by the recipient reference the send
// carried (a send whose answer was lost is recorded here). A failure is
// retried at the campaign's intervals when Meta's code says it may pass.
// It returns how many statuses named nothing Saldo knows.
func applyRecipientStatuses(ctx context.Context, tx ports.Repos, statuses []conversation.StatusEvent, now time.Time) (int, error) {
	if len(statuses) == 0 {
		return 0, nil
	}
	wamids := make([]string, 0, len(statuses))
	var ids []uuid.UUID
	for _, s := range statuses {
		wamids = append(wamids, s.WAMID)
		if id, ok := recipientOfRef(s.Ref); ok {
			ids = append(ids, id)
		}
	}
	rs, err := tx.Recipients().LockForStatus(ctx, wamids, ids)
	if err != nil {
		return 0, err
	}
	byWAMID := make(map[string]*campaign.Recipient, len(rs))
	byID := make(map[uuid.UUID]*campaign.Recipient, len(rs))
	for _, r := range rs {
		byID[r.ID()] = r
		if w := r.Snapshot().WAMID; w != "" {
			byWAMID[w] = r
		}
	}
	campaigns := map[uuid.UUID]*campaign.Campaign{}
	changed := map[uuid.UUID]*campaign.Recipient{}
	failedFor := map[uuid.UUID][]uuid.UUID{}
	unknown := 0
	for _, s := range statuses {
		r := byWAMID[s.WAMID]
		if id, ok := recipientOfRef(s.Ref); r == nil && ok {
			r = byID[id]
		}
		if r == nil {
			unknown++
			continue
		}
		snap := r.Snapshot()
		if snap.WAMID != "" && snap.WAMID != s.WAMID {
			continue // news of an earlier attempt that failed and was retried
		}
		if s.Status != conversation.Failed {
			if r.Advance(s.Status, s.WAMID, s.At) {
				changed[r.ID()] = r
			}
			continue
		}
		if snap.Status == campaign.Failed || snap.Status == campaign.Skipped || snap.Status == campaign.Read {
			continue
		}
		c, ok := campaigns[snap.CampaignID]
		if !ok {
			if c, err = tx.Campaigns().Lock(ctx, snap.CampaignID); err != nil {
				return 0, err
			}
			campaigns[snap.CampaignID] = c
		}
		f := conversation.Failure{Code: 0, Title: "failed"}
		if s.Failure != nil {
			f = *s.Failure
		}
		at, again := c.RetryAt(snap.Attempts, now)
		if r.Refused(f, again && conversation.RetryableCode(f.Code), at, now) {
			failedFor[c.ID()] = append(failedFor[c.ID()], snap.CustomerID)
		} else if c.Reopen(now) { // the retry is due after the campaign finished
			if err := tx.Campaigns().Save(ctx, c); err != nil {
				return 0, err
			}
		}
		changed[r.ID()] = r
	}
	save := make([]*campaign.Recipient, 0, len(changed))
	for _, r := range rs {
		if changed[r.ID()] != nil {
			save = append(save, r)
		}
	}
	if err := tx.Recipients().Save(ctx, save...); err != nil {
		return 0, err
	}
	for id, customers := range failedFor {
		if err := moveFailed(ctx, tx, campaigns[id], customers); err != nil {
			return 0, err
		}
	}
	return unknown, nil
}
