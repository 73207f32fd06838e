package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/clock"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/adapters/whatsapp/sim"
	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
)

// campaignRig is Saldo's web side, in this process, taking the webhooks of a
// simulator that enforces a throughput limit, with n customers owing money;
// workers run in this process or as real processes.
type campaignRig struct {
	app    *app
	sim    *sim.Simulator
	simURL string
	webURL string
	cfg    config
	phones []string // wa_ids of the customers
}

func newCampaignRig(t *testing.T, limit, n int) *campaignRig {
	t.Helper()
	dbURL := pgtest.URL(t)
	web := &swap{h: http.NotFoundHandler()}
	webSrv := httptest.NewServer(web)
	t.Cleanup(webSrv.Close)
	s, err := sim.New(sim.Config{
		Addr: "127.0.0.1:0", GraphVersion: "v21.0", AccessToken: testToken, AppSecret: testAppSecret,
		WebhookURL: webSrv.URL + "/webhooks/whatsapp", PhoneNumberID: testPhoneNumberID, DisplayPhone: "15550783881",
		BusinessAccountID: testWABA, StatusDelay: 20 * time.Millisecond, ReadReceipts: true, Throughput: limit,
		StatusBatch: 50 * time.Millisecond, MaxChats: n + 10, WebhookBackoff: 50 * time.Millisecond, WebhookAttempts: 20,
	})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	simSrv := httptest.NewServer(s.Handler())
	t.Cleanup(simSrv.Close)
	bogota, err := time.LoadLocation("America/Bogota")
	require.NoError(t, err)
	cfg := config{
		DatabaseURL: dbURL, RedisURL: redisURL(t), LogLevel: 8, Concurrency: 8, BaseURL: webSrv.URL,
		Org: application.Org{Location: bogota, Currency: money.MustCurrency("COP"), Language: "es"},
		WhatsApp: whatsAppConfig{
			APIBase: simSrv.URL, APIVersion: "v21.0", Token: testToken, PhoneNumberID: testPhoneNumberID,
			BusinessAccountID: testWABA, AppSecret: testAppSecret, DisplayName: "Cobranzas",
		},
		Campaigns: campaignsConfig{SendRate: limit, Dispatchers: 2, InDoubtGrace: 3 * time.Second, SweepEvery: 200 * time.Millisecond},
	}
	a, err := newApp(t.Context(), cfg, clock.System{})
	require.NoError(t, err)
	t.Cleanup(a.close)
	a.sweepEvery, a.sweepGrace = 200*time.Millisecond, 500*time.Millisecond
	require.NoError(t, a.registerNumber(t.Context()))
	web.set(a.router())
	_, err = a.syncTemplates.Handle(t.Context()) // the simulator's approved templates
	require.NoError(t, err)

	r := &campaignRig{app: a, sim: s, simURL: simSrv.URL, webURL: webSrv.URL, cfg: cfg}
	now := time.Now()
	today := cfg.Org.Today(now)
	for start := 0; start < n; start += 1000 {
		var cs []*customer.Customer
		var invs []*invoice.Invoice
		for i := start; i < min(n, start+1000); i++ {
			waID := fmt.Sprintf("57310%07d", i)
			c, err := customer.New(customer.Details{ExternalID: "K-" + strconv.Itoa(i), Name: fmt.Sprintf("Cliente %05d", i), Phone: "+" + waID}, now)
			require.NoError(t, err)
			inv, err := invoice.New(invoice.Details{
				ExternalID: "KI-" + strconv.Itoa(i), CustomerID: c.ID(), Number: "F-" + strconv.Itoa(i), Currency: "COP",
				IssueDate: today.AddDays(-70).String(), DueDate: today.AddDays(-40).String(), Total: "250000",
			}, now)
			require.NoError(t, err)
			cs, invs = append(cs, c), append(invs, inv)
			r.phones = append(r.phones, waID)
		}
		require.NoError(t, a.customers.Save(t.Context(), cs...))
		require.NoError(t, a.invoices.Save(t.Context(), invs...))
	}
	return r
}

// campaign creates a campaign to everyone more than 30 days overdue, to send now.
func (r *campaignRig) campaign(t *testing.T) uuid.UUID {
	t.Helper()
	seg, err := r.app.campaigns.segs.Save(t.Context(), uuid.Nil, "Vencidas +30", campaign.Criteria{MinDaysOverdue: 31})
	require.NoError(t, err)
	c, err := r.app.campaigns.create.Handle(t.Context(), application.CreateCampaignCommand{
		Name: "Cobro noviembre", Template: "recordatorio_pago", Language: "es", SegmentID: seg.ID(),
		Variables: []campaign.Variable{{Source: campaign.FirstName}, {Source: campaign.OverdueTotal}, {Source: campaign.OldestDueDate}},
	})
	require.NoError(t, err)
	return c.ID()
}

func (r *campaignRig) counters(t *testing.T, id uuid.UUID) campaign.Counters {
	t.Helper()
	counts, err := r.app.campaigns.repo.Counters(context.WithoutCancel(t.Context()), id)
	require.NoError(t, err)
	return counts[id]
}

// within polls fn until it holds or d passes.
func within(t *testing.T, d time.Duration, what string, fn func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if fn() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out after %s waiting until %s", d, what)
}

// startWorkerProcess runs `saldo worker` as a real process.
func (r *campaignRig) startWorkerProcess(t *testing.T, bin string, stderr *lockedBuffer) *exec.Cmd {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, "worker")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+r.cfg.DatabaseURL, "REDIS_URL="+r.cfg.RedisURL, "LOG_LEVEL=error",
		"WHATSAPP_TOKEN="+testToken, "WHATSAPP_PHONE_NUMBER_ID="+testPhoneNumberID, "WHATSAPP_BUSINESS_ACCOUNT_ID="+testWABA,
		"WHATSAPP_APP_SECRET="+testAppSecret, "WHATSAPP_API_BASE="+r.simURL, "SALDO_BASE_URL="+r.webURL,
		"WHATSAPP_SEND_RATE="+strconv.Itoa(r.cfg.Campaigns.SendRate), "CAMPAIGN_SWEEP_INTERVAL=200ms",
		"CAMPAIGN_INDOUBT_GRACE=3s", "CAMPAIGN_DISPATCHERS=2", "SALDO_TIMEZONE=America/Bogota", "WEBHOOK_RETRY_AFTER=2s")
	cmd.Stderr = stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd
}

// TestAWorkerKilledMidCampaignSendsEveryoneExactlyOnce kills a real
// `saldo worker` with SIGKILL halfway through a 5,000-recipient campaign,
// starts another, and checks at the simulator that every recipient got
// exactly one message: no duplicate, no gap.
func TestAWorkerKilledMidCampaignSendsEveryoneExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the saldo binary")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "saldo")
	out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)

	const n = 5000
	r := newCampaignRig(t, 1000, n)
	id := r.campaign(t)
	stderr := &lockedBuffer{}
	first := r.startWorkerProcess(t, bin, stderr)
	within(t, 60*time.Second, "half the campaign is sent", func() bool { return r.sim.SentCount() >= n/2 })
	require.NoError(t, first.Process.Kill()) // SIGKILL: sends in flight, claims not recorded
	_ = first.Wait()
	killedAt := r.sim.SentCount()
	t.Logf("killed the worker after %d sends; %+v", killedAt, r.counters(t, id))
	require.Less(t, killedAt, n, "the worker was killed before it finished")

	restarted := time.Now()
	r.startWorkerProcess(t, bin, stderr)
	within(t, 90*time.Second, "every recipient is sent", func() bool { return r.sim.SentCount() >= n })
	t.Logf("all sent %s after the restart", time.Since(restarted).Round(time.Millisecond))
	within(t, 90*time.Second, "the campaign finishes", func() bool {
		c, err := r.app.campaigns.repo.Get(context.WithoutCancel(t.Context()), id)
		return err == nil && c.Status() == campaign.Finished
	})
	t.Logf("finished %s after the restart", time.Since(restarted).Round(time.Millisecond))
	var missing, doubled []string
	for _, waID := range r.phones {
		switch got := r.sim.SendsTo(waID); {
		case got == 0:
			missing = append(missing, waID)
		case got > 1:
			doubled = append(doubled, waID)
		}
	}
	assert.Empty(t, missing, "recipients never sent")
	assert.Empty(t, doubled, "recipients sent twice")
	assert.Equal(t, n, r.sim.SentCount())
	counts := r.counters(t, id)
	assert.Equal(t, n, counts.Sent, "every recipient recorded as sent: %+v", counts)
	assert.Zero(t, counts.Failed+counts.Pending+counts.Skipped, "%+v", counts)
	if t.Failed() {
		t.Logf("worker output: %s", stderr.String())
	}
}

// TestTwoWorkersShareTheNumbersRateLimit runs two workers against one
// number limited to 150 messages a second and measures the rate at which
// the simulator accepted the campaign's sends.
func TestTwoWorkersShareTheNumbersRateLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("sends for several seconds")
	}
	t.Parallel()
	const limit, n = 150, 900
	r := newCampaignRig(t, limit, n)
	second, err := newApp(t.Context(), r.cfg, clock.System{}) // another worker process, sharing Redis and PostgreSQL
	require.NoError(t, err)
	t.Cleanup(second.close)
	id := r.campaign(t)
	for _, a := range []*app{r.app, second} {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.worker(ctx) }()
		t.Cleanup(func() { cancel(); assert.NoError(t, <-done) })
	}
	within(t, 60*time.Second, "every recipient is sent", func() bool {
		if time.Now().Second()%5 == 0 && time.Now().Nanosecond() < 60e6 {
			var rows []struct {
				Status   string
				N        int
				Next     *time.Time
				Attempts int
				Err      string
			}
			r.app.db.Raw(`SELECT status, count(*) AS n, min(next_attempt_at) AS next, max(attempts) AS attempts, max(error_title) AS err FROM campaign_recipients GROUP BY status`).Scan(&rows)
			t.Logf("sent %d, throttled %d, %+v now %s", r.sim.SentCount(), r.sim.Throttled(), rows, time.Now().UTC())
		}
		return r.sim.SentCount() == n
	})

	var at []time.Time
	for _, waID := range r.phones {
		for _, m := range r.sim.Sent(waID) {
			at = append(at, m.SentAt)
		}
	}
	slices.SortFunc(at, func(a, b time.Time) int { return a.Compare(b) })
	// The steady rate: the first 10 % are the limiter's burst and start-up.
	from := at[n/10]
	rate := float64(n-1-n/10) / at[n-1].Sub(from).Seconds()
	t.Logf("%d sends at %.1f/s (limit %d/s); simulator refusals over the limit: %d", n, rate, limit, r.sim.Throttled())
	assert.InDelta(t, limit, rate, 0.1*limit, "measured send rate within 10 %% of the limit")
	assert.Zero(t, r.sim.Throttled(), "no send went over the number's limit at the simulator")
	within(t, 30*time.Second, "the campaign finishes", func() bool {
		c, err := r.app.campaigns.repo.Get(context.WithoutCancel(t.Context()), id)
		return err == nil && c.Status() == campaign.Finished
	})
}
