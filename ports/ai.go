package ports

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// The analyzers an organization can choose, and the model used when none
// was chosen.
const (
	AIProviderOffline = "offline"
	AIProviderOpenAI  = "openai"
	DefaultAIModel    = "gpt-4o-mini"
)

// AISettings is how the organization analyses its conversations.
type AISettings struct {
	Provider  string    // AIProviderOffline or AIProviderOpenAI
	SealedKey []byte    // the OpenAI API key sealed by a SecretBox; nil when none was given
	Model     string    // the OpenAI model
	UpdatedAt time.Time // the zero time when never saved
	UpdatedBy uuid.UUID // Nil when never saved, or saved by no user
}

// AISettingsRepository stores the organization's one AISettings.
type AISettingsRepository interface {
	// Get returns the stored settings; when none are stored, the offline
	// analyzer with the default model:
	// AISettings{Provider: AIProviderOffline, Model: DefaultAIModel}.
	Get(ctx context.Context) (AISettings, error)
	// Save replaces the stored settings.
	Save(ctx context.Context, s AISettings) error
}

// SecretBox seals secrets (an API key) before they are stored, and opens
// them again. Open refuses what was altered or sealed with another key.
type SecretBox interface {
	Seal(plain []byte) ([]byte, error)
	Open(sealed []byte) ([]byte, error)
}
