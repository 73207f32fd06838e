package console

import (
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/money"
	wa "github.com/saldocrm/saldo/domain/template"
)

func urlEscape(s string) string { return url.QueryEscape(s) }

func funcs(org application.Org) template.FuncMap {
	return template.FuncMap{
		"t":       func(l Lang, key string, args ...any) string { return T(l, key, args...) },
		"money":   func(l Lang, m money.Money) string { return Money(l, m) },
		"date":    func(l Lang, d date.Date) string { return Date(l, d) },
		"clock":   func(l Lang, t time.Time) string { return Clock(l, t, org.Location) },
		"when":    func(l Lang, t, now time.Time) string { return When(l, t, now, org.Location) },
		"dur":     Duration,
		"today":   func(now time.Time) date.Date { return org.Today(now) },
		"dateOf":  func(t time.Time) date.Date { return date.Of(t, org.Location) },
		"msgTime": messageTime,
		"initials": func(s string) string {
			var out []rune
			for _, w := range strings.Fields(s) {
				r := []rune(w)
				if len(r) > 0 && len(out) < 2 {
					out = append(out, r[0])
				}
			}
			if len(out) == 0 {
				return "?"
			}
			return strings.ToUpper(string(out))
		},
		"isNil":     func(id uuid.UUID) bool { return id == uuid.Nil },
		"eqID":      func(a, b uuid.UUID) bool { return a == b },
		"str":       func(v any) string { return toString(v) },
		"vars":      func(t *wa.Template) []int { return seq(wa.Variables(t.Details().Body)) },
		"urlButton": hasURLVariable,
		"mapsURL": func(p *conversation.Place) string {
			return "https://www.openstreetmap.org/?mlat=" + ftoa(p.Latitude) + "&mlon=" + ftoa(p.Longitude) + "#map=17/" + ftoa(p.Latitude) + "/" + ftoa(p.Longitude)
		},
		"query": urlEscape,
		"sub":   func(p page, data any) page { p.Data = data; return p },
		"msg": func(p page, c *ChatView, m *conversation.Message) MessageView {
			v := MessageView{L: p.L, M: m, Author: c.AuthorNames[m.AuthorID()], Campaigns: p.User != nil && p.User.CanSeeReports()}
			if m.Content().Type == conversation.System {
				v.Event = eventText(p.L, m.Content().Text, c.AuthorNames, v.Author)
			}
			return v
		},
		"priorities": func() []string { return []string{"low", "normal", "high", "urgent"} },
		"pctOf": func(n, total int) int {
			if total <= 0 {
				return 0
			}
			return n * 100 / total
		},
		"add": func(a, b int) int { return a + b },
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// hasURLVariable reports whether the template has a URL button whose URL
// ends in a variable the sender fills.
func hasURLVariable(t *wa.Template) bool {
	for _, b := range t.Details().Buttons {
		if b.Type == wa.URL && strings.Contains(b.URL, "{{1}}") {
			return true
		}
	}
	return false
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 6, 64) }

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// MessageView is a message as the chat shows it.
type MessageView struct {
	L      Lang
	M      *conversation.Message
	Author string // the agent who wrote or sent it
	Event  string // a system event, in words
	// Campaigns says whether the viewer may open campaigns (owners and
	// managers): an agent sees a reply's campaign named, not linked.
	Campaigns bool
}

// eventText puts a system event ("closed", "assigned:<id>", …) in words.
func eventText(l Lang, text string, names map[uuid.UUID]string, by string) string {
	kind, arg, _ := strings.Cut(text, ":")
	s := T(l, "event_"+kind)
	if kind == "paid" { // "paid:COP 1250000.00"
		code, amount, _ := strings.Cut(arg, " ")
		if m, err := money.Parse(amount, code); err == nil {
			arg = Money(l, m)
		}
		return T(l, "event_paid", arg)
	}
	if kind == "assigned" {
		id, _ := uuid.Parse(arg)
		s = T(l, "event_assigned", names[id])
		if names[id] == by { // took it themself
			return s
		}
	}
	if by != "" {
		s += " (" + by + ")"
	}
	return s
}
