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
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/dunning"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/ports"
)

// DunningRepository stores the dunning policy, planner runs, escalations
// and reminders' payment links, and answers the planner's queries.
type DunningRepository struct {
	db *gorm.DB
}

var (
	_ ports.DunningPolicyRepository     = (*DunningRepository)(nil)
	_ ports.DunningRunRepository        = (*DunningRepository)(nil)
	_ ports.DunningEscalationRepository = (*DunningRepository)(nil)
	_ ports.DunningLinkRepository       = (*DunningRepository)(nil)
	_ ports.DunningPlanQueries          = (*DunningRepository)(nil)
	_ ports.DunningResultQueries        = (*DunningRepository)(nil)
)

// NewDunningRepository returns a DunningRepository over db.
func NewDunningRepository(db *gorm.DB) *DunningRepository { return &DunningRepository{db: db} }

type dunningStepJSON struct {
	Offset      int                   `json:"offset"`
	Kind        string                `json:"kind"`
	Template    string                `json:"template,omitempty"`
	Language    string                `json:"language,omitempty"`
	Variables   []dunningVariableJSON `json:"variables,omitempty"`
	MinAmount   string                `json:"min_amount,omitempty"`
	MinCurrency string                `json:"min_currency,omitempty"`
	CampaignID  *uuid.UUID            `json:"campaign_id,omitempty"`
}

type dunningVariableJSON struct {
	Source string `json:"source"`
	Text   string `json:"text,omitempty"`
}

type dunningPolicyRow struct {
	ID        uuid.UUID `gorm:"column:id"`
	Steps     string    `gorm:"column:steps"`
	SendFrom  int       `gorm:"column:send_from"`
	SendUntil int       `gorm:"column:send_until"`
	Weekdays  string    `gorm:"column:weekdays"`
	UpdatedAt time.Time `gorm:"column:updated_at"`
}

func (r dunningPolicyRow) toDomain() (*dunning.Policy, error) {
	var steps []dunningStepJSON
	if err := json.Unmarshal([]byte(r.Steps), &steps); err != nil {
		return nil, errCorrupt("dunning policy", r.ID, err)
	}
	d := dunning.Details{SendFrom: r.SendFrom, SendUntil: r.SendUntil}
	for _, s := range steps {
		st := dunning.Step{Offset: s.Offset, Kind: dunning.StepKind(s.Kind), Template: s.Template, Language: s.Language, CampaignID: uuidOf(s.CampaignID)}
		for _, v := range s.Variables {
			st.Variables = append(st.Variables, campaign.Variable{Source: campaign.Source(v.Source), Text: v.Text})
		}
		if s.MinCurrency != "" {
			m, err := money.Parse(s.MinAmount, s.MinCurrency)
			if err != nil {
				return nil, errCorrupt("dunning policy", r.ID, err)
			}
			st.MinBalance = m
		}
		d.Steps = append(d.Steps, st)
	}
	var days []int
	if err := json.Unmarshal([]byte(r.Weekdays), &days); err != nil {
		return nil, errCorrupt("dunning policy", r.ID, err)
	}
	for _, w := range days {
		d.Weekdays = append(d.Weekdays, time.Weekday(w))
	}
	return dunning.UnmarshalFromDatabase(r.ID, d, r.UpdatedAt.UTC()), nil
}

// Get implements ports.DunningPolicyRepository.
func (r *DunningRepository) Get(ctx context.Context) (*dunning.Policy, error) {
	var rows []dunningPolicyRow
	err := r.db.WithContext(ctx).Raw(`SELECT id, steps::text AS steps, send_from, send_until, array_to_json(weekdays)::text AS weekdays, updated_at
		FROM dunning_policies ORDER BY updated_at DESC, id LIMIT 1`).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("get dunning policy: %w", err)
	}
	if len(rows) == 0 {
		return nil, dunning.ErrNotFound
	}
	return rows[0].toDomain()
}

// Save implements ports.DunningPolicyRepository: the organization has one
// policy, so saving replaces any other.
func (r *DunningRepository) Save(ctx context.Context, p *dunning.Policy) error {
	d := p.Details()
	steps := make([]dunningStepJSON, 0, len(d.Steps))
	for _, s := range d.Steps {
		j := dunningStepJSON{Offset: s.Offset, Kind: string(s.Kind), Template: s.Template, Language: s.Language, CampaignID: nullUUID(s.CampaignID)}
		for _, v := range s.Variables {
			j.Variables = append(j.Variables, dunningVariableJSON{Source: string(v.Source), Text: v.Text})
		}
		if !s.MinBalance.Currency().IsZero() {
			j.MinAmount, j.MinCurrency = s.MinBalance.StringFixed(), s.MinBalance.Currency().Code()
		}
		steps = append(steps, j)
	}
	raw, err := json.Marshal(steps)
	if err != nil {
		return err
	}
	days := make([]string, len(d.Weekdays))
	for i, w := range d.Weekdays {
		days[i] = strconv.Itoa(int(w))
	}
	return r.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`DELETE FROM dunning_policies WHERE id <> ?`, p.ID()).Error; err != nil {
			return fmt.Errorf("save dunning policy: %w", err)
		}
		err := tx.Exec(`INSERT INTO dunning_policies (id, steps, send_from, send_until, weekdays, updated_at)
			VALUES (?, ?::jsonb, ?, ?, ?::text[]::integer[], ?)
			ON CONFLICT (id) DO UPDATE SET steps = EXCLUDED.steps, send_from = EXCLUDED.send_from, send_until = EXCLUDED.send_until,
				weekdays = EXCLUDED.weekdays, updated_at = EXCLUDED.updated_at`,
			p.ID(), string(raw), d.SendFrom, d.SendUntil, textArray(days), timestamp(p.UpdatedAt())).Error
		if err != nil {
			return fmt.Errorf("save dunning policy: %w", err)
		}
		return nil
	})
}

// Add implements ports.DunningRunRepository.
func (r *DunningRepository) Add(ctx context.Context, run ports.DunningRun) error {
	counts := make(map[string]map[string]int, len(run.Counts))
	for o, c := range run.Counts {
		counts[strconv.Itoa(o)] = c
	}
	raw, err := json.Marshal(counts)
	if err != nil {
		return err
	}
	err = r.db.WithContext(ctx).Exec(`INSERT INTO dunning_runs (id, started_at, finished_at, as_of, counts, enqueued, escalated)
		VALUES (?, ?, ?, ?::date, ?::jsonb, ?, ?)`,
		run.ID, timestamp(run.StartedAt), timestamp(run.FinishedAt), run.AsOf.String(), string(raw), run.Enqueued, run.Escalated).Error
	if err != nil {
		return fmt.Errorf("add dunning run: %w", err)
	}
	return nil
}

type dunningRunRow struct {
	ID         uuid.UUID `gorm:"column:id"`
	StartedAt  time.Time `gorm:"column:started_at"`
	FinishedAt time.Time `gorm:"column:finished_at"`
	AsOf       time.Time `gorm:"column:as_of"`
	Counts     string    `gorm:"column:counts"`
	Enqueued   int       `gorm:"column:enqueued"`
	Escalated  int       `gorm:"column:escalated"`
}

// List implements ports.DunningRunRepository.
func (r *DunningRepository) List(ctx context.Context, n int) ([]ports.DunningRun, error) {
	var rows []dunningRunRow
	err := r.db.WithContext(ctx).Raw(`SELECT id, started_at, finished_at, as_of, counts::text AS counts, enqueued, escalated
		FROM dunning_runs ORDER BY id DESC LIMIT ?`, max(n, 1)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("list dunning runs: %w", err)
	}
	out := make([]ports.DunningRun, 0, len(rows))
	for _, row := range rows {
		var counts map[string]map[string]int
		if err := json.Unmarshal([]byte(row.Counts), &counts); err != nil {
			return nil, errCorrupt("dunning run", row.ID, err)
		}
		run := ports.DunningRun{
			ID: row.ID, StartedAt: row.StartedAt.UTC(), FinishedAt: row.FinishedAt.UTC(), AsOf: date.FromTime(row.AsOf),
			Counts: map[int]map[string]int{}, Enqueued: row.Enqueued, Escalated: row.Escalated,
		}
		for k, c := range counts {
			o, err := strconv.Atoi(k)
			if err != nil {
				return nil, errCorrupt("dunning run", row.ID, err)
			}
			run.Counts[o] = c
		}
		out = append(out, run)
	}
	return out, nil
}

// Claim implements ports.DunningEscalationRepository.
func (r *DunningRepository) Claim(ctx context.Context, e ports.DunningEscalation) (bool, error) {
	res := r.db.WithContext(ctx).Exec(`INSERT INTO dunning_escalations (id, customer_id, step_offset, key, conversation_id, assignee_id, note, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (customer_id, key) DO NOTHING`,
		e.ID, e.CustomerID, e.Offset, e.Key, nullUUID(e.ConversationID), nullUUID(e.AssigneeID), e.Note, timestamp(e.CreatedAt))
	if res.Error != nil {
		return false, fmt.Errorf("claim escalation: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// Release implements ports.DunningEscalationRepository.
func (r *DunningRepository) Release(ctx context.Context, id uuid.UUID) error {
	if err := r.db.WithContext(ctx).Exec(`DELETE FROM dunning_escalations WHERE id = ?`, id).Error; err != nil {
		return fmt.Errorf("release escalation: %w", err)
	}
	return nil
}

// LastAssignee implements ports.DunningEscalationRepository.
func (r *DunningRepository) LastAssignee(ctx context.Context) (uuid.UUID, error) {
	var ids []uuid.UUID
	err := r.db.WithContext(ctx).Raw(`SELECT assignee_id FROM dunning_escalations WHERE assignee_id IS NOT NULL
		ORDER BY created_at DESC, id DESC LIMIT 1`).Scan(&ids).Error
	if err != nil {
		return uuid.Nil, fmt.Errorf("last escalation assignee: %w", err)
	}
	if len(ids) == 0 {
		return uuid.Nil, nil
	}
	return ids[0], nil
}

// LinkFor implements ports.DunningLinkRepository.
func (r *DunningRepository) LinkFor(ctx context.Context, key string) (uuid.UUID, error) {
	var ids []uuid.UUID
	if err := r.db.WithContext(ctx).Raw(`SELECT link_id FROM dunning_links WHERE key = ?`, key).Scan(&ids).Error; err != nil {
		return uuid.Nil, fmt.Errorf("reminder link: %w", err)
	}
	if len(ids) == 0 {
		return uuid.Nil, nil
	}
	return ids[0], nil
}

// SaveLink implements ports.DunningLinkRepository.
func (r *DunningRepository) SaveLink(ctx context.Context, key string, linkID uuid.UUID, at time.Time) error {
	err := r.db.WithContext(ctx).Exec(`INSERT INTO dunning_links (key, link_id, created_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET link_id = EXCLUDED.link_id, created_at = EXCLUDED.created_at`, key, linkID, timestamp(at)).Error
	if err != nil {
		return fmt.Errorf("save reminder link: %w", err)
	}
	return nil
}
