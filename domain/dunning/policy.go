// Package dunning implements scheduled payment reminders: a policy of steps
// relative to invoices' due dates, each sending an approved template (or,
// the last one, escalating the customer to an agent), only at allowed hours
// and days in the organization's time zone, at most once a day per customer.
package dunning

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/money"
)

// Errors about dunning policies.
var (
	ErrInvalid  = domain.Errorf(domain.KindInvalid, "invalid_dunning_policy", "%s")
	ErrNotFound = domain.Errorf(domain.KindNotFound, "dunning_policy_not_found", "no dunning policy is stored")
)

// Offsets a step may have: from two months before the due date to a year after.
const (
	MinOffset = -60
	MaxOffset = 365
	MaxSteps  = 12
)

// StepKind tells a step that messages the customer from the escalation.
type StepKind string

// The step kinds.
const (
	Message  StepKind = "message"
	Escalate StepKind = "escalate" // assigns the customer's conversation to an agent with a note
)

// ParseStepKind reads a step kind ("" is a message).
func ParseStepKind(s string) (StepKind, error) {
	switch k := StepKind(strings.ToLower(strings.TrimSpace(s))); k {
	case "", Message:
		return Message, nil
	case Escalate:
		return k, nil
	}
	return "", ErrInvalid.New("step kind must be message or escalate")
}

// Step is one reminder of the policy, Offset days from the due date of the
// customer's invoices (negative: before it).
type Step struct {
	Offset     int
	Kind       StepKind
	Template   string // message steps: the approved template's name and language
	Language   string
	Variables  []campaign.Variable // one per body variable of the template
	MinBalance money.Money         // zero: no minimum; compared with the balance due in its currency only
	CampaignID uuid.UUID           // the dunning campaign that sends it; Nil until made
}

// Name is how the step is shown: "D-3", "D0", "D+7".
func (s Step) Name() string { return StepName(s.Offset) }

// StepName is the name of the step at offset.
func StepName(offset int) string {
	switch {
	case offset > 0:
		return "D+" + strconv.Itoa(offset)
	case offset < 0:
		return "D" + strconv.Itoa(offset)
	}
	return "D0"
}

// Details are a policy's settings.
type Details struct {
	Steps     []Step
	SendFrom  int            // minute of the day reminders may start (local), e.g. 8*60
	SendUntil int            // minute of the day they stop (exclusive), e.g. 20*60
	Weekdays  []time.Weekday // days reminders may be sent
}

// Policy is the organization's dunning schedule.
type Policy struct {
	id        uuid.UUID
	d         Details
	updatedAt time.Time
}

// DefaultDetails are the settings a new organization starts with: reminders
// 3 days before the due date, on it, and 7, 15 and 30 days after, from 08:00
// to 20:00, Monday to Saturday; all with tpl (name and language) and vars.
func DefaultDetails(tpl, language string, vars []campaign.Variable) Details {
	steps := make([]Step, 0, 5)
	for _, o := range []int{-3, 0, 7, 15, 30} {
		steps = append(steps, Step{Offset: o, Kind: Message, Template: tpl, Language: language, Variables: slices.Clone(vars)})
	}
	return Details{
		Steps: steps, SendFrom: 8 * 60, SendUntil: 20 * 60,
		Weekdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday},
	}
}

// New checks d and returns the policy, its steps ordered by offset.
func New(id uuid.UUID, d Details, now time.Time) (*Policy, error) {
	d.Steps = slices.Clone(d.Steps)
	slices.SortFunc(d.Steps, func(a, b Step) int { return a.Offset - b.Offset })
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if len(d.Steps) == 0 || len(d.Steps) > MaxSteps {
		add("a policy has from 1 to %d steps", MaxSteps)
	}
	for i := range d.Steps {
		s := &d.Steps[i]
		name := s.Name()
		if s.Offset < MinOffset || s.Offset > MaxOffset {
			add("step %s: the offset must be from %d to %d days", name, MinOffset, MaxOffset)
		}
		if i > 0 && d.Steps[i-1].Offset == s.Offset {
			add("step %s: two steps have the same offset", name)
		}
		if s.Kind == "" {
			s.Kind = Message
		}
		switch s.Kind {
		case Message:
			s.Template, s.Language = strings.TrimSpace(s.Template), strings.TrimSpace(s.Language)
			if s.Template == "" || s.Language == "" {
				add("step %s: choose an approved template", name)
			}
			for j, v := range s.Variables {
				if !slices.Contains(campaign.Sources(), v.Source) {
					add("step %s: variable {{%d}} has an unknown source", name, j+1)
				}
				if v.Source == campaign.Text && strings.TrimSpace(v.Text) == "" {
					add("step %s: variable {{%d}} needs its fixed text", name, j+1)
				}
			}
		case Escalate:
			if i != len(d.Steps)-1 {
				add("step %s: only the last step may escalate to an agent", name)
			}
			s.Template, s.Language, s.Variables, s.CampaignID = "", "", nil, uuid.Nil
		default:
			add("step %s: the kind must be message or escalate", name)
		}
		if s.MinBalance.IsNegative() {
			add("step %s: the minimum balance cannot be negative", name)
		}
	}
	if d.SendFrom < 0 || d.SendUntil > 24*60 || d.SendFrom >= d.SendUntil {
		add("sending hours must be a start before an end within the day")
	}
	days := map[time.Weekday]bool{}
	for _, w := range d.Weekdays {
		if w < time.Sunday || w > time.Saturday {
			add("unknown weekday %d", int(w))
			continue
		}
		days[w] = true
	}
	if len(days) == 0 {
		add("choose at least one day of the week to send on")
	}
	d.Weekdays = d.Weekdays[:0:0]
	for w := time.Sunday; w <= time.Saturday; w++ {
		if days[w] {
			d.Weekdays = append(d.Weekdays, w)
		}
	}
	if len(problems) > 0 {
		return nil, ErrInvalid.New(strings.Join(problems, "; ")).WithDetails(problems...)
	}
	return &Policy{id: id, d: d, updatedAt: now}, nil
}

// ID returns the policy's id.
func (p *Policy) ID() uuid.UUID { return p.id }

// Details returns the policy's settings.
func (p *Policy) Details() Details {
	d := p.d
	d.Steps, d.Weekdays = slices.Clone(d.Steps), slices.Clone(d.Weekdays)
	return d
}

// Steps returns the steps, ordered by offset.
func (p *Policy) Steps() []Step { return slices.Clone(p.d.Steps) }

// UpdatedAt returns when the policy last changed.
func (p *Policy) UpdatedAt() time.Time { return p.updatedAt }

// Step returns the step at offset.
func (p *Policy) Step(offset int) (Step, bool) {
	for _, s := range p.d.Steps {
		if s.Offset == offset {
			return s, true
		}
	}
	return Step{}, false
}

// StepOfCampaign returns the step a dunning campaign sends.
func (p *Policy) StepOfCampaign(id uuid.UUID) (Step, bool) {
	for _, s := range p.d.Steps {
		if s.CampaignID == id && id != uuid.Nil {
			return s, true
		}
	}
	return Step{}, false
}

// SetCampaign records the campaign that sends the step at offset.
func (p *Policy) SetCampaign(offset int, id uuid.UUID, now time.Time) bool {
	for i := range p.d.Steps {
		if p.d.Steps[i].Offset == offset && p.d.Steps[i].Kind == Message {
			p.d.Steps[i].CampaignID, p.updatedAt = id, now
			return true
		}
	}
	return false
}

// Allowed reports whether a reminder may be sent at t (local time in loc).
func (p *Policy) Allowed(t time.Time, loc *time.Location) bool {
	l := t.In(loc)
	m := l.Hour()*60 + l.Minute()
	return slices.Contains(p.d.Weekdays, l.Weekday()) && m >= p.d.SendFrom && m < p.d.SendUntil
}

// NextAllowed returns t when a reminder may be sent then, or else the first
// allowed minute after it: the start of the sending hours of the next
// allowed day (quiet hours and days defer, they never drop).
func (p *Policy) NextAllowed(t time.Time, loc *time.Location) time.Time {
	if p.Allowed(t, loc) {
		return t
	}
	l := t.In(loc)
	y, mo, d := l.Date()
	for i := range 8 {
		day := time.Date(y, mo, d+i, 0, 0, 0, 0, loc)
		if !slices.Contains(p.d.Weekdays, day.Weekday()) {
			continue
		}
		start := time.Date(y, mo, d+i, p.d.SendFrom/60, p.d.SendFrom%60, 0, 0, loc)
		if start.After(t) {
			return start
		}
	}
	return t // unreachable: New requires an allowed weekday
}

// NextAllowedDay returns the first allowed minute on or after the start of
// day in loc: where a customer's second reminder of a day goes (at most one
// reminder per customer per day).
func (p *Policy) NextAllowedDay(day date.Date, loc *time.Location) time.Time {
	return p.NextAllowed(day.StartIn(loc), loc)
}

// UnmarshalFromDatabase rebuilds a stored policy. Only adapters call it.
func UnmarshalFromDatabase(id uuid.UUID, d Details, updatedAt time.Time) *Policy {
	return &Policy{id: id, d: d, updatedAt: updatedAt}
}

// Key is a reminder's dedupe key: the customer and the due date of the
// oldest invoice that reached the step, so that a later invoice cycle can
// reach the same step again.
func Key(customerID uuid.UUID, due date.Date) string { return customerID.String() + ":" + due.String() }

// ParseClock reads a time of day "HH:MM" (24:00 is the end of the day) as
// minutes since midnight.
func ParseClock(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh*60+mm > 24*60 {
		return 0, ErrInvalid.New("a time of day must be written HH:MM, e.g. 08:00")
	}
	return hh*60 + mm, nil
}

// FormatClock writes minutes since midnight as "HH:MM".
func FormatClock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

var weekdayNames = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// ParseWeekday reads "mon", "monday" or "Monday".
func ParseWeekday(s string) (time.Weekday, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for i, n := range weekdayNames {
		if s == n || s == strings.ToLower(time.Weekday(i).String()) {
			return time.Weekday(i), nil
		}
	}
	return 0, ErrInvalid.New("unknown day of the week " + strconv.Quote(s) + ": use mon, tue, wed, thu, fri, sat or sun")
}

// WeekdayName writes a weekday as ParseWeekday reads it: "mon".
func WeekdayName(w time.Weekday) string { return weekdayNames[w%7] }
