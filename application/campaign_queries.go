package application

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/saldocrm/saldo/domain/campaign"
	"github.com/saldocrm/saldo/domain/template"
	"github.com/saldocrm/saldo/ports"
)

// CampaignQueries read campaigns with their counters, their recipients and
// a preview of the message they send.
type CampaignQueries struct {
	campaigns  ports.CampaignRepository
	recipients ports.RecipientRepository
	customers  ports.CustomerRepository
	templates  ports.TemplateRepository
	segments   ports.SegmentRepository
	audience   ports.AudienceQueries
	clock      ports.Clock
	org        Org
}

// NewCampaignQueries returns the queries.
func NewCampaignQueries(campaigns ports.CampaignRepository, recipients ports.RecipientRepository, customers ports.CustomerRepository,
	templates ports.TemplateRepository, segments ports.SegmentRepository, audience ports.AudienceQueries, clock ports.Clock, org Org,
) *CampaignQueries {
	must(campaigns, recipients, customers, templates, segments, audience, clock)
	return &CampaignQueries{
		campaigns: campaigns, recipients: recipients, customers: customers, templates: templates, segments: segments,
		audience: audience, clock: clock, org: org,
	}
}

// List returns a page of campaigns, newest first, with their counters, and
// whether more follow.
func (q *CampaignQueries) List(ctx context.Context, f ports.CampaignFilter) ([]ports.CampaignRow, bool, error) {
	f.Limit = pageLimit(f.Limit)
	want := f.Limit
	f.Limit++
	rows, err := q.campaigns.List(ctx, f)
	if err != nil {
		return nil, false, err
	}
	if len(rows) > want {
		return rows[:want], true, nil
	}
	return rows, false, nil
}

// Get returns a campaign with its counters.
func (q *CampaignQueries) Get(ctx context.Context, id uuid.UUID) (ports.CampaignRow, error) {
	c, err := q.campaigns.Get(ctx, id)
	if err != nil {
		return ports.CampaignRow{}, err
	}
	counts, err := q.campaigns.Counters(ctx, id)
	if err != nil {
		return ports.CampaignRow{}, err
	}
	return ports.CampaignRow{Campaign: c, Counters: counts[id]}, nil
}

// Name returns a campaign's name, without counting its recipients.
func (q *CampaignQueries) Name(ctx context.Context, id uuid.UUID) (string, error) {
	c, err := q.campaigns.Get(ctx, id)
	if err != nil {
		return "", err
	}
	return c.Name(), nil
}

// Counters returns a campaign's counters and status, for live updates.
func (q *CampaignQueries) Counters(ctx context.Context, id uuid.UUID) (ports.CampaignRow, error) {
	return q.Get(ctx, id)
}

// Recipients returns a page of a campaign's recipients in id order, and
// whether more follow. f.CampaignID is required; an unknown campaign is
// campaign.ErrNotFound.
func (q *CampaignQueries) Recipients(ctx context.Context, f ports.RecipientFilter) ([]ports.RecipientRow, bool, error) {
	if _, err := q.campaigns.Get(ctx, f.CampaignID); err != nil {
		return nil, false, err
	}
	f.Limit = pageLimit(f.Limit)
	want := f.Limit
	f.Limit++
	rows, err := q.recipients.List(ctx, f)
	if err != nil {
		return nil, false, err
	}
	if len(rows) > want {
		return rows[:want], true, nil
	}
	return rows, false, nil
}

// ExportRow is one recipient of a campaign export.
type ExportRow struct {
	campaign.RecipientSnapshot
	ExternalID string // the customer's ERP id
}

// exportBatch is how many recipients Export reads customers' ids for at once.
const exportBatch = 500

// Export calls fn with every recipient of campaign id, in id order, a few
// hundred at a time in memory. An unknown campaign is campaign.ErrNotFound
// before fn is ever called.
func (q *CampaignQueries) Export(ctx context.Context, id uuid.UUID, fn func(ExportRow) error) error {
	if _, err := q.campaigns.Get(ctx, id); err != nil {
		return err
	}
	batch := make([]campaign.RecipientSnapshot, 0, exportBatch)
	flush := func() error {
		ids := make([]uuid.UUID, 0, len(batch))
		for _, r := range batch {
			if r.CustomerID != uuid.Nil {
				ids = append(ids, r.CustomerID)
			}
		}
		ext, err := q.customers.ExternalIDs(ctx, ids)
		if err != nil {
			return fmt.Errorf("export campaign %s: %w", id, err)
		}
		for _, r := range batch {
			if err := fn(ExportRow{RecipientSnapshot: r, ExternalID: ext[r.CustomerID]}); err != nil {
				return err
			}
		}
		batch = batch[:0]
		return nil
	}
	err := q.recipients.Each(ctx, id, func(r campaign.RecipientSnapshot) error {
		batch = append(batch, r)
		if len(batch) == exportBatch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(batch) > 0 {
		return flush()
	}
	return nil
}

// ExportColumns are the columns of a campaign's recipients export.
var ExportColumns = []string{
	"contact", "phone", "customer_external_id", "status", "skip_reason", "attempts", "wamid", "error_code", "error_reason",
	"sent_at", "delivered_at", "read_at", "last_update",
}

// WriteCSV writes every recipient of campaign id to w as CSV: UTF-8 with a
// byte order mark (spreadsheets then read accents), the ExportColumns,
// times in RFC 3339 in the organization's time zone. flush, when not nil,
// is called every few hundred rows so the file streams.
func (q *CampaignQueries) WriteCSV(ctx context.Context, id uuid.UUID, w io.Writer, flush func()) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(ExportColumns); err != nil {
		return err
	}
	n := 0
	err := q.Export(ctx, id, func(r ExportRow) error {
		if err := cw.Write(r.record(q.org.Location)); err != nil {
			return err
		}
		if n++; n%500 == 0 {
			cw.Flush()
			if flush != nil {
				flush()
			}
		}
		return cw.Error()
	})
	cw.Flush()
	if err != nil {
		return err
	}
	return cw.Error()
}

func (r ExportRow) record(loc *time.Location) []string {
	at := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		if loc != nil {
			t = t.In(loc)
		}
		return t.Format(time.RFC3339)
	}
	code, reason := "", ""
	if f := r.Failure; f != nil {
		if f.Code != 0 {
			code = strconv.Itoa(f.Code)
		}
		reason = f.Title
		if f.Detail != "" && f.Detail != f.Title {
			reason += " — " + f.Detail
		}
	}
	phone := ""
	if r.WaID != "" {
		phone = "+" + r.WaID
	}
	return []string{
		cell(r.Contact), phone, cell(r.ExternalID), string(r.Status), r.SkipReason, strconv.Itoa(r.Attempts), r.WAMID, code, cell(reason),
		at(r.SentAt), at(r.DeliveredAt), at(r.ReadAt), at(r.UpdatedAt),
	}
}

// cell keeps a spreadsheet from reading free text as a formula (CSV
// injection): text starting with = + - @ or a control character gets a
// leading apostrophe.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

var unsafeFileChars = regexp.MustCompile(`[^a-z0-9_-]+`)

// ExportFilename names a campaign's export after it: "campaign-vencidos-30-recipients.csv".
func ExportFilename(name string) string {
	slug := strings.Trim(unsafeFileChars.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if len(slug) > 60 {
		slug = strings.Trim(slug[:60], "-")
	}
	if slug == "" {
		slug = "campaign"
	}
	return "campaign-" + slug + "-recipients.csv"
}

// PreviewRequest names what a message preview shows: a stored campaign, or
// a template, its variables and an audience being chosen.
type PreviewRequest struct {
	CampaignID uuid.UUID // when set, the rest is read from the campaign
	Template   string
	Language   string
	Variables  []campaign.Variable
	Groups     []uuid.UUID
	SegmentID  uuid.UUID
	// Labels are what a variable shows when no customer can be sampled, by
	// source (e.g. "[Nombre]"); "[source]" when missing.
	Labels map[campaign.Source]string
}

// MessagePreview is a template's message as one customer would read it.
type MessagePreview struct {
	Template *template.Template
	Header   string
	Body     string
	Footer   string
	Buttons  []string
	Params   []string
	Customer string // whose facts filled the variables; "" for placeholders
}

// errEnough stops an audience walk once a sample was found.
var errEnough = errors.New("enough")

// MessagePreview renders the template's body with the variables for a sample
// customer: the campaign's first recipient, else the first member of the
// audience who can receive it; labelled placeholders when there is none.
// A variable drawing on a payment link shows its label: links are made at
// send time only.
func (q *CampaignQueries) MessagePreview(ctx context.Context, r PreviewRequest) (MessagePreview, error) {
	sample := uuid.Nil
	if r.CampaignID != uuid.Nil {
		c, err := q.campaigns.Get(ctx, r.CampaignID)
		if err != nil {
			return MessagePreview{}, err
		}
		d := c.Details()
		r.Template, r.Language, r.Variables = d.Template, d.Language, d.Variables
		r.Groups, r.SegmentID = d.Audience.Groups, uuid.Nil
		rows, err := q.recipients.List(ctx, ports.RecipientFilter{CampaignID: c.ID(), Page: ports.Page{Limit: 20}})
		if err != nil {
			return MessagePreview{}, err
		}
		if len(rows) > 0 {
			sample = sampleRecipient(rows)
		} else if s, err := q.firstMember(ctx, d.Audience); err == nil {
			sample = s
		} else {
			return MessagePreview{}, err
		}
	}
	tpl, err := q.templates.Get(ctx, r.Template, r.Language)
	if err != nil {
		return MessagePreview{}, err
	}
	if sample == uuid.Nil && r.CampaignID == uuid.Nil && (len(r.Groups) > 0 || r.SegmentID != uuid.Nil) {
		a := campaign.Audience{Groups: r.Groups}
		if r.SegmentID != uuid.Nil {
			seg, err := q.segments.Get(ctx, r.SegmentID)
			if err != nil {
				return MessagePreview{}, err
			}
			a = campaign.Audience{SegmentID: seg.ID(), Criteria: seg.Criteria()}
		}
		if sample, err = q.firstMember(ctx, a); err != nil {
			return MessagePreview{}, err
		}
	}
	d := tpl.Details()
	p := MessagePreview{Template: tpl, Header: d.Header, Footer: d.Footer}
	for _, b := range d.Buttons {
		p.Buttons = append(p.Buttons, b.Text)
	}
	n := template.Variables(d.Body)
	vars := make([]campaign.Variable, n)
	copy(vars, r.Variables)
	label := func(v campaign.Variable) string {
		if s, ok := r.Labels[v.Source]; ok {
			return s
		}
		if v.Source == "" {
			return "[?]"
		}
		return "[" + string(v.Source) + "]"
	}
	var facts *ports.CustomerFacts
	if sample != uuid.Nil {
		fs, err := q.audience.Facts(ctx, []uuid.UUID{sample}, q.org.Today(q.clock.Now()))
		if err != nil {
			return MessagePreview{}, err
		}
		if f, ok := fs[sample]; ok {
			facts = &f
			p.Customer = f.Name
		}
	}
	if facts != nil {
		p.Params = campaign.Render(vars, facts.Facts)
	} else {
		p.Params = make([]string, n)
	}
	for i, v := range vars {
		switch {
		case v.Source == campaign.Text && v.Text != "":
			p.Params[i] = v.Text
		case facts == nil || v.Source == campaign.PaymentLink || v.Source == "":
			p.Params[i] = label(v)
		}
	}
	p.Body = tpl.Render(p.Params)
	return p, nil
}

// sampleRecipient picks, among the first recipients, one the message
// reached, else one it is for, else the first.
func sampleRecipient(rows []ports.RecipientRow) uuid.UUID {
	for _, r := range rows {
		switch r.Status {
		case campaign.Sent, campaign.Delivered, campaign.Read:
			return r.CustomerID
		}
	}
	for _, r := range rows {
		if r.Status != campaign.Skipped && r.Status != campaign.Failed {
			return r.CustomerID
		}
	}
	return rows[0].CustomerID
}

// firstMember returns the first member of a who can receive a message, else
// the first member, else uuid.Nil.
func (q *CampaignQueries) firstMember(ctx context.Context, a campaign.Audience) (uuid.UUID, error) {
	if a.IsZero() {
		return uuid.Nil, nil
	}
	first, reachable := uuid.Nil, uuid.Nil
	err := q.audience.Members(ctx, a, q.org.Today(q.clock.Now()), func(ms []ports.AudienceMember) error {
		for _, m := range ms {
			if first == uuid.Nil {
				first = m.CustomerID
			}
			if m.Phone != "" && !m.OptedOut {
				reachable = m.CustomerID
				return errEnough
			}
		}
		return errEnough
	})
	if err != nil && !errors.Is(err, errEnough) {
		return uuid.Nil, err
	}
	if reachable != uuid.Nil {
		return reachable, nil
	}
	return first, nil
}
