package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCampaignInTheBrowser is finance's afternoon: a segment "overdue more
// than 30 days" built in the campaign form, a campaign with an approved
// template sent now, the counters moving without a reload, the failed
// recipient with Meta's reason, and the CSV export.
func TestCampaignInTheBrowser(t *testing.T) {
	t.Parallel()
	c := consoleChannel(t)
	for _, cu := range []struct{ ext, name, phone, due string }{
		{"C-1", "María Fernanda Ruiz", "+57 300 123 4567", "2020-02-01"},
		{"C-2", "Jorge Castaño", "+57 301 765 4321", "2020-03-01"},
		{"C-3", "Línea Caída S.A.S.", "+57 300 999 9999", "2020-04-01"}, // the simulator fails this number with 131026
		{"C-4", "Recién Vencida Ltda.", "+57 302 111 2233", time.Now().AddDate(0, 0, -10).Format("2006-01-02")},
	} {
		require.Equal(t, http.StatusCreated, c.do(http.MethodPut, "/api/v1/customers/external/"+cu.ext, c.write, customerJSON(cu.ext, cu.name, cu.phone)).status)
		b := c.do(http.MethodPost, "/api/v1/invoices/batch", c.write, map[string]any{"items": []any{
			invoiceJSON("I-"+cu.ext, cu.ext, "COP", "2020-01-01", cu.due, "1250000"),
		}})
		require.Equal(t, http.StatusOK, b.status, "%s", b.body)
	}

	ctx := browser(t, 1366, 900)
	require.NoError(t, chromedp.Do(ctx, signIn(c, "manager@saldo.test"),
		chromedp.Navigate(c.srv.URL+"/campaigns/new"), chromedp.WaitVisible(`#campaign-form`)))

	// The segment, from the form's builder.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(`details.seg-builder summary`),
		chromedp.WaitVisible(`input[name=seg_name]`),
		chromedp.SendKeys(`input[name=seg_name]`, "Vencidos más de 30 días"),
		chromedp.SendKeys(`input[name=seg_min_days]`, "31"),
		chromedp.Click(`[data-save-segment]`),
	))
	waitJS(ctx, t, "the new segment is chosen", `(() => { const s = document.querySelector('#cmp-segment');
		return s && s.selectedIndex > 0 && s.options[s.selectedIndex].text.includes('Vencidos más de 30 días') })()`)
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(`[data-preview-audience]`)))
	waitJS(ctx, t, "the audience preview counts 3", `document.querySelector('#audience-result').textContent.includes('3')`)

	// The template and its variables; the preview shows a real customer's message.
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const s = document.querySelector('#cmp-template');
		s.value = 'recordatorio_pago|es'; s.dispatchEvent(new Event('change', {bubbles: true})); return true })()`))
	require.NoError(t, err)
	waitJS(ctx, t, "a row per template variable", `document.querySelectorAll('#var-rows .var-row').length === 3`)
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const set = (n, v) => { const s = document.querySelector('select[name=var_source_' + n + ']'); s.value = v; s.dispatchEvent(new Event('change', {bubbles: true})); };
		set(1, 'customer.first_name'); set(2, 'account.overdue_total'); set(3, 'account.oldest_due_date'); return true })()`))
	require.NoError(t, err)
	waitJS(ctx, t, "the message preview fills the variables", `document.querySelector('#message-preview').textContent.includes('1.250.000,00')`)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(`input[name=name]`, "Cobro cartera vencida"),
		chromedp.Click(`#campaign-form button.primary[type=submit]`),
	))
	waitJS(ctx, t, "the campaign's page", `!!document.querySelector('#campaign [data-counter=delivered]')`)

	// The counters move live, the failure shows with its reason.
	waitJS(ctx, t, "delivered and read counts move without a reload", `document.querySelector('[data-counter=read]').textContent.trim() === '2'`)
	waitJS(ctx, t, "the failed recipient counts", `document.querySelector('[data-counter=failed]').textContent.trim() === '1'`)
	assert.Equal(t, "66.66% 2/3", strings.TrimSpace(text(ctx, t, `[data-rate=delivery]`)))
	for _, waID := range []string{"573001234567", "573017654321", "573009999999"} {
		assert.Len(t, c.sim.Sent(waID), 1, "one message to %s", waID)
	}
	assert.Empty(t, c.sim.Sent("573021112233"), "overdue only 10 days: not in the segment")
	require.NoError(t, chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(`table.recipients`)))
	rows := text(ctx, t, "table.recipients")
	assert.Contains(t, rows, "Línea Caída S.A.S.")
	assert.Contains(t, rows, "131026", "Meta's code of the failure")

	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('a[href$="recipients.csv"]').getAttribute('href')`))
	require.NoError(t, err)
	csv := pageGet(ctx, t, href)
	assert.Equal(t, 4, strings.Count(csv, "\n"), "a header and one line per recipient:\n%s", csv)
	assert.Contains(t, csv, "131026")

	if dir := os.Getenv("SALDO_SCREENSHOTS"); dir != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "campaign.png"), png, 0o644))
	}
}

// pageGet fetches a path of the console from inside the page, with the
// signed-in session.
func pageGet(ctx context.Context, t *testing.T, path string) string {
	t.Helper()
	q, _ := json.Marshal(path)
	body, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const x = new XMLHttpRequest();
		x.open('GET', `+string(q)+`, false); x.send(); return x.status + '\n' + x.responseText })()`))
	require.NoError(t, err)
	status, rest, _ := strings.Cut(body, "\n")
	require.Equal(t, "200", status, "GET %s: %s", path, rest)
	return rest
}
