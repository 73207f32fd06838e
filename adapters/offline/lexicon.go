package offline

import (
	"fmt"
	"strconv"
	"strings"
)

// The lexicons are written as lines of "kind weight: phrase | phrase …"
// (or "tag name: …"), with phrases spelled naturally; they are normalised
// like the messages when the package loads. See pattern for "~", "*", "#"
// and "=".
//
// Sentiment kinds: thanks (never negated), praise and agree (negation turns
// them negative), neg (negation softens them into mildly positive),
// hardship (losing a job, having no money: distress, never negated),
// hostile (insults and threats, which ask for a supervisor), sarcasm,
// irritation, and mask (a phrase that only hides a shorter one: "good
// morning", "wrong number").

var sentimentSource = map[string]string{
	es: `
thanks 1: gracias | te agradezco | le agradezco | les agradezco | agradecido | agradecida | dios le pague | dios les pague | bendiciones | amable | amables | muy amable | muy amables | qué amable
thanks 1.5: muchas gracias | mil gracias | muchísimas gracias
praise 1: perfecto | perfecta | excelente | genial | chévere | bacano | buenísimo | buenísima | maravilloso | maravillosa | maravilla | contento | contenta | feliz | encantado | encantada | me gusta | me gustó | qué bien | muy bien | qué bueno | muy bueno | buen servicio | buena atención | súper
praise 0.5: está bien | todo bien
agree 1: de acuerdo | no hay problema | no hay lío | sin problema | sin problemas | ningún problema | con gusto | con mucho gusto | claro que sí | por supuesto
agree 0.5: listo | dale | vale | entendido | okey
mask 0: buenos días | buenas tardes | buenas noches | qué pena con usted | disculpe la molestia | perdón la molestia | disculpa la molestia | número equivocado | número errado | equivocado de número
hardship -1: me quedé sin trabajo | sin trabajo | sin empleo | desempleado | desempleada | perdí ~ trabajo | perdí ~ empleo | me despidieron | no tengo ~ cómo pagar | no tengo con qué pagar | no tengo plata | no tengo dinero | enfermo | enferma | hospital | desesperado | desesperada
neg -2: pésimo | pésima | horrible | terrible | abuso | abusivo | abusivos | abusiva | abusivas | estafa | robo | una vergüenza | qué vergüenza | falta de respeto | irrespetuoso | irrespetuosos | indignante | lo peor | no es justo | harto | harta | hartos | me tienen cansado | me tienen cansada | acoso | acosando | hostigando | qué rabia
neg -1.5: absurdo | absurda | absurdos | absurdas | ridículo | ridícula | inaceptable | injusto | injusta | indignado | indignada | decepcionado | decepcionada | mentira | mentirosos | engaño | rabia | furioso | furiosa | desesperado | desesperada | no voy a pagar | no pienso pagar | no les voy a pagar | no le voy a pagar | mala atención | mal servicio | muy mal | no sirven | incompetentes | cobro indebido | vergüenza
neg -1: molesto | molesta | enojado | enojada | cansado | cansada | mal | malo | mala | queja | demora | demorado | triste | preocupado | preocupada | no me gusta | fastidio | fastidiado | fastidiada | dejen de | no me escriban | no me llamen | no me molesten
neg -0.5: problema | problemas | molestia | reclamo | difícil | complicado | complicada
irritation -0.5: otra vez | de nuevo | me siguen | siguen llegando | todos los días | a cada rato
hostile -2.5: ladrones | ladrón | rateros | ratas | estafadores | sinvergüenzas | sinvergüenza | hijueputas | hijueputa | malparidos | malparido | hijos de puta | mierda | idiotas | imbéciles | payasos
hostile -1.5: abogado | abogados | demanda | demandar | los voy a demandar | denunciar | denuncia | superintendencia
sarcasm -2: jaja* sí claro | jaja* si claro | sí claro jaja* | ajá sí claro | ja ja sí claro
`,
	pt: `
thanks 1: obrigado | obrigada | agradeço | grato | grata | valeu | deus abençoe | gentil | muito gentil
thanks 1.5: muito obrigado | muito obrigada | muitíssimo obrigado | obrigadão
praise 1: ótimo | ótima | perfeito | perfeita | excelente | maravilha | maravilhoso | maravilhosa | show | legal | gostei | adorei | feliz | contente | satisfeito | satisfeita | muito bom | muito boa | que bom | parabéns | top | bom atendimento
agree 1: de acordo | sem problemas | sem problema | nenhum problema | com certeza | pode deixar | claro
agree 0.5: combinado | fechado | beleza | blz | certo | tá bom | ta bom | tudo bem | tudo certo | tranquilo
mask 0: bom dia | boa tarde | boa noite | desculpa o incômodo | desculpe o incômodo | número errado
hardship -1: desempregado | desempregada | sem emprego | perdi ~ emprego | perdi ~ trabalho | fui demitido | fui demitida | não tenho condições | sem condições | não tenho dinheiro | doente | hospital
neg -2: péssimo | péssima | horrível | terrível | palhaçada | falta de respeito | desrespeito | vergonha | uma vergonha | lamentável | nojo | abusivo | abusiva | abuso | enganação | fraude | golpe | revoltado | revoltada | absurdo | absurda | que absurdo
neg -1.5: não é justo | ridículo | ridícula | não vou pagar | não pago | chateado | chateada | irritado | irritada | raiva | indevida | indevido | decepcionado | decepcionada | desesperado | desesperada | injusto | injusta | mentira | muito ruim | descaso | não aguento
neg -1: ruim | chato | chata | cansado | cansada | triste | preocupado | preocupada | demora | demorado | reclamação | parem de | me deixem em paz | não gostei
neg -0.5: problema | problemas | difícil | complicado | complicada
irritation -0.5: de novo | outra vez | continuam | toda hora | todo dia | o dia inteiro
hostile -2.5: ladrões | ladrão | golpistas | safados | vagabundos | merda | porra | idiotas | palhaços
hostile -1.5: procon | reclame aqui | processo | processar | advogado | justiça
sarcasm -2: kkk* tá bom | ah tá | sei sei | aham sei
`,
	en: `
thanks 1: thanks | thank you | thx | ty | appreciate it | appreciated | i appreciate | grateful | cheers
thanks 1.5: thanks a lot | thank you so much | many thanks
praise 1: great | perfect | awesome | excellent | wonderful | amazing | happy | glad | helpful | love | fantastic | nice | good | cool | brilliant
agree 1: no problem | no worries | sounds good | all good | of course | will do | no prob
agree 0.5: sure | fine | alright | deal | got it
mask 0: good morning | good afternoon | good evening | good night | good day | sorry to bother | wrong number | wrong person
hardship -1: lost my job | unemployed | laid off | out of work | cant afford | cannot afford | no money | in the hospital
neg -2: terrible | awful | horrible | worst | unacceptable | disgusting | scam | fraud | rip off | ripoff | harassment | harassing | fed up | pathetic | outrageous
neg -1.5: not fair | ridiculous | annoyed | annoying | upset | frustrated | frustrating | angry | mad | unfair | disappointed | sick of | tired of | waste of time | wont pay | will not pay | not paying | not going to pay | leave me alone | stop texting | stop calling | stop messaging | stop contacting
neg -1: bad | worried | sad | poor service
neg -0.5: problem | problems | issue | wrong
irritation -0.5: again | still getting | keep charging | keep texting | every day | all the time
hostile -2.5: thieves | scammers | crooks | idiots | idiot | shit | bullshit | fuck* | wtf
hostile -1.5: lawyer | attorney | sue | court | report you
sarcasm -2: oh great | just what i needed | yeah right | thanks for nothing | oh wonderful | oh perfect | how nice | love that for me
`,
	"": `
praise 1: 👍 | 🙂 | 😊 | 😀 | 😁 | 😃 | 🤗 | ❤ | ♥ | 💯 | 👌 | 🥰 | 😍
thanks 1: 🙏
neg -1: 😞 | 😔 | 😢 | 😭 | 😕 | 😒 | 😩 | 😫
neg -2: 😡 | 😠 | 🤬 | 😤 | 👎
sarcasm -1.5: 🙄 | 🙃
`,
}

// Topic families, and signals the analysis reads besides the taxonomy:
// askpay (how much, how to pay), paid (a payment said done), notpaid (a
// payment said not done, which hides "paid"), refusal (counts as a
// dispute, and withdraws any promise made before), mask.
var topicSource = map[string]string{
	es: `
payment 1: pagar | pago | pagos | transferencia | transferir | consignar | consignación | consignado | consigno | abono | abonar | depósito | depositar | pse | nequi | daviplata | efectivo | tarjeta | link de pago | enlace de pago | comprobante | recibo de pago | saldo | de contado | descuento | ponerme al día | la deuda | mi deuda
promise 1.5: voy a pagar | voy a consignar | voy a transferir | voy a abonar | voy a depositar | vamos a pagar | le pago | les pago | te pago | le consigno | les consigno | le transfiero | les transfiero | le abono | le deposito | pagaré | consignaré | transferiré | abonaré | me pongo al día | le cancelo | sin falta | hago el pago | hago la transferencia | hago la consignación | le hago el pago
dispute 2: no ~ reconozco | desconozco | no corresponde | cobro indebido | cobro doble | doble cobro | cobrado dos veces | cobraron dos veces | cobrando doble | factura errada | factura equivocada | monto equivocado | valor equivocado | cobro equivocado | mal cobrado | nunca compré | nunca pedí | nunca solicité | no he comprado | yo no compré | no debo | no le debo nada | no les debo nada | reclamo | queja | estafa | ladrones | robo | me siguen cobrando | siguen cobrando | me cobran lo que | abuso | superintendencia | abogado | demanda
refusal 2: no voy a pagar | no pienso pagar | no les voy a pagar | no le voy a pagar | no voy a pagarles | no les pago nada | no pago nada
dispute 1: intereses | me siguen llegando | siguen llegando | me siguen escribiendo | me cobran | me están cobrando
dispute 0.5: cobro | cobros
paid 1: ya ~ =pagué | ya ~ pague | ya ~ pagado | ya ~ pagada | ya ~ consigne | ya ~ transferi | ya ~ deposite | ya ~ abone | ya ~ cancele | ya ~ hice ~ pago | ya ~ hice ~ transferencia | ya ~ hice ~ consignación | hice ~ transferencia | hice ~ pago | hice ~ consignación | =pagué | =consigné | =transferí | =deposité | =aboné | quedó pagado | quedó pagada | está pagado | está pagada | ya quedó | aquí está el comprobante | adjunto ~ comprobante | envío ~ comprobante | mando ~ comprobante
notpaid 1: no he pagado | no ~ =pagué | todavía no ~ pago | aún no ~ pago | no he podido pagar
difficulty 2: no tengo plata | no tengo dinero | no tengo ~ cómo pagar | no tengo con qué | no tengo trabajo | sin plata | sin dinero | sin trabajo | sin empleo | desempleado | desempleada | perdí ~ trabajo | perdí ~ empleo | me despidieron | me echaron | estoy corto | estoy corta | corto de plata | corta de plata | no me alcanza | no alcanzo | situación difícil | situación complicada | está difícil | está duro | está complicado | enfermo | enferma | enfermedad | hospital | incapacidad | no puedo pagar | no he podido pagar | no puedo ~ pagar | me quedé sin | estoy quebrado | estoy pelado | crisis
difficulty 1: cuotas | plazo | más tiempo | prórroga | acuerdo de pago | por partes | abonos | refinanciar | financiar | pago parcial | la mitad
wrong 2: número equivocado | equivocado de número | equivocada de número | equivocaron de número | equivocó de número | número errado | no soy | no conozco a | no sé quién es | no es mi número | no me llamo | este número no es de | ya no es de | persona equivocada | no es conmigo
support 1.5: me trataron | me atendieron mal | mala atención | pésima atención | copia | certificado | paz y salvo | estado de cuenta | extracto | duplicado | factura electrónica | no me llegó la factura | no me ha llegado la factura | reenviar | enviar la factura | mandar la factura | envíen la factura | manden la factura | actualizar ~ datos | cambiar ~ correo | soporte | atención al cliente | asesor
support 0.5: atención | información
askpay 1: cuánto debo | cuánto le debo | cuánto les debo | cuánto es | cuánto sería | cuánto tengo que pagar | cuál es mi saldo | cuál es el saldo | mi saldo | cómo ~ pago | cómo ~ pagar | cómo puedo pagar | dónde ~ pago | dónde ~ pagar | link de pago | enlace de pago | el link | número de cuenta | datos para pagar | medios de pago | quiero pagar | quisiera pagar | quiero ponerme al día | quiero cancelar | quiero saldar
`,
	pt: `
payment 1: pagar | pagamento | pago | pix | boleto | boletos | transferência | transferir | depósito | depositar | quitar | quitação | comprovante | link | cartão | à vista | desconto
payment 0.5: fatura | dívida | valor
promise 1.5: vou pagar | vou fazer o pix | vou fazer o pagamento | vou fazer a transferência | vou transferir | vou depositar | vou quitar | vou acertar | pagarei | faço o pix | faço o pagamento | faço a transferência | eu pago | te pago | lhe pago | mando o pix | vou mandar o pix | sem falta | acerto
paid 1: paguei | já ~ paguei | já ~ pago | já ~ foi pago | já ~ está pago | já ~ quitei | quitei | fiz o pix | fiz ~ pix | fiz ~ pagamento | fiz ~ transferência | transferi | depositei | segue o comprovante | segue ~ comprovante | mandei ~ comprovante | enviei ~ comprovante
notpaid 1: não paguei | ainda não ~ paguei | ainda não ~ pago | não consegui pagar
dispute 2: não ~ reconheço | desconheço | cobrança indevida | cobrança duplicada | cobrança errada | cobrado duas vezes | cobrando duas vezes | cobraram duas vezes | duas vezes | em dobro | valor errado | valor ~ errado | fatura errada | nunca contratei | nunca comprei | nunca pedi | não devo | não contratei | procon | reclame aqui | ladrões | golpe | fraude | continuam cobrando | continuam me cobrando | estão cobrando | cobrança abusiva | reclamação | estorno | reembolso
refusal 2: não vou pagar | não pago | não vou pagar nada | não pago nada | não irei pagar
dispute 1.5: a mais | juros | multa
difficulty 2: desempregado | desempregada | sem emprego | sem trabalho | perdi ~ emprego | perdi ~ trabalho | fui demitido | fui demitida | não tenho dinheiro | sem dinheiro | não tenho condições | sem condições | tá difícil | está difícil | tá apertado | está apertado | apertado | apertada | não consigo pagar | não ~ consigo pagar | doente | hospital | mais prazo | crise | salário atrasado
difficulty 1: parcelar | parcelas | parcelado | parcelamento | acordo | prazo | metade | negociar | negociação
wrong 2: número errado | engano | é engano | pessoa errada | não sou | não conheço | não é meu número | não me chamo | número trocado
support 1.5: me trataram | me atenderam mal | mal atendido | mal atendida | segunda via | 2ª via | boleto atualizado | atualizar o boleto | cópia | nota fiscal | extrato | declaração | certificado | comprovante de quitação | não recebi o boleto | não chegou o boleto | reenviar | suporte | central de atendimento | mudar ~ e-mail | atualizar ~ dados
support 0.5: atendimento | informação
askpay 1: quanto devo | quanto eu devo | quanto está | quanto é | quanto fica | qual o valor | qual é o valor | qual o saldo | minha dívida | como ~ pagar | como faço para pagar | como faço pra pagar | onde ~ pagar | chave pix | qual a chave | me manda o link | manda o link | quero pagar | quero quitar | gostaria de pagar | gostaria de quitar
`,
	en: `
payment 1: pay | payment | payments | transfer | wire | deposit | card | cash | link | receipt | balance | bank | venmo | zelle | paypal | discount | settle
promise 1.5: ill pay | i will pay | im going to pay | i am going to pay | going to pay | gonna pay | will pay | ill transfer | ill send | ill settle | ill make the payment | ill wire | i can pay | pay you | will be paid
paid 1: already paid | i paid | ive paid | i have paid | just paid | paid it | paid this | paid that | paid the | was paid | been paid | sent the transfer | sent ~ transfer | sent ~ payment | made ~ payment | transferred | wired
notpaid 1: havent paid | have not paid | didnt pay | did not pay | not paid | not been paid
dispute 2: dont recognize | do not recognize | dont recognise | never signed up | never ordered | never bought | not mine | i dont owe | do not owe | wrong amount | amount is wrong | charged twice | double charged | overcharged | scam | fraud | refund | dispute | late fee | keep charging | still getting | still charging | lawyer | sue
refusal 2: wont pay | will not pay | not paying | not going to pay | im not paying | never going to pay
dispute 1: incorrect | mistake | error
difficulty 2: cant afford | cannot afford | lost my job | unemployed | laid off | out of work | tight | struggling | hard time | tough time | broke | cant pay | cannot pay | no money | sick | hospital | medical
difficulty 1: payment plan | installments | installment | more time | extension | half | partial | part of it
mask 0: sick of | tired of
wrong 2: wrong number | wrong person | not me | dont know who | dont know any | who is this | no one named | nobody named | not my number
support 1.5: treated me | rude | copy | statement | certificate | resend | didnt receive the invoice | update my | change my email | customer service | support | account details
askpay 1: how much do i owe | how much is | how much | what do i owe | my balance | how can i pay | how do i pay | how to pay | where can i pay | where do i pay | payment link | send me the link | send the link | want to pay | would like to pay | pay online
`,
}

// tagSource lists the free tags, in every language at once.
const tagSource = `
tag pix: pix | chave pix
tag transfer: transferencia | transferir | =transferí | transfiero | transferi | transfer | transferred | wire | pse | ted
tag card: tarjeta | cartão | card | credit card
tag cash: efectivo | cash | dinheiro vivo
tag boleto: boleto | boletos
tag nequi: nequi
tag daviplata: daviplata
tag pse: pse
tag discount: descuento | desconto | discount
tag installments: cuotas | parcelas | parcelar | parcelamento | installments | installment | payment plan | acuerdo de pago | por partes | acordo
tag payment_link: link | enlace
tag receipt: comprobante | comprovante | receipt | recibo
tag legal_threat: abogado | demanda | demandar | denunciar | superintendencia | procon | reclame aqui | processar | advogado | justiça | lawyer | attorney | sue | court
tag late_fee: intereses | mora | juros | multa | late fee | interest | penalty
tag partial_payment: la mitad | pago parcial | abono | metade | half | partial
tag invoice_copy: copia | cópia | segunda via | 2ª via | copy | duplicado | estado de cuenta | extrato | statement
`

// stopwords are frequent words that tell the languages apart.
var stopwords = map[string]string{
	es: `el la los las lo le les y o a es está estoy están estamos usted ustedes yo mi mis me te se de del al en un una unos que por para con sin pero más hoy mañana ayer gracias sí si muy ya hola buenas buenos días señor señora su sus tengo tiene tienen hay eso esa ese esto qué cuánto cómo cuál favor pues bueno listo vale también cuando donde dónde porque solo hace mismo otra otro voy vamos puedo puede pueden quiero necesito plata dinero cuenta factura facturas ahora después entonces aquí fue era soy nos ellos ella él aún todavía siempre semana mes nada todo no creo le pago`,
	pt: `o a os as um uma uns e é está estou estão você vocês voce meu minha meus minhas seu sua não sim obrigado obrigada hoje amanhã ontem já muito muita isso essa esse isto quanto por para pra com sem do da dos das no na nos nas em ao aos pelo pela de que se me te lhe mas mais tudo nada bom boa dia oi olá tá vou posso pode quero preciso dinheiro conta fatura boleto pix paguei agora depois então aqui também ainda mesmo cobrança valor gente né tem tenho eu ele ela eles elas foi era sou são qual quando onde porque só menos vez semana mês consigo pago`,
	en: `the a an and i im ive ill id you your youre is are was were to of in on at my me it its this that for with thanks thank please pay paid will dont cant wont not no yes hi hello hey how much what why when where can could would should do does did have has had just today tomorrow yesterday week month invoice bill money owe be been get getting sent send got from by about up out if or so but we they he she our their there here who which again still already`,
}

// lexEntry is one phrase of a lexicon.
type lexEntry struct {
	kind   string
	weight float64
	tag    string
	pat    pattern
}

// lexicon finds the longest phrase at a position.
type lexicon struct {
	byFirst  map[string][]*lexEntry // by the exact first word
	prefixed []*lexEntry            // first word a prefix, a number or accented
	entries  []*lexEntry
}

func parseLexicon(src string) *lexicon {
	l := &lexicon{byFirst: map[string][]*lexEntry{}}
	for line := range strings.Lines(src) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		head, body, ok := strings.Cut(line, ":")
		fields := strings.Fields(head)
		if !ok || len(fields) != 2 {
			panic(fmt.Sprintf("offline: bad lexicon line %q", line))
		}
		e := lexEntry{kind: fields[0]}
		if e.kind == "tag" {
			e.tag = fields[1]
		} else {
			w, err := strconv.ParseFloat(fields[1], 64)
			if err != nil {
				panic(fmt.Sprintf("offline: bad weight in %q", line))
			}
			e.weight = w
		}
		for p := range strings.SplitSeq(body, "|") {
			pat := compile(p)
			if len(pat) == 0 || pat[0].gap {
				panic(fmt.Sprintf("offline: bad phrase %q in %q", p, line))
			}
			entry := e
			entry.pat = pat
			l.add(&entry)
		}
	}
	return l
}

func (l *lexicon) add(e *lexEntry) {
	l.entries = append(l.entries, e)
	if first := e.pat[0]; first.prefix || first.num || first.exact {
		l.prefixed = append(l.prefixed, e)
		return
	}
	l.byFirst[e.pat[0].s] = append(l.byFirst[e.pat[0].s], e)
}

// longestAt returns the longest phrase of l matching at i (the first
// written wins a tie), and where it ends.
func (l *lexicon) longestAt(toks []token, i int) (*lexEntry, int) {
	var best *lexEntry
	bestEnd := i
	try := func(e *lexEntry) {
		if end, ok := e.pat.matchAt(toks, i); ok && end > bestEnd {
			best, bestEnd = e, end
		}
	}
	for _, e := range l.byFirst[toks[i].text] {
		try(e)
	}
	for _, e := range l.prefixed {
		try(e)
	}
	return best, bestEnd
}

// everyMatch returns every phrase of l found in toks, overlaps included
// ("pse" is both a transfer and PSE), in order of position.
func (l *lexicon) everyMatch(toks []token) []*lexEntry {
	var out []*lexEntry
	for i := range toks {
		if !toks[i].word() {
			continue
		}
		for _, group := range [][]*lexEntry{l.byFirst[toks[i].text], l.prefixed} {
			for _, e := range group {
				if _, ok := e.pat.matchAt(toks, i); ok {
					out = append(out, e)
				}
			}
		}
	}
	return out
}

// hit is a phrase found in a message.
type hit struct {
	e          *lexEntry
	start, end int
}

// scan finds the phrases of the lexicons in toks, left to right, the longest
// at each position, without overlaps.
func scan(toks []token, lexs ...*lexicon) []hit {
	var hits []hit
	for i := 0; i < len(toks); {
		if !toks[i].word() {
			i++
			continue
		}
		var best *lexEntry
		bestEnd := i
		for _, l := range lexs {
			if l == nil {
				continue
			}
			if e, end := l.longestAt(toks, i); e != nil && end > bestEnd {
				best, bestEnd = e, end
			}
		}
		if best == nil {
			i++
			continue
		}
		hits = append(hits, hit{e: best, start: i, end: bestEnd})
		i = bestEnd
	}
	return hits
}

// The compiled lexicons, and the vocabulary that tells the languages apart:
// each word maps to its language, or to "" when several languages use it.
var (
	sentimentLex = map[string]*lexicon{}
	topicLex     = map[string]*lexicon{}
	tagLex       = parseLexicon(tagSource)
	vocabulary   = map[string]string{}
)

func init() {
	for l, src := range sentimentSource {
		sentimentLex[l] = parseLexicon(src)
	}
	for l, src := range topicSource {
		topicLex[l] = parseLexicon(src)
	}
	seen := map[string]map[string]bool{}
	note := func(word, l string) {
		if seen[word] == nil {
			seen[word] = map[string]bool{}
		}
		seen[word][l] = true
	}
	for _, l := range languages {
		for _, t := range tokenize(stopwords[l]) {
			if t.word() {
				note(t.text, l)
			}
		}
		for _, lex := range []*lexicon{sentimentLex[l], topicLex[l]} {
			for _, e := range lex.entries {
				for _, w := range e.pat {
					if !w.gap && !w.num && !w.prefix && !w.exact {
						note(w.s, l)
					}
				}
			}
		}
	}
	for word, ls := range seen {
		if len(ls) == 1 {
			for l := range ls {
				vocabulary[word] = l
			}
		} else {
			vocabulary[word] = ""
		}
	}
}

// Small word sets the rules consult.
var (
	negators = set(`no nunca jamás ni tampoco não nao nem jamais not never dont doesnt didnt isnt arent wasnt werent cant cannot wont`)
	// intensifiers strengthen the sentiment phrase right after them.
	intensifiers = set(`muy mucho demasiado súper super tan bastante totalmente realmente sumamente re muito muita tão bem extremamente really very so too totally extremely absolutely completely truly incredibly`)
	// corrections mark the date that replaces one said before ("mejor el lunes").
	corrections = set(`mejor melhor actually instead rather better corrijo digo`)
	// modals before a payment verb make a question a proposal, not a promise.
	modals = set(`puedo podría podria puede pueden podemos posso pode podem podemos consigo consegue dá can could may might`)
	// affirmations accept what the agent proposed.
	affirmations = set(`sí si ok okay oki dale listo vale perfecto perfeito claro bueno correcto sim combinado fechado beleza certo isso yes yeah yep sure deal agreed perfect fine great`)
)

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, t := range tokenize(words) {
		if t.word() {
			m[t.text] = true
		}
	}
	return m
}
