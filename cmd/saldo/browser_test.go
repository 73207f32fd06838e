package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/user"
)

const demoPass = "browser-test-pass"

// chromium finds the browser; make test installs Debian's when it is missing.
func chromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests run without -short")
	}
	for _, p := range []string{os.Getenv("SALDO_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	t.Fatal("no Chromium: run make test, which installs Debian's chromium package")
	return ""
}

// browser opens a fresh headless Chromium tab of width×height.
func browser(t *testing.T, width, height int) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium(t)), chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)
	return ctx
}

// consoleChannel is Saldo with the console, the simulator, a worker, live
// events and a signed-up agent.
func consoleChannel(t *testing.T) *channel {
	t.Helper()
	c := startChannel(t, pgtest.URL(t))
	c.startWorker(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.app.events.Subscribe(ctx, c.app.hub.Dispatch); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	create := application.NewCreateUser(c.app.users, c.app.hasher, c.app.clock)
	for _, u := range []struct {
		email, name string
		role        user.Role
	}{{"agent@saldo.test", "Ana Agente", user.Agent}, {"agent2@saldo.test", "Diego Cobros", user.Agent}, {"manager@saldo.test", "Marcos Gerente", user.Manager}} {
		_, _, err := create.Handle(t.Context(), u.email, u.name, u.role, "es", demoPass)
		require.NoError(t, err)
	}
	sync := c.do(http.MethodPost, "/api/v1/templates/sync", c.write, nil)
	require.Equal(t, http.StatusOK, sync.status, "%s", sync.body)
	return c
}

func signIn(c *channel, email string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(c.srv.URL+"/login"),
		chromedp.WaitVisible(`input[name=email]`),
		chromedp.SendKeys(`input[name=email]`, email),
		chromedp.SendKeys(`input[name=password]`, demoPass),
		chromedp.Click(`main.login button[type=submit]`),
		chromedp.WaitVisible(`#list`),
	)
}

// waitJS polls a JavaScript condition in the page for up to 10 s; a poll
// that a navigation interrupts (a form's redirect) is started again.
func waitJS(ctx context.Context, t *testing.T, what, expr string) {
	t.Helper()
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var err error
	for pctx.Err() == nil {
		if _, err = chromedp.Run(pctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond))); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText.slice(0, 2000)`))
	require.NoError(t, err, "waiting until %s; the page shows %s", what, body)
}

// clickJS clicks the element sel once it is there, finding and clicking it
// in one step: a live refresh may replace a node between the two.
func clickJS(ctx context.Context, t *testing.T, sel string) {
	t.Helper()
	q, _ := json.Marshal(sel)
	waitJS(ctx, t, "clicking "+sel, `(() => { const e = document.querySelector(`+string(q)+`); if (!e) return false; e.click(); return true })()`)
}

func text(ctx context.Context, t *testing.T, sel string) string {
	t.Helper()
	// Read in one step: a live refresh may replace the node between finding and reading it.
	q, _ := json.Marshal(sel)
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector(`+string(q)+`) || {innerText: ""}).innerText`))
	require.NoError(t, err, "text of %s", sel)
	return s
}

func TestConsoleInTheBrowser(t *testing.T) {
	t.Parallel()
	c := consoleChannel(t)
	// María owes two invoices, one of them overdue; she writes.
	require.Equal(t, http.StatusCreated, c.do(http.MethodPut, "/api/v1/customers/external/C-1", c.write, customerJSON("C-1", "María Fernanda Ruiz", "+57 300 123 4567")).status)
	b := c.do(http.MethodPost, "/api/v1/invoices/batch", c.write, map[string]any{"items": []any{
		invoiceJSON("I-1", "C-1", "COP", "2020-01-01", "2020-02-01", "1250000"),
		invoiceJSON("I-2", "C-1", "COP", "2099-01-01", "2099-02-01", "300000"),
	}})
	require.Equal(t, http.StatusOK, b.status, "%s", b.body)
	firstWAMID, err := c.sim.CustomerSends(t.Context(), "573001234567", "María", "Hola, ¿cuánto debo?")
	require.NoError(t, err)
	eventually(t, "the conversation exists", func() bool { return c.conversationOf(t, "573001234567") != nil })

	ctx := browser(t, 1366, 768)
	require.NoError(t, chromedp.Do(ctx, signIn(c, "agent@saldo.test")))
	assert.Contains(t, text(ctx, t, "#list"), "María Fernanda Ruiz", "the list names the linked customer")

	// Open it: the panel shows the balance and the overdue invoice.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(`a.conv`), chromedp.WaitVisible(`.panel [data-overdue]`)))
	panel := text(ctx, t, "#panel")
	assert.Contains(t, panel, "$ 1.550.000,00 COP", "balance")
	assert.Contains(t, panel, "$ 1.250.000,00 COP", "overdue")
	assert.Contains(t, panel, "FV-I-1", "the overdue invoice")
	assert.NotContains(t, panel, "FV-I-2", "not yet due: not in the overdue list")
	eventually(t, "opening the conversation shows María her message read", func() bool { return c.sim.BusinessRead(firstWAMID) })

	// Reply inside the window: it reaches WhatsApp and comes back read, live.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.WaitVisible(`#text`),
		chromedp.SendKeys(`#text`, "Hola María, su saldo vencido es $ 1.250.000."),
		chromedp.Click(`form[data-compose] button[type=submit]`),
	))
	waitJS(ctx, t, "the reply shows", `[...document.querySelectorAll('.bubble.out')].some(b => b.textContent.includes('su saldo vencido'))`)
	eventually(t, "the simulator got the reply", func() bool { return len(c.sim.Sent("573001234567")) == 1 })
	waitJS(ctx, t, "the reply is read, without a reload", `!!document.querySelector('.bubble.out .tick.read')`)

	// A new message arrives live.
	_, err = c.sim.CustomerSends(t.Context(), "573001234567", "María", "Gracias, pago el viernes")
	require.NoError(t, err)
	waitJS(ctx, t, "the new message appears without a reload", `document.querySelector('#messages').textContent.includes('pago el viernes')`)

	// A customer who never wrote: the composer offers only templates.
	other := c.do(http.MethodPut, "/api/v1/customers/external/C-2", c.write, customerJSON("C-2", "Ferretería Andina", "+52 55 1234 5678"))
	require.Equal(t, http.StatusCreated, other.status)
	started := c.do(http.MethodPost, "/api/v1/messages", c.write, map[string]any{
		"customer_id": other.json(t)["id"], "type": "template",
		"template": map[string]any{"name": "recordatorio_pago", "language": "es", "parameters": []string{"Ferretería", "$ 4.500 MXN", "15/11/2026"}},
	})
	require.Equal(t, http.StatusAccepted, started.status, "%s", started.body)
	otherConv := started.json(t)["conversation_id"].(string)
	eventually(t, "the first template is read", func() bool {
		sent := c.sim.Sent("525512345678")
		return len(sent) == 1 && sent[0].Status == "read"
	})
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(c.srv.URL+"/inbox?view=all&c="+otherConv), chromedp.WaitVisible(`[data-template-form]`)))
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#text').length`))
	require.NoError(t, err)
	assert.Equal(t, 0, n, "no free-text box outside the window")
	assert.Contains(t, text(ctx, t, ".composer"), "solo plantillas aprobadas")
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const s = document.querySelector('select[name=template]');
		s.value = 'recordatorio_pago|es'; s.dispatchEvent(new Event('change', {bubbles: true})); return true })()`))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(`input[name=p1]`, "Andina"),
		chromedp.SendKeys(`input[name=p2]`, "$ 9.000 MXN"),
		chromedp.SendKeys(`input[name=p3]`, "30/11/2026"),
	))
	assert.Contains(t, text(ctx, t, "[data-preview]"), "Hola Andina", "live preview of the template")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(`[data-template-form] button[type=submit]`)))
	eventually(t, "the template reaches the simulator", func() bool { return len(c.sim.Sent("525512345678")) == 2 })

	// An unknown number: link it to a customer from the panel.
	_, err = c.sim.CustomerSends(t.Context(), "573009998877", "Desconocido", "Me escribieron por una factura")
	require.NoError(t, err)
	var unknown map[string]any
	eventually(t, "the unknown number's conversation", func() bool { unknown = c.conversationOf(t, "573009998877"); return unknown != nil })
	require.Nil(t, unknown["customer_id"])
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(c.srv.URL+"/inbox?c="+unknown["id"].(string)),
		chromedp.WaitVisible(`#link-q`),
		chromedp.SendKeys(`#link-q`, "andina"),
		chromedp.Submit(`#link-q`),
		chromedp.WaitVisible(`.results form button`),
		chromedp.Click(`.results form button`),
		chromedp.WaitVisible(`.panel .customer`),
	))
	assert.Contains(t, text(ctx, t, "#panel"), "Ferretería Andina")
	linked := c.do(http.MethodGet, "/api/v1/conversations/"+unknown["id"].(string), c.read, nil).json(t)
	assert.Equal(t, other.json(t)["id"], linked["customer_id"])

	if dir := os.Getenv("SALDO_SCREENSHOTS"); dir != "" {
		screenshots(t, c, dir)
	}
}

// screenshots regenerates docs/screenshots (make screenshots).
func screenshots(t *testing.T, c *channel, dir string) {
	conv := c.conversationOf(t, "573001234567")["id"].(string)
	for _, s := range []struct {
		name          string
		width, height int
	}{{"inbox.png", 1366, 768}, {"inbox-phone.png", 390, 844}} {
		ctx := browser(t, s.width, s.height)
		require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(int64(s.width), int64(s.height)), signIn(c, "agent@saldo.test"),
			chromedp.Navigate(c.srv.URL+"/inbox?c="+conv), chromedp.WaitVisible(`.panel [data-overdue]`)))
		if _, err := c.app.analyze.Handle(t.Context(), uuid.MustParse(conv)); err != nil && s.name == "inbox.png" {
			require.NoError(t, err)
		}
		require.NoError(t, chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(`[data-ai-summary]`), chromedp.Sleep(300*time.Millisecond)))
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, s.name), png, 0o644))
	}
}

func TestPaymentLinkFromThePanelInTheBrowser(t *testing.T) {
	t.Parallel()
	c := consoleChannel(t)
	_, convID := payingCustomer(t, c)
	ctx := browser(t, 1366, 768)
	require.NoError(t, chromedp.Do(ctx, signIn(c, "agent@saldo.test"),
		chromedp.Navigate(c.srv.URL+"/inbox?c="+convID), chromedp.WaitVisible(`.panel [data-overdue]`)))
	assert.Contains(t, text(ctx, t, "#panel"), "$ 1.349.000,00 COP", "balance before")

	// Both overdue invoices are ticked by default; the link goes into the chat.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(`[data-create-link] summary`),
		chromedp.WaitVisible(`[data-create-link] button[type=submit]`),
	))
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-create-link] input[name=invoice]:checked').length`))
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(`[data-create-link] button[type=submit]`)))
	var payURL string
	eventually(t, "the link reaches the customer's WhatsApp", func() bool {
		for _, m := range c.sim.Sent("573001234567") {
			if i := strings.Index(m.Body, "/pay/"); i >= 0 {
				payURL = c.srv.URL + strings.Fields(m.Body[i:])[0]
				return true
			}
		}
		return false
	})
	assert.Contains(t, text(ctx, t, "#messages"), "Puede pagar $ 350.000,00 COP aquí")

	// The customer pays on the sandbox page; the panel follows live.
	status, _ := payOnPage(t, payURL)
	require.Equal(t, http.StatusSeeOther, status)
	waitJS(ctx, t, "the panel shows no overdue invoice and the lower balance, without a reload",
		`!document.querySelector('.panel [data-overdue]') && document.querySelector('#panel').textContent.includes('999.000,00')`)
	assert.Contains(t, text(ctx, t, "#panel"), "Pagado", "the link is shown paid")
	waitJS(ctx, t, "the payment event shows in the chat", `document.querySelector('#messages').textContent.includes('Pago recibido')`)
	eventually(t, "the receipt reaches WhatsApp", func() bool {
		for _, m := range c.sim.Sent("573001234567") {
			if strings.Contains(m.Body, "Recibimos su pago") {
				return true
			}
		}
		return false
	})
}

func TestAnalyseAndSuggestAReplyInTheBrowser(t *testing.T) {
	t.Parallel()
	c := consoleChannel(t)
	_, convID := payingCustomer(t, c)
	ctx := browser(t, 1366, 768)
	require.NoError(t, chromedp.Do(ctx, signIn(c, "agent@saldo.test"),
		chromedp.Navigate(c.srv.URL+"/inbox?c="+convID), chromedp.WaitVisible(`form[action$="/analyze"] button`)))
	assert.Contains(t, text(ctx, t, "[data-ai]"), "Aún no analizada")

	// Closing the conversation analyses it in the background; the panel follows live.
	clickJS(ctx, t, `form[action$="/close"] button`)
	waitJS(ctx, t, "the insight of the closed conversation shows in the panel, without a reload", `!!document.querySelector('[data-ai-summary]')`)
	require.NoError(t, chromedp.Do(ctx, chromedp.Sleep(500*time.Millisecond)))
	clickJS(ctx, t, `form[action$="/analyze"] button`) // "Analizar" again, on demand
	eventually(t, "a second insight in the history", func() bool {
		return strings.Count(string(c.do(http.MethodGet, "/api/v1/conversations/"+convID+"/insights", c.read, nil).body), `"summary"`) == 2
	})
	ai := text(ctx, t, "[data-ai]")
	assert.Contains(t, ai, "Siguiente paso")
	assert.Contains(t, ai, "offline")

	// Reply assist writes a reply with the live figures into the composer.
	clickJS(ctx, t, `form[action$="/reopen"] button`)
	waitJS(ctx, t, "the conversation is open again", `!!document.querySelector('form[action$="/close"] button')`)
	require.NoError(t, chromedp.Do(ctx, chromedp.Sleep(300*time.Millisecond)))
	clickJS(ctx, t, `[data-assist]`)
	waitJS(ctx, t, "a suggested reply fills the composer", `document.querySelector('#text').value.length > 20`)
	draft, err := chromedp.Run(ctx, chromedp.Value(`#text`))
	require.NoError(t, err)
	assert.Contains(t, draft, "350.000", "the overdue total is in the suggestion: %q", draft)
}
