package main

import (
	"errors"
	"strconv"
	"time"

	"github.com/saldocrm/saldo/adapters/queue"
)

// campaignsConfig tunes campaign dispatch.
type campaignsConfig struct {
	SendRate     int           // WHATSAPP_SEND_RATE: messages per second per business number, shared by all workers
	Dispatchers  int           // CAMPAIGN_DISPATCHERS: dispatch jobs per campaign per worker process
	InDoubtGrace time.Duration // CAMPAIGN_INDOUBT_GRACE: wait for a status webhook before resending a send whose answer was lost
	SweepEvery   time.Duration // CAMPAIGN_SWEEP_INTERVAL: how often workers start due campaigns and dispatch due recipients
	// WEBHOOK_RETRY_AFTER: a stored webhook still unapplied this long after it
	// arrived is applied by the worker's sweeper itself. Sends in doubt wait
	// for the webhooks received before them, so this bounds how long a
	// worker's crash holds them up.
	WebhookRetryAfter time.Duration
}

// withDefaults fills the zero fields (a config built in code, as tests do).
func (c campaignsConfig) withDefaults() campaignsConfig {
	if c.SendRate == 0 {
		c.SendRate = 80
	}
	if c.Dispatchers == 0 {
		c.Dispatchers = 2
	}
	if c.InDoubtGrace == 0 {
		c.InDoubtGrace = 10 * time.Minute
	}
	if c.SweepEvery == 0 {
		c.SweepEvery = 2 * time.Second
	}
	if c.WebhookRetryAfter == 0 {
		c.WebhookRetryAfter = time.Minute
	}
	return c
}

func loadCampaignsConfig() (campaignsConfig, []error) {
	var problems []error
	c := campaignsConfig{}
	rate, err := strconv.Atoi(env("WHATSAPP_SEND_RATE", "80"))
	if err != nil || rate < 1 || rate > queue.MaxSendRate {
		problems = append(problems, errors.New("WHATSAPP_SEND_RATE must be messages per second from 1 to 1000 (Meta's default is 80)"))
	}
	c.SendRate = rate
	n, err := strconv.Atoi(env("CAMPAIGN_DISPATCHERS", "2"))
	if err != nil || n < 1 || n > 32 {
		problems = append(problems, errors.New("CAMPAIGN_DISPATCHERS must be from 1 to 32"))
	}
	c.Dispatchers = n
	if c.InDoubtGrace, err = time.ParseDuration(env("CAMPAIGN_INDOUBT_GRACE", "10m")); err != nil || c.InDoubtGrace < time.Second {
		problems = append(problems, errors.New("CAMPAIGN_INDOUBT_GRACE must be a duration of at least 1s, e.g. 10m"))
	}
	if c.WebhookRetryAfter, err = time.ParseDuration(env("WEBHOOK_RETRY_AFTER", "1m")); err != nil || c.WebhookRetryAfter < time.Second {
		problems = append(problems, errors.New("WEBHOOK_RETRY_AFTER must be a duration of at least 1s, e.g. 1m"))
	}
	if c.SweepEvery, err = time.ParseDuration(env("CAMPAIGN_SWEEP_INTERVAL", "2s")); err != nil || c.SweepEvery < 100*time.Millisecond {
		problems = append(problems, errors.New("CAMPAIGN_SWEEP_INTERVAL must be a duration of at least 100ms, e.g. 2s"))
	}
	return c, problems
}
