// Package campaign implements bulk WhatsApp sends: a campaign sends an
// approved template to an audience (groups or a saved ledger segment), each
// recipient once, with retries at set intervals; dunning reminder steps are
// campaigns too, whose recipients the planner adds over time.
package campaign

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/template"
)

// Kind tells a campaign sent once to an audience from a dunning step.
type Kind string

// The kinds.
const (
	Broadcast Kind = "campaign"
	Dunning   Kind = "dunning"
)

// Status is where a campaign is.
type Status string

// The statuses.
const (
	Scheduled Status = "scheduled"
	Running   Status = "running" // shown as "in progress"
	Paused    Status = "paused"
	Finished  Status = "finished"
	Cancelled Status = "cancelled"
)

// ParseStatus reads a status.
func ParseStatus(s string) (Status, error) {
	switch st := Status(strings.ToLower(strings.TrimSpace(s))); st {
	case Scheduled, Running, Paused, Finished, Cancelled:
		return st, nil
	}
	return "", ErrInvalid.New("status must be scheduled, running, paused, finished or cancelled")
}

// DefaultRetryIntervals are the waits before the retries of a send that
// failed for a reason that may pass (rate limits, outages).
var DefaultRetryIntervals = []time.Duration{time.Hour, 3 * time.Hour, 6 * time.Hour}

// Errors about campaigns.
var (
	ErrInvalid  = newInvalid("invalid_campaign")
	ErrNotFound = notFound("campaign_not_found", "campaign %s not found")
	ErrState    = domain.Errorf(domain.KindConflict, "campaign_state", "a %s campaign cannot be %s")
)

func newInvalid(code string) *domain.Error { return domain.Errorf(domain.KindInvalid, code, "%s") }

func notFound(code, format string) *domain.Error {
	return domain.Errorf(domain.KindNotFound, code, format)
}

// Audience is who a campaign is for: the members of groups, or the
// customers a saved segment selects when the campaign starts.
type Audience struct {
	Groups      []uuid.UUID
	SegmentID   uuid.UUID
	SegmentName string
	Criteria    Criteria // the segment's criteria when the campaign was made
}

// IsZero reports whether the audience names nobody.
func (a Audience) IsZero() bool { return len(a.Groups) == 0 && a.SegmentID == uuid.Nil }

// Details describe a campaign.
type Details struct {
	Name           string
	NumberID       uuid.UUID // the business number it sends from
	Template       string
	Language       string
	Variables      []Variable // one per body variable of the template, in order
	Audience       Audience
	ScheduledAt    time.Time       // zero: now
	RetryIntervals []time.Duration // nil: DefaultRetryIntervals; empty: no retries
	FailureGroupID uuid.UUID       // not Nil: customers still failing after the last retry join it
	CreatedBy      uuid.UUID
}

// Campaign is a bulk send of one template.
type Campaign struct {
	id         uuid.UUID
	kind       Kind
	d          Details
	status     Status
	createdAt  time.Time
	updatedAt  time.Time
	startedAt  time.Time
	finishedAt time.Time
}

// New checks d against tpl (the approved template it sends) and returns a
// scheduled campaign. A dunning step has no audience of its own.
func New(id uuid.UUID, kind Kind, d Details, tpl *template.Template, now time.Time) (*Campaign, error) {
	var problems []string
	add := func(s string) { problems = append(problems, s) }
	d.Name = strings.TrimSpace(d.Name)
	if n := utf8.RuneCountInString(d.Name); n == 0 || n > 120 {
		add("name is required and at most 120 characters")
	}
	if kind != Broadcast && kind != Dunning {
		add("kind must be campaign or dunning")
	}
	if d.NumberID == uuid.Nil {
		add("a WhatsApp number to send from is required")
	}
	if tpl == nil {
		add("an approved template is required")
	} else {
		d.Template, d.Language = tpl.Name(), tpl.Language()
		if err := tpl.CheckSend(len(d.Variables)); err != nil {
			add(err.Error())
		}
	}
	for i, v := range d.Variables {
		if err := v.check(); err != nil {
			add("variable {{" + strconv.Itoa(i+1) + "}}: " + err.Error())
		}
	}
	if kind == Broadcast && d.Audience.IsZero() {
		add("choose the audience: one or more groups, or a segment")
	}
	if len(d.Audience.Groups) > 0 && d.Audience.SegmentID != uuid.Nil {
		add("the audience is groups or a segment, not both")
	}
	if c, err := d.Audience.Criteria.Check(); err != nil {
		add(err.Error())
	} else {
		d.Audience.Criteria = c
	}
	if d.RetryIntervals == nil {
		d.RetryIntervals = slices.Clone(DefaultRetryIntervals)
	}
	if len(d.RetryIntervals) > 5 {
		add("at most 5 retries")
	}
	for _, r := range d.RetryIntervals {
		if r < time.Minute || r > 7*24*time.Hour {
			add("retry intervals must be between 1 minute and 7 days")
			break
		}
	}
	if d.ScheduledAt.IsZero() || d.ScheduledAt.Before(now) {
		if now.Sub(d.ScheduledAt) > 5*time.Minute && !d.ScheduledAt.IsZero() {
			add("the scheduled time is in the past")
		}
		d.ScheduledAt = now
	}
	if len(problems) > 0 {
		return nil, ErrInvalid.New(strings.Join(problems, "; ")).WithDetails(problems...)
	}
	return &Campaign{id: id, kind: kind, d: d, status: Scheduled, createdAt: now, updatedAt: now}, nil
}

// Revise changes what a dunning step sends from now on: its name, template
// and variables. Reminders already sent keep what they said.
func (c *Campaign) Revise(name string, vars []Variable, tpl *template.Template, now time.Time) error {
	if c.kind != Dunning {
		return ErrState.New(c.status, "revised: only dunning steps change after they are made")
	}
	d := c.d
	d.Name, d.Variables, d.ScheduledAt, d.RetryIntervals = name, vars, now, c.d.RetryIntervals
	fresh, err := New(c.id, Dunning, d, tpl, now)
	if err != nil {
		return err
	}
	c.d, c.updatedAt = fresh.d, now
	return nil
}

// Due reports whether a scheduled campaign's time has come.
func (c *Campaign) Due(now time.Time) bool {
	return c.status == Scheduled && !now.Before(c.d.ScheduledAt)
}

// Start marks the campaign running: its audience has been snapshotted.
func (c *Campaign) Start(now time.Time) error {
	if c.status != Scheduled {
		return ErrState.New(c.status, "started")
	}
	c.status, c.startedAt, c.updatedAt = Running, now, now
	return nil
}

// Pause stops sending until Resume; sends already under way finish.
func (c *Campaign) Pause(now time.Time) error {
	if c.status != Running && c.status != Scheduled {
		return ErrState.New(c.status, "paused")
	}
	if c.status == Scheduled && c.startedAt.IsZero() {
		return ErrState.New(c.status, "paused before it starts: cancel it or change its schedule")
	}
	c.status, c.updatedAt = Paused, now
	return nil
}

// Resume sends again after a pause.
func (c *Campaign) Resume(now time.Time) error {
	if c.status != Paused {
		return ErrState.New(c.status, "resumed")
	}
	c.status, c.updatedAt = Running, now
	return nil
}

// Cancel stops the campaign for good; recipients not yet sent are skipped.
func (c *Campaign) Cancel(now time.Time) error {
	if c.status == Finished || c.status == Cancelled || c.kind == Dunning {
		return ErrState.New(c.status, "cancelled")
	}
	c.status, c.finishedAt, c.updatedAt = Cancelled, now, now
	return nil
}

// Finish marks a running campaign done: every recipient was sent, failed
// for good or skipped. Dunning steps never finish.
func (c *Campaign) Finish(now time.Time) bool {
	if c.status != Running || c.kind == Dunning {
		return false
	}
	c.status, c.finishedAt, c.updatedAt = Finished, now, now
	return true
}

// Reopen puts a finished campaign back to running: a send it counted as
// accepted failed afterwards for a reason that may pass, and its retry is
// due later. It reports whether anything changed.
func (c *Campaign) Reopen(now time.Time) bool {
	if c.status != Finished {
		return false
	}
	c.status, c.finishedAt, c.updatedAt = Running, time.Time{}, now
	return true
}

// Sending reports whether recipients may be sent now.
func (c *Campaign) Sending() bool { return c.status == Running }

// RetryAt returns when a send that failed on attempt (1 for the first) may
// be tried again, or false when that was the last try.
func (c *Campaign) RetryAt(attempt int, failedAt time.Time) (time.Time, bool) {
	if attempt < 1 || attempt > len(c.d.RetryIntervals) {
		return time.Time{}, false
	}
	return failedAt.Add(c.d.RetryIntervals[attempt-1]), true
}

// ID returns the campaign's id.
func (c *Campaign) ID() uuid.UUID { return c.id }

// Kind returns whether it is a campaign or a dunning step.
func (c *Campaign) Kind() Kind { return c.kind }

// Details returns what the campaign sends, to whom and when.
func (c *Campaign) Details() Details { return c.d }

// Name returns the campaign's name.
func (c *Campaign) Name() string { return c.d.Name }

// Status returns where the campaign is.
func (c *Campaign) Status() Status { return c.status }

// CreatedAt returns when the campaign was made.
func (c *Campaign) CreatedAt() time.Time { return c.createdAt }

// UpdatedAt returns when the campaign last changed.
func (c *Campaign) UpdatedAt() time.Time { return c.updatedAt }

// StartedAt returns when the audience was snapshotted (zero before).
func (c *Campaign) StartedAt() time.Time { return c.startedAt }

// FinishedAt returns when the campaign finished or was cancelled.
func (c *Campaign) FinishedAt() time.Time { return c.finishedAt }

// Snapshot is a stored campaign's state, for adapters.
type Snapshot struct {
	ID                                          uuid.UUID
	Kind                                        Kind
	Details                                     Details
	Status                                      Status
	CreatedAt, UpdatedAt, StartedAt, FinishedAt time.Time
}

// UnmarshalFromDatabase rebuilds a stored campaign. Only adapters call it.
func UnmarshalFromDatabase(s Snapshot) *Campaign {
	return &Campaign{
		id: s.ID, kind: s.Kind, d: s.Details, status: s.Status,
		createdAt: s.CreatedAt, updatedAt: s.UpdatedAt, startedAt: s.StartedAt, finishedAt: s.FinishedAt,
	}
}
