package template_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/domain/template"
)

var now = time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)

// valid is a utility reminder with every part but a media header.
func valid() template.Details {
	return template.Details{
		Name: "recordatorio_pago", Language: "es_CO", Category: template.Utility,
		Header: "Factura {{1}}", HeaderExample: "F-1001",
		Body:     "Hola {{1}}, su factura por {{2}} venció el {{3}}. Gracias.",
		Examples: []string{"María", "$ 120.000", "10/03/2026"},
		Footer:   "Saldo · cobranza",
		Buttons: []template.Button{
			{Type: template.URL, Text: "Pagar", URL: "https://pay.example.com/p/{{1}}", Example: "pl_123"},
			{Type: template.PhoneNumber, Text: "Llamar", Phone: "+573001234567"},
			{Type: template.QuickReply, Text: "Ya pagué"},
			{Type: template.QuickReply, Text: "Hablar con alguien"},
		},
	}
}

func buttons(n int, typ template.ButtonType) []template.Button {
	bs := make([]template.Button, n)
	for i := range bs {
		bs[i] = template.Button{Type: typ, Text: "B" + strings.Repeat("x", i), URL: "https://example.com", Phone: "+5511999998888", Example: "CODE"}
	}
	return bs
}

func TestNewChecksMetasRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edit  func(d *template.Details)
		field string // "" when valid
		code  string
	}{
		{"valid", func(*template.Details) {}, "", ""},
		{"no header, footer or buttons", func(d *template.Details) {
			d.Header, d.HeaderExample, d.Footer, d.Buttons = "", "", "", nil
		}, "", ""},
		{"body without variables", func(d *template.Details) { d.Body, d.Examples = "Gracias por su pago.", nil }, "", ""},
		{"upper-case name", func(d *template.Details) { d.Name = "Recordatorio" }, "name", "name_format"},
		{"name with a dash", func(d *template.Details) { d.Name = "pago-1" }, "name", "name_format"},
		{"name with spaces is trimmed", func(d *template.Details) { d.Name = "  pago_1 " }, "", ""},
		{"no language", func(d *template.Details) { d.Language = "" }, "language", "language_format"},
		{"bad language", func(d *template.Details) { d.Language = "Spanish" }, "language", "language_format"},
		{"lower-case category is read", func(d *template.Details) { d.Category = "marketing" }, "", ""},
		{"unknown category", func(d *template.Details) { d.Category = "PROMO" }, "category", "category"},
		{"authentication", func(d *template.Details) { d.Category = template.Authentication }, "category", "category_authentication"},

		{"header of 60", func(d *template.Details) { d.Header, d.HeaderExample = strings.Repeat("a", 60), "" }, "", ""},
		{"header of 61", func(d *template.Details) { d.Header, d.HeaderExample = strings.Repeat("á", 61), "" }, "header", "header_length"},
		{"header with two variables", func(d *template.Details) { d.Header = "{{1}} y {{2}}" }, "header", "header_variables"},
		{"header with {{2}}", func(d *template.Details) { d.Header = "Factura {{2}}" }, "header", "header_variables"},
		{"header variable without sample", func(d *template.Details) { d.HeaderExample = "" }, "header_example", "header_example"},
		{"header on two lines", func(d *template.Details) { d.Header, d.HeaderExample = "a\nb", "" }, "header", "header_newline"},
		{"image header", func(d *template.Details) {
			d.HeaderFormat, d.HeaderMediaURL = template.HeaderImage, "https://cdn.example.com/banner.png"
		}, "", ""},
		{"document header without example", func(d *template.Details) { d.HeaderFormat = template.HeaderDocument }, "header_media_url", "header_media_url"},
		{"video header over http", func(d *template.Details) {
			d.HeaderFormat, d.HeaderMediaURL = template.HeaderVideo, "http://cdn.example.com/v.mp4"
		}, "header_media_url", "header_media_url"},
		{"location header", func(d *template.Details) { d.HeaderFormat = "LOCATION" }, "header_format", "header_format"},

		{"empty body", func(d *template.Details) { d.Body, d.Examples = "  ", nil }, "body", "body_length"},
		{"body of 1024", func(d *template.Details) { d.Body, d.Examples = strings.Repeat("b", 1024), nil }, "", ""},
		{"body of 1025", func(d *template.Details) { d.Body, d.Examples = strings.Repeat("b", 1025), nil }, "body", "body_length"},
		{"body variables with a gap", func(d *template.Details) {
			d.Body, d.Examples = "Hola {{1}}, debe {{3}}.", []string{"a", "b"}
		}, "body", "body_variables_gap"},
		{"body variables from 2", func(d *template.Details) { d.Body, d.Examples = "Hola {{2}}.", []string{"a"} }, "body", "body_variables_gap"},
		{"named variable", func(d *template.Details) { d.Body, d.Examples = "Hola {{nombre}}.", []string{"a"} }, "body", "body_variables"},
		{"repeated variable counts once", func(d *template.Details) {
			d.Body, d.Examples = "Hola {{1}}, sí, {{1}}: debe {{2}}.", []string{"a", "b"}
		}, "", ""},
		{"body starts with a variable", func(d *template.Details) {
			d.Body, d.Examples = "{{1}}, pague hoy.", []string{"María"}
		}, "body", "body_variable_edges"},
		{"body ends with a variable", func(d *template.Details) {
			d.Body, d.Examples = "Hola {{1}}", []string{"María"}
		}, "body", "body_variable_edges"},
		{"missing sample", func(d *template.Details) { d.Examples = d.Examples[:2] }, "examples", "examples_count"},
		{"empty sample", func(d *template.Details) { d.Examples[1] = " " }, "examples[1]", "example_empty"},

		{"footer of 61", func(d *template.Details) { d.Footer = strings.Repeat("f", 61) }, "footer", "footer_length"},
		{"footer with a variable", func(d *template.Details) { d.Footer = "Ref {{1}}" }, "footer", "footer_variables"},

		{"ten quick replies", func(d *template.Details) { d.Buttons = buttons(10, template.QuickReply) }, "", ""},
		{"eleven buttons", func(d *template.Details) { d.Buttons = buttons(11, template.QuickReply) }, "buttons", "buttons_count"},
		{"button text of 26", func(d *template.Details) { d.Buttons[2].Text = strings.Repeat("t", 26) }, "buttons[2].text", "button_text"},
		{"button without text", func(d *template.Details) { d.Buttons[2].Text = "" }, "buttons[2].text", "button_text"},
		{"unknown button", func(d *template.Details) { d.Buttons[2].Type = "OTP" }, "buttons[2].type", "button_type"},
		{"three URL buttons", func(d *template.Details) { d.Buttons = buttons(3, template.URL) }, "buttons", "url_count"},
		{"two phone buttons", func(d *template.Details) { d.Buttons = buttons(2, template.PhoneNumber) }, "buttons", "phone_count"},
		{"static URL", func(d *template.Details) { d.Buttons[0].URL, d.Buttons[0].Example = "https://pay.example.com", "" }, "", ""},
		{"http URL", func(d *template.Details) { d.Buttons[0].URL = "http://pay.example.com/{{1}}" }, "buttons[0].url", "button_url"},
		{"URL variable in the middle", func(d *template.Details) {
			d.Buttons[0].URL = "https://pay.example.com/{{1}}/pay"
		}, "buttons[0].url", "button_url_variable"},
		{"URL with {{2}}", func(d *template.Details) { d.Buttons[0].URL = "https://pay.example.com/{{2}}" }, "buttons[0].url", "button_url_variable"},
		{"URL variable without sample", func(d *template.Details) { d.Buttons[0].Example = "" }, "buttons[0].example", "button_url_example"},
		{"bad phone", func(d *template.Details) { d.Buttons[1].Phone = "call me" }, "buttons[1].phone", "button_phone"},
		{"quick replies split", func(d *template.Details) {
			d.Buttons = []template.Button{d.Buttons[2], d.Buttons[0], d.Buttons[3]}
		}, "buttons", "buttons_grouping"},
		{"quick replies first", func(d *template.Details) {
			d.Buttons = []template.Button{d.Buttons[2], d.Buttons[3], d.Buttons[0], d.Buttons[1]}
		}, "", ""},
		{"copy code in marketing", func(d *template.Details) {
			d.Category = template.Marketing
			d.Buttons = append(d.Buttons[:2], template.Button{Type: template.CopyCode, Example: "PAGA10"})
		}, "", ""},
		{"copy code in utility", func(d *template.Details) {
			d.Buttons = append(d.Buttons[:2], template.Button{Type: template.CopyCode, Example: "PAGA10"})
		}, "buttons[2].type", "copy_code_category"},
		{"copy code of 16", func(d *template.Details) {
			d.Category = template.Marketing
			d.Buttons = []template.Button{{Type: template.CopyCode, Example: strings.Repeat("C", 16)}}
		}, "buttons[0].example", "copy_code_example"},
		{"two copy codes", func(d *template.Details) {
			d.Category = template.Marketing
			d.Buttons = []template.Button{{Type: template.CopyCode, Example: "A"}, {Type: template.CopyCode, Example: "B"}}
		}, "buttons", "copy_code_count"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := valid()
			d.Examples = append([]string(nil), d.Examples...)
			d.Buttons = append([]template.Button(nil), d.Buttons...)
			tc.edit(&d)
			problems := template.Check(template.Normalize(d))
			tpl, err := template.New(uuid.New(), d, now)
			if tc.field == "" {
				require.NoError(t, err)
				assert.Empty(t, problems)
				assert.Equal(t, template.Pending, tpl.Status())
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, template.ErrInvalid)
			assert.Equal(t, domain.KindInvalid, domain.KindOf(err))
			var found bool
			for _, p := range problems {
				if p.Field == tc.field && p.Code == tc.code {
					found = true
				}
			}
			assert.True(t, found, "want %s %s in %+v", tc.field, tc.code, problems)
			var de *domain.Error
			require.True(t, errors.As(err, &de))
			assert.NotEmpty(t, de.Details())
			assert.True(t, strings.HasPrefix(de.Details()[0], problems[0].Field+": "), "details name the field: %v", de.Details())
		})
	}
}

func TestNormalizeKeepsOnlyWhatTheHeaderKindUses(t *testing.T) {
	t.Parallel()
	d := valid()
	d.HeaderFormat, d.HeaderMediaURL = "image", "https://cdn.example.com/a.png"
	n := template.Normalize(d)
	assert.Equal(t, template.HeaderImage, n.HeaderKind())
	assert.Empty(t, n.Header)
	assert.Empty(t, n.HeaderExample)

	// A template stored before media headers has only the text.
	old := template.Details{Header: "Pago vencido"}
	assert.Equal(t, template.HeaderText, old.HeaderKind())
	assert.Equal(t, template.HeaderNone, template.Details{}.HeaderKind())
}

func TestPreviewFillsTheSamples(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "Hola María, su factura por $ 120.000 venció el 10/03/2026. Gracias.", valid().Preview())
	d := valid()
	d.Examples = d.Examples[:1]
	assert.Equal(t, "Hola María, su factura por {{2}} venció el {{3}}. Gracias.", d.Preview())
}

func TestFromCatalogTakesWhatMetaAccepted(t *testing.T) {
	t.Parallel()
	// Meta holds a template without samples and with a location header.
	d := template.Details{Name: "viejo", Language: "es", Category: template.Authentication, HeaderFormat: "LOCATION", Body: "{{1}} es su código."}
	tpl, err := template.FromCatalog(uuid.New(), d, now)
	require.NoError(t, err)
	assert.Equal(t, "viejo", tpl.Name())
	_, err = template.FromCatalog(uuid.New(), template.Details{Name: "sin_cuerpo", Language: "es", Category: template.Utility}, now)
	assert.ErrorIs(t, err, template.ErrInvalid)
}

func TestReviewAndCheckSend(t *testing.T) {
	t.Parallel()
	tpl, err := template.New(uuid.New(), valid(), now)
	require.NoError(t, err)
	assert.ErrorIs(t, tpl.CheckSend(3), template.ErrNotApproved, "pending templates cannot be sent")
	assert.True(t, tpl.Review("APPROVED", "NONE", now.Add(time.Minute)))
	assert.False(t, tpl.Review("APPROVED", "NONE", now.Add(2*time.Minute)), "the same event twice changes nothing")
	assert.NoError(t, tpl.CheckSend(3))
	assert.ErrorIs(t, tpl.CheckSend(2), template.ErrParamCount)
	assert.False(t, tpl.Review("FLAGGED", "", now.Add(3*time.Minute)))
	assert.True(t, tpl.Review("REJECTED", "INVALID_FORMAT", now.Add(4*time.Minute)))
	assert.Equal(t, "INVALID_FORMAT", tpl.Reason())
	assert.ErrorIs(t, tpl.CheckSend(3), template.ErrNotApproved)
}
