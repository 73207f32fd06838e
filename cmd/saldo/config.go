package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/saldocrm/saldo/adapters/clock"
	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/money"
)

// config is Saldo's configuration, read from the environment; the README
// lists every variable.
type config struct {
	DatabaseURL string
	RedisURL    string
	HTTPAddr    string
	BaseURL     string
	SecretKey   string
	Org         application.Org
	LogLevel    slog.Level
	LogFormat   string
	Concurrency int
	WhatsApp    whatsAppConfig
	Payments    paymentsConfig
	AI          aiConfig
	Campaigns   campaignsConfig
	Dunning     dunningConfig
	DemoClock   bool           // SALDO_DEMO_CLOCK: the dunning page can move the clock forward (make run)
	demoClock   *clock.Shifted // that clock, when serving
}

// aiConfig reaches OpenAI; the owner's settings in the console decide
// whether it is used.
type aiConfig struct {
	APIKey  string // OPENAI_API_KEY: used when the owner picks OpenAI without storing a key
	BaseURL string // OPENAI_BASE_URL: a compatible server
	Model   string
}

// paymentsConfig is the payment provider and the templates payments use.
type paymentsConfig struct {
	StripeSecretKey     string
	StripeWebhookSecret string
	StripeAPIBase       string
	LinkLifetime        time.Duration
	LinkTemplate        application.LinkTemplate
	ReceiptTemplate     application.ReceiptTemplate
}

// templateRef reads "name:language" (language defaults to es).
func templateRef(s string) (name, language string) {
	name, language, _ = strings.Cut(strings.TrimSpace(s), ":")
	if name != "" && language == "" {
		language = "es"
	}
	return name, language
}

// whatsAppConfig is the Cloud API connection and the first business number.
type whatsAppConfig struct {
	APIBase           string
	APIVersion        string
	Token             string
	PhoneNumberID     string
	BusinessAccountID string
	AppSecret         string
	VerifyToken       string
	DisplayPhone      string
	DisplayName       string
	OptOut            application.OptOutKeywords // WHATSAPP_OPT_OUT_KEYWORDS, WHATSAPP_OPT_IN_KEYWORDS
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v)
	}
	return def
}

// loadConfig reads the environment; every problem is reported at once. The
// simulator alone needs no database.
func loadConfig(needDB bool) (config, error) {
	c := config{
		DatabaseURL: env("DATABASE_URL", ""),
		RedisURL:    env("REDIS_URL", "redis://127.0.0.1:6379/0"),
		HTTPAddr:    env("HTTP_ADDR", ":8080"),
		BaseURL:     strings.TrimRight(env("SALDO_BASE_URL", "http://localhost:8080"), "/"),
		SecretKey:   env("SALDO_SECRET_KEY", ""),
		LogFormat:   env("LOG_FORMAT", "text"),
		Concurrency: 10,
	}
	c.WhatsApp = whatsAppConfig{
		APIBase:           strings.TrimRight(env("WHATSAPP_API_BASE", "https://graph.facebook.com"), "/"),
		APIVersion:        env("WHATSAPP_API_VERSION", "v21.0"),
		Token:             env("WHATSAPP_TOKEN", ""),
		PhoneNumberID:     env("WHATSAPP_PHONE_NUMBER_ID", ""),
		BusinessAccountID: env("WHATSAPP_BUSINESS_ACCOUNT_ID", ""),
		AppSecret:         env("WHATSAPP_APP_SECRET", ""),
		VerifyToken:       env("WHATSAPP_VERIFY_TOKEN", ""),
		DisplayPhone:      env("WHATSAPP_DISPLAY_PHONE", ""),
		DisplayName:       env("WHATSAPP_DISPLAY_NAME", "Cobranzas"),
		OptOut: application.OptOutKeywords{
			OptOut: customer.SplitKeywords(env("WHATSAPP_OPT_OUT_KEYWORDS", strings.Join(customer.DefaultOptOutKeywords, ","))),
			OptIn:  customer.SplitKeywords(env("WHATSAPP_OPT_IN_KEYWORDS", strings.Join(customer.DefaultOptInKeywords, ","))),
		},
	}
	campaigns, problems := loadCampaignsConfig()
	c.Campaigns = campaigns
	c.DemoClock = env("SALDO_DEMO_CLOCK", "false") == "true"
	dunningCfg, dunningProblems := loadDunningConfig()
	c.Dunning, problems = dunningCfg, append(problems, dunningProblems...)
	lifetime, err := time.ParseDuration(env("PAYMENT_LINK_LIFETIME", "24h"))
	if err != nil || lifetime < 30*time.Minute || lifetime > 24*time.Hour {
		problems = append(problems, errors.New("PAYMENT_LINK_LIFETIME must be a duration from 30m to 24h (Stripe's limits)"))
	}
	c.Payments = paymentsConfig{
		StripeSecretKey: env("STRIPE_SECRET_KEY", ""), StripeWebhookSecret: env("STRIPE_WEBHOOK_SECRET", ""),
		StripeAPIBase: env("STRIPE_API_BASE", ""), LinkLifetime: lifetime,
	}
	c.Payments.LinkTemplate.Name, c.Payments.LinkTemplate.Language = templateRef(env("PAYMENT_LINK_TEMPLATE", ""))
	c.Payments.ReceiptTemplate.Name, c.Payments.ReceiptTemplate.Language = templateRef(env("PAYMENT_RECEIPT_TEMPLATE", ""))
	if c.Payments.StripeSecretKey != "" && c.Payments.StripeWebhookSecret == "" {
		problems = append(problems, errors.New("STRIPE_SECRET_KEY needs STRIPE_WEBHOOK_SECRET: Stripe's webhooks are refused without it"))
	}
	if c.WhatsApp.PhoneNumberID != "" && (c.WhatsApp.BusinessAccountID == "" || c.WhatsApp.AppSecret == "") {
		problems = append(problems, errors.New("WHATSAPP_PHONE_NUMBER_ID needs WHATSAPP_BUSINESS_ACCOUNT_ID and WHATSAPP_APP_SECRET (webhooks are refused without the secret)"))
	}
	if c.DatabaseURL == "" && needDB {
		problems = append(problems, errors.New("DATABASE_URL is required, e.g. postgres://user:pass@localhost:5432/saldo?sslmode=disable (make run sets it up)"))
	}
	tz := env("SALDO_TIMEZONE", "America/Bogota")
	loc, err := time.LoadLocation(tz)
	if err != nil {
		problems = append(problems, fmt.Errorf("SALDO_TIMEZONE %q is not an IANA time zone such as America/Bogota", tz))
	}
	cur, err := money.ParseCurrency(env("SALDO_CURRENCY", "COP"))
	if err != nil {
		problems = append(problems, fmt.Errorf("SALDO_CURRENCY: %w", err))
	}
	lang := strings.ToLower(env("SALDO_LANGUAGE", "es"))
	if lang != "es" && lang != "pt" && lang != "en" {
		problems = append(problems, fmt.Errorf("SALDO_LANGUAGE must be es, pt or en"))
	}
	c.Org = application.Org{Location: loc, Currency: cur, Language: lang}
	c.AI = aiConfig{APIKey: env("OPENAI_API_KEY", ""), BaseURL: env("OPENAI_BASE_URL", ""), Model: env("OPENAI_MODEL", "gpt-4o-mini")}
	if err := c.LogLevel.UnmarshalText([]byte(env("LOG_LEVEL", "info"))); err != nil {
		problems = append(problems, fmt.Errorf("LOG_LEVEL must be debug, info, warn or error"))
	}
	if c.SecretKey != "" && len(c.SecretKey) < 32 {
		problems = append(problems, errors.New("SALDO_SECRET_KEY must be at least 32 characters (e.g. openssl rand -hex 32)"))
	}
	return c, errors.Join(problems...)
}

func (c config) logger() *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}
