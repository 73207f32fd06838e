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
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/saldocrm/saldo/adapters/whatsapp/sim"
)

// benchDunning loads 100,000 customers with 1,000,000 invoices (due dates
// over 15 months, a quarter paid, some disputed, promised, opted out or in
// a conversation with an agent), then times the reminder planner through
// `POST /api/v1/dunning/run` on `saldo serve`: the first run of the day
// (which adds the reminders) and a repeated run (the periodic one 15
// minutes later, which finds them planned). Target: under 5 s.
func benchDunning(ctx context.Context, o options) error {
	const customers, perCustomer = 100_000, 10
	var lc net.ListenConfig
	simL, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	simURL := "http://" + simL.Addr().String()
	s, err := startServer(ctx, o, "saldo_bench_dunning", "serve",
		"WHATSAPP_TOKEN=bench", "WHATSAPP_PHONE_NUMBER_ID="+benchPhoneNumberID, "WHATSAPP_BUSINESS_ACCOUNT_ID=102290129340398",
		"WHATSAPP_APP_SECRET="+benchAppSecret, "WHATSAPP_API_BASE="+simURL, "DUNNING_TEMPLATE=recordatorio_cobro:es")
	if err != nil {
		_ = simL.Close()
		return err
	}
	defer s.stop()
	wa, err := sim.New(sim.Config{
		GraphVersion: "v21.0", AccessToken: "bench", AppSecret: benchAppSecret, WebhookURL: s.base + "/webhooks/whatsapp",
		PhoneNumberID: benchPhoneNumberID, BusinessAccountID: "102290129340398", Log: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		return err
	}
	defer wa.Close()
	simSrv := &http.Server{Handler: wa.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = simSrv.Serve(simL) }()
	defer simSrv.Close()

	loaded := time.Now()
	if err := loadDunningLedger(ctx, s.dbURL, customers, perCustomer); err != nil {
		return fmt.Errorf("load: %w", err)
	}
	fmt.Printf("dunning: loaded %d customers, %d invoices in %s\n", customers, customers*perCustomer, time.Since(loaded).Round(time.Second))
	api := func(method, path string) (map[string]any, error) {
		req, err := http.NewRequestWithContext(ctx, method, s.base+path, bytes.NewReader(nil))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+s.apiKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 300 {
			return nil, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, data)
		}
		var out map[string]any
		_ = json.Unmarshal(data, &out)
		return out, nil
	}
	if _, err := api(http.MethodPost, "/api/v1/templates/sync"); err != nil {
		return err
	}
	if _, err := api(http.MethodGet, "/api/v1/dunning/policy"); err != nil {
		return err
	}
	for _, name := range []string{"first run of the day", "repeated run"} {
		start := time.Now()
		run, err := api(http.MethodPost, "/api/v1/dunning/run")
		if err != nil {
			return err
		}
		took := time.Since(start)
		fmt.Printf("dunning: %s: %s (target < 5 s); enqueued %v; %s\n", name, took.Round(time.Millisecond), run["enqueued"], countsLine(run["counts"]))
	}
	return nil
}

// countsLine writes a run's counts per step, "D+7 reached=… enqueued=…".
func countsLine(v any) string {
	counts, _ := v.(map[string]any)
	steps := make([]string, 0, len(counts))
	for step := range counts {
		steps = append(steps, step)
	}
	sort.Strings(steps)
	var b strings.Builder
	for _, step := range steps {
		c, _ := counts[step].(map[string]any)
		keys := make([]string, 0, len(c))
		for k := range c {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString(step)
		for _, k := range keys {
			fmt.Fprintf(&b, " %s=%v", k, c[k])
		}
		b.WriteString("; ")
	}
	return strings.TrimSuffix(b.String(), "; ")
}

// loadDunningLedger stores n customers with per invoices each, due from 400
// days ago to 60 days ahead: a quarter paid, a tenth partly paid, 1 % of
// invoices disputed, 2 % of customers opted out, 2 % with a pending promise
// and 5 % in a conversation an agent wrote in during the last hours.
func loadDunningLedger(ctx context.Context, dbURL string, n, per int) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		`INSERT INTO customers (id, external_id, name, email, phone, phone_key, tax_id, tags, language, metadata, whatsapp_opted_out, created_at, updated_at)
		 SELECT md5('c' || g)::uuid, 'DC' || g, 'Cliente ' || g, '', '+57300' || lpad(g::text, 7, '0'),
		        '57300' || lpad(g::text, 7, '0'), '', '[]', 'es', '{}', g % 50 = 0, now(), now()
		 FROM generate_series(1, $1::int) g`,
		`INSERT INTO invoices (id, external_id, customer_id, number, currency, issue_date, due_date, total, amount_paid, status, description, metadata, created_at, updated_at)
		 SELECT md5('i' || g)::uuid, 'DI' || g, md5('c' || (1 + g % $1::int))::uuid, 'FV-' || g, 'COP',
		        current_date - 430 + ((g::bigint * 7919) % 460)::int, current_date - 400 + ((g::bigint * 7919) % 460)::int, 100000 + (g % 5000) * 100,
		        CASE WHEN g % 4 = 0 THEN 100000 + (g % 5000) * 100 WHEN g % 10 = 3 THEN 50000 ELSE 0 END,
		        CASE WHEN g % 4 = 0 THEN 'paid' ELSE 'open' END, '', '{}', now(), now()
		 FROM generate_series(1, $1::int * $2::int) g`,
		`INSERT INTO invoice_disputes (invoice_id, reason, opened_at)
		 SELECT md5('i' || g)::uuid, 'bench', now() FROM generate_series(1, $1::int * $2::int) g WHERE g % 100 = 7`,
		`INSERT INTO promises_to_pay (id, customer_id, amount, currency, promised_date, status, created_at)
		 SELECT md5('p' || g)::uuid, md5('c' || g)::uuid, 100000, 'COP', current_date + 5, 'pending', now()
		 FROM generate_series(1, $1::int) g WHERE g % 50 = 1`,
		`INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at)
		 VALUES ('00000000-0000-7000-8000-0000000000a1', 'agent@bench.test', 'Agente', 'agent', 'x', now(), now())`,
		`INSERT INTO conversations (id, number_id, wa_id, customer_id, status, assignee_id, priority, created_at, updated_at, last_message_at)
		 SELECT md5('v' || g)::uuid, (SELECT id FROM whatsapp_numbers LIMIT 1), '57300' || lpad(g::text, 7, '0'), md5('c' || g)::uuid,
		        'open', '00000000-0000-7000-8000-0000000000a1', 'normal', now(), now(), now() - interval '2 hours'
		 FROM generate_series(1, $1::int) g WHERE g % 20 = 2`,
		`INSERT INTO messages (id, conversation_id, direction, type, content, status, author_id, created_at, updated_at)
		 SELECT md5('m' || g || k)::uuid, md5('v' || g)::uuid, CASE WHEN k = 1 THEN 'in' ELSE 'out' END, 'text', '{"text":"hola"}',
		        CASE WHEN k = 1 THEN 'received' ELSE 'sent' END,
		        CASE WHEN k = 1 THEN NULL ELSE '00000000-0000-7000-8000-0000000000a1'::uuid END,
		        now() - (k || ' hours')::interval, now()
		 FROM generate_series(1, $1::int) g, generate_series(1, 4) k WHERE g % 20 = 2`,
		`VACUUM ANALYZE`, // as autovacuum leaves a table at rest
	} {
		var args []any
		switch {
		case strings.Contains(q, "$2"):
			args = []any{n, per}
		case strings.Contains(q, "$1"):
			args = []any{n}
		}
		if _, err := conn.Exec(ctx, q, args...); err != nil {
			return fmt.Errorf("%.60s…: %w", strings.TrimSpace(q), err)
		}
	}
	return nil
}
