package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/ports"
)

// RecipientRepository stores campaign recipients. Writes go in batches:
// one statement per batch, whatever its size.
type RecipientRepository struct {
	db *gorm.DB
}

var _ ports.RecipientRepository = (*RecipientRepository)(nil)

// NewRecipientRepository returns a RecipientRepository over db (a pool or a transaction).
func NewRecipientRepository(db *gorm.DB) *RecipientRepository { return &RecipientRepository{db: db} }

type recipientRow struct {
	ID            uuid.UUID  `gorm:"column:id"`
	CampaignID    uuid.UUID  `gorm:"column:campaign_id"`
	CustomerID    uuid.UUID  `gorm:"column:customer_id"`
	DedupeKey     string     `gorm:"column:dedupe_key"`
	WaID          string     `gorm:"column:wa_id"`
	Contact       string     `gorm:"column:contact"`
	Status        string     `gorm:"column:status"`
	SkipReason    string     `gorm:"column:skip_reason"`
	Params        string     `gorm:"column:params"`
	WAMID         *string    `gorm:"column:wamid"`
	Attempts      int        `gorm:"column:attempts"`
	NextAttemptAt *time.Time `gorm:"column:next_attempt_at"`
	ClaimedAt     *time.Time `gorm:"column:claimed_at"`
	ErrorCode     *int       `gorm:"column:error_code"`
	ErrorTitle    string     `gorm:"column:error_title"`
	ErrorDetail   string     `gorm:"column:error_detail"`
	SentAt        *time.Time `gorm:"column:sent_at"`
	DeliveredAt   *time.Time `gorm:"column:delivered_at"`
	ReadAt        *time.Time `gorm:"column:read_at"`
	CreatedAt     time.Time  `gorm:"column:created_at"`
	UpdatedAt     time.Time  `gorm:"column:updated_at"`
	CampaignName  string     `gorm:"column:campaign_name"`
	CampaignKind  string     `gorm:"column:campaign_kind"`
}

func (r recipientRow) snapshot() (campaign.RecipientSnapshot, error) {
	s := campaign.RecipientSnapshot{
		ID: r.ID, CampaignID: r.CampaignID, CustomerID: r.CustomerID, DedupeKey: r.DedupeKey, WaID: r.WaID, Contact: r.Contact,
		Status: campaign.RecipientStatus(r.Status), SkipReason: r.SkipReason, Attempts: r.Attempts,
		NextAttemptAt: timeOf(r.NextAttemptAt), ClaimedAt: timeOf(r.ClaimedAt), SentAt: timeOf(r.SentAt),
		DeliveredAt: timeOf(r.DeliveredAt), ReadAt: timeOf(r.ReadAt), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	if r.WAMID != nil {
		s.WAMID = *r.WAMID
	}
	if r.Params != "" {
		if err := json.Unmarshal([]byte(r.Params), &s.Params); err != nil {
			return s, errCorrupt("campaign recipient", r.ID, err)
		}
	}
	if r.ErrorCode != nil || r.ErrorTitle != "" {
		f := conversation.Failure{Title: r.ErrorTitle, Detail: r.ErrorDetail}
		if r.ErrorCode != nil {
			f.Code = *r.ErrorCode
		}
		s.Failure = &f
	}
	return s, nil
}

func (r recipientRow) toDomain() (*campaign.Recipient, error) {
	s, err := r.snapshot()
	if err != nil {
		return nil, err
	}
	return campaign.UnmarshalRecipientFromDatabase(s), nil
}

const recipientColumns = `r.id, r.campaign_id, r.customer_id, r.dedupe_key, r.wa_id, r.contact, r.status, r.skip_reason, r.params::text AS params,
	r.wamid, r.attempts, r.next_attempt_at, r.claimed_at, r.error_code, r.error_title, r.error_detail, r.sent_at, r.delivered_at,
	r.read_at, r.created_at, r.updated_at`

// Add implements ports.RecipientRepository.
func (r *RecipientRepository) Add(ctx context.Context, rs ...*campaign.Recipient) (int, error) {
	if len(rs) == 0 {
		return 0, nil
	}
	n := len(rs)
	ids, campaigns, customers := make([]string, n), make([]string, n), make([]string, n)
	keys, waIDs, contacts, statuses, reasons, due := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	var now time.Time
	for i, rec := range rs {
		s := rec.Snapshot()
		ids[i], campaigns[i], customers[i] = s.ID.String(), s.CampaignID.String(), s.CustomerID.String()
		keys[i], waIDs[i], contacts[i], statuses[i], reasons[i] = s.DedupeKey, s.WaID, s.Contact, string(s.Status), s.SkipReason
		if !s.NextAttemptAt.IsZero() {
			due[i] = timestampText(s.NextAttemptAt)
		}
		now = s.CreatedAt
	}
	res := r.db.WithContext(ctx).Exec(`
		INSERT INTO campaign_recipients (id, campaign_id, customer_id, dedupe_key, wa_id, contact, status, skip_reason, next_attempt_at, created_at, updated_at)
		SELECT id::uuid, campaign_id::uuid, customer_id::uuid, key, wa_id, contact, status, reason, NULLIF(due, '')::timestamptz, ?, ?
		FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
			AS t(id, campaign_id, customer_id, key, wa_id, contact, status, reason, due)
		ON CONFLICT (campaign_id, dedupe_key) DO NOTHING`,
		timestamp(now), timestamp(now), textArray(ids), textArray(campaigns), textArray(customers), textArray(keys), textArray(waIDs),
		textArray(contacts), textArray(statuses), textArray(reasons), textArray(due))
	if res.Error != nil {
		return 0, fmt.Errorf("add recipients: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

func (r *RecipientRepository) lock(ctx context.Context, query string, args ...any) ([]*campaign.Recipient, error) {
	var rows []recipientRow
	if err := r.db.WithContext(ctx).Raw(query, args...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("lock recipients: %w", err)
	}
	return toDomain(rows)
}

// LockDue implements ports.RecipientRepository.
func (r *RecipientRepository) LockDue(ctx context.Context, campaignID uuid.UUID, now time.Time, n int) ([]*campaign.Recipient, error) {
	return r.lock(ctx, `SELECT `+recipientColumns+` FROM campaign_recipients r
		WHERE r.campaign_id = ? AND r.status = 'pending' AND r.next_attempt_at <= ?
		ORDER BY r.next_attempt_at, r.id LIMIT ? FOR UPDATE SKIP LOCKED`, campaignID, timestamp(now), n)
}

// LockInDoubt implements ports.RecipientRepository.
func (r *RecipientRepository) LockInDoubt(ctx context.Context, campaignID uuid.UUID, claimedBefore time.Time, n int) ([]*campaign.Recipient, error) {
	return r.lock(ctx, `SELECT `+recipientColumns+` FROM campaign_recipients r
		WHERE r.campaign_id = ? AND r.status = 'sending' AND r.claimed_at < ?
		ORDER BY r.id LIMIT ? FOR UPDATE SKIP LOCKED`, campaignID, timestamp(claimedBefore), n)
}

// LockUnsent implements ports.RecipientRepository.
func (r *RecipientRepository) LockUnsent(ctx context.Context, campaignID uuid.UUID, n int) ([]*campaign.Recipient, error) {
	return r.lock(ctx, `SELECT `+recipientColumns+` FROM campaign_recipients r
		WHERE r.campaign_id = ? AND r.status = 'pending' ORDER BY r.id LIMIT ? FOR UPDATE`, campaignID, n)
}

// LockForStatus implements ports.RecipientRepository.
func (r *RecipientRepository) LockForStatus(ctx context.Context, wamids []string, ids []uuid.UUID) ([]*campaign.Recipient, error) {
	if len(wamids) == 0 && len(ids) == 0 {
		return nil, nil
	}
	return r.lock(ctx, `SELECT `+recipientColumns+` FROM campaign_recipients r
		WHERE r.wamid = ANY(?::text[]) OR r.id = ANY(?::uuid[]) ORDER BY r.id FOR UPDATE`, textArray(wamids), uuidArray(ids))
}

// Save implements ports.RecipientRepository: it writes what a send or a
// status changes, for every recipient in one statement.
func (r *RecipientRepository) Save(ctx context.Context, rs ...*campaign.Recipient) error {
	if len(rs) == 0 {
		return nil
	}
	n := len(rs)
	cols := make([][]string, 15)
	for i := range cols {
		cols[i] = make([]string, n)
	}
	opt := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return timestampText(t)
	}
	for i, rec := range rs {
		s := rec.Snapshot()
		params, err := json.Marshal(s.Params)
		if err != nil {
			return err
		}
		if s.Params == nil {
			params = []byte("[]")
		}
		code, title, detail := "", "", ""
		if s.Failure != nil {
			code, title, detail = strconv.Itoa(s.Failure.Code), s.Failure.Title, s.Failure.Detail
		}
		row := []string{
			s.ID.String(), string(s.Status), s.SkipReason, string(params), s.WAMID, strconv.Itoa(s.Attempts),
			opt(s.NextAttemptAt), opt(s.ClaimedAt), code, title, detail, opt(s.SentAt), opt(s.DeliveredAt), opt(s.ReadAt), opt(s.UpdatedAt),
		}
		for c, v := range row {
			cols[c][i] = v
		}
	}
	args := make([]any, len(cols))
	for i, c := range cols {
		args[i] = textArray(c)
	}
	err := r.db.WithContext(ctx).Exec(`
		UPDATE campaign_recipients r SET status = t.status, skip_reason = t.skip_reason, params = t.params::jsonb,
			wamid = NULLIF(t.wamid, ''), attempts = t.attempts::int, next_attempt_at = NULLIF(t.next_attempt_at, '')::timestamptz,
			claimed_at = NULLIF(t.claimed_at, '')::timestamptz, error_code = NULLIF(t.error_code, '')::int,
			error_title = t.error_title, error_detail = t.error_detail, sent_at = NULLIF(t.sent_at, '')::timestamptz,
			delivered_at = NULLIF(t.delivered_at, '')::timestamptz, read_at = NULLIF(t.read_at, '')::timestamptz,
			updated_at = t.updated_at::timestamptz
		FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
			?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
			AS t(id, status, skip_reason, params, wamid, attempts, next_attempt_at, claimed_at, error_code, error_title, error_detail,
				sent_at, delivered_at, read_at, updated_at)
		WHERE r.id = t.id::uuid`, args...).Error
	if err != nil {
		return fmt.Errorf("save %d recipients: %w", n, err)
	}
	return nil
}

// List implements ports.RecipientRepository.
func (r *RecipientRepository) List(ctx context.Context, f ports.RecipientFilter) ([]ports.RecipientRow, error) {
	q := r.db.WithContext(ctx).Table("campaign_recipients r").Joins("JOIN campaigns c ON c.id = r.campaign_id").
		Select(recipientColumns + `, c.name AS campaign_name, c.kind AS campaign_kind`)
	if f.CampaignID != uuid.Nil {
		q = q.Where("r.campaign_id = ?", f.CampaignID)
	}
	if f.CustomerID != uuid.Nil {
		q = q.Where("r.customer_id = ?", f.CustomerID)
	}
	if f.Status != "" {
		q = q.Where("r.status = ?", f.Status)
	}
	if f.Search != "" {
		p := likePattern(f.Search)
		q = q.Where("(r.contact ILIKE ? OR r.wa_id LIKE ?)", p, p)
	}
	if f.After != uuid.Nil {
		q = q.Where("r.id > ?", f.After)
	}
	order := "r.id"
	if f.CampaignID == uuid.Nil {
		order = "r.created_at DESC, r.id"
	}
	var rows []recipientRow
	if err := limit(q.Order(order), f.Limit).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("list recipients: %w", err)
	}
	out := make([]ports.RecipientRow, len(rows))
	for i, row := range rows {
		s, err := row.snapshot()
		if err != nil {
			return nil, err
		}
		out[i] = ports.RecipientRow{RecipientSnapshot: s, CampaignName: row.CampaignName, CampaignKind: campaign.Kind(row.CampaignKind)}
	}
	return out, nil
}

// Each implements ports.RecipientRepository, in pages of 1,000 by id.
func (r *RecipientRepository) Each(ctx context.Context, campaignID uuid.UUID, fn func(campaign.RecipientSnapshot) error) error {
	after := uuid.Nil
	for {
		var rows []recipientRow
		err := r.db.WithContext(ctx).Raw(`SELECT `+recipientColumns+` FROM campaign_recipients r
			WHERE r.campaign_id = ? AND r.id > ? ORDER BY r.id LIMIT 1000`, campaignID, after).Scan(&rows).Error
		if err != nil {
			return fmt.Errorf("read recipients: %w", err)
		}
		for _, row := range rows {
			s, err := row.snapshot()
			if err != nil {
				return err
			}
			if err := fn(s); err != nil {
				return err
			}
		}
		if len(rows) < 1000 {
			return nil
		}
		after = rows[len(rows)-1].ID
	}
}

// LatestTo implements ports.RecipientRepository; uuid.Nil when none.
func (r *RecipientRepository) LatestTo(ctx context.Context, waID string, since time.Time) (uuid.UUID, error) {
	var ids []uuid.UUID
	err := r.db.WithContext(ctx).Raw(`SELECT campaign_id FROM campaign_recipients
		WHERE wa_id = ? AND sent_at >= ? ORDER BY sent_at DESC LIMIT 1`, waID, timestamp(since)).Scan(&ids).Error
	if err != nil {
		return uuid.Nil, fmt.Errorf("latest campaign to %s: %w", waID, err)
	}
	if len(ids) == 0 {
		return uuid.Nil, nil
	}
	return ids[0], nil
}
