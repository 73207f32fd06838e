package console

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/invoice"
	"github.com/saldocrm/saldo/domain/money"
)

func (c *console) segmentRoutes(g *gin.RouterGroup) {
	sg := g.Group("/segments", c.requireReports)
	sg.GET("", c.segmentsPage)
	sg.POST("", c.saveSegment)
	sg.GET("/:id", c.segmentsPage)
	sg.POST("/:id", c.saveSegment)
	sg.POST("/:id/delete", c.deleteSegment)
}

// SegmentForm is what a segment form posts, kept to show it again. The
// fields are prefixed seg_ so the builder can sit inside the campaign form.
type SegmentForm struct {
	Name       string
	MinDays    string
	MinOverdue string
	Currency   string
	Buckets    []string
	Tags       string
	NoPromise  bool
}

func readSegmentForm(ctx *gin.Context) SegmentForm {
	return SegmentForm{
		Name: strings.TrimSpace(ctx.PostForm("seg_name")), MinDays: strings.TrimSpace(ctx.PostForm("seg_min_days")),
		MinOverdue: strings.TrimSpace(ctx.PostForm("seg_min_overdue")), Currency: strings.TrimSpace(ctx.PostForm("seg_currency")),
		Buckets: ctx.PostFormArray("seg_bucket"), Tags: ctx.PostForm("seg_tags"), NoPromise: ctx.PostForm("seg_no_promise") != "",
	}
}

// Empty reports whether no criterion was filled in.
func (f SegmentForm) Empty() bool {
	return f.MinDays == "" && f.MinOverdue == "" && f.Currency == "" && len(f.Buckets) == 0 && strings.TrimSpace(f.Tags) == "" && !f.NoPromise
}

// criteria reads the criteria; problems are in words.
func (f SegmentForm) criteria(l Lang) (campaign.Criteria, []string) {
	var problems []string
	var cr campaign.Criteria
	if f.MinDays != "" {
		n, err := strconv.Atoi(f.MinDays)
		if err != nil || n < 0 || n > 3650 {
			problems = append(problems, T(l, "seg_err_days"))
		}
		cr.MinDaysOverdue = n
	}
	if f.Currency != "" {
		cur, err := money.ParseCurrency(f.Currency)
		if err != nil {
			problems = append(problems, explain(l, err))
		}
		cr.Currency = cur
	}
	if amount := strings.ReplaceAll(f.MinOverdue, " ", ""); amount != "" {
		if f.Currency == "" {
			problems = append(problems, T(l, "seg_err_currency"))
		} else if m, ok := moneyOK(amount, f.Currency); !ok || m.IsNegative() {
			problems = append(problems, T(l, "seg_err_amount"))
		} else {
			cr.MinOverdue = m
		}
	}
	for _, b := range f.Buckets {
		if bucket, err := invoice.ParseBucket(b); err == nil {
			cr.Buckets = append(cr.Buckets, bucket)
		}
	}
	for _, t := range strings.Split(f.Tags, ",") {
		if t = strings.TrimSpace(t); t != "" {
			cr.Tags = append(cr.Tags, t)
		}
	}
	cr.NoPendingPromise = f.NoPromise
	return cr, problems
}

// formOf fills a form from a saved segment.
func formOf(s *campaign.Segment) SegmentForm {
	cr := s.Criteria()
	f := SegmentForm{Name: s.Name(), Tags: strings.Join(cr.Tags, ", "), NoPromise: cr.NoPendingPromise}
	if cr.MinDaysOverdue > 0 {
		f.MinDays = strconv.Itoa(cr.MinDaysOverdue)
	}
	if !cr.Currency.IsZero() {
		f.Currency = cr.Currency.Code()
	}
	if !cr.MinOverdue.Currency().IsZero() {
		f.MinOverdue, f.Currency = cr.MinOverdue.StringFixed(), cr.MinOverdue.Currency().Code()
	}
	for _, b := range cr.Buckets {
		f.Buckets = append(f.Buckets, string(b))
	}
	return f
}

// SegmentFormView is a segment form with its choices.
type SegmentFormView struct {
	Form       SegmentForm
	Currencies []string
	Buckets    []string
}

func segmentFormView(f SegmentForm) SegmentFormView {
	v := SegmentFormView{Form: f, Currencies: currencies}
	if f.Currency != "" && !strings.Contains(strings.Join(currencies, ","), f.Currency) {
		v.Currencies = append([]string{f.Currency}, currencies...)
	}
	for _, b := range invoice.Buckets {
		v.Buckets = append(v.Buckets, string(b))
	}
	return v
}

// SegmentsView is the segment list and its form (new, or the one edited).
type SegmentsView struct {
	Segments []*campaign.Segment
	Editing  *campaign.Segment
	Form     SegmentFormView
	Errors   []string
	Notice   string
}

func (c *console) segmentsPage(ctx *gin.Context) {
	v := SegmentsView{}
	if id := ctx.Param("id"); id != "" {
		sid, err := uuid.Parse(id)
		if err != nil {
			ctx.String(http.StatusNotFound, T(c.lang(ctx), "not_found"))
			return
		}
		s, err := c.Campaigns.Segments.Get(ctx.Request.Context(), sid)
		if err != nil {
			c.fail(ctx, err)
			return
		}
		v.Editing, v.Form = s, segmentFormView(formOf(s))
	} else {
		v.Form = segmentFormView(SegmentForm{})
	}
	if n := ctx.Query("saved"); n != "" {
		v.Notice = T(c.lang(ctx), "seg_saved", n)
	}
	c.renderSegments(ctx, http.StatusOK, v)
}

func (c *console) renderSegments(ctx *gin.Context, status int, v SegmentsView) {
	segs, err := c.Campaigns.Segments.List(ctx.Request.Context())
	if err != nil {
		c.fail(ctx, err)
		return
	}
	v.Segments = segs
	c.render(ctx, status, "segments.html", c.page(ctx, "campaigns", T(c.lang(ctx), "segments"), v))
}

// wantsJSON reports whether the caller is the campaign form's script.
func wantsJSON(ctx *gin.Context) bool {
	return strings.Contains(ctx.GetHeader("Accept"), "application/json")
}

// saveSegment creates (no id) or changes a segment. The campaign form's
// inline builder calls it for JSON, or posts to it with back=new to come
// back to the form with the new segment chosen.
func (c *console) saveSegment(ctx *gin.Context) {
	l := c.lang(ctx)
	id := uuid.Nil
	if s := ctx.Param("id"); s != "" {
		var err error
		if id, err = uuid.Parse(s); err != nil {
			ctx.String(http.StatusNotFound, T(l, "not_found"))
			return
		}
	}
	f := readSegmentForm(ctx)
	cr, problems := f.criteria(l)
	if f.Name == "" {
		problems = append([]string{T(l, "seg_err_name")}, problems...)
	}
	var saved *campaign.Segment
	if len(problems) == 0 {
		s, err := c.Campaigns.Segments.Save(ctx.Request.Context(), id, f.Name, cr)
		switch {
		case err == nil:
			saved = s
		case isInternal(err):
			c.fail(ctx, err)
			return
		default:
			problems = explainAll(l, err)
		}
	}
	if wantsJSON(ctx) {
		if saved == nil {
			ctx.JSON(http.StatusUnprocessableEntity, gin.H{"error": strings.Join(problems, " ")})
			return
		}
		ctx.JSON(http.StatusOK, gin.H{"id": saved.ID().String(), "name": saved.Name(), "criteria": describeCriteria(l, saved.Criteria())})
		return
	}
	if saved == nil {
		v := SegmentsView{Form: segmentFormView(f), Errors: problems}
		if id != uuid.Nil {
			s, err := c.Campaigns.Segments.Get(ctx.Request.Context(), id)
			if err != nil {
				c.fail(ctx, err)
				return
			}
			v.Editing = s
		}
		c.renderSegments(ctx, http.StatusUnprocessableEntity, v)
		return
	}
	if ctx.Query("back") == "new" {
		ctx.Redirect(http.StatusSeeOther, "/campaigns/new?segment_id="+saved.ID().String())
		return
	}
	ctx.Redirect(http.StatusSeeOther, "/segments?saved="+urlEscape(saved.Name()))
}

func (c *console) deleteSegment(ctx *gin.Context) {
	id, err := uuid.Parse(ctx.Param("id"))
	if err != nil {
		ctx.String(http.StatusNotFound, T(c.lang(ctx), "not_found"))
		return
	}
	if err := c.Campaigns.Segments.Delete(ctx.Request.Context(), id); err != nil {
		c.fail(ctx, err)
		return
	}
	ctx.Redirect(http.StatusSeeOther, "/segments")
}
