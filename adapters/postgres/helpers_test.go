package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/payment"
	"github.com/saldocrm/saldo/domain/user"
)

// now is the tests' clock: microsecond precision, as PostgreSQL stores it.
var now = time.Date(2026, time.March, 10, 14, 30, 15, 123456000, time.UTC)

// today is the organization's day in the tests.
var today = date.MustParse("2026-03-10")

func newCustomer(t testing.TB, externalID string, edit ...func(*customer.Details)) *customer.Customer {
	t.Helper()
	d := customer.Details{ExternalID: externalID, Name: "Customer " + externalID, Language: "es"}
	for _, e := range edit {
		e(&d)
	}
	c, err := customer.New(d, now)
	require.NoError(t, err)
	return c
}

// invoiceSpec describes a test invoice relative to today.
type invoiceSpec struct {
	externalID string
	customer   uuid.UUID
	currency   string // USD when empty
	dueInDays  int    // due today.AddDays(dueInDays): negative is past due
	total      string
	paid       string // "" for nothing paid
	status     string // "" derives it
}

func newInvoice(t testing.TB, s invoiceSpec) *invoice.Invoice {
	t.Helper()
	if s.currency == "" {
		s.currency = "USD"
	}
	due := today.AddDays(s.dueInDays)
	d := invoice.Details{
		ExternalID: s.externalID, CustomerID: s.customer, Number: "N-" + s.externalID, Currency: s.currency,
		IssueDate: due.AddDays(-30).String(), DueDate: due.String(), Total: s.total, Status: s.status,
	}
	if s.paid != "" {
		d.AmountPaid = &s.paid
	}
	inv, err := invoice.New(d, now)
	require.NoError(t, err)
	return inv
}

func newPayment(t testing.TB, customerID uuid.UUID, amount, currency, ref string, receivedAt time.Time) *payment.Payment {
	t.Helper()
	p, err := payment.New(uuid.New(), payment.Details{
		CustomerID: customerID, Amount: money.MustParse(amount, currency), Method: payment.Transfer,
		ProviderReference: ref, ReceivedAt: receivedAt,
	}, now)
	require.NoError(t, err)
	return p
}

func assertCustomerEqual(t testing.TB, want, got *customer.Customer) {
	t.Helper()
	assert.Equal(t, want.ID(), got.ID(), "id")
	assert.Equal(t, want.ExternalID(), got.ExternalID(), "external id")
	assert.Equal(t, want.Name(), got.Name(), "name")
	assert.Equal(t, want.Email(), got.Email(), "email")
	assert.Equal(t, want.Phone(), got.Phone(), "phone")
	assert.Equal(t, want.TaxID(), got.TaxID(), "tax id")
	assert.Equal(t, want.Tags(), got.Tags(), "tags")
	assert.Equal(t, want.Language(), got.Language(), "language")
	assert.Equal(t, string(want.Metadata()), string(got.Metadata()), "metadata")
	assert.Equal(t, want.OptedOut(), got.OptedOut(), "opted out")
	assert.True(t, want.CreatedAt().Equal(got.CreatedAt()), "created at: want %s, got %s", want.CreatedAt(), got.CreatedAt())
	assert.True(t, want.UpdatedAt().Equal(got.UpdatedAt()), "updated at: want %s, got %s", want.UpdatedAt(), got.UpdatedAt())
}

func assertInvoiceEqual(t testing.TB, want, got *invoice.Invoice) {
	t.Helper()
	assert.Equal(t, want.ID(), got.ID(), "id")
	assert.Equal(t, want.ExternalID(), got.ExternalID(), "external id")
	assert.Equal(t, want.CustomerID(), got.CustomerID(), "customer id")
	assert.Equal(t, want.Number(), got.Number(), "number")
	assert.Equal(t, want.Currency(), got.Currency(), "currency")
	assert.True(t, want.IssueDate().Equal(got.IssueDate()), "issue date: want %s, got %s", want.IssueDate(), got.IssueDate())
	assert.True(t, want.DueDate().Equal(got.DueDate()), "due date: want %s, got %s", want.DueDate(), got.DueDate())
	assertMoney(t, want.Total(), got.Total(), "total")
	assertMoney(t, want.AmountPaid(), got.AmountPaid(), "amount paid")
	assert.Equal(t, want.Status(), got.Status(), "status")
	assert.Equal(t, want.Description(), got.Description(), "description")
	assert.Equal(t, string(want.Metadata()), string(got.Metadata()), "metadata")
	assert.True(t, want.CreatedAt().Equal(got.CreatedAt()), "created at: want %s, got %s", want.CreatedAt(), got.CreatedAt())
	assert.True(t, want.UpdatedAt().Equal(got.UpdatedAt()), "updated at: want %s, got %s", want.UpdatedAt(), got.UpdatedAt())
}

func assertPaymentEqual(t testing.TB, want, got *payment.Payment) {
	t.Helper()
	assert.Equal(t, want.ID(), got.ID(), "id")
	assert.Equal(t, want.CustomerID(), got.CustomerID(), "customer id")
	assertMoney(t, want.Amount(), got.Amount(), "amount")
	assert.Equal(t, want.Method(), got.Method(), "method")
	assert.Equal(t, want.ProviderReference(), got.ProviderReference(), "provider reference")
	assert.True(t, want.ReceivedAt().Equal(got.ReceivedAt()), "received at: want %s, got %s", want.ReceivedAt(), got.ReceivedAt())
	assert.True(t, want.CreatedAt().Equal(got.CreatedAt()), "created at: want %s, got %s", want.CreatedAt(), got.CreatedAt())
	wa, ga := want.Allocations(), got.Allocations()
	if assert.Len(t, ga, len(wa), "allocations") {
		for i := range wa {
			assert.Equal(t, wa[i].InvoiceID(), ga[i].InvoiceID(), "allocation %d invoice", i)
			assertMoney(t, wa[i].Amount(), ga[i].Amount(), fmt.Sprintf("allocation %d amount", i))
		}
	}
}

// assertMoney compares amounts by value and currency, and checks that the
// string form (what the API shows) is the same too.
func assertMoney(t testing.TB, want, got money.Money, what string) {
	t.Helper()
	assert.True(t, want.Equal(got), "%s: want %s, got %s", what, want, got)
	assert.Equal(t, want.String(), got.String(), what)
}

func customerIDs(cs []*customer.Customer) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.ExternalID())
	}
	return out
}

func invoiceExternalIDs(invs []*invoice.Invoice) []string {
	out := make([]string, 0, len(invs))
	for _, inv := range invs {
		out = append(out, inv.ExternalID())
	}
	return out
}

// assertSortedByID checks the order every list promises.
func assertSortedByID[T interface{ ID() uuid.UUID }](t testing.TB, items []T) {
	t.Helper()
	assert.True(t, slices.IsSortedFunc(items, func(a, b T) int {
		x, y := a.ID(), b.ID()
		return slices.Compare(x[:], y[:])
	}), "items are not in id order")
}

func rawJSON(s string) json.RawMessage { return json.RawMessage(s) }

// count returns the result of a count(*) query.
func count(t testing.TB, db *gorm.DB, query string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, db.WithContext(context.Background()).Raw(query, args...).Scan(&n).Error)
	return n
}

// newUser returns an agent with a unique email, not stored.
func newUser(t testing.TB, name string, role user.Role) *user.User {
	t.Helper()
	id := uuid.Must(uuid.NewV7())
	u, err := user.New(id, "user-"+id.String()+"@saldo.test", name, role, "es", "$2a$04$not-a-real-hash", now)
	require.NoError(t, err)
	return u
}

// saveAgent stores an agent and returns their id, for conversations to be
// assigned to (conversations.assignee_id references users).
func saveAgent(t testing.TB, db *gorm.DB) uuid.UUID {
	t.Helper()
	u := newUser(t, "Agent", user.Agent)
	require.NoError(t, postgres.NewUserRepository(db).Create(context.Background(), u))
	return u.ID()
}
