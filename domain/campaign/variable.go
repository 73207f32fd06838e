package campaign

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/money"
)

// Source is where a template variable's value comes from.
type Source string

// The sources: the customer, their account on the day of the send, a fresh
// payment link, or fixed text.
const (
	CustomerName    Source = "customer.name"
	FirstName       Source = "customer.first_name"
	ExternalID      Source = "customer.external_id"
	OverdueTotal    Source = "account.overdue_total"   // formatted in the customer's language
	BalanceTotal    Source = "account.balance_total"   // every open balance
	OverdueCount    Source = "account.overdue_count"   // number of overdue invoices
	OldestDueDate   Source = "account.oldest_due_date" // of the oldest overdue invoice
	DueDate         Source = "account.due_date"        // of the oldest open invoice, overdue or not
	DaysOverdue     Source = "account.days_overdue"    // of the oldest overdue invoice
	OverdueInvoices Source = "account.overdue_invoices"
	PaymentLink     Source = "payment_link" // a new link covering every overdue invoice
	Text            Source = "text"
)

// Sources lists the sources in the order forms offer them.
func Sources() []Source {
	return []Source{
		FirstName, CustomerName, ExternalID, OverdueTotal, BalanceTotal, OverdueCount,
		OldestDueDate, DueDate, DaysOverdue, OverdueInvoices, PaymentLink, Text,
	}
}

// Variable is the value of one template variable: a source, or text.
type Variable struct {
	Source Source
	Text   string // for Text
}

func (v Variable) check() error {
	for _, s := range Sources() {
		if v.Source == s {
			if s == Text && (strings.TrimSpace(v.Text) == "" || utf8.RuneCountInString(v.Text) > 200) {
				return ErrInvalid.New("fixed text is required and at most 200 characters")
			}
			return nil
		}
	}
	return ErrInvalid.New("unknown source " + strconv.Quote(string(v.Source)))
}

// Facts are what Saldo knows of a recipient on the day of the send, the
// values variables draw on.
type Facts struct {
	Name            string
	ExternalID      string
	Language        customer.Language
	Overdue         []money.Money // per currency, largest first
	Balance         []money.Money
	OverdueCount    int
	OldestDue       date.Date // zero when nothing is overdue
	OldestOpenDue   date.Date // due date of the oldest open invoice; zero when none
	OverdueInvoices []string  // invoice numbers, oldest first
	Today           date.Date
	PaymentLinkURL  string
}

// Render returns the parameters of the template's body for f, in the
// customer's language.
func Render(vars []Variable, f Facts) []string {
	lang := string(f.Language)
	out := make([]string, len(vars))
	for i, v := range vars {
		out[i] = render(v, f, lang)
		if strings.TrimSpace(out[i]) == "" {
			out[i] = "-" // WhatsApp refuses empty parameters
		}
	}
	return out
}

func render(v Variable, f Facts, lang string) string {
	switch v.Source {
	case CustomerName:
		return f.Name
	case FirstName:
		if first, _, ok := strings.Cut(strings.TrimSpace(f.Name), " "); ok {
			return first
		}
		return strings.TrimSpace(f.Name)
	case ExternalID:
		return f.ExternalID
	case OverdueTotal:
		return joinMoney(f.Overdue, lang)
	case BalanceTotal:
		return joinMoney(f.Balance, lang)
	case OverdueCount:
		return strconv.Itoa(f.OverdueCount)
	case OldestDueDate:
		if f.OldestDue.IsZero() {
			return ""
		}
		return FormatDate(f.OldestDue, lang)
	case DueDate:
		if f.OldestOpenDue.IsZero() {
			return ""
		}
		return FormatDate(f.OldestOpenDue, lang)
	case DaysOverdue:
		if f.OldestDue.IsZero() {
			return "0"
		}
		return strconv.Itoa(f.Today.DaysSince(f.OldestDue))
	case OverdueInvoices:
		return strings.Join(f.OverdueInvoices, ", ")
	case PaymentLink:
		return f.PaymentLinkURL
	case Text:
		return v.Text
	}
	return ""
}

// NeedsPaymentLink reports whether rendering vars needs a new payment link.
func NeedsPaymentLink(vars []Variable) bool {
	for _, v := range vars {
		if v.Source == PaymentLink {
			return true
		}
	}
	return false
}

func joinMoney(ms []money.Money, lang string) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.Format(lang)
	}
	return strings.Join(parts, " + ")
}

// FormatDate writes d the way people of lang write dates in messages:
// 05/03/2026 in Spanish and Portuguese, Mar 5, 2026 in English.
func FormatDate(d date.Date, lang string) string {
	t := d.Time()
	if lang == string(customer.English) {
		return t.Format("Jan 2, 2006")
	}
	return t.Format("02/01/2006")
}
