package sim

import (
	"context"
	"time"
)

// throttle is the business number's throughput limit: a token bucket that
// holds one second of sends and refills at Throughput per second. Meta
// refuses sends over the limit with 130429.
type throttle struct {
	rate   float64
	tokens float64
	last   time.Time
}

// allowLocked takes a send slot at now; s.mu is held.
func (s *Simulator) allowLocked(now time.Time) bool {
	t := &s.throttle
	if s.cfg.Throughput <= 0 {
		return true
	}
	if t.rate == 0 {
		t.rate, t.tokens, t.last = float64(s.cfg.Throughput), float64(s.cfg.Throughput), now
	}
	t.tokens = min(t.rate, t.tokens+now.Sub(t.last).Seconds()*t.rate)
	t.last = now
	if t.tokens < 1 {
		s.throttled++
		return false
	}
	t.tokens--
	return true
}

// Throttled returns how many sends were refused with 130429 for going over
// the throughput limit.
func (s *Simulator) Throttled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.throttled
}

// SendsTo returns how many messages to waID the simulator accepted, however
// long ago (chats themselves are forgotten past MaxChats).
func (s *Simulator) SendsTo(waID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sendsTo[waID]
}

// postStatus posts one status webhook, or queues it for the next batch when
// statuses are batched (Meta groups statuses of busy numbers into one
// webhook).
func (s *Simulator) postStatus(ctx context.Context, st webhookStatus) {
	if s.cfg.StatusBatch <= 0 {
		_ = s.deliver(ctx, "status "+st.Status, s.messagesWebhook(messagesValue{Statuses: []webhookStatus{st}}))
		return
	}
	s.mu.Lock()
	s.pendingStatuses = append(s.pendingStatuses, st)
	start := !s.flushing
	s.flushing = true
	s.mu.Unlock()
	if start {
		s.spawn(s.flushStatuses)
	}
}

// maxStatusesPerWebhook bounds a batched status webhook.
const maxStatusesPerWebhook = 500

// flushStatuses posts queued statuses every StatusBatch until none is left.
func (s *Simulator) flushStatuses(ctx context.Context) {
	for {
		if !sleep(ctx, s.cfg.StatusBatch) {
			return
		}
		s.mu.Lock()
		batch := s.pendingStatuses
		if len(batch) > maxStatusesPerWebhook {
			batch = batch[:maxStatusesPerWebhook]
		}
		s.pendingStatuses = s.pendingStatuses[len(batch):]
		if len(batch) == 0 {
			s.flushing = false
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		_ = s.deliver(ctx, "statuses", s.messagesWebhook(messagesValue{Statuses: batch}))
	}
}
