package queue

import (
	"context"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/saldocrm/saldo/ports"
)

// SendLimiter implements ports.SendLimiter with a token bucket kept in
// Redis, so that every worker process draws on one budget per business
// number. The bucket holds a tenth of a second of sends and refills
// continuously; a call takes whole slots only and keeps the fraction that
// refilled so far, so a busy number gets its full rate.
type SendLimiter struct {
	client    redis.UniversalClient
	perSecond int
	burst     int
}

var _ ports.SendLimiter = (*SendLimiter)(nil)

// MaxSendRate is the highest rate Meta grants a number (messages per second).
const MaxSendRate = 1000

// NewSendLimiter returns a limiter of perSecond sends per number.
func NewSendLimiter(opt asynq.RedisConnOpt, perSecond int) (*SendLimiter, error) {
	if perSecond < 1 || perSecond > MaxSendRate {
		return nil, fmt.Errorf("send rate %d/s: must be between 1 and %d", perSecond, MaxSendRate)
	}
	client, ok := opt.MakeRedisClient().(redis.UniversalClient)
	if !ok {
		return nil, fmt.Errorf("send limiter: unexpected redis client")
	}
	return &SendLimiter{client: client, perSecond: perSecond, burst: max(1, perSecond/10)}, nil
}

// takeScript refills the bucket KEYS[1] at ARGV[1] tokens a second up to
// ARGV[2], takes up to ARGV[3] whole tokens and returns how many it took and,
// when none, the microseconds until one is there. Redis's clock is the one
// clock every process shares.
var takeScript = redis.NewScript(`
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local b = redis.call("HMGET", KEYS[1], "tokens", "at")
local tokens = tonumber(b[1])
local at = tonumber(b[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000000)
local take = math.min(want, math.floor(tokens))
tokens = tokens - take
redis.call("HSET", KEYS[1], "tokens", string.format("%.6f", tokens), "at", string.format("%d", now))
redis.call("PEXPIRE", KEYS[1], 60000)
local wait = 0
if take == 0 then
  wait = math.ceil((1 - tokens) * 1000000 / rate)
end
return {take, wait}
`)

// Take implements ports.SendLimiter.
func (l *SendLimiter) Take(ctx context.Context, number string, n int) (int, time.Duration, error) {
	res, err := takeScript.Run(ctx, l.client, []string{"saldo:whatsapp:send:" + number}, l.perSecond, l.burst, max(1, n)).Int64Slice()
	if err != nil || len(res) != 2 {
		return 0, 0, fmt.Errorf("send limiter: %w", err)
	}
	wait := time.Duration(res[1]) * time.Microsecond
	if res[0] == 0 && wait <= 0 {
		wait = time.Millisecond
	}
	return int(res[0]), wait, nil
}

// Close releases the connection.
func (l *SendLimiter) Close() error { return l.client.Close() }
