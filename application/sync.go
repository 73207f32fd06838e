package application

import (
	"strings"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
)

// MaxBatchSize is the most records one sync request may carry.
const MaxBatchSize = 1000

// ErrBatchSize is returned for an empty batch or one over MaxBatchSize.
var ErrBatchSize = domain.Errorf(domain.KindInvalid, "invalid_batch_size", "a batch holds 1 to 1000 items; this one has %d")

// Outcome says what a sync did with one record.
type Outcome string

// The sync outcomes.
const (
	Created   Outcome = "created"
	Updated   Outcome = "updated"
	Unchanged Outcome = "unchanged"
	Failed    Outcome = "error"
)

// SyncResult is the outcome for one record of a sync, in request order.
type SyncResult struct {
	ExternalID string
	ID         uuid.UUID // uuid.Nil when Failed
	Outcome    Outcome
	Err        error // set when Failed
}

func checkBatch(n int) error {
	if n == 0 || n > MaxBatchSize {
		return ErrBatchSize.New(n)
	}
	return nil
}

// externalIDs returns the distinct non-empty trimmed ids.
func externalIDs[T any](items []T, id func(T) string) []string {
	seen := make(map[string]struct{}, len(items))
	out := make([]string, 0, len(items))
	for _, it := range items {
		k := strings.TrimSpace(id(it))
		if _, dup := seen[k]; k == "" || dup {
			continue
		}
		seen[k] = struct{}{}
		out = append(out, k)
	}
	return out
}

// outcome turns what Sync or New said into a result.
func outcome(existed, changed bool) Outcome {
	switch {
	case !existed:
		return Created
	case changed:
		return Updated
	default:
		return Unchanged
	}
}
