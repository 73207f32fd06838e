package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/ports"
)

// CampaignDeps are the campaign and segment use cases.
type CampaignDeps struct {
	Create   *application.CreateCampaign
	Control  *application.ControlCampaign
	Queries  *application.CampaignQueries
	Preview  *application.PreviewAudience
	Segments *application.Segments
}

func (h *handlers) campaignRoutes(read, write *gin.RouterGroup) {
	if h.Campaigns.Queries == nil {
		return
	}
	h.segmentRoutes(read, write)
	read.GET("/campaigns", h.listCampaigns)
	write.POST("/campaigns", h.createCampaign)
	read.GET("/campaigns/:id", h.getCampaign)
	write.POST("/campaigns/:id/pause", h.pauseCampaign)
	write.POST("/campaigns/:id/resume", h.resumeCampaign)
	write.POST("/campaigns/:id/cancel", h.cancelCampaign)
	read.GET("/campaigns/:id/recipients", h.campaignRecipients)
	read.GET("/campaigns/:id/recipients.csv", h.exportRecipients)
}

// CampaignVariable is where the value of one template variable comes from.
type CampaignVariable struct {
	Source string `json:"source" enums:"customer.first_name,customer.name,customer.external_id,account.overdue_total,account.balance_total,account.overdue_count,account.oldest_due_date,account.due_date,account.days_overdue,account.overdue_invoices,payment_link,text" example:"customer.first_name"`
	Text   string `json:"text,omitempty" example:"Equipo de cartera"` // for source text
} // @name CampaignVariable

// CampaignRequest creates a campaign: an approved template sent to groups
// or to a saved segment, now or at scheduled_at.
type CampaignRequest struct {
	Name     string `json:"name" example:"Vencidos +30 noviembre"`
	Template string `json:"template" example:"recordatorio_pago"`
	Language string `json:"language" example:"es"`
	// Variables fill the template's body {{1}}…{{n}}, in order.
	Variables []CampaignVariable `json:"variables"`
	// Groups or SegmentID (not both) is the audience.
	Groups    []string `json:"groups,omitempty" example:"6f1c2d1e-8a47-4c55-9d3b-5b0f3c1e7a01"`
	SegmentID string   `json:"segment_id,omitempty" example:"0194a3c0-7a1e-7d2b-9f00-3c1e7a016f1c"`
	// ScheduledAt is when to send (RFC 3339); left out, the campaign starts now.
	ScheduledAt string `json:"scheduled_at,omitempty" example:"2026-11-25T09:00:00-05:00"`
	// RetryIntervals are the waits before each retry of a send that failed for a passing reason (default 1h, 3h, 6h; [] for none).
	RetryIntervals []string `json:"retry_intervals,omitempty" example:"1h,3h,6h"`
	// FailureGroupID is a group that customers still failing after the last retry join.
	FailureGroupID string `json:"failure_group_id,omitempty"`
} // @name CampaignRequest

// CampaignCounters count a campaign's recipients. Messages are the
// recipients not skipped; rates are over messages, written "33.33% 1/3".
type CampaignCounters struct {
	Recipients   int    `json:"recipients" example:"4"`
	Messages     int    `json:"messages" example:"3"`
	Sent         int    `json:"sent" example:"3"`
	Delivered    int    `json:"delivered" example:"1"`
	Read         int    `json:"read" example:"1"`
	Failed       int    `json:"failed" example:"0"`
	Skipped      int    `json:"skipped" example:"1"`
	Pending      int    `json:"pending" example:"0"`
	DeliveryRate string `json:"delivery_rate" example:"33.33% 1/3"`
	ReadRate     string `json:"read_rate" example:"33.33% 1/3"`
} // @name CampaignCounters

func countersDTO(c campaign.Counters) CampaignCounters {
	return CampaignCounters{
		Recipients: c.Recipients, Messages: c.Messages(), Sent: c.Sent, Delivered: c.Delivered, Read: c.Read, Failed: c.Failed,
		Skipped: c.Skipped, Pending: c.Pending, DeliveryRate: c.DeliveryRate().String(), ReadRate: c.ReadRate().String(),
	}
}

// CampaignAudience is who a campaign is for.
type CampaignAudience struct {
	Groups      []uuid.UUID      `json:"groups,omitempty"`
	SegmentID   *uuid.UUID       `json:"segment_id,omitempty"`
	SegmentName string           `json:"segment_name,omitempty" example:"Vencidos más de 30 días"`
	Criteria    *SegmentCriteria `json:"criteria,omitempty"` // the segment's criteria when the campaign was made
} // @name CampaignAudience

// Campaign is a bulk send of one template, with its counters. Times are in
// the organization's time zone.
type Campaign struct {
	ID             uuid.UUID          `json:"id"`
	Kind           string             `json:"kind" enums:"campaign,dunning"`
	Name           string             `json:"name" example:"Vencidos +30 noviembre"`
	Template       string             `json:"template" example:"recordatorio_pago"`
	Language       string             `json:"language" example:"es"`
	Variables      []CampaignVariable `json:"variables"`
	Audience       CampaignAudience   `json:"audience"`
	Status         string             `json:"status" enums:"scheduled,running,paused,finished,cancelled"` // running is "in progress"
	ScheduledAt    time.Time          `json:"scheduled_at"`
	RetryIntervals []string           `json:"retry_intervals" example:"1h,3h,6h"`
	FailureGroupID *uuid.UUID         `json:"failure_group_id,omitempty"`
	CreatedAt      time.Time          `json:"created_at"`
	StartedAt      *time.Time         `json:"started_at,omitempty"`
	FinishedAt     *time.Time         `json:"finished_at,omitempty"`
	Counters       CampaignCounters   `json:"counters"`
	// Preview is the message body as the first recipient (or audience member) reads it; only on a single campaign.
	Preview string `json:"preview,omitempty" example:"Hola María, te recordamos que tienes $ 1.250.000 pendiente con vencimiento 15/10/2026."`
} // @name Campaign

// CampaignPage is a page of campaigns, newest first.
type CampaignPage struct {
	Items      []Campaign `json:"items"`
	NextCursor string     `json:"next_cursor,omitempty"`
} // @name CampaignPage

func (h *handlers) inOrg(t time.Time) time.Time {
	if h.Org.Location == nil {
		return t
	}
	return t.In(h.Org.Location)
}

func (h *handlers) optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	in := h.inOrg(t)
	return &in
}

func (h *handlers) campaignDTO(row ports.CampaignRow) Campaign {
	c := row.Campaign
	d := c.Details()
	out := Campaign{
		ID: c.ID(), Kind: string(c.Kind()), Name: c.Name(), Template: d.Template, Language: d.Language, Status: string(c.Status()),
		ScheduledAt: h.inOrg(d.ScheduledAt), CreatedAt: h.inOrg(c.CreatedAt()), StartedAt: h.optTime(c.StartedAt()),
		FinishedAt: h.optTime(c.FinishedAt()), Counters: countersDTO(row.Counters),
		Variables: make([]CampaignVariable, len(d.Variables)), RetryIntervals: make([]string, len(d.RetryIntervals)),
		Audience: CampaignAudience{Groups: d.Audience.Groups, SegmentName: d.Audience.SegmentName},
	}
	for i, v := range d.Variables {
		out.Variables[i] = CampaignVariable{Source: string(v.Source), Text: v.Text}
	}
	for i, r := range d.RetryIntervals {
		out.RetryIntervals[i] = FormatInterval(r)
	}
	if d.Audience.SegmentID != uuid.Nil {
		id := d.Audience.SegmentID
		crit := criteriaDTO(d.Audience.Criteria)
		out.Audience.SegmentID, out.Audience.Criteria = &id, &crit
	}
	if d.FailureGroupID != uuid.Nil {
		id := d.FailureGroupID
		out.FailureGroupID = &id
	}
	return out
}

// FormatInterval writes a retry interval the way people write it: 1h, 90m, 1m30s.
func FormatInterval(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	case d%time.Minute == 0:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	}
	return d.String()
}

// ParseIntervals reads retry intervals such as "1h" or "90m". Nil stays
// nil (the default intervals); an empty list means no retries.
func ParseIntervals(ss []string) ([]time.Duration, error) {
	if ss == nil {
		return nil, nil
	}
	out := make([]time.Duration, 0, len(ss))
	for _, s := range ss {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			return nil, campaign.ErrInvalid.New("retry interval " + strconv.Quote(s) + " is not a duration such as 1h or 90m")
		}
		out = append(out, d)
	}
	return out, nil
}

var variableSources = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range campaign.Sources() {
		m[string(s)] = true
	}
	return m
}()

// createCampaign godoc
//
//	@Summary		Create a campaign
//	@Description	The template must be approved and get one variable per body {{n}}. The audience is groups or a saved segment, resolved when the campaign starts: opted-out customers, customers without a WhatsApp number and repeated numbers are skipped. Without scheduled_at it starts now.
//	@Tags			campaigns
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			campaign	body		CampaignRequest	true	"the campaign"
//	@Success		201			{object}	Campaign
//	@Failure		400			{object}	ErrorBody
//	@Failure		404			{object}	ErrorBody
//	@Failure		422			{object}	ErrorBody
//	@Router			/api/v1/campaigns [post]
func (h *handlers) createCampaign(c *gin.Context) {
	var in CampaignRequest
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	cmd, err := h.campaignCommand(in)
	if err != nil {
		_ = c.Error(err)
		return
	}
	ctx := c.Request.Context()
	created, err := h.Campaigns.Create.Handle(ctx, cmd)
	if err != nil {
		_ = c.Error(err)
		return
	}
	row, err := h.Campaigns.Queries.Get(ctx, created.ID())
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.Header("Location", "/api/v1/campaigns/"+created.ID().String())
	c.JSON(http.StatusCreated, h.campaignDTO(row))
}

func (h *handlers) campaignCommand(in CampaignRequest) (application.CreateCampaignCommand, error) {
	cmd := application.CreateCampaignCommand{Name: in.Name, Template: strings.TrimSpace(in.Template), Language: strings.TrimSpace(in.Language)}
	var err error
	if cmd.Groups, err = parseIDs("groups", in.Groups); err != nil {
		return cmd, err
	}
	if cmd.SegmentID, err = optionalID("segment_id", in.SegmentID); err != nil {
		return cmd, err
	}
	if cmd.FailureGroupID, err = optionalID("failure_group_id", in.FailureGroupID); err != nil {
		return cmd, err
	}
	if s := strings.TrimSpace(in.ScheduledAt); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return cmd, errBadRequest("invalid_time", errors.New("scheduled_at must be an RFC 3339 time such as 2026-11-25T09:00:00-05:00"))
		}
		cmd.ScheduledAt = t
	}
	if cmd.RetryIntervals, err = ParseIntervals(in.RetryIntervals); err != nil {
		return cmd, err
	}
	for i, v := range in.Variables {
		src := strings.TrimSpace(v.Source)
		if !variableSources[src] {
			return cmd, campaign.ErrInvalid.New("variable {{" + strconv.Itoa(i+1) + "}}: unknown source " + strconv.Quote(v.Source))
		}
		cmd.Variables = append(cmd.Variables, campaign.Variable{Source: campaign.Source(src), Text: v.Text})
	}
	if cmd.Template == "" {
		return cmd, campaign.ErrInvalid.New("template is required: the name of an approved template")
	}
	return cmd, nil
}

// listCampaigns godoc
//
//	@Summary	List campaigns, newest first, with their counters
//	@Tags		campaigns
//	@Produce	json
//	@Security	BearerAuth
//	@Param		search	query		string	false	"part of the name or template"
//	@Param		status	query		string	false	"scheduled, running, paused, finished or cancelled"
//	@Param		kind	query		string	false	"campaign (default), dunning or all"
//	@Param		limit	query		int		false	"page size, 1 to 500 (default 50)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	CampaignPage
//	@Failure	400		{object}	ErrorBody
//	@Failure	401		{object}	ErrorBody
//	@Router		/api/v1/campaigns [get]
func (h *handlers) listCampaigns(c *gin.Context) {
	p, err := page(c)
	if err != nil {
		_ = c.Error(err)
		return
	}
	f := ports.CampaignFilter{Search: strings.TrimSpace(c.Query("search")), Before: p.After, Limit: p.Limit, Kind: campaign.Broadcast}
	switch k := strings.TrimSpace(c.Query("kind")); k {
	case "", string(campaign.Broadcast):
	case string(campaign.Dunning):
		f.Kind = campaign.Dunning
	case "all":
		f.Kind = ""
	default:
		_ = c.Error(errBadRequest("invalid_kind", errors.New("kind must be campaign, dunning or all")))
		return
	}
	if s := c.Query("status"); s != "" {
		if f.Status, err = campaign.ParseStatus(s); err != nil {
			_ = c.Error(errBadRequest("invalid_status", err))
			return
		}
	}
	rows, more, err := h.Campaigns.Queries.List(c.Request.Context(), f)
	if err != nil {
		_ = c.Error(err)
		return
	}
	var out CampaignPage
	out.Items, out.NextCursor = pageItems(rows, more, func(r ports.CampaignRow) uuid.UUID { return r.Campaign.ID() }, h.campaignDTO)
	c.JSON(http.StatusOK, out)
}

// getCampaign godoc
//
//	@Summary	Get a campaign with its counters and a preview of its message
//	@Tags		campaigns
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"campaign id (UUID)"
//	@Success	200	{object}	Campaign
//	@Failure	400	{object}	ErrorBody
//	@Failure	404	{object}	ErrorBody
//	@Router		/api/v1/campaigns/{id} [get]
func (h *handlers) getCampaign(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	ctx := c.Request.Context()
	row, err := h.Campaigns.Queries.Get(ctx, id)
	if err != nil {
		_ = c.Error(err)
		return
	}
	out := h.campaignDTO(row)
	// The template may have been deleted since: the campaign still shows.
	switch p, err := h.Campaigns.Queries.MessagePreview(ctx, application.PreviewRequest{CampaignID: id}); {
	case err == nil:
		out.Preview = p.Body
	case domain.KindOf(err) == domain.KindInternal:
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, out)
}

// pauseCampaign godoc
//
//	@Summary		Pause a running campaign
//	@Description	Sends under way finish; nothing more goes out until it is resumed. A campaign that is not running is a 409.
//	@Tags			campaigns
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"campaign id (UUID)"
//	@Success		200	{object}	Campaign
//	@Failure		400	{object}	ErrorBody
//	@Failure		404	{object}	ErrorBody
//	@Failure		409	{object}	ErrorBody
//	@Router			/api/v1/campaigns/{id}/pause [post]
func (h *handlers) pauseCampaign(c *gin.Context) { h.controlCampaign(c, h.Campaigns.Control.Pause) }

// resumeCampaign godoc
//
//	@Summary		Resume a paused campaign
//	@Description	A campaign that is not paused is a 409.
//	@Tags			campaigns
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"campaign id (UUID)"
//	@Success		200	{object}	Campaign
//	@Failure		400	{object}	ErrorBody
//	@Failure		404	{object}	ErrorBody
//	@Failure		409	{object}	ErrorBody
//	@Router			/api/v1/campaigns/{id}/resume [post]
func (h *handlers) resumeCampaign(c *gin.Context) { h.controlCampaign(c, h.Campaigns.Control.Resume) }

// cancelCampaign godoc
//
//	@Summary		Cancel a campaign for good
//	@Description	Recipients not sent yet are skipped (reason cancelled). A finished or cancelled campaign is a 409.
//	@Tags			campaigns
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"campaign id (UUID)"
//	@Success		200	{object}	Campaign
//	@Failure		400	{object}	ErrorBody
//	@Failure		404	{object}	ErrorBody
//	@Failure		409	{object}	ErrorBody
//	@Router			/api/v1/campaigns/{id}/cancel [post]
func (h *handlers) cancelCampaign(c *gin.Context) { h.controlCampaign(c, h.Campaigns.Control.Cancel) }

func (h *handlers) controlCampaign(c *gin.Context, act func(ctx context.Context, id uuid.UUID) (*campaign.Campaign, error)) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	ctx := c.Request.Context()
	if _, err := act(ctx, id); err != nil {
		_ = c.Error(err)
		return
	}
	row, err := h.Campaigns.Queries.Get(ctx, id)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, h.campaignDTO(row))
}

// RecipientError is why WhatsApp refused or failed a message: Meta's code, title and detail.
type RecipientError struct {
	Code   int    `json:"code" example:"131026"`
	Title  string `json:"title" example:"Message undeliverable"`
	Detail string `json:"detail,omitempty"`
} // @name RecipientError

// CampaignRecipient is one customer a campaign sends to. Times are in the
// organization's time zone.
type CampaignRecipient struct {
	ID         uuid.UUID       `json:"id"`
	CustomerID uuid.UUID       `json:"customer_id"`
	Contact    string          `json:"contact" example:"María Fernanda Ruiz"`
	Phone      string          `json:"phone,omitempty" example:"+573001234567"`
	Status     string          `json:"status" enums:"pending,sending,sent,delivered,read,failed,skipped"`
	SkipReason string          `json:"skip_reason,omitempty" enums:"opted_out,no_phone,duplicate_phone,cancelled"`
	Attempts   int             `json:"attempts" example:"1"`
	Retries    int             `json:"retries" example:"0"` // attempts after the first
	WAMID      string          `json:"wamid,omitempty"`
	Error      *RecipientError `json:"error,omitempty"`
	NextTryAt  *time.Time      `json:"next_attempt_at,omitempty"`
	SentAt     *time.Time      `json:"sent_at,omitempty"`
	DeliverAt  *time.Time      `json:"delivered_at,omitempty"`
	ReadAt     *time.Time      `json:"read_at,omitempty"`
	UpdatedAt  time.Time       `json:"updated_at"`
} // @name CampaignRecipient

// CampaignRecipientPage is a page of a campaign's recipients.
type CampaignRecipientPage struct {
	Items      []CampaignRecipient `json:"items"`
	NextCursor string              `json:"next_cursor,omitempty"`
} // @name CampaignRecipientPage

func phoneOf(waID string) string {
	if waID == "" {
		return ""
	}
	return "+" + waID
}

func (h *handlers) recipientDTO(r campaign.RecipientSnapshot) CampaignRecipient {
	out := CampaignRecipient{
		ID: r.ID, CustomerID: r.CustomerID, Contact: r.Contact, Phone: phoneOf(r.WaID), Status: string(r.Status), SkipReason: r.SkipReason,
		Attempts: r.Attempts, Retries: max(r.Attempts-1, 0), WAMID: r.WAMID, SentAt: h.optTime(r.SentAt), DeliverAt: h.optTime(r.DeliveredAt),
		ReadAt: h.optTime(r.ReadAt), UpdatedAt: h.inOrg(r.UpdatedAt),
	}
	if r.Status == campaign.Pending {
		out.NextTryAt = h.optTime(r.NextAttemptAt)
	}
	if r.Failure != nil {
		out.Error = &RecipientError{Code: r.Failure.Code, Title: r.Failure.Title, Detail: r.Failure.Detail}
	}
	return out
}

// ParseRecipientStatus reads a recipient status filter.
func ParseRecipientStatus(s string) (campaign.RecipientStatus, error) {
	st := campaign.RecipientStatus(strings.ToLower(strings.TrimSpace(s)))
	switch st {
	case campaign.Pending, campaign.Sending, campaign.Sent, campaign.Delivered, campaign.Read, campaign.Failed, campaign.Skipped:
		return st, nil
	}
	return "", errors.New("status must be pending, sending, sent, delivered, read, failed or skipped")
}

// campaignRecipients godoc
//
//	@Summary	List a campaign's recipients
//	@Tags		campaigns
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id		path		string	true	"campaign id (UUID)"
//	@Param		status	query		string	false	"pending, sending, sent, delivered, read, failed or skipped"
//	@Param		search	query		string	false	"part of the contact's name or number"
//	@Param		limit	query		int		false	"page size, 1 to 500 (default 50)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	CampaignRecipientPage
//	@Failure	400		{object}	ErrorBody
//	@Failure	404		{object}	ErrorBody
//	@Router		/api/v1/campaigns/{id}/recipients [get]
func (h *handlers) campaignRecipients(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	p, err := page(c)
	if err != nil {
		_ = c.Error(err)
		return
	}
	f := ports.RecipientFilter{Page: p, CampaignID: id, Search: strings.TrimSpace(c.Query("search"))}
	if s := c.Query("status"); s != "" {
		if f.Status, err = ParseRecipientStatus(s); err != nil {
			_ = c.Error(errBadRequest("invalid_status", err))
			return
		}
	}
	rows, more, err := h.Campaigns.Queries.Recipients(c.Request.Context(), f)
	if err != nil {
		_ = c.Error(err)
		return
	}
	var out CampaignRecipientPage
	out.Items, out.NextCursor = pageItems(rows, more, func(r ports.RecipientRow) uuid.UUID { return r.ID },
		func(r ports.RecipientRow) CampaignRecipient { return h.recipientDTO(r.RecipientSnapshot) })
	c.JSON(http.StatusOK, out)
}

// exportRecipients godoc
//
//	@Summary		Export every recipient of a campaign as CSV
//	@Description	Streamed, in recipient order. Columns: contact, phone, customer_external_id, status, skip_reason, attempts, wamid, error_code, error_reason, sent_at, delivered_at, read_at, last_update; times in RFC 3339 in the organization's time zone. UTF-8 with a byte order mark so spreadsheets read accents.
//	@Tags			campaigns
//	@Produce		text/csv
//	@Security		BearerAuth
//	@Param			id	path		string	true	"campaign id (UUID)"
//	@Success		200	{string}	string	"the CSV"
//	@Failure		400	{object}	ErrorBody
//	@Failure		404	{object}	ErrorBody
//	@Router			/api/v1/campaigns/{id}/recipients.csv [get]
func (h *handlers) exportRecipients(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	ctx := c.Request.Context()
	row, err := h.Campaigns.Queries.Get(ctx, id)
	if err != nil {
		_ = c.Error(err)
		return
	}
	if err := StreamRecipientsCSV(c, h.Campaigns.Queries, row.Campaign); err != nil {
		h.Log.ErrorContext(ctx, "export campaign recipients", slog.String("campaign_id", id.String()), slog.Any("error", err))
	}
}

// StreamRecipientsCSV writes campaign c's recipients to the answer as a CSV
// attachment. Once the first byte is out an error can only cut the file short.
func StreamRecipientsCSV(ctx *gin.Context, q *application.CampaignQueries, c *campaign.Campaign) error {
	ctx.Header("Content-Type", "text/csv; charset=utf-8")
	ctx.Header("Content-Disposition", `attachment; filename="`+application.ExportFilename(c.Name())+`"`)
	ctx.Header("Cache-Control", "no-store")
	ctx.Status(http.StatusOK)
	return q.WriteCSV(ctx.Request.Context(), c.ID(), ctx.Writer, ctx.Writer.Flush)
}
