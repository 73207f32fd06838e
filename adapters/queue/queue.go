// Package queue is the asynq adapter: the Redis connection, the worker
// server and, as features arrive, task types and their handlers.
package queue

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/saldocrm/saldo/ports"
)

// Connection parses a redis:// URL into asynq's connection options.
func Connection(url string) (asynq.RedisConnOpt, error) {
	opt, err := asynq.ParseRedisURI(url)
	if err != nil {
		return nil, fmt.Errorf("parse REDIS_URL: %w", err)
	}
	return opt, nil
}

// Pinger checks that Redis answers.
type Pinger struct {
	client redis.UniversalClient
}

var _ ports.Pinger = (*Pinger)(nil)

// NewPinger returns a pinger over opt's Redis.
func NewPinger(opt asynq.RedisConnOpt) *Pinger {
	client, _ := opt.MakeRedisClient().(redis.UniversalClient)
	return &Pinger{client: client}
}

// Ping implements ports.Pinger.
func (p *Pinger) Ping(ctx context.Context) error {
	if p.client == nil {
		return fmt.Errorf("no redis client")
	}
	return p.client.Ping(ctx).Err()
}

// Close releases the connection.
func (p *Pinger) Close() error {
	if p.client == nil {
		return nil
	}
	return p.client.Close()
}

// NewServer returns an asynq worker server logging through log.
func NewServer(opt asynq.RedisConnOpt, concurrency int, log *slog.Logger) *asynq.Server {
	return asynq.NewServer(opt, asynq.Config{
		Concurrency: concurrency,
		Logger:      slogAdapter{log: log},
		LogLevel:    asynq.WarnLevel,
		Queues:      map[string]int{"critical": 6, "default": 3, "low": 1},
	})
}

// NewMux returns the task router; features register their handlers on it.
func NewMux() *asynq.ServeMux { return asynq.NewServeMux() }

// slogAdapter lets asynq log through slog.
type slogAdapter struct{ log *slog.Logger }

func (a slogAdapter) Debug(args ...any) { a.log.Debug(fmt.Sprint(args...)) }
func (a slogAdapter) Info(args ...any)  { a.log.Info(fmt.Sprint(args...)) }
func (a slogAdapter) Warn(args ...any)  { a.log.Warn(fmt.Sprint(args...)) }
func (a slogAdapter) Error(args ...any) { a.log.Error(fmt.Sprint(args...)) }
func (a slogAdapter) Fatal(args ...any) { a.log.Error(fmt.Sprint(args...)) }
