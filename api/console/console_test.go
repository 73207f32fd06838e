package console

import (
	"html/template"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/application"
	"github.com/saldocrm/saldo/domain/date"
	"github.com/saldocrm/saldo/domain/money"
)

func TestTemplatesParse(t *testing.T) {
	t.Parallel()
	_, err := template.New("").Funcs(funcs(application.Org{Location: time.UTC})).Funcs((&console{}).campaignFuncs()).ParseFS(templateFS, "templates/*.html")
	require.NoError(t, err)
}

// Every string the templates and the code ask for exists in all three languages.
func TestCatalogCoversEveryKey(t *testing.T) {
	t.Parallel()
	keys := map[string]bool{}
	literal := regexp.MustCompile(`\{\{t [^}]*?"([a-z_0-9+-]+)"`)
	code := regexp.MustCompile(`\bT\([a-zA-Z.()]+, "([a-z_0-9]+)"`)
	require.NoError(t, fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, path)
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = true
		}
		return err
	}))
	for _, f := range []string{"auth.go", "inbox.go", "ledger.go", "locale.go", "funcs.go"} {
		b, err := fs.ReadFile(sourceFS{}, f)
		require.NoError(t, err)
		for _, m := range code.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], "_") {
				keys[m[1]] = true
			}
		}
	}
	// Keys built with printf in the templates.
	for _, prefix := range []string{
		"view_unassigned", "view_mine", "view_open", "view_closed", "view_all",
		"priority_low", "priority_normal", "priority_high", "priority_urgent", "role_owner", "role_manager", "role_agent",
		"status_pending", "status_sent", "status_delivered", "status_read", "status_failed",
		"invoice_open", "invoice_paid", "invoice_void", "invoice_uncollectible",
		"bucket_current", "bucket_1-30", "bucket_31-60", "bucket_61-90", "bucket_90+",
		"media_image", "media_document", "media_audio", "media_video", "media_sticker",
		"event_closed", "event_reopened", "event_assigned", "event_unassigned", "event_linked",
	} {
		keys[prefix] = true
	}
	require.Greater(t, len(keys), 100)
	for k := range keys {
		e, ok := catalog[k]
		if assert.True(t, ok, "missing catalog key %q", k) {
			for i, s := range e {
				assert.NotEmpty(t, s, "key %q has no text in language %d", k, i)
			}
		}
	}
}

func TestMoneyAndDatesFollowTheLanguage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		l    Lang
		m    money.Money
		want string
	}{
		{ES, money.MustParse("1250000.5", "COP"), "$ 1.250.000,50 COP"},
		{PT, money.MustParse("1234.5", "BRL"), "R$ 1.234,50"},
		{EN, money.MustParse("1234.5", "USD"), "US$1,234.50"},
		{EN, money.MustParse("-98765", "MXN"), "-$98,765.00 MXN"},
		{ES, money.MustParse("1500", "CLP"), "$ 1.500 CLP"},
		{PT, money.MustParse("10.125", "KWD"), "10,125 KWD"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, Money(tc.l, tc.m))
	}
	d := date.MustParse("2026-11-05")
	assert.Equal(t, "5 nov 2026", Date(ES, d))
	assert.Equal(t, "5 nov 2026", Date(PT, d))
	assert.Equal(t, "Nov 5, 2026", Date(EN, d))
	bogota, _ := time.LoadLocation("America/Bogota")
	at := time.Date(2026, 11, 22, 2, 30, 0, 0, time.UTC) // 21:30 on the 21st in Bogotá
	assert.Equal(t, "21:30", Clock(ES, at, bogota))
	assert.Equal(t, "9:30 PM", Clock(EN, at, bogota))
	assert.Equal(t, "21:30", When(PT, at, at.Add(time.Hour), bogota), "still the same day in Bogotá")
	assert.Equal(t, "Ayer", When(ES, at, at.Add(24*time.Hour), bogota))
	assert.Equal(t, "23 h 05 min", Duration(23*time.Hour+5*time.Minute))
}

func TestSignInRedirectsOnlyWithinTheSite(t *testing.T) {
	t.Parallel()
	for next, want := range map[string]string{
		"/inbox?c=1":             "/inbox?c=1",
		"/customers/abc":         "/customers/abc",
		"":                       "/inbox",
		"https://evil.example":   "/inbox",
		"//evil.example":         "/inbox",
		"/\\evil.example":        "/inbox",
		"/%5Cevil.example":       "/%5Cevil.example", // stays a path on this site: the server sees it encoded
		"\\\\evil.example":       "/inbox",
		"/inbox\r\nSet-Cookie:x": "/inbox",
		"javascript:alert(1)":    "/inbox",
	} {
		assert.Equal(t, want, safeNext(next), "next=%q", next)
	}
}
