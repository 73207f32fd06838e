package offline

import (
	"strconv"
	"strings"
	"time"

	"github.com/saldocrm/saldo/domain/date"
)

// when is a day a message names, resolved against the organization's today.
type when struct {
	start, end int // tokens
	d          date.Date
	corrected  bool // "mejor el lunes": replaces a day said before
}

func weekday(d date.Date) time.Weekday { return d.Time().Weekday() }

func ymd(d date.Date) (int, time.Month, int) { return d.Time().Date() }

// daysIn returns the number of days of month m of year y.
func daysIn(y int, m time.Month) int {
	_, _, d := ymd(date.New(y, m+1, 0))
	return d
}

// nextWeekday returns the first wd after today: from 1 to 7 days later,
// or from 0 to 6 days when today counts ("este viernes" said on a Friday).
func nextWeekday(today date.Date, wd time.Weekday, todayCounts bool) date.Date {
	n := (int(wd) - int(weekday(today)) + 7) % 7
	if n == 0 && !todayCounts {
		n = 7
	}
	return today.AddDays(n)
}

// nextDayOfMonth returns the next day day of a month, today or later. A day
// the month lacks ("el 31" in April) is its last day: people mean the end.
func nextDayOfMonth(today date.Date, day int) date.Date {
	y, m, d := ymd(today)
	if day < d {
		m++
		if m > time.December {
			y, m = y+1, time.January
		}
	}
	return date.New(y, m, min(day, daysIn(y, m)))
}

// monthDay returns month m, day d: this year, or next year when it has
// passed; year when one was said (0 otherwise). ok is false for a day the
// month does not have, or an explicit date in the past.
func monthDay(today date.Date, year int, m time.Month, d int) (date.Date, bool) {
	explicit := year != 0
	if !explicit {
		year, _, _ = ymd(today)
	}
	if m < time.January || m > time.December || d < 1 || d > daysIn(year, m) {
		return date.Date{}, false
	}
	got := date.New(year, m, d)
	if got.Before(today) {
		if explicit {
			return date.Date{}, false
		}
		return monthDay(today, year+1, m, d)
	}
	return got, true
}

func endOfMonth(today date.Date) date.Date {
	y, m, _ := ymd(today)
	return date.New(y, m, daysIn(y, m))
}

func firstOfNextMonth(today date.Date) date.Date {
	y, m, _ := ymd(today)
	return date.New(y, m+1, 1)
}

// fixedDates are the phrases that name a day by themselves.
var fixedDates = func() []struct {
	pat     pattern
	resolve func(date.Date) date.Date
} {
	type rule = struct {
		pat     pattern
		resolve func(date.Date) date.Date
	}
	var out []rule
	add := func(phrases string, f func(date.Date) date.Date) {
		for p := range strings.SplitSeq(phrases, "|") {
			out = append(out, rule{compile(p), f})
		}
	}
	plus := func(n int) func(date.Date) date.Date {
		return func(t date.Date) date.Date { return t.AddDays(n) }
	}
	add(`hoy | hoje | today | tonight | esta noche | esta tarde | ahora | ahorita | ya mismo | agora | hoje à noite | right now | right away | now | ahora mismo | agora mesmo`, plus(0))
	add(`mañana | amanhã | tomorrow | tmrw | tmr`, plus(1))
	add(`pasado mañana | depois de amanhã | day after tomorrow`, plus(2))
	add(`fin de mes | fin del mes | final de mes | final del mes | finales de mes | a fin de mes | fim do mês | fim de mês | final do mês | end of the month | end of month | month end`, endOfMonth)
	add(`la otra semana | la próxima semana | la semana que viene | la semana entrante | próxima semana | semana que viene | semana que vem | na próxima semana | próxima semana | next week`, func(t date.Date) date.Date {
		return nextWeekday(t, time.Monday, false)
	})
	add(`el próximo mes | el mes que viene | próximo mes | mes que viene | mês que vem | próximo mês | next month`, firstOfNextMonth)
	add(`fin de semana | fim de semana | this weekend | the weekend | weekend`, func(t date.Date) date.Date {
		return nextWeekday(t, time.Saturday, true)
	})
	add(`quincena | la quincena`, func(t date.Date) date.Date {
		if _, _, d := ymd(t); d <= 15 {
			y, m, _ := ymd(t)
			return date.New(y, m, 15)
		}
		return endOfMonth(t)
	})
	return out
}()

// morning marks "mañana" as the morning, not tomorrow ("esta mañana").
var morning = set(`esta la las por en cada toda una`)

var weekdays = map[string]time.Weekday{
	"lunes": time.Monday, "martes": time.Tuesday, "miercoles": time.Wednesday, "jueves": time.Thursday,
	"viernes": time.Friday, "sabado": time.Saturday, "domingo": time.Sunday,
	"segunda": time.Monday, "terca": time.Tuesday, "quarta": time.Wednesday, "quinta": time.Thursday, "sexta": time.Friday,
	"monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday, "thursday": time.Thursday,
	"friday": time.Friday, "saturday": time.Saturday, "sunday": time.Sunday,
}

// ordinals are Portuguese weekdays that are also ordinals ("segunda via"),
// and ordinalNouns the words that follow them as ordinals.
var (
	ordinals     = set(`segunda terca quarta quinta sexta`)
	ordinalNouns = set(`via parcela parcelas vez fatura cobrança opção tentativa mensagem ligação prestação cota semana série`)
)

var (
	thisWords = set(`este esta this nesta neste nessa nesse essa esse`)
	nextWords = set(`próximo próxima proximo proxima next entrante`)
	dayWords  = set(`na no el la o a on the até ate pra para de hasta dia`)
)

var months = map[string]time.Month{
	"enero": time.January, "ene": time.January, "janeiro": time.January, "jan": time.January, "january": time.January,
	"febrero": time.February, "feb": time.February, "fevereiro": time.February, "fev": time.February, "february": time.February,
	"marzo": time.March, "marco": time.March, "mar": time.March, "march": time.March,
	"abril": time.April, "abr": time.April, "april": time.April, "apr": time.April,
	"mayo": time.May, "maio": time.May, "may": time.May,
	"junio": time.June, "junho": time.June, "jun": time.June, "june": time.June,
	"julio": time.July, "julho": time.July, "jul": time.July, "july": time.July,
	"agosto": time.August, "ago": time.August, "august": time.August, "aug": time.August,
	"septiembre": time.September, "setiembre": time.September, "setembro": time.September, "sep": time.September,
	"sept": time.September, "set": time.September, "september": time.September,
	"octubre": time.October, "oct": time.October, "outubro": time.October, "out": time.October, "october": time.October,
	"noviembre": time.November, "nov": time.November, "novembro": time.November, "november": time.November,
	"diciembre": time.December, "dic": time.December, "dezembro": time.December, "dez": time.December,
	"december": time.December, "dec": time.December,
}

// notDay are words after a number that make it something else than a day
// ("el 10 %", "los 15 mil", "en 3 días").
var notDay = set(`% mil millón millones milhão milhões million millions k lucas palos pesos reais real dólares dolares dollars dollar bucks usd cop brl mxn días dias days horas hours minutos minutes cuotas parcelas meses months semanas weeks años anos years`)

// ordinalSuffix are the letters written after a day ("15th", "1ro", "1º").
var ordinalSuffix = set(`st nd rd th ro do to vo o º ª`)

// dayNumber reads a day of the month from a plain number token.
func dayNumber(t token) (int, bool) {
	if !t.num || strings.ContainsAny(t.text, ".,:/-") || len(t.text) > 2 {
		return 0, false
	}
	n, err := strconv.Atoi(t.text)
	if err != nil || n < 1 || n > 31 {
		return 0, false
	}
	return n, true
}

func yearNumber(t token) (int, bool) {
	if !t.num || len(t.text) != 4 {
		return 0, false
	}
	n, err := strconv.Atoi(t.text)
	if err != nil || n < 2000 || n > 2100 {
		return 0, false
	}
	return n, true
}

// countWords are small numbers said in words ("en dos días").
var countWords = map[string]int{
	"un": 1, "una": 1, "uno": 1, "um": 1, "uma": 1, "a": 1, "an": 1, "one": 1,
	"dos": 2, "dois": 2, "duas": 2, "two": 2, "tres": 3, "three": 3, "cuatro": 4, "quatro": 4, "four": 4,
	"cinco": 5, "five": 5, "seis": 6, "six": 6, "siete": 7, "sete": 7, "seven": 7, "ocho": 8, "oito": 8, "eight": 8,
	"diez": 10, "dez": 10, "ten": 10, "quince": 15, "quinze": 15, "fifteen": 15,
}

// findDates returns the days toks name, in order, today or later. lng
// orders numeric dates: day first, except in English (month first).
func findDates(toks []token, today date.Date, lng string) []when {
	var out []when
	for i := 0; i < len(toks); {
		if !toks[i].word() {
			i++
			continue
		}
		w, ok := dateAt(toks, i, today, lng)
		if !ok {
			i++
			continue
		}
		if w.d.Before(today) {
			i = w.end
			continue
		}
		for j := max(0, i-3); j < i; j++ {
			if corrections[toks[j].text] {
				w.corrected = true
			}
		}
		out = append(out, w)
		i = w.end
	}
	return out
}

// dateAt reads a day named at toks[i].
func dateAt(toks []token, i int, today date.Date, lng string) (when, bool) {
	word := func(k int) string {
		if k < 0 || k >= len(toks) || !toks[k].word() {
			return ""
		}
		return toks[k].text
	}
	// Fixed phrases, the longest first.
	var resolve func(date.Date) date.Date
	bestEnd := i
	for _, r := range fixedDates {
		if end, ok := r.pat.matchAt(toks, i); ok && end > bestEnd {
			bestEnd, resolve = end, r.resolve
		}
	}
	if bestEnd > i {
		if t := toks[i].text; t == "manana" && morning[word(i-1)] {
			return when{}, false
		}
		return when{start: i, end: bestEnd, d: resolve(today)}, true
	}

	// "en 3 días", "em duas semanas", "in a week".
	if in := word(i); in == "en" || in == "em" || in == "in" || in == "dentro" {
		k := i + 1
		if word(k) == "de" {
			k++
		}
		n, ok := countWords[word(k)]
		if !ok && k < len(toks) && toks[k].num {
			n, ok = smallNumber(toks[k].text)
		}
		if ok {
			switch word(k + 1) {
			case "dia", "dias", "day", "days":
				return when{start: i, end: k + 2, d: today.AddDays(n)}, true
			case "semana", "semanas", "week", "weeks":
				return when{start: i, end: k + 2, d: today.AddDays(7 * n)}, true
			}
		}
	}

	// Weekdays: "el viernes", "este lunes", "na próxima segunda", "sexta-feira", "next Monday".
	if wd, ok := weekdays[word(i)]; ok {
		end := i + 1
		if word(end) == "feira" {
			end++
		} else if ordinals[word(i)] && (ordinalNouns[word(end)] || !dayWords[word(i-1)] && !nextWords[word(i-1)] && !thisWords[word(i-1)]) {
			return when{}, false // "segunda via", "a quinta parcela"
		}
		start, todayCounts := i, false
		switch prev := word(i - 1); {
		case thisWords[prev]:
			start, todayCounts = i-1, true
		case nextWords[prev]:
			start = i - 1
		}
		if next := word(end); next == "que" && (word(end+1) == "viene" || word(end+1) == "vem") {
			end += 2
		}
		return when{start: start, end: end, d: nextWeekday(today, wd, todayCounts)}, true
	}

	t := toks[i]
	if t.num {
		// Numeric dates: "15/04", "15/04/2026", "2026-04-15", "4/15" in English.
		if strings.ContainsAny(t.text, "/-") {
			if d, ok := numericDate(t.text, today, lng); ok {
				return when{start: i, end: i + 1, d: d}, true
			}
			return when{}, false
		}
		day, ok := dayNumber(t)
		if !ok {
			return when{}, false
		}
		end := i + 1
		if ordinalSuffix[word(end)] && toks[end].glued {
			end++
		}
		// "15 de diciembre (de 2026)", "15 of December", "15 dez".
		k := end
		if w := word(k); w == "de" || w == "of" {
			k++
		}
		if m, ok := months[word(k)]; ok {
			year, stop := 0, k+1
			if w := word(stop); w == "de" || w == "del" {
				if y, ok := yearAt(toks, stop+1); ok {
					year, stop = y, stop+2
				}
			} else if y, ok := yearAt(toks, stop); ok {
				year, stop = y, stop+1
			}
			if d, ok := monthDay(today, year, m, day); ok {
				return when{start: i, end: stop, d: d}, true
			}
			return when{}, false
		}
		// A day alone: "el 15", "dia 25", "on the 30th", "the 5th".
		if notDay[word(end)] {
			return when{}, false
		}
		prev := word(i - 1)
		suffixed := end > i+1
		if prev == "el" || prev == "del" || prev == "dia" || prev == "the" || (suffixed && (prev == "on" || prev == "by" || prev == "until")) || (suffixed && lng == en) {
			return when{start: i, end: end, d: nextDayOfMonth(today, day)}, true
		}
		return when{}, false
	}

	// "December 15", "Dec. 15th, 2026", "dic 15".
	if m, ok := months[word(i)]; ok {
		k := i + 1
		if k < len(toks) && toks[k].brk == '.' && k+1 < len(toks) && toks[k+1].num {
			k++
		}
		if k < len(toks) {
			if day, ok := dayNumber(toks[k]); ok {
				end := k + 1
				if ordinalSuffix[word(end)] && toks[end].glued {
					end++
				}
				year := 0
				if end < len(toks) && toks[end].brk == ',' {
					if y, ok := yearAt(toks, end+1); ok {
						year, end = y, end+2
					}
				} else if y, ok := yearAt(toks, end); ok {
					year, end = y, end+1
				}
				if len(word(i)) <= 4 && lng != en {
					// "mar 15", "set 3", "out 5" are rarely dates outside English.
					return when{}, false
				}
				if d, ok := monthDay(today, year, m, day); ok {
					return when{start: i, end: end, d: d}, true
				}
			}
		}
	}
	return when{}, false
}

func yearAt(toks []token, k int) (int, bool) {
	if k < 0 || k >= len(toks) {
		return 0, false
	}
	return yearNumber(toks[k])
}

func smallNumber(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 90 {
		return 0, false
	}
	return n, true
}

// numericDate reads "15/04", "15/04/2026", "15-04-26", "2026-04-15", or
// month first in English ("4/15"), falling back to the other order when
// the first makes no date.
func numericDate(s string, today date.Date, lng string) (date.Date, bool) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' })
	if len(parts) < 2 || len(parts) > 3 {
		return date.Date{}, false
	}
	n := make([]int, len(parts))
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || len(p) > 4 {
			return date.Date{}, false
		}
		n[i] = v
	}
	if len(parts[0]) == 4 { // ISO
		if len(parts) != 3 {
			return date.Date{}, false
		}
		return monthDay(today, n[0], time.Month(n[1]), n[2])
	}
	year := 0
	if len(parts) == 3 {
		year = n[2]
		if year < 100 {
			year += 2000
		}
		if year < 2000 || year > 2100 {
			return date.Date{}, false
		}
	}
	day, month := n[0], n[1]
	if lng == en {
		day, month = month, day
	}
	if d, ok := monthDay(today, year, time.Month(month), day); ok {
		return d, true
	}
	return monthDay(today, year, time.Month(day), month)
}
