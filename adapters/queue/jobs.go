package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/ports"
)

// Queue implements ports.JobQueue with asynq. A job's task id is its kind
// and reference, so the same job enqueued twice while it waits or runs is
// one task.
type Queue struct {
	client *asynq.Client
}

var (
	_ ports.JobQueue        = (*Queue)(nil)
	_ ports.ShardedJobQueue = (*Queue)(nil)
)

// NewQueue returns a queue over opt's Redis.
func NewQueue(opt asynq.RedisConnOpt) *Queue { return &Queue{client: asynq.NewClient(opt)} }

// Close releases the connection.
func (q *Queue) Close() error { return q.client.Close() }

// payload is what every task carries: the id of what it is about.
type payload struct {
	Ref uuid.UUID `json:"ref"`
}

// settings per job kind: the asynq queue, retries, and how long a finished
// task keeps its id (so a late duplicate of a send is refused outright).
var settings = map[string]struct {
	queue     string
	maxRetry  int
	retention time.Duration
	timeout   time.Duration
}{
	ports.JobSendMessage:     {queue: "critical", maxRetry: 8, retention: 24 * time.Hour, timeout: 45 * time.Second},
	ports.JobProcessWebhook:  {queue: "critical", maxRetry: 12, timeout: 30 * time.Second},
	ports.JobAnalyze:         {queue: "low", maxRetry: 3, timeout: 2 * time.Minute},
	ports.JobAnalyzeNow:      {queue: "default", maxRetry: 3, timeout: 2 * time.Minute},
	ports.JobImportCustomers: {queue: "default", maxRetry: 10, timeout: 30 * time.Minute},
	// A dispatch runs for a bounded slice of time and the campaign sweeper
	// starts the next; a start snapshots up to hundreds of thousands of rows.
	ports.JobStartCampaign:    {queue: "default", maxRetry: 10, timeout: 10 * time.Minute},
	ports.JobDispatchCampaign: {queue: "default", maxRetry: 3, timeout: 5 * time.Minute},
	// One planner run per time slot: the id outlives the run so that a
	// slower worker process does not enqueue the slot again.
	ports.JobPlanReminders: {queue: "default", maxRetry: 2, retention: time.Hour, timeout: 10 * time.Minute},
}

// Enqueue implements ports.JobQueue.
func (q *Queue) Enqueue(ctx context.Context, kind string, ref uuid.UUID, runAt time.Time) error {
	return q.enqueue(ctx, kind, ref, kind+":"+ref.String(), runAt)
}

// EnqueueShard implements ports.ShardedJobQueue.
func (q *Queue) EnqueueShard(ctx context.Context, kind string, ref uuid.UUID, shard string) error {
	return q.enqueue(ctx, kind, ref, kind+":"+ref.String()+":"+shard, time.Time{})
}

func (q *Queue) enqueue(ctx context.Context, kind string, ref uuid.UUID, id string, runAt time.Time) error {
	s, ok := settings[kind]
	if !ok {
		return fmt.Errorf("queue: unknown job kind %q", kind)
	}
	body, err := json.Marshal(payload{Ref: ref})
	if err != nil {
		return err
	}
	opts := []asynq.Option{asynq.TaskID(id), asynq.Queue(s.queue), asynq.MaxRetry(s.maxRetry), asynq.Timeout(s.timeout)}
	if s.retention > 0 {
		opts = append(opts, asynq.Retention(s.retention))
	}
	if time.Until(runAt) > 0 {
		opts = append(opts, asynq.ProcessAt(runAt))
	}
	_, err = q.client.EnqueueContext(ctx, asynq.NewTask(kind, body), opts...)
	if errors.Is(err, asynq.ErrTaskIDConflict) || errors.Is(err, asynq.ErrDuplicateTask) {
		return nil // already queued, running or just done: one task
	}
	return err
}

// Handlers are the use cases the worker runs.
type Handlers struct {
	Deliver        *application.DeliverMessage
	ProcessWebhook *application.ProcessWhatsAppWebhook
	Analyze        *application.AnalyzeConversation
	Import         *application.ImportCustomers
	Inbox          ports.WebhookInbox
	Clock          ports.Clock
	Log            *slog.Logger
}

// Register routes every task type to its use case.
func Register(mux *asynq.ServeMux, h Handlers) {
	mux.HandleFunc(ports.JobSendMessage, func(ctx context.Context, t *asynq.Task) error {
		id, err := ref(t)
		if err != nil {
			return err
		}
		err = h.Deliver.Handle(ctx, id)
		if err != nil && (lastAttempt(ctx) || application.Permanent(err)) {
			// WhatsApp kept failing (rate limits, outage), or it never can: tell the agent, with the reason.
			return classify(h.Deliver.Fail(ctx, id, conversation.Failure{Title: "not sent", Detail: err.Error()}))
		}
		return classify(err)
	})
	mux.HandleFunc(ports.JobProcessWebhook, func(ctx context.Context, t *asynq.Task) error {
		id, err := ref(t)
		if err != nil {
			return err
		}
		err = h.ProcessWebhook.Handle(ctx, id)
		if err != nil && (lastAttempt(ctx) || application.Permanent(err)) {
			h.Log.WarnContext(ctx, "webhook delivery set aside", slog.String("event_id", id.String()), slog.Any("error", err))
			return h.Inbox.MarkFailed(ctx, id, h.Clock.Now(), err.Error())
		}
		return classify(err)
	})
	if h.Analyze != nil {
		registerAnalysis(mux, h)
	}
	if h.Import != nil {
		mux.HandleFunc(ports.JobImportCustomers, func(ctx context.Context, t *asynq.Task) error {
			id, err := ref(t)
			if err != nil {
				return err
			}
			// Each batch commits with its progress: a retry resumes after the last one.
			err = h.Import.Run(ctx, id)
			if domain.KindOf(err) == domain.KindNotFound {
				return fmt.Errorf("%w (%w)", err, asynq.SkipRetry) // no such import here: nothing to do or record
			}
			if err != nil && (lastAttempt(ctx) || application.Permanent(err)) {
				h.Import.MarkFailed(ctx, id, err)
				return nil
			}
			return classify(err)
		})
	}
}

// RegisterDunning routes the dunning planner's runs to plan. A run is
// idempotent (reminders are keyed), so a retried run adds nothing twice.
func RegisterDunning(mux *asynq.ServeMux, plan *application.PlanReminders) {
	mux.HandleFunc(ports.JobPlanReminders, func(ctx context.Context, _ *asynq.Task) error {
		_, err := plan.Handle(ctx)
		return classify(err)
	})
}

// registerAnalysis routes the debounced analyses.
func registerAnalysis(mux *asynq.ServeMux, h Handlers) {
	run := func(ctx context.Context, t *asynq.Task) error {
		id, err := ref(t)
		if err != nil {
			return err
		}
		return classify(h.Analyze.Run(ctx, id))
	}
	mux.HandleFunc(ports.JobAnalyze, run)
	mux.HandleFunc(ports.JobAnalyzeNow, run)
}

func ref(t *asynq.Task) (uuid.UUID, error) {
	var p payload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.Ref == uuid.Nil {
		return uuid.Nil, fmt.Errorf("task %s: bad payload: %w", t.Type(), asynq.SkipRetry)
	}
	return p.Ref, nil
}

func lastAttempt(ctx context.Context) bool {
	n, ok1 := asynq.GetRetryCount(ctx)
	limit, ok2 := asynq.GetMaxRetry(ctx)
	return ok1 && ok2 && n >= limit
}

// classify stops retries of errors that cannot go away.
func classify(err error) error {
	if err != nil && application.Permanent(err) {
		return fmt.Errorf("%w (%w)", err, asynq.SkipRetry)
	}
	return err
}

// Every runs fn now and then every interval until ctx ends, logging errors:
// the worker's background loops (outbox relay, webhook sweeper).
func Every(ctx context.Context, interval time.Duration, name string, log *slog.Logger, fn func(context.Context) error) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := fn(ctx); err != nil && ctx.Err() == nil {
			log.WarnContext(ctx, "background job failed", slog.String("job", name), slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
