package application

import (
	"context"

	"github.com/saldocrm/saldo/domain/user"
	"github.com/saldocrm/saldo/ports"
)

// Inbox lists conversations for a signed-in user, with the count of every
// view. Agents see the unassigned conversations and their own; managers
// and owners see all.
type Inbox struct {
	queries ports.InboxQueries
}

// NewInbox returns the query.
func NewInbox(queries ports.InboxQueries) *Inbox {
	must(queries)
	return &Inbox{queries: queries}
}

// Handle returns the rows of f's view and the counts of all views.
func (q *Inbox) Handle(ctx context.Context, viewer *user.User, f ports.InboxFilter) ([]ports.InboxRow, ports.InboxCounts, error) {
	f.Viewer = viewer.ID()
	if viewer.Role() == user.Agent {
		f.VisibleTo = viewer.ID()
	}
	rows, err := q.queries.Inbox(ctx, f)
	if err != nil {
		return nil, ports.InboxCounts{}, err
	}
	counts, err := q.queries.InboxCounts(ctx, f)
	return rows, counts, err
}
