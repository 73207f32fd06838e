package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/saldocrm/saldo/adapters/clock"

	"github.com/shopspring/decimal"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/payment"
	"github.com/saldocrm/saldo/domain/user"
)

// demoCountry is where a demo customer lives: its currency, language, phone
// prefix and the size of its invoices.
type demoCountry struct {
	currency string
	language string
	phone    func(r *rand.Rand) string
	minTotal int64
	maxTotal int64
	step     int64
}

var demoCountries = []demoCountry{
	{"COP", "es", func(r *rand.Rand) string { return fmt.Sprintf("+57 3%02d %07d", r.IntN(30)+0, r.IntN(10000000)) }, 150_000, 6_000_000, 1000},
	{"MXN", "es", func(r *rand.Rand) string { return fmt.Sprintf("+52 55 %04d %04d", r.IntN(10000), r.IntN(10000)) }, 1_500, 90_000, 10},
	{"BRL", "pt", func(r *rand.Rand) string { return fmt.Sprintf("+55 11 9%04d-%04d", r.IntN(10000), r.IntN(10000)) }, 300, 25_000, 1},
	{"USD", "en", func(r *rand.Rand) string { return fmt.Sprintf("+1 305 %03d %04d", 200+r.IntN(700), r.IntN(10000)) }, 100, 9_000, 1},
}

var demoNames = [][]string{
	{
		"Ferretería El Tornillo S.A.S.", "Distribuidora La Montaña", "Panadería San José", "Café Quindío Ltda.", "Textiles del Valle",
		"Droguería Santa Fe", "Constructora Andina", "Supermercado La Economía", "Taller Mecánico Rueda Libre", "Agropecuaria El Rodeo",
		"Laura Gómez", "Andrés Felipe Ríos", "Comercializadora Caribe",
	},
	{
		"Abarrotes Doña Lupita", "Refaccionaria El Güero", "Papelería Escolar Tlalpan", "Tortillería La Esperanza", "Materiales Monterrey",
		"Farmacia del Bajío", "Transportes Jalisco", "Mueblería Los Pinos", "Ricardo Hernández", "Sofía Martínez", "Dulcería La Piñata",
		"Servicios Integrales Azteca",
	},
	{
		"Padaria Pão Quente", "Mercadinho Bom Preço", "Autopeças São Jorge", "Construtora Horizonte", "Farmácia Vida Saudável",
		"Distribuidora Amazonas", "Restaurante Sabor Mineiro", "Confecções Primavera", "João Pereira", "Mariana Costa", "Oficina do Zé",
		"Loja de Tintas Arco-Íris", "Açougue Boi Gordo",
	},
	{
		"Sunshine Hardware LLC", "Miami Coffee Roasters", "Bay Street Bakery", "Coastal Logistics Inc.", "Palm Dental Care",
		"Ocean Drive Apparel", "Emily Johnson", "Michael Smith", "Keystone Builders", "Harbor Marine Supply", "Green Leaf Grocers",
		"Atlas Printing Co.",
	},
}

// dueOffsets spread each customer's invoices over every aging bucket: days
// from today to the due date (negative: past due).
var dueOffsets = []int{-130, -95, -72, -48, -38, -21, -12, -4, 3, 12, 25, 40}

// seed loads demo customers, invoices and payments through the same use
// cases as the API, so running it twice changes nothing the second time.
func seed(ctx context.Context, cfg config, out io.Writer) error {
	a, err := newApp(ctx, cfg, clock.System{})
	if err != nil {
		return err
	}
	defer a.close()
	r := rand.New(rand.NewPCG(2026, 11)) //nolint:gosec // reproducible demo data, not secrets
	today := cfg.Org.Today(a.clock.Now())

	var customers []customer.Details
	var invoices []application.InvoiceRecord
	var payments []application.RecordPaymentCommand
	for ci, country := range demoCountries {
		for ni, name := range demoNames[ci] {
			ext := fmt.Sprintf("DEMO-%s-%03d", country.currency, ni+1)
			customers = append(customers, customer.Details{
				ExternalID: ext, Name: name, Email: demoEmail(name), Phone: country.phone(r), TaxID: fmt.Sprintf("%09d", r.IntN(1_000_000_000)),
				Tags: demoTags(r), Language: country.language,
			})
			n := 5 + r.IntN(3)
			perm := r.Perm(len(dueOffsets))[:n]
			var owed []invoice.Details
			for k, p := range perm {
				due := today.AddDays(dueOffsets[p] + r.IntN(3))
				issue := due.AddDays(-30)
				total := country.minTotal + r.Int64N((country.maxTotal-country.minTotal)/country.step)*country.step
				d := invoice.Details{
					ExternalID: fmt.Sprintf("%s-INV-%02d", ext, k+1), Number: fmt.Sprintf("FV-%s-%04d", country.currency[:2], 1000+len(invoices)),
					Currency: country.currency, IssueDate: issue.String(), DueDate: due.String(),
					Total: decimal.NewFromInt(total).String(), Description: "Demo invoice",
				}
				if dueOffsets[p] < -60 && r.IntN(4) == 0 {
					d.Status = string(invoice.Paid) // settled in the ERP before Saldo
				}
				invoices = append(invoices, application.InvoiceRecord{CustomerExternalID: ext, Details: d})
				if d.Status == "" && dueOffsets[p] < 0 {
					owed = append(owed, d)
				}
			}
			if len(owed) > 0 && r.IntN(5) < 2 {
				// A partial payment received a few days ago, settling the oldest debt first.
				first, _ := money.Parse(owed[0].Total, country.currency)
				part := first.Amount().Mul(decimal.NewFromFloat(0.6)).Round(0)
				amount, _ := money.New(part, first.Currency())
				payments = append(payments, application.RecordPaymentCommand{
					CustomerExternalID: ext, Amount: amount, Method: payment.Transfer,
					ProviderReference: "DEMO-PAY-" + ext, ReceivedAt: today.AddDays(-3).StartIn(cfg.Org.Location).Add(10 * 3600e9),
				})
			}
		}
	}

	rs, err := a.syncCustomers.Handle(ctx, customers)
	if err != nil {
		return fmt.Errorf("seed customers: %w", err)
	}
	if err := tally(map[application.Outcome]int{}, rs); err != nil {
		return err
	}
	counts := map[application.Outcome]int{}
	for i := 0; i < len(invoices); i += application.MaxBatchSize {
		rs, err := a.syncInvoices.Handle(ctx, invoices[i:min(i+application.MaxBatchSize, len(invoices))])
		if err != nil {
			return fmt.Errorf("seed invoices: %w", err)
		}
		if err := tally(counts, rs); err != nil {
			return err
		}
	}
	recorded := 0
	for _, p := range payments {
		res, err := a.recordPayment.Handle(ctx, p)
		if err != nil {
			return fmt.Errorf("seed payments: %w", err)
		}
		if res.Created {
			recorded++
		}
	}
	newUsers, err := seedUsers(ctx, a)
	if err != nil {
		return err
	}
	if err := seedUnreachable(ctx, a, today, out); err != nil {
		return err
	}
	if err := seedDunning(ctx, a, today, out); err != nil {
		return err
	}
	fmt.Fprintln(out, "Demo customers to write as from the WhatsApp simulator:")
	for _, i := range []int{0, len(demoNames[0]), len(demoNames[0]) + len(demoNames[1])} {
		fmt.Fprintf(out, "  %-32s %s\n", customers[i].Name, customers[i].Phone)
	}
	fmt.Fprintf(out, "Demo data: %d customers, %d invoices (%d created, %d updated, %d unchanged), %d payments (%d new).\n",
		len(customers), len(invoices), counts[application.Created], counts[application.Updated], counts[application.Unchanged],
		len(payments), recorded)
	fmt.Fprintf(out, "Demo users (password %s), %d new:\n", demoPassword, newUsers)
	for _, d := range demoUsers {
		fmt.Fprintf(out, "  %-20s %s (%s)\n", d.email, d.name, d.role)
	}
	return nil
}

// demoPassword is every demo user's password.
const demoPassword = "saldo-demo-2026" //nolint:gosec // the demo's published password, not a secret

// demoUsers are the console's demo team, one of each role and a second agent.
var demoUsers = []struct {
	email, name string
	role        user.Role
	language    string
}{
	{"owner@saldo.demo", "Olivia Dueña", user.Owner, "es"},
	{"manager@saldo.demo", "Marcos Gerente", user.Manager, "pt"},
	{"agent@saldo.demo", "Ana Agente", user.Agent, "es"},
	{"agent2@saldo.demo", "Diego Cobros", user.Agent, "es"},
}

// seedUsers creates the demo users that do not exist yet (by email), and
// says how many it created; existing ones, and their passwords, are left
// as they are.
func seedUsers(ctx context.Context, a *app) (int, error) {
	create := application.NewCreateUser(a.users, a.hasher, a.clock)
	created := 0
	for _, d := range demoUsers {
		_, err := a.users.ByEmail(ctx, d.email)
		if err == nil {
			continue
		}
		if !errors.Is(err, user.ErrNotFound) {
			return created, fmt.Errorf("seed users: %w", err)
		}
		_, _, err = create.Handle(ctx, d.email, d.name, d.role, d.language, demoPassword)
		if errors.Is(err, user.ErrEmailTaken) {
			continue // another seed run got there first
		}
		if err != nil {
			return created, fmt.Errorf("seed user %s: %w", d.email, err)
		}
		created++
	}
	return created, nil
}

// tally counts outcomes; demo data that fails validation is a bug.
func tally(counts map[application.Outcome]int, rs []application.SyncResult) error {
	for _, r := range rs {
		if r.Err != nil {
			return fmt.Errorf("seed %s: %w", r.ExternalID, r.Err)
		}
		counts[r.Outcome]++
	}
	return nil
}

func demoEmail(name string) string {
	var b strings.Builder
	plain := strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ã", "a", "õ", "o", "ç", "c", "ñ", "n", "ü", "u", "â", "a", "ê", "e", "ô", "o")
	for _, r := range plain.Replace(strings.ToLower(name)) {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		case r == ' ' && b.Len() > 0 && !strings.HasSuffix(b.String(), "."):
			b.WriteByte('.')
		}
	}
	return strings.Trim(b.String(), ".") + "@example.com"
}

func demoTags(r *rand.Rand) []string {
	tags := [][]string{{"mayorista"}, {"minorista"}, {"vip"}, {"nuevo"}, {"mayorista", "vip"}, nil}
	return tags[r.IntN(len(tags))]
}
