package offline_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/offline"
	"github.com/saldocrm/saldo/domain/account"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/insight"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/ports"
)

// wednesday is the organization's today in most tests: 18 March 2026.
var wednesday = date.MustParse("2026-03-18")

func cust(text string) ports.AnalysisMessage {
	return ports.AnalysisMessage{From: ports.SpeakerCustomer, Text: text}
}

func agent(text string) ports.AnalysisMessage {
	return ports.AnalysisMessage{From: ports.SpeakerAgent, Text: text}
}

// owing returns an account with overdue in currency code spread over n
// invoices (each of the same amount, for the figures).
func owing(n int, overdue ...money.Money) *account.Summary {
	s := &account.Summary{}
	for _, o := range overdue {
		s.Totals = append(s.Totals, account.Totals{Currency: o.Currency(), Balance: o, Overdue: o, Credit: money.Zero(o.Currency())})
		for i := range n {
			s.OverdueInvoices = append(s.OverdueInvoices, account.OverdueInvoice{Number: fmt.Sprint(i + 1), Balance: o, DaysOverdue: 10})
		}
	}
	return s
}

var (
	cop = owing(2, money.MustParse("1250000", "COP"))
	brl = owing(3, money.MustParse("1540", "BRL"))
	usd = owing(1, money.MustParse("120", "USD"))
	// paidUp has an account and owes nothing.
	paidUp = &account.Summary{}
)

func input(lang string, acc *account.Summary, msgs ...ports.AnalysisMessage) ports.AnalysisInput {
	names := map[string]string{"es": "Carlos Rodríguez", "pt": "Ana Souza", "en": "Peter Brown"}
	return ports.AnalysisInput{Language: lang, CustomerName: names[lang], Messages: msgs, Account: acc, Today: wednesday}
}

func analyze(t *testing.T, in ports.AnalysisInput) insight.Analysis {
	t.Helper()
	got, err := offline.New().Analyze(context.Background(), in)
	require.NoError(t, err)
	require.NoError(t, got.Validate())
	assert.Equal(t, "offline", got.Model)
	assert.Zero(t, got.InputTokens)
	assert.Zero(t, got.OutputTokens)
	if got.Promise != nil {
		assert.False(t, got.Promise.Date.Before(in.Today), "a promise is for today or later")
	}
	return got
}

func TestSentiment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lang string
		msgs []ports.AnalysisMessage
		want insight.Sentiment
	}{
		{"es", []ports.AnalysisMessage{cust("Estoy muy contento con la atención")}, insight.Positive},
		{"es", []ports.AnalysisMessage{cust("No estoy contento con la atención")}, insight.Negative},
		{"es", []ports.AnalysisMessage{cust("No es justo lo que me hacen")}, insight.Negative},
		{"es", []ports.AnalysisMessage{cust("No hay problema, le confirmo")}, insight.Positive},
		{"es", []ports.AnalysisMessage{cust("No estoy molesto, solo pregunto")}, insight.Neutral},
		{"es", []ports.AnalysisMessage{cust("Le pago el viernes")}, insight.Neutral},
		{"es", []ports.AnalysisMessage{cust("Esto es un abuso, pésimo servicio")}, insight.Negative},
		{"es", []ports.AnalysisMessage{cust("Mil gracias, muy amable")}, insight.Positive},
		{"pt", []ports.AnalysisMessage{cust("Não gostei do atendimento")}, insight.Negative},
		{"pt", []ports.AnalysisMessage{cust("Sem problemas, obrigado")}, insight.Positive},
		{"pt", []ports.AnalysisMessage{cust("Não estou satisfeito")}, insight.Negative},
		{"pt", []ports.AnalysisMessage{cust("Ótimo atendimento, gostei muito")}, insight.Positive},
		{"pt", []ports.AnalysisMessage{cust("Vou pagar dia 10")}, insight.Neutral},
		{"en", []ports.AnalysisMessage{cust("Not happy at all")}, insight.Negative},
		{"en", []ports.AnalysisMessage{cust("No problem")}, insight.Positive},
		{"en", []ports.AnalysisMessage{cust("This is not fair")}, insight.Negative},
		{"en", []ports.AnalysisMessage{cust("I'm not angry, just asking")}, insight.Neutral},
		{"en", []ports.AnalysisMessage{cust("Good morning")}, insight.Neutral},
		{"en", []ports.AnalysisMessage{cust("Thanks, great service")}, insight.Positive},
		// Sarcasm: praise next to a complaint, or its markers.
		{"es", []ports.AnalysisMessage{cust("Qué maravilla, me cobraron dos veces. Excelente")}, insight.Negative},
		{"en", []ports.AnalysisMessage{cust("Oh great, just what I needed")}, insight.Negative},
		// The agent's words are context only.
		{"es", []ports.AnalysisMessage{agent("Pésimo, es un abuso que no pague"), cust("Le pago el viernes")}, insight.Neutral},
		// The last messages weigh more.
		{"es", []ports.AnalysisMessage{cust("Gracias, perfecto"), cust("Esto es pésimo, qué falta de respeto")}, insight.Negative},
		{"es", []ports.AnalysisMessage{cust("Esto es pésimo, qué falta de respeto"), agent("Ya lo corregimos"), cust("Gracias, perfecto")}, insight.Neutral},
		{"en", []ports.AnalysisMessage{cust("I'm annoyed"), agent("We fixed it"), cust("Great, thank you so much!")}, insight.Positive},
	}
	for _, tt := range tests {
		t.Run(tt.msgs[len(tt.msgs)-1].Text, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, analyze(t, input(tt.lang, cop, tt.msgs...)).Sentiment)
		})
	}
}

func TestTopics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lang, text string
		want       insight.Topic
		tag        string
	}{
		{"es", "Ya les transferí por PSE", insight.Payment, "pse"},
		{"es", "Le pago el viernes", insight.PromiseToPay, ""},
		{"es", "No reconozco esa factura", insight.Dispute, ""},
		{"es", "Me quedé sin trabajo, no tengo plata", insight.PaymentDifficulty, ""},
		{"es", "Número equivocado", insight.WrongCustomer, ""},
		{"es", "¿Me envían la copia de la factura?", insight.Support, "invoice_copy"},
		{"es", "¿Tienen descuento si pago de contado?", insight.Payment, "discount"},
		{"es", "Hola, buenas tardes", insight.Other, ""},
		{"pt", "Pode mandar a segunda via do boleto?", insight.Support, "boleto"},
		{"pt", "Vou pagar dia 10", insight.PromiseToPay, ""},
		{"pt", "Já paguei pelo pix, segue o comprovante", insight.Payment, "pix"},
		{"pt", "Não reconheço essa dívida", insight.Dispute, ""},
		{"pt", "Estou desempregado", insight.PaymentDifficulty, ""},
		{"pt", "Número errado", insight.WrongCustomer, ""},
		{"pt", "Vou no Procon", insight.Dispute, "legal_threat"},
		{"en", "I already paid", insight.Payment, ""},
		{"en", "I'll pay next Monday", insight.PromiseToPay, ""},
		{"en", "The amount is wrong", insight.Dispute, ""},
		{"en", "I can't afford it, can we do a payment plan?", insight.PaymentDifficulty, "installments"},
		{"en", "Wrong number", insight.WrongCustomer, ""},
		{"en", "Can you send me a copy of the invoice?", insight.Support, "invoice_copy"},
		{"en", "I'm not paying, this is a scam", insight.Dispute, ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			got := analyze(t, input(tt.lang, cop, cust(tt.text)))
			assert.Equal(t, tt.want, got.Topics[0], "topics %v", got.Topics)
			assert.LessOrEqual(t, len(got.Topics), 2)
			if tt.tag != "" {
				assert.Contains(t, got.Tags, tt.tag)
			}
		})
	}
}

func TestPromiseDates(t *testing.T) {
	t.Parallel()
	monthEnd := date.MustParse("2026-01-30") // a Friday
	yearEnd := date.MustParse("2026-12-30")  // a Wednesday
	tests := []struct {
		today date.Date
		lang  string
		msgs  []ports.AnalysisMessage
		want  string // "" when there is no promise
	}{
		{monthEnd, "es", []ports.AnalysisMessage{cust("Mañana le pago")}, "2026-01-31"},
		{monthEnd, "es", []ports.AnalysisMessage{cust("Pasado mañana le consigno")}, "2026-02-01"},
		{monthEnd, "es", []ports.AnalysisMessage{cust("Le pago el lunes")}, "2026-02-02"},
		{monthEnd, "es", []ports.AnalysisMessage{cust("Le pago el 29")}, "2026-02-28"},
		{monthEnd, "es", []ports.AnalysisMessage{cust("Hoy le transfiero")}, "2026-01-30"},
		{monthEnd, "pt", []ports.AnalysisMessage{cust("Vou pagar dia 5")}, "2026-02-05"},
		{monthEnd, "pt", []ports.AnalysisMessage{cust("Faço o pix na sexta-feira")}, "2026-02-06"},
		{monthEnd, "en", []ports.AnalysisMessage{cust("I'll pay on the 3rd")}, "2026-02-03"},
		{monthEnd, "en", []ports.AnalysisMessage{cust("I will pay tomorrow")}, "2026-01-31"},
		{yearEnd, "es", []ports.AnalysisMessage{cust("Le pago el viernes")}, "2027-01-01"},
		{yearEnd, "es", []ports.AnalysisMessage{cust("Le pago el 5")}, "2027-01-05"},
		{yearEnd, "es", []ports.AnalysisMessage{cust("El 15 de diciembre le pago todo")}, "2027-12-15"},
		{yearEnd, "pt", []ports.AnalysisMessage{cust("Pago dia 2")}, "2027-01-02"},
		{yearEnd, "en", []ports.AnalysisMessage{cust("I'll pay on Dec 15")}, "2027-12-15"},
		{yearEnd, "en", []ports.AnalysisMessage{cust("I'll pay next Monday")}, "2027-01-04"},
		// The latest promise counts; a correction moves it.
		{wednesday, "es", []ports.AnalysisMessage{cust("Le pago el viernes"), agent("Anotado"), cust("Perdón, mejor mañana le consigno")}, "2026-03-19"},
		{wednesday, "es", []ports.AnalysisMessage{cust("Le pago el viernes"), agent("Anotado"), cust("Mejor el lunes, el viernes no alcanzo")}, "2026-03-23"},
		{wednesday, "es", []ports.AnalysisMessage{cust("Le pago el viernes. Perdón, mejor el lunes.")}, "2026-03-23"},
		{wednesday, "es", []ports.AnalysisMessage{cust("Le pago el viernes"), cust("Gracias")}, "2026-03-20"},
		// Accepting the agent's proposal.
		{wednesday, "es", []ports.AnalysisMessage{agent("¿Le queda bien pagar el viernes los 300 mil?"), cust("Sí, dale")}, "2026-03-20"},
		{wednesday, "pt", []ports.AnalysisMessage{agent("Fica combinado o pagamento no dia 20?"), cust("Combinado")}, "2026-03-20"},
		// No promise.
		{wednesday, "es", []ports.AnalysisMessage{agent("¿Puede pagar el viernes?"), cust("No, el viernes no puedo")}, ""},
		{wednesday, "es", []ports.AnalysisMessage{cust("¿Puedo pagar el viernes?")}, ""},
		{wednesday, "es", []ports.AnalysisMessage{cust("No puedo pagar el viernes")}, ""},
		{wednesday, "es", []ports.AnalysisMessage{cust("Ya pagué el viernes")}, ""},
		{wednesday, "es", []ports.AnalysisMessage{cust("Esta mañana hice la transferencia")}, ""},
		{wednesday, "es", []ports.AnalysisMessage{cust("Le pago el 15 de enero de 2025")}, ""},
		{wednesday, "es", []ports.AnalysisMessage{cust("jajaja sí claro, mañana les pago 🙄")}, ""},
		{wednesday, "es", []ports.AnalysisMessage{cust("Le pago el viernes"), cust("Pensándolo bien, no voy a pagar nada")}, ""},
		{wednesday, "es", []ports.AnalysisMessage{cust("Ya mismo reviso y le confirmo el pago")}, ""},
		{wednesday, "pt", []ports.AnalysisMessage{cust("Não tenho condições de pagar agora")}, ""},
		{wednesday, "en", []ports.AnalysisMessage{cust("Can I pay half on Friday?")}, ""},
		{wednesday, "en", []ports.AnalysisMessage{agent("Can you pay on Friday?")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.today.String()+" "+tt.msgs[len(tt.msgs)-1].Text, func(t *testing.T) {
			t.Parallel()
			in := input(tt.lang, cop, tt.msgs...)
			in.Today = tt.today
			got := analyze(t, in)
			if tt.want == "" {
				assert.Nil(t, got.Promise)
				return
			}
			require.NotNil(t, got.Promise)
			assert.Equal(t, tt.want, got.Promise.Date.String())
			assert.Contains(t, got.Topics, insight.PromiseToPay)
		})
	}
}

func TestPromiseAmounts(t *testing.T) {
	t.Parallel()
	twoCurrencies := owing(1, money.MustParse("1250000", "COP"), money.MustParse("80", "USD"))
	clp := owing(1, money.MustParse("300000", "CLP"))
	tests := []struct {
		name string
		lang string
		acc  *account.Summary
		text string
		want money.Money // the zero Money{} when no currency can state it
	}{
		{"COP in thousands", "es", cop, "Le pago 500 mil el viernes", money.MustParse("500000", "COP")},
		{"COP grouped", "es", cop, "Le pago $ 1.250.000 el viernes", money.MustParse("1250000", "COP")},
		{"COP spoken", "es", cop, "Le pago medio millón el viernes", money.MustParse("500000", "COP")},
		{"COP half the overdue", "es", cop, "Le pago la mitad el viernes", money.MustParse("625000", "COP")},
		{"COP all of it", "es", cop, "El viernes le pago todo", money.MustParse("1250000", "COP")},
		{"COP none said", "es", cop, "Le pago el viernes", money.Zero(money.MustCurrency("COP"))},
		{"BRL with cents", "pt", brl, "Amanhã pago os R$ 300,00", money.MustParse("300", "BRL")},
		{"BRL grouped", "pt", brl, "Pago 1.540,50 amanhã", money.MustParse("1540.50", "BRL")},
		{"BRL in words", "pt", brl, "Vou pagar 2 mil reais amanhã", money.MustParse("2000", "BRL")},
		{"USD with cents", "en", usd, "I'll pay $1,250.50 tomorrow", money.MustParse("1250.50", "USD")},
		{"USD in words", "en", usd, "I'll pay 300 dollars tomorrow", money.MustParse("300", "USD")},
		{"USD in thousands", "en", usd, "I'll pay 1.5k tomorrow", money.MustParse("1500", "USD")},
		{"USD bare", "en", usd, "I'll pay 250 tomorrow", money.MustParse("250", "USD")},
		{"BRL bare", "pt", brl, "Amanhã pago 300 e o resto dia 25", money.MustParse("300", "BRL")},
		{"a day is not an amount", "es", cop, "Le pago el 25", money.Zero(money.MustCurrency("COP"))},
		{"a stronger amount wins", "es", cop, "El 25 le pago 3 cuotas de 200 mil", money.MustParse("200000", "COP")},
		{"a currency not owed", "es", cop, "Mañana le pago US$ 100", money.Zero(money.MustCurrency("COP"))},
		{"another currency owed", "es", twoCurrencies, "Mañana le pago US$ 50", money.MustParse("50", "USD")},
		{"rounded to the currency", "es", clp, "Mañana le pago $ 150.000,50", money.MustParse("150001", "CLP")},
		{"no account, currency said", "pt", nil, "Pago R$ 300 amanhã", money.MustParse("300", "BRL")},
		{"no account, no currency", "es", nil, "Le pago 500 mil mañana", money.Money{}},
		{"no account, no amount", "en", nil, "I'll pay tomorrow", money.Money{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := analyze(t, input(tt.lang, tt.acc, cust(tt.text)))
			require.NotNil(t, got.Promise)
			assert.True(t, got.Promise.Amount.Equal(tt.want), "amount %v, want %v", got.Promise.Amount, tt.want)
		})
	}
}

func TestNextAction(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       ports.AnalysisInput
		want     insight.Action
		wantText string // the whole sentence, or a part of it after "…"
	}{
		{
			"a promise", input("es", cop, cust("Le pago 500 mil el viernes")), insight.RecordPromise,
			"Registrar la promesa de pago de $ 500.000,00 COP para el 20/03/2026, sobre un saldo vencido de $ 1.250.000,00 COP en 2 facturas.",
		},
		{
			"a promise in English", input("en", usd, cust("I'll pay tomorrow")), insight.RecordPromise,
			"Record the promise to pay on 03/19/2026, against US$120.00 overdue on 1 invoice.",
		},
		{
			"a wrong number", input("es", cop, cust("Número equivocado, no soy yo")), insight.Close,
			"Cerrar la conversación y marcar el número como equivocado: quien responde dice no ser Carlos Rodríguez.",
		},
		{
			"a dispute", input("es", cop, cust("No reconozco esa factura")), insight.Escalate,
			"Escalar la disputa a un supervisor y revisar el saldo vencido de $ 1.250.000,00 COP en 2 facturas antes de seguir cobrando.",
		},
		{"a dispute settled", input("en", usd, cust("Why is there a late fee?"), agent("We removed it"), cust("Great, thanks a lot!")), insight.Wait, "…US$120.00"},
		{"insults", input("es", cop, cust("Son unos hijueputas")), insight.Escalate, "…muy molesto"},
		{
			"repeated anger", input("es", cop, cust("Estoy muy molesto con ustedes"), cust("Qué fastidio, otra vez llamando"), cust("Estoy harto")), insight.Call,
			"Llamar al cliente para calmar la situación y acordar el pago, con un saldo vencido de $ 1.250.000,00 COP en 2 facturas.",
		},
		{
			"asks how much", input("es", cop, cust("¿Cuánto debo?")), insight.SendPaymentLink,
			"Enviar un link de pago por $ 1.250.000,00 COP, el saldo vencido de 2 facturas.",
		},
		{
			"asks how much, Portuguese", input("pt", brl, cust("Quanto devo?")), insight.SendPaymentLink,
			"Enviar um link de pagamento de R$ 1.540,00, o saldo em atraso de 3 faturas.",
		},
		{
			"asks how to pay, English", input("en", usd, cust("How can I pay?")), insight.SendPaymentLink,
			"Send a payment link for US$120.00, the overdue balance of 1 invoice.",
		},
		{
			"asks, not linked", input("es", nil, cust("¿Cuánto debo?")), insight.Wait,
			"Vincular la conversación a un cliente para poder enviarle un link de pago.",
		},
		{"asks, owes nothing", input("es", paidUp, cust("¿Cuánto debo?")), insight.Close, "…no tiene saldo pendiente"},
		{"says paid", input("es", cop, cust("Ya pagué, le mando el comprobante")), insight.Wait, "…verificar el pago"},
		{"says paid, owes nothing", input("pt", paidUp, cust("Já paguei")), insight.Close, "…não tem saldo em aberto"},
		{"promise, then paid", input("es", cop, cust("Le pago mañana"), cust("Listo, ya pagué")), insight.Wait, "…verificar el pago"},
		{"owes nothing", input("en", paidUp, cust("Hello")), insight.Close, "Close the conversation: the customer owes nothing."},
		{
			"difficulty", input("es", cop, cust("Estoy sin trabajo")), insight.Wait,
			"Esperar y ofrecer un acuerdo de pago parcial sobre el saldo vencido de $ 1.250.000,00 COP en 2 facturas.",
		},
		{"support", input("es", cop, cust("Necesito el paz y salvo")), insight.Wait, "Enviar al cliente el documento o la ayuda que pide; …"},
		{
			"nothing to act on", input("es", cop, cust("Hola")), insight.Wait,
			"Esperar la respuesta del cliente, que tiene un saldo vencido de $ 1.250.000,00 COP en 2 facturas.",
		},
		{"not linked", input("es", nil, cust("Hola")), insight.Wait, "Esperar la respuesta del cliente."},
		{
			"the organization's language", input("en", cop, cust("¿Cuánto debo?")), insight.SendPaymentLink,
			"Send a payment link for $1,250,000.00 COP, the overdue balance of 2 invoices.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := analyze(t, tt.in)
			assert.Equal(t, tt.want, got.NextAction)
			if part, ok := strings.CutPrefix(tt.wantText, "…"); ok {
				assert.Contains(t, got.NextActionText, part)
			} else if part, ok := strings.CutSuffix(tt.wantText, "…"); ok {
				assert.True(t, strings.HasPrefix(got.NextActionText, part), got.NextActionText)
			} else {
				assert.Equal(t, tt.wantText, got.NextActionText)
			}
		})
	}
}

// sentenceCount counts the sentences of s: stops followed by a space or the end.
func sentenceCount(s string) int {
	n := 0
	for i, r := range s {
		if strings.ContainsRune(".!?", r) && (i+1 == len(s) || s[i+1] == ' ') {
			n++
		}
	}
	return n
}

func TestSummary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   ports.AnalysisInput
		want []string
	}{
		{
			"promise", input("es", cop, cust("Le pago 500 mil el viernes")),
			[]string{"Carlos Rodríguez promete pagar $ 500.000,00 COP el 20/03/2026, en tono neutral.", "Debe $ 1.250.000,00 COP vencido en 2 facturas."},
		},
		{
			"dispute in Portuguese", input("pt", brl, cust("Não reconheço essa cobrança, que absurdo")),
			[]string{"Ana Souza contesta a cobrança, em tom negativo.", "Deve R$ 1.540,00 em atraso em 3 faturas."},
		},
		{
			"difficulty in English", input("en", usd, cust("I lost my job and can't afford it")),
			[]string{"Peter Brown says they are struggling to pay, in a negative tone.", "Owes US$120.00 overdue on 1 invoice."},
		},
		{
			"two topics", input("es", cop, cust("Ya pagué y me siguen cobrando")),
			[]string{"disputa el cobro", "También menciona: pago."},
		},
		{
			"the organization's language, not the customer's", input("pt", brl, cust("I already paid")),
			[]string{"Ana Souza diz que já pagou"},
		},
		{"not linked", input("es", nil, cust("Hola")), []string{"La conversación no está vinculada a un cliente."}},
		{"owes nothing", input("es", paidUp, cust("Hola")), []string{"No tiene saldo pendiente."}},
		{"no reply yet", input("es", cop, agent("Hola Carlos, le recordamos su saldo")), []string{"Carlos Rodríguez aún no ha respondido."}},
		{
			"no name",
			ports.AnalysisInput{Language: "es", Messages: []ports.AnalysisMessage{cust("Número equivocado")}, Today: wednesday},
			[]string{"Quien responde dice que es un número equivocado"},
		},
		{
			"an unknown language writes Spanish",
			ports.AnalysisInput{Language: "fr", CustomerName: "Luc", Messages: []ports.AnalysisMessage{cust("Merci")}, Today: wednesday},
			[]string{"Luc escribe sin un tema de cobro concreto"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := analyze(t, tt.in).Summary
			for _, w := range tt.want {
				assert.Contains(t, got, w)
			}
			assert.LessOrEqual(t, sentenceCount(got), 3, got)
			assert.GreaterOrEqual(t, sentenceCount(got), 1, got)
		})
	}
}

func TestDraftTidies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lang, draft, want string
	}{
		{"es", "  hola carlos,   le confirmo   que recibimos su pago  ", "Hola carlos, le confirmo que recibimos su pago. ¡Gracias!"},
		{"es", "gracias por su pago. le enviamos el recibo", "Gracias por su pago. Le enviamos el recibo."},
		{"es", "el saldo es $ 1.250.000,00. ¿le envío el link?", "El saldo es $ 1.250.000,00. ¿Le envío el link? ¡Gracias!"},
		{"pt", "segue o link para pagamento", "Segue o link para pagamento. Obrigado!"},
		{"en", "here is the link", "Here is the link. Thank you!"},
		{"en", "hi peter\n\n\n   see www.saldo.app/pay  ", "Hi peter\n\nSee www.saldo.app/pay. Thank you!"},
		{"es", "Listo 👍", "Listo 👍 ¡Gracias!"},
		// The draft's own language wins over the conversation's.
		{"es", "thanks for your payment", "Thanks for your payment."},
	}
	for _, tt := range tests {
		t.Run(tt.draft, func(t *testing.T) {
			t.Parallel()
			got, err := offline.New().Draft(context.Background(), input(tt.lang, cop, cust("hola")), tt.draft)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestDraftReplies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   ports.AnalysisInput
		want string // the whole reply, or a part of it after "…"
	}{
		{
			"asks the balance", input("es", cop, cust("¿Cuánto debo?")),
			"Hola, Carlos. Su saldo vencido es de $ 1.250.000,00 COP en 2 facturas. ¿Le envío un link de pago?",
		},
		{"asks, owes nothing", input("es", paidUp, cust("¿Cuánto debo?")), "…No tiene saldo pendiente"},
		{"asks, not linked", input("pt", nil, cust("Quanto devo?")), "…CPF"},
		{
			"a promise, English dates", input("en", usd, cust("I'll transfer $250 on Friday")),
			"Great, Peter: your payment of US$250.00 on 03/20/2026 is noted. Thank you!",
		},
		{
			"a promise, Spanish dates", input("es", cop, cust("Le pago el viernes")),
			"Perfecto, Carlos: queda registrado su compromiso de pago para el 20/03/2026. ¡Muchas gracias!",
		},
		{
			"a dispute", input("pt", brl, cust("Não reconheço essa cobrança")),
			"Lamentamos o transtorno, Ana. Em nossos registros consta um saldo em atraso de R$ 1.540,00 em 3 faturas; pode nos enviar o comprovante de pagamento ou o detalhe da cobrança que não reconhece? Vamos verificar imediatamente.",
		},
		{"difficulty", input("es", cop, cust("Me quedé sin trabajo")), "…un pago parcial de $ 625.000,00 COP ahora"},
		{"says paid", input("en", usd, cust("I already paid")), "…We'll check your payment"},
		{"thanks", input("es", cop, cust("Muchas gracias")), "¡Gracias a usted, Carlos! Quedamos atentos."},
		{"wrong number", input("es", cop, cust("Número equivocado")), "Disculpe la molestia. Vamos a retirar este número de nuestros registros. ¡Que tenga un buen día!"},
		{"support", input("pt", brl, cust("Preciso da segunda via")), "Claro, Ana. Em breve enviamos o que você solicitou."},
		{"the customer's language", input("es", usd, cust("How much do I owe?")), "Hi, Carlos. Your overdue balance is US$120.00 on 1 invoice. Shall I send you a payment link?"},
		{"no customer message yet", input("pt", brl, agent("Olá Ana")), "Olá, Ana. Lembramos que você tem um saldo em atraso de R$ 1.540,00 em 3 faturas. Posso enviar um link de pagamento?"},
		{"nothing known", ports.AnalysisInput{Today: wednesday}, "Hola. ¿En qué le podemos ayudar?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := offline.New().Draft(context.Background(), tt.in, "  ")
			require.NoError(t, err)
			if part, ok := strings.CutPrefix(tt.want, "…"); ok {
				assert.Contains(t, got, part)
			} else {
				assert.Equal(t, tt.want, got)
			}
		})
	}
}

// TestDeterminism analyses every labelled conversation twice, and again
// from several goroutines at once: the output never changes.
func TestDeterminism(t *testing.T) {
	t.Parallel()
	a := offline.New()
	var ins []ports.AnalysisInput
	for _, path := range []string{"testdata/labelled.json", "testdata/holdout.json"} {
		l := loadLabelled(t, path)
		today := date.MustParse(l.Today)
		for _, c := range l.Conversations {
			var msgs []ports.AnalysisMessage
			for _, m := range c.Messages {
				msgs = append(msgs, ports.AnalysisMessage{From: ports.Speaker(m.From), Text: m.Text})
			}
			ins = append(ins, labelledInput(c.Language, msgs, today))
		}
	}
	first := make([]insight.Analysis, len(ins))
	drafts := make([]string, len(ins))
	for i, in := range ins {
		first[i] = analyze(t, in)
		var err error
		drafts[i], err = a.Draft(context.Background(), in, "")
		require.NoError(t, err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i, in := range ins {
				again, err := a.Analyze(context.Background(), in)
				assert.NoError(t, err)
				assert.Equal(t, first[i], again)
				d, err := a.Draft(context.Background(), in, "")
				assert.NoError(t, err)
				assert.Equal(t, drafts[i], d)
			}
		})
	}
	wg.Wait()
}

// TestValidEdgeCases checks that odd inputs still make a valid analysis.
func TestValidEdgeCases(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("pago el viernes 500 mil, no reconozco, gracias! ", 2000)
	tests := []struct {
		name string
		in   ports.AnalysisInput
	}{
		{"no messages", ports.AnalysisInput{Language: "es", Today: wednesday}},
		{"zero input", ports.AnalysisInput{}},
		{"only the agent", input("pt", brl, agent("Olá"))},
		{"empty texts", input("en", usd, cust(""), cust("   "), agent(""))},
		{"emoji only", input("es", cop, cust("👍🙏😡"))},
		{"numbers only", input("es", cop, cust("1.250.000 15/04 3001234567 2026-03-20"))},
		{"a long paste", input("es", cop, cust(long))},
		{"many messages", input("es", cop, func() []ports.AnalysisMessage {
			var msgs []ports.AnalysisMessage
			for i := range 500 {
				msgs = append(msgs, cust(fmt.Sprintf("mensaje %d, le pago el %d", i, i%31+1)))
			}
			return msgs
		}()...)},
		{"invalid UTF-8", input("es", cop, cust("pago \xff\xfe mañana"))},
		{"an account without totals", input("es", &account.Summary{OverdueInvoices: []account.OverdueInvoice{{}}}, cust("Le pago mañana"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := analyze(t, tt.in)
			assert.NotEmpty(t, got.Summary)
			assert.NotEmpty(t, got.NextActionText)
			_, err := offline.New().Draft(context.Background(), tt.in, "")
			require.NoError(t, err)
		})
	}
}

func TestCanceledContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := offline.New().Analyze(ctx, input("es", cop, cust("Hola")))
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
	_, err = offline.New().Draft(ctx, input("es", cop, cust("Hola")), "")
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
}
