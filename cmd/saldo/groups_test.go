package main

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGroupsAPI(t *testing.T) {
	t.Parallel()
	s := startSaldo(t)
	for _, c := range []map[string]any{customerJSON("C-1", "Ana", "+573001110001"), customerJSON("C-2", "Beto", "+573001110002")} {
		require.Equal(t, http.StatusCreated, s.do(http.MethodPut, "/api/v1/customers/external/"+c["external_id"].(string), s.write, c).status)
	}
	c1 := s.do(http.MethodGet, "/api/v1/customers/external/C-1", s.read, nil).json(t)["id"].(string)

	created := s.do(http.MethodPost, "/api/v1/groups", s.write, map[string]any{"name": "  Morosos 30+ ", "description": "más de 30 días"})
	require.Equal(t, http.StatusCreated, created.status, "%s", created.body)
	g := created.json(t)
	id := g["id"].(string)
	assert.Equal(t, "Morosos 30+", g["name"])

	dup := s.do(http.MethodPost, "/api/v1/groups", s.write, map[string]any{"name": "MOROSOS 30+"})
	assert.Equal(t, http.StatusConflict, dup.status)
	assert.Equal(t, "group_name_taken", dup.errorCode(t))
	bad := s.do(http.MethodPost, "/api/v1/groups", s.write, map[string]any{"name": strings.Repeat("x", 81)})
	assert.Equal(t, http.StatusUnprocessableEntity, bad.status)
	assert.Equal(t, http.StatusForbidden, s.do(http.MethodPost, "/api/v1/groups", s.read, map[string]any{"name": "x"}).status)

	// Members by Saldo id and by external id; the same request twice adds nothing.
	add := s.do(http.MethodPost, "/api/v1/groups/"+id+"/members", s.write, map[string]any{"customer_ids": []string{c1}, "external_ids": []string{"C-2"}})
	require.Equal(t, http.StatusOK, add.status, "%s", add.body)
	assert.EqualValues(t, 2, add.json(t)["added"])
	again := s.do(http.MethodPost, "/api/v1/groups/"+id+"/members", s.write, map[string]any{"external_ids": []string{"C-1", "C-2"}})
	assert.EqualValues(t, 0, again.json(t)["added"])
	unknown := s.do(http.MethodPost, "/api/v1/groups/"+id+"/members", s.write, map[string]any{"external_ids": []string{"C-1", "NOPE"}})
	assert.Equal(t, http.StatusUnprocessableEntity, unknown.status)
	assert.Equal(t, "unknown_customers", unknown.errorCode(t))
	assert.Contains(t, string(unknown.body), "NOPE")
	assert.Equal(t, http.StatusBadRequest, s.do(http.MethodPost, "/api/v1/groups/"+id+"/members", s.write, map[string]any{"customer_ids": []string{"C-1"}}).status)

	page := s.do(http.MethodGet, "/api/v1/groups/"+id+"/members?limit=1", s.read, nil).json(t)
	assert.Len(t, page["items"], 1)
	assert.NotEmpty(t, page["next_cursor"])
	list := s.do(http.MethodGet, "/api/v1/groups", s.read, nil).json(t)["items"].([]any)
	require.Len(t, list, 1)
	assert.EqualValues(t, 2, list[0].(map[string]any)["members"])

	rm := s.do(http.MethodDelete, "/api/v1/groups/"+id+"/members", s.write, map[string]any{"external_ids": []string{"C-1"}})
	require.Equal(t, http.StatusOK, rm.status, "%s", rm.body)
	assert.EqualValues(t, 1, rm.json(t)["removed"])

	renamed := s.do(http.MethodPatch, "/api/v1/groups/"+id, s.write, map[string]any{"name": "Morosos 60+"})
	require.Equal(t, http.StatusOK, renamed.status, "%s", renamed.body)
	assert.Equal(t, "Morosos 60+", renamed.json(t)["name"])
	assert.Equal(t, "más de 30 días", renamed.json(t)["description"], "a description left out is kept")

	assert.Equal(t, http.StatusNoContent, s.do(http.MethodDelete, "/api/v1/groups/"+id, s.write, nil).status)
	assert.Equal(t, http.StatusNotFound, s.do(http.MethodGet, "/api/v1/groups/"+id, s.read, nil).status)
	assert.Equal(t, http.StatusNotFound, s.do(http.MethodPost, "/api/v1/groups/"+id+"/members", s.write, map[string]any{"external_ids": []string{"C-1"}}).status)
	assert.Equal(t, http.StatusOK, s.do(http.MethodGet, "/api/v1/customers/external/C-1", s.read, nil).status, "customers outlive their groups")
}

var hrefGroup = regexp.MustCompile(`href="/groups/([0-9a-f-]{36})"`)

// postFile posts a multipart form with a file, as the console's import form does.
func (a *agentClient) postFile(path string, fields url.Values, file []byte, header map[string]string) (int, string, string) {
	a.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			require.NoError(a.t, w.WriteField(k, v))
		}
	}
	part, err := w.CreateFormFile("file", "clientes.csv")
	require.NoError(a.t, err)
	_, _ = part.Write(file)
	require.NoError(a.t, w.Close())
	req, err := http.NewRequestWithContext(a.t.Context(), http.MethodPost, a.base+path, &body)
	require.NoError(a.t, err)
	req.Header.Set("Content-Type", w.FormDataContentType())
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := a.http.Do(req)
	require.NoError(a.t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

func TestGroupsAndImportConsole(t *testing.T) {
	t.Parallel()
	c := consoleChannel(t)

	agent := newAgentClient(t, c)
	require.Equal(t, http.StatusSeeOther, agent.signIn("agent@saldo.test", demoPass))
	status, page := agent.get("/inbox")
	require.Equal(t, http.StatusOK, status)
	assert.NotContains(t, page, `href="/groups"`, "agents see no groups link")
	for _, path := range []string{"/groups", "/customers/import", "/customers/import/sample.csv"} {
		status, _ = agent.get(path)
		assert.Equal(t, http.StatusForbidden, status, path)
	}
	status, _, _ = agent.postFile("/customers/import", url.Values{"_csrf": {agent.csrf}}, []byte(importFile), nil)
	assert.Equal(t, http.StatusForbidden, status)

	m := newAgentClient(t, c)
	require.Equal(t, http.StatusSeeOther, m.signIn("manager@saldo.test", demoPass))
	_, page = m.get("/customers")
	assert.Contains(t, page, `href="/customers/import"`)
	_, page = m.get("/inbox")
	assert.Contains(t, page, `href="/groups"`)

	// Preview (as the page's script asks for it): a fragment with per-row errors.
	status, frag, _ := m.postFile("/customers/import/preview", url.Values{}, []byte(importFile), map[string]string{"X-CSRF-Token": m.csrf, "X-Requested-With": "fetch"})
	require.Equal(t, http.StatusOK, status, frag)
	assert.NotContains(t, frag, "<html")
	assert.Contains(t, frag, "5 filas: 3 nuevos, 0 a actualizar, 0 sin cambios, 2 con errores.")
	assert.Contains(t, frag, "email: ")
	status, _ = m.get("/customers")
	require.Equal(t, http.StatusOK, status)

	// Without the CSRF token nothing is imported.
	status, _, _ = m.postFile("/customers/import", url.Values{}, []byte(importFile), nil)
	assert.Equal(t, http.StatusForbidden, status)

	// Confirm: a plain form post, redirected to the result with its error report.
	status, _, loc := m.postFile("/customers/import", url.Values{"_csrf": {m.csrf}}, []byte(importFile), nil)
	require.Equal(t, http.StatusSeeOther, status)
	require.True(t, strings.HasPrefix(loc, "/customers/import/"), loc)
	_, page = m.get(loc)
	assert.Contains(t, page, "Importación terminada")
	assert.Contains(t, page, "3 nuevos · 0 actualizados · 0 sin cambios · 2 con errores")
	assert.Contains(t, page, "external_id or phone is required")
	status, report := m.get(loc + "/errors.csv")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, report, "6,external_id,external_id or phone is required")

	// The groups the file named, their members, and the customer's page.
	_, page = m.get("/groups")
	assert.Contains(t, page, "Mayoristas")
	status, _ = m.post("/groups", url.Values{"_csrf": {m.csrf}, "name": {"mayoristas"}}, nil)
	assert.Equal(t, http.StatusUnprocessableEntity, status, "a taken name is refused")
	status, _ = m.post("/groups", url.Values{"_csrf": {m.csrf}, "name": {"Cartera castigada"}}, nil)
	require.Equal(t, http.StatusSeeOther, status)
	_, page = m.get("/groups")
	ids := hrefGroup.FindAllStringSubmatch(page, -1)
	require.Len(t, ids, 4)
	var castigada string
	for _, id := range ids {
		_, gp := m.get("/groups/" + id[1])
		if strings.Contains(gp, "<h1>Cartera castigada</h1>") {
			castigada = id[1]
		}
	}
	require.NotEmpty(t, castigada)

	// Search and add, then remove.
	_, gp := m.get("/groups/" + castigada + "?q=Tornillo")
	cust := regexp.MustCompile(`name="customer_id" value="([0-9a-f-]{36})"`).FindStringSubmatch(gp)
	require.NotNil(t, cust, "the search offers the customer")
	status, _ = m.post("/groups/"+castigada+"/members/add", url.Values{"_csrf": {m.csrf}, "customer_id": {cust[1]}, "q": {"Tornillo"}}, nil)
	require.Equal(t, http.StatusSeeOther, status)
	_, gp = m.get("/groups/" + castigada)
	assert.Contains(t, gp, "Ferretería El Tornillo")
	_, cp := m.get("/customers/" + cust[1])
	assert.Contains(t, cp, "Cartera castigada")
	assert.Contains(t, cp, "Morosos 30&#43;", "html/template escapes the plus")
	status, _ = m.post("/groups/"+castigada+"/members/remove", url.Values{"_csrf": {m.csrf}, "customer_id": {cust[1]}}, nil)
	require.Equal(t, http.StatusSeeOther, status)
	_, gp = m.get("/groups/" + castigada)
	assert.Contains(t, gp, "Este grupo no tiene clientes.")

	status, _ = m.post("/groups/"+castigada+"/delete", url.Values{"_csrf": {m.csrf}}, nil)
	require.Equal(t, http.StatusSeeOther, status)
	_, page = m.get("/groups")
	assert.NotContains(t, page, "Cartera castigada")
}
