// Package group implements contact groups: named lists of customers that
// finance builds by hand or by importing a file, and that campaigns target.
package group

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
)

// Limits on a group's text.
const (
	MaxNameLength        = 80
	MaxDescriptionLength = 500
)

// Errors about groups.
var (
	ErrInvalidName        = domain.Errorf(domain.KindInvalid, "invalid_group_name", "group name %q must be 1 to 80 characters")
	ErrInvalidDescription = domain.Errorf(domain.KindInvalid, "invalid_group_description", "group description must be at most 500 characters")
	ErrNotFound           = domain.Errorf(domain.KindNotFound, "group_not_found", "group %s not found")
	ErrNameTaken          = domain.Errorf(domain.KindConflict, "group_name_taken", "a group named %q already exists")
)

// Group is a named list of customers. Membership is stored beside it, not in
// it: a group may hold a hundred thousand customers.
type Group struct {
	id          uuid.UUID
	name        string
	description string
	createdAt   time.Time
	updatedAt   time.Time
}

// NormalizeName trims name and checks its length (1 to 80 characters).
func NormalizeName(name string) (string, error) {
	n := strings.TrimSpace(name)
	if n == "" || utf8.RuneCountInString(n) > MaxNameLength || !utf8.ValidString(n) {
		return "", ErrInvalidName.New(name)
	}
	return n, nil
}

// Key returns the form under which names are unique: two groups may not have
// names that differ only in case or surrounding spaces.
func Key(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

func normalizeDescription(d string) (string, error) {
	d = strings.TrimSpace(d)
	if utf8.RuneCountInString(d) > MaxDescriptionLength {
		return "", ErrInvalidDescription
	}
	return d, nil
}

// New returns a group named name.
func New(id uuid.UUID, name, description string, now time.Time) (*Group, error) {
	n, err := NormalizeName(name)
	if err != nil {
		return nil, err
	}
	d, err := normalizeDescription(description)
	if err != nil {
		return nil, err
	}
	return &Group{id: id, name: n, description: d, createdAt: now, updatedAt: now}, nil
}

// Edit renames the group and replaces its description. It reports whether
// anything changed; when nothing did, the updated time stays.
func (g *Group) Edit(name, description string, now time.Time) (changed bool, err error) {
	n, err := NormalizeName(name)
	if err != nil {
		return false, err
	}
	d, err := normalizeDescription(description)
	if err != nil {
		return false, err
	}
	if n == g.name && d == g.description {
		return false, nil
	}
	g.name, g.description, g.updatedAt = n, d, now
	return true, nil
}

// ID returns the group's id.
func (g *Group) ID() uuid.UUID { return g.id }

// Name returns the group's name, trimmed.
func (g *Group) Name() string { return g.name }

// Description returns what the group is for, or "".
func (g *Group) Description() string { return g.description }

// CreatedAt returns when the group was made.
func (g *Group) CreatedAt() time.Time { return g.createdAt }

// UpdatedAt returns when the group was last renamed or described.
func (g *Group) UpdatedAt() time.Time { return g.updatedAt }

// UnmarshalFromDatabase rebuilds a stored group. Only adapters call it.
func UnmarshalFromDatabase(id uuid.UUID, name, description string, createdAt, updatedAt time.Time) (*Group, error) {
	g, err := New(id, name, description, createdAt)
	if err != nil {
		return nil, err
	}
	g.updatedAt = updatedAt
	return g, nil
}
