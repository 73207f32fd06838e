package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/saldocrm/saldo/adapters/whatsapp/sim"
)

// simulate runs the WhatsApp Cloud API simulator: the Graph API endpoints
// Saldo's adapter calls, signed webhooks back to Saldo, and a page where a
// person plays the customer.
func simulate(ctx context.Context, cfg config) error {
	w := cfg.WhatsApp
	if w.PhoneNumberID == "" || w.AppSecret == "" || w.Token == "" {
		return fmt.Errorf("the simulator needs WHATSAPP_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_BUSINESS_ACCOUNT_ID and WHATSAPP_APP_SECRET (make run sets them)")
	}
	delay, err := time.ParseDuration(env("SIM_STATUS_DELAY", "400ms"))
	if err != nil {
		return fmt.Errorf("SIM_STATUS_DELAY: %w", err)
	}
	review, err := time.ParseDuration(env("SIM_TEMPLATE_REVIEW_DELAY", "3s"))
	if err != nil {
		return fmt.Errorf("SIM_TEMPLATE_REVIEW_DELAY: %w", err)
	}
	rate, err := strconv.ParseFloat(env("SIM_FAILURE_RATE", "0"), 64)
	if err != nil || rate < 0 || rate > 1 {
		return fmt.Errorf("SIM_FAILURE_RATE must be a number from 0 to 1")
	}
	throughput, err := strconv.Atoi(env("SIM_THROUGHPUT", "80"))
	if err != nil || throughput < 0 {
		return fmt.Errorf("SIM_THROUGHPUT must be messages per second (0: no limit)")
	}
	batch, err := time.ParseDuration(env("SIM_STATUS_BATCH", "0s"))
	if err != nil {
		return fmt.Errorf("SIM_STATUS_BATCH: %w", err)
	}
	var failing []string
	for _, n := range strings.Split(env("SIM_FAILING_NUMBERS", ""), ",") {
		if n = strings.TrimPrefix(strings.TrimSpace(n), "+"); n != "" {
			failing = append(failing, n)
		}
	}
	s, err := sim.New(sim.Config{
		Addr:                env("SIM_ADDR", "127.0.0.1:8081"),
		GraphVersion:        w.APIVersion,
		AccessToken:         w.Token,
		AppSecret:           w.AppSecret,
		WebhookURL:          env("SIM_WEBHOOK_URL", cfg.BaseURL+"/webhooks/whatsapp"),
		PhoneNumberID:       w.PhoneNumberID,
		DisplayPhone:        w.DisplayPhone,
		BusinessAccountID:   w.BusinessAccountID,
		StatusDelay:         delay,
		FailureRate:         rate,
		FailingNumbers:      failing,
		TemplateReviewDelay: review,
		ReadReceipts:        env("SIM_READ_RECEIPTS", "true") != "false",
		Throughput:          throughput,
		StatusBatch:         batch,
		Log:                 cfg.logger(),
	})
	if err != nil {
		return err
	}
	return s.Run(ctx)
}
