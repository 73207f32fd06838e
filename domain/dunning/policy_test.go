package dunning_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/dunning"
	"github.com/saldocrm/saldo/domain/money"
)

var vars = []campaign.Variable{{Source: campaign.FirstName}, {Source: campaign.OverdueTotal}, {Source: campaign.OldestDueDate}}

func defaultPolicy(t *testing.T) *dunning.Policy {
	t.Helper()
	p, err := dunning.New(uuid.New(), dunning.DefaultDetails("recordatorio_pago", "es", vars), time.Now())
	require.NoError(t, err)
	return p
}

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func TestDefaultPolicy(t *testing.T) {
	t.Parallel()
	p := defaultPolicy(t)
	var offsets []int
	for _, s := range p.Steps() {
		offsets = append(offsets, s.Offset)
		assert.Equal(t, dunning.Message, s.Kind)
	}
	assert.Equal(t, []int{-3, 0, 7, 15, 30}, offsets)
	d := p.Details()
	assert.Equal(t, 8*60, d.SendFrom)
	assert.Equal(t, 20*60, d.SendUntil)
	assert.NotContains(t, d.Weekdays, time.Sunday)
	assert.Len(t, d.Weekdays, 6)
}

func TestNewChecksThePolicy(t *testing.T) {
	t.Parallel()
	msg := func(o int) dunning.Step {
		return dunning.Step{Offset: o, Kind: dunning.Message, Template: "t", Language: "es"}
	}
	week := []time.Weekday{time.Monday}
	tests := []struct {
		name string
		d    dunning.Details
		want string // part of the error; "" when valid
	}{
		{"valid, unordered steps", dunning.Details{Steps: []dunning.Step{msg(7), msg(-3)}, SendFrom: 480, SendUntil: 1200, Weekdays: week}, ""},
		{"no steps", dunning.Details{SendFrom: 480, SendUntil: 1200, Weekdays: week}, "from 1 to"},
		{"same offset twice", dunning.Details{Steps: []dunning.Step{msg(7), msg(7)}, SendFrom: 480, SendUntil: 1200, Weekdays: week}, "same offset"},
		{"offset too early", dunning.Details{Steps: []dunning.Step{msg(-61)}, SendFrom: 480, SendUntil: 1200, Weekdays: week}, "from -60 to 365"},
		{"offset too late", dunning.Details{Steps: []dunning.Step{msg(366)}, SendFrom: 480, SendUntil: 1200, Weekdays: week}, "from -60 to 365"},
		{"no template", dunning.Details{Steps: []dunning.Step{{Offset: 1}}, SendFrom: 480, SendUntil: 1200, Weekdays: week}, "approved template"},
		{
			"escalation not last",
			dunning.Details{Steps: []dunning.Step{{Offset: 1, Kind: dunning.Escalate}, msg(7)}, SendFrom: 480, SendUntil: 1200, Weekdays: week},
			"only the last step",
		},
		{"escalation last", dunning.Details{Steps: []dunning.Step{msg(1), {Offset: 45, Kind: dunning.Escalate}}, SendFrom: 480, SendUntil: 1200, Weekdays: week}, ""},
		{"hours reversed", dunning.Details{Steps: []dunning.Step{msg(1)}, SendFrom: 1200, SendUntil: 480, Weekdays: week}, "sending hours"},
		{"no day", dunning.Details{Steps: []dunning.Step{msg(1)}, SendFrom: 480, SendUntil: 1200}, "at least one day"},
		{
			"negative minimum",
			dunning.Details{Steps: []dunning.Step{{Offset: 1, Template: "t", Language: "es", MinBalance: money.MustParse("-1", "COP")}}, SendFrom: 480, SendUntil: 1200, Weekdays: week},
			"cannot be negative",
		},
		{
			"unknown source",
			dunning.Details{Steps: []dunning.Step{{Offset: 1, Template: "t", Language: "es", Variables: []campaign.Variable{{Source: "nope"}}}}, SendFrom: 480, SendUntil: 1200, Weekdays: week},
			"unknown source",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := dunning.New(uuid.New(), tt.d, time.Now())
			if tt.want == "" {
				require.NoError(t, err)
				steps := p.Steps()
				for i := 1; i < len(steps); i++ {
					assert.Less(t, steps[i-1].Offset, steps[i].Offset)
				}
				return
			}
			require.ErrorIs(t, err, dunning.ErrInvalid)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// TestNextAllowed defers reminders to the next allowed minute (08:00–20:00,
// Monday to Saturday) in zones without daylight saving time: Bogotá (UTC−5),
// Mexico City (UTC−6 since 2022) and São Paulo (UTC−3 since 2019).
func TestNextAllowed(t *testing.T) {
	t.Parallel()
	p := defaultPolicy(t)
	tests := []struct {
		zone, at, want string // local times; 2026-11-23 is a Monday
	}{
		{"America/Bogota", "2026-11-23 10:15", "2026-11-23 10:15"},      // inside: now
		{"America/Bogota", "2026-11-23 07:59", "2026-11-23 08:00"},      // before the hours
		{"America/Bogota", "2026-11-23 20:00", "2026-11-24 08:00"},      // the end is exclusive
		{"America/Bogota", "2026-11-28 21:30", "2026-11-30 08:00"},      // Saturday night → Monday (Sunday is quiet)
		{"America/Bogota", "2026-11-29 12:00", "2026-11-30 08:00"},      // Sunday noon
		{"America/Mexico_City", "2026-04-05 09:00", "2026-04-06 08:00"}, // a Sunday when DST used to start
		{"America/Mexico_City", "2026-11-23 03:00", "2026-11-23 08:00"},
		{"America/Sao_Paulo", "2026-11-21 19:59", "2026-11-21 19:59"}, // Saturday still allowed
		{"America/Sao_Paulo", "2026-11-21 20:01", "2026-11-23 08:00"},
	}
	for _, tt := range tests {
		t.Run(tt.zone+" "+tt.at, func(t *testing.T) {
			t.Parallel()
			loc := zone(t, tt.zone)
			at, err := time.ParseInLocation("2006-01-02 15:04", tt.at, loc)
			require.NoError(t, err)
			want, err := time.ParseInLocation("2006-01-02 15:04", tt.want, loc)
			require.NoError(t, err)
			got := p.NextAllowed(at.UTC(), loc)
			assert.True(t, want.Equal(got), "got %s, want %s", got.In(loc), want)
			assert.True(t, p.Allowed(got, loc))
		})
	}
}

// TestTheSameInstantIsADifferentDayAcrossZones: 2026-11-23 03:30 UTC is
// still Sunday night in Bogotá and Mexico City (quiet until Monday 08:00
// local) but Monday 00:30 in São Paulo.
func TestTheSameInstantIsADifferentDayAcrossZones(t *testing.T) {
	t.Parallel()
	p := defaultPolicy(t)
	at := time.Date(2026, 11, 23, 3, 30, 0, 0, time.UTC)
	assert.Equal(t, time.Date(2026, 11, 23, 13, 0, 0, 0, time.UTC), p.NextAllowed(at, zone(t, "America/Bogota")).UTC())
	assert.Equal(t, time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC), p.NextAllowed(at, zone(t, "America/Mexico_City")).UTC())
	assert.Equal(t, time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC), p.NextAllowed(at, zone(t, "America/Sao_Paulo")).UTC())
	// A second reminder the same day goes to the next allowed day.
	bogota := zone(t, "America/Bogota")
	assert.Equal(t, time.Date(2026, 11, 24, 8, 0, 0, 0, bogota), p.NextAllowedDay(date.New(2026, 11, 24), bogota))
	assert.Equal(t, time.Date(2026, 11, 30, 8, 0, 0, 0, bogota), p.NextAllowedDay(date.New(2026, 11, 29), bogota))
}

func TestSkip(t *testing.T) {
	t.Parallel()
	cop := func(s string) money.Money { return money.MustParse(s, "COP") }
	step := dunning.Step{Offset: 7, Template: "t", Language: "es", MinBalance: cop("50000")}
	owes := dunning.Standing{Due: []money.Money{cop("80000")}, HasPhone: true}
	tests := []struct {
		name string
		st   func(s dunning.Standing) dunning.Standing
		want string
	}{
		{"owes", func(s dunning.Standing) dunning.Standing { return s }, ""},
		{"paid", func(s dunning.Standing) dunning.Standing { s.Due = nil; return s }, dunning.SkipPaid},
		{"disputed", func(s dunning.Standing) dunning.Standing { s.Due, s.Disputed = nil, true; return s }, dunning.SkipDisputed},
		{"opted out", func(s dunning.Standing) dunning.Standing { s.OptedOut = true; return s }, dunning.SkipOptedOut},
		{"no phone", func(s dunning.Standing) dunning.Standing { s.HasPhone = false; return s }, dunning.SkipNoPhone},
		{"promise", func(s dunning.Standing) dunning.Standing { s.PromisePending = true; return s }, dunning.SkipPromise},
		{"agent", func(s dunning.Standing) dunning.Standing { s.AgentActive = true; return s }, dunning.SkipAgentActive},
		{"below the minimum", func(s dunning.Standing) dunning.Standing { s.Due = []money.Money{cop("49999.99")}; return s }, dunning.SkipBelowMinimum},
		{"other currency passes", func(s dunning.Standing) dunning.Standing {
			s.Due = []money.Money{money.MustParse("5", "USD")}
			return s
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, step.Skip(tt.st(owes)))
		})
	}
}

func TestStepNamesAndKeys(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "D-3", dunning.StepName(-3))
	assert.Equal(t, "D0", dunning.StepName(0))
	assert.Equal(t, "D+15", dunning.StepName(15))
	id := uuid.MustParse("0193a0c4-0000-7000-8000-000000000001")
	assert.Equal(t, "0193a0c4-0000-7000-8000-000000000001:2026-11-14", dunning.Key(id, date.New(2026, 11, 14)))
}
