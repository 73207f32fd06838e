package api

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/account"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/payment"
	"github.com/saldocrm/saldo/ports"
)

// CustomerInput is a customer as the ERP sends it.
type CustomerInput struct {
	ExternalID string          `json:"external_id" example:"C-1001"`
	Name       string          `json:"name" example:"Ferretería El Tornillo S.A.S."`
	Email      string          `json:"email" example:"pagos@eltornillo.co"`
	Phone      string          `json:"phone" example:"+573001234567"`
	TaxID      string          `json:"tax_id" example:"900123456-7"`
	Tags       []string        `json:"tags" example:"mayorista"`
	Language   string          `json:"language" example:"es" enums:"es,pt,en"`
	Metadata   json.RawMessage `json:"metadata" swaggertype:"object"`
} // @name CustomerInput

func (in CustomerInput) details() customer.Details {
	return customer.Details{
		ExternalID: in.ExternalID, Name: in.Name, Email: in.Email, Phone: in.Phone,
		TaxID: in.TaxID, Tags: in.Tags, Language: in.Language, Metadata: in.Metadata,
	}
}

// Customer is a customer as Saldo answers it.
type Customer struct {
	ID               uuid.UUID       `json:"id"`
	ExternalID       string          `json:"external_id" example:"C-1001"`
	Name             string          `json:"name" example:"Ferretería El Tornillo S.A.S."`
	Email            string          `json:"email" example:"pagos@eltornillo.co"`
	Phone            string          `json:"phone" example:"+573001234567"`
	TaxID            string          `json:"tax_id" example:"900123456-7"`
	Tags             []string        `json:"tags"`
	Language         string          `json:"language" example:"es"`
	Metadata         json.RawMessage `json:"metadata" swaggertype:"object"`
	WhatsAppOptedOut bool            `json:"whatsapp_opted_out"`
	CreatedAt        time.Time       `json:"created_at"`
	UpdatedAt        time.Time       `json:"updated_at"`
} // @name Customer

func customerDTO(c *customer.Customer) Customer {
	return Customer{
		ID: c.ID(), ExternalID: c.ExternalID(), Name: c.Name(), Email: c.Email(), Phone: c.Phone().String(),
		TaxID: c.TaxID(), Tags: c.Tags(), Language: string(c.Language()), Metadata: c.Metadata(),
		WhatsAppOptedOut: c.OptedOut(), CreatedAt: c.CreatedAt(), UpdatedAt: c.UpdatedAt(),
	}
}

// InvoiceInput is an invoice as the ERP sends it.
type InvoiceInput struct {
	ExternalID         string          `json:"external_id" example:"F-2026-000123"`
	CustomerExternalID string          `json:"customer_external_id" example:"C-1001"`
	Number             string          `json:"number" example:"FE-123"`
	Currency           string          `json:"currency" example:"COP"`
	IssueDate          string          `json:"issue_date" example:"2026-10-01" format:"date"`
	DueDate            string          `json:"due_date" example:"2026-10-31" format:"date"`
	Total              Amount          `json:"total" swaggertype:"string" example:"1250000.00"`
	AmountPaid         *Amount         `json:"amount_paid,omitempty" swaggertype:"string" example:"0"`
	Status             string          `json:"status,omitempty" enums:"open,paid,void,uncollectible"`
	Description        string          `json:"description,omitempty"`
	Metadata           json.RawMessage `json:"metadata,omitempty" swaggertype:"object"`
} // @name InvoiceInput

func (in InvoiceInput) record() application.InvoiceRecord {
	var paid *string
	if in.AmountPaid != nil {
		s := string(*in.AmountPaid)
		paid = &s
	}
	return application.InvoiceRecord{
		CustomerExternalID: in.CustomerExternalID,
		Details: invoice.Details{
			ExternalID: in.ExternalID, Number: in.Number, Currency: in.Currency,
			IssueDate: in.IssueDate, DueDate: in.DueDate, Total: string(in.Total), AmountPaid: paid,
			Status: in.Status, Description: in.Description, Metadata: in.Metadata,
		},
	}
}

// Invoice is an invoice as Saldo answers it, with its balance and aging on
// the organization's today.
type Invoice struct {
	ID                 uuid.UUID       `json:"id"`
	ExternalID         string          `json:"external_id" example:"F-2026-000123"`
	CustomerID         uuid.UUID       `json:"customer_id"`
	CustomerExternalID string          `json:"customer_external_id" example:"C-1001"`
	Number             string          `json:"number" example:"FE-123"`
	Currency           string          `json:"currency" example:"COP"`
	IssueDate          string          `json:"issue_date" example:"2026-10-01" format:"date"`
	DueDate            string          `json:"due_date" example:"2026-10-31" format:"date"`
	Total              string          `json:"total" example:"1250000.00"`
	AmountPaid         string          `json:"amount_paid" example:"250000.00"`
	Balance            string          `json:"balance" example:"1000000.00"`
	Status             string          `json:"status" enums:"open,paid,void,uncollectible"`
	PartiallyPaid      bool            `json:"partially_paid"`
	DaysOverdue        int             `json:"days_overdue" example:"22"`
	AgingBucket        string          `json:"aging_bucket" enums:"current,1-30,31-60,61-90,90+"`
	Description        string          `json:"description"`
	Metadata           json.RawMessage `json:"metadata" swaggertype:"object"`
	CreatedAt          time.Time       `json:"created_at"`
	UpdatedAt          time.Time       `json:"updated_at"`
} // @name Invoice

func invoiceDTO(inv *invoice.Invoice, customerExternalID string, today date.Date) Invoice {
	return Invoice{
		ID: inv.ID(), ExternalID: inv.ExternalID(), CustomerID: inv.CustomerID(), CustomerExternalID: customerExternalID,
		Number: inv.Number(), Currency: inv.Currency().Code(), IssueDate: inv.IssueDate().String(), DueDate: inv.DueDate().String(),
		Total: inv.Total().StringFixed(), AmountPaid: inv.AmountPaid().StringFixed(), Balance: inv.Balance().StringFixed(),
		Status: string(inv.Status()), PartiallyPaid: inv.PartiallyPaid(), DaysOverdue: inv.DaysOverdue(today),
		AgingBucket: string(inv.Bucket(today)), Description: inv.Description(), Metadata: inv.Metadata(),
		CreatedAt: inv.CreatedAt(), UpdatedAt: inv.UpdatedAt(),
	}
}

// BatchCustomersRequest carries up to 1,000 customers.
type BatchCustomersRequest struct {
	Items []CustomerInput `json:"items"`
} // @name BatchCustomersRequest

// BatchInvoicesRequest carries up to 1,000 invoices.
type BatchInvoicesRequest struct {
	Items []InvoiceInput `json:"items"`
} // @name BatchInvoicesRequest

// SyncResult is what a sync did with one item, in request order.
type SyncResult struct {
	Index      int          `json:"index" example:"0"`
	ExternalID string       `json:"external_id" example:"F-2026-000123"`
	ID         *uuid.UUID   `json:"id,omitempty"`
	Result     string       `json:"result" enums:"created,updated,unchanged,error"`
	Error      *ErrorDetail `json:"error,omitempty"`
} // @name SyncResult

// BatchResponse has one result per item and the counts of each result.
type BatchResponse struct {
	Results []SyncResult   `json:"results"`
	Counts  map[string]int `json:"counts" example:"created:2,updated:1,unchanged:0,error:1"`
} // @name BatchResponse

func batchDTO(rs []application.SyncResult) BatchResponse {
	out := BatchResponse{Results: make([]SyncResult, len(rs)), Counts: map[string]int{
		string(application.Created): 0, string(application.Updated): 0, string(application.Unchanged): 0, string(application.Failed): 0,
	}}
	for i, r := range rs {
		out.Results[i] = SyncResult{Index: i, ExternalID: r.ExternalID, Result: string(r.Outcome)}
		if r.Err != nil {
			out.Results[i].Error = itemError(r.Err)
		} else {
			id := r.ID
			out.Results[i].ID = &id
		}
		out.Counts[string(r.Outcome)]++
	}
	return out
}

// AllocationInput asks for part of a payment to go to one invoice.
type AllocationInput struct {
	InvoiceID         *uuid.UUID `json:"invoice_id,omitempty"`
	InvoiceExternalID string     `json:"invoice_external_id,omitempty" example:"F-2026-000123"`
	Amount            Amount     `json:"amount" swaggertype:"string" example:"500000.00"`
} // @name AllocationInput

// PaymentInput is a payment received, as the ERP reports it.
type PaymentInput struct {
	CustomerID         *uuid.UUID        `json:"customer_id,omitempty"`
	CustomerExternalID string            `json:"customer_external_id,omitempty" example:"C-1001"`
	Amount             Amount            `json:"amount" swaggertype:"string" example:"750000.00"`
	Currency           string            `json:"currency" example:"COP"`
	Method             string            `json:"method" example:"transfer" enums:"transfer,cash,card,check,stripe,sandbox,pix,spei,pse,boleto,other"`
	ProviderReference  string            `json:"provider_reference,omitempty" example:"BANCOLOMBIA-20261120-0001"`
	ReceivedAt         string            `json:"received_at,omitempty" example:"2026-11-20T15:04:05-05:00"`
	Allocations        []AllocationInput `json:"allocations,omitempty"`
} // @name PaymentInput

// Allocation is the part of a payment applied to one invoice.
type Allocation struct {
	InvoiceID uuid.UUID `json:"invoice_id"`
	Amount    string    `json:"amount" example:"500000.00"`
} // @name Allocation

// Payment is a payment as Saldo answers it.
type Payment struct {
	ID                uuid.UUID    `json:"id"`
	CustomerID        uuid.UUID    `json:"customer_id"`
	Amount            string       `json:"amount" example:"750000.00"`
	Currency          string       `json:"currency" example:"COP"`
	Method            string       `json:"method" example:"transfer"`
	ProviderReference string       `json:"provider_reference" example:"BANCOLOMBIA-20261120-0001"`
	ReceivedAt        time.Time    `json:"received_at"`
	Allocations       []Allocation `json:"allocations"`
	Unallocated       string       `json:"unallocated" example:"0.00"`
	CreatedAt         time.Time    `json:"created_at"`
} // @name Payment

func paymentDTO(p *payment.Payment) Payment {
	out := Payment{
		ID: p.ID(), CustomerID: p.CustomerID(), Amount: p.Amount().StringFixed(), Currency: p.Amount().Currency().Code(),
		Method: string(p.Method()), ProviderReference: p.ProviderReference(), ReceivedAt: p.ReceivedAt(),
		Allocations: []Allocation{}, Unallocated: p.Unallocated().StringFixed(), CreatedAt: p.CreatedAt(),
	}
	for _, a := range p.Allocations() {
		out.Allocations = append(out.Allocations, Allocation{InvoiceID: a.InvoiceID(), Amount: a.Amount().StringFixed()})
	}
	return out
}

// CustomerPage is a page of customers.
type CustomerPage struct {
	Items      []Customer `json:"items"`
	NextCursor string     `json:"next_cursor,omitempty"`
} // @name CustomerPage

// InvoicePage is a page of invoices.
type InvoicePage struct {
	Items      []Invoice `json:"items"`
	NextCursor string    `json:"next_cursor,omitempty"`
} // @name InvoicePage

// PaymentPage is a page of payments.
type PaymentPage struct {
	Items      []Payment `json:"items"`
	NextCursor string    `json:"next_cursor,omitempty"`
} // @name PaymentPage

// CurrencyTotals are a customer's figures in one currency.
type CurrencyTotals struct {
	Currency string            `json:"currency" example:"COP"`
	Balance  string            `json:"balance" example:"3250000.00"`
	Overdue  string            `json:"overdue" example:"2000000.00"`
	Credit   string            `json:"credit" example:"0.00"`
	Aging    map[string]string `json:"aging" example:"current:1250000.00,1-30:2000000.00,31-60:0.00,61-90:0.00,90+:0.00"`
} // @name CurrencyTotals

// OverdueInvoice is an open invoice past due.
type OverdueInvoice struct {
	ID          uuid.UUID `json:"id"`
	ExternalID  string    `json:"external_id" example:"F-2026-000123"`
	Number      string    `json:"number" example:"FE-123"`
	DueDate     string    `json:"due_date" example:"2026-10-31" format:"date"`
	DaysOverdue int       `json:"days_overdue" example:"22"`
	Balance     string    `json:"balance" example:"1000000.00"`
	Currency    string    `json:"currency" example:"COP"`
} // @name OverdueInvoice

// LastPayment is the customer's most recent payment.
type LastPayment struct {
	ID         uuid.UUID `json:"id"`
	ReceivedAt time.Time `json:"received_at"`
	Amount     string    `json:"amount" example:"750000.00"`
	Currency   string    `json:"currency" example:"COP"`
	Method     string    `json:"method" example:"transfer"`
} // @name LastPayment

// CustomerSummary is what a customer owes on the organization's today.
type CustomerSummary struct {
	CustomerID      uuid.UUID        `json:"customer_id"`
	ExternalID      string           `json:"external_id" example:"C-1001"`
	Name            string           `json:"name" example:"Ferretería El Tornillo S.A.S."`
	AsOf            string           `json:"as_of" example:"2026-11-22" format:"date"`
	Currencies      []CurrencyTotals `json:"currencies"`
	OverdueInvoices []OverdueInvoice `json:"overdue_invoices"`
	LastPayment     *LastPayment     `json:"last_payment"`
} // @name CustomerSummary

func agingMap(buckets []account.BucketAmount) map[string]string {
	out := make(map[string]string, len(buckets))
	for _, b := range buckets {
		out[string(b.Bucket)] = b.Amount.StringFixed()
	}
	return out
}

func summaryDTO(v application.CustomerSummaryView) CustomerSummary {
	out := CustomerSummary{
		CustomerID: v.Customer.ID(), ExternalID: v.Customer.ExternalID(), Name: v.Customer.Name(), AsOf: v.AsOf.String(),
		Currencies: []CurrencyTotals{}, OverdueInvoices: []OverdueInvoice{},
	}
	for _, t := range v.Totals {
		out.Currencies = append(out.Currencies, CurrencyTotals{
			Currency: t.Currency.Code(), Balance: t.Balance.StringFixed(), Overdue: t.Overdue.StringFixed(),
			Credit: t.Credit.StringFixed(), Aging: agingMap(t.Aging),
		})
	}
	for _, o := range v.OverdueInvoices {
		out.OverdueInvoices = append(out.OverdueInvoices, OverdueInvoice{
			ID: o.InvoiceID, ExternalID: o.ExternalID, Number: o.Number, DueDate: o.DueDate.String(),
			DaysOverdue: o.DaysOverdue, Balance: o.Balance.StringFixed(), Currency: o.Balance.Currency().Code(),
		})
	}
	if lp := v.LastPayment; lp != nil {
		out.LastPayment = &LastPayment{
			ID: lp.PaymentID, ReceivedAt: lp.ReceivedAt, Amount: lp.Amount.StringFixed(),
			Currency: lp.Amount.Currency().Code(), Method: string(lp.Method),
		}
	}
	return out
}

// AgingTotals are the open balances of one currency by aging bucket.
type AgingTotals struct {
	Currency string            `json:"currency" example:"MXN"`
	Buckets  map[string]string `json:"buckets" example:"current:1000.00,1-30:500.00,31-60:0.00,61-90:0.00,90+:250.00"`
	Total    string            `json:"total" example:"1750.00"`
	Overdue  string            `json:"overdue" example:"750.00"`
	Invoices int               `json:"invoices" example:"12"`
} // @name AgingTotals

// Debtor is a customer with an overdue balance in one currency.
type Debtor struct {
	CustomerID        uuid.UUID `json:"customer_id"`
	ExternalID        string    `json:"external_id" example:"C-1001"`
	Name              string    `json:"name" example:"Ferretería El Tornillo S.A.S."`
	Currency          string    `json:"currency" example:"COP"`
	Overdue           string    `json:"overdue" example:"2000000.00"`
	Balance           string    `json:"balance" example:"3250000.00"`
	OverdueInvoices   int       `json:"overdue_invoices" example:"2"`
	OldestDaysOverdue int       `json:"oldest_days_overdue" example:"95"`
} // @name Debtor

// AgingReport is the receivables by aging bucket and currency.
type AgingReport struct {
	AsOf       string        `json:"as_of" example:"2026-11-22" format:"date"`
	Totals     []AgingTotals `json:"totals"`
	TopDebtors []Debtor      `json:"top_debtors"`
} // @name AgingReport

func agingDTO(r ports.AgingReport) AgingReport {
	out := AgingReport{AsOf: r.AsOf.String(), Totals: []AgingTotals{}, TopDebtors: []Debtor{}}
	for _, t := range r.Totals {
		out.Totals = append(out.Totals, AgingTotals{
			Currency: t.Currency.Code(), Buckets: agingMap(t.Buckets),
			Total: t.Total.StringFixed(), Overdue: t.Overdue.StringFixed(), Invoices: t.Invoices,
		})
	}
	for _, d := range r.TopDebtors {
		out.TopDebtors = append(out.TopDebtors, Debtor{
			CustomerID: d.CustomerID, ExternalID: d.ExternalID, Name: d.Name,
			Currency: d.Overdue.Currency().Code(), Overdue: d.Overdue.StringFixed(), Balance: d.Balance.StringFixed(),
			OverdueInvoices: d.OverdueInvoices, OldestDaysOverdue: d.OldestDaysOverdue,
		})
	}
	return out
}

// parseMoney reads an amount in a currency for a field named field.
func parseMoney(amount Amount, currency string) (money.Money, error) {
	return money.Parse(string(amount), currency)
}
