package offline

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/saldocrm/saldo/domain/insight"
	"github.com/saldocrm/saldo/domain/money"
)

// The replies Draft offers, by situation. The first %s is the customer's
// first name as a vocative (", Carlos"), or nothing.
var replies = map[string][3]string{
	"r_askpay": {
		"Hola%s. Su saldo vencido es de %s en %s. ¿Le envío un link de pago?",
		"Olá%s. O seu saldo em atraso é de %s em %s. Posso enviar um link de pagamento?",
		"Hi%s. Your overdue balance is %s on %s. Shall I send you a payment link?",
	},
	"r_askpay_balance": {
		"Hola%s. Su saldo pendiente es de %s. ¿Le envío un link de pago?",
		"Olá%s. O seu saldo em aberto é de %s. Posso enviar um link de pagamento?",
		"Hi%s. Your open balance is %s. Shall I send you a payment link?",
	},
	"r_askpay_nothing": {
		"Hola%s. No tiene saldo pendiente con nosotros. ¡Gracias por escribirnos!",
		"Olá%s. Você não tem saldo em aberto conosco. Obrigado pelo contato!",
		"Hi%s. You have no balance with us. Thanks for reaching out!",
	},
	"r_askpay_unlinked": {
		"Hola%s. Con gusto le confirmo su saldo: ¿me indica su número de documento para ubicar su cuenta?",
		"Olá%s. Posso confirmar o seu saldo: pode me informar o seu CPF para localizar a sua conta?",
		"Hi%s. Happy to confirm your balance: could you share your account number so I can find it?",
	},
	"r_promise_amount": {
		"Perfecto%s: queda registrado su pago de %s para el %s. ¡Muchas gracias!",
		"Perfeito%s: fica registrado o seu pagamento de %s para %s. Muito obrigado!",
		"Great%s: your payment of %s on %s is noted. Thank you!",
	},
	"r_promise": {
		"Perfecto%s: queda registrado su compromiso de pago para el %s. ¡Muchas gracias!",
		"Perfeito%s: fica registrado o seu compromisso de pagamento para %s. Muito obrigado!",
		"Great%s: your payment on %s is noted. Thank you!",
	},
	"r_dispute": {
		"Lamentamos el inconveniente%s. ¿Nos puede enviar el comprobante de pago o el detalle del cobro que no reconoce? Lo revisamos de inmediato.",
		"Lamentamos o transtorno%s. Pode nos enviar o comprovante de pagamento ou o detalhe da cobrança que não reconhece? Vamos verificar imediatamente.",
		"We're sorry for the trouble%s. Could you send us the payment receipt or the details of the charge you don't recognise? We'll review it right away.",
	},
	"r_dispute_figures": {
		"Lamentamos el inconveniente%s. En nuestros registros figura un saldo vencido de %s en %s; ¿nos puede enviar el comprobante de pago o el detalle del cobro que no reconoce? Lo revisamos de inmediato.",
		"Lamentamos o transtorno%s. Em nossos registros consta um saldo em atraso de %s em %s; pode nos enviar o comprovante de pagamento ou o detalhe da cobrança que não reconhece? Vamos verificar imediatamente.",
		"We're sorry for the trouble%s. Our records show %s overdue on %s; could you send us the payment receipt or the details of the charge you don't recognise? We'll review it right away.",
	},
	"r_difficulty": {
		"Entendemos su situación%s. Su saldo vencido es de %s en %s; podemos recibir un pago parcial de %s ahora y acordar el resto. ¿Cuánto podría abonar?",
		"Entendemos a sua situação%s. O seu saldo em atraso é de %s em %s; podemos receber um pagamento parcial de %s agora e combinar o restante. Quanto você consegue pagar?",
		"We understand%s. Your overdue balance is %s on %s; we can take a partial payment of %s now and agree on the rest. How much could you pay?",
	},
	"r_difficulty_plain": {
		"Entendemos su situación%s. Podemos recibir un pago parcial ahora y acordar el resto. ¿Cuánto podría abonar?",
		"Entendemos a sua situação%s. Podemos receber um pagamento parcial agora e combinar o restante. Quanto você consegue pagar?",
		"We understand%s. We can take a partial payment now and agree on the rest. How much could you pay?",
	},
	"r_paid": {
		"Gracias%s. Vamos a verificar su pago y le confirmamos; si tiene el comprobante, por favor envíenoslo.",
		"Obrigado%s. Vamos verificar o seu pagamento e retornamos; se tiver o comprovante, por favor nos envie.",
		"Thank you%s. We'll check your payment and get back to you; if you have the receipt, please send it to us.",
	},
	"r_wrong": {
		"Disculpe la molestia. Vamos a retirar este número de nuestros registros. ¡Que tenga un buen día!",
		"Desculpe o incômodo. Vamos retirar este número dos nossos registros. Tenha um bom dia!",
		"Sorry for the trouble. We'll remove this number from our records. Have a good day!",
	},
	"r_support": {
		"Con gusto%s. En breve le enviamos lo que solicita.",
		"Claro%s. Em breve enviamos o que você solicitou.",
		"Of course%s. We'll send you what you asked for shortly.",
	},
	"r_thanks": {
		"¡Gracias a usted%s! Quedamos atentos.",
		"Nós que agradecemos%s! Ficamos à disposição.",
		"Thank you%s! We're here if you need anything.",
	},
	"r_default_overdue": {
		"Hola%s. Le recordamos que tiene un saldo vencido de %s en %s. ¿Le envío un link de pago?",
		"Olá%s. Lembramos que você tem um saldo em atraso de %s em %s. Posso enviar um link de pagamento?",
		"Hi%s. A reminder that you have %s overdue on %s. Shall I send you a payment link?",
	},
	"r_default": {
		"Hola%s. ¿En qué le podemos ayudar?",
		"Olá%s. Como podemos ajudar?",
		"Hi%s. How can we help?",
	},
	"courtesy": {"¡Gracias!", "Obrigado!", "Thank you!"},
}

// courtesies close a message politely, in any of the languages.
var courtesies = []pattern{
	compile("gracias"), compile("saludos"), compile("atento"), compile("atentos"), compile("atenta"), compile("atentamente"),
	compile("cordialmente"), compile("abrazo"), compile("que tenga"), compile("feliz día"),
	compile("obrigado"), compile("obrigada"), compile("abraço"), compile("atenciosamente"), compile("att"),
	compile("à disposição"), compile("agradeço"), compile("agradecemos"), compile("tenha um"),
	compile("thanks"), compile("thank"), compile("regards"), compile("best"), compile("cheers"), compile("sincerely"),
	compile("appreciate"), compile("have a"),
}

// reply writes a canned reply for the situation the facts show, in the
// customer's language, quoting the account's live figures.
func (f *facts) reply() string {
	lng, fig := f.custLang, figuresOf(f.in.Account)
	voc := ""
	if first, _, _ := strings.Cut(f.name(), " "); first != "" {
		voc = ", " + first
	}
	overdueArgs := func() (string, string) {
		return joinMoney(lng, fig.overdue), invoicesText(lng, fig.invoices)
	}
	switch {
	case f.has(insight.WrongCustomer):
		return tr(lng, "r_wrong")
	case f.disputeOpen:
		if fig.hasOverdue() {
			a, n := overdueArgs()
			return tr(lng, "r_dispute_figures", voc, a, n)
		}
		return tr(lng, "r_dispute", voc)
	case f.promise != nil && !f.paid:
		when := formatDate(f.promise.d, lng)
		if amt, ok := f.promiseAmount(); ok && amt.IsPositive() {
			return tr(lng, "r_promise_amount", voc, amt.Format(lng), when)
		}
		return tr(lng, "r_promise", voc, when)
	case f.has(insight.PaymentDifficulty):
		if fig.mainOverdue.IsPositive() {
			if part, err := money.New(fig.mainOverdue.Amount().Div(decimal.NewFromInt(2)).Round(fig.main.MinorUnits()), fig.main); err == nil {
				a, n := overdueArgs()
				return tr(lng, "r_difficulty", voc, a, n, part.Format(lng))
			}
		}
		return tr(lng, "r_difficulty_plain", voc)
	case f.paid:
		return tr(lng, "r_paid", voc)
	case f.askPay:
		switch {
		case !fig.linked:
			return tr(lng, "r_askpay_unlinked", voc)
		case fig.hasOverdue():
			a, n := overdueArgs()
			return tr(lng, "r_askpay", voc, a, n)
		case fig.owes():
			return tr(lng, "r_askpay_balance", voc, joinMoney(lng, fig.balance))
		}
		return tr(lng, "r_askpay_nothing", voc)
	case f.has(insight.Support):
		return tr(lng, "r_support", voc)
	case f.thanks || f.lastPositive:
		return tr(lng, "r_thanks", voc)
	case fig.hasOverdue():
		a, n := overdueArgs()
		return tr(lng, "r_default_overdue", voc, a, n)
	}
	return tr(lng, "r_default", voc)
}

// tidy cleans an agent's draft: spaces collapsed, blank lines kept single,
// sentences capitalised, a final stop, and a courtesy when none closes it.
// fallback is the language when the draft's own words do not tell.
func tidy(draft, fallback string) string {
	var lines []string
	blank := false
	for l := range strings.SplitSeq(strings.ReplaceAll(draft, "\r\n", "\n"), "\n") {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" {
			blank = len(lines) > 0
			continue
		}
		if blank {
			lines = append(lines, "")
			blank = false
		}
		lines = append(lines, l)
	}
	s := capitalise(strings.Join(lines, "\n"))
	if s == "" {
		return ""
	}
	toks := tokenize(s)
	lng := detect(toks)
	if lng == "" {
		lng = fallback
	}
	if last, _ := utf8.DecodeLastRuneInString(s); !strings.ContainsRune(".!?…)", last) && !isEmoji(last) {
		s += "."
	}
	for _, p := range courtesies {
		for i := range toks {
			if _, ok := p.matchAt(toks, i); ok {
				return s
			}
		}
	}
	return s + " " + tr(lng, "courtesy")
}

// capitalise puts a capital at the start of s, of each line and of each
// sentence (after ".", "!" or "?" and a space), leaving "1.250" and
// "www.x.com" alone.
func capitalise(s string) string {
	var b strings.Builder
	up, ended := true, false
	for _, r := range s {
		switch {
		case r == '\n':
			up = true
		case unicode.IsSpace(r):
			if ended {
				up = true
			}
		case up && unicode.IsLetter(r):
			r = unicode.ToUpper(r)
			up, ended = false, false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			up, ended = false, false
		case r == '.' || r == '!' || r == '?':
			ended = true
		}
		b.WriteRune(r)
	}
	return b.String()
}
