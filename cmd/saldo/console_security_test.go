package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// agentClient is a signed-in console user speaking plain HTTP.
type agentClient struct {
	t    *testing.T
	base string
	http *http.Client
	csrf string
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)

func (a *agentClient) get(path string) (int, string) {
	a.t.Helper()
	req, err := http.NewRequestWithContext(a.t.Context(), http.MethodGet, a.base+path, nil)
	require.NoError(a.t, err)
	resp, err := a.http.Do(req)
	require.NoError(a.t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := csrfMeta.FindStringSubmatch(string(b)); m != nil {
		a.csrf = m[1]
	}
	return resp.StatusCode, string(b)
}

func (a *agentClient) post(path string, form url.Values, header map[string]string) (int, string) {
	a.t.Helper()
	req, err := http.NewRequestWithContext(a.t.Context(), http.MethodPost, a.base+path, strings.NewReader(form.Encode()))
	require.NoError(a.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := a.http.Do(req)
	require.NoError(a.t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func newAgentClient(t *testing.T, c *channel) *agentClient {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &agentClient{t: t, base: c.srv.URL, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var loginToken = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (a *agentClient) signIn(email, password string) int {
	a.t.Helper()
	_, page := a.get("/login")
	m := loginToken.FindStringSubmatch(page)
	require.NotNil(a.t, m, "the sign-in form has a CSRF token")
	status, _ := a.post("/login", url.Values{"_csrf": {m[1]}, "email": {email}, "password": {password}}, nil)
	if status == http.StatusSeeOther {
		a.get("/inbox")
	}
	return status
}

func TestConsoleSessionsCSRFAndVisibility(t *testing.T) {
	t.Parallel()
	c := consoleChannel(t)
	_, err := c.sim.CustomerSends(t.Context(), "573001234567", "María", "hola")
	require.NoError(t, err)
	var conv map[string]any
	eventually(t, "the conversation", func() bool { conv = c.conversationOf(t, "573001234567"); return conv != nil })
	id := conv["id"].(string)

	ana := newAgentClient(t, c)
	require.Equal(t, http.StatusSeeOther, ana.signIn("agent@saldo.test", demoPass))
	require.NotEmpty(t, ana.csrf)

	// Without the session's CSRF token nothing changes.
	status, _ := ana.post("/inbox/c/"+id+"/assign", url.Values{"assignee": {"me"}}, nil)
	assert.Equal(t, http.StatusForbidden, status, "no token")
	status, _ = ana.post("/inbox/c/"+id+"/assign", url.Values{"assignee": {"me"}, "_csrf": {"forged"}}, nil)
	assert.Equal(t, http.StatusForbidden, status, "a wrong token")
	status, _ = ana.post("/inbox/c/"+id+"/messages", url.Values{"text": {"hola"}}, map[string]string{"X-CSRF-Token": "forged"})
	assert.Equal(t, http.StatusForbidden, status, "a wrong header token")
	assert.Nil(t, c.do(http.MethodGet, "/api/v1/conversations/"+id, c.read, nil).json(t)["assignee_id"], "still unassigned")
	assert.Len(t, c.messages(t, id), 1, "no message was sent")
	status, _ = ana.post("/logout", nil, nil)
	assert.Equal(t, http.StatusForbidden, status, "even signing out needs the token")

	// With it, Ana takes the conversation.
	status, _ = ana.post("/inbox/c/"+id+"/assign", url.Values{"assignee": {"me"}, "_csrf": {ana.csrf}}, nil)
	assert.Equal(t, http.StatusSeeOther, status)

	// Diego, another agent, cannot see or touch Ana's conversation.
	diego := newAgentClient(t, c)
	require.Equal(t, http.StatusSeeOther, diego.signIn("agent2@saldo.test", demoPass))
	_, list := diego.get("/inbox?view=all")
	assert.NotContains(t, list, id, "not in his list")
	status, _ = diego.get("/inbox/c/" + id + "/chat")
	assert.Equal(t, http.StatusNotFound, status)
	status, _ = diego.post("/inbox/c/"+id+"/messages", url.Values{"text": {"hola"}, "_csrf": {diego.csrf}}, nil)
	assert.Equal(t, http.StatusNotFound, status)
	assert.Len(t, c.messages(t, id), 2, "only the assignment event was added")
	// Ana's token does not work with Diego's session.
	status, _ = diego.post("/inbox/c/"+id+"/close", url.Values{"_csrf": {ana.csrf}}, nil)
	assert.Equal(t, http.StatusForbidden, status)
	// The manager sees everything.
	marcos := newAgentClient(t, c)
	require.Equal(t, http.StatusSeeOther, marcos.signIn("manager@saldo.test", demoPass))
	status, _ = marcos.get("/inbox/c/" + id + "/chat")
	assert.Equal(t, http.StatusOK, status)
	status, _ = diego.get("/reports/aging")
	assert.Equal(t, http.StatusForbidden, status, "agents do not see reports")

	// A signed-out session is dead, even if someone kept the cookie.
	kept := ana.http.Jar.Cookies(mustURL(t, c.srv.URL))
	status, _ = ana.post("/logout", url.Values{"_csrf": {ana.csrf}}, nil)
	assert.Equal(t, http.StatusSeeOther, status)
	thief := newAgentClient(t, c)
	thief.http.Jar.SetCookies(mustURL(t, c.srv.URL), kept)
	status, _ = thief.get("/inbox")
	assert.Equal(t, http.StatusFound, status, "back to sign-in")
	status, _ = thief.get("/inbox/c/" + id + "/chat")
	assert.NotEqual(t, http.StatusOK, status)
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}

func TestSignInSlowsDownAfterFiveFailures(t *testing.T) {
	t.Parallel()
	c := consoleChannel(t)
	a := newAgentClient(t, c)
	for i := range 5 {
		status := a.signIn("agent@saldo.test", "wrong-password")
		assert.Contains(t, []int{http.StatusUnauthorized, http.StatusTooManyRequests}, status, "attempt %d", i+1)
	}
	assert.Equal(t, http.StatusTooManyRequests, a.signIn("agent@saldo.test", demoPass), "locked even with the right password")
	assert.Equal(t, http.StatusUnauthorized, a.signIn("nobody@saldo.test", demoPass), "unknown email: the same answer as a wrong password")

	// The sign-in form itself refuses a post without its token.
	status, _ := a.post("/login", url.Values{"email": {"agent2@saldo.test"}, "password": {demoPass}}, nil)
	assert.Equal(t, http.StatusForbidden, status)
}

// getURL and postURL talk to absolute URLs (the pay page).
func (a *agentClient) getURL(u string) (int, string) {
	a.base = ""
	return a.get(u)
}

func (a *agentClient) postURL(u string, form url.Values) (int, string) {
	a.base = ""
	return a.post(u, form, nil)
}

func TestParallelWrongPasswordsEachCount(t *testing.T) {
	t.Parallel()
	c := consoleChannel(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			newAgentClient(t, c).signIn("agent2@saldo.test", "wrong-password")
		}()
	}
	wg.Wait()
	var failures int
	require.NoError(t, c.app.db.Raw("SELECT failed_logins FROM users WHERE email = 'agent2@saldo.test'").Scan(&failures).Error)
	assert.Equal(t, 8, failures, "no failure is lost to a concurrent one")
	assert.Equal(t, http.StatusTooManyRequests, newAgentClient(t, c).signIn("agent2@saldo.test", demoPass))
}
