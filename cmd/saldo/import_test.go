package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/clock"
	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/apikey"
	"github.com/saldocrm/saldo/domain/money"
)

// upload posts a file as multipart/form-data in the field "file".
func (s *saldo) upload(path, key, name string, file []byte) answer {
	s.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("file", name)
	require.NoError(s.t, err)
	_, err = part.Write(file)
	require.NoError(s.t, err)
	require.NoError(s.t, w.Close())
	req, err := http.NewRequestWithContext(s.t.Context(), http.MethodPost, s.srv.URL+path, &body)
	require.NoError(s.t, err)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := s.srv.Client().Do(req)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(s.t, err)
	return answer{status: resp.StatusCode, body: out}
}

func counts(t *testing.T, m map[string]any) [4]int {
	t.Helper()
	return [4]int{int(m["created"].(float64)), int(m["updated"].(float64)), int(m["unchanged"].(float64)), int(m["failed"].(float64))}
}

const importFile = "\ufeffexternal_id;name;phone;email;tax_id;language;tags;groups\n" +
	"C-1;Ferretería El Tornillo;+57 300 123 4567;pagos@tornillo.co;900123456-7;es;mayorista|bogota;Morosos 30+|Mayoristas\n" +
	";Padaria Pão Quente;+55 11 98765-4321;;;pt;;Varejo\n" +
	"C-3;;+57 300 000 0003;no-es-correo;;xx;;\n" +
	"C-4;Distribuidora Azteca;+52 1 55 1234 5678;cobranza@azteca.mx;;es;;mayoristas\n" +
	";Sin identificador;;;;;;\n"

func TestImportCustomersCSV(t *testing.T) {
	t.Parallel()
	s := startSaldo(t)

	// The preview writes nothing and says what would happen, row by row.
	pv := s.upload("/api/v1/imports/customers?dry_run=true", s.write, "clientes.csv", []byte(importFile))
	require.Equal(t, http.StatusOK, pv.status, "%s", pv.body)
	preview := pv.json(t)
	assert.Equal(t, [4]int{3, 0, 0, 2}, counts(t, preview))
	rows := preview["rows"].([]any)
	require.Len(t, rows, 5)
	assert.Equal(t, "created", rows[0].(map[string]any)["outcome"])
	bad := rows[2].(map[string]any)
	assert.Equal(t, "error", bad["outcome"])
	assert.EqualValues(t, 4, bad["line"])
	var cols []string
	for _, e := range bad["errors"].([]any) {
		cols = append(cols, e.(map[string]any)["column"].(string))
	}
	assert.ElementsMatch(t, []string{"name", "email", "language"}, cols, "each bad cell is named")
	list := s.do(http.MethodGet, "/api/v1/customers", s.read, nil)
	assert.Empty(t, list.json(t)["items"], "a preview writes nothing")
	assert.Empty(t, s.do(http.MethodGet, "/api/v1/groups", s.read, nil).json(t)["items"])

	// The import saves the good rows beside the bad ones and reports these.
	first := s.upload("/api/v1/imports/customers", s.write, "clientes.csv", []byte(importFile))
	require.Equal(t, http.StatusOK, first.status, "%s", first.body)
	imp := first.json(t)
	assert.Equal(t, "done", imp["status"])
	assert.Equal(t, [4]int{3, 0, 0, 2}, counts(t, imp))
	errs := imp["errors"].([]any)
	require.Len(t, errs, 4)
	assert.EqualValues(t, 4, errs[0].(map[string]any)["line"])
	last := errs[3].(map[string]any)
	assert.EqualValues(t, 6, last["line"])
	assert.Equal(t, "external_id", last["column"])

	// Customers without an external id get one derived from the phone.
	pao := s.do(http.MethodGet, "/api/v1/customers/external/tel-5511987654321", s.read, nil)
	require.Equal(t, http.StatusOK, pao.status, "%s", pao.body)
	assert.Equal(t, "Padaria Pão Quente", pao.json(t)["name"])

	// Groups named in the file exist now, whatever the case they were written in.
	groups := s.do(http.MethodGet, "/api/v1/groups", s.read, nil).json(t)["items"].([]any)
	members := map[string]float64{}
	for _, g := range groups {
		members[g.(map[string]any)["name"].(string)] = g.(map[string]any)["members"].(float64)
	}
	assert.Equal(t, map[string]float64{"Mayoristas": 2, "Morosos 30+": 1, "Varejo": 1}, members)

	// The same file again changes nothing.
	before := s.tableText("customers")
	again := s.upload("/api/v1/imports/customers", s.write, "clientes.csv", []byte(importFile))
	require.Equal(t, http.StatusOK, again.status, "%s", again.body)
	assert.Equal(t, [4]int{0, 0, 3, 2}, counts(t, again.json(t)))
	assert.EqualValues(t, 0, again.json(t)["group_members_added"])
	assert.Equal(t, before, s.tableText("customers"))

	// A row without external id finds the customer by phone, in another
	// format; blank cells keep what the customer has.
	update := "name,phone,email\nPadaria Pão Quente Ltda,5511987654321,\n"
	up := s.upload("/api/v1/imports/customers", s.write, "u.csv", []byte(update))
	require.Equal(t, http.StatusOK, up.status, "%s", up.body)
	assert.Equal(t, [4]int{0, 1, 0, 0}, counts(t, up.json(t)))
	pao = s.do(http.MethodGet, "/api/v1/customers/external/tel-5511987654321", s.read, nil)
	assert.Equal(t, "Padaria Pão Quente Ltda", pao.json(t)["name"])
	assert.Equal(t, "pt", pao.json(t)["language"], "a column the file lacks keeps its value")

	// The error report downloads as CSV.
	id := imp["id"].(string)
	rep := s.do(http.MethodGet, "/api/v1/imports/"+id+"/errors.csv", s.read, nil)
	require.Equal(t, http.StatusOK, rep.status)
	assert.Contains(t, string(rep.body), "line,column,message\n4,email,")
	got := s.do(http.MethodGet, "/api/v1/imports/"+id, s.read, nil)
	assert.Equal(t, "done", got.json(t)["status"])
	assert.EqualValues(t, 100, got.json(t)["percent"])
}

func TestImportCustomersRefusals(t *testing.T) {
	t.Parallel()
	s := startSaldo(t)
	for name, tc := range map[string]struct {
		file string
		code string
	}{
		"unknown column": {"external_id,nombre\nC-1,Ana\n", "invalid_csv"},
		"no header":      {"", "invalid_csv"},
		"no rows":        {"external_id,name\n", "invalid_csv"},
		"not utf-8":      {"external_id,name\nC-1,Jos\xe9\n", "invalid_csv"},
	} {
		a := s.upload("/api/v1/imports/customers", s.write, name+".csv", []byte(tc.file))
		assert.Equal(t, http.StatusUnprocessableEntity, a.status, "%s: %s", name, a.body)
		assert.Equal(t, tc.code, a.errorCode(t), name)
	}
	// A file over 50 MB is refused with a clear error, not read whole.
	big := bytes.Repeat([]byte("x"), application.MaxImportBytes+10)
	a := s.upload("/api/v1/imports/customers", s.write, "big.csv", big)
	assert.Equal(t, http.StatusUnprocessableEntity, a.status, "%s", a.body)
	assert.Equal(t, "file_too_large", a.errorCode(t))
	// A read-only key may not import.
	a = s.upload("/api/v1/imports/customers", s.read, "x.csv", []byte(importFile))
	assert.Equal(t, http.StatusForbidden, a.status, "%s", a.body)

	sample := s.do(http.MethodGet, "/api/v1/imports/customers/sample.csv", s.read, nil)
	require.Equal(t, http.StatusOK, sample.status)
	pv := s.upload("/api/v1/imports/customers?dry_run=true", s.write, "sample.csv", sample.body)
	require.Equal(t, http.StatusOK, pv.status, "%s", pv.body)
	assert.Equal(t, [4]int{3, 0, 0, 0}, counts(t, pv.json(t)), "the sample file imports cleanly")
	assert.Equal(t, http.StatusNotFound, s.do(http.MethodGet, "/api/v1/imports/6f1c2d1e-8a47-4c55-9d3b-5b0f3c1e7a01", s.read, nil).status)
}

// generatedFile is a customer file of n rows, every 100th one invalid.
func generatedFile(n int) []byte {
	var b strings.Builder
	b.WriteString("external_id,name,phone,email,tags,groups\n")
	for i := range n {
		email := fmt.Sprintf("c%d@example.com", i)
		if i%100 == 99 {
			email = "not-an-email"
		}
		fmt.Fprintf(&b, "G-%06d,Cliente %d,+5730%08d,%s,gen,Generados|Lote %d\n", i, i, i, email, i%3)
	}
	return []byte(b.String())
}

func TestImportCustomersInTheBackground(t *testing.T) {
	t.Parallel()
	rows := 20_000 // 100,000 measured by hand: SALDO_IMPORT_ROWS=100000
	if n, err := strconv.Atoi(os.Getenv("SALDO_IMPORT_ROWS")); err == nil && n > 0 {
		rows = n
	}
	bogota, err := time.LoadLocation("America/Bogota")
	require.NoError(t, err)
	cfg := config{
		DatabaseURL: pgtest.URL(t), RedisURL: redisURL(t), LogLevel: 8, Concurrency: 2,
		Org: application.Org{Location: bogota, Currency: money.MustCurrency("COP")},
	}
	a, err := newApp(t.Context(), cfg, clock.System{})
	require.NoError(t, err)
	t.Cleanup(a.close)
	s := &saldo{t: t, app: a}
	s.srv = newTestServer(t, a)
	s.write = s.key(apikey.Read, apikey.Write)

	file := generatedFile(rows)
	start := time.Now()
	queued := s.upload("/api/v1/imports/customers", s.write, "big.csv", file)
	require.Equal(t, http.StatusAccepted, queued.status, "%s", queued.body)
	id := queued.json(t)["id"].(string)
	assert.Equal(t, "queued", queued.json(t)["status"])
	assert.EqualValues(t, rows, queued.json(t)["total_rows"])

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.worker(ctx) }()
	t.Cleanup(func() { cancel(); assert.NoError(t, <-done) })

	var last map[string]any
	sawProgress := false
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		last = s.do(http.MethodGet, "/api/v1/imports/"+id, s.write, nil).json(t)
		if p := last["processed_rows"].(float64); p > 0 && p < float64(rows) {
			sawProgress = true
		}
		if last["status"] == "done" || last["status"] == "failed" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("imported %d rows in the background in %s", rows, time.Since(start))
	require.Equal(t, "done", last["status"], "%v", last)
	assert.True(t, sawProgress, "progress shows between batches")
	assert.Equal(t, [4]int{rows - rows/100, 0, 0, rows / 100}, counts(t, last))
	assert.Len(t, last["errors"], min(rows/100, 1000))
	var n int64
	require.NoError(t, a.db.Raw("SELECT count(*) FROM customers").Scan(&n).Error)
	assert.EqualValues(t, rows-rows/100, n)
	require.NoError(t, a.db.Raw("SELECT count(*) FROM group_members").Scan(&n).Error)
	assert.EqualValues(t, 2*(rows-rows/100), n, "each customer joins Generados and its lot")
	var dropped bool
	require.NoError(t, a.db.Raw("SELECT file IS NULL FROM customer_imports WHERE id = ?", id).Scan(&dropped).Error)
	assert.True(t, dropped, "the file is dropped once imported")
}

// TestImportResumesAfterACrash runs a background import's job, stops it
// after its first batch as a killed worker would, and runs it again: it goes
// on from the committed batch, importing every row once.
func TestImportResumesAfterACrash(t *testing.T) {
	t.Parallel()
	s := startSaldo(t)
	rows := 3500
	queued := s.upload("/api/v1/imports/customers", s.write, "big.csv", generatedFile(rows))
	require.Equal(t, http.StatusAccepted, queued.status, "%s", queued.body)
	id := queued.json(t)["id"].(string)

	// A context cancelled once the first batch commits: the worker dies there.
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		for ctx.Err() == nil {
			var p int
			_ = s.app.db.Raw("SELECT processed FROM customer_imports WHERE id = ?", id).Scan(&p).Error
			if p > 0 {
				cancel()
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	err := s.app.imports.Run(ctx, mustUUID(t, id))
	require.Error(t, err, "the run was cut short")
	cancel()
	mid := s.do(http.MethodGet, "/api/v1/imports/"+id, s.read, nil).json(t)
	assert.Equal(t, "running", mid["status"])
	processed := mid["processed_rows"].(float64)
	assert.Greater(t, processed, 0.0)
	assert.Less(t, processed, float64(rows))

	require.NoError(t, s.app.imports.Run(t.Context(), mustUUID(t, id)), "the retry resumes")
	done := s.do(http.MethodGet, "/api/v1/imports/"+id, s.read, nil).json(t)
	assert.Equal(t, "done", done["status"])
	assert.Equal(t, [4]int{rows - rows/100, 0, 0, rows / 100}, counts(t, done), "every row counted once")
	var n int64
	require.NoError(t, s.app.db.Raw("SELECT count(*) FROM customer_import_errors WHERE import_id = ?", id).Scan(&n).Error)
	assert.EqualValues(t, rows/100, n, "every bad row reported once")
}

func mustUUID(t *testing.T, s string) uuid.UUID {
	t.Helper()
	id, err := uuid.Parse(s)
	require.NoError(t, err)
	return id
}

func newTestServer(t *testing.T, a *app) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(a.router())
	t.Cleanup(srv.Close)
	return srv
}
