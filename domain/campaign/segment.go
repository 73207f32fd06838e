package campaign

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
)

// Criteria select customers by what their ledger says on the organization's
// today. Zero fields do not filter; a customer must match every set field.
type Criteria struct {
	// MinDaysOverdue keeps customers with an open invoice at least this many
	// days past due (1 or more: "overdue"; 31: "overdue more than 30 days").
	MinDaysOverdue int
	// Currency restricts the overdue invoices looked at to one currency.
	Currency money.Currency
	// MinOverdue keeps customers whose overdue balance in its currency is at
	// least this much; it sets Currency.
	MinOverdue money.Money
	// Buckets keeps customers with an open balance in one of these aging buckets.
	Buckets []invoice.Bucket
	// Tags keeps customers with at least one of these tags.
	Tags []string
	// NoPendingPromise leaves out customers with a promise to pay pending.
	NoPendingPromise bool
}

// Errors about segments.
var (
	ErrInvalidSegment   = newInvalid("invalid_segment")
	ErrSegmentNotFound  = notFound("segment_not_found", "segment %s not found")
	ErrSegmentNameTaken = domain.Errorf(domain.KindConflict, "segment_name_taken", "a segment named %q already exists")
)

// Check validates and normalizes c.
func (c Criteria) Check() (Criteria, error) {
	var problems []string
	if c.MinDaysOverdue < 0 || c.MinDaysOverdue > 3650 {
		problems = append(problems, "days overdue must be between 0 and 3,650")
	}
	if !c.MinOverdue.IsZero() || c.MinOverdue.Currency() != (money.Currency{}) {
		if c.MinOverdue.IsNegative() {
			problems = append(problems, "minimum overdue balance cannot be negative")
		}
		if c.Currency != (money.Currency{}) && c.Currency != c.MinOverdue.Currency() {
			problems = append(problems, "minimum overdue balance must be in the segment's currency")
		}
		c.Currency = c.MinOverdue.Currency()
	}
	for _, b := range c.Buckets {
		if _, err := invoice.ParseBucket(string(b)); err != nil {
			problems = append(problems, err.Error())
		}
	}
	tags, err := customer.NormalizeTags(c.Tags)
	if err != nil {
		problems = append(problems, err.Error())
	}
	c.Tags = nil
	if len(tags) > 0 {
		c.Tags = tags
	}
	if len(problems) > 0 {
		return Criteria{}, ErrInvalidSegment.New(strings.Join(problems, "; ")).WithDetails(problems...)
	}
	return c, nil
}

// Segment is a saved set of criteria, such as "overdue more than 30 days".
type Segment struct {
	id        uuid.UUID
	name      string
	criteria  Criteria
	createdAt time.Time
	updatedAt time.Time
}

// NewSegment checks and returns a segment.
func NewSegment(id uuid.UUID, name string, c Criteria, now time.Time) (*Segment, error) {
	s := &Segment{id: id, createdAt: now}
	if err := s.Change(name, c, now); err != nil {
		return nil, err
	}
	return s, nil
}

// Change renames the segment and replaces its criteria.
func (s *Segment) Change(name string, c Criteria, now time.Time) error {
	name = strings.TrimSpace(name)
	var problems []string
	if n := utf8.RuneCountInString(name); n == 0 || n > 120 {
		problems = append(problems, "name is required and at most 120 characters")
	}
	c, err := c.Check()
	if err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return ErrInvalidSegment.New(strings.Join(problems, "; ")).WithDetails(problems...)
	}
	s.name, s.criteria, s.updatedAt = name, c, now
	return nil
}

// ID returns the segment's id.
func (s *Segment) ID() uuid.UUID { return s.id }

// Name returns the segment's name.
func (s *Segment) Name() string { return s.name }

// Criteria returns what the segment selects.
func (s *Segment) Criteria() Criteria { return s.criteria }

// CreatedAt returns when the segment was saved first.
func (s *Segment) CreatedAt() time.Time { return s.createdAt }

// UpdatedAt returns when the segment last changed.
func (s *Segment) UpdatedAt() time.Time { return s.updatedAt }

// UnmarshalSegmentFromDatabase rebuilds a stored segment. Only adapters call it.
func UnmarshalSegmentFromDatabase(id uuid.UUID, name string, c Criteria, createdAt, updatedAt time.Time) *Segment {
	return &Segment{id: id, name: name, criteria: c, createdAt: createdAt, updatedAt: updatedAt}
}
