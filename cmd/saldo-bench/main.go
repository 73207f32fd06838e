// Command saldo-bench measures Saldo the way its users load it, against the
// real binary over real HTTP and a local PostgreSQL: ERP batch sync
// throughput (with a raw COPY of the same rows as the ceiling) and the
// latency of the customer summary. `make bench` runs it; the figures go to
// docs/benchmarks.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"time"
)

type options struct {
	saldo        string
	databaseURL  string
	redisURL     string
	customers    int
	invoices     int
	batch        int
	concurrency  int
	summaryCalls int
	only         string
	webhookFor   time.Duration
	webhookConns int
	campaignRate int
}

func main() {
	var o options
	flag.StringVar(&o.saldo, "saldo", ".bin/saldo", "the saldo binary to measure")
	flag.StringVar(&o.databaseURL, "database-url", os.Getenv("DATABASE_URL"), "PostgreSQL server; a database saldo_bench is (re)created on it")
	flag.StringVar(&o.redisURL, "redis-url", os.Getenv("REDIS_URL"), "Redis for the server under test")
	flag.IntVar(&o.customers, "customers", 10_000, "customers to sync")
	flag.IntVar(&o.invoices, "invoices", 100_000, "invoices to sync")
	flag.IntVar(&o.batch, "batch", 1_000, "items per batch request")
	flag.IntVar(&o.concurrency, "concurrency", 2, "batch requests in flight at once")
	flag.IntVar(&o.summaryCalls, "summary-calls", 2_000, "customer summary requests to time")
	flag.StringVar(&o.only, "only", "", "run only the named benchmarks (comma-separated: sync, console, webhooks, campaign, dunning)")
	flag.DurationVar(&o.webhookFor, "webhook-duration", 30*time.Second, "how long to push status webhooks")
	flag.IntVar(&o.webhookConns, "webhook-connections", 32, "concurrent webhook senders")
	flag.IntVar(&o.campaignRate, "campaign-rate", 1000, "the WhatsApp number's send limit for the campaign benchmark (messages per second)")
	flag.Parse()
	if o.databaseURL == "" {
		fmt.Fprintln(os.Stderr, "saldo-bench: DATABASE_URL is required (make bench sets it)")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	fmt.Printf("machine: %s, %d cores, %s, %s/%s\n", cpuModel(), runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "saldo-bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	want := func(name string) bool { return o.only == "" || strings.Contains(","+o.only+",", ","+name+",") }
	if want("sync") {
		if err := benchSync(ctx, o); err != nil {
			return fmt.Errorf("sync benchmark: %w", err)
		}
	}
	if want("console") {
		if err := benchConsole(ctx, o); err != nil {
			return fmt.Errorf("console benchmark: %w", err)
		}
	}
	if want("campaign") {
		if err := benchCampaign(ctx, o); err != nil {
			return fmt.Errorf("campaign benchmark: %w", err)
		}
	}
	if want("dunning") {
		if err := benchDunning(ctx, o); err != nil {
			return fmt.Errorf("dunning benchmark: %w", err)
		}
	}
	if want("webhooks") {
		if err := benchWebhooks(ctx, o); err != nil {
			return fmt.Errorf("webhook benchmark: %w", err)
		}
	}
	return nil
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
