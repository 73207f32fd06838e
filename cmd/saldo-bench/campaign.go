package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"github.com/saldocrm/saldo/adapters/whatsapp/sim"
)

// benchCampaign sends one campaign to 100,000 customers more than 30 days
// overdue through `saldo all` and the WhatsApp simulator, with the number's
// limit at campaignRate messages a second, and reports how long the
// audience snapshot took, the send rate achieved as a share of the limit,
// and the Redis commands and PostgreSQL transactions per message.
func benchCampaign(ctx context.Context, o options) error {
	const recipients = 100_000
	rate := o.campaignRate
	var lc net.ListenConfig
	simL, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	simURL := "http://" + simL.Addr().String()
	s, err := startServer(ctx, o, "saldo_bench_campaign", "all",
		"WHATSAPP_TOKEN=bench", "WHATSAPP_PHONE_NUMBER_ID="+benchPhoneNumberID, "WHATSAPP_BUSINESS_ACCOUNT_ID=102290129340398",
		"WHATSAPP_APP_SECRET="+benchAppSecret, "WHATSAPP_API_BASE="+simURL, "WHATSAPP_SEND_RATE="+strconv.Itoa(rate),
		"CAMPAIGN_DISPATCHERS=4", "CAMPAIGN_SWEEP_INTERVAL=500ms")
	if err != nil {
		_ = simL.Close()
		return err
	}
	defer s.stop()
	wa, err := sim.New(sim.Config{
		GraphVersion: "v21.0", AccessToken: "bench", AppSecret: benchAppSecret, WebhookURL: s.base + "/webhooks/whatsapp",
		PhoneNumberID: benchPhoneNumberID, BusinessAccountID: "102290129340398", StatusDelay: 500 * time.Millisecond,
		ReadReceipts: true, Throughput: rate, StatusBatch: 200 * time.Millisecond, MaxChats: recipients + 1000,
		Log: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		return err
	}
	defer wa.Close()
	simSrv := &http.Server{Handler: wa.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = simSrv.Serve(simL) }()
	defer simSrv.Close()

	if err := loadCampaignAudience(ctx, s.dbURL, recipients); err != nil {
		return fmt.Errorf("load: %w", err)
	}
	api := func(method, path string, body any) (map[string]any, error) {
		var r io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			r = bytes.NewReader(b)
		}
		req, err := http.NewRequestWithContext(ctx, method, s.base+path, r)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+s.apiKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		var out map[string]any
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 300 {
			return nil, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, data)
		}
		_ = json.Unmarshal(data, &out)
		return out, nil
	}
	if _, err := api(http.MethodPost, "/api/v1/templates/sync", nil); err != nil {
		return err
	}
	seg, err := api(http.MethodPost, "/api/v1/segments", map[string]any{"name": "Vencidas +30", "criteria": map[string]any{"min_days_overdue": 31}})
	if err != nil {
		return err
	}

	conn, err := pgx.Connect(ctx, s.dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	ropt, err := redis.ParseURL(o.redisURL)
	if err != nil {
		return err
	}
	rc := redis.NewClient(ropt)
	defer rc.Close()
	xacts := func() (int64, error) {
		var n int64
		err := conn.QueryRow(ctx, `SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()`).Scan(&n)
		return n, err
	}
	if err := rc.ConfigResetStat(ctx).Err(); err != nil {
		return err
	}
	x0, err := xacts()
	if err != nil {
		return err
	}

	created := time.Now()
	c, err := api(http.MethodPost, "/api/v1/campaigns", map[string]any{
		"name": "Bench", "template": "recordatorio_pago", "language": "es", "segment_id": seg["id"],
		"variables": []map[string]any{{"source": "customer.first_name"}, {"source": "account.overdue_total"}, {"source": "account.oldest_due_date"}},
	})
	if err != nil {
		return err
	}
	id, _ := c["id"].(string)
	var snapshot time.Duration
	marks := map[int]time.Time{}
	var mu sync.Mutex
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if snapshot == 0 {
			var started *time.Time
			if err := conn.QueryRow(ctx, `SELECT started_at FROM campaigns WHERE id = $1`, id).Scan(&started); err != nil {
				return err
			}
			if started != nil {
				snapshot = started.Sub(created)
			}
		}
		n := wa.SentCount()
		mu.Lock()
		for _, m := range []int{recipients / 10, recipients * 9 / 10, recipients} {
			if _, ok := marks[m]; !ok && n >= m {
				marks[m] = time.Now()
			}
		}
		done := len(marks) == 3
		mu.Unlock()
		if done {
			break
		}
		if time.Since(created) > 10*time.Minute {
			return fmt.Errorf("campaign not sent after 10 minutes: %d of %d", n, recipients)
		}
		time.Sleep(20 * time.Millisecond)
	}
	total := marks[recipients].Sub(created)
	steady := float64(recipients*8/10) / marks[recipients*9/10].Sub(marks[recipients/10]).Seconds()
	x1, err := xacts()
	if err != nil {
		return err
	}
	info, err := rc.Info(ctx, "commandstats").Result()
	if err != nil {
		return err
	}
	fmt.Printf("campaign: %d recipients, limit %d/s: audience snapshot %s; all sent %s after creation\n",
		recipients, rate, snapshot.Round(time.Millisecond), total.Round(time.Millisecond))
	fmt.Printf("campaign: send rate %.0f/s between 10%% and 90%% sent = %.3f of the limit (target ≥ 0.9); simulator refusals over the limit: %d\n",
		steady, steady/float64(rate), wa.Throttled())
	fmt.Printf("campaign: per message sent (dispatch, status webhooks and their processing included): %.2f Redis commands, %.3f PostgreSQL transactions\n",
		float64(redisCalls(info))/recipients, float64(x1-x0)/recipients)
	return nil
}

// redisCalls sums the calls of INFO commandstats.
func redisCalls(info string) int64 {
	var total int64
	for _, line := range strings.Split(info, "\n") {
		_, rest, ok := strings.Cut(line, "calls=")
		if !ok {
			continue
		}
		n, _, _ := strings.Cut(rest, ",")
		v, err := strconv.ParseInt(strings.TrimSpace(n), 10, 64)
		if err == nil {
			total += v
		}
	}
	return total
}

// loadCampaignAudience stores n customers with WhatsApp numbers, each with
// an invoice 35 to 124 days overdue (31 and more in any time zone of the Americas).
func loadCampaignAudience(ctx context.Context, dbURL string, n int) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		`INSERT INTO customers (id, external_id, name, email, phone, phone_key, tax_id, tags, language, metadata, created_at, updated_at)
		 SELECT md5('c' || g)::uuid, 'BC' || g, 'Cliente ' || g, '', '+57300' || lpad(g::text, 7, '0'),
		        '57300' || lpad(g::text, 7, '0'), '', '[]', 'es', '{}', now(), now()
		 FROM generate_series(1, $1::int) g`,
		`INSERT INTO invoices (id, external_id, customer_id, number, currency, issue_date, due_date, total, amount_paid, status, description, metadata, created_at, updated_at)
		 SELECT md5('i' || g)::uuid, 'BI' || g, md5('c' || g)::uuid, 'FV-' || g, 'COP',
		        current_date - 150, current_date - 35 - (g % 90), 100000 + (g % 5000) * 100, 0, 'open', '', '{}', now(), now()
		 FROM generate_series(1, $1::int) g`,
		`ANALYZE`,
	} {
		args := []any{n}
		if q == "ANALYZE" {
			args = nil
		}
		if _, err := conn.Exec(ctx, q, args...); err != nil {
			return fmt.Errorf("%.60s…: %w", strings.TrimSpace(q), err)
		}
	}
	return nil
}
