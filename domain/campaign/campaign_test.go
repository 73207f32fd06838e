package campaign_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
	"github.com/saldocrm/saldo/domain/template"
)

var now = time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC)

func approved(t *testing.T, body string) *template.Template {
	t.Helper()
	tpl, err := template.New(uuid.New(), template.Details{
		Name: "overdue_notice", Language: "es", Category: template.Utility, Body: body,
		Examples: []string{"Ana", "COP 1.000", "3"}[:template.Variables(body)],
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	tpl.Review("APPROVED", "", now)
	return tpl
}

func details() campaign.Details {
	return campaign.Details{
		Name: "Vencidas +30", NumberID: uuid.New(),
		Variables: []campaign.Variable{{Source: campaign.FirstName}, {Source: campaign.OverdueTotal}},
		Audience:  campaign.Audience{SegmentID: uuid.New(), Criteria: campaign.Criteria{MinDaysOverdue: 31}},
	}
}

func TestNewChecksTheTemplateAudienceAndSchedule(t *testing.T) {
	t.Parallel()
	tpl := approved(t, "Hola {{1}}, debe {{2}}.")
	tests := []struct {
		name   string
		change func(*campaign.Details)
		tpl    *template.Template
		ok     bool
	}{
		{"valid, sent now", func(*campaign.Details) {}, tpl, true},
		{"scheduled later", func(d *campaign.Details) { d.ScheduledAt = now.Add(48 * time.Hour) }, tpl, true},
		{"no name", func(d *campaign.Details) { d.Name = "  " }, tpl, false},
		{"wrong variable count", func(d *campaign.Details) { d.Variables = d.Variables[:1] }, tpl, false},
		{"unknown source", func(d *campaign.Details) { d.Variables[1].Source = "customer.salary" }, tpl, false},
		{"empty fixed text", func(d *campaign.Details) { d.Variables[1] = campaign.Variable{Source: campaign.Text} }, tpl, false},
		{"no audience", func(d *campaign.Details) { d.Audience = campaign.Audience{} }, tpl, false},
		{"groups and segment", func(d *campaign.Details) { d.Audience.Groups = []uuid.UUID{uuid.New()} }, tpl, false},
		{"schedule in the past", func(d *campaign.Details) { d.ScheduledAt = now.Add(-time.Hour) }, tpl, false},
		{"retry too short", func(d *campaign.Details) { d.RetryIntervals = []time.Duration{time.Second} }, tpl, false},
		{"template not approved", func(*campaign.Details) {}, pending(t), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := details()
			d.Variables = append([]campaign.Variable(nil), d.Variables...)
			tt.change(&d)
			c, err := campaign.New(uuid.New(), campaign.Broadcast, d, tt.tpl, now)
			if tt.ok != (err == nil) {
				t.Fatalf("New: err = %v, want ok %v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, campaign.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			if c != nil && c.Status() != campaign.Scheduled {
				t.Fatalf("status %s, want scheduled", c.Status())
			}
		})
	}
}

func pending(t *testing.T) *template.Template {
	t.Helper()
	tpl, err := template.New(uuid.New(), template.Details{
		Name: "draft", Language: "es", Category: template.Utility, Body: "Hola {{1}}, debe {{2}}.", Examples: []string{"a", "b"},
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	d := details()
	d.ScheduledAt = now.Add(time.Hour)
	c, err := campaign.New(uuid.New(), campaign.Broadcast, d, approved(t, "Hola {{1}}, debe {{2}}."), now)
	if err != nil {
		t.Fatal(err)
	}
	if c.Due(now) || !c.Due(now.Add(time.Hour)) {
		t.Fatal("due only from its scheduled time")
	}
	if err := c.Resume(now); !errors.Is(err, campaign.ErrState) {
		t.Fatalf("resume a scheduled campaign: %v", err)
	}
	if err := c.Start(now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(now.Add(time.Hour)); !errors.Is(err, campaign.ErrState) {
		t.Fatal("a second start must be refused")
	}
	if err := c.Pause(now); err != nil || c.Sending() {
		t.Fatalf("pause: %v, sending %v", err, c.Sending())
	}
	if err := c.Resume(now); err != nil || !c.Sending() {
		t.Fatalf("resume: %v", err)
	}
	if !c.Finish(now) || c.Status() != campaign.Finished {
		t.Fatal("finish a running campaign")
	}
	if !c.Reopen(now) || !c.Sending() || !c.FinishedAt().IsZero() {
		t.Fatal("a late retry reopens a finished campaign")
	}
	if !c.Finish(now) {
		t.Fatal("finish it again")
	}
	if err := c.Cancel(now); !errors.Is(err, campaign.ErrState) {
		t.Fatal("a finished campaign cannot be cancelled")
	}
}

func TestRetryAtFollowsTheIntervals(t *testing.T) {
	t.Parallel()
	c, err := campaign.New(uuid.New(), campaign.Broadcast, details(), approved(t, "Hola {{1}}, debe {{2}}."), now)
	if err != nil {
		t.Fatal(err)
	}
	for attempt, want := range map[int]time.Duration{1: time.Hour, 2: 3 * time.Hour, 3: 6 * time.Hour} {
		at, ok := c.RetryAt(attempt, now)
		if !ok || !at.Equal(now.Add(want)) {
			t.Errorf("attempt %d: retry at %v (%v), want %v", attempt, at, ok, now.Add(want))
		}
	}
	if _, ok := c.RetryAt(4, now); ok {
		t.Error("after the third retry the send fails for good")
	}
}

func TestRecipientStatusOnlyMovesForward(t *testing.T) {
	t.Parallel()
	r := campaign.NewRecipient(uuid.New(), uuid.New(), uuid.New(), "k", "573001112233", "Ana", "", now, now)
	if !r.Claim(now) || r.Snapshot().Attempts != 1 {
		t.Fatal("claim a due recipient")
	}
	// The webhook beats the sender's own record: the send is known to be accepted.
	if !r.Advance(conversation.Delivered, "wamid.A", now.Add(time.Second)) {
		t.Fatal("a delivered webhook moves a sending recipient")
	}
	if r.Accepted("wamid.A", now) {
		t.Fatal("the sender's late record must not move it back to sent")
	}
	if !r.Advance(conversation.Read, "wamid.A", now.Add(2*time.Second)) {
		t.Fatal("read after delivered")
	}
	for _, st := range []conversation.DeliveryStatus{conversation.Delivered, conversation.Sent, conversation.Read} {
		if r.Advance(st, "wamid.A", now.Add(3*time.Second)) {
			t.Fatalf("%s after read must change nothing", st)
		}
	}
	s := r.Snapshot()
	if s.Status != campaign.Read || s.WAMID != "wamid.A" || s.DeliveredAt.IsZero() || s.SentAt.IsZero() {
		t.Fatalf("snapshot %+v", s)
	}
}

func TestRefusedRetriesOrFails(t *testing.T) {
	t.Parallel()
	r := campaign.NewRecipient(uuid.New(), uuid.New(), uuid.New(), "k", "573001112233", "Ana", "", now, now)
	r.Claim(now)
	if r.Refused(conversation.Failure{Code: 130429}, true, now.Add(time.Hour), now) {
		t.Fatal("a retryable refusal is not final")
	}
	if s := r.Snapshot(); s.Status != campaign.Pending || !s.NextAttemptAt.Equal(now.Add(time.Hour)) || s.Failure.Code != 130429 {
		t.Fatalf("after a retryable refusal: %+v", s)
	}
	r.Claim(now.Add(time.Hour))
	if !r.Refused(conversation.Failure{Code: 131026}, false, time.Time{}, now) || r.Snapshot().Status != campaign.Failed {
		t.Fatal("an undeliverable number fails for good")
	}
	if r.Advance(conversation.Delivered, "wamid.B", now) {
		t.Fatal("a failed recipient stays failed")
	}
}

func TestRecipientsSkippedAtSnapshotAreNeverDue(t *testing.T) {
	t.Parallel()
	r := campaign.NewRecipient(uuid.New(), uuid.New(), uuid.New(), "k", "", "Ana", campaign.SkipNoPhone, now, now)
	if r.Claim(now) || r.Snapshot().Status != campaign.Skipped || !r.Settled() {
		t.Fatalf("%+v", r.Snapshot())
	}
}

func TestRates(t *testing.T) {
	t.Parallel()
	c := campaign.Counters{Recipients: 5, Skipped: 2, Sent: 3, Delivered: 1, Read: 0}
	if got := c.DeliveryRate().String(); got != "33.33% 1/3" {
		t.Errorf("delivery rate %q", got)
	}
	if got := c.ReadRate().String(); got != "0.00% 0/3" {
		t.Errorf("read rate %q", got)
	}
	if got := (campaign.Counters{}).DeliveryRate().String(); got != "0.00% 0/0" {
		t.Errorf("empty rate %q", got)
	}
}

func TestRenderInTheCustomersLanguage(t *testing.T) {
	t.Parallel()
	f := campaign.Facts{
		Name: "Ana María Gómez", ExternalID: "C-1", Language: customer.Portuguese,
		Overdue:      []money.Money{money.MustParse("1234567.5", "BRL"), money.MustParse("10", "USD")},
		OverdueCount: 3, OldestDue: date.MustParse("2026-10-01"), Today: date.MustParse("2026-11-22"),
		OverdueInvoices: []string{"F-1", "F-2", "F-3"}, PaymentLinkURL: "https://pay.example/x",
	}
	vars := []campaign.Variable{
		{Source: campaign.FirstName},
		{Source: campaign.OverdueTotal},
		{Source: campaign.OverdueCount},
		{Source: campaign.OldestDueDate},
		{Source: campaign.DaysOverdue},
		{Source: campaign.OverdueInvoices},
		{Source: campaign.PaymentLink},
		{Source: campaign.Text, Text: "Equipe Saldo"},
		{Source: campaign.BalanceTotal},
	}
	got := campaign.Render(vars, f)
	want := []string{
		"Ana", money.MustParse("1234567.5", "BRL").Format("pt") + " + " + money.MustParse("10", "USD").Format("pt"),
		"3", "01/10/2026", "52", "F-1, F-2, F-3", "https://pay.example/x", "Equipe Saldo", "-",
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("{{%d}} = %q, want %q", i+1, got[i], want[i])
		}
	}
	if !campaign.NeedsPaymentLink(vars) || campaign.NeedsPaymentLink(vars[:1]) {
		t.Error("NeedsPaymentLink")
	}
}

func TestSegmentCriteria(t *testing.T) {
	t.Parallel()
	s, err := campaign.NewSegment(uuid.New(), " Vencidas +30 ", campaign.Criteria{
		MinDaysOverdue: 31, MinOverdue: money.MustParse("100000", "COP"), Tags: []string{" VIP", "vip"},
		Buckets: []invoice.Bucket{invoice.Days31To60},
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Criteria()
	if s.Name() != "Vencidas +30" || c.Currency.Code() != "COP" || len(c.Tags) != 1 || c.Tags[0] != "vip" {
		t.Fatalf("normalized: %q %+v", s.Name(), c)
	}
	for name, bad := range map[string]campaign.Criteria{
		"negative days":   {MinDaysOverdue: -1},
		"other currency":  {Currency: money.MustCurrency("USD"), MinOverdue: money.MustParse("1", "COP")},
		"negative amount": {MinOverdue: money.MustParse("-1", "COP")},
		"unknown bucket":  {Buckets: []invoice.Bucket{"120+"}},
	} {
		if _, err := campaign.NewSegment(uuid.New(), "x", bad, now); !errors.Is(err, campaign.ErrInvalidSegment) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestTheSendersLateRecordKeepsAWebhooksFailure(t *testing.T) {
	t.Parallel()
	r := campaign.NewRecipient(uuid.New(), uuid.New(), uuid.New(), "k", "573001112233", "Ana", "", now, now)
	r.Claim(now)
	// A failed webhook for this send comes before the sender records its batch.
	r.Refused(conversation.Failure{Code: 131000}, true, now.Add(time.Hour), now)
	if r.Accepted("wamid.A", now) {
		t.Fatal("the record must not overwrite the failure and its retry")
	}
	if s := r.Snapshot(); s.Status != campaign.Pending || !s.NextAttemptAt.Equal(now.Add(time.Hour)) {
		t.Fatalf("%+v", s)
	}
}

func TestUnclaimDoesNotSpendARetry(t *testing.T) {
	t.Parallel()
	r := campaign.NewRecipient(uuid.New(), uuid.New(), uuid.New(), "k", "573001112233", "Ana", "", now, now)
	r.Claim(now)
	if !r.Unclaim(now) || r.Snapshot().Attempts != 0 || r.Snapshot().Status != campaign.Pending {
		t.Fatalf("a send never made is not an attempt: %+v", r.Snapshot())
	}
	r.Claim(now)
	if !r.Release(now) || r.Snapshot().Attempts != 1 {
		t.Fatalf("a send in doubt was an attempt: %+v", r.Snapshot())
	}
}
