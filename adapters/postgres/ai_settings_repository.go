package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/user"
	"github.com/saldocrm/saldo/ports"
)

// AISettingsRepository stores the organization's AI settings in the one
// row (id 1) of the ai_settings table.
type AISettingsRepository struct {
	db *gorm.DB
}

var _ ports.AISettingsRepository = (*AISettingsRepository)(nil)

// NewAISettingsRepository returns an AISettingsRepository over db (a
// connection pool or a transaction).
func NewAISettingsRepository(db *gorm.DB) *AISettingsRepository {
	return &AISettingsRepository{db: db}
}

// aiSettingsID is the id of the one row; the table refuses any other.
const aiSettingsID = 1

type aiSettingsRow struct {
	ID           int16      `gorm:"column:id;primaryKey"`
	Provider     string     `gorm:"column:provider"`
	APIKeySealed []byte     `gorm:"column:api_key_sealed"` // NULL when no key was given
	Model        string     `gorm:"column:model"`
	UpdatedAt    time.Time  `gorm:"column:updated_at;autoUpdateTime:false"`
	UpdatedBy    *uuid.UUID `gorm:"column:updated_by"` // NULL: saved by no user, or the user was removed
}

func (aiSettingsRow) TableName() string { return "ai_settings" }

// Get returns the stored settings, or the offline analyzer with the
// default model when none are stored.
func (r *AISettingsRepository) Get(ctx context.Context) (ports.AISettings, error) {
	var row aiSettingsRow
	err := r.db.WithContext(ctx).Where("id = ?", aiSettingsID).Take(&row).Error
	if notFound(err) {
		return ports.AISettings{Provider: ports.AIProviderOffline, Model: ports.DefaultAIModel}, nil
	}
	if err != nil {
		return ports.AISettings{}, fmt.Errorf("get AI settings: %w", err)
	}
	s := ports.AISettings{
		Provider: row.Provider, Model: row.Model, UpdatedAt: row.UpdatedAt.UTC(), UpdatedBy: uuidOf(row.UpdatedBy),
	}
	if len(row.APIKeySealed) > 0 {
		s.SealedKey = row.APIKeySealed
	}
	return s, nil
}

// Save replaces the stored settings. A provider other than offline and
// openai is invalid; an empty model is the default one; no sealed key (nil
// or empty) is stored as NULL; a user who does not exist is
// user.ErrNotFound.
func (r *AISettingsRepository) Save(ctx context.Context, s ports.AISettings) error {
	if s.Provider != ports.AIProviderOffline && s.Provider != ports.AIProviderOpenAI {
		return domain.Invalid("invalid_ai_provider", "AI provider %q is not %s or %s",
			s.Provider, ports.AIProviderOffline, ports.AIProviderOpenAI)
	}
	row := aiSettingsRow{
		ID: aiSettingsID, Provider: s.Provider, Model: s.Model,
		UpdatedAt: timestamp(s.UpdatedAt), UpdatedBy: nullUUID(s.UpdatedBy),
	}
	if row.Model == "" {
		row.Model = ports.DefaultAIModel
	}
	if len(s.SealedKey) > 0 {
		row.APIKeySealed = s.SealedKey
	}
	err := r.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"provider", "api_key_sealed", "model", "updated_at", "updated_by"}),
	}).Create(&row).Error
	if errors.Is(err, gorm.ErrForeignKeyViolated) {
		return user.ErrNotFound.New(s.UpdatedBy)
	}
	if err != nil {
		return fmt.Errorf("save AI settings: %w", err)
	}
	return nil
}
