package console

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/user"
	"github.com/saldocrm/saldo/ports"
)

// Hub fans console events out to the signed-in users' streams, each only
// the events of conversations that user may see.
type Hub struct {
	mu       sync.Mutex
	clients  map[*client]struct{}
	assignee func(ctx context.Context, conversationID uuid.UUID) (uuid.UUID, error)
	log      *slog.Logger
}

type client struct {
	user *user.User
	ch   chan ports.Event
}

// NewHub returns a hub that asks assignee who a conversation is assigned to.
func NewHub(assignee func(ctx context.Context, conversationID uuid.UUID) (uuid.UUID, error), log *slog.Logger) *Hub {
	return &Hub{clients: map[*client]struct{}{}, assignee: assignee, log: log}
}

// Dispatch hands ev to every stream whose user may see its conversation. A
// stream that is not keeping up misses events rather than slowing the rest;
// its page catches up on the next one.
func (h *Hub) Dispatch(ev ports.Event) {
	h.mu.Lock()
	n := len(h.clients)
	h.mu.Unlock()
	if n == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	assignee, err := h.assignee(ctx, ev.ConversationID)
	if err != nil {
		h.log.WarnContext(ctx, "event for an unreadable conversation", slog.String("conversation_id", ev.ConversationID.String()), slog.Any("error", err))
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		if !c.user.CanSeeConversation(assignee) {
			continue
		}
		select {
		case c.ch <- ev:
		default:
		}
	}
}

func (h *Hub) add(u *user.User) *client {
	c := &client{user: u, ch: make(chan ports.Event, 64)}
	h.mu.Lock()
	h.clients[c] = struct{}{}
	h.mu.Unlock()
	return c
}

func (h *Hub) remove(c *client) {
	h.mu.Lock()
	delete(h.clients, c)
	h.mu.Unlock()
}

// events streams the viewer's events as server-sent events.
func (c *console) events(ctx *gin.Context) {
	u, _ := viewer(ctx)
	cl := c.Events.add(u)
	defer c.Events.remove(cl)
	w := ctx.Writer
	// The stream outlives the server's write timeout, which is for ordinary requests.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(200)
	_, _ = w.WriteString("retry: 2000\n: connected\n\n")
	w.Flush()
	heartbeat := time.NewTicker(20 * time.Second)
	defer heartbeat.Stop()
	for {
		select {
		case <-ctx.Request.Context().Done():
			return
		case <-heartbeat.C:
			_, _ = w.WriteString(": ping\n\n")
		case ev := <-cl.ch:
			b, _ := json.Marshal(ev)
			_, _ = w.WriteString("event: change\ndata: " + string(b) + "\n\n")
		}
		w.Flush()
	}
}
