package offline

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/saldocrm/saldo/domain/account"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/insight"
	"github.com/saldocrm/saldo/domain/money"
)

// catalog holds every sentence the analyzer writes, in Spanish, Portuguese
// and English.
var catalog = map[string][3]string{
	// Figures.
	"invoice_one":  {"%d factura", "%d fatura", "%d invoice"},
	"invoice_many": {"%d facturas", "%d faturas", "%d invoices"},
	"customer":     {"El cliente", "O cliente", "The customer"},
	"and":          {" y ", " e ", " and "},

	// Summary: what the customer said.
	"sum_promise_amount": {"%s promete pagar %s el %s", "%s promete pagar %s em %s", "%s promises to pay %s on %s"},
	"sum_promise":        {"%s promete pagar el %s", "%s promete pagar em %s", "%s promises to pay on %s"},
	"sum_promise_nodate": {"%s dice que va a pagar, sin una fecha concreta", "%s diz que vai pagar, sem uma data definida", "%s says they will pay, without a firm date"},
	"sum_dispute":        {"%s disputa el cobro", "%s contesta a cobrança", "%s disputes the charge"},
	"sum_refusal":        {"%s se niega a pagar y disputa el cobro", "%s se recusa a pagar e contesta a cobrança", "%s refuses to pay and disputes the charge"},
	"sum_paid":           {"%s dice que ya pagó", "%s diz que já pagou", "%s says they have already paid"},
	"sum_askpay":         {"%s pregunta cuánto debe o cómo pagar", "%s pergunta quanto deve ou como pagar", "%s asks how much they owe or how to pay"},
	"sum_payment":        {"%s habla de un pago", "%s fala de um pagamento", "%s talks about a payment"},
	"sum_difficulty":     {"%s dice que tiene dificultades para pagar", "%s diz que está com dificuldade para pagar", "%s says they are struggling to pay"},
	"sum_wrong":          {"Quien responde dice no ser %s (número equivocado)", "Quem responde diz não ser %s (número errado)", "Whoever answers says they are not %s (wrong number)"},
	"sum_wrong_noname":   {"Quien responde dice que es un número equivocado", "Quem responde diz que é um número errado", "Whoever answers says it is a wrong number"},
	"sum_support":        {"%s pide un documento o ayuda", "%s pede um documento ou ajuda", "%s asks for a document or help"},
	"sum_other":          {"%s escribe sin un tema de cobro concreto", "%s escreve sem um assunto de cobrança definido", "%s writes without a clear collection topic"},
	"sum_silent":         {"%s aún no ha respondido.", "%s ainda não respondeu.", "%s has not replied yet."},
	"tone":               {", en tono %s.", ", em tom %s.", ", in a %s tone."},
	"tone_positive":      {"positivo", "positivo", "positive"},
	"tone_neutral":       {"neutral", "neutro", "neutral"},
	"tone_negative":      {"negativo", "negativo", "negative"},
	"tone_sarcastic":     {"negativo y sarcástico", "negativo e sarcástico", "negative, sarcastic"},
	"sum_also":           {"También menciona: %s.", "Também menciona: %s.", "Also mentions: %s."},
	"topic_payment":      {"pago", "pagamento", "payment"},
	"topic_promise":      {"promesa de pago", "promessa de pagamento", "promise to pay"},
	"topic_dispute":      {"disputa", "contestação", "dispute"},
	"topic_difficulty":   {"dificultad para pagar", "dificuldade para pagar", "difficulty paying"},
	"topic_wrong":        {"número equivocado", "número errado", "wrong number"},
	"topic_support":      {"soporte", "suporte", "support"},

	// Summary: the account.
	"acc_overdue":  {"Debe %s vencido en %s.", "Deve %s em atraso em %s.", "Owes %s overdue on %s."},
	"acc_balance":  {"Tiene un saldo de %s, aún sin vencer.", "Tem um saldo de %s, ainda não vencido.", "Has a balance of %s, not yet due."},
	"acc_nothing":  {"No tiene saldo pendiente.", "Não tem saldo em aberto.", "Owes nothing."},
	"acc_unlinked": {"La conversación no está vinculada a un cliente.", "A conversa não está vinculada a um cliente.", "The conversation is not linked to a customer."},

	// Next actions.
	"act_promise_amount":  {"Registrar la promesa de pago de %s para el %s", "Registrar a promessa de pagamento de %s para %s", "Record the promise to pay %s on %s"},
	"act_promise":         {"Registrar la promesa de pago para el %s", "Registrar a promessa de pagamento para %s", "Record the promise to pay on %s"},
	"act_promise_of":      {", sobre un saldo vencido de %s en %s", ", de um saldo em atraso de %s em %s", ", against %s overdue on %s"},
	"act_wrong":           {"Cerrar la conversación y marcar el número como equivocado: quien responde dice no ser %s.", "Encerrar a conversa e marcar o número como errado: quem responde diz não ser %s.", "Close the conversation and flag the number as wrong: whoever answers says they are not %s."},
	"act_wrong_noname":    {"Cerrar la conversación y marcar el número como equivocado.", "Encerrar a conversa e marcar o número como errado.", "Close the conversation and flag the number as wrong."},
	"act_nothing":         {"Cerrar la conversación: el cliente no tiene saldo pendiente.", "Encerrar a conversa: o cliente não tem saldo em aberto.", "Close the conversation: the customer owes nothing."},
	"act_dispute":         {"Escalar la disputa a un supervisor y revisar el saldo vencido de %s en %s antes de seguir cobrando.", "Escalar a contestação para um supervisor e revisar o saldo em atraso de %s em %s antes de continuar a cobrança.", "Escalate the dispute to a supervisor and review the %s overdue on %s before collecting further."},
	"act_dispute_plain":   {"Escalar la disputa a un supervisor y revisar el cobro antes de seguir cobrando.", "Escalar a contestação para um supervisor e revisar a cobrança antes de continuar.", "Escalate the dispute to a supervisor and review the charge before collecting further."},
	"act_furious":         {"Escalar a un supervisor: el cliente está muy molesto", "Escalar para um supervisor: o cliente está muito irritado", "Escalate to a supervisor: the customer is very upset"},
	"act_call":            {"Llamar al cliente para calmar la situación y acordar el pago", "Ligar para o cliente para acalmar a situação e combinar o pagamento", "Call the customer to calm things down and agree on payment"},
	"act_with_overdue":    {", con un saldo vencido de %s en %s", ", com um saldo em atraso de %s em %s", ", with %s overdue on %s"},
	"act_link":            {"Enviar un link de pago por %s, el saldo vencido de %s.", "Enviar um link de pagamento de %s, o saldo em atraso de %s.", "Send a payment link for %s, the overdue balance of %s."},
	"act_link_balance":    {"Enviar un link de pago por %s, el saldo pendiente.", "Enviar um link de pagamento de %s, o saldo em aberto.", "Send a payment link for %s, the open balance."},
	"act_link_unlinked":   {"Vincular la conversación a un cliente para poder enviarle un link de pago.", "Vincular a conversa a um cliente para poder enviar um link de pagamento.", "Link the conversation to a customer to send them a payment link."},
	"act_verify":          {"Esperar y verificar el pago que el cliente dice haber hecho antes de volver a cobrar el saldo vencido de %s en %s.", "Aguardar e verificar o pagamento que o cliente diz ter feito antes de voltar a cobrar o saldo em atraso de %s em %s.", "Wait and check the payment the customer says they made before collecting the %s overdue on %s again."},
	"act_verify_plain":    {"Esperar y verificar el pago que el cliente dice haber hecho.", "Aguardar e verificar o pagamento que o cliente diz ter feito.", "Wait and check the payment the customer says they made."},
	"act_difficulty":      {"Esperar y ofrecer un acuerdo de pago parcial sobre el saldo vencido de %s en %s.", "Aguardar e oferecer um acordo de pagamento parcial do saldo em atraso de %s em %s.", "Wait and offer a partial payment plan on the %s overdue on %s."},
	"act_difficulty_none": {"Esperar y ofrecer un acuerdo de pago.", "Aguardar e oferecer um acordo de pagamento.", "Wait and offer a payment plan."},
	"act_support":         {"Enviar al cliente el documento o la ayuda que pide; tiene un saldo vencido de %s en %s.", "Enviar ao cliente o documento ou a ajuda que pede; tem um saldo em atraso de %s em %s.", "Send the customer the document or help they ask for; they owe %s overdue on %s."},
	"act_support_plain":   {"Enviar al cliente el documento o la ayuda que pide.", "Enviar ao cliente o documento ou a ajuda que pede.", "Send the customer the document or help they ask for."},
	"act_wait_overdue":    {"Esperar la respuesta del cliente, que tiene un saldo vencido de %s en %s.", "Aguardar a resposta do cliente, que tem um saldo em atraso de %s em %s.", "Wait for the customer's reply; they owe %s overdue on %s."},
	"act_wait_balance":    {"Esperar la respuesta del cliente, que tiene un saldo de %s aún sin vencer.", "Aguardar a resposta do cliente, que tem um saldo de %s ainda não vencido.", "Wait for the customer's reply; they have a balance of %s, not yet due."},
	"act_wait":            {"Esperar la respuesta del cliente.", "Aguardar a resposta do cliente.", "Wait for the customer's reply."},
}

// tr writes sentence key of the catalog (or of the replies) in lng.
func tr(lng, key string, args ...any) string {
	m, ok := catalog[key]
	if !ok {
		m, ok = replies[key]
	}
	if !ok {
		panic("offline: no sentence " + key)
	}
	i := 0
	switch lng {
	case pt:
		i = 1
	case en:
		i = 2
	}
	if len(args) == 0 {
		return m[i]
	}
	return fmt.Sprintf(m[i], args...)
}

// formatDate writes d as dd/mm/yyyy, or mm/dd/yyyy in English.
func formatDate(d date.Date, lng string) string {
	y, m, dd := ymd(d)
	if lng == en {
		return fmt.Sprintf("%02d/%02d/%04d", int(m), dd, y)
	}
	return fmt.Sprintf("%02d/%02d/%04d", dd, int(m), y)
}

// figures are the account's numbers the texts quote.
type figures struct {
	linked       bool
	overdue      []money.Money // per currency, when past due
	balance      []money.Money // per currency, when open
	invoices     int           // overdue invoices, all currencies
	main         money.Currency
	mainOverdue  money.Money // in main; zero when nothing is overdue there
	mainBalance  money.Money
	mainInvoices int // overdue invoices in main
}

// figuresOf reads the account: its main currency is the first with an
// overdue total, else the first with a balance, else the first listed.
func figuresOf(s *account.Summary) figures {
	var f figures
	if s == nil {
		return f
	}
	f.linked = true
	for _, t := range s.Totals {
		if t.Overdue.IsPositive() {
			f.overdue = append(f.overdue, t.Overdue)
		}
		if t.Balance.IsPositive() {
			f.balance = append(f.balance, t.Balance)
		}
	}
	f.invoices = len(s.OverdueInvoices)
	var main *account.Totals
	for i := range s.Totals {
		if t := &s.Totals[i]; t.Overdue.IsPositive() {
			main = t
			break
		}
	}
	for i := range s.Totals {
		if t := &s.Totals[i]; main == nil && t.Balance.IsPositive() {
			main = t
		}
	}
	if main == nil && len(s.Totals) > 0 {
		main = &s.Totals[0]
	}
	if main != nil {
		f.main, f.mainOverdue, f.mainBalance = main.Currency, main.Overdue, main.Balance
		for _, inv := range s.OverdueInvoices {
			if inv.Balance.Currency() == main.Currency {
				f.mainInvoices++
			}
		}
	}
	return f
}

func (f figures) owes() bool       { return len(f.balance) > 0 }
func (f figures) hasOverdue() bool { return len(f.overdue) > 0 }

func invoicesText(lng string, n int) string {
	if n == 1 {
		return tr(lng, "invoice_one", n)
	}
	return tr(lng, "invoice_many", n)
}

func joinMoney(lng string, ms []money.Money) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.Format(lng)
	}
	return strings.Join(parts, tr(lng, "and"))
}

// maxName bounds a name quoted in a text.
const maxName = 60

func (f *facts) name() string {
	n := strings.Join(strings.Fields(f.in.CustomerName), " ")
	if utf8.RuneCountInString(n) > maxName {
		n = string([]rune(n)[:maxName])
	}
	return n
}

// summary writes one to three sentences: who said what in which tone, a
// second topic, and the account.
func (f *facts) summary() string {
	lng, fig := f.lang, figuresOf(f.in.Account)
	who := f.name()
	if who == "" {
		who = tr(lng, "customer")
	}
	var b strings.Builder
	if len(f.customer) == 0 {
		b.WriteString(tr(lng, "sum_silent", who))
	} else {
		b.WriteString(f.saying(lng, who, f.topics[0]))
		tone := tr(lng, "tone_"+string(f.sentiment))
		if f.sarcasm && f.sentiment == insight.Negative {
			tone = tr(lng, "tone_sarcastic")
		}
		b.WriteString(tr(lng, "tone", tone))
		if len(f.topics) > 1 {
			b.WriteString(" " + tr(lng, "sum_also", tr(lng, "topic_"+topicKey(f.topics[1]))))
		}
	}
	b.WriteString(" ")
	switch {
	case !fig.linked:
		b.WriteString(tr(lng, "acc_unlinked"))
	case fig.hasOverdue():
		b.WriteString(tr(lng, "acc_overdue", joinMoney(lng, fig.overdue), invoicesText(lng, fig.invoices)))
	case fig.owes():
		b.WriteString(tr(lng, "acc_balance", joinMoney(lng, fig.balance)))
	default:
		b.WriteString(tr(lng, "acc_nothing"))
	}
	return b.String()
}

func topicKey(t insight.Topic) string {
	for k, v := range topicOf {
		if v == t {
			return k
		}
	}
	return "payment"
}

// saying writes what the customer said about topic t.
func (f *facts) saying(lng, who string, t insight.Topic) string {
	switch t {
	case insight.PromiseToPay:
		if p := f.promise; p != nil {
			if amt, ok := f.promiseAmount(); ok && amt.IsPositive() {
				return tr(lng, "sum_promise_amount", who, amt.Format(lng), formatDate(p.d, lng))
			}
			return tr(lng, "sum_promise", who, formatDate(p.d, lng))
		}
		return tr(lng, "sum_promise_nodate", who)
	case insight.Dispute:
		if f.refusal {
			return tr(lng, "sum_refusal", who)
		}
		return tr(lng, "sum_dispute", who)
	case insight.PaymentDifficulty:
		return tr(lng, "sum_difficulty", who)
	case insight.WrongCustomer:
		if n := f.name(); n != "" {
			return tr(lng, "sum_wrong", n)
		}
		return tr(lng, "sum_wrong_noname")
	case insight.Support:
		return tr(lng, "sum_support", who)
	case insight.Payment:
		switch {
		case f.paid:
			return tr(lng, "sum_paid", who)
		case f.askPay:
			return tr(lng, "sum_askpay", who)
		}
		return tr(lng, "sum_payment", who)
	}
	return tr(lng, "sum_other", who)
}

// nextAction chooses what the agent should do, with one sentence quoting
// the figures.
func (f *facts) nextAction() (insight.Action, string) {
	lng, fig := f.lang, figuresOf(f.in.Account)
	overdue := func(key string) string {
		return tr(lng, key, joinMoney(lng, fig.overdue), invoicesText(lng, fig.invoices))
	}
	switch {
	case f.promise != nil && !f.paid:
		var b strings.Builder
		if amt, ok := f.promiseAmount(); ok && amt.IsPositive() {
			b.WriteString(tr(lng, "act_promise_amount", amt.Format(lng), formatDate(f.promise.d, lng)))
		} else {
			b.WriteString(tr(lng, "act_promise", formatDate(f.promise.d, lng)))
		}
		if fig.hasOverdue() {
			b.WriteString(overdue("act_promise_of"))
		}
		return insight.RecordPromise, b.String() + "."
	case f.has(insight.WrongCustomer):
		if n := f.name(); n != "" {
			return insight.Close, tr(lng, "act_wrong", n)
		}
		return insight.Close, tr(lng, "act_wrong_noname")
	case f.disputeOpen:
		if fig.hasOverdue() {
			return insight.Escalate, overdue("act_dispute")
		}
		return insight.Escalate, tr(lng, "act_dispute_plain")
	case f.hostile || (f.score <= furiousFrom && len(f.customer) > 0):
		s := tr(lng, "act_furious")
		if fig.hasOverdue() {
			s += overdue("act_with_overdue")
		}
		return insight.Escalate, s + "."
	case f.angry >= 2:
		s := tr(lng, "act_call")
		if fig.hasOverdue() {
			s += overdue("act_with_overdue")
		}
		return insight.Call, s + "."
	case f.askPay && !f.paid:
		switch {
		case !fig.linked:
			return insight.Wait, tr(lng, "act_link_unlinked")
		case fig.mainOverdue.IsPositive():
			return insight.SendPaymentLink, tr(lng, "act_link", fig.mainOverdue.Format(lng), invoicesText(lng, fig.mainInvoices))
		case fig.owes():
			return insight.SendPaymentLink, tr(lng, "act_link_balance", fig.mainBalance.Format(lng))
		}
		return insight.Close, tr(lng, "act_nothing")
	case f.paid:
		switch {
		case fig.linked && !fig.owes():
			return insight.Close, tr(lng, "act_nothing")
		case fig.hasOverdue():
			return insight.Wait, overdue("act_verify")
		}
		return insight.Wait, tr(lng, "act_verify_plain")
	case fig.linked && !fig.owes():
		return insight.Close, tr(lng, "act_nothing")
	case f.has(insight.PaymentDifficulty):
		if fig.hasOverdue() {
			return insight.Wait, overdue("act_difficulty")
		}
		return insight.Wait, tr(lng, "act_difficulty_none")
	case f.has(insight.Support):
		if fig.hasOverdue() {
			return insight.Wait, overdue("act_support")
		}
		return insight.Wait, tr(lng, "act_support_plain")
	case fig.hasOverdue():
		return insight.Wait, overdue("act_wait_overdue")
	case fig.owes():
		return insight.Wait, tr(lng, "act_wait_balance", joinMoney(lng, fig.balance))
	}
	return insight.Wait, tr(lng, "act_wait")
}

// promiseAmount states the promise in the account's currency: the amount
// said (in another of the account's currencies when the customer named
// it), a share of the overdue ("la mitad", "tudo"), or zero when none was
// said. Without an account, only an amount said with its currency ("R$
// 300", "US$ 50") is kept; ok is false when there is no currency to state
// the amount in, and the promise then carries the zero Money{}.
func (f *facts) promiseAmount() (money.Money, bool) {
	p, fig := f.promise.amount, figuresOf(f.in.Account)
	if fig.main.IsZero() {
		if p == nil || p.cur == "" || p.share.IsPositive() {
			return money.Money{}, false
		}
		c, err := money.ParseCurrency(p.cur)
		if err != nil {
			return money.Money{}, false
		}
		return amountIn(p.value, c)
	}
	if p == nil {
		return money.Zero(fig.main), true
	}
	if p.share.IsPositive() {
		base := fig.mainOverdue
		if !base.IsPositive() {
			base = fig.mainBalance
		}
		return amountIn(base.Amount().Mul(p.share), fig.main)
	}
	c := fig.main
	if p.cur != "" && p.cur != c.Code() {
		other, ok := f.accountCurrency(p.cur)
		if !ok {
			// An amount in a currency the customer does not owe in is not
			// this debt's: keep the date, not the figure.
			return money.Zero(c), true
		}
		c = other
	}
	return amountIn(p.value, c)
}

func (f *facts) accountCurrency(code string) (money.Currency, bool) {
	for _, t := range f.in.Account.Totals {
		if t.Currency.Code() == code {
			return t.Currency, true
		}
	}
	return money.Currency{}, false
}

// amountIn returns v in c, rounded to c's minor unit (a customer may say
// cents a currency does not have).
func amountIn(v decimal.Decimal, c money.Currency) (money.Money, bool) {
	m, err := money.New(v.Round(c.MinorUnits()), c)
	if err != nil {
		return money.Zero(c), true
	}
	return m, true
}
