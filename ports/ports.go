// Package ports declares the interfaces the application needs from the
// outside world, written from the application's point of view: repositories,
// the unit of work, the clock. Adapters implement them; no library type
// appears in any signature.
package ports

import (
	"context"
	"time"
)

// Clock tells the time. Use cases read it; the domain is handed the result.
type Clock interface {
	Now() time.Time
}

// UnitOfWork runs fn in one database transaction. The repositories fn gets
// are bound to that transaction; fn's error rolls everything back.
type UnitOfWork interface {
	Do(ctx context.Context, fn func(ctx context.Context, tx Repos) error) error
}

// Repos hands out repositories bound to one transaction.
type Repos interface {
	Customers() CustomerRepository
	Invoices() InvoiceRepository
	Payments() PaymentRepository
	PaymentLinks() PaymentLinkRepository
	Conversations() ConversationRepository
	Messages() MessageRepository
	Templates() TemplateRepository
	Outbox() Outbox
	Campaigns() CampaignRepository
	Recipients() RecipientRepository
	Groups() GroupRepository
	Imports() ImportRepository
}

// Pinger checks that a backing service answers, for readiness probes.
type Pinger interface {
	Ping(ctx context.Context) error
}
