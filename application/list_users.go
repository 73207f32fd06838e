package application

import (
	"context"

	"github.com/saldocrm/saldo/domain/user"
	"github.com/saldocrm/saldo/ports"
)

// ListUsers lists the console's users.
type ListUsers struct {
	users ports.UserRepository
}

// NewListUsers returns the query.
func NewListUsers(users ports.UserRepository) *ListUsers {
	must(users)
	return &ListUsers{users: users}
}

// Handle returns every user, by name.
func (h *ListUsers) Handle(ctx context.Context) ([]*user.User, error) {
	return h.users.List(ctx)
}
