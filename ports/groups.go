package ports

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/group"
)

// JobImportCustomers imports a stored customer file in the background; its
// reference is the import's id.
const JobImportCustomers = "customers:import"

// GroupSummary is a group with how many customers it holds.
type GroupSummary struct {
	Group   *group.Group
	Members int
}

// GroupRepository stores contact groups and their members. Not found is
// group.ErrNotFound; a name another group has (whatever its case) is
// group.ErrNameTaken.
type GroupRepository interface {
	Get(ctx context.Context, id uuid.UUID) (*group.Group, error)
	// List returns every group with its member count, by name.
	List(ctx context.Context) ([]GroupSummary, error)
	// Save inserts a new group or updates a stored one.
	Save(ctx context.Context, g *group.Group) error
	// Delete removes a group and its memberships (not the customers).
	Delete(ctx context.Context, id uuid.UUID) error
	// Ensure stores the groups whose names no group has yet and returns, for
	// every one of groups, the stored group with that name (the existing one
	// when the name was taken), keyed by group.Key of the name.
	Ensure(ctx context.Context, groups ...*group.Group) (map[string]*group.Group, error)
	// AddMembers puts customers in the group; customers already in it, or
	// unknown, are passed over. It returns how many joined.
	AddMembers(ctx context.Context, groupID uuid.UUID, customerIDs []uuid.UUID) (added int, err error)
	// RemoveMembers takes customers out of the group; it returns how many left.
	RemoveMembers(ctx context.Context, groupID uuid.UUID, customerIDs []uuid.UUID) (removed int, err error)
	// Members returns a page of the group's customers, by customer id.
	Members(ctx context.Context, groupID uuid.UUID, p Page) ([]*customer.Customer, error)
	// MemberIDs returns the ids of all the group's customers, in id order.
	MemberIDs(ctx context.Context, groupID uuid.UUID) ([]uuid.UUID, error)
	// OfCustomer returns the groups a customer is in, by name.
	OfCustomer(ctx context.Context, customerID uuid.UUID) ([]*group.Group, error)
}

// ImportStatus is where a customer import is.
type ImportStatus string

// The import statuses.
const (
	ImportQueued  ImportStatus = "queued"  // stored, waiting for a worker
	ImportRunning ImportStatus = "running" // batches are being imported
	ImportDone    ImportStatus = "done"    // every row was handled (some may have failed)
	ImportFailed  ImportStatus = "failed"  // stopped; Failure says why
)

// CustomerImport is an import of a customer file and its progress. Rows
// count the file's data rows (not the header); Processed rows are committed.
type CustomerImport struct {
	ID           uuid.UUID
	Status       ImportStatus
	FileName     string
	Total        int
	Processed    int
	Created      int
	Updated      int
	Unchanged    int
	Failed       int
	MembersAdded int
	Failure      string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	FinishedAt   time.Time // zero until done or failed
}

// ImportRowError is a problem with one row of an imported file: its line in
// the file (the header is line 1), the column at fault ("" for the whole
// row) and what is wrong.
type ImportRowError struct {
	Line    int
	Column  string
	Message string
}

// ImportRepository stores customer imports, their files and error reports.
// Not found is a domain not-found error.
type ImportRepository interface {
	// Create stores a new import with its file.
	Create(ctx context.Context, imp CustomerImport, file []byte) error
	Get(ctx context.Context, id uuid.UUID) (CustomerImport, error)
	// Lock returns the import locked until the unit of work ends.
	Lock(ctx context.Context, id uuid.UUID) (CustomerImport, error)
	// File returns the stored file; nil once the import has ended.
	File(ctx context.Context, id uuid.UUID) ([]byte, error)
	// Record saves the import's status and counters and adds errors to its
	// report; the file is dropped when the import has ended.
	Record(ctx context.Context, imp CustomerImport, errs []ImportRowError) error
	// Errors returns up to limit rows of the error report, by line (all
	// when limit is zero).
	Errors(ctx context.Context, id uuid.UUID, limit int) ([]ImportRowError, error)
	// ExternalIDsByPhone returns, per canonical phone key
	// (phone.Number.CanonicalKey), the external ids of the customers with that
	// phone, in id order; keys nobody has are missing.
	ExternalIDsByPhone(ctx context.Context, keys []string) (map[string][]string, error)
}
