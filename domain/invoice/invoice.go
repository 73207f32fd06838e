// Package invoice implements the Invoice aggregate: what a customer owes,
// when it falls due, and how much of it is paid.
package invoice

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/money"
)

// Errors returned by the invoice aggregate.
var (
	ErrExternalIDChange  = domain.Errorf(domain.KindInvalid, "external_id_immutable", "external_id %q cannot change to %q")
	ErrNotFound          = domain.Errorf(domain.KindNotFound, "invoice_not_found", "invoice %s not found")
	ErrInvalidExternalID = domain.Errorf(domain.KindInvalid, "invalid_external_id", "external_id is required and must be at most 255 characters")
	ErrInvalidNumber     = domain.Errorf(domain.KindInvalid, "invalid_number", "number is required and must be at most 100 characters")
	ErrNegativeTotal     = domain.Errorf(domain.KindInvalid, "negative_total", "total must not be negative")
	ErrNegativePaid      = domain.Errorf(domain.KindInvalid, "negative_amount_paid", "amount_paid must not be negative")
	ErrOverpaid          = domain.Errorf(domain.KindInvalid, "amount_paid_exceeds_total", "amount_paid %s exceeds total %s")
	ErrDueBeforeIssue    = domain.Errorf(domain.KindInvalid, "due_before_issue", "due_date %s is before issue_date %s")
	ErrPaidNotSettled    = domain.Errorf(domain.KindInvalid, "paid_not_settled", "status paid needs amount_paid equal to total (%s of %s paid)")
	ErrMissingCustomer   = domain.Errorf(domain.KindInvalid, "missing_customer", "customer is required")
	ErrNotPayable        = domain.Errorf(domain.KindConflict, "invoice_not_payable", "invoice %s is %s and cannot take a payment")
	ErrPaymentTooLarge   = domain.Errorf(domain.KindInvalid, "allocation_exceeds_balance", "%s exceeds the balance %s of invoice %s")
	ErrReversalTooLarge  = domain.Errorf(domain.KindInvalid, "reversal_exceeds_paid", "%s is more than the %s paid on invoice %s")
	ErrNonPositive       = domain.Errorf(domain.KindInvalid, "non_positive_amount", "the amount applied to invoice %s must be positive")
)

// Details are the fields an ERP owns and sends on every sync. Amounts and
// dates are the strings received; the aggregate parses and checks them so
// that every problem of a record is reported at once.
type Details struct {
	ExternalID  string
	CustomerID  uuid.UUID
	Number      string
	Currency    string
	IssueDate   string
	DueDate     string
	Total       string
	AmountPaid  *string // nil: keep what Saldo knows (zero for a new invoice)
	Status      string  // "": derived from the amounts
	Description string
	Metadata    json.RawMessage
}

type validDetails struct {
	externalID  string
	customerID  uuid.UUID
	number      string
	currency    money.Currency
	issueDate   date.Date
	dueDate     date.Date
	total       money.Money
	amountPaid  *money.Money
	status      Status
	description string
	metadata    json.RawMessage
}

func (d Details) validate() (validDetails, error) {
	var problems []string
	add := func(err error) { problems = append(problems, err.Error()) }
	var v validDetails

	v.externalID = strings.TrimSpace(d.ExternalID)
	if v.externalID == "" || len(v.externalID) > 255 {
		add(ErrInvalidExternalID)
	}
	v.customerID = d.CustomerID
	if v.customerID == uuid.Nil {
		add(ErrMissingCustomer)
	}
	v.number = strings.TrimSpace(d.Number)
	if v.number == "" || len(v.number) > 100 {
		add(ErrInvalidNumber)
	}
	cur, err := money.ParseCurrency(d.Currency)
	if err != nil {
		add(err)
	}
	v.currency = cur
	if v.issueDate, err = date.Parse(d.IssueDate); err != nil {
		add(err)
	}
	if v.dueDate, err = date.Parse(d.DueDate); err != nil {
		add(err)
	}
	if !v.issueDate.IsZero() && !v.dueDate.IsZero() && v.dueDate.Before(v.issueDate) {
		add(ErrDueBeforeIssue.New(v.dueDate, v.issueDate))
	}
	if !cur.IsZero() {
		if v.total, err = money.Parse(d.Total, cur.Code()); err != nil {
			add(err)
		} else if v.total.IsNegative() {
			add(ErrNegativeTotal)
		}
		if d.AmountPaid != nil {
			paid, err := money.Parse(*d.AmountPaid, cur.Code())
			switch {
			case err != nil:
				add(err)
			case paid.IsNegative():
				add(ErrNegativePaid)
			default:
				v.amountPaid = &paid
			}
		}
	}
	if d.Status != "" {
		if v.status, err = ParseStatus(d.Status); err != nil {
			add(err)
		}
	}
	v.description = strings.TrimSpace(d.Description)
	if v.metadata, err = domain.NormalizeMetadata(d.Metadata); err != nil {
		add(err)
	}
	if len(problems) > 0 {
		return validDetails{}, invalid(problems)
	}
	return v, nil
}

func invalid(problems []string) error {
	return domain.Invalid("invalid_invoice", "%s", strings.Join(problems, "; ")).WithDetails(problems...)
}

// Invoice is an amount a customer owes, due on a date.
type Invoice struct {
	id          uuid.UUID
	externalID  string
	customerID  uuid.UUID
	number      string
	issueDate   date.Date
	dueDate     date.Date
	total       money.Money
	amountPaid  money.Money
	status      Status
	description string
	metadata    json.RawMessage
	createdAt   time.Time
	updatedAt   time.Time
}

// New creates an invoice from an ERP record; its id is IDFor(external id).
func New(d Details, now time.Time) (*Invoice, error) {
	v, err := d.validate()
	if err != nil {
		return nil, err
	}
	inv := &Invoice{id: IDFor(v.externalID), createdAt: now, updatedAt: now, amountPaid: money.Zero(v.currency), status: Open}
	if err := inv.apply(v); err != nil {
		return nil, err
	}
	return inv, nil
}

// apply sets the ERP fields and settles amount paid and status:
//   - a given amount_paid replaces Saldo's; an omitted one is kept, or is the
//     total when the status says paid;
//   - a given status is taken (paid needs the total paid); an omitted one is
//     kept for void and uncollectible invoices and derived otherwise;
//   - an open invoice with nothing left to pay is paid.
func (inv *Invoice) apply(v validDetails) error {
	paid := inv.amountPaid
	if v.currency != paid.Currency() {
		paid = money.Zero(v.currency)
	}
	if v.amountPaid != nil {
		paid = *v.amountPaid
	} else if v.status == Paid {
		paid = v.total
	}
	if c, _ := paid.Cmp(v.total); c > 0 {
		return invalid([]string{ErrOverpaid.New(paid.StringFixed(), v.total.StringFixed()).Error()})
	}
	status := v.status
	if status == "" {
		status = inv.status
		if status == Paid {
			status = Open
		}
	}
	settled := paid.Equal(v.total)
	switch {
	case status == Paid && !settled:
		return invalid([]string{ErrPaidNotSettled.New(paid.StringFixed(), v.total.StringFixed()).Error()})
	case status == Open && settled:
		status = Paid
	}
	inv.externalID, inv.customerID, inv.number = v.externalID, v.customerID, v.number
	inv.issueDate, inv.dueDate, inv.total, inv.amountPaid = v.issueDate, v.dueDate, v.total, paid
	inv.status, inv.description, inv.metadata = status, v.description, v.metadata
	return nil
}

// Sync replaces the ERP-owned fields with d and reports whether anything
// changed; when nothing did, the invoice (and its updated time) is untouched.
func (inv *Invoice) Sync(d Details, now time.Time) (changed bool, err error) {
	v, err := d.validate()
	if err != nil {
		return false, err
	}
	if v.externalID != inv.externalID {
		return false, ErrExternalIDChange.New(inv.externalID, v.externalID)
	}
	before := *inv
	if err := inv.apply(v); err != nil {
		*inv = before
		return false, err
	}
	if inv.sameAs(&before) {
		return false, nil
	}
	inv.updatedAt = now
	return true, nil
}

func (inv *Invoice) sameAs(o *Invoice) bool {
	return inv.externalID == o.externalID && inv.customerID == o.customerID && inv.number == o.number &&
		inv.issueDate.Equal(o.issueDate) && inv.dueDate.Equal(o.dueDate) &&
		inv.total.Equal(o.total) && inv.amountPaid.Equal(o.amountPaid) && inv.status == o.status &&
		inv.description == o.description && string(inv.metadata) == string(o.metadata)
}

// ApplyPayment settles amount of the invoice's balance: it must be positive,
// in the invoice's currency and at most the balance of an open invoice.
func (inv *Invoice) ApplyPayment(amount money.Money, now time.Time) error {
	if inv.status != Open {
		return ErrNotPayable.New(inv.number, inv.status)
	}
	if !amount.IsPositive() {
		return ErrNonPositive.New(inv.number)
	}
	bal := inv.Balance()
	c, err := amount.Cmp(bal)
	if err != nil {
		return err
	}
	if c > 0 {
		return ErrPaymentTooLarge.New(amount, bal, inv.number)
	}
	inv.amountPaid, _ = inv.amountPaid.Add(amount)
	if c == 0 {
		inv.status = Paid
	}
	inv.updatedAt = now
	return nil
}

// ReversePayment gives back amount of what was paid (a refund): the invoice
// owes it again and, if it was paid, is open again.
func (inv *Invoice) ReversePayment(amount money.Money, now time.Time) error {
	if !amount.IsPositive() {
		return ErrNonPositive.New(inv.number)
	}
	c, err := amount.Cmp(inv.amountPaid)
	if err != nil {
		return err
	}
	if c > 0 {
		return ErrReversalTooLarge.New(amount, inv.amountPaid, inv.number)
	}
	inv.amountPaid, _ = inv.amountPaid.Sub(amount)
	if inv.status == Paid {
		inv.status = Open
	}
	inv.updatedAt = now
	return nil
}

// ID returns the invoice's id in Saldo.
func (inv *Invoice) ID() uuid.UUID { return inv.id }

// ExternalID returns the ERP's key for the invoice.
func (inv *Invoice) ExternalID() string { return inv.externalID }

// CustomerID returns the id of the customer who owes the invoice.
func (inv *Invoice) CustomerID() uuid.UUID { return inv.customerID }

// Number returns the invoice number as printed.
func (inv *Invoice) Number() string { return inv.number }

// Currency returns the invoice's currency.
func (inv *Invoice) Currency() money.Currency { return inv.total.Currency() }

// IssueDate returns the date the invoice was issued.
func (inv *Invoice) IssueDate() date.Date { return inv.issueDate }

// DueDate returns the date the invoice falls due.
func (inv *Invoice) DueDate() date.Date { return inv.dueDate }

// Total returns the invoiced amount.
func (inv *Invoice) Total() money.Money { return inv.total }

// AmountPaid returns how much of the total is paid.
func (inv *Invoice) AmountPaid() money.Money { return inv.amountPaid }

// Status returns the stored status.
func (inv *Invoice) Status() Status { return inv.status }

// Description returns the free-text description.
func (inv *Invoice) Description() string { return inv.description }

// Metadata returns the ERP's metadata as a canonical JSON object.
func (inv *Invoice) Metadata() json.RawMessage { return inv.metadata }

// CreatedAt returns when Saldo first saw the invoice.
func (inv *Invoice) CreatedAt() time.Time { return inv.createdAt }

// UpdatedAt returns when the invoice last changed.
func (inv *Invoice) UpdatedAt() time.Time { return inv.updatedAt }

// Balance returns what is still owed: total less amount paid for an open
// invoice, zero for a paid, void or uncollectible one.
func (inv *Invoice) Balance() money.Money {
	if inv.status != Open {
		return money.Zero(inv.total.Currency())
	}
	b, _ := inv.total.Sub(inv.amountPaid)
	return b
}

// PartiallyPaid reports whether an open invoice has received some payment.
func (inv *Invoice) PartiallyPaid() bool {
	return inv.status == Open && inv.amountPaid.IsPositive()
}

// DaysOverdue returns how many days past due the invoice is on today, or 0
// when it has no balance or is not yet past due.
func (inv *Invoice) DaysOverdue(today date.Date) int {
	if inv.status != Open || !inv.Balance().IsPositive() {
		return 0
	}
	if n := today.DaysSince(inv.dueDate); n > 0 {
		return n
	}
	return 0
}

// IsOverdue reports whether an open balance is past due on today.
func (inv *Invoice) IsOverdue(today date.Date) bool { return inv.DaysOverdue(today) > 0 }

// Bucket returns the aging bucket of the invoice's balance on today.
func (inv *Invoice) Bucket(today date.Date) Bucket { return BucketFor(inv.DaysOverdue(today)) }

// UnmarshalFromDatabase rebuilds a stored invoice. Only adapters call it.
func UnmarshalFromDatabase(id, customerID uuid.UUID, externalID, number string, issueDate, dueDate date.Date,
	total, amountPaid money.Money, status Status, description string, metadata json.RawMessage, createdAt, updatedAt time.Time,
) *Invoice {
	return &Invoice{
		id: id, externalID: externalID, customerID: customerID, number: number,
		issueDate: issueDate, dueDate: dueDate, total: total, amountPaid: amountPaid, status: status,
		description: description, metadata: metadata, createdAt: createdAt, updatedAt: updatedAt,
	}
}

// namespace derives invoice ids from external ids.
var namespace = uuid.MustParse("0b6a3f52-2f0e-4d7b-a1c9-7e2d4f6b8c02")

// IDFor returns the id Saldo gives the invoice with an ERP external id. It
// is derived (UUIDv5), so two requests creating the same invoice at once
// agree on its id.
func IDFor(externalID string) uuid.UUID {
	return uuid.NewSHA1(namespace, []byte(externalID))
}
