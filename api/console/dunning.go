package console

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/customer"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/dunning"
	"github.com/saldocrm/saldo/domain/money"
	wa "github.com/saldocrm/saldo/domain/template"
	"github.com/saldocrm/saldo/ports"
)

// DunningDeps are the dunning engine's use cases, for owners and managers.
type DunningDeps struct {
	Policies *application.DunningPolicies
	Plan     *application.PlanReminders
	Queries  *application.DunningQueries
	// AdvanceClock, set only in demos (SALDO_DEMO_CLOCK), moves Saldo's clock
	// days forward, so that the next steps of the policy come due.
	AdvanceClock func(days int)
}

func (c *console) dunningRoutes(g *gin.RouterGroup) {
	if c.Dunning == nil {
		return
	}
	d := g.Group("/dunning", c.requireReports)
	d.GET("", c.dunningPage)
	d.POST("/policy", c.saveDunningPolicy)
	d.POST("/run", c.runDunning)
	if c.Dunning.AdvanceClock != nil {
		d.POST("/demo-clock", c.advanceDemoClock)
	}
}

// advanceDemoClock lets 1 to 30 days pass in a demo, then runs the planner
// for the new day.
func (c *console) advanceDemoClock(ctx *gin.Context) {
	days, err := strconv.Atoi(ctx.PostForm("days"))
	if err != nil || days < 1 || days > 30 {
		c.renderDunning(ctx, http.StatusUnprocessableEntity, nil, "", domain.Invalid("invalid_days", "%s", T(c.lang(ctx), "dun_demo_days")))
		return
	}
	c.Dunning.AdvanceClock(days)
	c.runDunning(ctx)
}

// dunningVarsPerStep is how many template variables the editor offers.
const dunningVarsPerStep = 5

// DunningVar is one {{n}} of a step in the editor.
type DunningVar struct {
	N      int
	Source string
	Text   string
}

// DunningRow is one row of the steps editor (blank rows add steps).
type DunningRow struct {
	I        int
	Name     string
	Offset   string
	Kind     string
	Template string // "name|language"
	Vars     []DunningVar
	Min      string
}

// DunningDay is a weekday checkbox.
type DunningDay struct {
	Value   string
	Label   string
	Checked bool
}

// DunningView is the dunning page.
type DunningView struct {
	DemoToday date.Date // the demo clock's day; zero without one
	DemoDays  []int     // how far it can be moved
	Stored    bool
	Rows      []DunningRow
	Templates []*wa.Template // approved ones
	Sources   []campaign.Source
	SendFrom  string
	SendUntil string
	Days      []DunningDay
	Currency  string
	Results   []application.DunningStepResults
	Runs      []ports.DunningRun
	Reasons   []string
	Notice    string
	Error     string
	Problems  []string
}

// DunningSkip is how many customers a run skipped for a reason.
type DunningSkip struct {
	Reason string
	N      int
}

// DunningRunLine is one step of a run.
type DunningRunLine struct {
	Step                                  string
	Reached, Enqueued, Already, Escalated int
	Skips                                 []DunningSkip
}

// RunLines returns a run's counts per step, in step order, with the skips
// by reason.
func (v DunningView) RunLines(r ports.DunningRun) []DunningRunLine {
	offsets := make([]int, 0, len(r.Counts))
	for o := range r.Counts {
		offsets = append(offsets, o)
	}
	slices.Sort(offsets)
	out := make([]DunningRunLine, 0, len(offsets))
	for _, o := range offsets {
		c := r.Counts[o]
		l := DunningRunLine{
			Step: dunning.StepName(o), Reached: c[application.CountReached], Enqueued: c[application.CountEnqueued],
			Already: c[application.CountAlready] + c[application.CountLater], Escalated: c[application.CountEscalated],
		}
		for _, reason := range v.Reasons {
			if n := c[reason]; n > 0 {
				l.Skips = append(l.Skips, DunningSkip{Reason: reason, N: n})
			}
		}
		out = append(out, l)
	}
	return out
}

func (c *console) dunningPage(ctx *gin.Context) {
	l := c.lang(ctx)
	var notice string
	if n := ctx.Query("ran"); n != "" {
		notice = T(l, "dun_ran", n)
	}
	if ctx.Query("saved") != "" {
		notice = T(l, "dun_saved")
	}
	c.renderDunning(ctx, http.StatusOK, nil, notice, nil)
}

// renderDunning shows the page; rows are what was typed when a save was
// refused (nil: the stored policy).
func (c *console) renderDunning(ctx *gin.Context, status int, form *DunningView, notice string, refused error) {
	rctx := ctx.Request.Context()
	l := c.lang(ctx)
	p, stored, err := c.Dunning.Policies.Get(rctx)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	v := form
	if v == nil {
		v = dunningForm(p, c.Org.Currency)
	}
	v.Stored, v.Notice, v.Currency, v.Sources, v.Reasons = stored, notice, c.Org.Currency.Code(), campaign.Sources(), dunning.SkipReasons()
	if refused != nil {
		v.Error = explain(l, refused)
		var de *domain.Error
		if errors.As(refused, &de) {
			v.Problems = de.Details()
		}
	}
	for i := range v.Days {
		v.Days[i].Label = T(l, "dun_day_"+v.Days[i].Value)
	}
	ts, err := c.Templates.Handle(rctx)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	for _, t := range ts {
		if t.Status() == wa.Approved {
			v.Templates = append(v.Templates, t)
		}
	}
	if v.Results, err = c.Dunning.Queries.Results(rctx); err != nil {
		c.fail(ctx, err)
		return
	}
	if v.Runs, err = c.Dunning.Queries.Runs(rctx, 10); err != nil {
		c.fail(ctx, err)
		return
	}
	if c.Dunning.AdvanceClock != nil {
		v.DemoToday, v.DemoDays = c.Org.Today(c.Clock.Now()), []int{1, 2, 3, 7, 8, 15}
	}
	c.render(ctx, status, "dunning.html", c.page(ctx, "dunning", T(l, "dunning"), v))
}

// dunningForm fills the editor with the policy and two blank rows.
func dunningForm(p *dunning.Policy, cur money.Currency) *DunningView {
	d := p.Details()
	v := &DunningView{SendFrom: dunning.FormatClock(d.SendFrom), SendUntil: dunning.FormatClock(d.SendUntil)}
	checked := map[time.Weekday]bool{}
	for _, w := range d.Weekdays {
		checked[w] = true
	}
	for _, w := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		v.Days = append(v.Days, DunningDay{Value: dunning.WeekdayName(w), Checked: checked[w]})
	}
	for i, s := range d.Steps {
		r := DunningRow{I: i, Name: s.Name(), Offset: strconv.Itoa(s.Offset), Kind: string(s.Kind), Vars: make([]DunningVar, dunningVarsPerStep)}
		if s.Template != "" {
			r.Template = s.Template + "|" + s.Language
		}
		for n := range r.Vars {
			r.Vars[n].N = n + 1
			if n < len(s.Variables) {
				r.Vars[n].Source, r.Vars[n].Text = string(s.Variables[n].Source), s.Variables[n].Text
			}
		}
		if s.MinBalance.IsPositive() && s.MinBalance.Currency() == cur {
			r.Min = s.MinBalance.StringFixed()
		}
		v.Rows = append(v.Rows, r)
	}
	return v.withBlankRows(2)
}

func (v *DunningView) withBlankRows(n int) *DunningView {
	for range n {
		r := DunningRow{I: len(v.Rows), Kind: string(dunning.Message), Vars: make([]DunningVar, dunningVarsPerStep)}
		for k := range r.Vars {
			r.Vars[k].N = k + 1
		}
		v.Rows = append(v.Rows, r)
	}
	return v
}

// readDunningForm reads the editor: the typed rows (to show again) and the
// policy they make. Rows without an offset are ignored.
func readDunningForm(ctx *gin.Context, cur money.Currency) (*DunningView, dunning.Details, error) {
	v := &DunningView{SendFrom: ctx.PostForm("send_from"), SendUntil: ctx.PostForm("send_until")}
	var d dunning.Details
	var problems []string
	days := map[string]bool{}
	for _, w := range ctx.PostFormArray("weekday") {
		days[w] = true
		day, err := dunning.ParseWeekday(w)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		d.Weekdays = append(d.Weekdays, day)
	}
	for _, w := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		v.Days = append(v.Days, DunningDay{Value: dunning.WeekdayName(w), Checked: days[dunning.WeekdayName(w)]})
	}
	var err error
	if d.SendFrom, err = dunning.ParseClock(v.SendFrom); err != nil {
		problems = append(problems, err.Error())
	}
	if d.SendUntil, err = dunning.ParseClock(v.SendUntil); err != nil {
		problems = append(problems, err.Error())
	}
	rows, _ := strconv.Atoi(ctx.PostForm("rows"))
	for i := range min(rows, dunning.MaxSteps+4) {
		f := func(name string) string { return strings.TrimSpace(ctx.PostForm(name + "_" + strconv.Itoa(i))) }
		r := DunningRow{I: i, Offset: f("offset"), Kind: f("kind"), Template: f("template"), Min: f("min"), Vars: make([]DunningVar, dunningVarsPerStep)}
		for n := range r.Vars {
			k := strconv.Itoa(i) + "_" + strconv.Itoa(n+1)
			r.Vars[n] = DunningVar{N: n + 1, Source: strings.TrimSpace(ctx.PostForm("var_" + k)), Text: ctx.PostForm("text_" + k)}
		}
		v.Rows = append(v.Rows, r)
		if r.Offset == "" {
			continue
		}
		offset, err := strconv.Atoi(r.Offset)
		if err != nil {
			problems = append(problems, "offset "+strconv.Quote(r.Offset)+" is not a whole number of days")
			continue
		}
		kind, err := dunning.ParseStepKind(r.Kind)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		s := dunning.Step{Offset: offset, Kind: kind}
		s.Template, s.Language, _ = strings.Cut(r.Template, "|")
		for _, x := range r.Vars {
			if x.Source == "" {
				break // variables are {{1}}…{{n}} without gaps
			}
			s.Variables = append(s.Variables, campaign.Variable{Source: campaign.Source(x.Source), Text: x.Text})
		}
		if r.Min != "" {
			if s.MinBalance, err = money.Parse(r.Min, cur.Code()); err != nil {
				problems = append(problems, "step "+dunning.StepName(offset)+": "+err.Error())
			}
		}
		d.Steps = append(d.Steps, s)
	}
	if len(problems) > 0 {
		return v, d, dunning.ErrInvalid.New(strings.Join(problems, "; ")).WithDetails(problems...)
	}
	return v, d, nil
}

func (c *console) saveDunningPolicy(ctx *gin.Context) {
	form, d, err := readDunningForm(ctx, c.Org.Currency)
	if err == nil {
		_, err = c.Dunning.Policies.Save(ctx.Request.Context(), d)
	}
	if err != nil {
		switch domain.KindOf(err) {
		case domain.KindInvalid, domain.KindNotFound, domain.KindConflict:
			c.renderDunning(ctx, http.StatusUnprocessableEntity, form, "", err)
		default:
			c.fail(ctx, err)
		}
		return
	}
	ctx.Redirect(http.StatusSeeOther, "/dunning?saved=1")
}

func (c *console) runDunning(ctx *gin.Context) {
	r, err := c.Dunning.Plan.Handle(ctx.Request.Context())
	if err != nil {
		c.fail(ctx, err)
		return
	}
	ctx.Redirect(http.StatusSeeOther, "/dunning?ran="+strconv.Itoa(r.Enqueued))
}

// remindersLoader reads a customer's reminders for the page being rendered.
type remindersLoader func(cu *customer.Customer) ([]application.Reminder, error)

func (c *console) remindersLoader(ctx *gin.Context) remindersLoader {
	if c.Dunning == nil {
		return nil
	}
	return func(cu *customer.Customer) ([]application.Reminder, error) {
		return c.Dunning.Queries.CustomerReminders(ctx.Request.Context(), cu.ID(), 20)
	}
}

// CustomerReminders returns the customer's dunning reminders, newest first
// (none when the console has no dunning engine).
func (p page) CustomerReminders(cu *customer.Customer) ([]application.Reminder, error) {
	if p.reminders == nil || cu == nil {
		return nil, nil
	}
	return p.reminders(cu)
}
