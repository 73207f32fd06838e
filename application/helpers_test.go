package application_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"

	"github.com/saldocrm/saldo/adapters/clock"
	"github.com/saldocrm/saldo/ports"
	"github.com/saldocrm/saldo/ports/mocks"
)

// now is 2026-11-22 02:00 UTC: still the 21st in Bogotá.
var now = time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)

// world is a unit of work whose transaction hands out mocked repositories.
type world struct {
	uow       *mocks.UnitOfWork
	repos     *mocks.Repos
	customers *mocks.CustomerRepository
	invoices  *mocks.InvoiceRepository
	payments  *mocks.PaymentRepository
	clock     *clock.Fixed
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{
		uow: mocks.NewUnitOfWork(t), repos: mocks.NewRepos(t),
		customers: mocks.NewCustomerRepository(t), invoices: mocks.NewInvoiceRepository(t),
		payments: mocks.NewPaymentRepository(t), clock: clock.NewFixed(now),
	}
	w.repos.EXPECT().Customers().Return(w.customers).Maybe()
	w.repos.EXPECT().Invoices().Return(w.invoices).Maybe()
	w.repos.EXPECT().Payments().Return(w.payments).Maybe()
	return w
}

// transactions expects n units of work and runs each fn against the mocks.
func (w *world) transactions(n int) {
	w.uow.EXPECT().Do(mock.Anything, mock.Anything).
		RunAndReturn(func(ctx context.Context, fn func(context.Context, ports.Repos) error) error {
			return fn(ctx, w.repos)
		}).Times(n)
}
