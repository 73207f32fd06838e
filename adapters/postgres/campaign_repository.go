package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/ports"
)

// CampaignRepository stores campaigns and saved segments.
type CampaignRepository struct {
	db *gorm.DB
}

var (
	_ ports.CampaignRepository = (*CampaignRepository)(nil)
	_ ports.SegmentRepository  = (*SegmentRepository)(nil)
)

// NewCampaignRepository returns a CampaignRepository over db (a pool or a transaction).
func NewCampaignRepository(db *gorm.DB) *CampaignRepository { return &CampaignRepository{db: db} }

type campaignRow struct {
	ID               uuid.UUID  `gorm:"column:id;primaryKey"`
	Kind             string     `gorm:"column:kind"`
	Name             string     `gorm:"column:name"`
	NumberID         uuid.UUID  `gorm:"column:number_id"`
	TemplateName     string     `gorm:"column:template_name"`
	TemplateLanguage string     `gorm:"column:template_language"`
	Variables        string     `gorm:"column:variables;type:jsonb"`
	Audience         string     `gorm:"column:audience;type:jsonb"`
	ScheduledAt      time.Time  `gorm:"column:scheduled_at"`
	Status           string     `gorm:"column:status"`
	RetryIntervals   string     `gorm:"column:retry_intervals;type:jsonb"`
	FailureGroupID   *uuid.UUID `gorm:"column:failure_group_id"`
	CreatedBy        *uuid.UUID `gorm:"column:created_by"`
	CreatedAt        time.Time  `gorm:"column:created_at;autoCreateTime:false"`
	UpdatedAt        time.Time  `gorm:"column:updated_at;autoUpdateTime:false"`
	StartedAt        *time.Time `gorm:"column:started_at"`
	FinishedAt       *time.Time `gorm:"column:finished_at"`
}

func (campaignRow) TableName() string { return "campaigns" }

type variableJSON struct {
	Source string `json:"source"`
	Text   string `json:"text,omitempty"`
}

type audienceJSON struct {
	Groups      []uuid.UUID  `json:"groups,omitempty"`
	SegmentID   *uuid.UUID   `json:"segment_id,omitempty"`
	SegmentName string       `json:"segment_name,omitempty"`
	Criteria    criteriaJSON `json:"criteria"`
}

// criteriaJSON is how segments.criteria and a campaign's audience store
// campaign.Criteria.
type criteriaJSON struct {
	MinDaysOverdue   int      `json:"min_days_overdue,omitempty"`
	Currency         string   `json:"currency,omitempty"`
	MinOverdue       string   `json:"min_overdue,omitempty"`
	Buckets          []string `json:"buckets,omitempty"`
	Tags             []string `json:"tags,omitempty"`
	NoPendingPromise bool     `json:"no_pending_promise,omitempty"`
}

func toCriteriaJSON(c campaign.Criteria) criteriaJSON {
	out := criteriaJSON{MinDaysOverdue: c.MinDaysOverdue, Tags: c.Tags, NoPendingPromise: c.NoPendingPromise}
	if c.Currency != (money.Currency{}) {
		out.Currency = c.Currency.Code()
	}
	if !c.MinOverdue.Currency().IsZero() {
		out.Currency, out.MinOverdue = c.MinOverdue.Currency().Code(), c.MinOverdue.StringFixed()
	}
	for _, b := range c.Buckets {
		out.Buckets = append(out.Buckets, string(b))
	}
	return out
}

func (j criteriaJSON) toDomain() (campaign.Criteria, error) {
	c := campaign.Criteria{MinDaysOverdue: j.MinDaysOverdue, Tags: j.Tags, NoPendingPromise: j.NoPendingPromise}
	if j.Currency != "" {
		cur, err := money.ParseCurrency(j.Currency)
		if err != nil {
			return c, err
		}
		c.Currency = cur
		if j.MinOverdue != "" {
			m, err := money.Parse(j.MinOverdue, j.Currency)
			if err != nil {
				return c, err
			}
			c.MinOverdue = m
		}
	}
	for _, b := range j.Buckets {
		c.Buckets = append(c.Buckets, invoice.Bucket(b))
	}
	return c, nil
}

func toCampaignRow(c *campaign.Campaign) (campaignRow, error) {
	d := c.Details()
	vars := make([]variableJSON, len(d.Variables))
	for i, v := range d.Variables {
		vars[i] = variableJSON{Source: string(v.Source), Text: v.Text}
	}
	aud := audienceJSON{
		Groups: d.Audience.Groups, SegmentID: nullUUID(d.Audience.SegmentID), SegmentName: d.Audience.SegmentName,
		Criteria: toCriteriaJSON(d.Audience.Criteria),
	}
	retries := make([]int64, len(d.RetryIntervals))
	for i, r := range d.RetryIntervals {
		retries[i] = int64(r / time.Second)
	}
	vj, err1 := json.Marshal(vars)
	aj, err2 := json.Marshal(aud)
	rj, err3 := json.Marshal(retries)
	if err1 != nil || err2 != nil || err3 != nil {
		return campaignRow{}, fmt.Errorf("postgres: encode campaign %s", c.ID())
	}
	return campaignRow{
		ID: c.ID(), Kind: string(c.Kind()), Name: d.Name, NumberID: d.NumberID, TemplateName: d.Template, TemplateLanguage: d.Language,
		Variables: string(vj), Audience: string(aj), ScheduledAt: timestamp(d.ScheduledAt), Status: string(c.Status()),
		RetryIntervals: string(rj), FailureGroupID: nullUUID(d.FailureGroupID), CreatedBy: nullUUID(d.CreatedBy),
		CreatedAt: timestamp(c.CreatedAt()), UpdatedAt: timestamp(c.UpdatedAt()), StartedAt: nullTime(c.StartedAt()), FinishedAt: nullTime(c.FinishedAt()),
	}, nil
}

func (r campaignRow) toDomain() (*campaign.Campaign, error) {
	var vars []variableJSON
	var aud audienceJSON
	var retries []int64
	if err := json.Unmarshal([]byte(r.Variables), &vars); err != nil {
		return nil, errCorrupt("campaign", r.ID, err)
	}
	if err := json.Unmarshal([]byte(r.Audience), &aud); err != nil {
		return nil, errCorrupt("campaign", r.ID, err)
	}
	if err := json.Unmarshal([]byte(r.RetryIntervals), &retries); err != nil {
		return nil, errCorrupt("campaign", r.ID, err)
	}
	crit, err := aud.Criteria.toDomain()
	if err != nil {
		return nil, errCorrupt("campaign", r.ID, err)
	}
	d := campaign.Details{
		Name: r.Name, NumberID: r.NumberID, Template: r.TemplateName, Language: r.TemplateLanguage,
		Audience:    campaign.Audience{Groups: aud.Groups, SegmentName: aud.SegmentName, Criteria: crit},
		ScheduledAt: r.ScheduledAt.UTC(), RetryIntervals: make([]time.Duration, len(retries)),
	}
	if aud.SegmentID != nil {
		d.Audience.SegmentID = *aud.SegmentID
	}
	for _, v := range vars {
		d.Variables = append(d.Variables, campaign.Variable{Source: campaign.Source(v.Source), Text: v.Text})
	}
	for i, s := range retries {
		d.RetryIntervals[i] = time.Duration(s) * time.Second
	}
	if r.FailureGroupID != nil {
		d.FailureGroupID = *r.FailureGroupID
	}
	if r.CreatedBy != nil {
		d.CreatedBy = *r.CreatedBy
	}
	return campaign.UnmarshalFromDatabase(campaign.Snapshot{
		ID: r.ID, Kind: campaign.Kind(r.Kind), Details: d, Status: campaign.Status(r.Status),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), StartedAt: timeOf(r.StartedAt), FinishedAt: timeOf(r.FinishedAt),
	}), nil
}

// Get implements ports.CampaignRepository.
func (r *CampaignRepository) Get(ctx context.Context, id uuid.UUID) (*campaign.Campaign, error) {
	return r.take(r.db.WithContext(ctx), id)
}

// Lock implements ports.CampaignRepository.
func (r *CampaignRepository) Lock(ctx context.Context, id uuid.UUID) (*campaign.Campaign, error) {
	return r.take(r.db.WithContext(ctx).Clauses(clause.Locking{Strength: "UPDATE"}), id)
}

func (r *CampaignRepository) take(q *gorm.DB, id uuid.UUID) (*campaign.Campaign, error) {
	var row campaignRow
	if err := q.Where("id = ?", id).Take(&row).Error; err != nil {
		if notFound(err) {
			return nil, campaign.ErrNotFound.New(id)
		}
		return nil, fmt.Errorf("get campaign %s: %w", id, err)
	}
	return row.toDomain()
}

// Save implements ports.CampaignRepository.
func (r *CampaignRepository) Save(ctx context.Context, c *campaign.Campaign) error {
	row, err := toCampaignRow(c)
	if err != nil {
		return err
	}
	err = r.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{
			"name", "template_name", "template_language", "variables", "audience", "scheduled_at", "status", "retry_intervals", "failure_group_id",
			"updated_at", "started_at", "finished_at",
		}),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("save campaign %s: %w", c.ID(), err)
	}
	return nil
}

// List implements ports.CampaignRepository.
func (r *CampaignRepository) List(ctx context.Context, f ports.CampaignFilter) ([]ports.CampaignRow, error) {
	q := r.db.WithContext(ctx).Model(&campaignRow{})
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Search != "" {
		p := likePattern(f.Search)
		q = q.Where("(name ILIKE ? OR template_name ILIKE ?)", p, p)
	}
	if f.Before != uuid.Nil {
		q = q.Where("id < ?", f.Before)
	}
	var rows []campaignRow
	if err := limit(q.Order("id DESC"), f.Limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list campaigns: %w", err)
	}
	cs, err := toDomain(rows)
	if err != nil {
		return nil, err
	}
	ids := make([]uuid.UUID, len(cs))
	for i, c := range cs {
		ids[i] = c.ID()
	}
	counts, err := r.Counters(ctx, ids...)
	if err != nil {
		return nil, err
	}
	out := make([]ports.CampaignRow, len(cs))
	for i, c := range cs {
		out[i] = ports.CampaignRow{Campaign: c, Counters: counts[c.ID()]}
	}
	return out, nil
}

// Active implements ports.CampaignRepository.
func (r *CampaignRepository) Active(ctx context.Context, now time.Time) (due, running []uuid.UUID, err error) {
	db := r.db.WithContext(ctx)
	if err := db.Raw(`SELECT id FROM campaigns WHERE status = 'scheduled' AND scheduled_at <= ? ORDER BY scheduled_at`, timestamp(now)).
		Scan(&due).Error; err != nil {
		return nil, nil, fmt.Errorf("due campaigns: %w", err)
	}
	err = db.Raw(`
		SELECT c.id FROM campaigns c
		WHERE c.status = 'running' AND (
			EXISTS (SELECT 1 FROM campaign_recipients r WHERE r.campaign_id = c.id AND r.status = 'pending' AND r.next_attempt_at <= ?)
			OR EXISTS (SELECT 1 FROM campaign_recipients r WHERE r.campaign_id = c.id AND r.status = 'sending')
			OR (c.kind = 'campaign' AND NOT EXISTS (SELECT 1 FROM campaign_recipients r WHERE r.campaign_id = c.id AND r.status IN ('pending', 'sending'))))
		ORDER BY c.id`, timestamp(now)).Scan(&running).Error
	if err != nil {
		return nil, nil, fmt.Errorf("running campaigns: %w", err)
	}
	return due, running, nil
}

// Counters implements ports.CampaignRepository.
func (r *CampaignRepository) Counters(ctx context.Context, ids ...uuid.UUID) (map[uuid.UUID]campaign.Counters, error) {
	out := make(map[uuid.UUID]campaign.Counters, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		CampaignID uuid.UUID
		Status     string
		N          int
	}
	err := r.db.WithContext(ctx).Raw(`
		SELECT campaign_id, status, count(*) AS n FROM campaign_recipients
		WHERE campaign_id = ANY(?::uuid[]) GROUP BY campaign_id, status`, uuidArray(ids)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("count recipients: %w", err)
	}
	for _, row := range rows {
		c := out[row.CampaignID]
		c.Recipients += row.N
		switch campaign.RecipientStatus(row.Status) {
		case campaign.Skipped:
			c.Skipped += row.N
		case campaign.Pending, campaign.Sending:
			c.Pending += row.N
		case campaign.Failed:
			c.Failed += row.N
		case campaign.Read:
			c.Read += row.N
			c.Delivered += row.N
			c.Sent += row.N
		case campaign.Delivered:
			c.Delivered += row.N
			c.Sent += row.N
		case campaign.Sent:
			c.Sent += row.N
		}
		out[row.CampaignID] = c
	}
	return out, nil
}

// SegmentRepository stores saved ledger segments.
type SegmentRepository struct {
	db *gorm.DB
}

// NewSegmentRepository returns a SegmentRepository over db.
func NewSegmentRepository(db *gorm.DB) *SegmentRepository { return &SegmentRepository{db: db} }

type segmentRow struct {
	ID        uuid.UUID `gorm:"column:id;primaryKey"`
	Name      string    `gorm:"column:name"`
	Criteria  string    `gorm:"column:criteria;type:jsonb"`
	CreatedAt time.Time `gorm:"column:created_at;autoCreateTime:false"`
	UpdatedAt time.Time `gorm:"column:updated_at;autoUpdateTime:false"`
}

func (segmentRow) TableName() string { return "segments" }

func (r segmentRow) toDomain() (*campaign.Segment, error) {
	var cj criteriaJSON
	if err := json.Unmarshal([]byte(r.Criteria), &cj); err != nil {
		return nil, errCorrupt("segment", r.ID, err)
	}
	c, err := cj.toDomain()
	if err != nil {
		return nil, errCorrupt("segment", r.ID, err)
	}
	return campaign.UnmarshalSegmentFromDatabase(r.ID, r.Name, c, r.CreatedAt.UTC(), r.UpdatedAt.UTC()), nil
}

// Get implements ports.SegmentRepository.
func (r *SegmentRepository) Get(ctx context.Context, id uuid.UUID) (*campaign.Segment, error) {
	var row segmentRow
	if err := r.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		if notFound(err) {
			return nil, campaign.ErrSegmentNotFound.New(id)
		}
		return nil, fmt.Errorf("get segment %s: %w", id, err)
	}
	return row.toDomain()
}

// Save implements ports.SegmentRepository. A name another segment has is a conflict.
func (r *SegmentRepository) Save(ctx context.Context, s *campaign.Segment) error {
	cj, err := json.Marshal(toCriteriaJSON(s.Criteria()))
	if err != nil {
		return err
	}
	row := segmentRow{ID: s.ID(), Name: s.Name(), Criteria: string(cj), CreatedAt: timestamp(s.CreatedAt()), UpdatedAt: timestamp(s.UpdatedAt())}
	err = r.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"name", "criteria", "updated_at"}),
	}).Create(&row).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return campaign.ErrSegmentNameTaken.New(s.Name())
	}
	if err != nil {
		return fmt.Errorf("save segment %s: %w", s.ID(), err)
	}
	return nil
}

// Delete implements ports.SegmentRepository.
func (r *SegmentRepository) Delete(ctx context.Context, id uuid.UUID) error {
	res := r.db.WithContext(ctx).Where("id = ?", id).Delete(&segmentRow{})
	if res.Error != nil {
		return fmt.Errorf("delete segment %s: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return campaign.ErrSegmentNotFound.New(id)
	}
	return nil
}

// List implements ports.SegmentRepository.
func (r *SegmentRepository) List(ctx context.Context) ([]*campaign.Segment, error) {
	var rows []segmentRow
	if err := r.db.WithContext(ctx).Order("lower(name)").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list segments: %w", err)
	}
	return toDomain(rows)
}
