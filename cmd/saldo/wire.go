package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/errgroup"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/adapters/clock"
	"github.com/saldocrm/saldo/adapters/offline"
	"github.com/saldocrm/saldo/adapters/openai"
	"github.com/saldocrm/saldo/adapters/password"
	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/queue"
	"github.com/saldocrm/saldo/adapters/sandbox"
	"github.com/saldocrm/saldo/adapters/secretbox"
	"github.com/saldocrm/saldo/adapters/stripe"
	"github.com/saldocrm/saldo/adapters/whatsapp"
	"github.com/saldocrm/saldo/api"
	"github.com/saldocrm/saldo/api/console"
	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/ports"
)

// whatsAppGateway is the Cloud API: messages and templates.
type whatsAppGateway interface {
	ports.MessagingGateway
	ports.TemplateCatalog
}

// app is Saldo wired together: the adapters plugged into the use cases.
type app struct {
	cfg    config
	log    *slog.Logger
	db     *gorm.DB
	clock  ports.Clock
	redis  *queue.Pinger
	queue  *queue.Queue
	events *queue.Events
	hub    *console.Hub

	customers     *postgres.CustomerRepository
	invoices      *postgres.InvoiceRepository
	payments      *postgres.PaymentRepository
	apiKeys       *postgres.APIKeyRepository
	numbers       *postgres.NumberRepository
	conversations *postgres.ConversationRepository
	messages      *postgres.MessageRepository
	templates     *postgres.TemplateRepository
	inbox         *postgres.WebhookInbox
	users         *postgres.UserRepository
	sessions      *postgres.SessionRepository
	hasher        password.Bcrypt
	uow           *postgres.UnitOfWork
	gateway       whatsAppGateway
	decoder       whatsapp.Decoder

	syncCustomers *application.SyncCustomers
	syncInvoices  *application.SyncInvoices
	recordPayment *application.RecordPayment
	sendMessage   *application.SendMessage
	deliver       *application.DeliverMessage
	processHook   *application.ProcessWhatsAppWebhook
	syncTemplates *application.SyncTemplates
	links         *postgres.PaymentLinkRepository
	insights      *postgres.InsightRepository
	aiSettings    *application.AISettings
	analyze       *application.AnalyzeConversation
	provider      ports.PaymentLinkProvider
	reconcile     *application.ReconcilePayment
	imports       *application.ImportCustomers

	campaigns *campaignParts
	dunning   *dunningParts

	sweepEvery time.Duration // how often stored but unprocessed webhooks are looked for
	sweepGrace time.Duration // how old they must be to be handed over again
}

func newApp(ctx context.Context, cfg config, clk ports.Clock) (*app, error) {
	log := cfg.logger()
	redisOpt, err := queue.Connection(cfg.RedisURL)
	if err != nil {
		return nil, err
	}
	var gateway whatsAppGateway = whatsapp.Unconfigured{}
	if cfg.WhatsApp.Token != "" {
		client, err := whatsapp.NewClient(whatsapp.Config{BaseURL: cfg.WhatsApp.APIBase, Version: cfg.WhatsApp.APIVersion, Token: cfg.WhatsApp.Token})
		if err != nil {
			return nil, fmt.Errorf("whatsapp client: %w", err)
		}
		gateway = client
	}
	db, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("connect to the database: %w", err)
	}
	a := &app{
		cfg: cfg, log: log, db: db, clock: clk, redis: queue.NewPinger(redisOpt), queue: queue.NewQueue(redisOpt), gateway: gateway,
		events:     queue.NewEvents(redisOpt, log),
		sweepEvery: 30 * time.Second, sweepGrace: time.Minute,
	}
	a.customers = postgres.NewCustomerRepository(db)
	a.invoices = postgres.NewInvoiceRepository(db)
	a.payments = postgres.NewPaymentRepository(db)
	a.apiKeys = postgres.NewAPIKeyRepository(db)
	a.numbers = postgres.NewNumberRepository(db)
	a.conversations = postgres.NewConversationRepository(db)
	a.messages = postgres.NewMessageRepository(db)
	a.templates = postgres.NewTemplateRepository(db)
	a.inbox = postgres.NewWebhookInbox(db)
	a.users = postgres.NewUserRepository(db)
	a.sessions = postgres.NewSessionRepository(db)
	a.hasher = password.Bcrypt{} // bcrypt.DefaultCost
	a.uow = postgres.NewUnitOfWork(db)

	a.syncCustomers = application.NewSyncCustomers(a.uow, clk)
	a.syncInvoices = application.NewSyncInvoices(a.uow, clk)
	a.recordPayment = application.NewRecordPayment(a.uow, a.customers, clk)
	a.sendMessage = application.NewSendMessage(a.uow, a.queue, clk, log)
	a.deliver = application.NewDeliverMessage(a.messages, a.conversations, a.numbers, a.gateway, a.uow, clk)
	a.processHook = application.NewProcessWhatsAppWebhook(a.decoder, a.inbox, a.numbers, postgres.NewCustomerFinder(db), a.uow, clk, log)
	a.processHook.SetOptOutKeywords(cfg.WhatsApp.OptOut)
	a.imports = application.NewImportCustomers(a.uow, postgres.NewImportRepository(db), a.queue, clk, log)
	a.syncTemplates = application.NewSyncTemplates(a.gateway, a.numbers, a.uow, clk)
	// Changes the worker applies reach every web process's live streams.
	publish := func(ctx context.Context, c application.Change) {
		if err := a.events.Publish(ctx, ports.Event{Kind: c.Kind, ConversationID: c.ConversationID}); err != nil {
			log.WarnContext(ctx, "publish event", slog.Any("error", err))
		}
	}
	a.links = postgres.NewPaymentLinkRepository(db)
	a.provider = sandbox.New(cfg.BaseURL)
	if p := cfg.Payments; p.StripeSecretKey != "" {
		provider, err := stripe.New(stripe.Config{
			SecretKey: p.StripeSecretKey, WebhookSecret: p.StripeWebhookSecret, APIBase: p.StripeAPIBase,
			SuccessURL: cfg.BaseURL + "/paid", CancelURL: cfg.BaseURL + "/paid?cancelled=1",
		})
		if err != nil {
			return nil, fmt.Errorf("stripe: %w", err)
		}
		a.provider = provider
	}
	a.reconcile = application.NewReconcilePayment(a.links, a.recordPayment, a.conversations, a.customers, a.sendMessage, a.uow, clk,
		cfg.Payments.ReceiptTemplate, log)
	if err := a.wireAI(cfg, clk); err != nil {
		return nil, err
	}
	if err := a.wireCampaigns(); err != nil {
		return nil, err
	}
	a.wireDunning()
	a.processHook.OnChange(func(ctx context.Context, c application.Change) {
		publish(ctx, c)
		if c.Kind == "message" { // a few minutes after the customer's last burst of messages
			if err := a.analyze.Schedule(ctx, c.ConversationID, application.AnalysisDelay); err != nil {
				log.WarnContext(ctx, "schedule analysis", slog.Any("error", err))
			}
		}
	})
	a.deliver.OnChange(publish)
	a.reconcile.OnChange(publish)
	a.analyze.OnChange(publish)
	a.hub = console.NewHub(func(ctx context.Context, id uuid.UUID) (uuid.UUID, error) {
		conv, err := a.conversations.Get(ctx, id)
		if err != nil {
			return uuid.Nil, err
		}
		return conv.AssigneeID(), nil
	}, log)
	return a, nil
}

func (a *app) close() {
	_ = a.events.Close()
	_ = a.campaigns.limiter.Close()
	_ = a.queue.Close()
	_ = a.redis.Close()
	if sqlDB, err := a.db.DB(); err == nil {
		_ = sqlDB.Close()
	}
}

// wireAI builds the analyzer the owner chose (OpenAI or offline) and the
// analysis use cases.
func (a *app) wireAI(cfg config, clk ports.Clock) error {
	var box ports.SecretBox = secretbox.Disabled{}
	if cfg.SecretKey != "" {
		b, err := secretbox.New(cfg.SecretKey)
		if err != nil {
			return fmt.Errorf("SALDO_SECRET_KEY: %w", err)
		}
		box = b
	}
	a.insights = postgres.NewInsightRepository(a.db)
	settings := postgres.NewAISettingsRepository(a.db)
	factory := func(key, model string) (ports.ConversationAnalyzer, error) {
		if model == "" {
			model = cfg.AI.Model
		}
		return openai.New(openai.Config{APIKey: key, Model: model, BaseURL: cfg.AI.BaseURL})
	}
	analyzer := application.NewAIAnalyzer(settings, box, offline.New(), factory, cfg.AI.APIKey)
	summary := application.NewCustomerSummary(a.customers, a.invoices, a.payments, clk, cfg.Org)
	a.analyze = application.NewAnalyzeConversation(a.conversations, a.messages, summary, a.insights, analyzer, a.queue, clk, cfg.Org)
	a.aiSettings = application.NewAISettings(settings, box, a.insights, clk, cfg.Org)
	return nil
}

// registerNumber stores the business number configured in the environment.
func (a *app) registerNumber(ctx context.Context) error {
	w := a.cfg.WhatsApp
	if w.PhoneNumberID == "" {
		a.log.WarnContext(ctx, "no WhatsApp number configured (WHATSAPP_PHONE_NUMBER_ID): the channel is off")
		return nil
	}
	return a.numbers.Save(ctx, conversation.BusinessNumber{
		ID: conversation.NumberIDFor(w.PhoneNumberID), PhoneNumberID: w.PhoneNumberID, BusinessAccountID: w.BusinessAccountID,
		DisplayPhone: w.DisplayPhone, DisplayName: w.DisplayName, Color: "#25d366",
	})
}

func (a *app) router() http.Handler {
	org := a.cfg.Org
	finder := postgres.NewCustomerFinder(a.db)
	secret := a.cfg.WhatsApp.AppSecret
	reports := postgres.NewReportQueries(a.db)
	summary := application.NewCustomerSummary(a.customers, a.invoices, a.payments, a.clock, org)
	lookups := application.NewLookups(a.customers, a.invoices, a.payments)
	listInvoices := application.NewListInvoices(a.invoices, a.clock, org)
	aging := application.NewAgingReport(reports, a.clock, org)
	createTemplate := application.NewCreateTemplate(a.gateway, a.numbers, a.templates, a.clock)
	deleteTemplate := application.NewDeleteTemplate(a.gateway, a.numbers, a.templates)
	manage := application.NewManageConversation(a.uow, a.customers, a.users, a.clock)
	manage.OnClose(func(ctx context.Context, id uuid.UUID) {
		if err := a.analyze.Schedule(ctx, id, 0); err != nil {
			a.log.WarnContext(ctx, "schedule analysis", slog.Any("error", err))
		}
	})
	insightQueries := application.NewInsightQueries(a.insights, a.clock)
	manageGroups := application.NewManageGroups(a.uow, a.clock)
	groupQueries := application.NewGroupQueries(postgres.NewGroupRepository(a.db))
	createLink := application.NewCreatePaymentLink(a.customers, a.invoices, a.links, a.provider, a.clock, org, a.cfg.Payments.LinkLifetime)
	linkQueries := application.NewPaymentLinkQueries(a.links)
	collections := a.collections()
	return api.NewRouter(api.Deps{
		Log: a.log, Clock: a.clock, Org: org,
		SyncCustomers: a.syncCustomers,
		SyncInvoices:  a.syncInvoices,
		RecordPayment: a.recordPayment,
		ListCustomers: application.NewListCustomers(a.customers),
		ListInvoices:  listInvoices,
		ListPayments:  application.NewListPayments(a.payments),
		Lookups:       lookups,
		Summary:       summary,
		Aging:         aging,
		Authenticate:  application.NewAuthenticateAPIKey(a.apiKeys, clock.System{}),
		ReadinessProbe: map[string]ports.Pinger{
			"database": postgres.NewPinger(a.db),
			"redis":    a.redis,
		},
		WhatsApp: api.WhatsAppDeps{
			Verify:      func(body []byte, signature string) bool { return whatsapp.VerifySignature(body, signature, secret) },
			VerifyToken: a.cfg.WhatsApp.VerifyToken,
			Receive:     application.NewReceiveWhatsAppWebhook(a.decoder, a.inbox, a.queue, a.clock, a.log),
			Queries:     application.NewConversationQueries(a.conversations, a.messages),
			Send:        a.sendMessage,
			Start:       application.NewStartConversation(a.sendMessage, finder, a.numbers),
			Manage:      manage,
		},
		Templates: api.TemplateDeps{
			List:   application.NewListTemplates(a.templates),
			Sync:   a.syncTemplates,
			Create: createTemplate,
			Delete: deleteTemplate,
		},
		Insights: api.InsightDeps{Analyze: a.analyze, Queries: insightQueries},
		Collections: api.CollectionsDeps{
			RecordPromise: collections.RecordPromise, CancelPromise: collections.CancelPromise, Promises: collections.Promises,
			OpenDispute: collections.OpenDispute, ResolveDispute: collections.ResolveDispute, SetOptOut: collections.SetOptOut,
		},
		Groups:    api.GroupDeps{Manage: manageGroups, Queries: groupQueries, Import: a.imports},
		Campaigns: a.campaignAPI(),
		Dunning:   api.DunningDeps{Policies: a.dunning.policies, Plan: a.dunning.plan, Queries: a.dunning.queries},
		Payments:  api.PaymentDeps{Create: createLink, Queries: linkQueries, Reconcile: a.reconcile, Provider: a.provider},
		Console: &console.Deps{
			Log: a.log, Clock: a.clock, Org: org, SecureCookie: strings.HasPrefix(a.cfg.BaseURL, "https://"),
			// Sign-in and sessions keep the wall clock: a demo's moved clock must not sign everyone out.
			SignIn:        application.NewSignIn(a.users, a.sessions, a.hasher, clock.System{}),
			SignOut:       application.NewSignOut(a.sessions),
			Authenticate:  application.NewAuthenticateSession(a.users, a.sessions, clock.System{}),
			ListUsers:     application.NewListUsers(a.users),
			SetLanguage:   application.NewSetUserLanguage(a.users, a.clock),
			Inbox:         application.NewInbox(postgres.NewInboxQueries(a.db)),
			Conversations: application.NewConversationQueries(a.conversations, a.messages),
			Send:          a.sendMessage,
			Manage:        manage,
			Summary:       summary,
			Lookups:       lookups,
			ListCustomers: application.NewListCustomers(a.customers),
			ListInvoices:  listInvoices,
			ListPayments:  application.NewListPayments(a.payments),
			Aging:         aging,
			Balances:      application.NewCustomerBalances(reports),
			Templates:     application.NewListTemplates(a.templates),
			Events:        a.hub,
			Pay:           application.NewSandboxPayments(a.links, a.customers, a.invoices, a.reconcile, a.clock),
			SendLink:      application.NewSendPaymentLink(createLink, a.sendMessage, a.conversations, a.customers, a.cfg.Payments.LinkTemplate),
			Links:         linkQueries,
			Analyze:       a.analyze,
			Insights:      insightQueries,
			AISettings:    a.aiSettings,
			Groups:        groupQueries,
			ManageGroups:  manageGroups,
			Import:        a.imports,
			Collections:   collections,
			NewTemplate:   createTemplate,
			DropTemplate:  deleteTemplate,
			SyncTemplates: a.syncTemplates,
			Campaigns:     a.campaignConsole(),
			Dunning:       a.dunningConsole(),
			MarkRead:      application.NewMarkConversationRead(manage, a.conversations, a.messages, a.numbers, a.gateway, a.log),
			Publish: func(ctx context.Context, e ports.Event) {
				if err := a.events.Publish(ctx, e); err != nil {
					a.log.WarnContext(ctx, "publish event", slog.Any("error", err))
				}
			},
		},
	})
}

// worker runs the asynq server and the background loops until ctx ends.
func (a *app) worker(ctx context.Context) error {
	redisOpt, err := queue.Connection(a.cfg.RedisURL)
	if err != nil {
		return err
	}
	srv := queue.NewServer(redisOpt, a.cfg.Concurrency, a.log)
	mux := queue.NewMux()
	queue.Register(mux, queue.Handlers{Deliver: a.deliver, ProcessWebhook: a.processHook, Analyze: a.analyze, Import: a.imports, Inbox: a.inbox, Clock: a.clock, Log: a.log})
	queue.RegisterCampaigns(mux, queue.CampaignHandlers{Start: a.campaigns.start, Dispatch: a.campaigns.dispatch})
	queue.RegisterDunning(mux, a.dunning.plan)
	if err := srv.Start(mux); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	a.log.InfoContext(ctx, "worker started", slog.Int("concurrency", a.cfg.Concurrency))
	relay := application.NewRelayOutbox(a.uow, a.queue, a.clock)
	sweep := application.NewSweepWebhooks(a.inbox, a.queue, a.clock)
	sweep.Apply(a.processHook.Handle)
	g, ctx := errgroup.WithContext(ctx)
	a.campaignSweeper(ctx, g)
	a.dunningPlanner(ctx, g)
	promises := postgres.NewPromiseRepository(a.db)
	evaluatePromises := application.NewEvaluatePromises(promises, promises, a.clock, a.cfg.Org, a.log)
	g.Go(func() error {
		// Promises are kept once paid, broken the day after their date.
		queue.Every(ctx, 15*time.Minute, "promises to pay", a.log, func(ctx context.Context) error {
			_, err := evaluatePromises.Handle(ctx)
			return err
		})
		return nil
	})
	g.Go(func() error {
		queue.Every(ctx, 250*time.Millisecond, "outbox relay", a.log, func(ctx context.Context) error {
			_, err := relay.Handle(ctx)
			return err
		})
		return nil
	})
	g.Go(func() error {
		queue.Every(ctx, a.sweepEvery, "webhook sweeper", a.log, func(ctx context.Context) error {
			_, err := sweep.Handle(ctx, a.sweepGrace)
			return err
		})
		return nil
	})
	g.Go(func() error {
		queue.Every(ctx, time.Hour, "expired sessions", a.log, func(ctx context.Context) error {
			_, err := a.sessions.DeleteExpired(ctx, a.clock.Now())
			return err
		})
		return nil
	})
	if a.cfg.WhatsApp.PhoneNumberID != "" {
		g.Go(func() error {
			// Templates approved in WhatsApp Manager appear within the hour.
			queue.Every(ctx, time.Hour, "template sync", a.log, func(ctx context.Context) error {
				n, err := a.syncTemplates.Handle(ctx)
				if err == nil {
					a.log.InfoContext(ctx, "templates synced", slog.Int("templates", n))
				}
				return err
			})
			return nil
		})
	}
	<-ctx.Done()
	srv.Shutdown()
	return g.Wait()
}

// serve runs the HTTP server, the worker, or both, until ctx ends; then it
// drains in-flight requests and tasks.
func serve(ctx context.Context, cfg config, web, worker bool) error {
	var clk ports.Clock = clock.System{}
	if cfg.DemoClock {
		demo := &clock.Shifted{}
		clk, cfg.demoClock = demo, demo
	}
	a, err := newApp(ctx, cfg, clk)
	if err != nil {
		return err
	}
	defer a.close()
	if err := a.registerNumber(ctx); err != nil {
		return fmt.Errorf("register the WhatsApp number: %w", err)
	}

	g, ctx := errgroup.WithContext(ctx)
	if web {
		srv := &http.Server{
			Addr: cfg.HTTPAddr, Handler: a.router(), //nolint:contextcheck // handlers use each request's context
			ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute,
		}
		g.Go(func() error {
			a.events.Subscribe(ctx, a.hub.Dispatch)
			return nil
		})
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
		g.Go(func() error { return a.worker(ctx) })
	}
	return g.Wait()
}

// collections wires the collections acts: promises to pay, invoice disputes
// and WhatsApp opt-out.
func (a *app) collections() *console.CollectionsDeps {
	promises := postgres.NewPromiseRepository(a.db)
	disputes := postgres.NewDisputeRepository(a.db)
	return &console.CollectionsDeps{
		RecordPromise:  application.NewRecordPromise(promises, a.customers, a.clock, a.cfg.Org),
		CancelPromise:  application.NewCancelPromise(promises, a.clock),
		Promises:       application.NewPromiseQueries(promises),
		Disputes:       application.NewDisputeQueries(disputes),
		OpenDispute:    application.NewOpenDispute(disputes, a.invoices, a.clock),
		ResolveDispute: application.NewResolveDispute(disputes, a.clock),
		SetOptOut:      application.NewSetWhatsAppOptOut(a.uow, a.clock),
	}
}
