package application

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/group"
	"github.com/saldocrm/saldo/ports"
)

// ErrUnknownCustomers refuses a membership change naming customers Saldo
// does not have; nothing is changed.
var ErrUnknownCustomers = domain.Errorf(domain.KindInvalid, "unknown_customers", "%d customers are unknown: %s")

// ErrNoMembers refuses a membership change that names nobody, or too many.
var ErrNoMembers = domain.Errorf(domain.KindInvalid, "invalid_members", "name 1 to 1000 customers by id or external id; this request names %d")

// MemberRefs names customers by Saldo id or by the ERP's external id.
type MemberRefs struct {
	CustomerIDs []uuid.UUID
	ExternalIDs []string
}

// ManageGroups creates, edits and deletes contact groups and changes who is
// in them.
type ManageGroups struct {
	uow   ports.UnitOfWork
	ids   func() uuid.UUID
	clock ports.Clock
}

// NewManageGroups returns the use case.
func NewManageGroups(uow ports.UnitOfWork, clock ports.Clock) *ManageGroups {
	must(uow, clock)
	return &ManageGroups{uow: uow, ids: uuid.New, clock: clock}
}

// Create makes a group; a name another group has is group.ErrNameTaken.
func (h *ManageGroups) Create(ctx context.Context, name, description string) (*group.Group, error) {
	g, err := group.New(h.ids(), name, description, h.clock.Now())
	if err != nil {
		return nil, err
	}
	err = h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error { return tx.Groups().Save(ctx, g) })
	if err != nil {
		return nil, err
	}
	return g, nil
}

// Update renames a group and replaces its description.
func (h *ManageGroups) Update(ctx context.Context, id uuid.UUID, name, description string) (*group.Group, error) {
	var g *group.Group
	err := h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		var err error
		if g, err = tx.Groups().Get(ctx, id); err != nil {
			return err
		}
		changed, err := g.Edit(name, description, h.clock.Now())
		if err != nil || !changed {
			return err
		}
		return tx.Groups().Save(ctx, g)
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// Delete removes a group and its memberships; the customers stay.
func (h *ManageGroups) Delete(ctx context.Context, id uuid.UUID) error {
	return h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error { return tx.Groups().Delete(ctx, id) })
}

// AddMembers puts the customers in the group and returns how many were not
// in it yet. Unknown customers refuse the whole request.
func (h *ManageGroups) AddMembers(ctx context.Context, groupID uuid.UUID, refs MemberRefs) (int, error) {
	n := 0
	err := h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		if _, err := tx.Groups().Get(ctx, groupID); err != nil {
			return err
		}
		ids, err := resolveMembers(ctx, tx, refs)
		if err != nil {
			return err
		}
		n, err = tx.Groups().AddMembers(ctx, groupID, ids)
		return err
	})
	return n, err
}

// RemoveMembers takes the customers out of the group and returns how many
// were in it. Unknown customers refuse the whole request.
func (h *ManageGroups) RemoveMembers(ctx context.Context, groupID uuid.UUID, refs MemberRefs) (int, error) {
	n := 0
	err := h.uow.Do(ctx, func(ctx context.Context, tx ports.Repos) error {
		if _, err := tx.Groups().Get(ctx, groupID); err != nil {
			return err
		}
		ids, err := resolveMembers(ctx, tx, refs)
		if err != nil {
			return err
		}
		n, err = tx.Groups().RemoveMembers(ctx, groupID, ids)
		return err
	})
	return n, err
}

// resolveMembers turns refs into customer ids, refusing unknown ones.
func resolveMembers(ctx context.Context, tx ports.Repos, refs MemberRefs) ([]uuid.UUID, error) {
	if total := len(refs.CustomerIDs) + len(refs.ExternalIDs); total == 0 || total > MaxBatchSize {
		return nil, ErrNoMembers.New(total)
	}
	var unknown []string
	ids := make([]uuid.UUID, 0, len(refs.CustomerIDs)+len(refs.ExternalIDs))
	if len(refs.CustomerIDs) > 0 {
		found, err := tx.Customers().ExternalIDs(ctx, refs.CustomerIDs)
		if err != nil {
			return nil, err
		}
		for _, id := range refs.CustomerIDs {
			if _, ok := found[id]; !ok {
				unknown = append(unknown, id.String())
				continue
			}
			ids = append(ids, id)
		}
	}
	if len(refs.ExternalIDs) > 0 {
		found, err := tx.Customers().ByExternalIDs(ctx, externalIDs(refs.ExternalIDs, func(s string) string { return s }))
		if err != nil {
			return nil, err
		}
		for _, ext := range refs.ExternalIDs {
			c, ok := found[strings.TrimSpace(ext)]
			if !ok {
				unknown = append(unknown, fmt.Sprintf("%q", ext))
				continue
			}
			ids = append(ids, c.ID())
		}
	}
	if len(unknown) > 0 {
		return nil, ErrUnknownCustomers.New(len(unknown), strings.Join(unknown, ", ")).WithDetails(unknown...)
	}
	return ids, nil
}
