package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// benchConsole loads 100,000 customers, 1,000,000 invoices and 200,000
// messages in 50,000 conversations, signs in as an agent and times the
// inbox page and the customer panel.
func benchConsole(ctx context.Context, o options) error {
	s, err := startServer(ctx, o, "saldo_bench_console", "serve",
		"WHATSAPP_TOKEN=bench", "WHATSAPP_PHONE_NUMBER_ID="+benchPhoneNumberID, "WHATSAPP_BUSINESS_ACCOUNT_ID=1",
		"WHATSAPP_APP_SECRET="+benchAppSecret, "WHATSAPP_API_BASE=http://127.0.0.1:1")
	if err != nil {
		return err
	}
	defer s.stop()
	start := time.Now()
	if err := loadConsoleData(ctx, s.dbURL); err != nil {
		return fmt.Errorf("load: %w", err)
	}
	fmt.Printf("console data: 100000 customers, 1000000 invoices, 50000 conversations, 200000 messages loaded in %s\n", time.Since(start).Round(time.Second))

	mk := exec.CommandContext(ctx, o.saldo, "user", "create", "--email", "bench@saldo.test", "--name", "Bench Agent", "--role", "manager", "--password", "bench-password-1") //nolint:gosec // the binary under test
	mk.Env = o.environ(s.dbURL)
	if out, err := mk.CombinedOutput(); err != nil {
		return fmt.Errorf("user create: %w: %s", err, out)
	}
	client, err := consoleSession(ctx, s.base, "bench@saldo.test", "bench-password-1")
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, s.dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT id::text FROM conversations ORDER BY random() LIMIT 500")
	if err != nil {
		return err
	}
	convs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(5, 6)) //nolint:gosec // sampling, not secrets
	for _, page := range []struct {
		name string
		path func() string
	}{
		{"inbox page (open view, 200 rows and the counts)", func() string { return "/inbox" }},
		{"inbox page with a conversation open (list, chat, panel)", func() string { return "/inbox?c=" + convs[r.IntN(len(convs))] }},
		{"customer panel (fragment)", func() string { return "/inbox/c/" + convs[r.IntN(len(convs))] + "/panel" }},
		{"inbox search by name", func() string { return "/inbox?view=all&q=Cliente+4242" }},
	} {
		lat, err := timeGets(ctx, client, s.base, page.path, 300)
		if err != nil {
			return fmt.Errorf("%s: %w", page.name, err)
		}
		fmt.Printf("%s: p50 %s, p95 %s, p99 %s (%d requests)\n", page.name, pct(lat, 50), pct(lat, 95), pct(lat, 99), len(lat))
	}
	return nil
}

func loadConsoleData(ctx context.Context, dbURL string) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		`INSERT INTO customers (id, external_id, name, email, phone, phone_key, tax_id, tags, language, metadata, created_at, updated_at)
		 SELECT md5('c' || g)::uuid, 'BC' || g, 'Cliente ' || g, 'c' || g || '@example.com', '+57300' || lpad(g::text, 7, '0'),
		        '57300' || lpad(g::text, 7, '0'), '900' || g, '[]', 'es', '{}', now(), now()
		 FROM generate_series(1, 100000) g`,
		`INSERT INTO invoices (id, external_id, customer_id, number, currency, issue_date, due_date, total, amount_paid, status, description, metadata, created_at, updated_at)
		 SELECT md5('i' || g)::uuid, 'BI' || g, md5('c' || (g % 100000 + 1))::uuid, 'FV-' || g, 'COP',
		        current_date - (g % 150) - 30, current_date - (g % 150) + 15, 100000 + (g % 5000) * 100,
		        CASE WHEN g % 7 = 0 THEN 50000 ELSE 0 END, CASE WHEN g % 5 = 0 THEN 'paid' ELSE 'open' END, '', '{}', now(), now()
		 FROM generate_series(1, 1000000) g`,
		`UPDATE invoices SET amount_paid = total WHERE status = 'paid'`,
		`INSERT INTO conversations (id, number_id, wa_id, contact_name, customer_id, status, priority, tags, unread, last_inbound_at, last_message_at, last_preview, created_at, updated_at)
		 SELECT md5('v' || g)::uuid, n.id, '57300' || lpad(g::text, 7, '0'), 'Contacto ' || g, md5('c' || g)::uuid,
		        CASE WHEN g % 3 = 0 THEN 'closed' ELSE 'open' END, 'normal', '[]', g % 4,
		        now() - (g % 2000) * interval '1 minute', now() - (g % 2000) * interval '1 minute', 'Hola, ¿cuánto debo?', now(), now()
		 FROM whatsapp_numbers n, generate_series(1, 50000) g`,
		`INSERT INTO messages (id, conversation_id, wamid, direction, type, content, status, created_at, updated_at, sent_at)
		 SELECT md5('m' || g)::uuid, md5('v' || (g % 50000 + 1))::uuid, 'wamid.console.' || g,
		        CASE WHEN g % 2 = 0 THEN 'in' ELSE 'out' END, 'text', ('{"text":"Mensaje de prueba número ' || g || '"}')::jsonb,
		        CASE WHEN g % 2 = 0 THEN 'received' ELSE 'read' END, now() - (g % 5000) * interval '1 minute', now(), now()
		 FROM generate_series(1, 200000) g`,
		`ANALYZE`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return fmt.Errorf("%.60s…: %w", strings.TrimSpace(q), err)
		}
	}
	return nil
}

var formToken = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// consoleSession signs in through the console's form and returns a client
// carrying the session cookie.
func consoleSession(ctx context.Context, base, email, password string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/login", nil)
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := formToken.FindSubmatch(body)
	if m == nil {
		return nil, fmt.Errorf("no sign-in form")
	}
	form := url.Values{"_csrf": {string(m[1])}, "email": {email}, "password": {password}}
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = c.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("sign in: %d", resp.StatusCode)
	}
	return c, nil
}

func timeGets(ctx context.Context, c *http.Client, base string, path func() string, n int) ([]time.Duration, error) {
	lat := make([]time.Duration, 0, n)
	for range n {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path(), nil)
		start := time.Now()
		resp, err := c.Do(req)
		if err != nil {
			return nil, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("GET %s: %d", req.URL.Path, resp.StatusCode)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	return lat, nil
}
