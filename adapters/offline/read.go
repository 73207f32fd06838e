package offline

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/insight"
	"github.com/saldocrm/saldo/ports"
)

// reading is what the rules make of one message.
type reading struct {
	from ports.Speaker
	toks []token
	lang string // the language its words belong to, or the conversation's

	score      float64 // sentiment: below zero negative
	praised    float64 // the part of score that is praise, which sarcasm turns around
	thanks     bool
	agrees     bool // "de acuerdo", "sem problemas" near the start
	hostile    bool // insults, legal threats
	sarcasm    bool
	irritation bool

	topics        map[string]float64 // topic families and signals
	promiseSpans  [][2]int           // "voy a pagar", "vou fazer o pix": promise phrases
	blocked       []bool             // words inside "no tengo cómo pagar", "no he pagado": no promise
	tags          []string
	dates         []when
	amounts       []amountHit
	paid, refusal bool
	contested     bool // paid, and complaining about it
}

// read makes a reading of message text, split into toks, in language lng.
func read(from ports.Speaker, text string, toks []token, lng string, today date.Date) reading {
	r := reading{from: from, toks: toks, lang: lng, topics: map[string]float64{}}
	r.scoreSentiment()
	r.blocked = make([]bool, len(toks))
	for _, h := range scan(toks, topicLex[lng]) {
		r.topics[h.e.kind] += h.e.weight
		switch h.e.kind {
		case "promise":
			r.promiseSpans = append(r.promiseSpans, [2]int{h.start, h.end})
		case "difficulty", "notpaid", "refusal":
			for k := h.start; k < h.end; k++ {
				r.blocked[k] = true
			}
		}
	}
	r.paid = r.topics["paid"] > 0 && r.topics["notpaid"] == 0
	r.refusal = r.topics["refusal"] > 0

	// Praise next to a complaint is sarcasm: "qué maravilla, otra vez me
	// cobran lo que ya pagué", "parabéns pelo excelente serviço, cobrando
	// duas vezes".
	if r.praised > 0 && (r.topics["dispute"] >= 1.5 || r.refusal || r.irritation || r.hostile) {
		r.score -= 2 * r.praised
		r.sarcasm = true
	}
	// A payment said done next to a complaint is the complaint: "ya pagué
	// y me siguen cobrando". A complaint is unhappy even in plain words:
	// "o valor está errado".
	r.contested = r.paid && (r.topics["dispute"] >= 1 || r.irritation || r.score < 0)
	if r.topics["dispute"] >= 1.5 || r.refusal || r.contested {
		r.score -= complaint
	}
	if r.sarcasm {
		// A sarcastic "ahorita mismo les pago" promises nothing, but it is
		// still about paying.
		r.topics["payment"] += r.topics["promise"]
		delete(r.topics, "promise")
		r.promiseSpans = nil
	}
	// Shouting and a row of exclamation marks make a complaint stronger,
	// not a thank-you.
	if r.score < 0 {
		if strings.Count(text, "!") >= 2 {
			r.score -= 0.5
		}
		if shouting(text) {
			r.score -= 0.5
		}
	}

	seen := map[string]bool{}
	for _, e := range tagLex.everyMatch(toks) {
		if !seen[e.tag] {
			seen[e.tag] = true
			r.tags = append(r.tags, e.tag)
		}
	}
	r.dates = findDates(toks, today, lng)
	r.amounts = findAmounts(toks)
	return r
}

// scoreSentiment adds up the sentiment phrases of the message, turning
// around the negated ones ("no estoy contento", "não gostei", "not happy")
// and strengthening the intensified ones ("muy molesto").
func (r *reading) scoreSentiment() {
	hits := scan(r.toks, sentimentLex[r.lang], sentimentLex[""])
	covered := make([]bool, len(r.toks))
	for _, h := range hits {
		for k := h.start; k < h.end; k++ {
			covered[k] = true
		}
	}
	for _, h := range hits {
		w := h.e.weight
		if r.intensified(h.start, covered) {
			w *= 1.5
		}
		negated := r.negated(h.start, covered)
		switch h.e.kind {
		case "thanks":
			r.thanks = true
			r.score += w
		case "praise", "agree":
			if negated {
				r.score -= w
				continue
			}
			r.score += w
			if h.e.kind == "praise" {
				r.praised += w
			} else if h.start <= 3 {
				r.agrees = true
			}
		case "neg":
			if negated {
				r.score -= w / 3 // "no es malo", "não tenho problema": a little good
				continue
			}
			r.score += w
		case "hardship":
			r.score += w
		case "irritation":
			r.irritation = true
			r.score += w
		case "hostile":
			r.hostile = true
			r.score += w
		case "sarcasm":
			r.sarcasm = true
			r.score += w
		}
	}
}

// negated reports whether a negation comes up to three words before
// toks[i], in the same clause and outside other phrases.
func (r *reading) negated(i int, covered []bool) bool {
	for k := i - 1; k >= 0 && k >= i-3; k-- {
		if !r.toks[k].word() {
			return false
		}
		if !covered[k] && negators[r.toks[k].text] {
			return true
		}
	}
	return false
}

func (r *reading) intensified(i int, covered []bool) bool {
	for k := i - 1; k >= 0 && k >= i-2; k-- {
		if !r.toks[k].word() {
			return false
		}
		if !covered[k] && intensifiers[r.toks[k].text] {
			return true
		}
	}
	return false
}

// shouting reports whether text is written in capitals.
func shouting(text string) bool {
	upper, letters := 0, 0
	for _, c := range text {
		if unicode.IsLetter(c) {
			letters++
			if unicode.IsUpper(c) {
				upper++
			}
		}
	}
	return letters >= 8 && upper*10 >= letters*7
}

// facts are what the rules conclude about a conversation.
type facts struct {
	in       ports.AnalysisInput
	lang     string // the organization's, for the summary and the next action
	custLang string // the customer's, for a reply
	readings []reading
	customer []int // indexes of the customer's readings

	score      float64
	sentiment  insight.Sentiment
	angry      int // customer messages that are clearly angry
	hostile    bool
	sarcasm    bool
	thanks     bool
	topicScore map[string]float64
	topics     []insight.Topic
	tags       []string

	disputeOpen  bool // a dispute the customer's last message does not settle
	promise      *found
	paid         bool // a payment said done, after any promise
	askPay       bool
	refusal      bool
	lastPositive bool
}

// complaint is what a dispute weighs on the sentiment of its message.
const complaint = 1.0

// weightDecay is how much less each older customer message counts for the
// sentiment: the last messages tell how the customer feels now.
const weightDecay = 0.5

// Thresholds of the sentiment score (a weighted mean of the messages'):
// one weak word ("listo", "difícil", "problem", worth 0.5) does not make a
// conversation positive or negative.
const (
	positiveFrom = 0.75
	negativeFrom = -0.75
	angryFrom    = -1.5 // a message at or below it is angry
	furiousFrom  = -2.5 // a conversation at or below it goes to a supervisor
)

// maxMessages bounds how many of the latest messages are read.
const maxMessages = 200

func gather(in ports.AnalysisInput) *facts {
	f := &facts{in: in, lang: lang(in.Language), topicScore: map[string]float64{}}
	msgs := in.Messages
	if len(msgs) > maxMessages {
		msgs = msgs[len(msgs)-maxMessages:]
	}
	toks := make([][]token, len(msgs))
	detected := make([]string, len(msgs))
	count := map[string]int{}
	lastDetected := ""
	for i, m := range msgs {
		toks[i] = tokenize(m.Text)
		detected[i] = detect(toks[i])
		if m.From == ports.SpeakerCustomer && detected[i] != "" {
			count[detected[i]]++
			lastDetected = detected[i]
		}
	}
	f.custLang = f.lang
	if best := slices.MaxFunc(languages, func(a, b string) int { return cmp.Compare(count[a], count[b]) }); count[best] > 0 {
		f.custLang = best
		for _, l := range languages {
			if l != best && count[l] == count[best] {
				f.custLang = lastDetected // a tie: the latest language
			}
		}
	}
	for i, m := range msgs {
		lng := detected[i]
		if lng == "" {
			lng = f.custLang
		}
		f.readings = append(f.readings, read(m.From, m.Text, toks[i], lng, in.Today))
		if m.From == ports.SpeakerCustomer {
			f.customer = append(f.customer, i)
		}
	}
	f.concludeSentiment()
	f.promise = findPromise(f.readings, f.customer)
	f.concludeTopics()
	return f
}

func (f *facts) concludeSentiment() {
	var sum, weights float64
	n := len(f.customer)
	for k, i := range f.customer {
		r := f.readings[i]
		w := math.Pow(weightDecay, float64(n-1-k))
		sum += w * r.score
		weights += w
		if r.score <= angryFrom {
			f.angry++
		}
		f.hostile = f.hostile || r.hostile
		f.sarcasm = f.sarcasm || r.sarcasm
		f.thanks = f.thanks || r.thanks
	}
	if weights > 0 {
		f.score = sum / weights
	}
	switch {
	case f.score >= positiveFrom:
		f.sentiment = insight.Positive
	case f.score <= negativeFrom:
		f.sentiment = insight.Negative
	default:
		f.sentiment = insight.Neutral
	}
	if n > 0 {
		f.lastPositive = f.readings[f.customer[n-1]].score >= positiveFrom
	}
}

// topicOrder breaks ties between topics: the more specific first.
var topicOrder = []string{"wrong", "dispute", "promise", "difficulty", "support"}

var topicOf = map[string]insight.Topic{
	"wrong": insight.WrongCustomer, "dispute": insight.Dispute, "promise": insight.PromiseToPay,
	"difficulty": insight.PaymentDifficulty, "support": insight.Support, "payment": insight.Payment,
}

// maxTopics is how many topics an analysis names.
const maxTopics = 2

func (f *facts) concludeTopics() {
	s := f.topicScore
	tags := map[string]bool{}
	for _, i := range f.customer {
		r := f.readings[i]
		for k, v := range r.topics {
			s[k] += v
		}
		if r.paid {
			s["payment"]++
			if r.contested {
				s["dispute"] += 1.5
			}
		}
		if r.topics["askpay"] > 0 {
			s["payment"]++
			f.askPay = true
		}
		f.refusal = f.refusal || r.refusal
		for _, t := range r.tags {
			tags[t] = true
		}
	}
	s["dispute"] += s["refusal"]
	if f.promise != nil {
		s["promise"] += 2
		for _, i := range f.customer {
			if i > f.promise.msg && f.readings[i].paid {
				f.paid = true
			}
		}
	} else {
		for _, i := range f.customer {
			f.paid = f.paid || f.readings[i].paid
		}
	}
	if f.sarcasm {
		tags["sarcasm"] = true
	}

	var specific []string
	for _, k := range topicOrder {
		if s[k] >= 1 {
			specific = append(specific, k)
		}
	}
	slices.SortStableFunc(specific, func(a, b string) int { return cmp.Compare(s[b], s[a]) })
	if s["payment"] >= 1 {
		specific = append(specific, "payment")
	}
	for _, k := range specific[:min(len(specific), maxTopics)] {
		f.topics = append(f.topics, topicOf[k])
	}
	if len(f.topics) == 0 {
		f.topics = []insight.Topic{insight.Other}
	}
	// A dispute the agent resolved ("we removed the fee" – "great, thank
	// you!") is settled: the last message is happy and complains no more.
	if n := len(f.customer); f.has(insight.Dispute) && n > 0 {
		last := f.readings[f.customer[n-1]]
		f.disputeOpen = !f.lastPositive || last.topics["dispute"] > 0 || last.contested || last.refusal
	}
	f.tags = []string{}
	for t := range tags {
		f.tags = append(f.tags, t)
	}
	slices.Sort(f.tags)
}

func (f *facts) has(t insight.Topic) bool { return slices.Contains(f.topics, t) }
