package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/clock"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/apikey"
	"github.com/saldocrm/saldo/domain/money"
)

// testNow is 2026-11-22 03:00 UTC: still 2026-11-21 in Bogotá, the
// organization's zone, so "today" in these tests is the 21st.
var testNow = time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)

// saldo is the whole application behind a real HTTP server, on its own
// database, with a fixed clock.
type saldo struct {
	t     *testing.T
	srv   *httptest.Server
	app   *app
	clock *clock.Fixed
	write string // an API key with read and write scopes
	read  string // an API key with the read scope only
}

func startSaldo(t *testing.T) *saldo {
	t.Helper()
	bogota, err := time.LoadLocation("America/Bogota")
	require.NoError(t, err)
	cfg := config{
		DatabaseURL: pgtest.URL(t),
		RedisURL:    envOr("REDIS_URL", "redis://127.0.0.1:6379/0"),
		Org:         application.Org{Location: bogota, Currency: money.MustCurrency("COP")},
		LogLevel:    8, // errors only: tests assert on answers, not logs
	}
	clk := clock.NewFixed(testNow)
	a, err := newApp(t.Context(), cfg, clk)
	require.NoError(t, err)
	t.Cleanup(a.close)
	s := &saldo{t: t, srv: httptest.NewServer(a.router()), app: a, clock: clk}
	t.Cleanup(s.srv.Close)
	s.write = s.key(apikey.Read, apikey.Write)
	s.read = s.key(apikey.Read)
	return s
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func (s *saldo) key(scopes ...apikey.Scope) string {
	_, secret, err := application.NewCreateAPIKey(s.app.apiKeys, s.app.clock).Handle(context.Background(), "test", scopes)
	require.NoError(s.t, err)
	return secret
}

type answer struct {
	status int
	body   []byte
}

func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(a.body, &m), "body: %s", a.body)
	return m
}

// errorCode returns the error code of an error answer.
func (a answer) errorCode(t *testing.T) string {
	t.Helper()
	e, ok := a.json(t)["error"].(map[string]any)
	require.True(t, ok, "not an error answer: %s", a.body)
	return fmt.Sprint(e["code"])
}

func (s *saldo) do(method, path, key string, body any) answer {
	s.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		require.NoError(s.t, err)
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(s.t.Context(), method, s.srv.URL+path, r)
	require.NoError(s.t, err)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.srv.Client().Do(req)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(s.t, err)
	return answer{status: resp.StatusCode, body: out}
}

// tableText returns every row of a table as JSON text, in id order: what a
// byte-for-byte comparison of the rows needs.
func (s *saldo) tableText(table string) string {
	s.t.Helper()
	var rows []string
	require.NoError(s.t, s.app.db.Raw("SELECT row_to_json(t)::text FROM "+table+" t ORDER BY id").Scan(&rows).Error)
	return strings.Join(rows, "\n")
}

func customerJSON(ext, name, phone string) map[string]any {
	return map[string]any{
		"external_id": ext, "name": name, "email": strings.ToLower(ext) + "@example.com", "phone": phone,
		"tax_id": "900123456", "tags": []string{"vip"}, "language": "es", "metadata": map[string]any{"segment": "retail", "score": 1.50},
	}
}

func invoiceJSON(ext, customerExt, currency, issue, due string, total any) map[string]any {
	return map[string]any{
		"external_id": ext, "customer_external_id": customerExt, "number": "FV-" + ext, "currency": currency,
		"issue_date": issue, "due_date": due, "total": total, "metadata": map[string]any{"erp": "siigo"},
	}
}
