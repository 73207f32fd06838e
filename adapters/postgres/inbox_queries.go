package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/ports"
)

// InboxQueries answers the inbox lists with SQL.
type InboxQueries struct {
	db *gorm.DB
}

var _ ports.InboxQueries = (*InboxQueries)(nil)

// NewInboxQueries returns the queries over db.
func NewInboxQueries(db *gorm.DB) *InboxQueries { return &InboxQueries{db: db} }

// where builds the conditions shared by the list and the counts.
func inboxWhere(f ports.InboxFilter) (string, []any) {
	conds := []string{"true"}
	var args []any
	if f.VisibleTo != uuid.Nil {
		conds = append(conds, "(c.assignee_id IS NULL OR c.assignee_id = ?)")
		args = append(args, f.VisibleTo)
	}
	if s := strings.TrimSpace(f.Search); s != "" {
		p := likePattern(s)
		m := "c.contact_name ILIKE ? OR cu.name ILIKE ?"
		args = append(args, p, p)
		if d := phoneDigits(s); d != "" {
			m += " OR c.wa_id LIKE ?"
			args = append(args, likePattern(d))
		}
		conds = append(conds, "("+m+")")
	}
	return strings.Join(conds, " AND "), args
}

func viewCondition(v ports.InboxView, viewer uuid.UUID) (string, []any) {
	switch v {
	case ports.ViewUnassigned:
		return "c.status = 'open' AND c.assignee_id IS NULL", nil
	case ports.ViewMine:
		return "c.status = 'open' AND c.assignee_id = ?", []any{viewer}
	case ports.ViewOpen:
		return "c.status = 'open'", nil
	case ports.ViewClosed:
		return "c.status = 'closed'", nil
	}
	return "true", nil
}

type inboxRow struct {
	ID            uuid.UUID
	WaID          string
	ContactName   string
	CustomerID    *uuid.UUID
	CustomerName  sql.NullString
	Status        string
	AssigneeID    *uuid.UUID
	AssigneeName  sql.NullString
	Priority      string
	Unread        int
	LastMessageAt *time.Time
	LastPreview   string
	LastInboundAt *time.Time
	NumberName    string
	NumberColor   string
}

// Inbox implements ports.InboxQueries.
func (q *InboxQueries) Inbox(ctx context.Context, f ports.InboxFilter) ([]ports.InboxRow, error) {
	where, args := inboxWhere(f)
	view, vargs := viewCondition(f.View, f.Viewer)
	order := "DESC"
	if f.Oldest {
		order = "ASC"
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	query := `SELECT c.id, c.wa_id, c.contact_name, c.customer_id, cu.name AS customer_name, c.status, c.assignee_id,
			u.name AS assignee_name, c.priority, c.unread, c.last_message_at, c.last_preview, c.last_inbound_at,
			n.display_name AS number_name, n.color AS number_color
		FROM conversations c
		JOIN whatsapp_numbers n ON n.id = c.number_id
		LEFT JOIN customers cu ON cu.id = c.customer_id
		LEFT JOIN users u ON u.id = c.assignee_id
		WHERE ` + where + ` AND ` + view + `
		ORDER BY coalesce(c.last_message_at, '-infinity'::timestamptz) ` + order + `, c.id ` + order + `
		LIMIT ` + fmt.Sprint(limit)
	var rows []inboxRow
	if err := q.db.WithContext(ctx).Raw(query, append(args, vargs...)...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	out := make([]ports.InboxRow, len(rows))
	for i, r := range rows {
		out[i] = ports.InboxRow{
			ConversationID: r.ID, WaID: r.WaID, ContactName: r.ContactName, CustomerName: r.CustomerName.String,
			Status: conversation.Status(r.Status), AssigneeName: r.AssigneeName.String, Priority: conversation.Priority(r.Priority),
			Unread: r.Unread, LastPreview: r.LastPreview, NumberName: r.NumberName, NumberColor: r.NumberColor,
		}
		if r.CustomerID != nil {
			out[i].CustomerID = *r.CustomerID
		}
		if r.AssigneeID != nil {
			out[i].AssigneeID = *r.AssigneeID
		}
		if r.LastMessageAt != nil {
			out[i].LastMessageAt = *r.LastMessageAt
		}
		if r.LastInboundAt != nil {
			out[i].LastInboundAt = *r.LastInboundAt
		}
	}
	return out, nil
}

// InboxCounts implements ports.InboxQueries.
func (q *InboxQueries) InboxCounts(ctx context.Context, f ports.InboxFilter) (ports.InboxCounts, error) {
	where, args := inboxWhere(f)
	join := ""
	if strings.TrimSpace(f.Search) != "" {
		join = "LEFT JOIN customers cu ON cu.id = c.customer_id"
	}
	var out struct {
		Unassigned, Mine, Open, Closed, All int
	}
	query := `SELECT
			count(*) FILTER (WHERE c.status = 'open' AND c.assignee_id IS NULL) AS unassigned,
			count(*) FILTER (WHERE c.status = 'open' AND c.assignee_id = ?) AS mine,
			count(*) FILTER (WHERE c.status = 'open') AS open,
			count(*) FILTER (WHERE c.status = 'closed') AS closed,
			count(*) AS all
		FROM conversations c ` + join + ` WHERE ` + where
	if err := q.db.WithContext(ctx).Raw(query, append([]any{f.Viewer}, args...)...).Scan(&out).Error; err != nil {
		return ports.InboxCounts{}, fmt.Errorf("inbox counts: %w", err)
	}
	return ports.InboxCounts(out), nil
}
