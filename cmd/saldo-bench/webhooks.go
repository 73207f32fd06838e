package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/saldocrm/saldo/adapters/whatsapp"
	"github.com/saldocrm/saldo/adapters/whatsapp/sim"
)

const (
	benchAppSecret     = "bench-app-secret"
	benchPhoneNumberID = "106540352242922"
	benchMessages      = 20_000
)

// benchWebhooks pushes signed status webhooks at `saldo all` for
// o.webhookFor from o.webhookConns connections and reports how many were
// persisted per second, the latency, and how fast the worker applied them;
// then the same load against a gin handler that only checks the signature.
func benchWebhooks(ctx context.Context, o options) error {
	s, err := startServer(ctx, o, "saldo_bench_webhooks", "all",
		"WHATSAPP_TOKEN=bench", "WHATSAPP_PHONE_NUMBER_ID="+benchPhoneNumberID, "WHATSAPP_BUSINESS_ACCOUNT_ID=1",
		"WHATSAPP_APP_SECRET="+benchAppSecret, "WHATSAPP_API_BASE=http://127.0.0.1:1")
	if err != nil {
		return err
	}
	defer s.stop()
	if err := seedSentMessages(ctx, s.dbURL); err != nil {
		return fmt.Errorf("seed messages: %w", err)
	}

	res := pushStatuses(ctx, s.base+"/webhooks/whatsapp", o)
	if res.err != nil {
		return res.err
	}
	conn, err := pgx.Connect(ctx, s.dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var stored int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM webhook_events").Scan(&stored); err != nil {
		return err
	}
	fmt.Printf("status webhooks to saldo all (%d connections, %s): %d answered 200, %d persisted → %.0f events/s persisted; latency p50 %s, p99 %s\n",
		o.webhookConns, o.webhookFor, res.ok, stored, float64(stored)/res.elapsed.Seconds(), pct(res.latency, 50), pct(res.latency, 99))

	// The worker applies them meanwhile; wait for it to finish.
	drainStart := time.Now()
	var pending int
	for {
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM webhook_events WHERE processed_at IS NULL").Scan(&pending); err != nil {
			return err
		}
		if pending == 0 || time.Since(drainStart) > 5*time.Minute {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	var read int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM messages WHERE status = 'read'").Scan(&read); err != nil {
		return err
	}
	total := res.elapsed + time.Since(drainStart)
	fmt.Printf("worker applied all %d deliveries %s after the load ended (%.0f events/s end to end, %d left); %d of %d messages read\n",
		stored, time.Since(drainStart).Round(time.Millisecond), float64(stored)/total.Seconds(), pending, read, benchMessages)

	ceiling, err := signatureCeiling(ctx, o)
	if err != nil {
		return err
	}
	fmt.Printf("ceiling, a gin handler that only checks the signature: %.0f requests/s, p99 %s; Saldo persists at %.0f%% of it\n",
		float64(ceiling.ok)/ceiling.elapsed.Seconds(), pct(ceiling.latency, 99), 100*float64(stored)/res.elapsed.Seconds()/(float64(ceiling.ok)/ceiling.elapsed.Seconds()))
	return nil
}

// seedSentMessages stores benchMessages outbound messages in state "sent",
// the messages the status webhooks talk about.
func seedSentMessages(ctx context.Context, dbURL string) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `
		INSERT INTO conversations (id, number_id, wa_id, status, priority, created_at, updated_at, last_inbound_at)
		SELECT gen_random_uuid(), n.id, (573000000000 + g)::text, 'open', 'normal', now(), now(), now()
		FROM whatsapp_numbers n, generate_series(1, 1000) g`)
	if err != nil {
		return err
	}
	_, err = conn.Exec(ctx, `
		INSERT INTO messages (id, conversation_id, wamid, direction, type, content, status, sent_at, created_at, updated_at)
		SELECT gen_random_uuid(), c.id, 'wamid.bench.' || g, 'out', 'text', '{"text":"hola"}', 'sent', now(), now(), now()
		FROM generate_series(1, $1::int) g
		JOIN LATERAL (SELECT id FROM conversations ORDER BY id OFFSET (g % 1000) LIMIT 1) c ON true`, benchMessages)
	return err
}

type loadResult struct {
	ok      int64
	elapsed time.Duration
	latency []time.Duration
	err     error
}

// statusBody is a signed-ready status webhook for message i.
func statusBody(i int, status string) []byte {
	return []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":%q},"statuses":[{"id":"wamid.bench.%d","status":%q,"timestamp":"%d","recipient_id":"573000000001","pricing":{"billable":true,"pricing_model":"PMP","category":"utility"}}]}}]}]}`,
		benchPhoneNumberID, i, status, time.Now().Unix()))
}

// pushStatuses sends signed status webhooks to url from o.webhookConns
// connections for o.webhookFor.
func pushStatuses(ctx context.Context, url string, o options) loadResult {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: o.webhookConns}}
	var next atomic.Int64
	var ok atomic.Int64
	var mu sync.Mutex
	var latency []time.Duration
	var firstErr error
	deadline := time.Now().Add(o.webhookFor)
	start := time.Now()
	var wg sync.WaitGroup
	for range o.webhookConns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Now().Before(deadline) && ctx.Err() == nil {
				n := int(next.Add(1))
				status := "delivered"
				if (n/benchMessages)%2 == 1 {
					status = "read"
				}
				body := statusBody(1+n%benchMessages, status)
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
				req.Header.Set(sim.SignatureHeader, sim.Sign(body, benchAppSecret))
				req.Header.Set("Content-Type", "application/json")
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mine = append(mine, time.Since(t0))
				if resp.StatusCode == http.StatusOK {
					ok.Add(1)
				}
			}
			mu.Lock()
			latency = append(latency, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	slices.Sort(latency)
	return loadResult{ok: ok.Load(), elapsed: time.Since(start), latency: latency, err: firstErr}
}

// signatureCeiling serves the cheapest possible webhook endpoint, gin plus
// the signature check, and pushes the same load at it.
func signatureCeiling(ctx context.Context, o options) (loadResult, error) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.POST("/webhooks/whatsapp", func(c *gin.Context) {
		body, err := io.ReadAll(c.Request.Body)
		if err != nil || !whatsapp.VerifySignature(body, c.GetHeader(sim.SignatureHeader), benchAppSecret) {
			c.Status(http.StatusUnauthorized)
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
	})
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return loadResult{}, err
	}
	srv := &http.Server{Handler: r, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	defer srv.Close()
	res := pushStatuses(ctx, "http://"+l.Addr().String()+"/webhooks/whatsapp", o)
	return res, res.err
}
