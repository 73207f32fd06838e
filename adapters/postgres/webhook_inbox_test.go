package postgres_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/ports"
)

func TestWebhookInbox(t *testing.T) {
	t.Parallel()
	inbox := postgres.NewWebhookInbox(pgtest.New(t))
	ctx := t.Context()

	body := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[]}]}` + "\x00\xff binary too")
	events := make([]ports.WebhookEvent, 4)
	for i := range events {
		events[i] = ports.WebhookEvent{
			ID: newV7(), Source: "whatsapp", Body: body, ReceivedAt: now.Add(time.Duration(i) * time.Second),
		}
	}
	// Stored out of order: Pending goes by received_at.
	for _, i := range []int{2, 0, 3, 1} {
		require.NoError(t, inbox.Store(ctx, events[i]))
	}

	got, err := inbox.Get(ctx, events[0].ID)
	require.NoError(t, err)
	assert.Equal(t, events[0].ID, got.ID)
	assert.Equal(t, "whatsapp", got.Source)
	assert.Equal(t, body, got.Body)
	assertTime(t, events[0].ReceivedAt, got.ReceivedAt, "received at")
	assert.True(t, got.ProcessedAt.IsZero())
	assert.Zero(t, got.Attempts)
	assert.Empty(t, got.LastError)

	pending, err := inbox.Pending(ctx, now.Add(time.Hour), 0)
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{events[0].ID, events[1].ID, events[2].ID, events[3].ID}, pending)
	pending, err = inbox.Pending(ctx, now.Add(2*time.Second), 10)
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{events[0].ID, events[1].ID}, pending, "received before before only")
	pending, err = inbox.Pending(ctx, now.Add(time.Hour), 3)
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{events[0].ID, events[1].ID, events[2].ID}, pending, "at most limit")

	// Processed: no longer pending. Failed: pending still, counted.
	require.NoError(t, inbox.MarkProcessed(ctx, events[0].ID, now.Add(time.Minute)))
	require.NoError(t, inbox.MarkFailed(ctx, events[1].ID, now.Add(time.Minute), "conversation locked"))
	require.NoError(t, inbox.MarkFailed(ctx, events[1].ID, now.Add(2*time.Minute), "database timeout"))
	pending, err = inbox.Pending(ctx, now.Add(time.Hour), 0)
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{events[1].ID, events[2].ID, events[3].ID}, pending)

	got, err = inbox.Get(ctx, events[0].ID)
	require.NoError(t, err)
	assertTime(t, now.Add(time.Minute), got.ProcessedAt, "processed at")
	got, err = inbox.Get(ctx, events[1].ID)
	require.NoError(t, err)
	assert.Equal(t, 2, got.Attempts)
	assert.Equal(t, "database timeout", got.LastError)
	assert.True(t, got.ProcessedAt.IsZero())

	// Unknown ids; an id stored twice; an empty body.
	unknown := uuid.New()
	_, err = inbox.Get(ctx, unknown)
	assert.True(t, errors.Is(err, domain.ErrNotFound), "got %v", err)
	assert.True(t, errors.Is(inbox.MarkProcessed(ctx, unknown, now), domain.ErrNotFound))
	assert.True(t, errors.Is(inbox.MarkFailed(ctx, unknown, now, "x"), domain.ErrNotFound))
	err = inbox.Store(ctx, events[0])
	assert.Equal(t, domain.KindConflict, domain.KindOf(err), "got %v", err)
	empty := ports.WebhookEvent{ID: newV7(), Source: "stripe", ReceivedAt: now}
	require.NoError(t, inbox.Store(ctx, empty))
	got, err = inbox.Get(ctx, empty.ID)
	require.NoError(t, err)
	assert.Empty(t, got.Body)
}

// BenchmarkWebhookInboxStore measures what a webhook waits for before it is
// answered: storing one delivery of about 1 KB. "serial" is one request
// after another (ns/op is the latency of one insert, a commit included);
// "parallel" is requests arriving at once over the pool (ns/op is the
// inverse of the throughput, deliveries/s is reported).
func BenchmarkWebhookInboxStore(b *testing.B) {
	body := bytes.Repeat([]byte(`{"entry":[{"changes":[{"value":{"messages":[{"text":{"body":"hola"}}]}}]}]}`), 14)[:1024]
	event := func() ports.WebhookEvent {
		return ports.WebhookEvent{ID: newV7(), Source: "whatsapp", Body: body, ReceivedAt: time.Now()}
	}
	b.Run("serial", func(b *testing.B) {
		inbox := postgres.NewWebhookInbox(pgtest.New(b))
		ctx := b.Context()
		b.SetBytes(int64(len(body)))
		b.ResetTimer()
		for b.Loop() {
			if err := inbox.Store(ctx, event()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		inbox := postgres.NewWebhookInbox(pgtest.New(b))
		ctx := b.Context()
		b.SetBytes(int64(len(body)))
		b.SetParallelism(4) // 4 × GOMAXPROCS goroutines over the test pool's 5 connections
		start := time.Now()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := inbox.Store(ctx, event()); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "deliveries/s")
	})
}
