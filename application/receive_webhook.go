package application

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/ports"
)

// ReceiveWhatsAppWebhook stores a signed webhook delivery durably and asks
// the queue to process it. It returns once the delivery is stored: a crash
// afterwards loses nothing, because SweepWebhooks hands unprocessed
// deliveries to the queue again.
type ReceiveWhatsAppWebhook struct {
	decoder ports.WebhookDecoder
	inbox   ports.WebhookInbox
	queue   ports.JobQueue
	clock   ports.Clock
	log     *slog.Logger
}

// NewReceiveWhatsAppWebhook returns the use case.
func NewReceiveWhatsAppWebhook(decoder ports.WebhookDecoder, inbox ports.WebhookInbox, queue ports.JobQueue, clock ports.Clock, log *slog.Logger) *ReceiveWhatsAppWebhook {
	must(decoder, inbox, queue, clock, log)
	return &ReceiveWhatsAppWebhook{decoder: decoder, inbox: inbox, queue: queue, clock: clock, log: log}
}

// Handle checks that body is a WhatsApp webhook Saldo can read (a body it
// cannot read is refused, not stored), stores it and enqueues its processing.
func (h *ReceiveWhatsAppWebhook) Handle(ctx context.Context, body []byte) (uuid.UUID, error) {
	if _, err := h.decoder.Decode(body); err != nil {
		return uuid.Nil, err
	}
	now := h.clock.Now()
	e := ports.WebhookEvent{ID: uuid.Must(uuid.NewV7()), Source: "whatsapp", Body: body, ReceivedAt: now}
	if err := h.inbox.Store(ctx, e); err != nil {
		return uuid.Nil, err
	}
	if err := h.queue.Enqueue(ctx, ports.JobProcessWebhook, e.ID, now); err != nil {
		// Stored: the sweeper will enqueue it. The sender still gets its 200.
		h.log.WarnContext(ctx, "enqueue webhook processing failed; the sweeper will retry",
			slog.String("event_id", e.ID.String()), slog.Any("error", err))
	}
	return e.ID, nil
}

// SweepWebhooks hands deliveries that were stored but not processed (the
// process died after answering, or the queue was down) to the queue again.
type SweepWebhooks struct {
	inbox ports.WebhookInbox
	queue ports.JobQueue
	clock ports.Clock
	apply func(context.Context, uuid.UUID) error
}

// Apply makes the sweeper apply stale deliveries itself, instead of
// enqueueing them: a task held by a worker that died keeps its id until
// asynq recovers it, minutes later, and enqueueing it again does nothing
// meanwhile. Applying a delivery twice changes nothing the second time.
func (h *SweepWebhooks) Apply(fn func(context.Context, uuid.UUID) error) { h.apply = fn }

// NewSweepWebhooks returns the use case.
func NewSweepWebhooks(inbox ports.WebhookInbox, queue ports.JobQueue, clock ports.Clock) *SweepWebhooks {
	must(inbox, queue, clock)
	return &SweepWebhooks{inbox: inbox, queue: queue, clock: clock}
}

// Handle enqueues deliveries unprocessed for longer than grace; it returns
// how many. Enqueueing one that is already queued is a no-op.
func (h *SweepWebhooks) Handle(ctx context.Context, grace time.Duration) (int, error) {
	now := h.clock.Now()
	ids, err := h.inbox.Pending(ctx, now.Add(-grace), 500)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if h.apply != nil {
			// A delivery that cannot be applied yet (a status of a message
			// not recorded yet) waits for the next sweep.
			_ = h.apply(ctx, id)
			continue
		}
		if err := h.queue.Enqueue(ctx, ports.JobProcessWebhook, id, now); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}
