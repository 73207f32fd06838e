package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/sync/errgroup"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/adapters/clock"
	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/queue"
	"github.com/saldocrm/saldo/api"
	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/ports"
)

// app is Saldo wired together: the adapters plugged into the use cases.
type app struct {
	cfg   config
	log   *slog.Logger
	db    *gorm.DB
	clock ports.Clock

	customers *postgres.CustomerRepository
	invoices  *postgres.InvoiceRepository
	payments  *postgres.PaymentRepository
	apiKeys   *postgres.APIKeyRepository
	uow       *postgres.UnitOfWork

	syncCustomers *application.SyncCustomers
	syncInvoices  *application.SyncInvoices
	recordPayment *application.RecordPayment
}

func newApp(ctx context.Context, cfg config, clk ports.Clock) (*app, error) {
	log := cfg.logger()
	db, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("connect to the database: %w", err)
	}
	a := &app{cfg: cfg, log: log, db: db, clock: clk}
	a.customers = postgres.NewCustomerRepository(db)
	a.invoices = postgres.NewInvoiceRepository(db)
	a.payments = postgres.NewPaymentRepository(db)
	a.apiKeys = postgres.NewAPIKeyRepository(db)
	a.uow = postgres.NewUnitOfWork(db)
	a.syncCustomers = application.NewSyncCustomers(a.uow, a.clock)
	a.syncInvoices = application.NewSyncInvoices(a.uow, a.clock)
	a.recordPayment = application.NewRecordPayment(a.uow, a.customers, a.clock)
	return a, nil
}

func (a *app) close() {
	if sqlDB, err := a.db.DB(); err == nil {
		_ = sqlDB.Close()
	}
}

func (a *app) router(redis ports.Pinger) http.Handler {
	org := a.cfg.Org
	return api.NewRouter(api.Deps{
		Log: a.log, Clock: a.clock, Org: org,
		SyncCustomers: a.syncCustomers,
		SyncInvoices:  a.syncInvoices,
		RecordPayment: a.recordPayment,
		ListCustomers: application.NewListCustomers(a.customers),
		ListInvoices:  application.NewListInvoices(a.invoices, a.clock, org),
		ListPayments:  application.NewListPayments(a.payments),
		Lookups:       application.NewLookups(a.customers, a.invoices, a.payments),
		Summary:       application.NewCustomerSummary(a.customers, a.invoices, a.payments, a.clock, org),
		Aging:         application.NewAgingReport(postgres.NewReportQueries(a.db), a.clock, org),
		Authenticate:  application.NewAuthenticateAPIKey(a.apiKeys, a.clock),
		ReadinessProbe: map[string]ports.Pinger{
			"database": postgres.NewPinger(a.db),
			"redis":    redis,
		},
	})
}

// serve runs the HTTP server, the worker, or both, until ctx ends; then it
// drains in-flight requests and tasks.
func serve(ctx context.Context, cfg config, web, worker bool) error {
	a, err := newApp(ctx, cfg, clock.System{})
	if err != nil {
		return err
	}
	defer a.close()
	redisOpt, err := queue.Connection(cfg.RedisURL)
	if err != nil {
		return err
	}
	redis := queue.NewPinger(redisOpt)
	defer func() { _ = redis.Close() }()

	g, ctx := errgroup.WithContext(ctx)
	if web {
		srv := &http.Server{
			Addr: cfg.HTTPAddr, Handler: a.router(redis), //nolint:contextcheck // handlers use each request's context
			ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute,
		}
		g.Go(func() error {
			a.log.InfoContext(ctx, "http server listening", slog.String("addr", cfg.HTTPAddr), slog.String("base_url", cfg.BaseURL))
			if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		})
		g.Go(func() error {
			<-ctx.Done()
			shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			return srv.Shutdown(shutdown) //nolint:contextcheck // the request context is already done
		})
	}
	if worker {
		srv := queue.NewServer(redisOpt, cfg.Concurrency, a.log)
		mux := queue.NewMux()
		g.Go(func() error {
			a.log.InfoContext(ctx, "worker started", slog.Int("concurrency", cfg.Concurrency))
			if err := srv.Start(mux); err != nil {
				return fmt.Errorf("start worker: %w", err)
			}
			<-ctx.Done()
			srv.Shutdown()
			return nil
		})
	}
	return g.Wait()
}
