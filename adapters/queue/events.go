package queue

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/saldocrm/saldo/ports"
)

// eventsChannel is the Redis channel console events travel on.
const eventsChannel = "saldo:events"

// Events carries console events between processes over Redis pub/sub: the
// worker applies a webhook, every web process hears of it.
type Events struct {
	client redis.UniversalClient
	log    *slog.Logger
}

var _ ports.EventPublisher = (*Events)(nil)

// NewEvents returns the event bus over opt's Redis.
func NewEvents(opt asynq.RedisConnOpt, log *slog.Logger) *Events {
	client, _ := opt.MakeRedisClient().(redis.UniversalClient)
	return &Events{client: client, log: log}
}

// Publish implements ports.EventPublisher.
func (e *Events) Publish(ctx context.Context, ev ports.Event) error {
	b, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	return e.client.Publish(ctx, eventsChannel, b).Err()
}

// Subscribe calls fn with every event until ctx ends, resubscribing after
// a lost connection.
func (e *Events) Subscribe(ctx context.Context, fn func(ports.Event)) {
	for ctx.Err() == nil {
		sub := e.client.Subscribe(ctx, eventsChannel)
		ch := sub.Channel()
	loop:
		for {
			select {
			case <-ctx.Done():
				break loop
			case msg, ok := <-ch:
				if !ok {
					break loop
				}
				var ev ports.Event
				if err := json.Unmarshal([]byte(msg.Payload), &ev); err == nil {
					fn(ev)
				}
			}
		}
		_ = sub.Close()
		if ctx.Err() == nil {
			e.log.WarnContext(ctx, "event subscription lost; resubscribing")
			time.Sleep(time.Second)
		}
	}
}

// Close releases the connection.
func (e *Events) Close() error { return e.client.Close() }
