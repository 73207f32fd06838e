package api

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
)

// SegmentCriteria select customers by their ledger on the organization's
// today. Fields left out do not filter; a customer must match every one set.
type SegmentCriteria struct {
	// MinDaysOverdue keeps customers with an open invoice at least this many days past due (31: "overdue more than 30 days").
	MinDaysOverdue int `json:"min_days_overdue,omitempty" example:"31"`
	// Currency restricts the overdue invoices looked at to one currency (ISO 4217).
	Currency string `json:"currency,omitempty" example:"COP"`
	// MinOverdue keeps customers whose overdue balance in currency is at least this much (a decimal string; needs currency).
	MinOverdue Amount `json:"min_overdue,omitempty" swaggertype:"string" example:"500000"`
	// AgingBuckets keeps customers with an open balance in one of these buckets.
	AgingBuckets []string `json:"aging_buckets,omitempty" enums:"current,1-30,31-60,61-90,90+" example:"31-60,61-90"`
	// Tags keeps customers with at least one of these tags.
	Tags []string `json:"tags,omitempty" example:"vip"`
	// NoPendingPromise leaves out customers with a promise to pay pending.
	NoPendingPromise bool `json:"no_pending_promise,omitempty" example:"true"`
} // @name SegmentCriteria

// toDomain reads the criteria; the domain checks the rules.
func (in SegmentCriteria) toDomain() (campaign.Criteria, error) {
	c := campaign.Criteria{MinDaysOverdue: in.MinDaysOverdue, Tags: in.Tags, NoPendingPromise: in.NoPendingPromise}
	code := strings.ToUpper(strings.TrimSpace(in.Currency))
	if amount := strings.TrimSpace(string(in.MinOverdue)); amount != "" {
		if code == "" {
			return c, campaign.ErrInvalidSegment.New("min_overdue needs a currency")
		}
		m, err := money.Parse(amount, code)
		if err != nil {
			return c, err
		}
		c.MinOverdue = m
	}
	if code != "" {
		cur, err := money.ParseCurrency(code)
		if err != nil {
			return c, err
		}
		c.Currency = cur
	}
	for _, b := range in.AgingBuckets {
		bucket, err := invoice.ParseBucket(b)
		if err != nil {
			return c, err
		}
		c.Buckets = append(c.Buckets, bucket)
	}
	return c, nil
}

func criteriaDTO(c campaign.Criteria) SegmentCriteria {
	out := SegmentCriteria{MinDaysOverdue: c.MinDaysOverdue, Tags: c.Tags, NoPendingPromise: c.NoPendingPromise}
	if !c.Currency.IsZero() {
		out.Currency = c.Currency.Code()
	}
	if !c.MinOverdue.Currency().IsZero() {
		out.MinOverdue = Amount(c.MinOverdue.StringFixed())
		out.Currency = c.MinOverdue.Currency().Code()
	}
	for _, b := range c.Buckets {
		out.AgingBuckets = append(out.AgingBuckets, string(b))
	}
	return out
}

// Segment is a saved ledger segment, such as "overdue more than 30 days".
type Segment struct {
	ID        uuid.UUID       `json:"id"`
	Name      string          `json:"name" example:"Vencidos más de 30 días"`
	Criteria  SegmentCriteria `json:"criteria"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
} // @name Segment

func segmentDTO(s *campaign.Segment) Segment {
	return Segment{ID: s.ID(), Name: s.Name(), Criteria: criteriaDTO(s.Criteria()), CreatedAt: s.CreatedAt(), UpdatedAt: s.UpdatedAt()}
}

// SegmentInput creates or changes a segment. Names are 1 to 120 characters
// and unique.
type SegmentInput struct {
	Name     string          `json:"name" example:"Vencidos más de 30 días"`
	Criteria SegmentCriteria `json:"criteria"`
} // @name SegmentInput

// SegmentList is every saved segment, by name.
type SegmentList struct {
	Items []Segment `json:"items"`
} // @name SegmentList

// AudiencePreviewRequest names an audience: groups, a saved segment, or
// criteria not saved yet (exactly one of them).
type AudiencePreviewRequest struct {
	Groups    []string         `json:"groups,omitempty" example:"6f1c2d1e-8a47-4c55-9d3b-5b0f3c1e7a01"`
	SegmentID string           `json:"segment_id,omitempty"`
	Criteria  *SegmentCriteria `json:"criteria,omitempty"`
} // @name AudiencePreviewRequest

// AudiencePreview says how many customers an audience selects today, how
// many would receive the message, and how many are skipped and why
// (opted_out, no_phone, duplicate_phone).
type AudiencePreview struct {
	Customers   int            `json:"customers" example:"120"`
	WillReceive int            `json:"will_receive" example:"112"`
	Skipped     map[string]int `json:"skipped" example:"opted_out:3,no_phone:4,duplicate_phone:1"`
	Sample      []string       `json:"sample" example:"María Fernanda Ruiz,Ferretería Andina"`
} // @name AudiencePreview

func (h *handlers) segmentRoutes(read, write *gin.RouterGroup) {
	read.GET("/segments", h.listSegments)
	write.POST("/segments", h.createSegment)
	read.GET("/segments/:id", h.getSegment)
	write.PUT("/segments/:id", h.updateSegment)
	write.DELETE("/segments/:id", h.deleteSegment)
	read.POST("/audience/preview", h.previewAudience)
}

// listSegments godoc
//
//	@Summary	List saved ledger segments
//	@Tags		campaigns
//	@Produce	json
//	@Security	BearerAuth
//	@Success	200	{object}	SegmentList
//	@Failure	401	{object}	ErrorBody
//	@Router		/api/v1/segments [get]
func (h *handlers) listSegments(c *gin.Context) {
	segs, err := h.Campaigns.Segments.List(c.Request.Context())
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, SegmentList{Items: mapItems(segs, segmentDTO)})
}

// createSegment godoc
//
//	@Summary		Save a ledger segment
//	@Description	Criteria are checked: days overdue 0 to 3,650, a non-negative minimum overdue balance with its currency, known aging buckets and tags. A name another segment has is refused with 409.
//	@Tags			campaigns
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			segment	body		SegmentInput	true	"the segment"
//	@Success		201		{object}	Segment
//	@Failure		400		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/segments [post]
func (h *handlers) createSegment(c *gin.Context) {
	h.saveSegment(c, uuid.Nil)
}

// updateSegment godoc
//
//	@Summary		Rename a segment or replace its criteria
//	@Description	Campaigns already made keep the criteria they were made with.
//	@Tags			campaigns
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string			true	"segment id (UUID)"
//	@Param			segment	body		SegmentInput	true	"the new name and criteria"
//	@Success		200		{object}	Segment
//	@Failure		400		{object}	ErrorBody
//	@Failure		404		{object}	ErrorBody
//	@Failure		409		{object}	ErrorBody
//	@Failure		422		{object}	ErrorBody
//	@Router			/api/v1/segments/{id} [put]
func (h *handlers) updateSegment(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	h.saveSegment(c, id)
}

func (h *handlers) saveSegment(c *gin.Context, id uuid.UUID) {
	var in SegmentInput
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	crit, err := in.Criteria.toDomain()
	if err != nil {
		_ = c.Error(err)
		return
	}
	s, err := h.Campaigns.Segments.Save(c.Request.Context(), id, in.Name, crit)
	if err != nil {
		_ = c.Error(err)
		return
	}
	if id == uuid.Nil {
		c.Header("Location", "/api/v1/segments/"+s.ID().String())
		c.JSON(http.StatusCreated, segmentDTO(s))
		return
	}
	c.JSON(http.StatusOK, segmentDTO(s))
}

// getSegment godoc
//
//	@Summary	Get a saved segment
//	@Tags		campaigns
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"segment id (UUID)"
//	@Success	200	{object}	Segment
//	@Failure	400	{object}	ErrorBody
//	@Failure	404	{object}	ErrorBody
//	@Router		/api/v1/segments/{id} [get]
func (h *handlers) getSegment(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	s, err := h.Campaigns.Segments.Get(c.Request.Context(), id)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, segmentDTO(s))
}

// deleteSegment godoc
//
//	@Summary		Delete a saved segment
//	@Description	Campaigns made from it keep its criteria.
//	@Tags			campaigns
//	@Security		BearerAuth
//	@Param			id	path	string	true	"segment id (UUID)"
//	@Success		204
//	@Failure		400	{object}	ErrorBody
//	@Failure		404	{object}	ErrorBody
//	@Router			/api/v1/segments/{id} [delete]
func (h *handlers) deleteSegment(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		_ = c.Error(err)
		return
	}
	if err := h.Campaigns.Segments.Delete(c.Request.Context(), id); err != nil {
		_ = c.Error(err)
		return
	}
	c.Status(http.StatusNoContent)
}

// previewAudience godoc
//
//	@Summary		Preview an audience: who would receive a campaign today
//	@Description	Nothing is sent. Give groups, a saved segment_id, or criteria not saved yet.
//	@Tags			campaigns
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			audience	body		AudiencePreviewRequest	true	"the audience"
//	@Success		200			{object}	AudiencePreview
//	@Failure		400			{object}	ErrorBody
//	@Failure		404			{object}	ErrorBody
//	@Failure		422			{object}	ErrorBody
//	@Router			/api/v1/audience/preview [post]
func (h *handlers) previewAudience(c *gin.Context) {
	var in AudiencePreviewRequest
	if err := bindJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	groups, err := parseIDs("groups", in.Groups)
	if err != nil {
		_ = c.Error(err)
		return
	}
	segID, err := optionalID("segment_id", in.SegmentID)
	if err != nil {
		_ = c.Error(err)
		return
	}
	given := 0
	for _, set := range []bool{len(groups) > 0, segID != uuid.Nil, in.Criteria != nil} {
		if set {
			given++
		}
	}
	if given > 1 {
		_ = c.Error(campaign.ErrInvalid.New("the audience is groups, a segment_id or criteria: only one of them"))
		return
	}
	var crit *campaign.Criteria
	if in.Criteria != nil {
		cr, err := in.Criteria.toDomain()
		if err != nil {
			_ = c.Error(err)
			return
		}
		crit = &cr
	}
	p, err := h.Campaigns.Preview.Handle(c.Request.Context(), groups, segID, crit)
	if err != nil {
		_ = c.Error(err)
		return
	}
	out := AudiencePreview{Customers: p.Customers, WillReceive: p.WillReceive, Skipped: p.Skipped, Sample: p.Sample}
	if out.Sample == nil {
		out.Sample = []string{}
	}
	c.JSON(http.StatusOK, out)
}

// parseIDs reads a list of UUIDs named field.
func parseIDs(field string, ss []string) ([]uuid.UUID, error) {
	var out []uuid.UUID
	for _, s := range ss {
		id, err := uuid.Parse(strings.TrimSpace(s))
		if err != nil {
			return nil, errBadRequest("invalid_id", errors.New(field+" must be UUIDs; "+s+" is not one"))
		}
		out = append(out, id)
	}
	return out, nil
}

// optionalID reads a UUID that may be empty.
func optionalID(field, s string) (uuid.UUID, error) {
	if strings.TrimSpace(s) == "" {
		return uuid.Nil, nil
	}
	id, err := uuid.Parse(strings.TrimSpace(s))
	if err != nil {
		return uuid.Nil, errBadRequest("invalid_id", errors.New(field+" must be a UUID"))
	}
	return id, nil
}
