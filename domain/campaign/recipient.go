package campaign

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/conversation"
)

// RecipientStatus is where one recipient's message is.
type RecipientStatus string

// The recipient statuses. Sending means a sender took the recipient and has
// not recorded the outcome yet: if it died, whether WhatsApp accepted the
// message is unknown until a status webhook tells (see Sending).
const (
	Pending   RecipientStatus = "pending"
	Sending   RecipientStatus = "sending"
	Sent      RecipientStatus = "sent"
	Delivered RecipientStatus = "delivered"
	Read      RecipientStatus = "read"
	Failed    RecipientStatus = "failed"
	Skipped   RecipientStatus = "skipped"
)

// Why recipients are skipped.
const (
	SkipOptedOut  = "opted_out"
	SkipNoPhone   = "no_phone"
	SkipDuplicate = "duplicate_phone"
	SkipCancelled = "cancelled"
)

var recipientRank = map[RecipientStatus]int{Pending: 0, Sending: 0, Sent: 1, Delivered: 2, Read: 3}

// Recipient is one customer a campaign sends to.
type Recipient struct {
	s RecipientSnapshot
}

// RecipientSnapshot is a recipient's state, for adapters and read models.
type RecipientSnapshot struct {
	ID            uuid.UUID
	CampaignID    uuid.UUID
	CustomerID    uuid.UUID
	DedupeKey     string
	WaID          string
	Contact       string
	Status        RecipientStatus
	SkipReason    string
	Params        []string
	WAMID         string
	Attempts      int
	NextAttemptAt time.Time
	ClaimedAt     time.Time
	Failure       *conversation.Failure
	SentAt        time.Time
	DeliveredAt   time.Time
	ReadAt        time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// NewRecipient returns a recipient due at due, or skipped for reason when
// reason is not empty.
func NewRecipient(id, campaignID, customerID uuid.UUID, key, waID, contact, reason string, due, now time.Time) *Recipient {
	r := &Recipient{s: RecipientSnapshot{
		ID: id, CampaignID: campaignID, CustomerID: customerID, DedupeKey: key, WaID: waID, Contact: contact,
		Status: Pending, NextAttemptAt: due, CreatedAt: now, UpdatedAt: now,
	}}
	if reason != "" {
		r.s.Status, r.s.SkipReason, r.s.NextAttemptAt = Skipped, reason, time.Time{}
	}
	return r
}

// Claim marks a due recipient as being sent.
func (r *Recipient) Claim(now time.Time) bool {
	if r.s.Status != Pending {
		return false
	}
	r.s.Status, r.s.ClaimedAt, r.s.UpdatedAt = Sending, now, now
	r.s.Attempts++
	return true
}

// Rendered records the parameters the message was sent with.
func (r *Recipient) Rendered(params []string) {
	if params != nil {
		r.s.Params = params
	}
}

// Skip leaves a recipient that is not sent yet out, for reason.
func (r *Recipient) Skip(reason string, now time.Time) bool {
	if r.s.Status != Pending && r.s.Status != Sending {
		return false
	}
	r.s.Status, r.s.SkipReason, r.s.NextAttemptAt, r.s.UpdatedAt = Skipped, reason, time.Time{}, now
	return true
}

// Accepted records that WhatsApp accepted the message as wamid. A status
// webhook may have told first (sent, delivered, or a failure that set a
// retry): then nothing changes.
func (r *Recipient) Accepted(wamid string, now time.Time) bool {
	if r.s.Status != Sending {
		return false
	}
	r.s.Status, r.s.WAMID, r.s.SentAt, r.s.UpdatedAt = Sent, wamid, now, now
	r.s.Failure, r.s.NextAttemptAt = nil, time.Time{}
	return true
}

// Refused records a failed attempt: retried at retryAt when retry is true,
// failed for good otherwise. It reports whether the recipient failed for good.
func (r *Recipient) Refused(f conversation.Failure, retry bool, retryAt, now time.Time) bool {
	r.s.Failure, r.s.UpdatedAt = &f, now
	if retry {
		r.s.Status, r.s.NextAttemptAt, r.s.WAMID = Pending, retryAt, ""
		return false
	}
	r.s.Status, r.s.NextAttemptAt = Failed, time.Time{}
	return true
}

// Unclaim makes a claimed recipient due again without counting the attempt:
// the sender stopped before sending (a limiter or database hiccup, a
// shutdown).
func (r *Recipient) Unclaim(now time.Time) bool {
	if !r.Release(now) {
		return false
	}
	r.s.Attempts--
	return true
}

// Release makes a recipient whose send outcome stayed unknown due again: no
// webhook ever said WhatsApp accepted it.
func (r *Recipient) Release(now time.Time) bool {
	if r.s.Status != Sending {
		return false
	}
	r.s.Status, r.s.NextAttemptAt, r.s.UpdatedAt = Pending, now, now
	return true
}

// Advance applies a status webhook for the message wamid: statuses only
// move forward, and a webhook naming a send whose outcome was unknown
// records that WhatsApp accepted it. A failure is handled by Refused.
func (r *Recipient) Advance(st conversation.DeliveryStatus, wamid string, at time.Time) bool {
	to, ok := recipientRank[RecipientStatus(st)]
	if !ok || to == 0 || r.s.Status == Failed || r.s.Status == Skipped {
		return false
	}
	if to <= recipientRank[r.s.Status] && r.s.Status != Sending && r.s.Status != Pending {
		return false
	}
	if r.s.WAMID == "" {
		r.s.WAMID = wamid
	}
	r.s.Status, r.s.UpdatedAt, r.s.NextAttemptAt = RecipientStatus(st), at, time.Time{}
	switch RecipientStatus(st) {
	case Sent:
		r.s.SentAt = at
	case Delivered:
		r.s.DeliveredAt = at
	case Read:
		r.s.ReadAt = at
		if r.s.DeliveredAt.IsZero() {
			r.s.DeliveredAt = at
		}
	}
	if r.s.SentAt.IsZero() {
		r.s.SentAt = at
	}
	return true
}

// Settled reports whether nothing more will be sent to the recipient.
func (r *Recipient) Settled() bool { return r.s.Status != Pending && r.s.Status != Sending }

// ID returns the recipient's id.
func (r *Recipient) ID() uuid.UUID { return r.s.ID }

// Snapshot returns the recipient's state.
func (r *Recipient) Snapshot() RecipientSnapshot { return r.s }

// UnmarshalRecipientFromDatabase rebuilds a stored recipient. Only adapters call it.
func UnmarshalRecipientFromDatabase(s RecipientSnapshot) *Recipient { return &Recipient{s: s} }

// Counters count a campaign's recipients.
type Counters struct {
	Recipients int // everyone in the snapshot, skipped included
	Skipped    int
	Pending    int // not sent yet (due, waiting for a retry or being sent)
	Sent       int // accepted by WhatsApp, delivered and read included
	Delivered  int // read included
	Read       int
	Failed     int
}

// Messages returns how many messages the campaign sends: everyone not skipped.
func (c Counters) Messages() int { return c.Recipients - c.Skipped }

// Rate is a share such as the delivery rate: "33.33% 1/3".
type Rate struct{ Part, Whole int }

// String writes the share as "33.33% 1/3" (two decimals, truncated; "0.00% 0/0" when Whole is 0).
func (r Rate) String() string {
	bp := 0
	if r.Whole > 0 {
		bp = r.Part * 10000 / r.Whole
	}
	return fmt.Sprintf("%d.%02d%% %d/%d", bp/100, bp%100, r.Part, r.Whole)
}

// DeliveryRate is delivered over messages.
func (c Counters) DeliveryRate() Rate { return Rate{c.Delivered, c.Messages()} }

// ReadRate is read over messages.
func (c Counters) ReadRate() Rate { return Rate{c.Read, c.Messages()} }
