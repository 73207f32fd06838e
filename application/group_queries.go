package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/group"
	"github.com/saldocrm/saldo/ports"
)

// GroupQueries reads contact groups and their members.
type GroupQueries struct {
	groups ports.GroupRepository
}

// NewGroupQueries returns the queries.
func NewGroupQueries(groups ports.GroupRepository) *GroupQueries {
	must(groups)
	return &GroupQueries{groups: groups}
}

// List returns every group with its member count, by name.
func (q *GroupQueries) List(ctx context.Context) ([]ports.GroupSummary, error) {
	return q.groups.List(ctx)
}

// Get returns a group, or group.ErrNotFound.
func (q *GroupQueries) Get(ctx context.Context, id uuid.UUID) (*group.Group, error) {
	return q.groups.Get(ctx, id)
}

// Members returns a page of a group's customers (the usual page size
// when none is set) and whether more follow.
func (q *GroupQueries) Members(ctx context.Context, id uuid.UUID, p ports.Page) ([]*customer.Customer, bool, error) {
	p.Limit = pageLimit(p.Limit)
	want := p.Limit
	p.Limit++ // one more tells whether another page exists
	items, err := q.groups.Members(ctx, id, p)
	if err != nil {
		return nil, false, err
	}
	return trimPage(items, want)
}

// OfCustomer returns the groups a customer is in, by name.
func (q *GroupQueries) OfCustomer(ctx context.Context, customerID uuid.UUID) ([]*group.Group, error) {
	return q.groups.OfCustomer(ctx, customerID)
}
