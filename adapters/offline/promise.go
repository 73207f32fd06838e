package offline

import (
	"strings"

	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/ports"
)

// found is a promise to pay read in a message.
type found struct {
	d      date.Date
	amount *amountHit // nil when no amount was said
	msg    int        // the message it was read in (the agent's, when the customer accepted it)
}

// payStems start the words about paying, in the three languages.
var payStems = []string{"pag", "consign", "transfer", "transfier", "deposit", "abon", "pix", "pay", "wire", "settle", "acert", "quit", "cancel"}

// pastPay are the forms that say a payment was made, not promised.
var (
	pastPay       = set(`paguei pagou pagaram pagado pagada pagados consignado consignada transferi transferido transferida depositei depositado depositada quitei quitado quitada abonado abonada cancelado cancelada paid transferred deposited settled wired acertei`)
	pastPayAccent = map[string]bool{"pagué": true, "pagó": true, "consigné": true, "consignó": true, "transferí": true, "transfirió": true, "deposité": true, "depositó": true, "aboné": true, "abonó": true, "cancelé": true, "canceló": true}
	notPay        = set(`pagina página paycheck payday payroll pagaduria pagaduría quitar quita quite quiet cancelar`)
	// determiners make a payment word a noun ("el pago"), which promises
	// nothing without a verb of doing ("hago el pago").
	determiners = set(`el la los las mi su un una del al tu este ese o os um uma meu minha do da no na the my your a this that`)
	doVerbs     = set(`hago haré hare hacer realizo realizaré realizar hacemos faço faco fazer farei efetuo efetuar realizo make do send mando envío envio mandar enviar`)
)

// isPayWord reports whether t is a word about paying, not in a past form.
func isPayWord(t token, lng string) bool {
	if !t.word() || pastPay[t.text] || pastPayAccent[t.acc] || notPay[t.text] {
		return false
	}
	for _, s := range payStems {
		if strings.HasPrefix(t.text, s) {
			// "quit" pays only in Portuguese ("quitar a dívida"); in English and
			// Spanish it leaves or removes.
			return s != "quit" || lng == pt
		}
	}
	return false
}

// sentences splits toks into [start, end) ranges at sentence ends; end
// includes the mark that closes the sentence.
func sentences(toks []token) [][2]int {
	var out [][2]int
	start := 0
	for i, t := range toks {
		if t.sentenceEnd() {
			if i+1 > start {
				out = append(out, [2]int{start, i + 1})
			}
			start = i + 1
		}
	}
	if start < len(toks) {
		out = append(out, [2]int{start, len(toks)})
	}
	return out
}

// payIntent reports whether sentence s of r says the customer will pay: a
// payment word, not negated, not a past payment, used as a verb (or as a
// noun with a verb of doing, unless asked), or a promise phrase. proposal
// tells whether it is asked ("¿puedo pagar el viernes?", "can I pay half on
// Friday?"). asked reads an agent's question the customer accepted.
func (r *reading) payIntent(s [2]int, asked bool) (intent, proposal bool) {
	question := r.toks[s[1]-1].brk == '?'
	doing := false
	for k := s[0]; k < s[1]; k++ {
		doing = doing || doVerbs[r.toks[k].text]
	}
	for k := s[0]; k < s[1]; k++ {
		if !isPayWord(r.toks[k], r.lang) || r.blocked[k] {
			continue
		}
		// A negation up to four words before: "não tenho condições de pagar".
		negated, modal := false, false
		for j := k - 1; j >= s[0] && j >= k-4; j-- {
			if !r.toks[j].word() {
				break
			}
			negated = negated || negators[r.toks[j].text]
			modal = modal || (j >= k-2 && modals[r.toks[j].text])
		}
		if negated {
			continue
		}
		if question && modal {
			proposal = true
			continue
		}
		if k > 0 && determiners[r.toks[k-1].text] && !doing && !asked {
			continue // "le confirmo el pago"
		}
		intent = true
	}
	for _, p := range r.promiseSpans {
		if p[0] >= s[0] && p[0] < s[1] && !proposal {
			intent = true
		}
	}
	return intent, proposal
}

// promiseIn returns the promise message r makes: the first day named with
// an intent to pay, or the last one corrected ("mejor el lunes"), with the
// amount said nearest to it. asked accepts an agent's question ("¿le
// queda bien el viernes?") as the promise the customer agreed to.
func (r *reading) promiseIn(msg int, asked bool) *found {
	if r.sarcasm || r.refusal {
		return nil
	}
	var picked *when
	var pickedSentence [2]int
	anyIntent := false
	for _, s := range sentences(r.toks) {
		intent, proposal := r.payIntent(s, asked)
		if proposal && !asked {
			continue
		}
		if !intent && (!asked || !proposal) {
			continue
		}
		anyIntent = true
		for i := range r.dates {
			w := &r.dates[i]
			if w.start < s[0] || w.start >= s[1] {
				continue
			}
			if picked == nil || w.corrected {
				picked, pickedSentence = w, s
			}
		}
	}
	if !anyIntent {
		return nil
	}
	// A correction in a sentence of its own: "Le pago el viernes. Mejor el lunes."
	for i := range r.dates {
		if w := &r.dates[i]; w.corrected && (picked == nil || w.start > picked.start) {
			for _, s := range sentences(r.toks) {
				if w.start >= s[0] && w.start < s[1] {
					picked, pickedSentence = w, s
				}
			}
		}
	}
	if picked == nil {
		return nil
	}
	return &found{d: picked.d, amount: r.amountNear(picked, pickedSentence), msg: msg}
}

// amountNear returns the amount said in sentence s nearest to day w: an
// amount before a share of the debt before a bare small number (which must
// not be part of a day: "el 15"); else the message's only amount.
func (r *reading) amountNear(w *when, s [2]int) *amountHit {
	rank := func(a *amountHit) int {
		switch {
		case a.weak:
			return 0
		case a.share.IsPositive():
			return 1
		}
		return 2
	}
	var best *amountHit
	bestDist := 0
	for i := range r.amounts {
		a := &r.amounts[i]
		if a.start < s[0] || a.start >= s[1] || (a.weak && r.inDate(a.start)) {
			continue
		}
		dist := a.start - w.start
		if dist < 0 {
			dist = -dist
		}
		if best == nil || rank(a) > rank(best) || (rank(a) == rank(best) && dist < bestDist) {
			best, bestDist = a, dist
		}
	}
	if best != nil {
		return best
	}
	var only *amountHit
	for i := range r.amounts {
		if a := &r.amounts[i]; a.weak || a.share.IsPositive() {
			continue
		}
		if only != nil {
			return nil
		}
		only = &r.amounts[i]
	}
	return only
}

// inDate reports whether token k is part of a day the message names.
func (r *reading) inDate(k int) bool {
	for _, w := range r.dates {
		if k >= w.start && k < w.end {
			return true
		}
	}
	return false
}

// accepts reports whether the customer's message agrees to what was asked:
// "sí", "ok", "perfecto, combinado", "de acuerdo".
func (r *reading) accepts() bool {
	for _, t := range r.toks {
		if t.word() && negators[t.text] {
			return false
		}
	}
	for _, t := range r.toks {
		if t.word() {
			return affirmations[t.text] || r.agrees
		}
	}
	return false
}

// findPromise returns the latest promise the customer made: in their own
// words, or by accepting the agent's proposal right before. A later
// correction without a verb ("mejor el lunes") moves it; a refusal after
// it withdraws it.
func findPromise(readings []reading, customer []int) *found {
	var moved *when
	for k := len(customer) - 1; k >= 0; k-- {
		i := customer[k]
		r := &readings[i]
		if r.refusal {
			return nil
		}
		p := r.promiseIn(i, false)
		if p == nil && i > 0 && readings[i-1].from == ports.SpeakerAgent && r.accepts() {
			if agent := &readings[i-1]; len(agent.toks) > 0 && agent.toks[len(agent.toks)-1].brk == '?' {
				p = agent.promiseIn(i-1, true)
			}
		}
		if p != nil {
			if moved != nil {
				p.d = moved.d
			}
			return p
		}
		if moved == nil && !r.sarcasm {
			for j := range r.dates {
				if r.dates[j].corrected {
					moved = &r.dates[j]
				}
			}
		}
	}
	return nil
}
