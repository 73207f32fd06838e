package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
)

type batchResponse struct {
	Results []struct {
		ID     string `json:"id"`
		Result string `json:"result"`
		Error  *struct {
			Message string `json:"message"`
		} `json:"error"`
	} `json:"results"`
}

// benchSync syncs customers and invoices through the API in batches, times
// a raw COPY of the same invoice rows, and times the customer summary.
func benchSync(ctx context.Context, o options) error {
	s, err := startServer(ctx, o, "saldo_bench", "serve")
	if err != nil {
		return err
	}
	defer s.stop()
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: o.concurrency + 1}}

	r := rand.New(rand.NewPCG(1, 2)) //nolint:gosec // reproducible test data, not secrets
	currencies := []string{"COP", "MXN", "BRL", "USD"}
	customers := make([]map[string]any, o.customers)
	for i := range customers {
		customers[i] = map[string]any{
			"external_id": fmt.Sprintf("C%06d", i), "name": fmt.Sprintf("Cliente %d S.A.S.", i),
			"email": fmt.Sprintf("c%d@example.com", i), "phone": fmt.Sprintf("+57300%07d", i),
			"tax_id": fmt.Sprintf("900%06d", i), "language": "es", "tags": []string{"bench"},
		}
	}
	today := time.Now().UTC()
	invoices := make([]map[string]any, o.invoices)
	for i := range invoices {
		c := i % o.customers
		due := today.AddDate(0, 0, 30-r.IntN(150))
		invoices[i] = map[string]any{
			"external_id": fmt.Sprintf("I%07d", i), "customer_external_id": fmt.Sprintf("C%06d", c),
			"number": fmt.Sprintf("FV-%07d", i), "currency": currencies[c%len(currencies)],
			"issue_date": due.AddDate(0, 0, -30).Format("2006-01-02"), "due_date": due.Format("2006-01-02"),
			"total": decimal.New(int64(10_000+r.IntN(5_000_000)), -2).StringFixed(2), "description": "bench",
		}
	}

	start := time.Now()
	ids, err := sendBatches(ctx, client, s, "/api/v1/customers/batch", customers, o, "created")
	if err != nil {
		return err
	}
	fmt.Printf("customers: %d synced in %s (%.0f/s)\n", len(customers), time.Since(start).Round(time.Millisecond), float64(len(customers))/time.Since(start).Seconds())

	start = time.Now()
	if _, err := sendBatches(ctx, client, s, "/api/v1/invoices/batch", invoices, o, "created"); err != nil {
		return err
	}
	apiElapsed := time.Since(start)
	apiRate := float64(len(invoices)) / apiElapsed.Seconds()
	fmt.Printf("invoices via API: %d in batches of %d, %d in flight: %s → %.0f invoices/s\n", len(invoices), o.batch, o.concurrency, apiElapsed.Round(time.Millisecond), apiRate)

	start = time.Now()
	if _, err := sendBatches(ctx, client, s, "/api/v1/invoices/batch", invoices, o, "unchanged"); err != nil {
		return err
	}
	fmt.Printf("invoices via API, same batches again (all unchanged): %s → %.0f invoices/s\n", time.Since(start).Round(time.Millisecond), float64(len(invoices))/time.Since(start).Seconds())

	copyElapsed, err := copyInvoices(ctx, s.dbURL)
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	copyRate := float64(len(invoices)) / copyElapsed.Seconds()
	fmt.Printf("invoices via raw COPY of the same rows: %s → %.0f invoices/s\n", copyElapsed.Round(time.Millisecond), copyRate)
	fmt.Printf("API / COPY ratio: %.2f\n", apiRate/copyRate)

	lat, err := timeSummaries(ctx, client, s, ids, o.summaryCalls)
	if err != nil {
		return err
	}
	fmt.Printf("customer summary (%d customers, %d invoices, %d sequential calls): p50 %s, p95 %s, p99 %s\n",
		len(customers), len(invoices), len(lat), pct(lat, 50), pct(lat, 95), pct(lat, 99))
	return nil
}

// sendBatches posts items in batches, o.concurrency at a time, and checks
// that every item got the expected result. It returns the ids answered.
func sendBatches(ctx context.Context, client *http.Client, s *server, path string, items []map[string]any, o options, want string) ([]string, error) {
	type job struct{ from, to int }
	jobs := make(chan job)
	ids := make([]string, len(items))
	var mu sync.Mutex
	var firstErr error
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
		}
	}
	var wg sync.WaitGroup
	for range o.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				body, _ := json.Marshal(map[string]any{"items": items[j.from:j.to]})
				var out batchResponse
				if err := call(ctx, client, s, http.MethodPost, path, body, &out); err != nil {
					fail(err)
					continue
				}
				for k, res := range out.Results {
					if res.Result != want {
						msg := ""
						if res.Error != nil {
							msg = res.Error.Message
						}
						fail(fmt.Errorf("%s item %d: %s, want %s %s", path, j.from+k, res.Result, want, msg))
						break
					}
					ids[j.from+k] = res.ID
				}
			}
		}()
	}
	for from := 0; from < len(items); from += o.batch {
		jobs <- job{from, min(from+o.batch, len(items))}
	}
	close(jobs)
	wg.Wait()
	return ids, firstErr
}

func call(ctx context.Context, client *http.Client, s *server, method, path string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+s.apiKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// copyInvoices reads back the invoice rows, empties the table and COPYs the
// same rows in: the ceiling for loading invoices into PostgreSQL.
func copyInvoices(ctx context.Context, dbURL string) (time.Duration, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	cols := []string{
		"id", "external_id", "customer_id", "number", "currency", "issue_date", "due_date", "total",
		"amount_paid", "status", "description", "metadata", "created_at", "updated_at",
	}
	rows, err := conn.Query(ctx, "SELECT id, external_id, customer_id, number, currency, issue_date, due_date, total::text, amount_paid::text, status, description, metadata::text, created_at, updated_at FROM invoices")
	if err != nil {
		return 0, err
	}
	data, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) ([]any, error) { return row.Values() })
	if err != nil {
		return 0, err
	}
	if _, err := conn.Exec(ctx, "TRUNCATE invoices CASCADE"); err != nil {
		return 0, err
	}
	start := time.Now()
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"invoices"}, cols, pgx.CopyFromRows(data))
	elapsed := time.Since(start)
	if err != nil {
		return 0, err
	}
	if int(n) != len(data) {
		return 0, fmt.Errorf("copied %d of %d rows", n, len(data))
	}
	_, err = conn.Exec(ctx, "ANALYZE invoices")
	return elapsed, err
}

func timeSummaries(ctx context.Context, client *http.Client, s *server, ids []string, n int) ([]time.Duration, error) {
	r := rand.New(rand.NewPCG(3, 4)) //nolint:gosec // reproducible sampling, not secrets
	lat := make([]time.Duration, 0, n)
	for range n {
		id := ids[r.IntN(len(ids))]
		if _, err := uuid.Parse(id); err != nil {
			return nil, fmt.Errorf("bad customer id %q", id)
		}
		start := time.Now()
		if err := call(ctx, client, s, http.MethodGet, "/api/v1/customers/"+id+"/summary", nil, nil); err != nil {
			return nil, err
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	return lat, nil
}

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p+99)/100 - 1
	return sorted[max(i, 0)].Round(10 * time.Microsecond)
}
