package ports

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/date"
)

// Job kinds of campaigns.
const (
	JobStartCampaign    = "campaign:start"    // snapshot the audience at the scheduled time
	JobDispatchCampaign = "campaign:dispatch" // send due recipients; ref names the campaign and a shard
)

// CampaignFilter narrows a campaign list, newest first.
type CampaignFilter struct {
	Kind   campaign.Kind   // "" for every kind
	Status campaign.Status // "" for every status
	Search string          // name or template contains it
	Before uuid.UUID       // the previous page's last id (ids are UUIDv7: newer is larger)
	Limit  int
}

// CampaignRow is a campaign with its counters.
type CampaignRow struct {
	Campaign *campaign.Campaign
	Counters campaign.Counters
}

// CampaignRepository stores campaigns. Not found is campaign.ErrNotFound.
type CampaignRepository interface {
	Get(ctx context.Context, id uuid.UUID) (*campaign.Campaign, error)
	// Lock returns the campaign locked until the unit of work ends.
	Lock(ctx context.Context, id uuid.UUID) (*campaign.Campaign, error)
	Save(ctx context.Context, c *campaign.Campaign) error
	List(ctx context.Context, f CampaignFilter) ([]CampaignRow, error)
	// Active returns the scheduled campaigns due at now and the running ones
	// with recipients due at now or sends in doubt.
	Active(ctx context.Context, now time.Time) (due, running []uuid.UUID, err error)
	// Counters counts the recipients of each campaign.
	Counters(ctx context.Context, ids ...uuid.UUID) (map[uuid.UUID]campaign.Counters, error)
}

// SegmentRepository stores saved segments. Not found is campaign.ErrSegmentNotFound.
type SegmentRepository interface {
	Get(ctx context.Context, id uuid.UUID) (*campaign.Segment, error)
	Save(ctx context.Context, s *campaign.Segment) error
	Delete(ctx context.Context, id uuid.UUID) error
	List(ctx context.Context) ([]*campaign.Segment, error)
}

// RecipientFilter narrows a campaign's recipient list, in id order.
type RecipientFilter struct {
	Page
	CampaignID uuid.UUID
	CustomerID uuid.UUID // for a customer's history (CampaignID may be Nil)
	Status     campaign.RecipientStatus
	Search     string // contact or phone contains it
}

// RecipientRow is a recipient with its campaign's name, for histories.
type RecipientRow struct {
	campaign.RecipientSnapshot
	CampaignName string
	CampaignKind campaign.Kind
}

// RecipientRepository stores campaign recipients.
type RecipientRepository interface {
	// Add stores new recipients; one whose (campaign, dedupe key) is already
	// stored is not stored again. It returns how many it stored.
	Add(ctx context.Context, rs ...*campaign.Recipient) (int, error)
	// LockDue returns up to n recipients of the campaign due at now, locked
	// until the unit of work ends, skipping rows other senders hold.
	LockDue(ctx context.Context, campaignID uuid.UUID, now time.Time, n int) ([]*campaign.Recipient, error)
	// LockInDoubt returns up to n recipients of the campaign left Sending
	// since before claimedBefore, locked.
	LockInDoubt(ctx context.Context, campaignID uuid.UUID, claimedBefore time.Time, n int) ([]*campaign.Recipient, error)
	// LockUnsent returns up to n recipients of the campaign not sent yet (pending), locked.
	LockUnsent(ctx context.Context, campaignID uuid.UUID, n int) ([]*campaign.Recipient, error)
	// LockForStatus returns, locked, the recipients whose WhatsApp id is among
	// wamids or whose id is among ids (a send whose answer was lost).
	LockForStatus(ctx context.Context, wamids []string, ids []uuid.UUID) ([]*campaign.Recipient, error)
	Save(ctx context.Context, rs ...*campaign.Recipient) error
	List(ctx context.Context, f RecipientFilter) ([]RecipientRow, error)
	// Each calls fn with every recipient of the campaign, in id order, a few
	// hundred rows at a time in memory.
	Each(ctx context.Context, campaignID uuid.UUID, fn func(campaign.RecipientSnapshot) error) error
	// LatestTo returns the campaign that last sent to waID at or after since.
	LatestTo(ctx context.Context, waID string, since time.Time) (uuid.UUID, error)
}

// AudienceMember is a customer an audience selects.
type AudienceMember struct {
	CustomerID uuid.UUID
	Name       string
	Phone      string // E.164, "" when unknown
	PhoneKey   string // canonical key, "" when unknown
	OptedOut   bool
}

// AudienceQueries resolve audiences and what variables draw on.
type AudienceQueries interface {
	// Members calls fn with the customers the audience selects on today, in
	// customer id order, a few thousand at a time.
	Members(ctx context.Context, a campaign.Audience, today date.Date, fn func([]AudienceMember) error) error
	// Facts returns what variables draw on for each of the customers, on today.
	Facts(ctx context.Context, customerIDs []uuid.UUID, today date.Date) (map[uuid.UUID]CustomerFacts, error)
}

// CustomerFacts are a customer's facts plus what sending needs.
type CustomerFacts struct {
	campaign.Facts
	OptedOut bool
}

// SendLimiter shares each business number's send rate among every process.
type SendLimiter interface {
	// Take takes up to n of the number's send slots now. It returns how many
	// it took and, when none, how long until one frees.
	Take(ctx context.Context, number string, n int) (int, time.Duration, error)
}

// ShardedJobQueue runs several copies of one job side by side, one task per
// shard; enqueueing a shard that waits or runs already changes nothing.
type ShardedJobQueue interface {
	EnqueueShard(ctx context.Context, kind string, ref uuid.UUID, shard string) error
}
