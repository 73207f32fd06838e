package postgres

import (
	"context"

	"gorm.io/gorm"

	"github.com/saldocrm/saldo/ports"
)

// UnitOfWork runs functions in database transactions.
type UnitOfWork struct {
	db *gorm.DB
}

var _ ports.UnitOfWork = (*UnitOfWork)(nil)

// NewUnitOfWork returns a UnitOfWork over db.
func NewUnitOfWork(db *gorm.DB) *UnitOfWork {
	return &UnitOfWork{db: db}
}

// Do runs fn in one transaction (READ COMMITTED; rows read through the
// repositories' locking methods stay locked until it ends). fn's error, or
// its panic, rolls the transaction back; otherwise it commits.
func (u *UnitOfWork) Do(ctx context.Context, fn func(ctx context.Context, tx ports.Repos) error) error {
	return u.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(ctx, txRepos{tx: tx})
	})
}

// txRepos hands out repositories bound to one transaction.
type txRepos struct {
	tx *gorm.DB
}

func (r txRepos) Customers() ports.CustomerRepository { return NewCustomerRepository(r.tx) }

func (r txRepos) Invoices() ports.InvoiceRepository { return NewInvoiceRepository(r.tx) }

func (r txRepos) Payments() ports.PaymentRepository { return NewPaymentRepository(r.tx) }

func (r txRepos) PaymentLinks() ports.PaymentLinkRepository { return NewPaymentLinkRepository(r.tx) }

func (r txRepos) Conversations() ports.ConversationRepository { return NewConversationRepository(r.tx) }

func (r txRepos) Messages() ports.MessageRepository { return NewMessageRepository(r.tx) }

func (r txRepos) Templates() ports.TemplateRepository { return NewTemplateRepository(r.tx) }

func (r txRepos) Outbox() ports.Outbox { return NewOutbox(r.tx) }

func (r txRepos) Campaigns() ports.CampaignRepository { return NewCampaignRepository(r.tx) }

func (r txRepos) Recipients() ports.RecipientRepository { return NewRecipientRepository(r.tx) }

func (r txRepos) Groups() ports.GroupRepository { return NewGroupRepository(r.tx) }

func (r txRepos) Imports() ports.ImportRepository { return NewImportRepository(r.tx) }
