package console

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/conversation"
	"github.com/saldocrm/saldo/domain/money"
	wa "github.com/saldocrm/saldo/domain/template"
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

func (c *console) campaignRoutes(g *gin.RouterGroup) {
	if c.Campaigns == nil {
		return
	}
	cg := g.Group("/campaigns", c.requireReports)
	cg.GET("", c.campaignsPage)
	cg.GET("/new", c.newCampaignPage)
	cg.POST("", c.createCampaign)
	cg.POST("/audience", c.audiencePreview)
	cg.POST("/preview", c.messagePreview)
	cg.GET("/:id", c.campaignPage)
	cg.GET("/:id/live", c.campaignLive)
	cg.POST("/:id/pause", c.controlCampaign)
	cg.POST("/:id/resume", c.controlCampaign)
	cg.POST("/:id/cancel", c.controlCampaign)
	cg.GET("/:id/recipients.csv", c.exportCampaign)
	c.segmentRoutes(g)
}

// campaignNames caches campaign names by id for the chat's chips, one
// lookup per campaign and process: a campaign's name is fixed when it is
// made, but for a dunning step's when its policy is edited, which a chip may
// show late until the process restarts.
var campaignNames sync.Map

// campaignFuncs are the template functions of the campaign pages and of the
// chat's "reply to a campaign" chip.
func (c *console) campaignFuncs() template.FuncMap {
	return template.FuncMap{
		"campaignName": func(id uuid.UUID) string {
			if v, ok := campaignNames.Load(id); ok {
				return v.(string)
			}
			if c.Campaigns == nil {
				return ""
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			name, err := c.Campaigns.Queries.Name(ctx, id)
			if err != nil {
				return ""
			}
			campaignNames.Store(id, name)
			return name
		},
		"criteria":     describeCriteria,
		"interval":     formatInterval,
		"retries":      func(attempts int) int { return max(attempts-1, 0) },
		"failure":      failureText,
		"skipReason":   func(l Lang, reason string) string { return T(l, "skip_"+reason) },
		"cmpLive":      func(x *campaign.Campaign) bool { return live(x, c.Clock.Now()) },
		"sourceLabel":  func(l Lang, s campaign.Source) string { return T(l, "src_"+string(s)) },
		"sources":      campaign.Sources,
		"hasString":    slices.Contains[[]string],
		"plusPhone":    func(waID string) string { return plus(waID) },
		"isFinal":      func(s campaign.Status) bool { return s == campaign.Finished || s == campaign.Cancelled },
		"cmpCanPause":  func(s campaign.Status) bool { return s == campaign.Running },
		"cmpCanResume": func(s campaign.Status) bool { return s == campaign.Paused },
		"varRowTpl":    func() VarRow { return VarRow{Source: string(campaign.FirstName)} },
		"previewOf":    previewAnswer,
		"cmpStatuses":  func() []string { return []string{"", "scheduled", "running", "paused", "finished", "cancelled"} },
	}
}

func plus(waID string) string {
	if waID == "" {
		return ""
	}
	return "+" + waID
}

// live reports whether a campaign's counters may still move.
// live reports whether a campaign's counters may still move: while it sends,
// and for a day after it finished, as deliveries and reads come in.
func live(x *campaign.Campaign, now time.Time) bool {
	switch x.Status() {
	case campaign.Scheduled, campaign.Running, campaign.Paused:
		return true
	case campaign.Finished:
		return now.Sub(x.FinishedAt()) < 24*time.Hour
	}
	return false
}

func failureText(f *conversation.Failure) string {
	if f == nil {
		return ""
	}
	s := f.Title
	if f.Detail != "" && f.Detail != f.Title {
		s += " — " + f.Detail
	}
	if f.Code != 0 {
		s = strconv.Itoa(f.Code) + " · " + s
	}
	return s
}

// formatInterval writes a retry interval as people write it: 1h, 90m, 1m30s.
func formatInterval(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	case d%time.Minute == 0:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	}
	return d.String()
}

// parseIntervals reads "1h, 3h, 6h"; empty means no retries.
func parseIntervals(s string) ([]time.Duration, bool) {
	out := []time.Duration{}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		part = strings.ReplaceAll(strings.TrimSpace(part), " ", "")
		if part == "" {
			continue
		}
		d, err := time.ParseDuration(part)
		if err != nil {
			return nil, false
		}
		out = append(out, d)
	}
	return out, true
}

// describeCriteria puts a segment's criteria in words.
func describeCriteria(l Lang, cr campaign.Criteria) string {
	var parts []string
	if cr.MinDaysOverdue > 0 {
		parts = append(parts, T(l, "seg_c_days", cr.MinDaysOverdue))
	}
	if !cr.MinOverdue.Currency().IsZero() {
		parts = append(parts, T(l, "seg_c_overdue", Money(l, cr.MinOverdue)))
	} else if !cr.Currency.IsZero() {
		parts = append(parts, T(l, "seg_c_currency", cr.Currency.Code()))
	}
	if len(cr.Buckets) > 0 {
		bs := make([]string, len(cr.Buckets))
		for i, b := range cr.Buckets {
			bs[i] = T(l, "bucket_"+string(b))
		}
		parts = append(parts, strings.Join(bs, ", "))
	}
	if len(cr.Tags) > 0 {
		parts = append(parts, T(l, "seg_c_tags", strings.Join(cr.Tags, ", ")))
	}
	if cr.NoPendingPromise {
		parts = append(parts, T(l, "seg_c_no_promise"))
	}
	if len(parts) == 0 {
		return T(l, "seg_everyone")
	}
	return strings.Join(parts, " · ")
}

// CampaignsView is the campaign list.
type CampaignsView struct {
	Rows   []ports.CampaignRow
	Search string
	Status string
	Next   string
}

func (c *console) campaignsPage(ctx *gin.Context) {
	v := CampaignsView{Search: strings.TrimSpace(ctx.Query("q")), Status: ctx.Query("status")}
	f := ports.CampaignFilter{Kind: campaign.Broadcast, Search: v.Search, Limit: 50}
	if v.Status != "" {
		st, err := campaign.ParseStatus(v.Status)
		if err != nil {
			v.Status = ""
		}
		f.Status = st
	}
	if s := ctx.Query("before"); s != "" {
		f.Before, _ = uuid.Parse(s)
	}
	rows, more, err := c.Campaigns.Queries.List(ctx.Request.Context(), f)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	v.Rows = rows
	if more && len(rows) > 0 {
		v.Next = rows[len(rows)-1].Campaign.ID().String()
	}
	c.render(ctx, http.StatusOK, "campaigns.html", c.page(ctx, "campaigns", T(c.lang(ctx), "campaigns"), v))
}

// TemplateOption is an approved template the form offers.
type TemplateOption struct {
	Key      string // name|language
	Template *wa.Template
	Vars     int
}

// CampaignForm is what the new campaign form posts, kept to show it again.
type CampaignForm struct {
	Name        string
	Template    string // name|language
	Audience    string // groups or segment
	Groups      []string
	SegmentID   string
	Sources     []string // by variable, from {{1}}
	Texts       []string
	When        string // now or later
	ScheduledAt string // datetime-local, in the organization's zone
	Retries     string
	FailureID   string
	Segment     SegmentForm // the inline segment builder
}

// VarRow is one template variable's source in the form.
type VarRow struct {
	N      int
	Source string
	Text   string
}

// NewCampaignView is the new campaign form.
type NewCampaignView struct {
	Form      CampaignForm
	Templates []TemplateOption
	Groups    []ports.GroupSummary
	Segments  []*campaign.Segment
	SegForm   SegmentFormView
	VarRows   []VarRow
	Zone      string
	MinTime   string
	Errors    []string
	Preview   *application.MessagePreview
}

func (c *console) newCampaignPage(ctx *gin.Context) {
	f := CampaignForm{Audience: "segment", When: "now", Retries: "1h, 3h, 6h", SegmentID: ctx.Query("segment_id")}
	if ctx.Query("group_id") != "" {
		f.Audience, f.Groups = "groups", []string{ctx.Query("group_id")}
	}
	c.renderNewCampaign(ctx, http.StatusOK, f, nil)
}

func (c *console) renderNewCampaign(ctx *gin.Context, status int, f CampaignForm, problems []string) {
	rctx := ctx.Request.Context()
	l := c.lang(ctx)
	v := NewCampaignView{Form: f, Errors: problems, Zone: c.Org.Location.String()}
	v.MinTime = c.Clock.Now().In(c.Org.Location).Format("2006-01-02T15:04")
	ts, err := c.Templates.Handle(rctx)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	for _, t := range ts {
		if t.Status() != wa.Approved {
			continue
		}
		opt := TemplateOption{Key: t.Name() + "|" + t.Language(), Template: t, Vars: wa.Variables(t.Details().Body)}
		v.Templates = append(v.Templates, opt)
		if opt.Key == f.Template {
			for i := range opt.Vars {
				row := VarRow{N: i + 1, Source: string(campaign.FirstName)}
				if i < len(f.Sources) && f.Sources[i] != "" {
					row.Source = f.Sources[i]
				}
				if i < len(f.Texts) {
					row.Text = f.Texts[i]
				}
				v.VarRows = append(v.VarRows, row)
			}
		}
	}
	if c.Groups != nil {
		if v.Groups, err = c.Groups.List(rctx); err != nil {
			c.fail(ctx, err)
			return
		}
	}
	if v.Segments, err = c.Campaigns.Segments.List(rctx); err != nil {
		c.fail(ctx, err)
		return
	}
	v.SegForm = segmentFormView(f.Segment)
	if f.Template != "" {
		if req, ok := c.previewRequest(l, f); ok {
			if p, err := c.Campaigns.Queries.MessagePreview(rctx, req); err == nil {
				v.Preview = &p
			}
		}
	}
	c.render(ctx, status, "campaign_new.html", c.page(ctx, "campaigns", T(l, "cmp_new"), v))
}

// readCampaignForm reads the posted form.
func readCampaignForm(ctx *gin.Context) CampaignForm {
	f := CampaignForm{
		Name: strings.TrimSpace(ctx.PostForm("name")), Template: ctx.PostForm("template"), Audience: ctx.PostForm("audience"),
		Groups: ctx.PostFormArray("group_id"), SegmentID: ctx.PostForm("segment_id"), When: ctx.PostForm("when"),
		ScheduledAt: ctx.PostForm("scheduled_at"), Retries: ctx.PostForm("retries"), FailureID: ctx.PostForm("failure_group_id"),
		Segment: readSegmentForm(ctx),
	}
	for i := 1; i <= 100; i++ {
		n := strconv.Itoa(i)
		src, ok := ctx.GetPostForm("var_source_" + n)
		if !ok {
			break
		}
		f.Sources = append(f.Sources, src)
		f.Texts = append(f.Texts, ctx.PostForm("var_text_"+n))
	}
	return f
}

func parseIDList(ss []string) []uuid.UUID {
	var out []uuid.UUID
	for _, s := range ss {
		if id, err := uuid.Parse(strings.TrimSpace(s)); err == nil {
			out = append(out, id)
		}
	}
	return out
}

func optID(s string) uuid.UUID {
	id, err := uuid.Parse(strings.TrimSpace(s))
	if err != nil {
		return uuid.Nil
	}
	return id
}

func (f CampaignForm) variables() []campaign.Variable {
	out := make([]campaign.Variable, len(f.Sources))
	for i, s := range f.Sources {
		out[i] = campaign.Variable{Source: campaign.Source(s)}
		if out[i].Source == campaign.Text && i < len(f.Texts) {
			out[i].Text = strings.TrimSpace(f.Texts[i])
		}
	}
	return out
}

func (f CampaignForm) audience() ([]uuid.UUID, uuid.UUID) {
	if f.Audience == "groups" {
		return parseIDList(f.Groups), uuid.Nil
	}
	return nil, optID(f.SegmentID)
}

// command checks the form and builds the command; problems are in words.
func (c *console) command(l Lang, f CampaignForm) (application.CreateCampaignCommand, []string) {
	var problems []string
	cmd := application.CreateCampaignCommand{Name: f.Name, Variables: f.variables()}
	if f.Name == "" {
		problems = append(problems, T(l, "cmp_err_name"))
	}
	name, lang, ok := strings.Cut(f.Template, "|")
	if !ok || name == "" {
		problems = append(problems, T(l, "cmp_err_template"))
	}
	cmd.Template, cmd.Language = name, lang
	cmd.Groups, cmd.SegmentID = f.audience()
	if len(cmd.Groups) == 0 && cmd.SegmentID == uuid.Nil {
		problems = append(problems, T(l, "cmp_err_audience"))
	}
	for i, v := range cmd.Variables {
		if v.Source == campaign.Text && v.Text == "" {
			problems = append(problems, T(l, "cmp_err_text", i+1))
		}
	}
	if f.When == "later" {
		t, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(f.ScheduledAt), c.Org.Location)
		if err != nil {
			problems = append(problems, T(l, "cmp_err_when"))
		}
		cmd.ScheduledAt = t
	}
	retries, ok := parseIntervals(f.Retries)
	if !ok {
		problems = append(problems, T(l, "cmp_err_retries"))
	}
	cmd.RetryIntervals = retries
	cmd.FailureGroupID = optID(f.FailureID)
	return cmd, problems
}

func (c *console) createCampaign(ctx *gin.Context) {
	l := c.lang(ctx)
	f := readCampaignForm(ctx)
	cmd, problems := c.command(l, f)
	if len(problems) > 0 {
		c.renderNewCampaign(ctx, http.StatusUnprocessableEntity, f, problems)
		return
	}
	u, _ := viewer(ctx)
	cmd.CreatedBy = u.ID()
	created, err := c.Campaigns.Create.Handle(ctx.Request.Context(), cmd)
	if err != nil {
		if isInternal(err) {
			c.fail(ctx, err)
			return
		}
		c.renderNewCampaign(ctx, http.StatusUnprocessableEntity, f, explainAll(l, err))
		return
	}
	ctx.Redirect(http.StatusSeeOther, "/campaigns/"+created.ID().String())
}

// explainAll lists what a domain error says is wrong, one line each.
func explainAll(l Lang, err error) []string {
	var de *domain.Error
	if errors.As(err, &de) && len(de.Details()) > 0 {
		return de.Details()
	}
	return []string{explain(l, err)}
}

// AudienceAnswer is the JSON of an audience preview.
type AudienceAnswer struct {
	Text    string   `json:"text"`
	Skipped []string `json:"skipped"`
	Sample  []string `json:"sample"`
	Error   string   `json:"error,omitempty"`
}

func (c *console) audiencePreview(ctx *gin.Context) {
	l := c.lang(ctx)
	f := readCampaignForm(ctx)
	groups, segID := f.audience()
	var crit *campaign.Criteria
	if f.Audience != "groups" && segID == uuid.Nil && !f.Segment.Empty() {
		cr, problems := f.Segment.criteria(l)
		if len(problems) > 0 {
			ctx.JSON(http.StatusUnprocessableEntity, AudienceAnswer{Error: strings.Join(problems, " ")})
			return
		}
		crit = &cr
	}
	if len(groups) == 0 && segID == uuid.Nil && crit == nil {
		ctx.JSON(http.StatusUnprocessableEntity, AudienceAnswer{Error: T(l, "cmp_err_audience")})
		return
	}
	p, err := c.Campaigns.Preview.Handle(ctx.Request.Context(), groups, segID, crit)
	if err != nil {
		if isInternal(err) {
			c.Log.ErrorContext(ctx.Request.Context(), "audience preview", "error", err)
			ctx.JSON(http.StatusInternalServerError, AudienceAnswer{Error: T(l, "internal_error")})
			return
		}
		ctx.JSON(http.StatusUnprocessableEntity, AudienceAnswer{Error: explain(l, err)})
		return
	}
	out := AudienceAnswer{Text: T(l, "cmp_audience_result", p.Customers, p.WillReceive), Sample: p.Sample, Skipped: []string{}}
	for _, reason := range []string{campaign.SkipOptedOut, campaign.SkipNoPhone, campaign.SkipDuplicate} {
		if n := p.Skipped[reason]; n > 0 {
			out.Skipped = append(out.Skipped, T(l, "skip_"+reason)+": "+strconv.Itoa(n))
		}
	}
	if out.Sample == nil {
		out.Sample = []string{}
	}
	ctx.JSON(http.StatusOK, out)
}

// PreviewAnswer is the JSON of a message preview.
type PreviewAnswer struct {
	Header   string   `json:"header"`
	Body     string   `json:"body"`
	Footer   string   `json:"footer"`
	Buttons  []string `json:"buttons"`
	Customer string   `json:"customer"`
	Note     string   `json:"note"`
	Error    string   `json:"error,omitempty"`
}

// previewLabels are what variables show without a sample customer.
func previewLabels(l Lang) map[campaign.Source]string {
	out := map[campaign.Source]string{}
	for _, s := range campaign.Sources() {
		out[s] = "[" + T(l, "src_"+string(s)) + "]"
	}
	return out
}

func (c *console) previewRequest(l Lang, f CampaignForm) (application.PreviewRequest, bool) {
	name, lang, ok := strings.Cut(f.Template, "|")
	if !ok {
		return application.PreviewRequest{}, false
	}
	groups, segID := f.audience()
	return application.PreviewRequest{
		Template: name, Language: lang, Variables: f.variables(), Groups: groups, SegmentID: segID, Labels: previewLabels(l),
	}, true
}

func (c *console) messagePreview(ctx *gin.Context) {
	l := c.lang(ctx)
	req, ok := c.previewRequest(l, readCampaignForm(ctx))
	if !ok {
		ctx.JSON(http.StatusUnprocessableEntity, PreviewAnswer{Error: T(l, "cmp_err_template")})
		return
	}
	p, err := c.Campaigns.Queries.MessagePreview(ctx.Request.Context(), req)
	if err != nil {
		if isInternal(err) {
			c.Log.ErrorContext(ctx.Request.Context(), "message preview", "error", err)
			ctx.JSON(http.StatusInternalServerError, PreviewAnswer{Error: T(l, "internal_error")})
			return
		}
		ctx.JSON(http.StatusUnprocessableEntity, PreviewAnswer{Error: explain(l, err)})
		return
	}
	ctx.JSON(http.StatusOK, previewAnswer(l, p))
}

func previewAnswer(l Lang, p application.MessagePreview) PreviewAnswer {
	out := PreviewAnswer{Header: p.Header, Body: p.Body, Footer: p.Footer, Buttons: p.Buttons, Customer: p.Customer}
	if out.Buttons == nil {
		out.Buttons = []string{}
	}
	if p.Customer != "" {
		out.Note = T(l, "cmp_preview_for", p.Customer)
	} else {
		out.Note = T(l, "cmp_preview_placeholder")
	}
	return out
}

// CampaignView is a campaign's page.
type CampaignView struct {
	Row          ports.CampaignRow
	Preview      *PreviewAnswer
	Recipients   []ports.RecipientRow
	Status       string // the recipient filter
	Statuses     []string
	Search       string
	Next         string
	GroupNames   []string
	FailureGroup string
	Notice       string
	Error        string
}

func (c *console) campaignID(ctx *gin.Context) (uuid.UUID, bool) {
	id, err := uuid.Parse(ctx.Param("id"))
	if err != nil {
		ctx.String(http.StatusNotFound, T(c.lang(ctx), "not_found"))
		return uuid.Nil, false
	}
	return id, true
}

func (c *console) campaignPage(ctx *gin.Context) {
	id, ok := c.campaignID(ctx)
	if !ok {
		return
	}
	rctx := ctx.Request.Context()
	l := c.lang(ctx)
	row, err := c.Campaigns.Queries.Get(rctx, id)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	v := CampaignView{
		Row: row, Search: strings.TrimSpace(ctx.Query("q")),
		Statuses: []string{"", "pending", "sent", "delivered", "read", "failed", "skipped"},
	}
	switch q := ctx.Request.URL.Query(); {
	case q.Get("done") != "":
		v.Notice = T(l, "cmp_"+q.Get("done")+"_ok")
	case q.Get("error") != "":
		v.Error = q.Get("error")
	}
	f := ports.RecipientFilter{CampaignID: id, Search: v.Search, Page: ports.Page{Limit: 50}}
	if st := ctx.Query("status"); slices.Contains(v.Statuses, st) {
		v.Status, f.Status = st, campaign.RecipientStatus(st)
	}
	if s := ctx.Query("after"); s != "" {
		f.After, _ = uuid.Parse(s)
	}
	rs, more, err := c.Campaigns.Queries.Recipients(rctx, f)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	v.Recipients = rs
	if more && len(rs) > 0 {
		v.Next = rs[len(rs)-1].ID.String()
	}
	if p, err := c.Campaigns.Queries.MessagePreview(rctx, application.PreviewRequest{CampaignID: id, Labels: previewLabels(l)}); err == nil {
		a := previewAnswer(l, p)
		v.Preview = &a
	} else if isInternal(err) {
		c.fail(ctx, err)
		return
	}
	d := row.Campaign.Details()
	if c.Groups != nil && (len(d.Audience.Groups) > 0 || d.FailureGroupID != uuid.Nil) {
		groups, err := c.Groups.List(rctx)
		if err != nil {
			c.fail(ctx, err)
			return
		}
		for _, g := range groups {
			if slices.Contains(d.Audience.Groups, g.Group.ID()) {
				v.GroupNames = append(v.GroupNames, g.Group.Name())
			}
			if g.Group.ID() == d.FailureGroupID {
				v.FailureGroup = g.Group.Name()
			}
		}
	}
	c.render(ctx, http.StatusOK, "campaign.html", c.page(ctx, "campaigns", row.Campaign.Name(), v))
}

// LiveCounters is the JSON the campaign page polls.
type LiveCounters struct {
	Status       string         `json:"status"`
	StatusLabel  string         `json:"status_label"`
	Live         bool           `json:"live"`
	Counters     map[string]int `json:"counters"`
	DeliveryRate string         `json:"delivery_rate"`
	ReadRate     string         `json:"read_rate"`
}

func (c *console) campaignLive(ctx *gin.Context) {
	id, ok := c.campaignID(ctx)
	if !ok {
		return
	}
	row, err := c.Campaigns.Queries.Counters(ctx.Request.Context(), id)
	if err != nil {
		if isNotFound(err) {
			ctx.JSON(http.StatusNotFound, gin.H{"error": T(c.lang(ctx), "not_found")})
			return
		}
		c.Log.ErrorContext(ctx.Request.Context(), "campaign counters", "error", err)
		ctx.JSON(http.StatusInternalServerError, gin.H{"error": T(c.lang(ctx), "internal_error")})
		return
	}
	n := row.Counters
	st := row.Campaign.Status()
	ctx.Header("Cache-Control", "no-store")
	ctx.JSON(http.StatusOK, LiveCounters{
		Status: string(st), StatusLabel: T(c.lang(ctx), "cmp_status_"+string(st)), Live: live(row.Campaign, c.Clock.Now()),
		Counters: map[string]int{
			"messages": n.Messages(), "sent": n.Sent, "delivered": n.Delivered, "read": n.Read, "failed": n.Failed,
			"skipped": n.Skipped, "pending": n.Pending,
		},
		DeliveryRate: n.DeliveryRate().String(), ReadRate: n.ReadRate().String(),
	})
}

func (c *console) controlCampaign(ctx *gin.Context) {
	id, ok := c.campaignID(ctx)
	if !ok {
		return
	}
	act := ctx.FullPath()[strings.LastIndex(ctx.FullPath(), "/")+1:]
	do := map[string]func(context.Context, uuid.UUID) (*campaign.Campaign, error){
		"pause": c.Campaigns.Control.Pause, "resume": c.Campaigns.Control.Resume, "cancel": c.Campaigns.Control.Cancel,
	}[act]
	done := map[string]string{"pause": "paused", "resume": "resumed", "cancel": "cancelled"}[act]
	_, err := do(ctx.Request.Context(), id)
	switch {
	case err == nil:
		ctx.Redirect(http.StatusSeeOther, "/campaigns/"+id.String()+"?done="+done)
	case domain.KindOf(err) == domain.KindConflict:
		msg := T(c.lang(ctx), "cmp_state_conflict", explain(c.lang(ctx), err))
		ctx.Redirect(http.StatusSeeOther, "/campaigns/"+id.String()+"?error="+urlEscape(msg))
	default:
		c.fail(ctx, err)
	}
}

func (c *console) exportCampaign(ctx *gin.Context) {
	id, ok := c.campaignID(ctx)
	if !ok {
		return
	}
	row, err := c.Campaigns.Queries.Get(ctx.Request.Context(), id)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	ctx.Header("Content-Type", "text/csv; charset=utf-8")
	ctx.Header("Content-Disposition", `attachment; filename="`+application.ExportFilename(row.Campaign.Name())+`"`)
	ctx.Header("Cache-Control", "no-store")
	ctx.Status(http.StatusOK)
	if err := c.Campaigns.Queries.WriteCSV(ctx.Request.Context(), id, ctx.Writer, ctx.Writer.Flush); err != nil {
		c.Log.ErrorContext(ctx.Request.Context(), "export campaign", "campaign_id", id.String(), "error", err)
	}
}

// currencies are the currencies the segment form offers first.
var currencies = []string{"COP", "MXN", "BRL", "USD", "PEN", "CLP", "ARS", "EUR"}

// moneyOK reports whether amount parses in currency.
func moneyOK(amount, currency string) (money.Money, bool) {
	m, err := money.Parse(amount, currency)
	return m, err == nil
}
