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

// record is an aggregate a sync creates or updates: a customer or an invoice.
type record interface {
	ID() uuid.UUID
}

// syncer says how one kind of record is synced.
type syncer[T any, R record] struct {
	externalID func(T) string
	sync       func(existing R, item T) (changed bool, err error)
	create     func(item T) (R, error)
	// check refuses an item before it is synced (e.g. an unknown customer).
	check func(item T) error
}

// apply syncs items against the records that exist (known, by external id;
// records created here join it, so the same external id twice in one batch
// is one record), reports a result per item, and returns the records that
// changed, each once.
func (s syncer[T, R]) apply(items []T, known map[string]R) ([]SyncResult, []R) {
	existed := make(map[string]bool, len(known))
	for k := range known {
		existed[k] = true
	}
	results := make([]SyncResult, len(items))
	dirty := map[uuid.UUID]R{}
	for i, it := range items {
		ext := strings.TrimSpace(s.externalID(it))
		results[i] = SyncResult{ExternalID: ext}
		var r R
		var changed bool
		var err error
		if s.check != nil {
			err = s.check(it)
		}
		if err == nil {
			var ok bool
			if r, ok = known[ext]; ok {
				changed, err = s.sync(r, it)
			} else if r, err = s.create(it); err == nil {
				changed = true
			}
		}
		if err != nil {
			results[i].Outcome, results[i].Err = Failed, err
			continue
		}
		known[ext] = r
		if changed {
			dirty[r.ID()] = r
		}
		results[i].ID = r.ID()
		results[i].Outcome = outcome(existed[ext], changed)
	}
	return results, values(dirty)
}

func values[K comparable, V any](m map[K]V) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
